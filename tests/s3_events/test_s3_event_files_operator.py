"""The DAG-author side of event-driven detection: ``arize_s3_events_asset`` (one line, nothing heavy at
DAG-parse time, serialisable as the DAG processor stores it) and ``ArizeS3EventFilesOperator``, which
turns a run's triggering asset events into the sensor's file list, which ``ArizeValidateFilesOperator``
then checks unchanged (real trigger on moto's server, real validation). The asset events are built with
the Task SDK's own classes, as the scheduler would hand them to the task."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from s3_events_wiring import Wired

from airflow_provider_arize.operators.s3_events import (
    ASSET_SCHEME,
    ArizeS3EventFilesOperator,
    arize_s3_events_asset,
)
from airflow_provider_arize.triggers.s3_events import ArizeS3EventsTrigger

QUEUE = "https://sqs.us-east-1.amazonaws.com/123456789012/arize-new-files"


def asset_events(*items: tuple[Any, dict[str, Any]]) -> Any:
    """``context["triggering_asset_events"]`` for ``(asset, extra)`` pairs."""
    from airflow.sdk.api.datamodels._generated import AssetReferenceAssetEventDagRun
    from airflow.sdk.execution_time.comms import AssetEventDagRunReferenceResult
    from airflow.sdk.execution_time.context import TriggeringAssetEventsAccessor

    return TriggeringAssetEventsAccessor.build(
        [
            AssetEventDagRunReferenceResult(
                asset=AssetReferenceAssetEventDagRun(name=asset.name, uri=asset.uri, extra={}),
                extra=extra,
                source_task_id=None,
                source_dag_id=None,
                source_run_id=None,
                source_map_index=None,
                source_aliases=[],
                timestamp=datetime.now(UTC),
            )
            for asset, extra in items
        ]
    )


def test_the_asset_helper_loads_no_aws_library_at_parse_time() -> None:
    script = f"""
import json, sys
import airflow.sdk
before = set(sys.modules)
from airflow_provider_arize.operators.s3_events import arize_s3_events_asset
asset = arize_s3_events_asset(bucket="inferences", prefix="daily/", queue_url={QUEUE!r})
print(json.dumps(sorted(set(sys.modules) - before)))
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    added = json.loads(out.strip().splitlines()[-1])
    heavy = (
        "boto3",
        "botocore",
        "aiobotocore",
        "airflow.providers.amazon",
        "airflow.providers.common.messaging",
    )
    assert [m for m in added if m.startswith(heavy)] == []


def test_the_asset_is_watched_by_the_trigger_and_serialises_without_secrets() -> None:
    from airflow.sdk import DAG
    from airflow.serialization.serialized_objects import DagSerialization

    asset = arize_s3_events_asset(
        bucket="inferences", prefix="daily/", queue_url=QUEUE, suffixes=[".parquet"], wait_time_seconds=10
    )
    assert (
        asset.uri == f"{ASSET_SCHEME}://inferences/daily/"
        and asset.name == "arize-s3-events:inferences/daily/"
    )
    (watcher,) = asset.watchers
    assert isinstance(watcher.trigger, ArizeS3EventsTrigger)
    _, kwargs = watcher.trigger.serialize()
    assert kwargs["suffixes"] == [".parquet"] and kwargs["wait_time_seconds"] == 10
    assert not {"password", "login", "aws_secret_access_key", "extra"} & set(kwargs)

    with DAG("arize_s3_events_serialisation", schedule=[asset], start_date=datetime(2026, 1, 1)) as dag:
        ArizeS3EventFilesOperator(task_id="files", asset=asset)
    text = json.dumps(DagSerialization.to_dict(dag))
    assert "airflow_provider_arize.triggers.s3_events.ArizeS3EventsTrigger" in text


def test_the_operator_takes_bucket_and_filter_from_the_asset() -> None:
    asset = arize_s3_events_asset(bucket="inferences", prefix="daily/", queue_url=QUEUE, patterns=["*.csv"])
    op = ArizeS3EventFilesOperator(task_id="files", asset=asset)
    assert (op.bucket, op.prefix, op.patterns, op.asset_name) == (
        "inferences",
        "daily/",
        ["*.csv"],
        asset.name,
    )


def test_only_trigger_events_of_the_asset_count_and_no_file_skips() -> None:
    from airflow.sdk import Asset
    from airflow.sdk.exceptions import AirflowSkipException

    asset = arize_s3_events_asset(bucket="inferences", prefix="daily/", queue_url=QUEUE)
    other = Asset(name="other", uri="x-other://o")
    described = {"key": "daily/a.csv", "size": 3, "etag": "e", "last_modified": "2026-03-01T10:00:00Z"}
    payload = {"status": "success", "bucket": "inferences", "files": [described]}
    op = ArizeS3EventFilesOperator(task_id="files", asset=asset)
    events = asset_events(
        (asset, {"from_trigger": True, "payload": payload}),
        (asset, {"from_trigger": True, "payload": payload}),  # the same file in two folded events
        (asset, {"set_by": "a task"}),
        (
            other,
            {"from_trigger": True, "payload": {**payload, "files": [{**described, "key": "daily/b.csv"}]}},
        ),
    )
    assert op.execute({"triggering_asset_events": events}) == [{**described, "oversized": False}]  # type: ignore[arg-type]
    with pytest.raises(AirflowSkipException, match="no new file"):
        op.execute({"triggering_asset_events": asset_events()})  # type: ignore[arg-type]
    keep_going = ArizeS3EventFilesOperator(task_id="files2", asset=asset, skip_when_empty=False)
    assert keep_going.execute({}) == []  # type: ignore[arg-type]


def test_trigger_event_to_operator_to_validation(wire: Callable[..., Wired]) -> None:
    from airflow_provider_arize.local_services.sample_files import (
        PREDICTIONS_SCHEMA,
        predictions_table,
        put_parquet,
    )
    from airflow_provider_arize.operators.file_validation import ArizeValidateFilesOperator

    w = wire("daily/")
    asset = arize_s3_events_asset(
        bucket=w.bucket, prefix="daily/", queue_url=w.queue_url, wait_time_seconds=1
    )
    size = put_parquet(
        w.s3, w.bucket, "daily/2026-03-01 predictions.parquet", predictions_table(date(2026, 3, 1))
    )
    (watcher,) = asset.watchers
    _, kwargs = watcher.trigger.serialize()
    trigger = ArizeS3EventsTrigger(**json.loads(json.dumps(kwargs)))

    async def first_event() -> dict[str, Any]:
        events = trigger.run()
        event = await asyncio.wait_for(anext(events), 60)
        await events.aclose()
        return dict(event.payload)

    payload = asyncio.run(first_event())
    files = ArizeS3EventFilesOperator(task_id="files", asset=asset).execute(
        {"triggering_asset_events": asset_events((asset, {"from_trigger": True, "payload": payload}))}  # type: ignore[arg-type]
    )
    assert [(f["key"], f["size"]) for f in files] == [("daily/2026-03-01 predictions.parquet", size)]

    result = ArizeValidateFilesOperator(
        task_id="validate", bucket=w.bucket, files=files, schema=PREDICTIONS_SCHEMA
    ).execute({})  # type: ignore[arg-type]
    assert [v["key"] for v in result["valid"]] == [files[0]["key"]] and result["invalid"] == []
