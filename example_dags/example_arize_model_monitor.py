"""Downstream of Arize: a monitoring DAG scheduled on "model churn-hourly has new data".

``example_arize_snowflake_event_load`` updates the ``churn-hourly`` model's asset each time Arize has
ingested an hour, with the window and the processed count in the event's extra. This DAG runs on those
events: ``ingested_windows`` reads them (several hours ingested close together may trigger one run), and
``check_window`` is mapped over them, so every ingested hour is checked once. A real monitor would compute
drift or performance for the window here; this one checks that Arize processed rows and says how far the
model's data reaches.

Triggered by hand, without a model-asset event, the run fails at ``ingested_windows`` saying so.
``ARIZE_SPACE_ID``: the space of ``arize_default`` (it names the model's asset).
"""

from __future__ import annotations

import os
from datetime import datetime
from typing import Any

from airflow.sdk import DAG, task

from airflow_provider_arize.assets import arize_model_asset, model_updates

MODEL_ASSET = arize_model_asset(os.environ.get("ARIZE_SPACE_ID", "your-space-id"), "churn-hourly")

with DAG(
    dag_id="example_arize_model_monitor",
    start_date=datetime(2026, 1, 1),
    schedule=[MODEL_ASSET],
    catchup=False,
    tags=["arize", "example", "assets"],
    doc_md=__doc__,
):

    @task(retries=0)  # the events a run carries never change
    def ingested_windows(triggering_asset_events: Any = None) -> list[dict[str, Any]]:
        """The windows Arize ingested (with their counts) that triggered this run, oldest first."""
        return model_updates(triggering_asset_events)

    @task
    def check_window(update: dict[str, Any]) -> dict[str, Any]:
        """Fail on a window Arize ingested no rows of; log how far the model's data reaches."""
        from airflow.providers.common.compat.sdk import AirflowFailException

        window = f"[{update['window_start']}, {update['window_end']})"
        count = update.get("records_processed_count")
        if not count:
            raise AirflowFailException(f"Arize processed no rows of {window} ({update['model_asset']})")
        print(f"Model churn-hourly has data up to {update['window_end']}: {count} records in {window}")
        return update

    check_window.expand(update=ingested_windows())
