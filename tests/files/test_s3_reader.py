"""S3RangeReader against moto's S3 server: ranged GETs, counted requests and bytes, read failures."""

from __future__ import annotations

from typing import Any

import pytest

from airflow_provider_arize.files import FileReadError, S3RangeReader, validate_file

from .builders import SCHEMA, avro_bytes, csv_bytes, good_table, parquet_bytes


@pytest.fixture
def s3(fake_s3: Any) -> Any:
    return fake_s3.client()


def _bucket(s3: Any, name: str) -> str:
    s3.create_bucket(Bucket=name)
    return name


def test_ranged_reads_are_counted(s3: Any) -> None:
    bucket = _bucket(s3, "files-range-reads")
    s3.put_object(Bucket=bucket, Key="a/data.bin", Body=bytes(range(256)) * 4)
    reader = S3RangeReader(s3, bucket, "a/data.bin")
    assert (reader.name, reader.url) == ("a/data.bin", "s3://files-range-reads/a/data.bin")
    assert (reader.requests, reader.bytes_read) == (0, 0)
    assert reader.size == 1024 and reader.requests == 1 and reader.etag  # HeadObject, once
    assert reader.read(10, 5) == bytes(range(10, 15))
    assert reader.read(1020, 100) == bytes(range(252, 256))  # clamped at the end
    assert reader.read(1024, 10) == b""  # past the end: no request
    assert (reader.requests, reader.bytes_read) == (3, 9)


def test_given_size_skips_head_and_parquet_costs_two_gets(s3: Any) -> None:
    bucket = _bucket(s3, "files-parquet-two-gets")
    data = parquet_bytes(good_table(5000), row_group_size=1000)
    s3.put_object(Bucket=bucket, Key="preds/p.parquet", Body=data)
    listed = s3.list_objects_v2(Bucket=bucket)["Contents"][0]
    reader = S3RangeReader(s3, bucket, listed["Key"], size=listed["Size"], etag=listed["ETag"])
    report = validate_file(reader, SCHEMA)
    assert report.ok, report.describe()
    assert report.key == "preds/p.parquet"
    assert (report.requests, report.row_count, report.etag) == (2, 5000, listed["ETag"])
    assert report.bytes_read < 8 * 1024 < len(data)


def test_every_format_over_s3(s3: Any) -> None:
    bucket = _bucket(s3, "files-every-format")
    for key, body in {"x.csv": csv_bytes(good_table(30)), "x.avro": avro_bytes(good_table(30))}.items():
        s3.put_object(Bucket=bucket, Key=key, Body=body)
        report = validate_file(S3RangeReader(s3, bucket, key), SCHEMA)
        assert report.ok, report.describe()
        assert report.requests == 2  # HeadObject + one sample / header read


def test_missing_object_is_a_read_problem(s3: Any) -> None:
    bucket = _bucket(s3, "files-missing-object")
    report = validate_file(S3RangeReader(s3, bucket, "nope.parquet"), SCHEMA)
    assert report.unreadable and [p.role for p in report.problems] == ["read"]
    assert report.describe().startswith("nope.parquet: cannot read s3://files-missing-object/nope.parquet")
    assert "404" in report.problems[0].reason or "Not Found" in report.problems[0].reason


def test_a_rewrite_during_reading_fails_instead_of_mixing_versions(s3: Any) -> None:
    bucket = _bucket(s3, "files-etag-guard")
    s3.put_object(Bucket=bucket, Key="p.parquet", Body=parquet_bytes(good_table(10)))
    reader = S3RangeReader(s3, bucket, "p.parquet")
    assert reader.size and reader.etag
    s3.put_object(Bucket=bucket, Key="p.parquet", Body=parquet_bytes(good_table(20)))
    with pytest.raises(FileReadError, match="changed while it was being read"):
        reader.read(0, 4)
