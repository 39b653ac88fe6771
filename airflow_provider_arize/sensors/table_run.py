"""Wait for the run of a table job's window that something else triggered (another DAG, another system).

Operational contract: it only reads. Each poke reads the job and its queries (two requests; mind Arize's
100 queries a minute per key when choosing ``poke_interval``). It succeeds when Arize reports the
window's query with a processed count, fails at once when that query failed or the job was deleted, and
otherwise keeps waiting until ``timeout``. A few consecutive transient errors are tolerated
(``max_consecutive_errors``). With ``deferrable`` it waits in the triggerer through the same decision
function as the poke (:func:`airflow_provider_arize.waits.evaluate_table_run`).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from airflow.sdk import BaseSensorOperator, PokeReturnValue

from airflow_provider_arize.hooks.arize import ArizeHook
from airflow_provider_arize.operators.base import (
    ArizeHookMixin,
    default_deferrable,
    fail_fast_retry_policy,
    resolve_window,
)
from airflow_provider_arize.waits import DEFAULT_MAX_CONSECUTIVE_ERRORS, DEFAULT_POLL_INTERVAL

if TYPE_CHECKING:
    from airflow.sdk import Context


class ArizeTableRunSensor(ArizeHookMixin, BaseSensorOperator):
    """Wait until Arize reports the query for ``[window_start, window_end)`` of a table job.

    :param job_id: global id or short job id of the table job.
    :param window_start: window start (datetime or ISO-8601 with offset); default: the data interval start.
    :param window_end: window end (exclusive); default: the data interval end.
    :param arize_conn_id: the ``arize`` connection.
    :param max_consecutive_errors: transient errors in a row tolerated (default 3).
    :param deferrable: wait in the triggerer; default ``[operators] default_deferrable``.

    Returns (XCom) ``{"job_id", "window_start", "window_end", "query_id", "records_processed_count"}``.
    """

    template_fields: Sequence[str] = ("job_id", "window_start", "window_end")
    ui_color = "#dff5e6"

    def __init__(
        self,
        *,
        job_id: str,
        window_start: Any = None,
        window_end: Any = None,
        arize_conn_id: str = ArizeHook.default_conn_name,
        max_consecutive_errors: int = DEFAULT_MAX_CONSECUTIVE_ERRORS,
        deferrable: bool | None = None,
        poke_interval: float = DEFAULT_POLL_INTERVAL,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("retry_policy", fail_fast_retry_policy())
        super().__init__(poke_interval=poke_interval, **kwargs)
        self.job_id = job_id
        self.window_start = window_start
        self.window_end = window_end
        self.arize_conn_id = arize_conn_id
        self.max_consecutive_errors = max_consecutive_errors
        self.deferrable = default_deferrable(deferrable)
        self._errors = 0

    def poke(self, context: Context) -> bool | PokeReturnValue:
        from airflow_provider_arize.api.errors import ArizeError, ArizeRunFailedError
        from airflow_provider_arize.waits import is_transient, run_result

        window = resolve_window(context, self.window_start, self.window_end)
        try:
            outcome = self.hook.check_table_run(str(self.job_id), window)
        except ArizeError as exc:
            self._errors += 1
            if not is_transient(exc) or self._errors > int(self.max_consecutive_errors):
                raise
            self.log.warning("Transient error polling Arize (%s); will poke again", exc)
            return False
        self._errors = 0
        if outcome.state == "failed":
            raise ArizeRunFailedError(outcome.message)
        self.log.info("%s", outcome.message)
        if outcome.state == "waiting":
            return False
        job_id = str(self.job_id)
        return PokeReturnValue(True, run_result(job_id, window, False, outcome.query_summary()))

    def execute(self, context: Context) -> Any:
        if not self.deferrable:
            return super().execute(context)
        from airflow_provider_arize.triggers.table_run import ArizeTableRunTrigger
        from airflow_provider_arize.waits import check_poll_interval

        first = self.poke(context)
        if isinstance(first, PokeReturnValue):
            return first.xcom_value
        window = resolve_window(context, self.window_start, self.window_end).to_input()
        interval = check_poll_interval(self.poke_interval)
        timeout = float(self.timeout.total_seconds() if isinstance(self.timeout, timedelta) else self.timeout)
        self.defer(
            trigger=ArizeTableRunTrigger(
                arize_conn_id=self.arize_conn_id,
                job_id=str(self.job_id),
                window_start=window["queryStart"],
                window_end=window["queryEnd"],
                deadline=time.time() + timeout,
                poll_interval=interval,
                max_consecutive_errors=int(self.max_consecutive_errors),
            ),
            method_name="execute_complete",
            timeout=timedelta(seconds=timeout + 2 * interval + 60),
        )

    def execute_complete(self, context: Context, event: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Resume after the trigger: succeed with the query, or fail with the trigger's message."""
        from airflow_provider_arize.api.models import QueryWindow
        from airflow_provider_arize.waits import event_data, run_result

        data = event_data(event)
        self.log.info("%s", data["message"])
        window = QueryWindow.of(data["window_start"], data["window_end"])
        return run_result(data["job_id"], window, False, data.get("details"))
