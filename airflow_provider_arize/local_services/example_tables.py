"""The BigQuery and Databricks tables the example DAGs name, in one DuckDB file the emulator reads.

``make demo`` registers the file for the examples' BigQuery project and Databricks host, so every example
job's scheduled queries really run and succeed (the emulator opens it read-only; see
:mod:`airflow_provider_arize.emulator.warehouses`). Rows are spread over the ``hours`` before ``now``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

__all__ = ["BIGQUERY_PROJECT", "DATABRICKS_HOST", "write_example_tables"]

#: The project and host of the example connections (``dag_testing.warehouse_connections_env``).
BIGQUERY_PROJECT = "demo-project"
DATABRICKS_HOST = "adb-1234567890123456.7.azuredatabricks.net"

#: DuckDB ``schema.table`` -> its columns (the examples' schemas name them)
_TABLES: dict[str, str] = {
    "ml_inferences.ctr_predictions": "prediction_id VARCHAR, prediction_ts TIMESTAMP, "
    "predicted_click VARCHAR, click_probability DOUBLE, clicked VARCHAR, feature_position INTEGER, "
    "feature_device VARCHAR, tag_campaign VARCHAR, model_version VARCHAR, partition_timestamp TIMESTAMP",
    "ml_inferences.fraud_predictions": "prediction_id VARCHAR, prediction_ts TIMESTAMP, prediction VARCHAR, "
    "score DOUBLE, actual VARCHAR, feature_amount DOUBLE, feature_merchant VARCHAR, tag_region VARCHAR, "
    "label_team VARCHAR, updated_at TIMESTAMP",
    "ml.fraud_scores": "transaction_id VARCHAR, scored_at TIMESTAMP, is_fraud_predicted VARCHAR, "
    "fraud_score DOUBLE, f_amount DOUBLE, f_country VARCHAR, tag_channel VARCHAR, updated_at TIMESTAMP",
}


def _row(table: str, i: int, at: datetime) -> tuple[Any, ...]:
    score = round((i * 37 % 100) / 100, 2)
    label = "yes" if score > 0.5 else "no"
    region = ("emea", "amer", "apac")[i % 3]
    if table == "ml_inferences.ctr_predictions":
        return (f"ctr-{i:05d}", at, label, score, label, i % 10, ("web", "ios")[i % 2], region, "v3", at)
    if table == "ml_inferences.fraud_predictions":
        return (f"fp-{i:05d}", at, label, score, label, 10.0 + i, f"m{i % 7}", region, "risk", at)
    return (f"tx-{i:05d}", at, label, score, 5.0 + i, ("DE", "US", "JP")[i % 3], region, at)


def write_example_tables(path: Path, *, hours: int = 48, now: datetime | None = None) -> dict[str, Any]:
    """(Re)write ``path`` with the example tables, one row per table per hour; return the emulator's
    ``warehouses`` entries for the examples' BigQuery project and Databricks host."""
    import duckdb

    end = (now or datetime.now(UTC)).replace(tzinfo=None, minute=0, second=0, microsecond=0)
    path.unlink(missing_ok=True)
    with duckdb.connect(str(path)) as conn:  # closed before the emulator opens it read-only
        for table, columns in _TABLES.items():
            conn.execute(f"CREATE SCHEMA IF NOT EXISTS {table.split('.')[0]}")
            conn.execute(f"CREATE TABLE {table} ({columns})")
            rows = [_row(table, i, end - timedelta(hours=hours - i)) for i in range(hours)]
            conn.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * len(rows[0]))})", rows)
    entry = {"kind": "duckdb", "path": str(path)}
    return {"bigquery": {BIGQUERY_PROJECT: entry}, "databricks": {DATABRICKS_HOST: entry}}
