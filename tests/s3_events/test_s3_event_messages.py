"""Reading S3 event notifications as files, on message bodies shaped as S3 documents them (no service
needed): decoding, filtering, test events, malformed input, duplicates and overwritten keys, SNS's
envelope, and the trigger payloads of a DAG run's asset events."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from airflow_provider_arize.s3.event_messages import (
    MalformedMessage,
    files_from_messages,
    files_from_payloads,
    parse_body,
)
from airflow_provider_arize.s3.filters import KeyFilter

BUCKET = "inferences"


def record(
    key: str,
    *,
    size: int = 10,
    etag: str = "abc",
    time: str = "2026-03-01T10:00:00.000Z",
    event: str = "ObjectCreated:Put",
    bucket: str = BUCKET,
    sequencer: str | None = None,
) -> dict[str, Any]:
    obj: dict[str, Any] = {"key": key, "size": size, "eTag": etag}
    if sequencer is not None:
        obj["sequencer"] = sequencer
    return {
        "eventVersion": "2.1",
        "eventSource": "aws:s3",
        "eventTime": time,
        "eventName": event,
        "s3": {"bucket": {"name": bucket, "arn": f"arn:aws:s3:::{bucket}"}, "object": obj},
    }


def message(*records: dict[str, Any], message_id: str = "m") -> dict[str, Any]:
    return {"MessageId": message_id, "ReceiptHandle": "r", "Body": json.dumps({"Records": list(records)})}


TEST_EVENT = {
    "MessageId": "t",
    "Body": json.dumps({"Service": "Amazon S3", "Event": "s3:TestEvent", "Bucket": BUCKET}),
}


def test_keys_are_url_decoded_and_etags_unquoted() -> None:
    batch = files_from_messages(
        [message(record("data/my+file%2B1%26%C3%BC.csv", etag='"q"'), record("data%2Fb.csv"))], bucket=BUCKET
    )
    assert sorted((f.key, f.etag) for f in batch.files) == [
        ("data/b.csv", "abc"),
        ("data/my file+1&ü.csv", "q"),
    ]


def test_description_matches_the_listing_sensor() -> None:
    (described,) = files_from_messages(
        [message(record("a.csv", size=2_000_000_000))], bucket=BUCKET
    ).describe(1_000_000_000)
    assert described == {
        "key": "a.csv",
        "size": 2_000_000_000,
        "etag": "abc",
        "last_modified": "2026-03-01T10:00:00Z",
        "oversized": True,
    }


def test_test_events_other_events_buckets_and_keys_are_counted_not_reported(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    batch = files_from_messages(
        [
            TEST_EVENT,
            message(
                record("in/a.csv"),
                record("in/gone.csv", event="ObjectRemoved:Delete"),
                record("in/b.csv", bucket="another"),
                record("out/c.csv"),
                record("in/folder/", size=0),
            ),
        ],
        bucket=BUCKET,
        key_filter=KeyFilter.of(BUCKET, "in/"),
    )
    assert [f.key for f in batch.files] == ["in/a.csv"]
    assert (batch.messages, batch.test_events, batch.ignored, batch.malformed) == (2, 1, 4, 0)
    assert "test event" in caplog.text


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("not json", "not JSON"),
        ("[1, 2]", "not a JSON object"),
        ('{"hello": "world"}', "no Records"),
        (json.dumps({"Records": [{"eventName": "ObjectCreated:Put", "s3": {}}]}), "lacks 'object'"),
        (json.dumps({"Records": [record("a.csv", size=-1)]}), "not a byte count"),
        (json.dumps({"Records": [record("a.csv", time="yesterday")]}), "not a timestamp"),
    ],
)
def test_malformed_bodies_raise_a_clear_reason(body: str, reason: str) -> None:
    with pytest.raises(MalformedMessage, match=reason):
        parse_body(body)


def test_malformed_messages_are_logged_by_id_without_their_body(caplog: pytest.LogCaptureFixture) -> None:
    secret_looking = "not json but would be logged: AKIA-LIKE-TEXT"
    batch = files_from_messages(
        [{"MessageId": "bad-1", "Body": secret_looking}, {"MessageId": "bad-2"}, message(record("a.csv"))],
        bucket=BUCKET,
    )
    assert [f.key for f in batch.files] == ["a.csv"]
    assert batch.malformed == 2 and batch.malformed_ids == ("bad-1", "bad-2")
    assert "bad-1" in caplog.text and "bad-2" in caplog.text and "AKIA" not in caplog.text


def test_one_bad_record_does_not_hide_the_others() -> None:
    bad = record("b.csv")
    del bad["s3"]["object"]["size"]
    batch = files_from_messages([message(record("a.csv"), bad)], bucket=BUCKET)
    assert [f.key for f in batch.files] == ["a.csv"] and batch.malformed == 1


def test_duplicates_count_once_per_key_and_etag() -> None:
    batch = files_from_messages(
        [
            message(record("a.csv"), message_id="1"),
            message(record("a.csv"), message_id="2"),
            message(record("b.csv")),
        ],
        bucket=BUCKET,
    )
    assert [f.key for f in batch.files] == ["a.csv", "b.csv"] and batch.duplicates == 1


def test_an_overwritten_key_keeps_its_newest_version_by_sequencer() -> None:
    # arrival order and event time disagree with S3's sequencer: the sequencer wins; lengths differ, so
    # the shorter is right-padded with zeros ("0A" -> "0A00" < "0A01")
    older = record("a.csv", etag="old", time="2026-03-01T10:00:05Z", sequencer="0A")
    newer = record("a.csv", etag="new", time="2026-03-01T10:00:00Z", sequencer="0A01")
    batch = files_from_messages([message(newer), message(older)], bucket=BUCKET)
    assert [(f.key, f.etag) for f in batch.files] == [("a.csv", "new")] and batch.superseded == 1


def test_without_sequencer_the_later_event_time_then_arrival_wins() -> None:
    first = record("a.csv", etag="1", time="2026-03-01T10:00:00Z")
    second = record("a.csv", etag="2", time="2026-03-01T10:00:00Z")
    later = record("b.csv", etag="3", time="2026-03-01T10:00:09Z")
    earlier = record("b.csv", etag="4", time="2026-03-01T10:00:01Z")
    batch = files_from_messages([message(first, later), message(second, earlier)], bucket=BUCKET)
    assert sorted((f.key, f.etag) for f in batch.files) == [("a.csv", "2"), ("b.csv", "3")]


def test_files_are_sorted_as_the_listing_sensor_sorts_them() -> None:
    batch = files_from_messages(
        [
            message(
                record("z.csv", time="2026-03-01T09:00:00Z"),
                record("a.csv", time="2026-03-01T11:00:00Z"),
                record("m.csv", time="2026-03-01T09:00:00Z"),
            )
        ],
        bucket=BUCKET,
    )
    assert [f.key for f in batch.files] == ["m.csv", "z.csv", "a.csv"]


def test_sns_envelope_is_unwrapped() -> None:
    inner = json.dumps({"Records": [record("a.csv")]})
    body = json.dumps({"Type": "Notification", "TopicArn": "arn:aws:sns:us-east-1:1:t", "Message": inner})
    assert [f.key for f in files_from_messages([{"MessageId": "s", "Body": body}], bucket=BUCKET).files] == [
        "a.csv"
    ]
    test_in_sns = json.dumps({"Type": "Notification", "Message": TEST_EVENT["Body"]})
    assert parse_body(test_in_sns).test_event


def test_payloads_of_both_triggers_merge_into_one_list() -> None:
    ours = {
        "status": "success",
        "bucket": BUCKET,
        "prefix": "",
        "files": [
            {
                "key": "a.csv",
                "size": 1,
                "etag": "e1",
                "last_modified": "2026-03-01T10:00:00Z",
                "oversized": False,
            },
            {
                "key": "b.csv",
                "size": 1,
                "etag": "old",
                "last_modified": "2026-03-01T10:00:00Z",
                "oversized": False,
            },
        ],
    }
    again = {**ours, "files": [ours["files"][0]]}  # a redelivered message in a later event
    newer_b = {
        **ours,
        "files": [{**ours["files"][1], "etag": "new", "last_modified": "2026-03-01T10:05:00Z"}],
    }
    stock = {
        "status": "success",
        "message_batch": [TEST_EVENT, message(record("c.csv", time="2026-03-01T10:01:00Z"))],
    }
    other_bucket = {**ours, "bucket": "elsewhere"}
    batch = files_from_payloads([ours, again, newer_b, stock, other_bucket, "junk"], bucket=BUCKET)
    assert [(f.key, f.etag) for f in batch.files] == [("a.csv", "e1"), ("c.csv", "abc"), ("b.csv", "new")]
    assert (batch.duplicates, batch.superseded, batch.test_events, batch.ignored, batch.malformed) == (
        1,
        1,
        1,
        1,
        1,
    )
