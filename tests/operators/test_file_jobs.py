"""File-job operators, the file validation operator and the ingestion wait, against the local emulator
(which polls the local S3, moto's server, like Arize polls a bucket) over HTTP.

Operators run directly with ``FakeTaskInstance``, a stand-in that only records XCom pushes; the real DAG
path (poke and deferrable, retries) is covered by the end-to-end tests of the example DAGs.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from fake_task_instance import FakeTaskInstance

from airflow_provider_arize.api.errors import ArizeConfigError, ArizeRunFailedError, ArizeValidationError
from airflow_provider_arize.local_services.sample_files import (
    PREDICTIONS_SCHEMA,
    predictions_table,
    put_parquet,
)
from airflow_provider_arize.operators.file_jobs import (
    ArizeCreateFileImportJobOperator,
    ArizeDryRunFileImportJobOperator,
    ArizeUpdateFileImportJobSchemaOperator,
)
from airflow_provider_arize.operators.file_validation import ArizeValidateFilesOperator
from airflow_provider_arize.sensors.file_ingestion import ArizeFileIngestionSensor

MODEL = {"model_name": "ctr", "model_type": "score_categorical", "environment": "production"}
PREFIX = "ctr/production/prediction/"
DAY = date(2026, 3, 1)


def context() -> dict[str, Any]:
    return {"ti": FakeTaskInstance()}


@pytest.fixture
def arize_emulator(fake_s3: Any) -> Iterator[Any]:
    """The emulator reading the local S3, polling file jobs every 0.1 s."""
    from airflow_provider_arize.emulator.testing import EmulatorServer

    with EmulatorServer(s3=fake_s3.emulator_s3(), file_poll_interval_seconds=0.1) as server:
        yield server


@pytest.fixture
def bucket(fake_s3: Any, fake_s3_connection: Any, arize_emulator: Any, arize_conn_env: str) -> str:
    """A bucket set up for Arize (tag and policy) with one day of predictions."""
    name = f"ops-{uuid.uuid4().hex[:10]}"
    fake_s3.create_arize_bucket(name, arize_emulator.admin.ingestion_key(arize_emulator.space_id))
    fake_s3_connection("aws_default")
    put_parquet(fake_s3.client(), name, f"{PREFIX}{DAY}/part-0.parquet", predictions_table(DAY, 40))
    return name


def _create(bucket: str, **kwargs: Any) -> dict[str, Any]:
    op = ArizeCreateFileImportJobOperator(
        task_id="create", location=f"s3://{bucket}/{PREFIX}", schema=PREDICTIONS_SCHEMA, **MODEL, **kwargs
    )
    return op.execute(context())


def test_create_is_idempotent_and_publishes_the_job(bucket: str, arize_emulator: Any) -> None:
    ctx = context()
    op = ArizeCreateFileImportJobOperator(
        task_id="create", bucket_name=bucket, prefix=PREFIX, schema=PREDICTIONS_SCHEMA, **MODEL
    )
    first = op.execute(ctx)
    assert first["created"] is True and first["bucket_name"] == bucket and first["prefix"] == PREFIX
    assert ctx["ti"].xcom["arize_job_id"] == first["id"] and ctx["ti"].xcom["arize_job_url"]
    again = _create(bucket)
    assert again["created"] is False and again["id"] == first["id"]
    stats = arize_emulator.admin.stats()
    assert stats["mutations_committed"]["createFileImportJob"] == 1
    assert stats["requests"]["by_operation"]["DryRunFileImportJob"] == 1  # only before the first create


def test_dry_run_fails_with_arizes_message_when_the_bucket_is_not_tagged(
    fake_s3: Any, fake_s3_connection: Any, arize_emulator: Any, arize_conn_env: str
) -> None:
    name = f"ops-{uuid.uuid4().hex[:10]}"
    fake_s3.client().create_bucket(Bucket=name)
    op = ArizeDryRunFileImportJobOperator(
        task_id="dry", location=f"s3://{name}/{PREFIX}", schema=PREDICTIONS_SCHEMA, **MODEL
    )
    with pytest.raises(ArizeValidationError, match="arize-ingestion-key") as info:
        op.execute(context())
    assert "ACCESS_DENIED" in str(info.value)
    assert arize_emulator.admin.jobs() == []


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"location": "s3://b/p/", "bucket_name": "b"}, "location"),
        ({}, "location"),
        ({"location": "ftp://b/p/"}, "uri"),
        ({"bucket_name": "b/c"}, "bucketName"),
    ],
)
def test_bad_locations_fail_before_any_request(
    arize_conn_env: str, arize_emulator: Any, kwargs: dict[str, Any], field: str
) -> None:
    arize_emulator.admin.reset_stats()
    op = ArizeCreateFileImportJobOperator(task_id="c", schema=PREDICTIONS_SCHEMA, **MODEL, **kwargs)
    with pytest.raises(ArizeConfigError) as info:
        op.execute(context())
    assert info.value.field == field
    assert arize_emulator.admin.stats()["requests"]["total"] == 0


def test_update_schema(bucket: str, arize_emulator: Any) -> None:
    job = _create(bucket)
    op = ArizeUpdateFileImportJobSchemaOperator(
        task_id="u", job_id=job["job_id"], schema={**PREDICTIONS_SCHEMA, "tags": "tag_", "version": "v"}
    )
    op.execute(context())
    (stored,) = arize_emulator.admin.jobs()
    assert stored["schema"]["version"] == "v"


def test_ingestion_wait_pokes_until_arize_has_ingested_the_prefix(bucket: str) -> None:
    from airflow_provider_arize.links import ArizeJobLink

    job = _create(bucket)
    sensor = ArizeFileIngestionSensor(task_id="w", job_id=job["id"], poke_interval=0.2, timeout=30)
    ctx = context()
    result = sensor.execute(ctx)
    assert result == {"job_id": job["id"], "success": 1, "failed": 0, "pending": 0, "expected": 1}
    # the task links to the job it waited on, as the create task does
    assert ctx["ti"].xcom["arize_job_url"] == job["url"]
    assert ArizeJobLink().get_link(sensor, ti_key=ctx["ti"]) == job["url"]


def test_ingestion_wait_fails_naming_the_counts_when_arize_fails_a_file(
    bucket: str, fake_s3: Any, arize_emulator: Any
) -> None:
    job = _create(bucket)
    first = ArizeFileIngestionSensor(task_id="w", job_id=job["id"], poke_interval=0.2, timeout=30)
    before = first.execute(context())  # the good file is in
    put_parquet(  # a file without the prediction column
        fake_s3.client(),
        bucket,
        f"{PREFIX}{DAY}/part-1.parquet",
        predictions_table(DAY, 5).drop(["predicted_click"]),
    )
    sensor = ArizeFileIngestionSensor(  # the baseline from before the upload: the emulator may be fast
        task_id="w2", job_id=job["id"], poke_interval=0.2, timeout=30, failed_baseline=before["failed"]
    )
    with pytest.raises(ArizeRunFailedError, match=r"Arize failed 1 file\(s\)"):
        sensor.execute(context())


def test_deferrable_ingestion_wait_resumes_from_its_trigger(bucket: str) -> None:
    from airflow.sdk.exceptions import TaskDeferred

    job = _create(bucket)
    sensor = ArizeFileIngestionSensor(
        task_id="w", job_id=job["id"], poke_interval=0.2, timeout=30, deferrable=True, expected_total=2
    )
    with pytest.raises(TaskDeferred) as deferred:  # two files expected, one there: it defers
        sensor.execute(context())
    classpath, kwargs = deferred.value.trigger.serialize()
    assert json.loads(json.dumps(kwargs))["expected_seen"] == 2
    assert "password" not in json.dumps(kwargs) and "api_key" not in json.dumps(kwargs)
    kwargs = {**kwargs, "expected_seen": 1, "deadline": kwargs["deadline"]}  # as if the 2nd file never came

    module, _, name = classpath.rpartition(".")
    trigger = getattr(__import__(module, fromlist=[name]), name)(**kwargs)

    async def first_event() -> Any:
        async for event in trigger.run():
            return event.payload
        raise AssertionError("no event")

    event = asyncio.run(asyncio.wait_for(first_event(), 30))
    assert event["status"] == "success"
    # resumed in a fresh process (a new sensor object), with the deferral's kwargs as stored
    from airflow_provider_arize.links import ArizeJobLink

    resumed = ArizeFileIngestionSensor(task_id="w", job_id=job["id"], deferrable=True)
    ctx = context()
    resume_kwargs = json.loads(json.dumps(deferred.value.kwargs))
    assert getattr(resumed, deferred.value.method_name)(ctx, event, **resume_kwargs)["success"] == 1
    assert ArizeJobLink().get_link(resumed, ti_key=ctx["ti"]) == job["url"]


def test_validation_operator_skips_bad_files_keeps_good_ones(bucket: str, fake_s3: Any) -> None:
    put_parquet(fake_s3.client(), bucket, f"{PREFIX}{DAY}/broken.parquet", predictions_table(DAY, 3))
    fake_s3.client().put_object(Bucket=bucket, Key=f"{PREFIX}{DAY}/truncated.parquet", Body=b"PAR1\x00\x01")
    files = [
        {"key": f"{PREFIX}{DAY}/part-0.parquet"},
        f"{PREFIX}{DAY}/truncated.parquet",
        {"key": f"{PREFIX}{DAY}/broken.parquet"},
    ]
    op = ArizeValidateFilesOperator(
        task_id="v", bucket=bucket, files=files, schema={**PREDICTIONS_SCHEMA, "actualLabel": "clicked"},
        on_invalid="skip",
    )  # fmt: skip
    result = op.execute(context())
    assert result["valid"] == []  # none of them has the clicked column
    assert [i["key"] for i in result["invalid"]] == [f["key"] if isinstance(f, dict) else f for f in files]
    assert "clicked" in result["invalid"][0]["problems"]
    assert "truncated" in result["invalid"][1]["key"]

    strict = ArizeValidateFilesOperator(
        task_id="v2", bucket=bucket, files=files[:1], schema=PREDICTIONS_SCHEMA
    )
    assert [v["row_count"] for v in strict.execute(context())["valid"]] == [40]

    # a mixed batch: the good files are kept (with their row counts), only the bad one is skipped
    mixed = ArizeValidateFilesOperator(
        task_id="v3", bucket=bucket, files=files, schema=PREDICTIONS_SCHEMA, on_invalid="skip"
    )
    result = mixed.execute(context())
    assert [(v["key"], v["row_count"]) for v in result["valid"]] == [
        (f"{PREFIX}{DAY}/part-0.parquet", 40),
        (f"{PREFIX}{DAY}/broken.parquet", 3),
    ]
    assert [i["key"] for i in result["invalid"]] == [f"{PREFIX}{DAY}/truncated.parquet"]


def test_pause_resume_delete_find_a_file_jobs_kind_without_being_told(
    bucket: str, arize_emulator: Any
) -> None:
    from airflow_provider_arize.api.errors import ArizeNotFoundError
    from airflow_provider_arize.operators.job_control import (
        ArizeDeleteImportJobOperator,
        ArizePauseImportJobOperator,
        ArizeResumeImportJobOperator,
    )

    job = _create(bucket)
    for operator, status in (
        (ArizePauseImportJobOperator, "inactive"),
        (ArizeResumeImportJobOperator, "active"),
        (ArizeDeleteImportJobOperator, "deleted"),
    ):
        done = operator(task_id="change", job_id=job["id"]).execute(context())
        assert done["changed"] is True and done["job_status"] == status
    with pytest.raises(ArizeNotFoundError, match="no file import job with id 'RmlsZUltcG9ydEpvYjo5OTk='"):
        ArizePauseImportJobOperator(task_id="p", job_id="RmlsZUltcG9ydEpvYjo5OTk=").execute(context())
