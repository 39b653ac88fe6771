"""Deferrable wait for an event-based table run: poll Arize until the query for a window is done.

The loop is :class:`.base.ArizeWaitTrigger`'s; each poll decides with
:func:`airflow_provider_arize.waits.evaluate_table_run`, reading the query list only when the job's
counters say it may have changed (:class:`QueryListMemo`): ``docs/internals.md``, "The table-run poll:
the query list only when it moved".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from airflow_provider_arize.api.models import QueryWindow
from airflow_provider_arize.api.payloads import window_query
from airflow_provider_arize.triggers.base import ArizeWaitTrigger
from airflow_provider_arize.waits import evaluate_table_run

if TYPE_CHECKING:
    from airflow_provider_arize.api.async_client import AsyncArizeClient
    from airflow_provider_arize.api.models import ImportJob, TableRunQuery
    from airflow_provider_arize.api.poll_reads import Poller
    from airflow_provider_arize.waits import TableRunOutcome

#: A table wait reads its job's query list at least once every this many polls.
LIST_REFRESH_POLLS = 10

Counters = tuple[int, int, int]


def counters_of(job: ImportJob) -> Counters:
    """A table job's (success, failed, pending) query counters."""
    return (job.queries_success, job.queries_failed, job.queries_pending or 0)


@dataclass
class QueryListMemo:
    """What a table wait remembers of its job's query list between polls, and when it rereads the list
    (``docs/internals.md``, "The table-run poll: the query list only when it moved")."""

    counters: Counters | None = None
    consistent: bool = False
    query: TableRunQuery | None = None
    total: int | None = None
    polls_since_read: int = 0

    def needs_read(self, counters: Counters) -> bool:
        """Whether this poll must read the query list, given the job's counters just read."""
        return (
            self.counters is None
            or counters != self.counters
            or not self.consistent
            or self.polls_since_read + 1 >= LIST_REFRESH_POLLS
        )

    def remember(self, counters: Counters, queries: list[TableRunQuery], window: QueryWindow) -> None:
        """Record a list read together with the counters read just before it."""
        success, _failed, _pending = counters
        processed = sum(1 for q in queries if q.records_processed_count is not None)
        self.counters = counters
        self.consistent = len(queries) == sum(counters) and processed == success
        self.query = window_query(queries, window)
        self.total = len(queries)
        self.polls_since_read = 0

    def skip(self) -> None:
        """Record a poll that did not read the list."""
        self.polls_since_read += 1


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
        self._global_id: str | None = None
        self._memo = QueryListMemo()

    @property
    def subject(self) -> str:  # type: ignore[override]
        return f"window [{self.window_start}, {self.window_end}) of table import job {self.job_id}"

    def wait_kwargs(self) -> dict[str, Any]:
        return {"window_start": self.window_start, "window_end": self.window_end}

    async def poll(self, client: AsyncArizeClient) -> TableRunOutcome:
        window = QueryWindow.of(self.window_start, self.window_end)
        job = await client.get_job("table", self.job_id)
        queries = await client.list_table_queries(job.id)
        return evaluate_table_run(job, window_query(queries, window), window, queries_total=len(queries))

    async def poll_batched(self, poller: Poller) -> TableRunOutcome:
        window = QueryWindow.of(self.window_start, self.window_end)
        if self._global_id is None:
            self._global_id = await poller.global_id("table", self.job_id)
        job = await poller.job("table", self._global_id, linger=self.linger)
        counters = counters_of(job)
        if self._memo.needs_read(counters):
            queries = await poller.queries(job.id, expected=sum(counters), linger=self.linger)
            self._memo.remember(counters, queries, window)
        else:
            self._memo.skip()
        return evaluate_table_run(job, self._memo.query, window, queries_total=self._memo.total)
