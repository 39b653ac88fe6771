"""What "done" means for a wait on Arize, shared by the poke and the deferrable paths so they cannot drift.

No Airflow import and no I/O: each function takes what a poll read and decides (:func:`evaluate_table_run`,
:func:`evaluate_file_ingestion`), plus the error budget, the trigger event statuses and the note a killed
wait logs. The rules: ``docs/internals.md``, section What "done" means.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Final, Literal

from airflow_provider_arize.api import errors
from airflow_provider_arize.api.constants import DEFAULT_MAX_CONSECUTIVE_ERRORS
from airflow_provider_arize.api.errors import RETRYABLE_ERRORS, ArizeConfigError

if TYPE_CHECKING:
    from airflow_provider_arize.api.models import ImportJob, QueryWindow, TableRunQuery

WaitState = Literal["waiting", "success", "failed"]

#: Statuses a wait's trigger event may carry. ``timeout``: the deadline passed; ``error``: too many
#: consecutive errors, or a non-retryable one (auth, unknown job).
EVENT_STATUSES: Final = frozenset({"success", "failed", "timeout", "error"})


@dataclass(frozen=True)
class TableRunOutcome:
    """The decision of one poll of a table run."""

    state: WaitState
    message: str
    query: TableRunQuery | None = None

    def query_summary(self) -> dict[str, Any] | None:
        """The query as a small JSON-serialisable dict (for trigger events and XCom)."""
        return query_summary(self.query)

    def details(self) -> dict[str, Any] | None:
        """What a trigger event carries besides status and message."""
        return self.query_summary()


@dataclass(frozen=True)
class FileIngestionOutcome:
    """The decision of one poll of a file job's ingestion, with the job's counters."""

    state: WaitState
    message: str
    counts: dict[str, int]

    def details(self) -> dict[str, Any] | None:
        return dict(self.counts)


def query_summary(query: TableRunQuery | None) -> dict[str, Any] | None:
    """``queryId``, ``createdAt``, ``recordsProcessedCount`` and the window, JSON-serialisable."""
    if query is None:
        return None
    from airflow_provider_arize.api.models.windows import format_utc

    return {
        "query_id": query.query_id,
        "created_at": format_utc(query.created_at) if query.created_at else None,
        "records_processed_count": query.records_processed_count,
        "window_start": format_utc(query.window_start) if query.window_start else None,
        "window_end": format_utc(query.window_end) if query.window_end else None,
    }


def table_job_label(job: ImportJob) -> str:
    """How messages name a table job: ``table import job <id> (jobId <short id>)``."""
    return f"table import job {job.id} (jobId {job.job_id})"


def evaluate_table_run(
    job: ImportJob, query: TableRunQuery | None, window: QueryWindow, *, queries_total: int | None = None
) -> TableRunOutcome:
    """Decide whether the run of ``window`` on ``job`` has finished, failed, or is still to come.

    Where the host serves no pending counter, the pending queries are the job's queries
    (``queries_total``) less those its success and failure counters count.
    """
    where = table_job_label(job)
    if query is not None and query.records_processed_count is not None:
        return TableRunOutcome(
            "success",
            f"Arize processed {query.records_processed_count} records for window {window} of {where} "
            f"(query {query.query_id})",
            query,
        )
    if job.is_deleted:
        return TableRunOutcome("failed", f"{where} was deleted while waiting for window {window}", query)
    if query is None:
        paused = " (the job is paused: it runs queries only once resumed)" if job.is_paused else ""
        return TableRunOutcome(
            "waiting", f"Arize reports no query for window {window} of {where} yet{paused}"
        )
    pending = job.queries_pending
    if pending is None and queries_total is not None:
        pending = queries_total - job.queries_success - job.queries_failed
    if pending is not None and pending <= 0 and not job.is_paused:
        return TableRunOutcome(
            "failed",
            f"the query for window {window} of {where} (query {query.query_id}) failed: Arize reports no "
            f"processed count and no pending query ({job.queries_failed} failed queries on the job). "
            "Open the job in Arize for the error.",
            query,
        )
    return TableRunOutcome(
        "waiting",
        f"the query for window {window} of {where} (query {query.query_id}) is still running",
        query,
    )


def evaluate_file_ingestion(job: ImportJob, expected_seen: int, failed_baseline: int) -> FileIngestionOutcome:
    """Has Arize ingested every file the wait expects?

    Arize reports only counters for a file job (per-file fields are unpublished). The wait is
    *done* when no file is pending and Arize has seen (succeeded + failed + pending) at least
    ``expected_seen`` files; it has *failed* when the failed counter rose above ``failed_baseline`` (its
    value when the wait began), or the job was deleted.
    """
    counts = {
        "success": job.files_success,
        "failed": job.files_failed,
        "pending": job.files_pending,
        "expected": expected_seen,
    }
    seen = job.files_success + job.files_failed + job.files_pending
    location = f"{job.blob_store or 'S3'} {job.bucket_name}/{job.prefix or ''}"
    where = f"file import job {job.id} (jobId {job.job_id}, {location})"
    if job.files_failed > failed_baseline:
        return FileIngestionOutcome(
            "failed",
            f"Arize failed {job.files_failed - failed_baseline} file(s) of {where} while ingesting "
            f"({job.files_failed} failed in all, {job.files_success} succeeded). Open the job in Arize for "
            "the files and reasons; fix a file and upload it under a new name.",
            counts,
        )
    if job.is_deleted:
        return FileIngestionOutcome("failed", f"{where} was deleted while waiting for ingestion", counts)
    if job.files_pending == 0 and seen >= expected_seen:
        return FileIngestionOutcome(
            "success",
            f"Arize has ingested every file of {where}: {job.files_success} succeeded, "
            f"{job.files_failed} failed in all ({expected_seen} expected)",
            counts,
        )
    paused = " (the job is paused: Arize polls its bucket only once resumed)" if job.is_paused else ""
    return FileIngestionOutcome(
        "waiting",
        f"Arize has seen {seen} of {expected_seen} files of {where}, {job.files_pending} pending{paused}",
        counts,
    )


class ErrorBudget:
    """Counts consecutive transient errors of a wait; :meth:`spend` says when the budget is exhausted."""

    def __init__(self, max_consecutive: int = DEFAULT_MAX_CONSECUTIVE_ERRORS) -> None:
        if isinstance(max_consecutive, bool) or not isinstance(max_consecutive, int) or max_consecutive < 0:
            raise ArizeConfigError(
                f"max_consecutive_errors must be a non-negative integer, got {max_consecutive!r}",
                field="max_consecutive_errors",
            )
        self.max_consecutive = max_consecutive
        self.consecutive = 0

    def spend(self) -> bool:
        """Record one error; ``True`` when more than ``max_consecutive`` errors came in a row."""
        self.consecutive += 1
        return self.consecutive > self.max_consecutive

    def reset(self) -> None:
        """A poll succeeded."""
        self.consecutive = 0


#: What a kill leaves behind, said by every wait on a table run.
KILLED_TABLE_RUN: Final = "the window's query, if Arize has one, keeps running"
#: What a kill leaves behind, said by every wait on a file job's ingestion.
KILLED_FILE_INGESTION: Final = "the job keeps ingesting the files under its prefix"


def killed_wait_note(subject: str, left: str, last_seen: str | None, retry: str) -> str:
    """The warning a wait logs when its task is killed (``on_kill``): what it waited for, that Arize was
    not asked to change anything, what goes on there (``left``), the last state it saw, what a retry does.
    """
    seen = f" Last seen: {last_seen}." if last_seen else " No poll had answered yet."
    return (
        f"Task killed while waiting for {subject}. Arize was left as it was (nothing was cancelled or "
        f"changed): {left}.{seen} {retry[:1].upper()}{retry[1:]}."
    )


def is_transient(exc: BaseException) -> bool:
    """Errors a wait may ride out: rate limits and transient failures (already retried by the transport)."""
    return isinstance(exc, RETRYABLE_ERRORS)


def non_negative_int(field: str, value: object) -> int:
    """A count given as an int or a rendered template string (``"12"``); ``ArizeConfigError`` otherwise."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ArizeConfigError(f"{field} must be a non-negative integer, got {value!r}", field=field)
    return value


#: The longest poll interval a wait accepts: a day.
MAX_POLL_INTERVAL: Final = 24 * 3600.0
#: The longest a wait may be given to finish: a year.
MAX_WAIT_SECONDS: Final = 366 * 24 * 3600.0


def _seconds(field: str, value: object, most: float, what: str) -> float:
    """A positive, finite number of seconds up to ``most``: an int, a float, a ``timedelta`` or a rendered
    template string (``"30"``); ``ArizeConfigError`` naming ``field`` otherwise."""
    if isinstance(value, timedelta):
        value = value.total_seconds()
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            value = float(value)
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not 0 < value <= most  # also refuses NaN
    ):
        raise ArizeConfigError(
            f"{field} must be a positive number of seconds {what}, got {value!r}"[:300], field=field
        )
    return float(value)


def check_poll_interval(value: object, field: str = "poll_interval") -> float:
    """A poll interval in seconds: positive (a zero interval would hammer Arize) and at most a day."""
    return _seconds(field, value, MAX_POLL_INTERVAL, "(at most 86400, a day)")


def check_wait_timeout(value: object, field: str = "timeout") -> float:
    """How long a wait may take, in seconds (or a ``timedelta``): positive and at most a year."""
    return _seconds(field, value, MAX_WAIT_SECONDS, "(at most a year)")


def event_data(event: Mapping[str, Any] | None) -> dict[str, Any]:
    """A trigger event on resume: its data when ``success``; otherwise the matching error is raised
    (``failed``: ``ArizeRunFailedError``, ``timeout``: ``ArizeWaitTimeoutError``, ``error``:
    ``ArizeError``). An event whose ``status`` is not in :data:`EVENT_STATUSES` is refused."""
    if not isinstance(event, Mapping) or event.get("status") not in EVENT_STATUSES:
        raise errors.ArizeResponseError(f"unexpected trigger event {event!r}"[:500])
    status, message = event["status"], str(event.get("message"))
    if status == "failed":
        raise errors.ArizeRunFailedError(message)
    if status == "timeout":
        raise errors.ArizeWaitTimeoutError(message)
    if status == "error":
        raise errors.ArizeError(message)
    return dict(event)


def run_result(
    job_id: str, window: QueryWindow, triggered: bool, query: Mapping[str, Any] | None
) -> dict[str, Any]:
    """What a run task or sensor returns (its XCom): the job, the window, and the query's count."""
    bounds = window.to_input()
    return {
        "job_id": job_id,
        "window_start": bounds["queryStart"],
        "window_end": bounds["queryEnd"],
        "triggered": triggered,
        "query_id": (query or {}).get("query_id"),
        "records_processed_count": (query or {}).get("records_processed_count"),
    }
