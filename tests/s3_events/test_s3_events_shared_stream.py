"""``ArizeS3EventsTrigger`` as a subscriber of an acknowledged shared stream (Airflow 3.3 and later),
against moto's SQS server, with Airflow's own ``SharedStreamManager`` driven as the triggerer drives it
(``run_trigger``: subscribe, ``filter_shared_stream``, ``bind_pending_event`` for each event fired; its
state sync: ``confirm_persisted`` with the seqs of the events it stored).

Simulated, and why: the metadata database write of each asset event is the test's ``persist()`` call
(the triggerer's supervisor stores the event, then reports its seq back on the next state sync: that
report is all the manager sees); a triggerer restart is stopping every subscriber and the manager, then
starting a fresh manager and fresh trigger instances; the watched asset's state store (reached through
the triggerer's supervisor and the API server, which these tests do not run) is a dict with the same
``aget``/``aset`` calls. SQS, the S3 notifications and the manager are real. Counts only; waits are
bounded so that a broken build fails instead of hanging.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import pytest
from s3_events_wiring import Wired, in_queue, receive_all

from airflow_provider_arize import compat
from airflow_provider_arize.triggers.s3_events import STORED_FILES_KEY, ArizeS3EventsTrigger

pytestmark = pytest.mark.skipif(
    not compat.has_acknowledged_shared_streams(), reason="Airflow before 3.3: no acknowledged shared streams"
)

BOUND = 60  # seconds: only so that a broken build fails instead of hanging


class MemoryAssetStore:
    """Stand-in for a watched asset's state store (``trigger.asset_state_store``): JSON values by key."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    async def aget(self, key: str, default: Any = None) -> Any:
        return json.loads(self.values[key]) if key in self.values else default

    async def aset(self, key: str, value: Any) -> None:
        self.values[key] = json.dumps(value)


class Triggerer:
    """The parts of the triggerer a shared-stream watcher meets (see the module docstring)."""

    def __init__(self) -> None:
        from airflow.triggers.shared_stream import SharedStreamManager

        self.manager = SharedStreamManager()
        self.tasks: list[asyncio.Task[None]] = []
        self.pending: list[tuple[int, int | None]] = []  # (trigger id, seq) fired, not yet stored
        self.fired: dict[int, list[dict[str, Any]]] = {}  # payloads by trigger id

    def start(self, trigger_id: int, trigger: ArizeS3EventsTrigger) -> None:
        trigger = ArizeS3EventsTrigger(**json.loads(json.dumps(trigger.serialize()[1])))  # as rebuilt
        key = trigger.shared_stream_key()
        assert key is not None
        self.fired[trigger_id] = []
        self.tasks.append(asyncio.create_task(self._run(trigger_id, trigger, key)))

    def start_with_store(self, trigger_id: int, trigger: ArizeS3EventsTrigger, store: Any) -> None:
        original = ArizeS3EventsTrigger.__init__

        def init(this: ArizeS3EventsTrigger, **kwargs: Any) -> None:
            original(this, **kwargs)
            this.asset_state_store = store  # injected by the triggerer for an asset's watcher

        ArizeS3EventsTrigger.__init__ = init  # type: ignore[method-assign]
        try:
            self.start(trigger_id, trigger)
        finally:
            ArizeS3EventsTrigger.__init__ = original  # type: ignore[method-assign]

    async def _run(self, trigger_id: int, trigger: ArizeS3EventsTrigger, key: Any) -> None:
        stream = self.manager.subscribe(trigger_id=trigger_id, trigger=trigger, key=key)
        try:
            async for event in trigger.filter_shared_stream(stream):
                seq = self.manager.bind_pending_event(trigger_id=trigger_id, key=key)
                self.pending.append((trigger_id, seq))
                self.fired[trigger_id].append(event.payload)
        finally:
            await self.manager.unsubscribe(trigger_id, key)

    def persist(self) -> None:
        """The events fired so far are stored; their seqs reach the manager (the next state sync)."""
        seqs = [seq for _, seq in self.pending if seq is not None]
        assert len(seqs) == len(self.pending)  # every event was bound to the batch it came from
        self.pending.clear()
        self.manager.confirm_persisted(seqs)

    async def store_all(self, w: Wired) -> None:
        """Store the events fired so far, then wait until the queue is empty (every message deleted)."""
        self.persist()
        await until(lambda: in_queue(w) == 0, "the messages deleted once their events are stored")

    def keys(self, trigger_id: int) -> list[str]:
        return sorted(f["key"] for payload in self.fired[trigger_id] for f in payload["files"])

    async def stop(self) -> None:
        """Every watcher stopped, then the manager: a triggerer shutting down (or dying)."""
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        await self.manager.stop_all()


async def until(condition: Callable[[], Any], what: str) -> None:
    for _ in range(BOUND * 10):
        if await asyncio.to_thread(condition):
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"not within {BOUND} s: {what}")


def watcher(w: Wired, prefix: str, **kwargs: Any) -> ArizeS3EventsTrigger:
    return ArizeS3EventsTrigger(
        queue_url=w.queue_url, bucket=w.bucket, prefix=prefix, wait_time_seconds=1, **kwargs
    )


def test_the_key_is_the_queue_and_connection_only(monkeypatch: pytest.MonkeyPatch) -> None:
    url = "https://sqs.eu-west-1.amazonaws.com/123456789012/events"
    a = ArizeS3EventsTrigger(queue_url=url, bucket="b", prefix="a/", max_messages=5)
    b = ArizeS3EventsTrigger(queue_url=url, bucket="c", prefix="b/", suffixes=[".csv"])
    other = ArizeS3EventsTrigger(queue_url=url + "-2", bucket="b", prefix="a/")
    assert a.shared_stream_key() == b.shared_stream_key() == ("arize-s3-events-sqs", url, "aws_default", "")
    assert other.shared_stream_key() != a.shared_stream_key()
    monkeypatch.setattr(compat, "has_acknowledged_shared_streams", lambda: False)
    assert a.shared_stream_key() is None  # Airflow 3.1 and 3.2: the trigger's own run()


def test_two_watchers_of_one_queue_share_one_consumer_and_get_only_their_files(
    wire: Callable[..., Wired], monkeypatch: pytest.MonkeyPatch
) -> None:
    from airflow_provider_arize.triggers import s3_events_shared  # Airflow 3.3 and later only

    w = wire("")  # the whole bucket's events go to the queue (S3's test event too)
    producers: list[Any] = []

    class Counted(s3_events_shared.SqsBatchProducer):
        def __init__(self, kwargs: dict[str, Any]) -> None:
            super().__init__(kwargs)
            producers.append(self)

    monkeypatch.setattr(s3_events_shared, "SqsBatchProducer", Counted)

    async def scenario() -> Triggerer:
        triggerer = Triggerer()
        triggerer.start(1, watcher(w, "a/"))
        triggerer.start(2, watcher(w, "b/"))
        await asyncio.sleep(0.5)
        for key in ("a/1.csv", "b/1.csv", "c/1.csv", "a/2.csv"):
            await asyncio.to_thread(w.s3.put_object, Bucket=w.bucket, Key=key, Body=b"x")
        await until(
            lambda: triggerer.keys(1) == ["a/1.csv", "a/2.csv"] and triggerer.keys(2) == ["b/1.csv"],
            "each watcher's files",
        )
        assert in_queue(w) > 0  # nothing deleted before the events are stored
        await triggerer.store_all(w)
        await triggerer.stop()
        return triggerer

    triggerer = asyncio.run(scenario())
    assert len(producers) == 1  # one consumer for both watchers
    assert triggerer.keys(1) == ["a/1.csv", "a/2.csv"] and triggerer.keys(2) == ["b/1.csv"]
    assert all(p["prefix"] == "a/" for p in triggerer.fired[1])
    assert all(p["prefix"] == "b/" for p in triggerer.fired[2])


def test_a_watcher_whose_receive_settings_the_shared_consumer_does_not_use_says_so_once(
    wire: Callable[..., Wired], capsys: pytest.CaptureFixture[str]
) -> None:
    """One consumer per queue, with the first watcher's settings: the second watcher, set differently, is
    told which of its settings are not used (and the first, whose they are, says nothing)."""
    w = wire("")

    async def scenario() -> Triggerer:
        triggerer = Triggerer()
        triggerer.start(1, watcher(w, "a/"))
        await asyncio.sleep(0.5)  # the first watcher starts the consumer
        triggerer.start(2, watcher(w, "b/", max_messages=5, visibility_timeout=30))
        await asyncio.sleep(0.5)
        for key in ("a/1.csv", "b/1.csv", "b/2.csv"):
            await asyncio.to_thread(w.s3.put_object, Bucket=w.bucket, Key=key, Body=b"x")
        await until(lambda: triggerer.keys(2) == ["b/1.csv", "b/2.csv"], "the second watcher's files")
        await triggerer.store_all(w)
        await triggerer.stop()
        return triggerer

    triggerer = asyncio.run(scenario())
    assert triggerer.keys(1) == ["a/1.csv"]  # the events themselves are unaffected
    logged = capsys.readouterr().out  # the trigger logs through Airflow's structlog, to stdout here
    told = [line for line in logged.splitlines() if "receives with" in line]
    assert len(told) == 1, told
    assert f"s3://{w.bucket}/b/" in told[0]
    assert (
        "max_messages=100, visibility_timeout=None, not this watcher's max_messages=5, visibility_timeout=30"
        in told[0]
    )


def test_a_message_is_deleted_only_once_its_event_is_stored_and_comes_back_after_a_restart_otherwise(
    wire: Callable[..., Wired],
) -> None:
    w = wire("incoming/")
    receive_all(w.sqs, w.queue_url)  # S3's test event
    store = MemoryAssetStore()
    trigger = watcher(w, "incoming/", visibility_timeout=2)

    async def scenario() -> tuple[Triggerer, Triggerer]:
        first = Triggerer()
        first.start_with_store(1, trigger, store)
        await asyncio.sleep(0.5)
        await asyncio.to_thread(w.s3.put_object, Bucket=w.bucket, Key="incoming/a.csv", Body=b"x")
        await until(lambda: first.keys(1) == ["incoming/a.csv"], "the event")
        await asyncio.sleep(1.5)  # a sync round or so: still no confirmation
        assert await asyncio.to_thread(in_queue, w) == 1
        await first.store_all(w)

        await asyncio.to_thread(w.s3.put_object, Bucket=w.bucket, Key="incoming/b.csv", Body=b"x")
        await until(lambda: first.keys(1) == ["incoming/a.csv", "incoming/b.csv"], "the second event")
        await first.stop()  # the triggerer dies before the event is stored: no confirmation ever
        assert await asyncio.to_thread(in_queue, w) == 1  # not deleted

        second = Triggerer()  # restarted: a new manager, a new trigger instance, the same asset
        second.start_with_store(1, trigger, store)
        await until(lambda: second.keys(1) == ["incoming/b.csv"], "the message delivered again")
        await second.store_all(w)
        await second.stop()
        return first, second

    first, second = asyncio.run(scenario())
    assert len(first.fired[1]) == 2 and len(second.fired[1]) == 1  # b.csv fires again: never stored
    assert len(json.loads(store.values[STORED_FILES_KEY])) == 2  # a.csv and b.csv, once stored


def test_a_redelivered_message_fires_no_second_event_after_a_restart(wire: Callable[..., Wired]) -> None:
    """The redelivery is the same notification sent to the queue again: what SQS does when a delete was
    lost (the triggerer died after the event was stored, before the delete) and what S3 does when it
    notifies twice."""
    w = wire("incoming/")
    receive_all(w.sqs, w.queue_url)  # S3's test event
    w.s3.put_object(Bucket=w.bucket, Key="incoming/a.csv", Body=b"x")
    (notification,) = w.sqs.receive_message(QueueUrl=w.queue_url, VisibilityTimeout=0)["Messages"]
    store = MemoryAssetStore()
    trigger = watcher(w, "incoming/")

    async def scenario() -> tuple[Triggerer, Triggerer]:
        first = Triggerer()
        first.start_with_store(1, trigger, store)
        await until(lambda: first.keys(1) == ["incoming/a.csv"], "the event")
        await first.store_all(w)
        await first.stop()

        await asyncio.to_thread(w.sqs.send_message, QueueUrl=w.queue_url, MessageBody=notification["Body"])
        second = Triggerer()
        second.start_with_store(1, trigger, store)
        await asyncio.sleep(0.5)
        await asyncio.to_thread(w.s3.put_object, Bucket=w.bucket, Key="incoming/b.csv", Body=b"x")
        await until(lambda: second.keys(1) == ["incoming/b.csv"], "the new file's event")
        await second.store_all(w)
        await second.stop()
        return first, second

    first, second = asyncio.run(scenario())
    assert first.keys(1) == ["incoming/a.csv"]
    assert second.keys(1) == ["incoming/b.csv"]  # a.csv's redelivered message fired nothing
