"""The one decision function behind every table-run wait (poke, deferrable, sensor), and its error budget."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from airflow_provider_arize.api.errors import (
    ArizeAuthError,
    ArizeConfigError,
    ArizeError,
    ArizeRateLimitError,
    ArizeRunFailedError,
    ArizeTransientError,
    ArizeWaitTimeoutError,
)
from airflow_provider_arize.api.models import ImportJob, QueryWindow, TableRunQuery
from airflow_provider_arize.waits import (
    ErrorBudget,
    check_poll_interval,
    check_wait_timeout,
    evaluate_table_run,
    event_data,
    is_transient,
)

START = datetime(2026, 3, 1, 10, tzinfo=UTC)
WINDOW = QueryWindow(START, START + timedelta(hours=1))


def job(status: str = "active", pending: int = 0, failed: int = 0) -> ImportJob:
    return ImportJob(
        job_type="table",
        id="VGFibGVJbXBvcnRKb2I6MQ==",
        job_id="1",
        job_status=status,
        queries_pending=pending,
        queries_failed=failed,
    )


def query(count: int | None) -> TableRunQuery:
    return TableRunQuery("7", START, count, WINDOW.start, WINDOW.end)


@pytest.mark.parametrize(
    ("the_job", "the_query", "state", "words"),
    [
        (job(), query(42), "success", "processed 42 records"),
        (job(), query(0), "success", "processed 0 records"),  # an empty window is a finished run
        (job(pending=1), query(None), "waiting", "still running"),
        (job(pending=0, failed=1), query(None), "failed", "failed"),
        (job(), None, "waiting", "no query"),
        (job("inactive"), None, "waiting", "paused"),
        (job("inactive", pending=0), query(None), "waiting", "still running"),  # resumes later
        (job("deleted"), None, "failed", "deleted"),
        (job("deleted"), query(5), "success", "processed 5"),  # it did run before the delete
    ],
)
def test_evaluate_table_run(the_job: ImportJob, the_query: Any, state: str, words: str) -> None:
    outcome = evaluate_table_run(the_job, the_query, WINDOW)
    assert outcome.state == state
    assert words in outcome.message
    assert str(WINDOW) in outcome.message


def test_success_summary_is_json_ready() -> None:
    summary = evaluate_table_run(job(), query(3), WINDOW).query_summary()
    assert summary == {
        "query_id": "7",
        "created_at": "2026-03-01T10:00:00Z",
        "records_processed_count": 3,
        "window_start": "2026-03-01T10:00:00Z",
        "window_end": "2026-03-01T11:00:00Z",
    }


def test_error_budget_tolerates_consecutive_errors_and_resets_on_success() -> None:
    budget = ErrorBudget(2)
    assert not budget.spend() and not budget.spend()
    budget.reset()
    assert not budget.spend() and not budget.spend()
    assert budget.spend()  # the third in a row


@pytest.mark.parametrize("bad", [-1, 1.5, "3", True])
def test_error_budget_refuses_bad_sizes(bad: Any) -> None:
    with pytest.raises(ArizeConfigError) as info:
        ErrorBudget(bad)
    assert info.value.field == "max_consecutive_errors"


def test_only_rate_limits_and_transient_errors_are_ridden_out() -> None:
    assert is_transient(ArizeTransientError("503"))
    assert is_transient(ArizeRateLimitError("429"))
    assert not is_transient(ArizeAuthError("401"))
    assert not is_transient(ArizeConfigError("bad"))


@pytest.mark.parametrize("value", [0, -5, "0", "soon", None, float("nan"), float("inf"), 1e308, 86401])
def test_poll_interval_must_be_positive_and_at_most_a_day(value: Any) -> None:
    with pytest.raises(ArizeConfigError) as caught:
        check_poll_interval(value)
    assert caught.value.field == "poll_interval"


def test_poll_interval_accepts_rendered_strings() -> None:
    assert check_poll_interval("30") == 30.0
    assert check_poll_interval(86400) == 86400.0


@pytest.mark.parametrize(
    "value", [0, -1, "", "a week", float("inf"), float("nan"), 2**63, timedelta(days=400)]
)
def test_a_wait_timeout_is_positive_finite_and_at_most_a_year(value: Any) -> None:
    """An infinite or huge timeout would overflow the deferral's deadline after the window was triggered;
    it is refused before anything is sent."""
    with pytest.raises(ArizeConfigError) as caught:
        check_wait_timeout(value)
    assert caught.value.field == "timeout" and "at most a year" in str(caught.value)


def test_a_wait_timeout_takes_numbers_strings_and_timedeltas() -> None:
    assert (
        check_wait_timeout(90)
        == check_wait_timeout("90")
        == check_wait_timeout(timedelta(seconds=90))
        == 90.0
    )


@pytest.mark.parametrize(
    ("status", "error"),
    [("failed", ArizeRunFailedError), ("timeout", ArizeWaitTimeoutError), ("error", ArizeError)],
)
def test_event_data_raises_the_matching_error(status: str, error: type[Exception]) -> None:
    with pytest.raises(error, match="the message"):
        event_data({"status": status, "message": "the message"})


def test_event_data_returns_success_events() -> None:
    assert event_data({"status": "success", "message": "ok", "query": None})["message"] == "ok"
