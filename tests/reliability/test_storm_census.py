"""The fault storm's census counts what it must: a census that reported zero whatever happened would
prove nothing. Pure functions over admin-API-shaped data; no emulator, no Airflow run."""

from __future__ import annotations

from typing import Any

from airflow_provider_arize.dag_testing import TaskInstanceOutcome
from fault_storm.census import take_census
from fault_storm.dag import CREATE_TASK_ID, event_job_task_id, trigger_task_id
from fault_storm.plan import StormPlan

PLAN = StormPlan(creations=2, windows=4, event_jobs=2)
SPACE = "U3BhY2U6MQ=="


def _job(model: str, table: str, queries: list[dict[str, Any]] | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "kind": "table",
        "space_id": SPACE,
        "job_status": "active",
        "model_name": model,
        "model_environment": "production",
        "store": "Snowflake" if queries is not None else "BigQuery",
        "table": table,
        "queries": queries or [],
        **extra,
    }


def _query(start: str, end: str, count: int | None, status: str = "succeeded") -> dict[str, Any]:
    return {"window_start": start, "window_end": end, "status": status, "records_processed_count": count}


def _clean_jobs() -> list[dict[str, Any]]:
    tables = [
        _job(m, f"storm-project.storm.{m}", ingestion=PLAN.table_ingestion(i) or {})
        for i, m in enumerate(PLAN.table_models())
    ]
    events = []
    for k, model in enumerate(PLAN.event_models()):
        mine = [w for w in PLAN.window_list() if w.job == k]
        events.append(_job(model, "STORM.ML.STORM_EVENTS", [_query(*w.bounds, w.rows) for w in mine]))
    return tables + events


def _instances(state: str = "success", tries: int = 1) -> list[TaskInstanceOutcome]:
    out = [TaskInstanceOutcome(CREATE_TASK_ID, i, state, tries, {"created": True}) for i in range(2)]
    out += [TaskInstanceOutcome(event_job_task_id(k), -1, "success", 1, {"created": True}) for k in range(2)]
    for k in range(2):
        mine = [w for w in PLAN.window_list() if w.job == k]
        out += [
            TaskInstanceOutcome(trigger_task_id(k), i, "success", 1, {"records_processed_count": w.rows})
            for i, w in enumerate(mine)
        ]
    return out


STATS = {
    "requests": {"total": 10, "by_status": {"200": 8, "429": 1, "aborted": 1}},
    "faults": {"http_429": 1, "drop_after_commit": 1},
    "faults_by_operation": {
        "CreateTriggeredOngoingTableRun": {"drop_after_commit": 1},
        "GetTableImportJob": {"http_429": 1},
    },
}


def test_a_clean_run_has_no_problem() -> None:
    census = take_census(PLAN, _instances(), _clean_jobs(), STATS)
    assert census.ok, census.problems()
    assert (census.jobs, census.windows_succeeded, census.tasks) == (4, 4, 8)
    assert census.requests == 10 and census.faults_injected == 2 and census.aborted == 1
    assert census.faults_on_mutations == 1
    assert census.dropped_after_commit(["CreateTriggeredOngoingTableRun"]) == 1


def test_a_second_job_with_the_same_identity_is_a_duplicate() -> None:
    jobs = _clean_jobs()
    jobs.append({**jobs[0], "table": jobs[0]["table"].upper()})  # table names compare case-insensitively
    jobs.append({**jobs[1], "job_status": "deleted"})  # a deleted job is no duplicate
    census = take_census(PLAN, _instances(), jobs, STATS)
    assert census.problems() == ["duplicate_jobs = 1"]


def test_windows_triggered_twice_lost_miscounted_and_stray_are_counted() -> None:
    jobs = _clean_jobs()
    first, second, third = PLAN.window_list()[:3]  # windows 0 and 2 are job 0's, window 1 is job 1's
    event0, event1 = jobs[2], jobs[3]
    event0["queries"].append(_query(*first.bounds, None, "pending"))  # window 0 triggered twice
    event1["queries"] = [
        q for q in event1["queries"] if (q["window_start"], q["window_end"]) != second.bounds
    ]
    event0["queries"] = [
        {**q, "records_processed_count": third.rows + 1}
        if (q["window_start"], q["window_end"]) == third.bounds
        else q
        for q in event0["queries"]
    ]
    event1["queries"].append(_query("2030-01-01T00:00:00Z", "2030-01-01T01:00:00Z", 0))
    census = take_census(PLAN, _instances(), jobs, STATS)
    assert census.windows_triggered_twice == 1
    assert census.windows_lost == 1
    assert census.windows_miscounted == 1
    assert census.stray_queries == 1
    assert len(census.details) == 3


def test_a_failed_task_and_a_missing_job_are_counted() -> None:
    jobs = [j for j in _clean_jobs() if j["model_name"] != PLAN.table_models()[1]]
    instances = _instances()
    instances[1] = TaskInstanceOutcome(CREATE_TASK_ID, 1, "failed", 9, None)
    census = take_census(PLAN, instances, jobs, STATS)
    assert census.problems() == ["tasks_failed = 1", "missing_jobs = 1"]
    assert census.failed_tasks == [f"{CREATE_TASK_ID}[1]: failed after 9 tries"]
    assert (census.tasks_retried, census.max_tries, census.extra_tries) == (1, 9, 8)


def test_a_task_reporting_another_count_than_arize_is_miscounted() -> None:
    instances = _instances()
    last = instances[-1]
    instances[-1] = TaskInstanceOutcome(
        last.task_id, last.map_index, "success", 1, {"records_processed_count": 9}
    )
    census = take_census(PLAN, instances, _clean_jobs(), STATS)
    assert census.problems() == ["windows_miscounted = 1"]


def test_a_job_created_without_its_ingestion_parameters_is_counted() -> None:
    jobs = _clean_jobs()
    assert jobs[0]["ingestion"] and not jobs[1]["ingestion"]  # even creations ask for parameters
    jobs[0]["ingestion"] = {"queryWindowSizeHours": 0}
    census = take_census(PLAN, _instances(), jobs, STATS)
    assert census.problems() == ["jobs_without_parameters = 1"]
