"""Hourly event-triggered Snowflake load: write the hour's predictions, have Arize ingest exactly that hour.

1. ``write_predictions`` writes the data interval's rows into a Snowflake table (idempotent: the hour's
   rows are replaced in one transaction, and one run writes at a time, so a retry, a re-run or an
   overlapping run writes them once).
2. ``preflight`` checks the table has every column the Arize schema names, with types Arize accepts.
3. ``ensure_job`` creates the event-based (triggered) Arize job once; later runs reuse it.
4. ``trigger_window`` asks Arize to ingest ``[data_interval_start, data_interval_end)`` and waits until
   Arize reports the query's processed count. A retried task never triggers the same hour twice.
   It waits in the triggerer when ``[operators] default_deferrable`` is on, on the worker otherwise.
   Then it updates the ``churn-hourly`` model's asset with the hour and its count, which
   ``example_arize_model_monitor`` is scheduled on.
5. ``reconcile`` compares the warehouse's row count for the hour with Arize's count, and fails on a
   mismatch.

Connections: ``arize_default`` and ``snowflake_default`` (``make demo`` points them at the local Arize
emulator and a local Snowflake stand-in). ``ARIZE_SPACE_ID``: the space of ``arize_default``, which names
the model's asset.
"""

from __future__ import annotations

import os
from contextlib import closing
from datetime import datetime, timedelta
from typing import Any

from airflow.sdk import DAG, task

try:
    from airflow.sdk import CronDataIntervalTimetable
except ImportError:  # Airflow 3.1 keeps it outside the SDK
    from airflow.timetables.interval import CronDataIntervalTimetable  # type: ignore[no-redef]

from airflow_provider_arize.assets import arize_model_asset
from airflow_provider_arize.operators.event_jobs import (
    ArizeCreateTriggeredTableImportJobOperator,
    ArizeTriggerTableRunOperator,
)
from airflow_provider_arize.operators.warehouse import (
    ArizeReconcileTableRunOperator,
    ArizeTablePreflightOperator,
)

SNOWFLAKE_CONN_ID = "snowflake_default"
TABLE = {"tableName": "CHURN_PREDICTIONS"}  # account, database and schema come from the connection
SCHEMA = {
    "predictionId": "PREDICTION_ID",
    "timestamp": "PREDICTION_TS",
    "predictionLabel": "PREDICTION_LABEL",
    "predictionScore": "PREDICTION_SCORE",
    "features": "FEATURE_",
    "tags": "TAG_",
    "changeTimestamp": "CHANGE_TS",
}
JOB = "{{ ti.xcom_pull(task_ids='ensure_job', key='arize_job_id') }}"
MODEL = "churn-hourly"
# the model's asset: each ingested hour updates it (the space id is static deployment configuration)
MODEL_ASSET = arize_model_asset(os.environ.get("ARIZE_SPACE_ID", "your-space-id"), MODEL)

with DAG(
    dag_id="example_arize_snowflake_event_load",
    start_date=datetime(2026, 1, 1),
    # a data-interval timetable: each run's window is the hour before it (a CronTriggerTimetable, the
    # default for cron strings, gives empty intervals)
    schedule=CronDataIntervalTimetable("0 * * * *", timezone="UTC"),
    catchup=False,
    tags=["arize", "example", "snowflake"],
    doc_md=__doc__,
    default_args={"retries": 2, "retry_delay": timedelta(seconds=10)},
) as dag:
    # one write at a time across runs: two overlapping runs of one hour (a hand-triggered re-run during the
    # scheduled one) must not both delete "nothing yet" and insert the hour's rows
    @task(max_active_tis_per_dag=1)
    def write_predictions(data_interval_start: Any = None, data_interval_end: Any = None) -> int:
        """Replace the hour's rows of the predictions table with this run's predictions."""
        from airflow.providers.common.compat.sdk import AirflowFailException
        from airflow.providers.snowflake.hooks.snowflake import SnowflakeHook

        if data_interval_start is None or data_interval_end is None:
            raise AirflowFailException(
                "this run has no data interval, so no hour to load: trigger it with a logical date "
                "(the hour before it is loaded), or let the schedule run it"
            )
        start = data_interval_start.in_timezone("UTC").naive()
        end = data_interval_end.in_timezone("UTC").naive()
        rows = 20 + start.hour  # a different, known number of predictions each hour
        step = (end - start) / rows
        hook = SnowflakeHook(snowflake_conn_id=SNOWFLAKE_CONN_ID)
        hook.run(
            "CREATE TABLE IF NOT EXISTS CHURN_PREDICTIONS (PREDICTION_ID VARCHAR, PREDICTION_TS "
            "TIMESTAMP_NTZ, PREDICTION_LABEL VARCHAR, PREDICTION_SCORE FLOAT, FEATURE_TENURE_MONTHS "
            "INTEGER, FEATURE_PLAN VARCHAR, TAG_REGION VARCHAR, CHANGE_TS TIMESTAMP_NTZ)"
        )
        values = []
        for i in range(rows):
            at = start + step * i
            score = round((i * 37 % 100) / 100, 2)
            values.append(
                (
                    f"{start:%Y%m%d%H}-{i:04d}",
                    at.isoformat(sep=" "),
                    "churn" if score > 0.5 else "stay",
                    score,
                    i % 48,
                    ("basic", "plus", "pro")[i % 3],
                    ("emea", "amer", "apac")[i % 3],
                    at.isoformat(sep=" "),
                )
            )
        # one transaction: readers never see the hour half replaced
        with closing(hook.get_conn()) as conn, closing(conn.cursor()) as cursor:
            cursor.execute("BEGIN")
            cursor.execute(
                "DELETE FROM CHURN_PREDICTIONS WHERE CHANGE_TS >= %(start)s AND CHANGE_TS < %(end)s",
                {"start": start.isoformat(sep=" "), "end": end.isoformat(sep=" ")},
            )
            cursor.executemany(
                "INSERT INTO CHURN_PREDICTIONS (PREDICTION_ID, PREDICTION_TS, PREDICTION_LABEL, "
                "PREDICTION_SCORE, FEATURE_TENURE_MONTHS, FEATURE_PLAN, TAG_REGION, CHANGE_TS) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                values,
            )
            conn.commit()
        return rows

    preflight = ArizeTablePreflightOperator(
        task_id="preflight",
        table_store="Snowflake",
        warehouse_conn_id=SNOWFLAKE_CONN_ID,
        table_config=TABLE,
        schema=SCHEMA,
    )
    ensure_job = ArizeCreateTriggeredTableImportJobOperator(
        task_id="ensure_job",
        model_name=MODEL,
        model_type="score_categorical",
        environment="production",
        warehouse_conn_id=SNOWFLAKE_CONN_ID,
        table_config=TABLE,
        schema=SCHEMA,
    )
    trigger_window = ArizeTriggerTableRunOperator(
        task_id="trigger_window",
        job_id=JOB,
        poll_interval=5,  # each poll costs two of Arize's 100 queries a minute per key
        timeout=900,
        outlets=[MODEL_ASSET],  # updated with the hour and its count once Arize has ingested it
    )
    reconcile = ArizeReconcileTableRunOperator(
        task_id="reconcile",
        job_id=JOB,
        table_store="Snowflake",
        warehouse_conn_id=SNOWFLAKE_CONN_ID,
        table_config=TABLE,
        change_timestamp_column=SCHEMA["changeTimestamp"],  # not every Arize reports a job's schema
        on_mismatch="fail",
    )

    write_predictions() >> preflight >> ensure_job >> trigger_window >> reconcile
