"""Arize ingests each window a Snowflake load announces (the consumer of a pair; an event-triggered load
as Airflow 3 expresses it).

Scheduled on the ``churn_events`` asset that ``example_arize_snowflake_asset_load`` updates, with the
loaded window in each event's extra. Such a run has no data interval: ``asset_event_windows`` reads the
windows of the events that triggered it (two loads close together may trigger one run), and
``trigger_window`` is mapped over them, so each window is triggered once and waited on.
Triggered by hand, without an asset event, the run fails at ``asset_event_windows`` saying so, before
anything is sent to Arize.

Connections: ``arize_default`` and ``snowflake_default``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import DAG, Asset

from airflow_provider_arize.assets import asset_event_windows
from airflow_provider_arize.operators.event_jobs import (
    ArizeCreateTriggeredTableImportJobOperator,
    ArizeTriggerTableRunOperator,
)

CHURN_EVENTS = Asset("churn_events")  # updated by example_arize_snowflake_asset_load

with DAG(
    dag_id="example_arize_snowflake_asset_ingest",
    start_date=datetime(2026, 1, 1),
    schedule=[CHURN_EVENTS],
    catchup=False,
    tags=["arize", "example", "snowflake", "assets"],
    doc_md=__doc__,
    # a retry of trigger_window finds its window's query and waits on it: nothing is triggered twice
    default_args={"retries": 2, "retry_delay": timedelta(seconds=10)},
):
    windows = asset_event_windows()
    ensure_job = ArizeCreateTriggeredTableImportJobOperator(
        task_id="ensure_job",
        model_name="churn-events",
        model_type="score_categorical",
        environment="production",
        warehouse_conn_id="snowflake_default",
        table_config={"tableName": "CHURN_EVENTS"},
        schema={
            "predictionId": "PREDICTION_ID",
            "timestamp": "PREDICTION_TS",
            "predictionLabel": "PREDICTION_LABEL",
            "predictionScore": "PREDICTION_SCORE",
            "changeTimestamp": "PREDICTION_TS",
        },
    )
    trigger_window = ArizeTriggerTableRunOperator.partial(
        task_id="trigger_window",
        job_id="{{ ti.xcom_pull(task_ids='ensure_job', key='arize_job_id') }}",
        poll_interval=5,
        timeout=900,
    ).expand_kwargs(windows)

    windows >> ensure_job >> trigger_window
