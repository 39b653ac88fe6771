"""Overlapping tasks never make a second job, and a window triggered twice is never a silent success.

The race is reproduced every time, not by luck: the emulator holds the racers' lookups until all of them
have asked (``admin.set_rendezvous``), so every racer sees "no job yet" (or "no query yet") and goes on to
create (or trigger). Racers are threads, each with its own client, as separate Airflow workers would be.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import pytest

from airflow_provider_arize.api.client import CreateResult
from airflow_provider_arize.api.errors import ArizeDuplicateRunError
from airflow_provider_arize.api.models import (
    QueryWindow,
)

from .helpers import client, triggered_spec

WINDOW = QueryWindow(datetime(2026, 3, 1, 9, tzinfo=UTC), datetime(2026, 3, 1, 10, tzinfo=UTC))


def live_jobs(emulator: Any) -> list[dict[str, Any]]:
    return [j for j in emulator.admin.jobs() if j["job_status"] != "deleted"]


@pytest.mark.parametrize("racers", [2, 4])
@pytest.mark.parametrize("faults", [False, True], ids=["clean", "faults"])
def test_racing_creates_end_with_one_job_that_every_racer_reports(
    arize_emulator: Any, racers: int, faults: bool
) -> None:
    arize_emulator.admin.set_rendezvous("ListTableImportJobs", parties=racers)
    if faults:  # the losers' deletes meet 503s and resets first (retried: the delete is idempotent)
        arize_emulator.admin.set_faults(
            script=[{"kind": kind, "operation": "DeleteTableImportJob"} for kind in ("http_503", "reset")]
            * racers
        )
    with ThreadPoolExecutor(racers) as pool:
        results: list[CreateResult] = list(
            pool.map(
                lambda _: client(arize_emulator).create_triggered_table_job(
                    triggered_spec(arize_emulator.space_id)
                ),
                range(racers),
            )
        )
    assert arize_emulator.admin.rendezvous()["gave_up"] == 0  # the race happened: all met before looking
    (survivor,) = live_jobs(arize_emulator)
    assert {r.job.job_id for r in results} == {str(survivor["job_id"])}  # everyone uses the same job
    assert sum(r.created for r in results) == 1
    assert len(arize_emulator.admin.jobs()) == racers  # the losers were deleted, by their own creators
    assert min(int(j["job_id"]) for j in arize_emulator.admin.jobs()) == int(survivor["job_id"])  # the oldest


def test_a_racer_that_meets_nobody_goes_on_alone_and_the_meeting_says_so(arize_emulator: Any) -> None:
    arize_emulator.admin.set_rendezvous("ListTableImportJobs", parties=2, timeout=0.5)
    result = client(arize_emulator).create_triggered_table_job(triggered_spec(arize_emulator.space_id))
    assert result.created and len(live_jobs(arize_emulator)) == 1
    assert arize_emulator.admin.rendezvous()["gave_up"] == 1  # waited alone, then looked


def test_a_duplicate_left_by_a_killed_racer_is_reported_naming_both_and_the_oldest_used(
    arize_emulator: Any, caplog: pytest.LogCaptureFixture
) -> None:
    arize_emulator.admin.set_rendezvous("ListTableImportJobs", parties=2)
    racer = client(arize_emulator)
    racer._settle_race = lambda _t, _i, mine: mine  # type: ignore[method-assign]  # killed before its check
    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(racer.create_triggered_table_job, triggered_spec(arize_emulator.space_id))
        second = pool.submit(racer.create_triggered_table_job, triggered_spec(arize_emulator.space_id))
        jobs = {first.result().job.job_id, second.result().job.job_id}
    assert len(live_jobs(arize_emulator)) == 2 and len(jobs) == 2  # the duplicate exists
    again = client(arize_emulator).create_triggered_table_job(triggered_spec(arize_emulator.space_id))
    assert not again.created and again.job.job_id == min(jobs, key=int)
    assert "2 live table import jobs have this identity" in caplog.text
    assert all(j in caplog.text for j in (f"jobId {n}" for n in jobs))
    assert len(live_jobs(arize_emulator)) == 2  # a job someone else may use is never deleted


def test_racing_triggers_of_one_window_fail_loudly_instead_of_succeeding_twice(arize_emulator: Any) -> None:
    arize_emulator.admin.set_options(hold_queries=True)  # no query finishes meanwhile
    job = client(arize_emulator).create_triggered_table_job(triggered_spec(arize_emulator.space_id)).job
    arize_emulator.admin.set_rendezvous("ListTableImportJobQueries", parties=2)
    with ThreadPoolExecutor(2) as pool:
        outcomes = list(pool.map(lambda _: _trigger(arize_emulator, job.id), range(2)))
    (stored,) = arize_emulator.admin.jobs()
    seen = f"{arize_emulator.admin.rendezvous()}, {arize_emulator.admin.stats()['requests']}, {outcomes}"
    assert len(stored["queries"]) == 2, seen  # both triggered: Arize offers no conditional trigger
    failures = [o for o in outcomes if isinstance(o, ArizeDuplicateRunError)]
    assert failures, outcomes  # at least the later one fails
    for failure in failures:
        assert all(str(q["query_id"]) in str(failure) for q in stored["queries"])


def test_a_trigger_after_another_finds_its_query_and_triggers_nothing(arize_emulator: Any) -> None:
    arize_emulator.admin.set_options(hold_queries=True)
    job = client(arize_emulator).create_triggered_table_job(triggered_spec(arize_emulator.space_id)).job
    first = client(arize_emulator).trigger_table_run(job.id, WINDOW)
    second = client(arize_emulator).trigger_table_run(job.id, WINDOW)
    assert first.triggered and not second.triggered and second.query == first.query
    (stored,) = arize_emulator.admin.jobs()
    assert len(stored["queries"]) == 1


def _trigger(emulator: Any, job_id: str) -> object:
    try:
        return client(emulator).trigger_table_run(job_id, WINDOW)
    except ArizeDuplicateRunError as exc:
        return exc
