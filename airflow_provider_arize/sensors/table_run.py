"""Wait for the run of a table job's window that something else triggered (another DAG, another system).

It only reads; what a poke costs and when it succeeds or fails: ``docs/internals.md``, "Wait sensors".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from airflow_provider_arize.api.refs import job_ref
from airflow_provider_arize.lineage import JobLineageMixin
from airflow_provider_arize.sensors.base import ArizeWaitSensor
from airflow_provider_arize.task_helpers import resolve_window
from airflow_provider_arize.waits import KILLED_TABLE_RUN, run_result

if TYPE_CHECKING:
    from airflow.sdk import Context

    from airflow_provider_arize.api.models import QueryWindow
    from airflow_provider_arize.triggers.base import ArizeWaitTrigger, Outcome
    from airflow_provider_arize.waits import TableRunOutcome


class ArizeTableRunSensor(JobLineageMixin, ArizeWaitSensor):
    """Wait until Arize reports the query for ``[window_start, window_end)`` of a table job.

    :param job_id: global id or short job id of the table job.
    :param window_start: window start (datetime or ISO-8601 with offset); default: the data interval start.
    :param window_end: window end (exclusive); default: the data interval end.

    The other parameters are :class:`~airflow_provider_arize.sensors.base.ArizeWaitSensor`'s.

    Returns (XCom) ``{"job_id", "window_start", "window_end", "triggered", "query_id",
    "records_processed_count"}`` (``triggered`` is false: something else triggered the run).
    """

    template_fields: Sequence[str] = ("job_id", "window_start", "window_end")
    kill_leaves = KILLED_TABLE_RUN

    def __init__(
        self, *, job_id: str, window_start: Any = None, window_end: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.job_id = job_id
        self.window_start = window_start
        self.window_end = window_end
        self._window: QueryWindow | None = None

    def waiting_for(self) -> str:
        window = self._window or "of the DAG run's data interval"
        return f"window {window} of table import job {self.job_id}"

    def check(self, context: Context) -> TableRunOutcome:
        self._window = window = resolve_window(context, self.window_start, self.window_end)
        job, outcome = self.hook.read_table_run(job_ref(self.job_id), window)
        self._lineage_job = job
        self.link_job(context, job)
        return outcome

    def result(self, context: Context, outcome: Outcome) -> dict[str, Any]:
        window = resolve_window(context, self.window_start, self.window_end)
        return run_result(job_ref(self.job_id), window, False, outcome.details())

    def make_trigger(self, context: Context, deadline: float, poll_interval: float) -> ArizeWaitTrigger:
        from airflow_provider_arize.triggers.table_run import ArizeTableRunTrigger

        window = resolve_window(context, self.window_start, self.window_end).to_input()
        return ArizeTableRunTrigger(
            arize_conn_id=self.arize_conn_id,
            job_id=job_ref(self.job_id),
            window_start=window["queryStart"],
            window_end=window["queryEnd"],
            deadline=deadline,
            poll_interval=poll_interval,
            max_consecutive_errors=int(self.max_consecutive_errors),
        )

    def result_from_event(self, data: dict[str, Any]) -> dict[str, Any]:
        from airflow_provider_arize.api.models import QueryWindow

        window = QueryWindow.of(data["window_start"], data["window_end"])
        return run_result(data["job_id"], window, False, data.get("details"))
