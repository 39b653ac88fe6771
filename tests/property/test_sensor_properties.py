"""Property: ``ArizeS3NewFilesSensor`` given hostile arguments is refused when the DAG is parsed, or runs
(finding the file, timing out, or deferring with JSON-serialisable trigger arguments), or is refused when
it starts, after its templates were rendered, with ``ArizeConfigError`` naming the argument and no S3
request sent. Never another exception (``poke_interval`` and ``timeout`` are checked before Airflow's
sensor base sees them, which would raise ``ValueError`` or ``OverflowError``), except that a bucket name
that is well-formed but names no bucket is S3's to refuse (``NoSuchBucket``), as the sensor's own tests
show.

Against moto's S3 server; requests are counted by a botocore ``before-send`` hook on every client
``S3Hook`` makes. States go to Airflow Variables in the session's metadata DB; every example has its own
``state_id`` unless that is the argument made hostile.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from airflow.sdk.exceptions import AirflowSensorTimeout, TaskDeferred
from botocore.exceptions import ClientError
from fake_task_instance import FakeTaskInstance
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from airflow_provider_arize.api.errors import ArizeConfigError
from airflow_provider_arize.sensors.s3_new_files import ArizeS3NewFilesSensor

from .s3_requests import SentToS3, counting_s3
from .strategies import json_values, odd_numbers, odd_text, spoil

BUCKET = "props-sensor"
KEY = "preds/2026-03-01/part-0.parquet"


@pytest.fixture(scope="module")
def sent(fake_s3: Any, airflow_db: Path) -> Iterator[SentToS3]:
    client = fake_s3.client()
    client.create_bucket(Bucket=BUCKET)
    client.put_object(Bucket=BUCKET, Key=KEY, Body=b"x")
    with counting_s3(fake_s3) as counter:
        yield counter


VALID: dict[str, st.SearchStrategy[Any]] = {
    "bucket": st.just(BUCKET),
    "prefix": st.sampled_from(["preds/", "", "preds/2026-03-01/"]),
    "patterns": st.sampled_from([None, ["*.parquet"], ["*/part-*"], []]),
    "suffixes": st.sampled_from([None, [".parquet"], [".csv", ".PARQUET"]]),
    "settle_seconds": st.sampled_from([3600, 0.5, 10**6]),
    "first_run": st.sampled_from(["all", "none"]),
    "max_files": st.sampled_from([None, 1, 1000]),
    "max_file_size": st.sampled_from([1, 10**9]),
    "max_consecutive_errors": st.integers(0, 5),
    "keys_sort_by_arrival": st.booleans(),
    "deferrable": st.booleans(),
    "poke_interval": st.sampled_from([1, 1.5]),
    "timeout": st.sampled_from([0.2, "0.3"]),  # a numeric string also counts
}
#: Checked when the DAG is parsed (the others are templated, checked at the first poke).
AT_PARSE = {"settle_seconds", "first_run", "max_files", "max_file_size", "max_consecutive_errors",
            "keys_sort_by_arrival", "deferrable", "poke_interval", "timeout"}  # fmt: skip


@st.composite
def arguments(draw: st.DrawFn) -> tuple[dict[str, Any], list[str]]:
    """Valid arguments, or with one or two of them (or the ``state_id``) hostile; and which."""
    kwargs = {name: draw(strategy) for name, strategy in VALID.items()}
    kwargs["state_id"] = f"props.{uuid.uuid4().hex}"
    return kwargs, spoil(draw, kwargs, st.one_of(odd_text, json_values, odd_numbers))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=arguments())
def test_new_files_sensor(sent: SentToS3, case: tuple[dict[str, Any], list[str]]) -> None:
    kwargs, spoiled = case
    try:
        task = ArizeS3NewFilesSensor(task_id="new_files", **kwargs)
    except ArizeConfigError as exc:
        assert exc.field in spoiled and exc.field in AT_PARSE, exc
        event("refused when the DAG is parsed")
        return
    # An accepted but long interval or timeout would make this example wait that long: the checks have
    # run (parse time, above); the run below uses the short ones.
    task.poke_interval = min(task.poke_interval, 1.5)
    task.timeout = min(task.timeout, 0.3)
    before = sent.count
    try:
        files = task.execute({"ti": FakeTaskInstance(), "task_instance": FakeTaskInstance()})  # type: ignore[arg-type]
    except ArizeConfigError as exc:
        assert exc.field in spoiled, exc
        assert sent.count == before, f"refused after {sent.count - before} S3 request(s): {exc}"
        event("refused when it starts")
    except TaskDeferred as deferred:
        json.dumps(deferred.trigger.serialize()[1])
        event("deferred")
    except AirflowSensorTimeout:
        event("nothing new: timed out")
    except ClientError as exc:
        assert "NoSuchBucket" in str(exc) and "bucket" in spoiled, exc
        event("no such bucket")
    else:
        assert files and all(f["key"].startswith("preds/") for f in files)
        event("found")
