"""Deferrable wait for an event-based table run: poll Arize until the query for a window is done.

The loop, its error budget and its deadline are :class:`.base.ArizeWaitTrigger`'s; each poll reads the
job and its queries and decides with :func:`airflow_provider_arize.waits.evaluate_table_run`, the same
function the poke path uses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from airflow_provider_arize.triggers.base import ArizeWaitTrigger
from airflow_provider_arize.waits import evaluate_table_run

if TYPE_CHECKING:
    from airflow_provider_arize.api.async_client import AsyncArizeClient
    from airflow_provider_arize.waits import TableRunOutcome


class ArizeTableRunTrigger(ArizeWaitTrigger):
    """Wait until Arize reports the query for ``[window_start, window_end)`` of a table job.

    :param window_start: window start, RFC 3339 UTC.
    :param window_end: window end, RFC 3339 UTC.

    The other parameters are :class:`.base.ArizeWaitTrigger`'s.
    """

    def __init__(self, *, window_start: str, window_end: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.window_start = window_start
        self.window_end = window_end

    @property
    def subject(self) -> str:  # type: ignore[override]
        return f"window [{self.window_start}, {self.window_end}) of table import job {self.job_id}"

    def wait_kwargs(self) -> dict[str, Any]:
        return {"window_start": self.window_start, "window_end": self.window_end}

    async def poll(self, client: AsyncArizeClient) -> TableRunOutcome:
        from airflow_provider_arize.api.models import QueryWindow

        window = QueryWindow.of(self.window_start, self.window_end)
        job = await client.get_job("table", self.job_id)
        return evaluate_table_run(job, await client.find_table_run(job.id, window), window)
