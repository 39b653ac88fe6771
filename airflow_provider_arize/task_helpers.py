"""What every Arize task shares, operators and sensors alike: the hook, publishing a job to XCom and the
extra link, model-asset events, the ``deferrable`` default, the retry policy and the query window."""

from __future__ import annotations

from collections.abc import Collection
from functools import cached_property
from typing import TYPE_CHECKING, Any

from airflow.sdk import BaseOperatorLink

from airflow_provider_arize.api.errors import ArizeConfigError
from airflow_provider_arize.assets import asset_windows, model_event_extra, model_outlets
from airflow_provider_arize.hooks.arize import ArizeHook
from airflow_provider_arize.links import XCOM_JOB_ID, XCOM_JOB_URL, XCOM_SHORT_JOB_ID, ArizeJobLink

if TYPE_CHECKING:
    from airflow.sdk import Context

    from airflow_provider_arize.api.models import ImportJob, QueryWindow


def default_deferrable(deferrable: bool | None) -> bool:
    """``deferrable`` as given, else Airflow's ``[operators] default_deferrable`` (read when the task is
    built, not at import)."""
    if deferrable is not None:
        return bool(deferrable)
    from airflow.providers.common.compat.sdk import conf

    return bool(conf.getboolean("operators", "default_deferrable", fallback=False))


def resolve_window(context: Context, start: Any, end: Any) -> QueryWindow:
    """The task's query window: ``start``/``end`` when given (datetimes or ISO-8601 strings with an
    offset), else the DAG run's data interval, else the one window of its triggering asset events.
    Naive, reversed and empty windows raise ``ArizeConfigError`` naming the field, before any request."""
    from airflow_provider_arize.api.models import QueryWindow

    given = bool(start or end)
    if not given and context.get("data_interval_start") is None:
        return _asset_event_window(context)
    start = start or context.get("data_interval_start")
    end = end or context.get("data_interval_end")
    if start is None or end is None:
        raise ArizeConfigError(
            "no query window: this DAG run has no data interval; pass window_start and window_end",
            field="queryStart" if start is None else "queryEnd",
        )
    if not given and start == end:
        raise ArizeConfigError(
            f"no query window: this DAG run's data interval is empty ({start} to {end}), as with a "
            "CronTriggerTimetable schedule; schedule with CronDataIntervalTimetable or "
            "DeltaDataIntervalTimetable, or pass window_start and window_end",
            field="queryStart",
        )
    return QueryWindow.of(start, end)


def _asset_event_window(context: Context) -> QueryWindow:
    """A run without a data interval (triggered by an asset event or by hand): the one window its
    triggering asset events carry (:mod:`airflow_provider_arize.assets`)."""
    windows = asset_windows(context.get("triggering_asset_events"))
    if len(windows) > 1:
        raise ArizeConfigError(
            f"this run's asset events carry {len(windows)} windows; map the task over them: "
            "ArizeTriggerTableRunOperator.partial(...).expand_kwargs(asset_event_windows())",
            field="queryStart",
        )
    return windows[0]


#: Errors no retry can fix: bad arguments or connection, a refused dry run or preflight, a wrong key, an
#: unknown job, a run Arize reports as failed, a reconciliation mismatch.
NOT_RETRYABLE = [
    "airflow_provider_arize.api.errors.ArizeConfigError",
    "airflow_provider_arize.api.errors.ArizeValidationError",
    "airflow_provider_arize.api.errors.ArizeAuthError",
    "airflow_provider_arize.api.errors.ArizeNotFoundError",
    "airflow_provider_arize.api.errors.ArizeRunFailedError",
    "airflow_provider_arize.api.errors.ArizeDuplicateRunError",
    "airflow_provider_arize.hooks.warehouses.errors.ArizeReconcileError",
]


def fail_fast_retry_policy() -> Any:
    """The default ``retry_policy`` of the package's tasks: :data:`NOT_RETRYABLE` errors fail the task at
    once instead of spending its retries; anything else (timeouts, transient errors) retries as usual.
    Pass your own ``retry_policy`` to change it. Airflow 3.3 and later (see :mod:`..compat`)."""
    from airflow.sdk import ExceptionRetryPolicy, RetryAction, RetryRule

    return ExceptionRetryPolicy(
        rules=[
            RetryRule(
                exception=list(NOT_RETRYABLE),
                action=RetryAction.FAIL,
                reason="retrying cannot fix this: the input, the data or the job must change",
            )
        ]
    )


class ArizeHookMixin:
    """The :class:`ArizeHook` of a task with an ``arize_conn_id`` (built on first use, no I/O)."""

    arize_conn_id: str

    @cached_property
    def hook(self) -> ArizeHook:
        return ArizeHook(arize_conn_id=self.arize_conn_id)


def _data_interval(context: Context) -> QueryWindow | None:
    """The run's data interval as a window, or ``None`` (no interval, or an empty one)."""
    from airflow_provider_arize.api.models import QueryWindow

    start, end = context.get("data_interval_start"), context.get("data_interval_end")
    return QueryWindow.of(start, end) if start is not None and end is not None and start < end else None


def _try_of(ti: Any) -> tuple[Any, ...]:
    """Which try of which task instance ``ti`` (a running task instance or a ``TaskInstanceKey``) is."""
    return tuple(
        getattr(ti, name, None) for name in ("dag_id", "run_id", "task_id", "map_index", "try_number")
    )


class ArizeJobTaskMixin(ArizeHookMixin):
    """A task about one Arize import job: it publishes the job to XCom and links to it (the "Arize import
    job" extra link), from the URL it keeps for the try that published it (see :mod:`..links`)."""

    operator_extra_links: Collection[BaseOperatorLink] = (ArizeJobLink(),)
    log: Any  # the task's logger (BaseOperator's)
    _published_url: tuple[tuple[Any, ...], str] | None = None

    def publish_job(self, context: Context, job: ImportJob) -> dict[str, Any]:
        """Push the job's global id, short id and UI URL to XCom; return its summary (the task's result)."""
        url = self.hook.job_url(job)
        ti = context["ti"]
        ti.xcom_push(key=XCOM_JOB_ID, value=job.id)
        ti.xcom_push(key=XCOM_SHORT_JOB_ID, value=job.job_id)
        ti.xcom_push(key=XCOM_JOB_URL, value=url)
        self.remember_job_url(ti, url)
        return {**job.summary(), "url": url}

    def remember_job_url(self, ti: Any, url: str | None) -> None:
        """Keep ``url`` as the job URL of this try of ``ti``; a task resuming from a deferral passes the
        one it published before (carried in the deferral's kwargs). ``None``: nothing to keep."""
        if url:
            self._published_url = (_try_of(ti), url)

    def job_url_of(self, ti: Any) -> str | None:
        """The job URL this try of ``ti`` published, if it did in this process."""
        published = self._published_url
        return published[1] if published and published[0] == _try_of(ti) else None

    def update_model_assets(
        self, context: Context, result: dict[str, Any], window: QueryWindow | None = None
    ) -> dict[str, Any]:
        """Put what was ingested (window and counts) in the extra of every Arize model asset among the
        task's ``outlets``: Airflow records the events when the task succeeds. A result without a window
        (a file batch) takes the run's data interval, when it has one. Returns ``result``."""
        assets = model_outlets(getattr(self, "outlets", None))
        if assets:
            extra = model_event_extra(result, window or _data_interval(context))
            for asset in assets:
                context["outlet_events"][asset].extra = extra
            self.log.info("Model asset %s: %s", ", ".join(a.uri for a in assets), extra)
        return result
