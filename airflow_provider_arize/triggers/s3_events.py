"""Asset-watcher trigger: long-poll the SQS queue a bucket's event notifications go to and fire one event
per batch of new files, without listing the bucket.

Contract (the two delivery paths by Airflow version, requests, events, duplicates, errors):
``docs/file-jobs.md``, "Starting runs from S3 events instead of listing"."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import AsyncIterator, Hashable, Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any, Final

from airflow.triggers.base import BaseEventTrigger, TriggerEvent

from airflow_provider_arize import compat
from airflow_provider_arize.api.errors import ArizeConfigError
from airflow_provider_arize.s3.event_messages import files_from_messages
from airflow_provider_arize.s3.filters import KeyFilter
from airflow_provider_arize.s3.listing import error_code, is_transient_error

if TYPE_CHECKING:
    from airflow.triggers.shared_stream import SharedStreamProducer

#: ``ReceiveMessage``'s most messages per request, and ``DeleteMessageBatch``'s most entries.
SQS_BATCH: Final = 10
#: SQS's longest long poll (seconds).
MAX_WAIT_TIME_SECONDS: Final = 20
#: Reported files remembered to drop redelivered messages (fingerprints of 12 hex characters).
REMEMBERED_FILES: Final = 4096
#: Files whose stored events a watcher records in its asset's state store (Airflow 3.3 and later).
STORED_FILES: Final = 1024
#: The asset state store key of those files' fingerprints (a JSON list, oldest first).
STORED_FILES_KEY: Final = "arize_s3_events.stored_files"
#: First item of the shared-stream key: the queue's consumer is shared by watchers of this class only.
SHARED_STREAM_KIND: Final = "arize-s3-events-sqs"
#: Default of ``max_file_size``: Arize's per-file limit.
DEFAULT_MAX_FILE_SIZE: Final = 1_000_000_000


async def _backoff_sleep(delay: float) -> None:
    """The wait between failed reads (its own name, so a test can stand in for it alone)."""
    await asyncio.sleep(delay)


class ArizeS3EventsTrigger(BaseEventTrigger):
    """Fire one event per batch of new files announced on ``queue_url`` (see ``docs/file-jobs.md``,
    "Starting runs from S3 events instead of listing").

    :param queue_url: the SQS queue's URL.
    :param bucket: the bucket whose events count.
    :param prefix: literal key prefix (``""``: the whole bucket).
    :param patterns: fnmatch globs on the key relative to the prefix (as the new-files sensor's).
    :param suffixes: suffixes, case-insensitive (as the new-files sensor's).
    :param aws_conn_id: the AWS connection.
    :param region_name: the queue's region (default: the connection's).
    :param wait_time_seconds: long-poll wait of each receive (1 to 20 s).
    :param max_messages: most messages gathered into one event (at least 1).
    :param visibility_timeout: seconds the received messages stay hidden from other receives (default:
        the queue's); must cover the time between receiving and deleting them.
    :param max_file_size: files above this many bytes are flagged ``oversized``.
    :param max_backoff: longest wait between retries after a failure (seconds).
    """

    def __init__(
        self,
        *,
        queue_url: str,
        bucket: str,
        prefix: str = "",
        patterns: Sequence[str] | None = None,
        suffixes: Sequence[str] | None = None,
        aws_conn_id: str | None = "aws_default",
        region_name: str | None = None,
        wait_time_seconds: int = MAX_WAIT_TIME_SECONDS,
        max_messages: int = 100,
        visibility_timeout: int | None = None,
        max_file_size: int = DEFAULT_MAX_FILE_SIZE,
        max_backoff: float = 300.0,
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        if not isinstance(queue_url, str) or not queue_url.startswith(("https://", "http://")):
            raise ArizeConfigError(f"queue_url must be the queue's URL, got {queue_url!r}", field="queue_url")
        if not 1 <= int(wait_time_seconds) <= MAX_WAIT_TIME_SECONDS:
            raise ArizeConfigError(
                f"wait_time_seconds must be 1 to {MAX_WAIT_TIME_SECONDS}, got {wait_time_seconds!r}",
                field="wait_time_seconds",
            )
        if int(max_messages) < 1:
            raise ArizeConfigError(
                f"max_messages must be at least 1, got {max_messages!r}", field="max_messages"
            )
        key_filter = KeyFilter.of(bucket, prefix, patterns, suffixes)  # validates
        self.queue_url = queue_url
        self.bucket = key_filter.bucket
        self.prefix = key_filter.prefix
        self.patterns = list(key_filter.patterns)
        self.suffixes = list(key_filter.suffixes)
        self.aws_conn_id = aws_conn_id
        self.region_name = region_name
        self.wait_time_seconds = int(wait_time_seconds)
        self.max_messages = int(max_messages)
        self.visibility_timeout = visibility_timeout
        self.max_file_size = int(max_file_size)
        self.max_backoff = float(max_backoff)
        self._reported: OrderedDict[str, None] = OrderedDict()
        self._stored: OrderedDict[str, None] = OrderedDict()
        self._failures = 0

    def serialize(self) -> tuple[str, dict[str, Any]]:
        return (
            f"{type(self).__module__}.{type(self).__qualname__}",
            {
                "queue_url": self.queue_url,
                "bucket": self.bucket,
                "prefix": self.prefix,
                "patterns": self.patterns,
                "suffixes": self.suffixes,
                "aws_conn_id": self.aws_conn_id,
                "region_name": self.region_name,
                "wait_time_seconds": self.wait_time_seconds,
                "max_messages": self.max_messages,
                "visibility_timeout": self.visibility_timeout,
                "max_file_size": self.max_file_size,
                "max_backoff": self.max_backoff,
            },
        )

    #: What the queue's one consumer uses, of the watcher it was started for (the others' are not used).
    QUEUE_SETTINGS = ("wait_time_seconds", "max_messages", "visibility_timeout", "max_backoff")

    def queue_settings(self) -> dict[str, Any]:
        """This watcher's settings of the queue's receive loop (see :data:`QUEUE_SETTINGS`)."""
        return {name: getattr(self, name) for name in self.QUEUE_SETTINGS}

    # -- one batch ---------------------------------------------------------------------------------------

    async def on_kill(self) -> None:
        """The watcher was stopped: say what happens to the messages it held."""
        self.log.warning(
            "S3 event watcher on %s stopped: messages whose events were not yet handed over (or, on Airflow "
            "3.3 and later, not yet stored) are not deleted, so SQS delivers them again once their "
            "visibility timeout ends; nothing was written to S3",
            self.queue_url,
        )

    async def receive(self, client: Any) -> list[dict[str, Any]]:
        """One long poll, then quick receives while messages keep coming, up to ``max_messages``."""
        messages: list[dict[str, Any]] = []
        wait = self.wait_time_seconds
        while len(messages) < self.max_messages:
            request: dict[str, Any] = {
                "QueueUrl": self.queue_url,
                "MaxNumberOfMessages": min(SQS_BATCH, self.max_messages - len(messages)),
                "WaitTimeSeconds": wait,
            }
            if self.visibility_timeout is not None:
                request["VisibilityTimeout"] = int(self.visibility_timeout)
            got = (await client.receive_message(**request)).get("Messages") or []
            if not got:
                break
            messages.extend(got)
            wait = 0
        return messages

    async def delete(self, client: Any, messages: Sequence[dict[str, Any]]) -> int:
        """Delete ``messages``; the number that could not be (they will be delivered again)."""
        failed = 0
        for start in range(0, len(messages), SQS_BATCH):
            chunk = messages[start : start + SQS_BATCH]
            entries = [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(chunk)]
            response = await client.delete_message_batch(QueueUrl=self.queue_url, Entries=entries)
            for failure in response.get("Failed") or ():
                failed += 1
                self.log.warning(
                    "Could not delete SQS message %s (%s): it will be delivered again",
                    chunk[int(failure["Id"])].get("MessageId"),
                    failure.get("Code"),
                )
        return failed

    def new_files_event(self, messages: Sequence[dict[str, Any]]) -> TriggerEvent | None:
        """The event for a batch of messages, or ``None`` when it announces no file not yet reported."""
        return self.batch_event(messages)[0]

    def batch_event(self, messages: Sequence[dict[str, Any]]) -> tuple[TriggerEvent | None, list[str]]:
        """The event for a batch of messages (``None`` when it announces no file not yet reported) and the
        fingerprints of the files it reports, now remembered as reported."""
        from dataclasses import replace

        key_filter = KeyFilter.of(self.bucket, self.prefix, self.patterns, self.suffixes)
        batch = files_from_messages(messages, bucket=self.bucket, key_filter=key_filter, logger=self.log)
        fresh = tuple(f for f in batch.files if f.fingerprint not in self._reported)
        if len(fresh) < len(batch.files):
            self.log.info(
                "Dropped %d files already reported (redelivered messages)", len(batch.files) - len(fresh)
            )
            batch = replace(batch, files=fresh, duplicates=batch.duplicates + len(batch.files) - len(fresh))
        self.log.info("SQS batch from %s: %s", self.queue_url, batch.summary())
        if not batch.files:
            return None, []
        fingerprints = [file.fingerprint for file in batch.files]
        for fingerprint in fingerprints:
            self._reported[fingerprint] = None
        self._trim()
        event = TriggerEvent(  # type: ignore[no-untyped-call]
            {
                "status": "success",
                "bucket": self.bucket,
                "prefix": self.prefix,
                "files": batch.describe(self.max_file_size),
                "counts": batch.counts(),
                "message": f"{batch.summary()} in {key_filter.describe()}",
            }
        )
        return event, fingerprints

    # -- the loop ------------------------------------------------------------------------------------------

    async def _events(self, client: Any) -> AsyncIterator[TriggerEvent]:
        while True:
            messages = await self.receive(client)
            self._failures = 0
            if not messages:
                continue
            event = self.new_files_event(messages)
            if event is not None:
                yield event  # handed to the triggerer before the messages are deleted
            await self.delete(client, messages)

    def failure_delay(self, exc: Exception) -> float:
        """Count a failed read and log it; the wait before the next (2, 4, 8... s, at most
        ``max_backoff``)."""
        self._failures += 1
        delay = min(self.max_backoff, float(2 ** min(self._failures, 16)))
        (self.log.warning if is_transient_error(exc) else self.log.error)(
            "Reading %s failed (%s: %s); retrying in %.0f s",
            self.queue_url,
            type(exc).__name__,
            error_text(exc),
            delay,
        )
        return delay

    async def run(self) -> AsyncIterator[TriggerEvent]:
        """The trigger's own consumer of the queue (Airflow before 3.3; see ``docs/file-jobs.md``)."""
        from airflow.providers.amazon.aws.hooks.sqs import SqsHook

        hook = SqsHook(aws_conn_id=self.aws_conn_id, region_name=self.region_name)
        self.log.info(
            "Waiting for S3 event notifications of s3://%s/%s on %s", self.bucket, self.prefix, self.queue_url
        )
        while True:
            try:
                async with await hook.get_async_conn() as client:  # type: ignore[no-untyped-call]
                    async for event in self._events(client):
                        yield event
            except Exception as exc:
                await _backoff_sleep(self.failure_delay(exc))

    # -- a shared, acknowledged stream (Airflow 3.3 and later) -----------------------------------------------

    def shared_stream_key(self) -> Hashable | None:
        """Every watcher of one queue (same connection and region) shares one consumer, where the installed
        Airflow runs acknowledged shared streams; ``None`` (its own ``run()``) elsewhere. No secret: the
        connection's id, never its credentials."""
        if not compat.has_acknowledged_shared_streams():
            return None
        return (SHARED_STREAM_KIND, self.queue_url, self.aws_conn_id or "", self.region_name or "")

    @classmethod
    def create_shared_stream_producer(cls, kwargs: dict[str, Any]) -> SharedStreamProducer:
        """The queue's one consumer (ack mode: messages deleted once the events are stored)."""
        # lazy: needs Airflow's shared streams, and imports this module
        from airflow_provider_arize.triggers.s3_events_shared import SqsBatchProducer

        return SqsBatchProducer(kwargs)

    async def filter_shared_stream(self, shared_stream: AsyncIterator[Any]) -> AsyncIterator[TriggerEvent]:
        """This watcher's events from the queue's shared batches: its own bucket and key filter only,
        files already reported (by this run of the triggerer, or stored before a restart) dropped."""
        await self.load_reported()
        self.log.info(
            "Waiting for S3 event notifications of s3://%s/%s on %s (the queue's shared consumer)",
            self.bucket,
            self.prefix,
            self.queue_url,
        )
        warned = False
        async for batch in shared_stream:
            if not warned:
                warned = True
                self._warn_unused_settings(batch.consumer_settings)
            event, fingerprints = self.batch_event(batch.messages)
            if event is None:
                continue  # moved past on the next pull: the batch resolves for this watcher
            if fingerprints:
                batch.after_persist.append(partial(self.remember_stored, fingerprints))
            yield event  # before pulling the next batch: Airflow binds the event to this one

    def _warn_unused_settings(self, used: Mapping[str, Any]) -> None:
        """Say so once when the queue's shared consumer receives with other settings than this watcher's."""
        mine = self.queue_settings()
        differ = {name: value for name, value in mine.items() if used.get(name) != value}
        if differ:
            self.log.warning(
                "S3 event watcher of s3://%s/%s: the shared consumer of %s receives with %s, not this "
                "watcher's %s (one consumer per queue, with the settings of the watcher it was started for): "
                "give every watcher of a queue the same settings",
                self.bucket,
                self.prefix,
                self.queue_url,
                ", ".join(f"{name}={used.get(name)!r}" for name in differ),
                ", ".join(f"{name}={value!r}" for name, value in differ.items()),
            )

    def _state_store(self) -> Any:
        """The watched asset's state store (injected by Airflow 3.3's triggerer), or ``None``."""
        return getattr(self, "asset_state_store", None)

    async def load_reported(self) -> None:
        """Remember the files whose events an earlier run of this watcher had stored (the asset's state
        store, key :data:`STORED_FILES_KEY`); nothing without a store, or when it cannot be read."""
        store = self._state_store()
        if store is None:
            return
        try:
            stored = await store.aget(STORED_FILES_KEY, None)
        except Exception as exc:
            self.log.warning(
                "Could not read the files reported before (%s: %s): a message redelivered after a restart "
                "may start one more run",
                type(exc).__name__,
                error_text(exc),
            )
            return
        for fingerprint in stored if isinstance(stored, list) else ():
            if isinstance(fingerprint, str):
                self._stored[fingerprint] = None
                self._reported[fingerprint] = None
        self._trim()
        if self._stored:
            self.log.info("Remembered %d files reported before this start", len(self._stored))

    async def remember_stored(self, fingerprints: Sequence[str]) -> None:
        """Record files whose event Airflow confirmed stored, in memory and in the asset's state store
        (the most recent :data:`STORED_FILES`), so a restarted watcher drops their redelivered messages."""
        for fingerprint in fingerprints:
            self._stored[fingerprint] = None
            self._stored.move_to_end(fingerprint)
        self._trim()
        store = self._state_store()
        if store is not None:
            await store.aset(STORED_FILES_KEY, list(self._stored))

    def _trim(self) -> None:
        while len(self._stored) > STORED_FILES:
            self._stored.popitem(last=False)
        while len(self._reported) > REMEMBERED_FILES:
            self._reported.popitem(last=False)


def error_text(exc: BaseException) -> str:
    """An AWS error's code, or the start of the message (for logs)."""
    return error_code(exc) or str(exc)[:300]
