"""Set up a BigQuery table import job behind a dry-run gate.

``dry_run`` asks Arize to validate the job (table access, schema, records) without writing anything; the
task fails with Arize's validation message, verbatim, when it does not pass, and nothing downstream runs.
Only then does ``create_job`` create the job (idempotently: a re-run returns the existing job) with its
ingestion parameters: query every 30 minutes, 6-hour windows of the change timestamp, at most 200,000
rows per query.

The project id comes from the ``google_cloud_default`` connection (extra ``project``); building the
config sends nothing to Google.
"""

from __future__ import annotations

from datetime import datetime

from airflow.sdk import DAG

from airflow_provider_arize.operators.table_jobs import (
    ArizeCreateTableImportJobOperator,
    ArizeDryRunTableImportJobOperator,
)

GCP_CONN_ID = "google_cloud_default"
TABLE = {"dataset": "ml_inferences", "tableName": "ctr_predictions"}
SCHEMA = {
    "predictionId": "prediction_id",
    "timestamp": "prediction_ts",
    "predictionLabel": "predicted_click",
    "predictionScore": "click_probability",
    "actualLabel": "clicked",
    "features": "feature_",
    "tags": "tag_",
    "version": "model_version",
    "changeTimestamp": "partition_timestamp",
}
MODEL = {"model_name": "click-through-rate", "model_type": "score_categorical", "environment": "production"}

with DAG(
    dag_id="example_arize_bigquery_job_setup",
    start_date=datetime(2026, 1, 1),
    schedule=None,
    catchup=False,
    tags=["arize", "example", "bigquery"],
    doc_md=__doc__,
) as dag:
    dry_run = ArizeDryRunTableImportJobOperator(
        task_id="dry_run",
        table_store="BigQuery",
        warehouse_conn_id=GCP_CONN_ID,
        table_config=TABLE,
        schema=SCHEMA,
        **MODEL,
    )
    create_job = ArizeCreateTableImportJobOperator(
        task_id="create_job",
        table_store="BigQuery",
        warehouse_conn_id=GCP_CONN_ID,
        table_config=TABLE,
        schema=SCHEMA,
        ingestion_parameters={"refreshIntervalMinutes": 30, "queryWindowSizeHours": 6, "rowLimit": 200000},
        dry_run_first=False,  # the gate above already ran it
        **MODEL,
    )

    dry_run >> create_job
