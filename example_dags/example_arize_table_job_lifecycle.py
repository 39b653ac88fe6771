"""Lifecycle of an Arize table import job: dry-run, create, update its ingestion parameters, pause,
update its schema, resume, delete.

Runs against real Arize or the local emulator (``make demo`` points the ``arize_default`` connection at
the emulator). Creating is idempotent, so re-running the DAG reuses the job it created before rather than
creating another; the last task deletes it, so each run ends clean.
"""

from __future__ import annotations

from datetime import datetime

from airflow.sdk import DAG

from airflow_provider_arize.operators.job_control import (
    ArizeDeleteImportJobOperator,
    ArizePauseImportJobOperator,
    ArizeResumeImportJobOperator,
)
from airflow_provider_arize.operators.table_jobs import (
    ArizeCreateTableImportJobOperator,
    ArizeDryRunTableImportJobOperator,
    ArizeUpdateTableImportJobSchemaOperator,
    ArizeUpdateTableIngestionParametersOperator,
)

TABLE = {"projectId": "demo-project", "dataset": "ml_inferences", "tableName": "fraud_predictions"}
SCHEMA = {
    "predictionId": "prediction_id",
    "timestamp": "prediction_ts",
    "predictionLabel": "prediction",
    "predictionScore": "score",
    "actualLabel": "actual",
    "features": "feature_",
    "tags": "tag_",
    "changeTimestamp": "updated_at",
}
JOB = "{{ ti.xcom_pull(task_ids='create_job', key='arize_job_id') }}"

with DAG(
    dag_id="example_arize_table_job_lifecycle",
    start_date=datetime(2026, 1, 1),
    schedule=None,
    catchup=False,
    tags=["arize", "example"],
    doc_md=__doc__,
) as dag:
    model = {"model_name": "fraud-detector", "model_type": "score_categorical", "environment": "production"}

    dry_run = ArizeDryRunTableImportJobOperator(
        task_id="dry_run", table_store="BigQuery", table_config=TABLE, schema=SCHEMA, **model
    )
    create = ArizeCreateTableImportJobOperator(
        task_id="create_job",
        table_store="BigQuery",
        table_config=TABLE,
        schema=SCHEMA,
        ingestion_parameters={"refreshIntervalMinutes": 60, "queryWindowSizeHours": 24, "rowLimit": 500000},
        dry_run_first=False,  # the dry_run task above already validated it
        **model,
    )
    tune = ArizeUpdateTableIngestionParametersOperator(
        task_id="update_parameters", job_id=JOB, refresh_interval_minutes=30, row_limit=250000
    )
    pause = ArizePauseImportJobOperator(task_id="pause_job", job_id=JOB)
    add_tags = ArizeUpdateTableImportJobSchemaOperator(
        task_id="update_schema", job_id=JOB, schema={**SCHEMA, "tags": "label_"}
    )
    resume = ArizeResumeImportJobOperator(task_id="resume_job", job_id=JOB)
    delete = ArizeDeleteImportJobOperator(task_id="delete_job", job_id=JOB)

    dry_run >> create >> tune >> pause >> add_tags >> resume >> delete
