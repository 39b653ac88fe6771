"""Event-based (triggered) Snowflake table jobs: create the job, trigger a window's run and wait for it.

What is idempotent, which window is sent, and how the wait polls, times out and is killed:
docs/event-jobs.md, "Idempotency and retries" and "Waiting (poke or deferrable)".
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from airflow_provider_arize.api.constants import DEFAULT_MAX_CONSECUTIVE_ERRORS, DEFAULT_POLL_INTERVAL
from airflow_provider_arize.api.errors import ArizeConfigError, ArizeRunFailedError
from airflow_provider_arize.api.refs import job_ref
from airflow_provider_arize.assets import model_outlets
from airflow_provider_arize.lineage import CreateLineageMixin, JobLineageMixin
from airflow_provider_arize.operators.base import (
    ArizeBaseOperator,
    ArizeModelOperator,
    default_deferrable,
    resolve_window,
)
from airflow_provider_arize.operators.table_jobs import build_table_config
from airflow_provider_arize.wait_engine import Wait, defer_timeout, wait_sync
from airflow_provider_arize.waits import (
    KILLED_TABLE_RUN,
    ErrorBudget,
    TableRunOutcome,
    check_poll_interval,
    check_wait_timeout,
    evaluate_table_run,
    event_data,
    killed_wait_note,
    run_result,
    table_job_label,
)

if TYPE_CHECKING:
    from airflow.sdk import Context

    from airflow_provider_arize.api.client import TriggerResult
    from airflow_provider_arize.api.models import ImportJob, QueryWindow
    from airflow_provider_arize.hooks.arize import ArizeHook

#: XCom key of the window a run task triggered (``{"queryStart", "queryEnd"}``, RFC 3339 UTC).
XCOM_WINDOW = "arize_window"


class ArizeCreateTriggeredTableImportJobOperator(CreateLineageMixin, ArizeModelOperator):
    """Create an event-based Snowflake table job (it ingests only the windows a client triggers).

    Idempotent (docs/event-jobs.md, "Idempotency and retries"). With ``dry_run_first`` (default) a new
    job is validated first through a dry run of the same table and schema, and the task fails with
    Arize's message verbatim.

    :param table_config: ``accountID``/``database``/``schema``/``tableName``; with ``warehouse_conn_id``
        (a ``snowflake`` connection) only ``tableName`` is needed: the rest comes from the connection.
    :param schema: column mapping, including ``changeTimestamp``.

    Pushes ``arize_job_id``, ``arize_short_job_id`` and ``arize_job_url`` to XCom; returns the job summary
    with ``created``.
    """

    template_fields: Sequence[str] = (
        *ArizeModelOperator.model_fields,
        "table_config",
        "schema",
        "warehouse_conn_id",
    )

    def __init__(
        self,
        *,
        schema: Mapping[str, Any] | Any,
        table_config: Mapping[str, Any] | Any = None,
        warehouse_conn_id: str | None = None,
        dry_run_first: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.schema = schema
        self.table_config = table_config or {}
        self.warehouse_conn_id = warehouse_conn_id
        self.dry_run_first = dry_run_first

    def execute(self, context: Context) -> dict[str, Any]:
        from airflow_provider_arize.api.models import ModelSchema, TriggeredTableImportJobSpec

        spec = TriggeredTableImportJobSpec(
            target=self.model_target(),
            table=build_table_config("Snowflake", self.table_config, self.warehouse_conn_id),
            schema=ModelSchema.from_value(self.schema),
        )
        if self.dry_run_first and self.hook.client.find_job("table", spec.identity) is None:
            self.dry_run_table(spec.as_table_spec())
        outcome = self.hook.create_triggered_table_job(spec)
        self.remember_lineage(context, outcome.job.id, spec)
        return self.report_create(context, outcome, "event-based table", spec.table.fully_qualified_name)


class ArizeTriggerTableRunOperator(JobLineageMixin, ArizeBaseOperator):
    """Trigger an event-based table job's run for a window, then (by default) wait until Arize reports
    the query for it with its processed record count.

    :param job_id: global id or short job id of the event-based table job.
    :param window_start: window start (datetime or ISO-8601 with offset); default: the data interval start.
    :param window_end: window end (exclusive); default: the data interval end.
    :param wait_for_completion: wait for the query (default ``True``); ``False`` returns once triggered.
    :param poll_interval: seconds between polls (default 60: a poll costs two of Arize's 100 queries a
        minute per key; at most a day).
    :param timeout: seconds to wait before failing with ``ArizeWaitTimeoutError`` (default 3600; at most a
        year). Both are checked before the window is triggered.
    :param max_consecutive_errors: transient errors in a row tolerated while waiting (default 3).
    :param deferrable: wait in the triggerer; default ``[operators] default_deferrable``.

    ``max_active_tis_per_dag`` defaults to 1: overlapping runs of one DAG (a hand-triggered run beside the
    scheduled one, a backfill) trigger their windows one at a time, so a run whose window another run
    already triggered finds that query and waits on it. Pass ``max_active_tis_per_dag=None`` to let runs
    of different windows trigger side by side. Two DAGs triggering the same window of one job can still
    race: then the task that sees two queries fails with ``ArizeDuplicateRunError`` naming both.

    An Arize model asset in ``outlets`` (:func:`airflow_provider_arize.assets.arize_model_asset`) is
    updated once the window's query is reported, with the window and its counts in the event's extra.

    Pushes ``arize_job_id``, ``arize_short_job_id``, ``arize_job_url`` and ``arize_window`` to XCom;
    returns ``{"job_id", "window_start", "window_end", "triggered", "query_id",
    "records_processed_count"}``.
    """

    template_fields: Sequence[str] = ("job_id", "window_start", "window_end")

    def __init__(
        self,
        *,
        job_id: str,
        window_start: Any = None,
        window_end: Any = None,
        wait_for_completion: bool = True,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        timeout: float = 3600.0,
        max_consecutive_errors: int = DEFAULT_MAX_CONSECUTIVE_ERRORS,
        deferrable: bool | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("max_active_tis_per_dag", 1)
        super().__init__(**kwargs)
        self.job_id = job_id
        self.window_start = window_start
        self.window_end = window_end
        self.wait_for_completion = wait_for_completion
        self.poll_interval = poll_interval
        self.timeout = timeout
        self.max_consecutive_errors = max_consecutive_errors
        self.deferrable = default_deferrable(deferrable)
        self._waiting_for: str | None = None  # what on_kill names: set once the window is triggered
        self._last_seen: str | None = None  # the first poll's; then the wait's (on_kill reports it)
        self._wait: Wait | None = None

    def execute(self, context: Context) -> dict[str, Any]:
        window = resolve_window(context, self.window_start, self.window_end)
        if not self.wait_for_completion and model_outlets(self.outlets):
            raise ArizeConfigError(
                "an Arize model asset in outlets says its window was ingested: keep wait_for_completion "
                "on (the asset is updated once Arize reports the window's query)",
                field="wait_for_completion",
            )
        poll_interval = check_poll_interval(self.poll_interval)
        ErrorBudget(self.max_consecutive_errors)  # validates before anything is sent
        deadline = time.time() + check_wait_timeout(self.timeout)

        result = self.hook.trigger_table_run(job_ref(self.job_id), window)
        job = result.job or self.hook.get_job("table", job_ref(self.job_id))
        self._lineage_job = job
        self.publish_job(context, job)
        context["ti"].xcom_push(key=XCOM_WINDOW, value=window.to_input())
        if result.triggered:
            self.log.info("Triggered window %s of table import job %s (jobId %s)", window, job.id, job.job_id)
        else:
            self.log.info(
                "Window %s of table import job %s was already triggered (query %s): not triggering it "
                "again, waiting on that query",
                window,
                job.id,
                result.query.query_id if result.query else None,
            )
        if not self.wait_for_completion:
            return run_result(job.id, window, result.triggered, None)

        self._waiting_for = f"window {window} of table import job {job.id}"
        outcome = _first_poll(self.hook, result, job, window)
        self._last_seen = outcome.message
        if outcome.state == "waiting" and self.deferrable:
            self._defer(context, job.id, window, deadline, poll_interval, result.triggered)
        if outcome.state == "waiting":
            outcome = self._poll(job.id, window, deadline, poll_interval, outcome.message)
        return self.update_model_assets(context, _finish(outcome, job.id, window, result.triggered, self.log))

    def _defer(
        self,
        context: Context,
        job_id: str,
        window: QueryWindow,
        deadline: float,
        poll_interval: float,
        triggered: bool,
    ) -> None:
        from airflow_provider_arize.triggers.table_run import ArizeTableRunTrigger

        bounds = window.to_input()
        self.log.info(
            "Deferring: waiting in the triggerer for window %s (poll every %s s)", window, poll_interval
        )
        self.defer(
            trigger=ArizeTableRunTrigger(
                arize_conn_id=self.arize_conn_id,
                job_id=job_id,
                window_start=bounds["queryStart"],
                window_end=bounds["queryEnd"],
                deadline=deadline,
                poll_interval=poll_interval,
                max_consecutive_errors=int(self.max_consecutive_errors),
                polled_at=time.time(),  # execute has just polled
            ),
            method_name="execute_complete",
            kwargs={"triggered": triggered, "job_url": self.job_url_of(context["ti"])},
            # a backstop only: the trigger ends itself at the deadline with a clear message
            timeout=defer_timeout(deadline, poll_interval),
        )

    def _poll(
        self, job_id: str, window: QueryWindow, deadline: float, poll_interval: float, first_seen: str
    ) -> TableRunOutcome:
        subject = f"window {window} of table import job {job_id}"
        errors = int(self.max_consecutive_errors)
        # execute has just polled: the next poll comes one interval later
        self._wait = Wait(subject, deadline, poll_interval, errors, self.log, polled_at=time.time())
        self._wait.last_seen = first_seen
        return wait_sync(self._wait, lambda: self.hook.check_table_run(job_id, window))

    def execute_complete(
        self,
        context: Context,
        event: Mapping[str, Any] | None = None,
        triggered: bool = True,
        job_url: str | None = None,
    ) -> dict[str, Any]:
        """Resume after the trigger: succeed with the query, or fail with the trigger's message."""
        from airflow_provider_arize.api.models import QueryWindow

        self.remember_job_url(context["ti"], job_url)
        data = event_data(event)
        window = QueryWindow.of(data["window_start"], data["window_end"])
        query = data.get("details") or {}
        self.log.info("%s", data["message"])
        return self.update_model_assets(context, run_result(data["job_id"], window, triggered, query))

    def on_kill(self) -> None:
        """Say in the log what the kill leaves in Arize: nothing is cancelled, a retry never re-triggers."""
        if self._waiting_for is None:
            self.log.warning(
                "Task killed before Arize confirmed the trigger of its window: the trigger may or may not "
                "have reached Arize; a retry of this task looks the window's query up first and triggers "
                "only if Arize has none, so the window is never run twice"
            )
            return
        self.log.warning(
            "%s",
            killed_wait_note(
                self._waiting_for,
                KILLED_TABLE_RUN,
                self._wait.last_seen if self._wait else self._last_seen,
                "a retry of this task waits on that query instead of triggering the window again",
            ),
        )


def _first_poll(
    hook: ArizeHook, result: TriggerResult, job: ImportJob, window: QueryWindow
) -> TableRunOutcome:
    """The wait's first decision, without a request where triggering has just read enough.

    A window found already triggered was read like a poll reads it (the job, then its queries). A query
    this task has just created is still to run (the job's counters, read before the trigger, are not
    consulted); the next poll, one interval later, reads it afresh. Anything else polls once.
    """
    if result.job is None or result.queries_total is None:
        return hook.check_table_run(job.id, window)
    if not result.triggered:
        return evaluate_table_run(result.job, result.query, window, queries_total=result.queries_total)
    query, where = result.query, table_job_label(job)
    if query is None:
        return TableRunOutcome("waiting", f"Arize reports no query for window {window} of {where} yet")
    return TableRunOutcome(
        "waiting",
        f"the query for window {window} of {where} (query {query.query_id}) is triggered, to run",
        query,
    )


def _finish(
    outcome: TableRunOutcome, job_id: str, window: QueryWindow, triggered: bool, log: Any
) -> dict[str, Any]:
    if outcome.state == "failed":
        raise ArizeRunFailedError(outcome.message)
    log.info("%s", outcome.message)

    return run_result(job_id, window, triggered, outcome.query_summary())
