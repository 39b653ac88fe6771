"""The bucket-access operator against moto's S3 over HTTP (the stock ``S3Hook``), run directly through
``execute`` with an empty context (it reads nothing from the context); the pure policy analysis is tested
in ``tests/s3/test_s3_access_policy.py``. moto answers GetBucketTagging on an untagged bucket with
``NoSuchTagSet`` and GetBucketPolicy without a policy with ``NoSuchBucketPolicy``, as S3 does."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

from airflow_provider_arize.api.errors import ArizeConfigError
from airflow_provider_arize.operators.s3_access import ArizeS3BucketAccessOperator
from airflow_provider_arize.s3.access import ArizeS3AccessError, importer_statement

ROLE = "arn:aws:iam::111122223333:role/arize-importer"
KEY = "ingest-key-123"


@pytest.fixture
def s3(fake_s3: Any, fake_s3_connection: Any) -> Any:
    fake_s3_connection("aws_default")
    return fake_s3.client()


@pytest.fixture
def bucket(s3: Any) -> str:
    name = f"access-{uuid.uuid4().hex[:10]}"
    s3.create_bucket(Bucket=name)
    return name


def set_up(s3: Any, bucket: str, statement: dict[str, Any] | None = None) -> None:
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "arize-ingestion-key", "Value": KEY}]})
    policy = {"Version": "2012-10-17", "Statement": [statement or importer_statement(bucket, ROLE)]}
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))


def op(bucket: str, **kwargs: Any) -> ArizeS3BucketAccessOperator:
    kwargs.setdefault("ingestion_key", KEY)
    return ArizeS3BucketAccessOperator(task_id="access", bucket=bucket, **kwargs)


def test_moto_raises_the_no_such_errors_the_operator_handles(s3: Any, bucket: str) -> None:
    for call, code in ((s3.get_bucket_tagging, "NoSuchTagSet"), (s3.get_bucket_policy, "NoSuchBucketPolicy")):
        with pytest.raises(ClientError) as info:
            call(Bucket=bucket)
        assert info.value.response["Error"]["Code"] == code


def test_a_bare_bucket_fails_naming_the_bucket_and_everything_missing(s3: Any, bucket: str) -> None:
    with pytest.raises(ArizeS3AccessError) as info:
        op(bucket).execute({})
    message = str(info.value)
    assert bucket in message
    assert "tag 'arize-ingestion-key' is missing" in message and "no bucket policy" in message
    assert isinstance(info.value, ArizeConfigError) and len(info.value.problems) == 2


def test_a_set_up_bucket_passes(s3: Any, bucket: str) -> None:
    set_up(s3, bucket)
    report = op(bucket).execute({})
    assert report == {
        "bucket": bucket,
        "tag_ok": True,
        "policy_ok": True,
        "broad_grants": [],
        "applied": [],
        "notes": [],
    }
    json.dumps(report)


def test_wrong_tag_value_fails_without_echoing_either_value(s3: Any, bucket: str) -> None:
    set_up(s3, bucket)
    with pytest.raises(ArizeS3AccessError, match="another value") as info:
        op(bucket, ingestion_key="other-key").execute({})
    assert KEY not in str(info.value) and "other-key" not in str(info.value)


def test_missing_action_fails_naming_it(s3: Any, bucket: str) -> None:
    statement = importer_statement(bucket, ROLE)
    statement["Action"] = ["s3:GetObject", "s3:ListBucket"]
    set_up(s3, bucket, statement)
    with pytest.raises(ArizeS3AccessError, match=rf"s3:GetBucketTagging on arn:aws:s3:::{bucket}\b"):
        op(bucket).execute({})


def test_broad_grants_warn_or_fail(s3: Any, bucket: str) -> None:
    statement = importer_statement(bucket, ROLE)
    statement["Action"] = "s3:*"
    set_up(s3, bucket, statement)
    report = op(bucket).execute({})
    assert report["policy_ok"] and [g["value"] for g in report["broad_grants"]] == ["s3:*"]
    with pytest.raises(ArizeS3AccessError, match=r"more than it needs.*s3:\*"):
        op(bucket, fail_on_broad_grants=True).execute({})


def test_apply_keeps_other_tags_and_statements_and_is_idempotent(s3: Any, bucket: str) -> None:
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "team", "Value": "ml"}]})
    logs = {
        "Sid": "Logs",
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::999999999999:root"},
        "Action": "s3:PutObject",
        "Resource": f"arn:aws:s3:::{bucket}/logs/*",
    }
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [logs]}))

    report = op(bucket, importer_role_arn=ROLE, apply=True).execute({})
    assert report["applied"] == ["tag", "policy"] and report["tag_ok"] and report["policy_ok"]
    tags = {t["Key"]: t["Value"] for t in s3.get_bucket_tagging(Bucket=bucket)["TagSet"]}
    assert tags == {"team": "ml", "arize-ingestion-key": KEY}
    statements = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])["Statement"]
    assert [s.get("Sid") for s in statements] == ["Logs", "ArizeImporterReadOnly"]

    again = op(bucket, importer_role_arn=ROLE, apply=True).execute({})
    assert again["applied"] == []
    assert json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])["Statement"] == statements


def test_apply_on_a_bare_bucket(s3: Any, bucket: str) -> None:
    report = op(bucket, importer_role_arn=ROLE, apply=True).execute({})
    assert report["applied"] == ["tag", "policy"]
    assert op(bucket, importer_role_arn=ROLE).execute({})["applied"] == []


def test_apply_needs_the_role_arn_before_any_request(s3: Any) -> None:
    with pytest.raises(ArizeConfigError) as info:
        op("never-created-bucket", apply=True).execute({})
    assert info.value.field == "importer_role_arn"


def test_a_missing_bucket_is_an_access_error(s3: Any) -> None:
    with pytest.raises(ArizeS3AccessError, match="NoSuchBucket"):
        op(f"missing-{uuid.uuid4().hex[:8]}").execute({})


def test_templated_fields() -> None:
    assert set(ArizeS3BucketAccessOperator.template_fields) == {
        "bucket",
        "ingestion_key",
        "importer_role_arn",
    }
