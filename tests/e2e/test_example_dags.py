"""The example DAGs, run end to end with ``dag.test()`` against the local Arize emulator over HTTP and,
for Snowflake, fakesnow served over TLS (the stock ``SnowflakeHook`` and the emulator's worker both
query it for real). BigQuery and Databricks have no local server: their DAGs only build table configs
from connections and talk to Arize, which is what these tests check.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_arize.dag_testing import load_dag, run_dag, warehouse_connections_env

DAGS = Path(__file__).resolve().parents[2] / "example_dags"
SNOWFLAKE_DAG = DAGS / "example_arize_snowflake_event_load.py"
#: With an hourly data-interval timetable this run covers [09:00, 10:00); the DAG writes 20 + hour rows.
LOGICAL_DATE = datetime(2026, 3, 1, 10, 30, tzinfo=UTC)
ROWS_IN_WINDOW = 20 + 9


@pytest.fixture
def example_env(
    airflow_db: Path,
    arize_conn_env: str,
    arize_emulator: Any,
    fake_snowflake: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> str:
    """Connections of the example DAGs; Snowflake in a fresh database. Returns that database's name."""
    database = f"E2E_{uuid.uuid4().hex[:8].upper()}"
    arize_emulator.admin.set_warehouses(
        snowflake={fake_snowflake.account: fake_snowflake.emulator_warehouse()}
    )
    env = {
        **fake_snowflake.airflow_connection("snowflake_default", database=database, schema="ML"),
        **warehouse_connections_env(),
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return database


def test_table_job_lifecycle_dag(airflow_db: Path, arize_conn_env: str, arize_emulator: Any) -> None:
    report = run_dag(load_dag(DAGS / "example_arize_table_job_lifecycle.py"))
    assert report.succeeded, report.render()
    assert set(report.task_states.values()) == {"success"}

    jobs = arize_emulator.admin.jobs()
    assert len(jobs) == 1, jobs  # created once; the DAG deleted it at the end
    assert jobs[0]["job_status"] == "deleted"
    mutations = arize_emulator.admin.stats()["mutations_committed"]
    for name in (
        "createTableImportJob",
        "pauseTableImportJob",
        "startTableImportJob",
        "deleteTableImportJob",
        "updateTableIngestionParameters",
    ):
        assert mutations.get(name) == 1, (name, mutations)

    # a second run reuses nothing deleted: it creates a fresh job and deletes it again
    assert run_dag(load_dag(DAGS / "example_arize_table_job_lifecycle.py")).succeeded
    assert [j["job_status"] for j in arize_emulator.admin.jobs()] == ["deleted", "deleted"]


@pytest.mark.parametrize("deferrable", [True, False], ids=["deferrable", "poke"])
def test_snowflake_event_load_ingests_exactly_the_window(
    example_env: str,
    arize_emulator: Any,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
    deferrable: bool,
) -> None:
    monkeypatch.setenv("AIRFLOW__OPERATORS__DEFAULT_DEFERRABLE", str(deferrable))
    report = run_dag(load_dag(SNOWFLAKE_DAG), logical_date=LOGICAL_DATE)
    output = capfd.readouterr().out
    assert report.succeeded, report.render()
    assert ("Deferring: waiting in the triggerer" in output) is deferrable

    (job,) = arize_emulator.admin.jobs()
    assert job["triggered"] is True and job["location"]["database"] == example_env
    (query,) = job["queries"]
    assert query["status"] == "succeeded"
    assert query["records_processed_count"] == ROWS_IN_WINDOW
    assert (query["window_start"], query["window_end"]) == ("2026-03-01T09:00:00Z", "2026-03-01T10:00:00Z")


def test_snowflake_event_load_rerun_of_a_window_triggers_no_second_query(
    example_env: str, arize_emulator: Any
) -> None:
    dag = load_dag(SNOWFLAKE_DAG)
    assert run_dag(dag, logical_date=LOGICAL_DATE).succeeded
    again = run_dag(dag, logical_date=LOGICAL_DATE)  # every task runs again for the same hour
    assert again.succeeded, again.render()

    (job,) = arize_emulator.admin.jobs()
    assert len(job["queries"]) == 1
    committed = arize_emulator.admin.stats()["mutations_committed"]
    assert committed["createTriggeredOngoingTableImportJob"] == 1
    assert committed["createTriggeredOngoingTableRun"] == 1


def test_snowflake_event_load_fails_naming_a_missing_column(
    example_env: str, arize_emulator: Any, fake_snowflake: Any, capfd: pytest.CaptureFixture[str]
) -> None:
    import snowflake.connector

    with snowflake.connector.connect(**fake_snowflake.connector_kwargs(example_env, "ML")) as conn:
        conn.cursor().execute(f"CREATE DATABASE IF NOT EXISTS {example_env}")
        conn.cursor().execute(f"CREATE SCHEMA IF NOT EXISTS {example_env}.ML")
        conn.cursor().execute(  # an older table without the PREDICTION_SCORE column
            f"CREATE TABLE {example_env}.ML.CHURN_PREDICTIONS (PREDICTION_ID VARCHAR, PREDICTION_TS "
            "TIMESTAMP_NTZ, PREDICTION_LABEL VARCHAR, FEATURE_TENURE_MONTHS INTEGER, FEATURE_PLAN VARCHAR, "
            "TAG_REGION VARCHAR, CHANGE_TS TIMESTAMP_NTZ)"
        )
    # the rows come from someone else's load here: the DAG's own writer is marked done, not run
    report = run_dag(
        load_dag(SNOWFLAKE_DAG), logical_date=LOGICAL_DATE, mark_success_pattern="write_predictions"
    )
    output = capfd.readouterr().out
    assert report.task_states["preflight"] == "failed", report.render()
    assert report.task_states["ensure_job"] != "success"
    assert "PREDICTION_SCORE" in output and "predictionScore" in output
    assert report.task_tries["preflight"] == 1  # bad data is not retried (the DAG allows 2 retries)
    assert arize_emulator.admin.jobs() == []  # nothing reached Arize


def test_bigquery_job_setup_behind_a_dry_run_gate(example_env: str, arize_emulator: Any) -> None:
    report = run_dag(load_dag(DAGS / "example_arize_bigquery_job_setup.py"))
    assert report.succeeded, report.render()
    (job,) = arize_emulator.admin.jobs()
    assert job["location"] == {
        "projectId": "demo-project",
        "dataset": "ml_inferences",
        "tableName": "ctr_predictions",
    }
    assert job["ingestion"] == {"refreshIntervalMinutes": 30, "queryWindowSizeHours": 6, "rowLimit": 200000}
    requests = arize_emulator.admin.stats()["requests"]["by_operation"]
    assert requests["DryRunTableImportJob"] == 1


def test_maintenance_dag_pauses_updates_and_resumes(example_env: str, arize_emulator: Any) -> None:
    report = run_dag(load_dag(DAGS / "example_arize_table_job_maintenance.py"))
    assert report.succeeded, report.render()
    (job,) = arize_emulator.admin.jobs()
    assert job["job_status"] == "active"
    assert job["ingestion"] == {"refreshIntervalMinutes": 15, "queryWindowSizeHours": 6, "rowLimit": 100000}
    assert job["schema"]["tags"] == "tag_"
    assert job["location"]["hostName"] == "adb-1234567890123456.7.azuredatabricks.net"
    assert "token" not in json.dumps(job["location"])  # the Databricks token is not sent by default


def test_maintenance_dag_resumes_the_job_when_a_change_fails(example_env: str, arize_emulator: Any) -> None:
    # every attempt at the schema update fails (more 500s than the client's retries)
    arize_emulator.admin.set_faults(script=[{"kind": "http_500", "operation": "UpdateTableImportJob"}] * 6)
    report = run_dag(load_dag(DAGS / "example_arize_table_job_maintenance.py"))
    assert report.task_states["update_schema"] == "failed", report.render()
    assert report.task_states["resume_job"] == "success"
    assert not report.succeeded
    (job,) = arize_emulator.admin.jobs()
    assert job["job_status"] == "active"  # the teardown resumed it
