"""Overlapping runs on a live Airflow end with one Arize job per identity and one query per window.

The issue's scenario: the Snowflake example's scheduled run and a hand-triggered run of the same hour,
both racing to create the job (the person's run is triggered while the DAG is paused, so both start
together, and the emulator holds each run's create until the other's has come too, ``set_rendezvous``:
each looked before creating and found nothing, since neither create has committed, so the race happens
every time), then Airflow's own backfill running four hours at once, then a run triggered without
a logical date. Runs on ``airflow standalone`` (LocalExecutor, deferrable by default) through its REST API.
"""

from __future__ import annotations

import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from .conftest import LiveStack

pytestmark = pytest.mark.live
DAG = "example_arize_snowflake_event_load"


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _last_complete_hour() -> datetime:
    """The end of the hour the schedule runs first on unpause (``catchup=False``); near an hour's end,
    waits for the next so that the hand-triggered and the scheduled run are of one hour."""
    now = datetime.now(UTC)
    if now.minute >= 58:
        time.sleep(3600 - now.minute * 60 - now.second + 5)
        now = datetime.now(UTC)
    return now.replace(minute=0, second=0, microsecond=0)


def test_overlapping_runs_make_one_job_and_one_query_per_window(live_stack: LiveStack) -> None:
    """One test, three scenes (each test of a live Airflow costs its start-up): a scheduled and a
    hand-triggered run of one hour racing to create the job, a backfill of four hours at once, and a run
    triggered without a logical date."""
    airflow, admin = live_stack.airflow, live_stack.emulator.admin
    # each ensure_job looks (twice: before its dry run and before its create), finds nothing and creates;
    # the first create is held until the second arrives (up to 240 s on a loaded machine; the
    # connection's request timeout is 300 s), so both commit
    admin.set_rendezvous("CreateTriggeredOngoingTableImportJob", parties=2, timeout=240)
    hour_end = _last_complete_hour()
    airflow.trigger(DAG, logical_date=hour_end)  # a person runs the hour by hand (queued while paused) ...
    airflow.unpause(DAG)  # ... as the schedule runs it: both start together

    runs = airflow.wait_runs(DAG, 2)
    shown = [(r["dag_run_id"], r["run_type"], r["state"], r["data_interval_end"]) for r in runs]
    assert sorted(r["run_type"] for r in runs) == ["manual", "scheduled"], shown
    assert [r["state"] for r in runs] == ["success", "success"], live_stack.failures(DAG, runs)
    assert {_when(r["data_interval_end"]) for r in runs} == {hour_end}
    meeting = admin.rendezvous()
    context = f"{meeting}\n{live_stack.timeline(DAG, runs)}"
    assert meeting["arrived"] == 2 and meeting["gave_up"] == 0, context  # the race happened
    # both runs created a job; the one created second was deleted by the run that created it
    created = Counter(j["job_status"] for j in admin.jobs())
    assert created == {"active": 1, "deleted": 1}, context
    (job,) = live_stack.live_jobs()
    (query,) = job["queries"]
    assert _when(query["window_start"]) == hour_end - timedelta(hours=1)
    assert query["status"] == "succeeded"
    assert query["records_processed_count"] == 20 + (hour_end - timedelta(hours=1)).hour  # written once

    latest = hour_end - timedelta(hours=1)  # the scheduled run's logical date
    airflow.backfill(DAG, latest - timedelta(hours=4), latest - timedelta(hours=1), max_active_runs=4)
    runs = airflow.wait_runs(DAG, 6)
    assert all(r["state"] == "success" for r in runs), live_stack.failures(DAG, runs)
    (job,) = live_stack.live_jobs()
    windows = Counter(q["window_start"] for q in job["queries"])
    assert len(windows) == 5 and set(windows.values()) == {1}  # the first scene's hour and four more
    assert all(q["status"] == "succeeded" for q in job["queries"])
    assert len(admin.jobs()) == 2  # no create beyond the first scene's race

    # a person triggers the DAG from the UI without a logical date: one clear message, no retry, nothing sent
    requests_before = admin.stats()["requests"]["total"]
    bare = airflow.trigger(DAG)
    run = airflow.wait_run(DAG, bare)
    tis = {ti["task_id"]: ti for ti in airflow.task_instances(DAG, bare)}
    assert run["state"] == "failed" and tis["write_predictions"]["try_number"] == 1
    assert "no data interval, so no hour to load" in airflow.task_log(DAG, bare, "write_predictions")
    assert admin.stats()["requests"]["total"] == requests_before


LOAD, INGEST = "example_arize_snowflake_asset_load", "example_arize_snowflake_asset_ingest"


def test_asset_events_trigger_each_loaded_window_once(live_stack: LiveStack) -> None:
    """The asset pair: three loads close together (the schedule's latest hour and two earlier hours by
    hand), each announcing its window on the asset; the Arize DAG triggers each window once, whether
    Airflow gives it one run per event or one run for several."""
    airflow, admin = live_stack.airflow, live_stack.emulator.admin
    hour_end = _last_complete_hour()
    airflow.unpause(INGEST)
    airflow.unpause(LOAD)  # the schedule loads [hour_end - 1 h, hour_end)
    for logical_date in (hour_end - timedelta(hours=2), hour_end - timedelta(hours=3)):
        airflow.trigger(LOAD, logical_date=logical_date)  # loads the hour before it
    loads = airflow.wait_runs(LOAD, 3)
    assert all(r["state"] == "success" for r in loads), live_stack.failures(LOAD, loads)
    loaded = Counter(_when(r["data_interval_start"]) for r in loads)  # the schedule's hour(s) and two more

    def ingested() -> list[dict[str, Any]]:
        jobs = [j for j in admin.jobs() if j["model_name"] == "churn-events"]
        return [q for j in jobs for q in j["queries"] if q["status"] in ("succeeded", "failed")]

    deadline = time.monotonic() + 300
    while len(ingested()) < len(loaded) and time.monotonic() < deadline:
        time.sleep(2)
    runs = airflow.wait_runs(INGEST, 1)
    context = f"loaded {sorted(loaded)}; queries {ingested()}\n{live_stack.timeline(INGEST, runs)}"
    assert all(r["run_type"] == "asset_triggered" for r in runs), context
    assert all(r["state"] == "success" for r in runs), live_stack.failures(INGEST, runs)
    assert set(loaded.values()) == {1} and hour_end - timedelta(hours=4) in loaded, context
    windows = Counter(_when(q["window_start"]) for q in ingested())
    assert windows == loaded, context  # each loaded window, once
    for query in ingested():
        assert query["status"] == "succeeded", context
        assert query["records_processed_count"] == 10 + _when(query["window_start"]).hour % 7, context
    assert len([j for j in admin.jobs() if j["model_name"] == "churn-events"]) == 1

    # triggered by hand, with no asset event: one message from the provider, nothing sent to Arize
    by_operation_before = admin.stats()["requests"]["by_operation"]
    bare = airflow.trigger(INGEST)
    run = airflow.wait_run(INGEST, bare)
    tis = {ti["task_id"]: ti for ti in airflow.task_instances(INGEST, bare)}
    states = {t: (ti["state"], ti["try_number"]) for t, ti in tis.items()}
    assert run["state"] == "failed" and states["asset_event_windows"] == ("failed", 1), states
    assert tis["ensure_job"]["state"] == "upstream_failed", states
    log = airflow.task_log(INGEST, bare, "asset_event_windows")
    assert "this run has no data interval and 0 triggering asset events" in log, log[-2000:]
    assert admin.stats()["requests"]["by_operation"] == by_operation_before
