"""Hourly Snowflake load that announces each hour it loaded as an asset event (the producer of a pair).

``load_hour`` replaces the data interval's rows of ``CHURN_EVENTS`` in one transaction, one run at a time,
and its event of the ``churn_events`` asset carries the window it loaded
(``airflow_provider_arize.assets.window_extra``). ``example_arize_snowflake_asset_ingest``, scheduled on
that asset, has Arize ingest exactly that window. Triggered by hand, give it a logical date: the hour
before it is loaded.

Connection: ``snowflake_default`` (``make demo`` points it at a local Snowflake stand-in).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from airflow.sdk import DAG, Asset, task

try:
    from airflow.sdk import CronDataIntervalTimetable
except ImportError:  # Airflow 3.1 keeps it outside the SDK
    from airflow.timetables.interval import CronDataIntervalTimetable  # type: ignore[no-redef]

from airflow_provider_arize.assets import window_extra

CHURN_EVENTS = Asset("churn_events")  # example_arize_snowflake_asset_ingest is scheduled on it
COLUMNS = (
    "PREDICTION_ID VARCHAR, PREDICTION_TS TIMESTAMP_NTZ, PREDICTION_LABEL VARCHAR, PREDICTION_SCORE FLOAT"
)

with DAG(
    dag_id="example_arize_snowflake_asset_load",
    start_date=datetime(2026, 1, 1),
    schedule=CronDataIntervalTimetable("0 * * * *", timezone="UTC"),
    catchup=False,
    tags=["arize", "example", "snowflake", "assets"],
    doc_md=__doc__,
    default_args={"retries": 2, "retry_delay": timedelta(seconds=10)},
):

    @task(outlets=[CHURN_EVENTS], max_active_tis_per_dag=1)
    def load_hour(
        outlet_events: Any = None, data_interval_start: Any = None, data_interval_end: Any = None
    ) -> int:
        """Replace the hour's rows of CHURN_EVENTS; announce the window on the asset event."""
        from airflow.providers.common.compat.sdk import AirflowFailException
        from airflow.providers.snowflake.hooks.snowflake import SnowflakeHook

        if data_interval_start is None or data_interval_end is None:
            raise AirflowFailException(
                "this run has no data interval, so no hour to load: trigger it with a logical date "
                "(the hour before it is loaded), or let the schedule run it"
            )
        start, end = data_interval_start.in_timezone("UTC"), data_interval_end.in_timezone("UTC")
        rows = 10 + start.hour % 7  # a different, known number of rows each hour
        values = ", ".join(
            f"('{start:%Y%m%d%H}-{i:03d}', '{(start + (end - start) * i / rows).naive()}', "
            f"'{'churn' if i % 3 == 0 else 'stay'}', {i / rows:.3f})"
            for i in range(rows)
        )
        bounds = f"'{start.naive()}' AND PREDICTION_TS < '{end.naive()}'"
        SnowflakeHook(snowflake_conn_id="snowflake_default").run(
            [
                f"CREATE TABLE IF NOT EXISTS CHURN_EVENTS ({COLUMNS})",
                f"DELETE FROM CHURN_EVENTS WHERE PREDICTION_TS >= {bounds}",
                f"INSERT INTO CHURN_EVENTS VALUES {values}",
            ],
            autocommit=False,  # one transaction: readers never see the hour half replaced
        )
        outlet_events[CHURN_EVENTS].extra = window_extra(start, end, rows=rows)
        return rows

    load_hour()
