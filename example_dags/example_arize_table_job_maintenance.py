"""Maintenance window for a Databricks table import job: pause it, change it, resume it.

``pause_job`` is a setup task and ``resume_job`` its teardown: the job is resumed even when a change in
between fails, so a failed maintenance run never leaves the job paused. Pausing a paused job and resuming
an active one succeed without a request, so re-runs are safe.

``ensure_job`` creates the job if it does not exist yet (host, HTTP path and token come from the
``databricks_default`` connection; nothing is sent to Databricks).
"""

from __future__ import annotations

from datetime import datetime

from airflow.sdk import DAG

from airflow_provider_arize.operators.job_control import (
    ArizePauseImportJobOperator,
    ArizeResumeImportJobOperator,
)
from airflow_provider_arize.operators.table_jobs import (
    ArizeCreateTableImportJobOperator,
    ArizeUpdateTableImportJobSchemaOperator,
    ArizeUpdateTableIngestionParametersOperator,
)

TABLE = {"catalog": "main", "databricksSchema": "ml", "tableName": "fraud_scores"}
SCHEMA = {
    "predictionId": "transaction_id",
    "timestamp": "scored_at",
    "predictionLabel": "is_fraud_predicted",
    "predictionScore": "fraud_score",
    "features": "f_",
    "changeTimestamp": "updated_at",
}
JOB = "{{ ti.xcom_pull(task_ids='ensure_job', key='arize_job_id') }}"

with DAG(
    dag_id="example_arize_table_job_maintenance",
    start_date=datetime(2026, 1, 1),
    schedule=None,
    catchup=False,
    tags=["arize", "example", "databricks"],
    doc_md=__doc__,
) as dag:
    ensure_job = ArizeCreateTableImportJobOperator(
        task_id="ensure_job",
        model_name="fraud-scores",
        model_type="score_categorical",
        environment="production",
        table_store="Databricks",
        warehouse_conn_id="databricks_default",
        table_config=TABLE,
        schema=SCHEMA,
        ingestion_parameters={"refreshIntervalMinutes": 60, "queryWindowSizeHours": 24},
    )
    pause_job = ArizePauseImportJobOperator(task_id="pause_job", job_id=JOB)
    tune = ArizeUpdateTableIngestionParametersOperator(
        task_id="update_ingestion_parameters",
        job_id=JOB,
        refresh_interval_minutes=15,
        query_window_size_hours=6,
        row_limit=100000,
    )
    add_tags = ArizeUpdateTableImportJobSchemaOperator(
        task_id="update_schema", job_id=JOB, schema={**SCHEMA, "tags": "tag_"}
    )
    resume_job = ArizeResumeImportJobOperator(task_id="resume_job", job_id=JOB)

    ensure_job >> pause_job >> tune >> add_tags >> resume_job.as_teardown(setups=pause_job)
