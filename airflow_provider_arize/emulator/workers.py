"""The background worker that runs table-job queries against their warehouses: triggered windows and
scheduled polls.

Windows, scheduling, failures and durability: ``docs/emulator.md``, "The table worker"."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterator
from contextlib import contextmanager

from airflow_provider_arize.api.constants import JOB_STATUS_ACTIVE

from .records import JOB_KIND_TABLE, QUERY_PENDING, QUERY_RUNNING, JobRecord, QueryRecord
from .state import EmulatorState
from .table_reader import (
    EPSILON,
    QueryFailure,
    ResolvedTable,
    count_window,
    min_change_timestamp,
    resolve_table,
)
from .ticker import Ticker
from .warehouses import TableTarget, WarehouseConnection, WarehouseError, connect, table_target

log = logging.getLogger("airflow_provider_arize.emulator.workers")

#: Refresh interval of a scheduled job that sets none.
DEFAULT_REFRESH_MINUTES = 60


def window_end(start: float, hours: float, now: float) -> float:
    """End of a scheduled window: ``hours`` after ``start``, or ``now`` (not before ``start``) for 0."""
    return start + hours * 3600 if hours > 0 else max(now, start)


def _row_limit(job: JobRecord) -> int | None:
    value = job.ingestion.get("rowLimit")
    return value if isinstance(value, int) and value > 0 else None


def _window_hours(job: JobRecord) -> float:
    value = job.ingestion.get("queryWindowSizeHours")
    return float(value) if isinstance(value, int | float) and value > 0 else 0.0


def _refresh_seconds(job: JobRecord) -> float:
    value = job.ingestion.get("refreshIntervalMinutes")
    minutes = value if isinstance(value, int | float) and value > 0 else DEFAULT_REFRESH_MINUTES
    return float(minutes) * 60


class TableWorker(Ticker):
    """Runs pending and scheduled table-job queries on a background thread (``docs/emulator.md``, "The
    table worker")."""

    name = "table worker"

    def __init__(self, state: EmulatorState, interval: float = 1.0, batch_size: int = 10) -> None:
        super().__init__(interval)
        self.state = state
        self.batch_size = batch_size

    def on_start(self) -> None:
        """Re-queue queries a crash left running."""
        requeued = self.state.store.runs.requeue_running_queries()
        if requeued:
            log.warning("re-queued %d table queries left running by an earlier run", requeued)

    def work(self) -> int:
        """Run due work once; return how many queries ran (none while ``hold_queries`` is on)."""
        if self.state.options.hold_queries:
            return 0
        return self._run_pending() + self._run_scheduled()

    def describe_error(self, exc: BaseException) -> str:
        return self._describe(exc)

    def _run_pending(self) -> int:
        ran = 0
        while ran < self.batch_size and not self.stopping:
            claimed = self.state.store.runs.claim_pending_queries(limit=1)
            if not claimed:
                break
            self._run_claimed(claimed[0])
            ran += 1
        return ran

    def _run_scheduled(self) -> int:
        ran = 0
        for job in self._due_jobs():
            if self.stopping:
                break
            ran += self._poll(job)
        return ran

    def _due_jobs(self) -> Iterator[JobRecord]:
        now = self.state.clock.now()
        for job in self.state.store.all_jobs():
            if job.kind != JOB_KIND_TABLE or job.status != JOB_STATUS_ACTIVE or job.triggered:
                continue
            latest, _ = self.state.store.runs.list_queries(job.id, 1)
            if latest:
                last = latest[0]
                if last.status in (QUERY_PENDING, QUERY_RUNNING):
                    continue
                if now < last.created_at + _refresh_seconds(job):
                    continue
            yield job

    # --- running queries ------------------------------------------------------------------------
    @contextmanager
    def _session(self, job: JobRecord) -> Iterator[tuple[WarehouseConnection, TableTarget, ResolvedTable]]:
        """Connect to the job's warehouse and resolve its table; the connection is closed on exit."""
        store = job.store or ""
        entry = self.state.warehouses.lookup(store, job.location)
        target = table_target(store, job.location)
        conn = connect(entry, job.location)
        try:
            yield conn, target, resolve_table(conn, target, job.schema)
        finally:
            conn.close()

    def _run_claimed(self, query: QueryRecord) -> None:
        job = self.state.store.get_job(query.job_id)
        try:
            if job is None or job.kind != JOB_KIND_TABLE:
                raise QueryFailure(f"query {query.id} belongs to no table import job")
            if query.window_start is None or query.window_end is None:
                raise QueryFailure(f"query {query.id} has no window")
            with self._session(job) as (conn, target, table):
                count, largest = count_window(
                    conn, table, target, query.window_start, query.window_end,
                    triggered=job.triggered, row_limit=_row_limit(job),
                )  # fmt: skip
            self.state.store.runs.complete_query(query.id, count, largest)
            log.debug("query %s of job %s ingested %d rows", query.id, query.job_id, count)
        except (QueryFailure, WarehouseError) as exc:
            self._fail(query.id, query.job_id, str(exc))
        except Exception as exc:
            self._fail_unexpected(query.id, query.job_id, exc)

    def _poll(self, job: JobRecord) -> int:
        """Add and run the next scheduled query of ``job``; return 1 if a query was recorded."""
        now = self.state.clock.now()
        hours = _window_hours(job)
        query: QueryRecord | None = None
        try:
            with self._session(job) as (conn, target, table):
                start = job.watermark
                if start is None:
                    smallest = min_change_timestamp(conn, table, target)
                    start = smallest - EPSILON if smallest is not None else now
                now = self.state.clock.now()  # "now" is when the query starts, after connecting
                query = self.state.store.runs.start_query(job.id, start, window_end(start, hours, now))
                if query is None:  # another query of the job appeared meanwhile
                    return 0
                assert query.window_start is not None and query.window_end is not None
                count, largest = count_window(
                    conn, table, target, query.window_start, query.window_end,
                    triggered=False, row_limit=_row_limit(job),
                )  # fmt: skip
            self.state.store.runs.complete_query(query.id, count, largest)
            log.debug("scheduled query %s of job %s ingested %d rows", query.id, job.id, count)
        except Exception as exc:
            if query is None:
                start = job.watermark if job.watermark is not None else now
                query = self.state.store.runs.start_query(job.id, start, window_end(start, hours, now))
                if query is None:
                    return 0
            if isinstance(exc, QueryFailure | WarehouseError):
                self._fail(query.id, job.id, str(exc))
            else:
                self._fail_unexpected(query.id, job.id, exc)
        return 1

    # --- failures -------------------------------------------------------------------------------
    def _describe(self, exc: BaseException) -> str:
        return self.state.warehouses.scrub(f"{type(exc).__name__}: {exc}")

    def _fail(self, query_id: int, job_id: int, message: str) -> None:
        message = self.state.warehouses.scrub(message)
        log.info("query %s of job %s failed: %s", query_id, job_id, message)
        self.state.store.runs.fail_query(query_id, message)

    def _fail_unexpected(self, query_id: int, job_id: int, exc: Exception) -> None:
        described = self._describe(exc)
        log.error("query %s of job %s failed unexpectedly: %s", query_id, job_id, described)
        if log.isEnabledFor(logging.DEBUG):
            log.debug("%s", self.state.warehouses.scrub("".join(traceback.format_exception(exc))))
        self.state.store.runs.fail_query(query_id, f"emulator error while running the query: {described}")
