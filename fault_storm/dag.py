"""The fault storm's DAG, built from a :class:`~.plan.StormPlan`.

Tasks (every one with the plan's ``retries`` and ``retry_delay_seconds``):

* ``create_table_jobs``: ``ArizeCreateTableImportJobOperator`` mapped over ``plan.creations`` BigQuery
  table configs (distinct models and tables; dry-run first, as by default; every other one with
  ingestion parameters).
* ``ensure_event_job_<k>``: ``ArizeCreateTriggeredTableImportJobOperator`` for event-based job ``k`` on
  the Snowflake table of the plan (account, database and schema from the Snowflake connection).
* ``trigger_windows_<k>``: ``ArizeTriggerTableRunOperator`` mapped over job ``k``'s windows, each with
  explicit bounds, waiting in poke mode every ``plan.poll_interval`` seconds.

``dag.test()`` runs DAGs from a DAG bundle, so :func:`write_dag_file` writes a two-line DAG file (and the
plan as JSON next to it) that rebuilds this DAG with :func:`dag_from_plan_file`.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fault_storm.plan import BIGQUERY_DATASET, BIGQUERY_PROJECT, StormPlan

#: Columns of the Snowflake table the event-based jobs read (the emulator counts rows by ``CHANGE_TS``).
EVENT_SCHEMA = {
    "predictionId": "PREDICTION_ID",
    "timestamp": "PREDICTION_TS",
    "predictionLabel": "PREDICTION_LABEL",
    "predictionScore": "PREDICTION_SCORE",
    "features": "FEATURE_",
    "changeTimestamp": "CHANGE_TS",
}
#: Columns of the (never queried) BigQuery tables of the created table jobs.
TABLE_SCHEMA = {
    "predictionId": "prediction_id",
    "timestamp": "prediction_ts",
    "predictionLabel": "predicted_label",
    "predictionScore": "score",
    "features": "feature_",
    "changeTimestamp": "change_ts",
}
_MODEL: dict[str, Any] = {"model_type": "score_categorical", "environment": "production"}
_DAG_FILE = '''"""Fault storm DAG (generated): the plan is the JSON file of the same name next to this one.

(Airflow parses a file only if it names both "airflow" and "dag", as this line does.)
"""

from fault_storm.dag import dag_from_plan_file

dag = dag_from_plan_file(__file__)
'''


def event_job_task_id(k: int) -> str:
    return f"ensure_event_job_{k}"


def trigger_task_id(k: int) -> str:
    return f"trigger_windows_{k}"


CREATE_TASK_ID = "create_table_jobs"


def build_storm_dag(plan: StormPlan) -> Any:
    """The storm's DAG (no I/O: connections are read when the tasks run)."""
    from airflow.sdk import DAG

    from airflow_provider_arize.operators.event_jobs import (
        ArizeCreateTriggeredTableImportJobOperator,
        ArizeTriggerTableRunOperator,
    )
    from airflow_provider_arize.operators.table_jobs import ArizeCreateTableImportJobOperator

    windows = plan.window_list()
    with DAG(
        dag_id=plan.dag_id,
        schedule=None,
        start_date=datetime(2026, 1, 1, tzinfo=UTC),
        catchup=False,
        tags=["arize", "fault-storm"],
        default_args={"retries": plan.retries, "retry_delay": timedelta(seconds=plan.retry_delay_seconds)},
    ) as dag:
        if plan.creations:
            ArizeCreateTableImportJobOperator.partial(
                task_id=CREATE_TASK_ID,
                arize_conn_id=plan.arize_conn_id,
                table_store="BigQuery",
                schema=TABLE_SCHEMA,
                **_MODEL,
            ).expand_kwargs(
                [
                    {
                        "model_name": model,
                        "table_config": {
                            "projectId": BIGQUERY_PROJECT,
                            "dataset": BIGQUERY_DATASET,
                            "tableName": model.replace("-", "_"),
                        },
                        "ingestion_parameters": plan.table_ingestion(i),
                    }
                    for i, model in enumerate(plan.table_models())
                ]
            )
        for k, model in enumerate(plan.event_models()):
            ensure = ArizeCreateTriggeredTableImportJobOperator(
                task_id=event_job_task_id(k),
                arize_conn_id=plan.arize_conn_id,
                model_name=model,
                warehouse_conn_id=plan.snowflake_conn_id,
                table_config={"tableName": plan.table},
                schema=EVENT_SCHEMA,
                **_MODEL,
            )
            bounds = [w.bounds for w in windows if w.job == k]
            if not bounds:
                continue
            trigger = ArizeTriggerTableRunOperator.partial(
                task_id=trigger_task_id(k),
                arize_conn_id=plan.arize_conn_id,
                job_id=f"{{{{ ti.xcom_pull(task_ids='{event_job_task_id(k)}', key='arize_job_id') }}}}",
                poll_interval=plan.poll_interval,
                timeout=plan.wait_timeout,
                deferrable=False,
            ).expand_kwargs([{"window_start": start, "window_end": end} for start, end in bounds])
            ensure >> trigger
    return dag


def write_dag_file(plan: StormPlan, folder: Path) -> Path:
    """Write ``<dag_id>.py`` and ``<dag_id>.json`` (the plan) into ``folder``; return the DAG file."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{plan.dag_id}.py"
    path.with_suffix(".json").write_text(json.dumps(plan.to_json(), indent=2))
    path.write_text(_DAG_FILE)
    return path


def dag_from_plan_file(dag_file: str | Path) -> Any:
    """The storm DAG of the plan stored next to ``dag_file`` (what the generated DAG file calls)."""
    plan = StormPlan.from_json(json.loads(Path(dag_file).with_suffix(".json").read_text()))
    return build_storm_dag(plan)
