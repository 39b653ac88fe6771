"""Bucket names and object keys are checked where a user passes them, with an error naming the argument,
instead of failing later inside the AWS SDK (``ParamValidationError``) or at Arize."""

from __future__ import annotations

import pytest

from airflow_provider_arize.api.errors import ArizeConfigError
from airflow_provider_arize.api.models import FileLocation
from airflow_provider_arize.api.models.storage_names import bucket_name, object_key
from airflow_provider_arize.s3.filters import KeyFilter


@pytest.mark.parametrize("name", ["ml-inferences", "my.bucket.v2", "Legacy_Bucket", "abc"])
def test_bucket_names_the_sdk_accepts_are_kept(name: str) -> None:
    assert bucket_name(f" {name}\n") == name


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        ("s3://ml-inferences", "no s3://"),
        ("ml-inferences/preds", "no slash"),
        ("my bucket", "letters, digits"),
        ("bücket", "letters, digits"),
        ("", "letters, digits"),
        (None, "got None"),
        ("x" * 256, "letters, digits"),
    ],
)
def test_bad_bucket_names_are_refused_naming_the_argument(value: object, hint: str) -> None:
    with pytest.raises(ArizeConfigError, match="bucket") as caught:
        bucket_name(value)
    assert caught.value.field == "bucket" and hint in str(caught.value)


def test_each_caller_names_its_own_argument() -> None:
    with pytest.raises(ArizeConfigError) as location:
        FileLocation.from_uri("s3://my bucket/preds/")
    assert location.value.field == "bucketName"
    with pytest.raises(ArizeConfigError) as sensor:
        KeyFilter.of("s3://ml-inferences", "preds/")
    assert sensor.value.field == "bucket" and "no s3://" in str(sensor.value)


def test_object_keys() -> None:
    assert object_key(" leading space is part of the key") == " leading space is part of the key"
    assert object_key("é" * 512) == "é" * 512  # 1,024 UTF-8 bytes: S3's limit exactly
    with pytest.raises(ArizeConfigError, match="1026 bytes long") as long:
        object_key("é" * 513, field="files")
    assert long.value.field == "files"
    for bad in ("", "  ", None, 7, "\ud800"):
        with pytest.raises(ArizeConfigError) as caught:
            object_key(bad, field="files")
        assert caught.value.field == "files"
