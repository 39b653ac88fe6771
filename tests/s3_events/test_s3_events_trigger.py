"""The SQS triggers an asset watcher runs, against moto's server: this package's ``ArizeS3EventsTrigger``
(rebuilt from its serialised kwargs, as the triggerer does) and the stock ``MessageQueueTrigger`` with
the Amazon provider's SQS support, each run through its ``run()`` until the first event. Counts only; no
time is asserted (waits for an event are bounded only so a broken build fails instead of hanging)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import pytest
from s3_events_wiring import Wired, in_queue, receive_all

from airflow_provider_arize.s3.event_messages import files_from_payloads
from airflow_provider_arize.triggers import s3_events
from airflow_provider_arize.triggers.s3_events import ArizeS3EventsTrigger

BOUND = 60  # seconds: only so that a broken build fails instead of hanging


class CountingTrigger(ArizeS3EventsTrigger):
    """The trigger, with a botocore ``before-call`` hook on the SQS client it opens (instrumentation only)."""

    calls: list[str]

    async def _events(self, client: Any) -> Any:
        self.calls = []
        client.meta.events.register("before-call", lambda model, **_: self.calls.append(model.name))
        async for event in super()._events(client):
            yield event


def rebuilt(trigger: ArizeS3EventsTrigger, cls: type[ArizeS3EventsTrigger] = ArizeS3EventsTrigger) -> Any:
    classpath, kwargs = trigger.serialize()
    assert classpath == "airflow_provider_arize.triggers.s3_events.ArizeS3EventsTrigger"
    return cls(**json.loads(json.dumps(kwargs)))


def test_fires_one_event_with_the_new_file_then_deletes_the_messages(wire: Callable[..., Wired]) -> None:
    w = wire("incoming/")  # the queue already holds S3's test event
    trigger = rebuilt(
        ArizeS3EventsTrigger(queue_url=w.queue_url, bucket=w.bucket, prefix="incoming/", wait_time_seconds=2),
        CountingTrigger,
    )

    async def scenario() -> tuple[dict[str, Any], int]:
        events = trigger.run()
        first = asyncio.ensure_future(anext(events))
        await asyncio.sleep(0.5)
        await asyncio.to_thread(w.s3.put_object, Bucket=w.bucket, Key="incoming/x y.csv", Body=b"12345")
        event = await asyncio.wait_for(first, BOUND)
        following = asyncio.ensure_future(anext(events))  # the triggerer pulls on at once: deletes
        for _ in range(BOUND * 10):
            if await asyncio.to_thread(in_queue, w) == 0:
                break
            await asyncio.sleep(0.1)
        left = await asyncio.to_thread(in_queue, w)
        following.cancel()
        with pytest.raises(asyncio.CancelledError):
            await following
        await events.aclose()
        return event.payload, left

    payload, left = asyncio.run(scenario())
    assert payload["status"] == "success" and payload["bucket"] == w.bucket
    assert [(f["key"], f["size"]) for f in payload["files"]] == [("incoming/x y.csv", 5)]
    assert payload["counts"]["files"] == 1
    assert left == 0  # the file's message and the test event are gone
    assert not [c for c in trigger.calls if c.startswith("ListObjects")]
    assert set(trigger.calls) == {"ReceiveMessage", "DeleteMessageBatch"}


def test_a_batch_of_only_the_test_event_fires_nothing_and_is_deleted(wire: Callable[..., Wired]) -> None:
    from airflow.providers.amazon.aws.hooks.sqs import SqsHook

    w = wire("incoming/")
    trigger = ArizeS3EventsTrigger(
        queue_url=w.queue_url, bucket=w.bucket, prefix="incoming/", wait_time_seconds=1
    )

    async def scenario() -> tuple[int, Any]:
        async with await SqsHook(aws_conn_id="aws_default").get_async_conn() as client:
            messages = await trigger.receive(client)
            event = trigger.new_files_event(messages)
            await trigger.delete(client, messages)
            return len(messages), event

    assert asyncio.run(scenario()) == (1, None)
    assert in_queue(w) == 0


def test_redelivered_messages_fire_no_second_event(wire: Callable[..., Wired]) -> None:
    from airflow.providers.amazon.aws.hooks.sqs import SqsHook

    w = wire("incoming/")
    receive_all(w.sqs, w.queue_url)  # the test event
    for key in ("incoming/a.csv", "incoming/b.csv"):
        w.s3.put_object(Bucket=w.bucket, Key=key, Body=b"x")
    # visibility_timeout=0: received messages stay visible, as if their deletion had been lost
    trigger = ArizeS3EventsTrigger(
        queue_url=w.queue_url, bucket=w.bucket, prefix="incoming/", wait_time_seconds=1, visibility_timeout=0
    )

    async def scenario() -> list[Any]:
        async with await SqsHook(aws_conn_id="aws_default").get_async_conn() as client:
            first = await trigger.receive(client)
            second = await trigger.receive(client)
            return [len(first), trigger.new_files_event(first), len(second), trigger.new_files_event(second)]

    n_first, event, n_second, again = asyncio.run(scenario())
    assert n_first >= 2 and n_second >= 2
    assert sorted(f["key"] for f in event.payload["files"]) == ["incoming/a.csv", "incoming/b.csv"]
    assert again is None


def test_failures_are_ridden_out_with_growing_backoff(
    fake_s3: Any,
    fake_s3_connection: Callable[[str], str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The trigger's backoff wait (``_backoff_sleep``, nothing else: the AWS client's own sleeps are left
    alone) is replaced by a recorder that stops the loop after three waits (so the test does not wait
    2 + 4 + 8 s); the failures themselves are real (a missing queue)."""
    fake_s3_connection("aws_default")
    waits: list[float] = []

    async def record(delay: float) -> None:
        waits.append(delay)
        if len(waits) >= 3:
            raise asyncio.CancelledError

    monkeypatch.setattr(s3_events, "_backoff_sleep", record)
    trigger = ArizeS3EventsTrigger(
        queue_url=f"{fake_s3.endpoint_url}/123456789012/no-such-queue",
        bucket="b",
        wait_time_seconds=1,
        max_backoff=5,
    )

    async def scenario() -> None:
        async for _ in trigger.run():
            pass

    with pytest.raises(asyncio.CancelledError):
        asyncio.run(scenario())
    assert waits == [2.0, 4.0, 5.0]
    logged = capsys.readouterr().out  # the trigger logs through Airflow's structlog, to stdout here
    assert logged.count("retrying in") == 3 and "NonExistentQueue" in logged
    assert fake_s3.secret_access_key not in logged


def test_stock_message_queue_trigger_runs_against_moto_and_its_payload_reads_as_files(
    wire: Callable[..., Wired],
) -> None:
    """The stock path: ``MessageQueueTrigger(scheme="sqs")`` dispatches to the Amazon provider's
    ``SqsSensorTrigger``, which deletes what it receives *before* firing, fires once per batch, S3's test
    event included, and carries the raw messages."""
    from airflow.providers.common.messaging.triggers.msg_queue import MessageQueueTrigger

    w = wire("incoming/")
    for key in ("incoming/a.csv", "incoming/b.csv"):
        w.s3.put_object(Bucket=w.bucket, Key=key, Body=b"abc")
    trigger = MessageQueueTrigger(
        scheme="sqs",
        sqs_queue=w.queue_url,
        aws_conn_id="aws_default",
        max_messages=10,
        wait_time_seconds=1,
        waiter_delay=1,
    )
    classpath, _ = trigger.serialize()
    assert classpath == "airflow.providers.amazon.aws.triggers.sqs.SqsSensorTrigger"

    async def first_event() -> dict[str, Any]:
        events = trigger.run()
        event = await asyncio.wait_for(anext(events), BOUND)
        await events.aclose()
        return dict(event.payload)

    payload = asyncio.run(first_event())
    assert payload["status"] == "success" and len(payload["message_batch"]) == 3
    assert in_queue(w) == 0  # deleted on reception, before the event left the trigger
    batch = files_from_payloads([payload], bucket=w.bucket)
    assert [f.key for f in batch.files] == ["incoming/a.csv", "incoming/b.csv"] and batch.test_events == 1
