"""Property: ``ArizeValidateFilesOperator`` given hostile arguments either checks the files (reporting
bad or missing ones in its result) or fails with ``ArizeConfigError`` naming the argument, and then it
has sent S3 nothing: a botocore ``before-send`` hook on every client ``S3Hook`` makes counts what went
over the wire to the local S3 (moto's server).

With ``on_invalid="fail"`` a bad file ends the task with ``FileValidationError`` (an ``ArizeConfigError``
naming ``files``) after every file was checked: that is the operator's job done, not a refusal of its
arguments. (A file whose listed size is over ``max_file_size`` is refused from its size, without a read.)
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from airflow_provider_arize.api.errors import ArizeConfigError
from airflow_provider_arize.files import FileValidationError
from airflow_provider_arize.local_services.sample_files import (
    PREDICTIONS_SCHEMA,
    predictions_table,
    put_parquet,
)
from airflow_provider_arize.operators.file_validation import ArizeValidateFilesOperator

from .s3_requests import SentToS3, counting_s3
from .strategies import json_values, odd_text, spoil

BUCKET = "props-validation"
KEY = "preds/2026-03-01/part-0.parquet"


@pytest.fixture(scope="module")
def s3(fake_s3: Any) -> Iterator[tuple[SentToS3, dict[str, Any]]]:
    """One bucket holding one valid Parquet file; the aws connection pointing at it; the request counter
    and the file's listing entry (``key``, ``size``, ``etag``), as the new-files sensor returns it."""
    client = fake_s3.client()
    client.create_bucket(Bucket=BUCKET)
    size = put_parquet(client, BUCKET, KEY, predictions_table(date(2026, 3, 1), 20))
    entry = {"key": KEY, "size": size, "etag": client.head_object(Bucket=BUCKET, Key=KEY)["ETag"]}
    with counting_s3(fake_s3) as sent:
        yield sent, entry


class FilesShape(str):
    """A valid ``files`` argument, named by its shape until the test has the file's listing entry."""

    def argument(self, entry: dict[str, Any]) -> Any:
        """The argument (``missing``: the file and a key with no object)."""
        return {
            "entry": [entry],
            "keys": [KEY],
            "json": json.dumps([entry]),
            "key": KEY,
            "missing": [KEY, "preds/2026-03-01/absent.parquet"],
        }[self]


FILES = st.sampled_from(["entry", "keys", "json", "key", "missing"]).map(FilesShape)


@st.composite
def arguments(draw: st.DrawFn) -> dict[str, Any]:
    """Valid arguments, or one or two of them replaced by hostile values."""
    kwargs: dict[str, Any] = {
        "bucket": BUCKET,
        "files": draw(FILES),
        "schema": PREDICTIONS_SCHEMA,
        "model_type": draw(st.sampled_from([None, "score_categorical", "binary_classification"])),
        "on_invalid": draw(st.sampled_from(["fail", "skip"])),
        "max_file_size": draw(st.none() | st.integers(1, 2**40)),
    }
    spoil(draw, kwargs, st.one_of(odd_text, json_values))
    return kwargs


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kwargs=arguments())
def test_validate_files(s3: tuple[SentToS3, dict[str, Any]], kwargs: dict[str, Any]) -> None:
    sent, entry = s3
    if isinstance(kwargs["files"], FilesShape):
        kwargs["files"] = kwargs["files"].argument(entry)
    op = ArizeValidateFilesOperator(task_id="validate", **kwargs)
    before = sent.count
    try:
        result = op.execute({})  # type: ignore[arg-type]
    except FileValidationError as exc:
        assert exc.field == "files" and "do not match the Arize schema" in str(exc)
        assert f"s3://{kwargs['bucket'].strip()}/" in str(exc)
        event("files invalid, task failed")
    except ArizeConfigError as exc:
        assert exc.field, f"no field on: {exc}"
        assert sent.count == before, f"refused after {sent.count - before} S3 request(s): {exc}"
        event("refused")
    else:
        checked = [*result["valid"], *result["invalid"]]
        if not checked:  # an empty list of files: nothing to read
            assert sent.count == before
        assert all(i["problems"] for i in result["invalid"])
        event("checked")
