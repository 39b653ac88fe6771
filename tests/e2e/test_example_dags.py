"""The example DAGs, run end to end with ``dag.test()`` against the local Arize emulator over HTTP, the
local S3 (moto's server: the stock ``S3Hook`` and the emulator's file worker both read it) and, for
Snowflake, fakesnow served over TLS (the stock ``SnowflakeHook`` and the emulator's worker both query it
for real). BigQuery and Databricks have no local server: their DAGs only build table configs from
connections and talk to Arize, which is what these tests check.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_arize.compat import has_retry_policies
from airflow_provider_arize.dag_testing import load_dag, run_dag, warehouse_connections_env
from airflow_provider_arize.local_services.sample_files import actuals_table, predictions_table, put_parquet

#: Bad data fails a task at once on Airflow 3.3+ (retry policies); before, it spends the DAG's 2 retries.
TRIES_OF_BAD_DATA = 1 if has_retry_policies() else 3
DAGS = Path(__file__).resolve().parents[2] / "example_dags"
SNOWFLAKE_DAG = DAGS / "example_arize_snowflake_event_load.py"
#: With an hourly data-interval timetable this run covers [09:00, 10:00); the DAG writes 20 + hour rows.
LOGICAL_DATE = datetime(2026, 3, 1, 10, 30, tzinfo=UTC)
ROWS_IN_WINDOW = 20 + 9
#: A log line at error level or above, as ``dag.test()`` prints it (structlog) or stdlib logging would.
ERROR_LINE = re.compile(r"\[(error|critical)\s*\]|\b(ERROR|CRITICAL)\b")


def error_lines(captured: pytest.CaptureResult[str]) -> list[str]:
    return [line for line in (captured.out + captured.err).splitlines() if ERROR_LINE.search(line)]


def latest_run_xcoms(dag_id: str, key: str) -> dict[str, Any]:
    """Each task's XCom ``key`` in the newest run of ``dag_id``, by task id (what the UI reads)."""
    from airflow.models.dagrun import DagRun
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        newest = select(DagRun.run_id).where(DagRun.dag_id == dag_id).order_by(DagRun.id.desc()).limit(1)
        rows = session.scalars(XComModel.get_many(run_id=session.scalar(newest), dag_ids=dag_id, key=key))
        return {row.task_id: XComModel.deserialize_value(row) for row in rows}


def job_links(dag_id: str) -> dict[str, Any]:
    """The "Arize import job" link of each task of the newest run that has one, by task id."""
    return latest_run_xcoms(dag_id, "_link_ArizeJobLink")


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
        "ARIZE_SPACE_ID": arize_emulator.space_id,  # names the model asset the event load updates
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return database


def test_table_job_lifecycle_dag(
    airflow_db: Path, arize_conn_env: str, arize_emulator: Any, capfd: pytest.CaptureFixture[str]
) -> None:
    report = run_dag(load_dag(DAGS / "example_arize_table_job_lifecycle.py"))
    assert report.succeeded, report.render()
    assert set(report.task_states.values()) == {"success"}
    # a successful run logs no error, though the dry run pushes no job URL; every job task links to
    # the job, the dry run has no link
    assert error_lines(capfd.readouterr()) == []
    urls = latest_run_xcoms(report.dag_id, "arize_job_url")
    assert len(set(urls.values())) == 1 and set(urls) == set(report.task_states) - {"dry_run"}
    assert job_links(report.dag_id) == urls

    jobs = arize_emulator.admin.jobs()
    assert len(jobs) == 1, jobs  # created once; the DAG deleted it at the end
    assert jobs[0]["job_status"] == "deleted"
    mutations = arize_emulator.admin.stats()["mutations_committed"]
    for name in (
        "createTableImportJob",
        "pauseTableImportJob",
        "startTableImportJob",
        "deleteTableImportJob",
        "updateTableImportJob",
    ):
        assert mutations.get(name) == 1, (name, mutations)
    assert mutations.get("updateTableIngestionParameters") == 2  # at create, then the update task
    assert jobs[0]["ingestion"] == {
        "refreshIntervalMinutes": 30,
        "queryWindowSizeHours": 24,
        "rowLimit": 250000,
    }
    assert jobs[0]["schema"]["tags"] == "label_"

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
    earlier_events = len(model_asset_events(arize_emulator.space_id, "churn-hourly"))
    report = run_dag(load_dag(SNOWFLAKE_DAG), logical_date=LOGICAL_DATE)
    captured = capfd.readouterr()
    assert report.succeeded, report.render()
    assert ("Deferring: waiting in the triggerer" in captured.out) is deferrable
    assert error_lines(captured) == []
    (url,) = set(latest_run_xcoms(report.dag_id, "arize_job_url").values())
    links = job_links(report.dag_id)
    assert links["ensure_job"] == links["reconcile"] == url
    if not deferrable:  # dag.test() drops a deferral's kwargs on resume, with the link they carry
        assert links["trigger_window"] == url  # (Airflow PR 69942); tests/operators covers the resume

    (job,) = arize_emulator.admin.jobs()
    assert job["triggered"] is True and job["location"]["database"] == example_env
    (query,) = job["queries"]
    assert query["status"] == "succeeded"
    assert query["records_processed_count"] == ROWS_IN_WINDOW
    assert (query["window_start"], query["window_end"]) == ("2026-03-01T09:00:00Z", "2026-03-01T10:00:00Z")
    # the model's asset, which a monitoring DAG is scheduled on, now says the hour is in Arize
    assert model_asset_events(arize_emulator.space_id, "churn-hourly")[earlier_events:] == [
        {
            "job_id": job["id"],
            "query_id": query["query_id"],
            "records_processed_count": ROWS_IN_WINDOW,
            "window_start": "2026-03-01T09:00:00Z",
            "window_end": "2026-03-01T10:00:00Z",
        }
    ]


def model_asset_events(space_id: str, model: str) -> list[dict[str, Any]]:
    """The extras of the events Airflow stored for an Arize model's asset, oldest first."""
    from airflow.models.asset import AssetEvent, AssetModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    from airflow_provider_arize.assets import model_asset_uri

    with create_session() as session:
        query = (
            select(AssetEvent.extra)
            .join(AssetModel, AssetEvent.asset_id == AssetModel.id)
            .where(AssetModel.uri == model_asset_uri(space_id, model))
            .order_by(AssetEvent.id)
        )
        return [dict(extra) for extra in session.scalars(query)]


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
    assert report.task_tries["preflight"] == TRIES_OF_BAD_DATA  # not retried where Airflow has policies
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


S3_DAG = DAGS / "example_arize_s3_daily_files.py"
PREDICTIONS = "click-thru-rate/production/prediction/"
ACTUALS = "click-thru-rate/production/actuals/"


@pytest.fixture
def s3_env(
    airflow_db: Path, arize_conn_env: str, arize_emulator: Any, fake_s3: Any, monkeypatch: pytest.MonkeyPatch
) -> str:
    """A fresh bucket and the connections and Variables of the S3 example DAG; returns the bucket."""
    bucket = f"e2e-{uuid.uuid4().hex[:10]}"
    for key, value in fake_s3.airflow_connection("aws_default").items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("AIRFLOW_VAR_ARIZE_INFERENCE_BUCKET", bucket)
    monkeypatch.setenv(
        "AIRFLOW_VAR_ARIZE_INGESTION_KEY", arize_emulator.admin.ingestion_key(arize_emulator.space_id)
    )
    return bucket


def _file_jobs(emulator: Any) -> dict[str, dict[str, Any]]:
    return {job["location"]["prefix"]: job for job in emulator.admin.jobs() if job["kind"] == "file"}


def test_s3_daily_files_are_sensed_once_validated_and_ingested(
    s3_env: str, arize_emulator: Any, fake_s3: Any
) -> None:
    bucket, s3 = s3_env, fake_s3.client()
    fake_s3.create_arize_bucket(bucket, arize_emulator.admin.ingestion_key(arize_emulator.space_id))
    day1, day2 = date(2026, 3, 1), date(2026, 3, 2)
    put_parquet(s3, bucket, f"{PREDICTIONS}{day1}/part-0.parquet", predictions_table(day1, 120))
    put_parquet(s3, bucket, f"{PREDICTIONS}{day1}/hour=23/part-1.parquet", predictions_table(day1, 30))
    put_parquet(s3, bucket, f"{ACTUALS}{day1}.parquet", actuals_table(day1, 120))

    dag = load_dag(S3_DAG)
    first = run_dag(dag, logical_date=datetime(2026, 3, 2, tzinfo=UTC))
    assert first.succeeded, first.render()
    urls = latest_run_xcoms(dag.dag_id, "arize_job_url")
    for stream in ("predictions", "actuals"):  # the wait links to the job it waits on
        assert urls[f"{stream}.wait_for_ingestion"] == urls[f"{stream}.ensure_job"]
    assert job_links(dag.dag_id) == urls and len(set(urls.values())) == 2
    sensed = sorted(f["key"] for f in first.results["predictions.new_files"])
    assert sensed == [f"{PREDICTIONS}{day1}/hour=23/part-1.parquet", f"{PREDICTIONS}{day1}/part-0.parquet"]
    assert sorted(v["row_count"] for v in first.results["predictions.validate"]["valid"]) == [30, 120]
    jobs = _file_jobs(arize_emulator)
    assert {f["status"] for f in jobs[PREDICTIONS]["files"]} == {"succeeded"}
    assert sorted(f["rows"] for f in jobs[PREDICTIONS]["files"]) == [30, 120]
    assert [f["rows"] for f in jobs[ACTUALS]["files"]] == [120]

    # the next day: only the newer files are sensed; the jobs are reused, not duplicated
    put_parquet(s3, bucket, f"{PREDICTIONS}{day2}/part-0.parquet", predictions_table(day2, 80))
    put_parquet(s3, bucket, f"{ACTUALS}{day2}.parquet", actuals_table(day2, 80))
    second = run_dag(dag, logical_date=datetime(2026, 3, 3, tzinfo=UTC))
    assert second.succeeded, second.render()
    assert [f["key"] for f in second.results["predictions.new_files"]] == [
        f"{PREDICTIONS}{day2}/part-0.parquet"
    ]
    assert [f["key"] for f in second.results["actuals.new_files"]] == [f"{ACTUALS}{day2}.parquet"]
    jobs = _file_jobs(arize_emulator)
    assert len(jobs) == 2 and arize_emulator.admin.stats()["mutations_committed"]["createFileImportJob"] == 2
    assert sorted(f["rows"] for f in jobs[PREDICTIONS]["files"]) == [30, 80, 120]


def test_s3_daily_files_names_a_file_with_a_wrong_column_type(
    s3_env: str, arize_emulator: Any, fake_s3: Any, capfd: pytest.CaptureFixture[str]
) -> None:
    import pyarrow as pa

    bucket, s3 = s3_env, fake_s3.client()
    fake_s3.create_arize_bucket(bucket, arize_emulator.admin.ingestion_key(arize_emulator.space_id))
    day = date(2026, 3, 1)
    good = predictions_table(day, 50)
    bad = good.set_column(  # scores written as text
        good.schema.get_field_index("click_probability"),
        "click_probability",
        pa.array([str(v) for v in good.column("click_probability").to_pylist()]),
    )
    put_parquet(s3, bucket, f"{PREDICTIONS}{day}/good.parquet", good)
    put_parquet(s3, bucket, f"{PREDICTIONS}{day}/bad.parquet", bad)
    put_parquet(s3, bucket, f"{ACTUALS}{day}.parquet", actuals_table(day, 50))

    report = run_dag(load_dag(S3_DAG), logical_date=datetime(2026, 3, 2, tzinfo=UTC))
    output = capfd.readouterr().out
    assert report.task_states["predictions.validate"] == "failed", report.render()
    assert report.task_tries["predictions.validate"] == TRIES_OF_BAD_DATA
    assert f"{PREDICTIONS}{day}/bad.parquet" in output and "click_probability" in output
    assert "1 of 2 files do not match" in output  # the good file was checked too, and is not named
    assert report.task_states["actuals.wait_for_ingestion"] == "success"  # the other branch goes on


def test_bucket_without_the_ingestion_tag_fails_the_access_check(
    s3_env: str, arize_emulator: Any, fake_s3: Any, capfd: pytest.CaptureFixture[str]
) -> None:
    fake_s3.client().create_bucket(Bucket=s3_env)  # no tag, no policy
    report = run_dag(load_dag(S3_DAG), logical_date=datetime(2026, 3, 2, tzinfo=UTC))
    output = capfd.readouterr().out
    assert report.task_states["check_bucket_access"] == "failed", report.render()
    assert "arize-ingestion-key" in output and s3_env in output
    assert arize_emulator.admin.jobs() == []


def test_secrets_reach_no_log_xcom_rendered_field_or_trigger(
    airflow_db: Path,
    fake_snowflake: Any,
    fake_s3: Any,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    """Recognisable secrets (the Arize key, the Databricks token, the Snowflake password) through a
    deferrable Snowflake run and the Databricks maintenance DAG: none appears in the task logs, XCom,
    rendered template fields, deferral kwargs or the trigger table."""
    from airflow.models.renderedtifields import RenderedTaskInstanceFields
    from airflow.models.taskinstance import TaskInstance
    from airflow.models.trigger import Trigger
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session

    from airflow_provider_arize.dag_testing import arize_connection_uri_env
    from airflow_provider_arize.emulator.testing import EmulatorServer

    api_key, token = "e2e-arize-key-5c1d9e0b", "dapi-e2e-token-33aa71c4"
    secrets = (api_key, token, fake_snowflake.password)
    database = f"E2E_{uuid.uuid4().hex[:8].upper()}"
    # the worker runs queries every 2 s: the window is still pending when the task first looks, so it
    # defers even on a loaded machine, and the trigger's arguments are there to check
    with EmulatorServer(api_key=api_key, worker_interval_seconds=2.0) as emulator:
        emulator.admin.set_warehouses(snowflake={fake_snowflake.account: fake_snowflake.emulator_warehouse()})
        env = {
            **arize_connection_uri_env(
                "arize_default", url=emulator.url, api_key=api_key, space_id=emulator.space_id
            ),
            **fake_snowflake.airflow_connection("snowflake_default", database=database, schema="ML"),
            **warehouse_connections_env(token),
            "AIRFLOW__OPERATORS__DEFAULT_DEFERRABLE": "True",
        }
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        runs = [
            run_dag(load_dag(SNOWFLAKE_DAG), logical_date=LOGICAL_DATE),
            run_dag(load_dag(DAGS / "example_arize_table_job_maintenance.py")),
        ]
    captured = capfd.readouterr()
    assert all(r.succeeded for r in runs), [r.render() for r in runs]
    assert "Deferring" in captured.out  # the trigger path ran

    places: dict[str, str] = {"task logs": captured.out + captured.err}
    with create_session() as session:
        places["xcom"] = " ".join(str(r.value) for r in session.query(XComModel).all())
        places["rendered fields"] = " ".join(
            json.dumps(r.rendered_fields, default=str)
            for r in session.query(RenderedTaskInstanceFields).all()
        )
        places["deferral kwargs"] = " ".join(str(t.next_kwargs) for t in session.query(TaskInstance).all())
        places["trigger table"] = " ".join(str(t.kwargs) for t in session.query(Trigger).all())
    assert "CHURN_PREDICTIONS" in places["rendered fields"] and "VGFibGVJbXBvcnRKb2I6" in places["xcom"]
    leaks = [(secret, where) for secret in secrets for where, text in places.items() if secret in text]
    assert leaks == []
