"""Sample inference files (click-through-rate predictions and their delayed actuals), for the demo, the
end-to-end tests and your own DAG tests against the local S3.

Deterministic: the same ``day`` and ``rows`` always give the same file, and the actuals of a day carry
exactly the prediction ids of that day's predictions.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

#: Arize's file schema of :func:`predictions_table` and :func:`actuals_table`.
PREDICTIONS_SCHEMA = {
    "predictionId": "prediction_id",
    "timestamp": "prediction_ts",
    "predictionLabel": "predicted_click",
    "predictionScore": "click_probability",
    "features": "feature_",
    "tags": "tag_",
}
ACTUALS_SCHEMA = {"predictionId": "prediction_id", "actualLabel": "clicked"}


def _ids(day: date, rows: int) -> list[str]:
    return [f"{day:%Y%m%d}-{i:06d}" for i in range(rows)]


def predictions_table(day: date, rows: int = 100) -> Any:
    """A pyarrow table of one day's predictions (epoch-second timestamps spread over the day)."""
    import pyarrow as pa

    start = datetime.combine(day, time(), tzinfo=UTC)
    step = timedelta(days=1) / max(rows, 1)
    scores = [round(((i * 7919) % 1000) / 1000, 3) for i in range(rows)]
    return pa.table(
        {
            "prediction_id": _ids(day, rows),
            "prediction_ts": pa.array([int((start + step * i).timestamp()) for i in range(rows)], pa.int64()),
            "predicted_click": ["click" if s > 0.5 else "no_click" for s in scores],
            "click_probability": pa.array(scores, pa.float64()),
            "feature_position": pa.array([i % 10 for i in range(rows)], pa.int64()),
            "feature_device": [("mobile", "desktop", "tablet")[i % 3] for i in range(rows)],
            "tag_campaign": [f"c{i % 4}" for i in range(rows)],
        }
    )


def actuals_table(day: date, rows: int = 100) -> Any:
    """A pyarrow table of the actuals (clicked or not) of :func:`predictions_table` of the same day."""
    import pyarrow as pa

    return pa.table(
        {
            "prediction_id": _ids(day, rows),
            "clicked": ["click" if (i * 31) % 3 == 0 else "no_click" for i in range(rows)],
        }
    )


def parquet_bytes(table: Any) -> bytes:
    """``table`` as a Parquet file."""
    import pyarrow.parquet as pq

    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()


def put_parquet(client: Any, bucket: str, key: str, table: Any) -> int:
    """Upload ``table`` as Parquet to ``s3://bucket/key`` with a boto3 client; return its size."""
    body = parquet_bytes(table)
    client.put_object(Bucket=bucket, Key=key, Body=body)
    return len(body)
