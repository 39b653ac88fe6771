"""OpenLineage datasets of the create, trigger and wait tasks, as the OpenLineage provider's own extraction
(``ExtractorManager.extract_metadata``, what its listener calls when a task ends) reads them.

The tasks run against the local emulator (``dry_run_first=False``: no warehouse or bucket is read), in
a DAG so a trigger or sensor finds what the create task upstream published (``arize_lineage``). A task
instance stand-in records XCom pushes and serves pulls. A fresh operator instance (no ``execute``)
stands for a task resumed after a deferral: it reads the job again.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote

import pytest
from fake_task_instance import FakeTaskInstance

pytest.importorskip("airflow.providers.openlineage")

from airflow.sdk import DAG

from airflow_provider_arize.operators.event_jobs import (
    ArizeCreateTriggeredTableImportJobOperator,
    ArizeTriggerTableRunOperator,
)
from airflow_provider_arize.operators.file_jobs import ArizeCreateFileImportJobOperator
from airflow_provider_arize.operators.table_jobs import ArizeCreateTableImportJobOperator
from airflow_provider_arize.sensors.file_ingestion import ArizeFileIngestionSensor
from airflow_provider_arize.sensors.table_run import ArizeTableRunSensor

START = datetime(2026, 3, 1, 10, tzinfo=UTC)
TABLE_SCHEMA = {
    "predictionId": "PREDICTION_ID",
    "timestamp": "PREDICTION_TS",
    "predictionLabel": "PREDICTION_LABEL",
    "changeTimestamp": "CHANGE_TS",
}
MODEL = {"model_type": "score_categorical", "environment": "production", "dry_run_first": False}

RUN_ID = "manual__lineage"


class Run:
    """One DAG run: each task's context, with the window ``[START, START + 1h)``."""

    def __init__(self) -> None:
        self.store: dict[tuple[str, str], Any] = {}

    def context(self, task: Any) -> dict[str, Any]:
        return {
            "ti": FakeTaskInstance(task.task_id, self.store, run_id=RUN_ID),
            "data_interval_start": START,
            "data_interval_end": START + timedelta(hours=1),
        }

    def execute(self, task: Any) -> tuple[Any, Any]:
        ctx = self.context(task)
        task.execute(ctx)
        return task, ctx["ti"]


def extract(task: Any, ti: Any) -> tuple[list[tuple[str, str]], list[tuple[str, str]], Any]:
    """What the OpenLineage provider reports for the task's COMPLETE event: (inputs, outputs, lineage)."""
    from airflow.providers.openlineage.extractors.manager import ExtractorManager
    from airflow.utils.state import TaskInstanceState

    lineage = ExtractorManager().extract_metadata(
        dagrun=SimpleNamespace(run_id=ti.run_id),
        task=task,
        task_instance_state=TaskInstanceState.SUCCESS,
        task_instance=ti,
    )
    names = [[(d.namespace, d.name) for d in group] for group in (lineage.inputs, lineage.outputs)]
    return names[0], names[1], lineage


def model(emulator: Any, name: str) -> tuple[str, str]:
    from airflow_provider_arize.assets import model_dataset

    return model_dataset(emulator.space_id, name)


def test_snowflake_table_job(arize_conn_env: str, arize_emulator: Any) -> None:
    task, ti = Run().execute(
        ArizeCreateTableImportJobOperator(
            task_id="create",
            model_name="churn",
            table_store="Snowflake",
            table_config={
                "accountID": "MyOrg-MyAcct",
                "database": "ml",
                "schema": "public",
                "tableName": "p",
            },
            schema=TABLE_SCHEMA,
            **MODEL,
        )
    )
    inputs, outputs, lineage = extract(task, ti)
    assert inputs == [("snowflake://myorg-myacct", "ML.PUBLIC.P")]
    space = quote(arize_emulator.space_id, safe="")  # a global id ends in "=="
    assert outputs == [(f"arize://{space}", "churn")] == [model(arize_emulator, "churn")]
    fields = [f.name for f in lineage.inputs[0].facets["schema"].fields]
    assert fields == list(TABLE_SCHEMA.values())  # the mapped columns, each once
    assert ti.store[("create", "arize_lineage")]["input"] == {
        "namespace": "snowflake://myorg-myacct",
        "name": "ML.PUBLIC.P",
    }


@pytest.mark.parametrize(
    ("store", "config", "expected"),
    [
        (
            "BigQuery",
            {"projectId": "acme-ml", "dataset": "preds", "tableName": "daily"},
            ("bigquery", "acme-ml.preds.daily"),
        ),
        (
            "Databricks",
            {
                "hostName": "dbc-1.cloud.databricks.com",
                "endpoint": "/sql/1.0/warehouses/abc",
                "catalog": "main",
                "databricksSchema": "ml",
                "tableName": "preds",
            },
            ("databricks://dbc-1.cloud.databricks.com", "main.ml.preds"),
        ),
    ],
)
def test_bigquery_and_databricks_table_jobs(
    arize_conn_env: str, arize_emulator: Any, store: str, config: dict[str, str], expected: Any
) -> None:
    task, ti = Run().execute(
        ArizeCreateTableImportJobOperator(
            task_id="create",
            model_name=f"{store.lower()}-model",
            table_store=store,
            table_config=config,
            schema=TABLE_SCHEMA,
            **MODEL,
        )
    )
    assert extract(task, ti)[:2] == ([expected], [model(arize_emulator, f"{store.lower()}-model")])


def _event_job_dag(run: Run, **trigger_kwargs: Any) -> tuple[Any, Any]:
    with DAG("lineage_event_job", schedule=None, start_date=START):
        create = ArizeCreateTriggeredTableImportJobOperator(
            task_id="ensure_job",
            model_name="churn-hourly",
            model_type="score_categorical",
            environment="production",
            dry_run_first=False,
            table_config={"accountID": "myorg-myacct", "database": "DB", "schema": "S", "tableName": "T"},
            schema=TABLE_SCHEMA,
        )
        trigger = ArizeTriggerTableRunOperator(
            task_id="trigger_window",
            job_id="{{ ti.xcom_pull(task_ids='ensure_job', key='arize_job_id') }}",
            **trigger_kwargs,
        )
        create >> trigger
    run.execute(create)
    trigger.job_id = run.store[("ensure_job", "arize_job_id")]  # as rendered
    return create, trigger


def test_event_based_window_trigger(arize_conn_env: str, arize_emulator: Any) -> None:
    run = Run()
    create, trigger = _event_job_dag(run, wait_for_completion=False)
    expected = ([("snowflake://myorg-myacct", "DB.S.T")], [model(arize_emulator, "churn-hourly")])
    assert extract(create, run.context(create)["ti"])[:2] == expected
    _, ti = run.execute(trigger)
    assert trigger._lineage_job is not None  # kept from execute: no second read
    assert extract(trigger, ti)[:2] == expected


def test_resumed_trigger_reads_the_job_and_the_upstream_datasets(
    arize_conn_env: str, arize_emulator: Any
) -> None:
    run = Run()
    _, trigger = _event_job_dag(run)  # never executed: as rebuilt for execute_complete
    expected = ([("snowflake://myorg-myacct", "DB.S.T")], [model(arize_emulator, "churn-hourly")])
    assert extract(trigger, run.context(trigger)["ti"])[:2] == expected


def test_table_run_sensor_without_an_upstream_create_reports_the_model(
    arize_conn_env: str, arize_emulator: Any
) -> None:
    """Arize reports no Snowflake account: a sensor whose job was created elsewhere names the model."""
    run = Run()
    _event_job_dag(run)
    sensor = ArizeTableRunSensor(task_id="wait", job_id=run.store[("ensure_job", "arize_job_id")])
    assert extract(sensor, run.context(sensor)["ti"])[:2] == ([], [model(arize_emulator, "churn-hourly")])


def test_s3_file_job_and_ingestion_sensor(arize_conn_env: str, arize_emulator: Any) -> None:
    run = Run()
    with DAG("lineage_file_job", schedule=None, start_date=START):
        create = ArizeCreateFileImportJobOperator(
            task_id="create",
            model_name="daily-files",
            location="s3://predictions-bucket/daily/",
            schema={"predictionId": "id", "timestamp": "ts", "predictionLabel": "label"},
            **MODEL,
        )
        root = ArizeCreateFileImportJobOperator(
            task_id="create_root",
            model_name="bucket-files",
            bucket_name="predictions-bucket",
            schema={"predictionId": "id", "timestamp": "ts", "predictionLabel": "label"},
            **MODEL,
        )
    run.execute(create)
    run.execute(root)
    prefix = [("s3://predictions-bucket", "daily/")]
    assert extract(create, run.context(create)["ti"])[:2] == (prefix, [model(arize_emulator, "daily-files")])
    assert extract(root, run.context(root)["ti"])[0] == [("s3://predictions-bucket", "/")]
    # a sensor in another DAG: the job Arize reports names the bucket and prefix
    sensor = ArizeFileIngestionSensor(task_id="wait", job_id=run.store[("create", "arize_job_id")])
    assert extract(sensor, run.context(sensor)["ti"])[:2] == (prefix, [model(arize_emulator, "daily-files")])


def test_create_task_that_failed_before_its_spec_reports_nothing() -> None:
    task = ArizeCreateTableImportJobOperator(
        task_id="create",
        model_name="m",
        table_store="BigQuery",
        table_config={},
        schema=TABLE_SCHEMA,
        **MODEL,
    )
    ti = FakeTaskInstance("create", run_id=RUN_ID)
    inputs, outputs, _ = extract(task, ti)
    assert (inputs, outputs) == ([], [])


def test_model_asset_converts_to_the_tasks_output_dataset() -> None:
    """Airflow's asset-URI registry (``asset-uris`` of the provider info) turns an Arize model's Asset
    into the dataset the tasks report as their output; a malformed ``arize://`` URI is refused."""
    from airflow.providers.openlineage.utils.utils import translate_airflow_asset
    from airflow.sdk import Asset

    from airflow_provider_arize.assets import model_asset_uri, model_dataset

    asset = Asset(uri=model_asset_uri("U3BhY2U6MQ==", "churn hourly"))
    dataset = translate_airflow_asset(asset, lineage_context=None)
    assert dataset is not None
    assert (dataset.namespace, dataset.name) == model_dataset("U3BhY2U6MQ==", "churn hourly")
    with pytest.raises(ValueError, match="not an Arize model asset URI"):
        Asset(uri="arize://space-only")
