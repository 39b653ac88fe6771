"""A fault storm at test scale: job creations and window triggers (with waits) run as real Airflow tasks
(``dag.test()``) against the emulator while 30 % of GraphQL requests get a fault (5xx, 429 with
``Retry-After``, latency, reset connections, responses dropped after the mutation committed). The
emulator's worker really queries the local Snowflake for every triggered window.

Every task must succeed within its retries, and Arize must end up with exactly one job per identity (with
the ingestion parameters asked for) and exactly one succeeded query per window, with the window's row
count. On top of the random faults, a few are scripted so that every run loses the response of a committed
job create and of a committed window trigger. The full-scale run (200 + 200, random faults only) is
``benchmarks/bench_faults.py``. No timing is asserted.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_arize.emulator.testing import EmulatorServer
from fault_storm.census import CREATE_OPERATIONS, TRIGGER_OPERATION
from fault_storm.plan import StormPlan
from fault_storm.run import run_storm

CREATIONS = 10
WINDOWS = 10
#: Applied to the first requests of these mutations, before the random faults.
SCRIPT = (
    ("drop_after_commit", "CreateTableImportJob"),
    ("http_503", "CreateTableImportJob"),
    ("drop_after_commit", "CreateTriggeredOngoingTableImportJob"),
    ("drop_after_commit", TRIGGER_OPERATION),
    ("reset", TRIGGER_OPERATION),
    ("drop_after_commit", "UpdateTableIngestionParameters"),
)


@pytest.mark.timeout(300)
def test_fault_storm_leaves_no_duplicate_job_and_no_window_twice_or_lost(
    airflow_db: Path, fake_snowflake: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    suffix = uuid.uuid4().hex[:6]
    plan = StormPlan(
        creations=CREATIONS,
        windows=WINDOWS,
        event_jobs=2,
        fault_rate=0.3,
        seed=20260301,
        fault_script=SCRIPT,
        dag_id=f"arize_fault_storm_{suffix}",
        database=f"STORM_{suffix.upper()}",
    )
    with EmulatorServer(worker_interval_seconds=0.05) as emulator:
        result = run_storm(plan, emulator, fake_snowflake, tmp_path)
    census = result.census
    with capsys.disabled():
        print(f"\nfault storm: {CREATIONS} creations, {WINDOWS} windows, 30 % faults (seed {plan.seed})")
        for what, value in census.rows():
            print(f"  {what}: {value}")

    assert census.tasks == CREATIONS + plan.event_jobs + WINDOWS
    assert census.failed_tasks == [], census.failed_tasks
    assert census.tasks_succeeded == census.tasks
    assert result.report.succeeded, result.report.render()
    assert census.duplicate_jobs == 0
    assert census.missing_jobs == 0
    assert census.jobs == CREATIONS + plan.event_jobs
    assert census.jobs_without_parameters == 0  # half the creations set ingestion parameters
    assert census.windows_triggered_twice == 0, census.details
    assert census.windows_lost == 0, census.details
    assert census.windows_miscounted == 0, census.details
    assert census.stray_queries == 0, census.details
    assert census.windows_succeeded == WINDOWS
    # the storm really happened (about 30 % of requests faulted, responses lost after commits included)
    assert census.faults_injected >= 0.2 * census.requests, census.faults
    assert census.faults.get("drop_after_commit", 0) > 0 and census.faults.get("http_429", 0) > 0
    assert census.dropped_after_commit(CREATE_OPERATIONS) >= 2
    assert census.dropped_after_commit([TRIGGER_OPERATION]) >= 1
    assert census.mutations_committed["createTableImportJob"] == CREATIONS
    assert census.mutations_committed["createTriggeredOngoingTableImportJob"] == plan.event_jobs
    assert census.mutations_committed["createTriggeredOngoingTableRun"] == WINDOWS
