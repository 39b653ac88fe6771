"""Regression: a table-job create whose first try fails *after* the create committed.

``ArizeCreateTableImportJobOperator`` creates the job, then applies its ingestion parameters with a
second request. When that second request kept failing (here: more 503s than the transport retries), the
retry found the job, returned it as "already exists" and succeeded: the job kept Arize's defaults instead
of the requested parameters, silently. A retry now applies them to a job created since the DAG run
started; a job that existed before the run keeps whatever parameters it has (a later task may have tuned
them, as the maintenance example does).
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_arize.api.models import TableIngestionParameters
from airflow_provider_arize.dag_testing import arize_connection_uri_env
from airflow_provider_arize.emulator.testing import EmulatorServer
from airflow_provider_arize.hooks.arize import ArizeHook
from fault_storm.plan import TABLE_INGESTION, StormPlan
from fault_storm.run import run_storm

TRANSPORT_ATTEMPTS = 6  # RetryPolicy.max_attempts: one more failure than this fails the try


def _plan(script: tuple[tuple[str, str], ...]) -> StormPlan:
    suffix = uuid.uuid4().hex[:6]
    return StormPlan(
        creations=1,
        windows=0,
        event_jobs=0,
        fault_rate=0.0,
        fault_script=script,
        retries=1,
        dag_id=f"arize_interrupted_create_{suffix}",
        database=f"STORM_{suffix.upper()}",
    )


@pytest.mark.timeout(240)
def test_a_retry_applies_the_ingestion_parameters_an_interrupted_try_could_not(
    airflow_db: Path, fake_snowflake: Any, tmp_path: Path
) -> None:
    plan = _plan((("http_503", "UpdateTableIngestionParameters"),) * TRANSPORT_ATTEMPTS)
    with EmulatorServer(worker_interval_seconds=0.05) as emulator:
        result = run_storm(plan, emulator, fake_snowflake, tmp_path)
        (job,) = emulator.admin.jobs()

    (task,) = result.report.instances
    assert (task.state, task.tries) == ("success", 2)  # the first try failed after its create committed
    assert result.census.faults == {"http_503": TRANSPORT_ATTEMPTS}
    assert result.census.mutations_committed["createTableImportJob"] == 1  # no second job
    assert job["ingestion"] == TABLE_INGESTION
    assert result.census.ok, result.census.problems()


@pytest.mark.timeout(240)
def test_a_retry_leaves_the_parameters_of_a_job_that_existed_before_the_run(
    airflow_db: Path, fake_snowflake: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tuned = {"refreshIntervalMinutes": 15, "queryWindowSizeHours": 6, "rowLimit": 100000}
    with EmulatorServer(worker_interval_seconds=0.05) as emulator:
        assert run_storm(_plan(()), emulator, fake_snowflake, tmp_path / "first").census.ok
        (job,) = emulator.admin.jobs()
        assert job["ingestion"] == TABLE_INGESTION
        for key, value in arize_connection_uri_env(  # a later task tunes the job
            "arize_tuning", url=emulator.url, api_key=emulator.api_key, space_id=emulator.space_id
        ).items():
            monkeypatch.setenv(key, value)
        ArizeHook("arize_tuning").update_ingestion_parameters(
            job["id"], TableIngestionParameters(refresh_interval_minutes=15)
        )
        # the next run's first try fails before it finds the job; its retry finds the tuned job
        script = (("http_503", "ListTableImportJobs"),) * TRANSPORT_ATTEMPTS
        second = run_storm(_plan(script), emulator, fake_snowflake, tmp_path / "second")
        (after,) = emulator.admin.jobs()

    (task,) = second.report.instances
    assert (task.state, task.tries) == ("success", 2)
    assert after["ingestion"] == tuned
    assert second.census.mutations_committed.get("updateTableIngestionParameters", 0) == 0
