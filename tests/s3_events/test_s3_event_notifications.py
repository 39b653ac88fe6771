"""S3 event notifications to SQS on moto's server: the bucket and queue set-up (idempotent, keeping
everything else), and the messages it produces read back as files: every uploaded key exactly once,
with its size and ETag, URL-encoded keys decoded, S3's test event ignored, and no listing at all."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from s3_events_wiring import Wired, count_calls, receive_all

from airflow_provider_arize.api.errors import ArizeConfigError
from airflow_provider_arize.s3.event_messages import files_from_messages
from airflow_provider_arize.s3.filters import KeyFilter
from airflow_provider_arize.s3.notifications import configure_bucket_notifications, policy_sid

KEYS = [
    "incoming/a.csv",
    "incoming/2026/03/01/b.parquet",
    "incoming/with space+plus & percent%.csv",
    "incoming/ünïcode/ü.avro",
]


def test_every_uploaded_key_is_read_back_once_with_size_and_etag_and_no_listing(
    wire: Callable[..., Wired],
) -> None:
    w = wire("incoming/")
    calls = count_calls(w.s3, w.sqs)
    etags = {}
    for i, key in enumerate(KEYS):
        etags[key] = w.s3.put_object(Bucket=w.bucket, Key=key, Body=b"x" * (i + 1))["ETag"].strip('"')
    w.s3.put_object(Bucket=w.bucket, Key="elsewhere/c.csv", Body=b"outside the prefix")
    w.s3.put_object(Bucket=w.bucket, Key="incoming/folder/", Body=b"")

    messages = receive_all(w.sqs, w.queue_url)
    batch = files_from_messages(messages, bucket=w.bucket)

    assert sorted(f.key for f in batch.files) == sorted(KEYS)
    assert {f.key: (f.size, f.etag) for f in batch.files} == {
        key: (i + 1, etags[key]) for i, key in enumerate(KEYS)
    }
    assert batch.test_events == 1  # sent by S3 when the configuration was written
    assert batch.ignored == 1  # the folder marker; the key outside the prefix sent no message at all
    assert batch.malformed == batch.duplicates == batch.superseded == 0
    assert not [c for c in calls if c.startswith("ListObjects")]
    assert set(calls) == {"PutObject", "ReceiveMessage", "DeleteMessageBatch"}


def test_url_encoded_keys_arrive_encoded_and_are_decoded(wire: Callable[..., Wired]) -> None:
    w = wire("incoming/")
    key = "incoming/with space+plus & percent%.csv"
    w.s3.put_object(Bucket=w.bucket, Key=key, Body=b"x")
    messages = receive_all(w.sqs, w.queue_url)
    raw = [r["s3"]["object"]["key"] for m in messages for r in json.loads(m["Body"]).get("Records", [])]
    assert len(raw) == 1 and " " not in raw[0] and "with+space%2Bplus+%26+percent%25.csv" in raw[0]
    assert [f.key for f in files_from_messages(messages, bucket=w.bucket).files] == [key]


def test_redelivered_messages_give_each_file_once(wire: Callable[..., Wired]) -> None:
    """At-least-once delivery for real: messages received and not deleted come back once visible again."""
    w = wire("incoming/")
    for key in KEYS[:2]:
        w.s3.put_object(Bucket=w.bucket, Key=key, Body=b"x")
    first = receive_all(w.sqs, w.queue_url, delete=False)
    for m in first:
        w.sqs.change_message_visibility(
            QueueUrl=w.queue_url, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=0
        )
    again = receive_all(w.sqs, w.queue_url)
    assert {m["MessageId"] for m in again} == {m["MessageId"] for m in first}

    batch = files_from_messages(first + again, bucket=w.bucket)
    assert sorted(f.key for f in batch.files) == sorted(KEYS[:2])
    assert batch.duplicates == 2 and batch.test_events == 2


def test_suffix_filter_and_key_filter(wire: Callable[..., Wired]) -> None:
    w = wire("incoming/", suffix=".csv")
    for key in ["incoming/a.csv", "incoming/b.parquet", "incoming/2026/c.csv"]:
        w.s3.put_object(Bucket=w.bucket, Key=key, Body=b"x")
    messages = receive_all(w.sqs, w.queue_url)
    assert sorted(f.key for f in files_from_messages(messages, bucket=w.bucket).files) == [
        "incoming/2026/c.csv",
        "incoming/a.csv",
    ]
    narrowed = files_from_messages(
        messages, bucket=w.bucket, key_filter=KeyFilter.of(w.bucket, "incoming/2026/")
    )
    assert [f.key for f in narrowed.files] == ["incoming/2026/c.csv"] and narrowed.ignored == 1


def test_setup_is_idempotent_and_keeps_other_configurations_and_statements(
    wire: Callable[..., Wired], fake_s3: Any
) -> None:
    w = wire("incoming/")
    assert w.setup.policy_written and w.setup.configuration_written
    other_queue = w.sqs.create_queue(QueueName=f"{w.bucket}-archive")["QueueUrl"]
    other_arn = w.sqs.get_queue_attributes(QueueUrl=other_queue, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    current = w.s3.get_bucket_notification_configuration(Bucket=w.bucket)
    current.pop("ResponseMetadata")
    current["QueueConfigurations"].append(
        {
            "Id": "archive",
            "QueueArn": other_arn,
            "Events": ["s3:ObjectCreated:*"],
            "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "archive/"}]}},
        }
    )
    w.s3.put_bucket_notification_configuration(Bucket=w.bucket, NotificationConfiguration=current)
    policy = json.loads(
        w.sqs.get_queue_attributes(QueueUrl=w.queue_url, AttributeNames=["Policy"])["Attributes"]["Policy"]
    )
    policy["Statement"].append(
        {
            "Sid": "someone-else",
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": "sqs:GetQueueUrl",
            "Resource": w.setup.queue_arn,
        }
    )
    w.sqs.set_queue_attributes(QueueUrl=w.queue_url, Attributes={"Policy": json.dumps(policy)})
    receive_all(w.sqs, w.queue_url)

    calls = count_calls(w.s3, w.sqs)
    again = configure_bucket_notifications(
        w.s3, w.sqs, bucket=w.bucket, queue_url=w.queue_url, prefix="incoming/"
    )
    assert not again.policy_written and not again.configuration_written
    assert "PutBucketNotificationConfiguration" not in calls and "SetQueueAttributes" not in calls
    assert receive_all(w.sqs, w.queue_url) == []  # nothing written: no new test event

    moved = configure_bucket_notifications(
        w.s3, w.sqs, bucket=w.bucket, queue_url=w.queue_url, prefix="incoming/v2/"
    )
    assert moved.configuration_written and not moved.policy_written
    config = w.s3.get_bucket_notification_configuration(Bucket=w.bucket)
    prefixes = {c["Id"]: c["Filter"]["Key"]["FilterRules"][0]["Value"] for c in config["QueueConfigurations"]}
    assert prefixes == {"arize-new-files": "incoming/v2/", "archive": "archive/"}
    policy = json.loads(
        w.sqs.get_queue_attributes(QueueUrl=w.queue_url, AttributeNames=["Policy"])["Attributes"]["Policy"]
    )
    statements = {s["Sid"]: s for s in policy["Statement"]}
    assert set(statements) == {policy_sid(w.bucket), "someone-else"}
    mine = statements[policy_sid(w.bucket)]
    assert mine["Principal"] == {"Service": "s3.amazonaws.com"} and mine["Action"] == "sqs:SendMessage"
    assert mine["Condition"]["ArnLike"]["aws:SourceArn"] == f"arn:aws:s3:::{w.bucket}"


def test_overlapping_configuration_is_refused_before_any_write(wire: Callable[..., Wired]) -> None:
    w = wire("incoming/")
    second_queue = w.sqs.create_queue(QueueName=f"{w.bucket}-second")["QueueUrl"]
    calls = count_calls(w.s3, w.sqs)
    with pytest.raises(ArizeConfigError, match=r"overlapping keys.*Queue configuration arize-new-files"):
        configure_bucket_notifications(
            w.s3,
            w.sqs,
            bucket=w.bucket,
            queue_url=second_queue,
            prefix="incoming/2026/",
            configuration_id="second",
        )
    assert [c for c in calls if c.startswith(("Put", "Set"))] == []


def test_fifo_queue_is_refused(wire: Callable[..., Wired]) -> None:
    w = wire("incoming/")
    fifo = w.sqs.create_queue(QueueName=f"{w.bucket}.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    with pytest.raises(ArizeConfigError, match="FIFO"):
        configure_bucket_notifications(
            w.s3, w.sqs, bucket=w.bucket, queue_url=fifo, prefix="x/", configuration_id="f"
        )
