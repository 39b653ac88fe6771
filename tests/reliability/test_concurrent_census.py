"""The census of overlapping runs tells a duplicate left by a racing create whose answer was lost (the
documented limit) from any other duplicate, and counts every run's windows. Pure functions over
admin-API-shaped data and log lines; no emulator, no Airflow."""

from __future__ import annotations

import json
from typing import Any

from airflow_provider_arize.dag_testing import TaskInstanceOutcome
from fault_storm.census import duplicates_after_lost_create, take_census
from fault_storm.live import answered_creates

from .test_storm_census import PLAN, STATS, _clean_jobs, _instances

#: One committed create of each kind whose response was dropped.
LOST_CREATES = {
    **STATS,
    "faults_by_operation": {
        "CreateTableImportJob": {"drop_after_commit": 1},
        "CreateTriggeredOngoingTableImportJob": {"drop_after_commit": 1},
    },
}


def _numbered(jobs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Give the jobs Arize's short ids in creation order and global ids."""
    return [{**j, "job_id": str(n), "id": f"job-{n}"} for n, j in enumerate(jobs, start=1)]


def _runs(count: int) -> list[TaskInstanceOutcome]:
    return [ti for _ in range(count) for ti in _instances()]


def test_three_clean_runs_pass_and_show_the_race_rows() -> None:
    jobs = _numbered(_clean_jobs())
    loser = {**jobs[0], "job_id": "99", "id": "job-99", "job_status": "deleted"}  # deleted by its creator
    census = take_census(PLAN, _runs(3), [*jobs, loser], STATS, runs=3, answered={"job-99"})
    assert census.ok, census.problems()
    assert (census.tasks, census.race_losers_deleted, census.duplicate_jobs) == (24, 1, 0)
    rows = dict(census.rows())
    assert rows["overlapping DAG runs"] == "3"
    assert rows["jobs deleted by the racer that created them"] == "1"
    assert "overlapping DAG runs" not in dict(take_census(PLAN, _instances(), jobs, STATS).rows())


def test_a_duplicate_whose_create_answer_nobody_got_is_the_documented_limit_not_a_pass() -> None:
    jobs = _numbered(_clean_jobs())
    # newer than job-1, which survives and got the ingestion parameters: the racer whose answer was lost
    # applied them to the survivor it found, never to its own job
    jobs.append({**jobs[0], "job_id": "7", "id": "job-7", "ingestion": {}})
    census = take_census(PLAN, _runs(2), jobs, LOST_CREATES, runs=2, answered={"job-1"})
    assert census.problems() == ["duplicate_jobs = 1"]
    assert census.duplicates_after_lost_create == 1
    assert census.only_documented_duplicates and not census.ok
    rows = dict(census.rows())
    assert rows["duplicate jobs left by a racing create whose answer was lost (documented limit)"] == "1"
    assert rows["duplicate jobs otherwise"] == "0"


def test_a_duplicate_its_creator_got_the_answer_of_is_not_explained() -> None:
    jobs = _numbered(_clean_jobs())
    jobs.append({**jobs[0], "job_id": "7", "id": "job-7"})
    census = take_census(PLAN, _runs(2), jobs, LOST_CREATES, runs=2, answered={"job-7"})
    assert census.duplicate_jobs == 1 and census.duplicates_after_lost_create == 0
    assert not census.only_documented_duplicates
    assert dict(census.rows())["duplicate jobs otherwise"] == "1"


def test_unanswered_duplicates_are_explained_only_up_to_the_dropped_creates() -> None:
    first = {"kind": "table", "space_id": "s", "model_name": "m", "model_environment": "production"}
    jobs = [{**first, "store": "Snowflake", "table": "T", "job_id": str(n), "id": f"j{n}"} for n in (3, 1, 2)]
    # the survivor is jobId 1 whoever created it; 2 was answered (its creator should have deleted it)
    assert duplicates_after_lost_create(jobs, {"j2"}, dropped_creates=5) == 1
    assert duplicates_after_lost_create(jobs, set(), dropped_creates=5) == 2
    assert duplicates_after_lost_create(jobs, set(), dropped_creates=1) == 1
    assert duplicates_after_lost_create(jobs[:1], set(), dropped_creates=1) == 0
    census = take_census(PLAN, _instances(), [*_numbered(_clean_jobs()), *jobs], STATS)
    assert census.duplicates_after_lost_create == 0  # one run: no split without the answered creates


def test_a_wrong_count_returned_by_any_run_is_counted() -> None:
    instances = _runs(2)
    last = instances[-1]
    instances[-1] = TaskInstanceOutcome(
        last.task_id, last.map_index, "success", 1, {"records_processed_count": 0}
    )
    census = take_census(PLAN, instances, _clean_jobs(), STATS, runs=2, answered=set())
    assert census.problems() == ["windows_miscounted = 1"]


def test_answered_creates_are_read_from_the_task_logs() -> None:
    lines = [
        json.dumps({"event": "created table import job VGFi== (jobId 12)", "level": "info"}),
        json.dumps({"event": "another task created table import job QUJD (jobId 3) for this identity"}),
        "the interrupted create did commit: job WFla (jobId 4)",
        "[2026-01-01] INFO - created file import job RmlsZQ (jobId 5)",
    ]
    assert answered_creates(lines) == {"VGFi==", "RmlsZQ"}
