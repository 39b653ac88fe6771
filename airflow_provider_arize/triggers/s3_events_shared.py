"""The SQS side of :class:`~airflow_provider_arize.triggers.s3_events.ArizeS3EventsTrigger` as a shared
stream in ack mode (Airflow 3.3 and later; imported only there, see
:func:`airflow_provider_arize.compat.has_acknowledged_shared_streams`).

One consumer per queue, messages deleted only once every event is stored: ``docs/internals.md``, "The
shared SQS consumer (Airflow 3.3 and later)".
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from typing import Any

from airflow.triggers.shared_stream import AdvanceItem, SharedStreamProducer

from airflow_provider_arize.triggers import s3_events


@dataclass(eq=False)
class SqsBatch:
    """One receive's messages, broadcast to every watcher of the queue (the raw event of the stream) and
    kept as the broker payload to delete them later.

    ``after_persist``: callbacks a watcher adds while it handles the batch, awaited by the producer once
    the batch resolved cleanly (every event derived from it stored) and before its messages are deleted.
    """

    messages: tuple[dict[str, Any], ...]
    #: The consumer's receive settings (``ArizeS3EventsTrigger.queue_settings``), which every watcher checks.
    consumer_settings: Mapping[str, Any] = field(default_factory=dict)
    after_persist: list[Callable[[], Awaitable[None]]] = field(default_factory=list)


class SqsBatchProducer(SharedStreamProducer):
    """The one SQS consumer of a queue (``docs/internals.md``, "The shared SQS consumer (Airflow 3.3 and
    later)"); its settings are those of the watcher
    whose kwargs the triggerer built the stream from."""

    def __init__(self, kwargs: dict[str, Any]) -> None:
        self.reader = s3_events.ArizeS3EventsTrigger(**kwargs)
        self.log = self.reader.log
        self._deleter = AsyncExitStack()
        self._delete_client: Any = None

    async def open_stream(self) -> AsyncIterator[tuple[Any, Any]]:
        from airflow.providers.amazon.aws.hooks.sqs import SqsHook

        reader = self.reader
        settings = reader.queue_settings()
        hook = SqsHook(aws_conn_id=reader.aws_conn_id, region_name=reader.region_name)
        self.log.info("Shared consumer of %s started (one per queue in this triggerer)", reader.queue_url)
        while True:
            try:
                async with await hook.get_async_conn() as client:  # type: ignore[no-untyped-call]
                    while True:
                        messages = await reader.receive(client)
                        reader._failures = 0
                        if messages:
                            batch = SqsBatch(tuple(messages), settings)
                            yield batch, batch
            except Exception as exc:
                await s3_events._backoff_sleep(reader.failure_delay(exc))

    async def advance(self, batch: Sequence[AdvanceItem]) -> None:
        done: list[dict[str, Any]] = []
        for item in batch:
            raw: SqsBatch = item.broker_payload
            outcome = item.outcome
            if not outcome.is_clean:
                self.log.warning(
                    "%d SQS messages of %s not deleted (watchers: %d stored, %d failed or timed out, "
                    "%d rejected): SQS delivers them again after their visibility timeout",
                    len(raw.messages),
                    self.reader.queue_url,
                    outcome.acked,
                    outcome.failed,
                    outcome.rejected,
                )
                continue
            for callback in raw.after_persist:
                try:
                    await callback()
                except Exception as exc:
                    self.log.warning(
                        "Could not remember reported files (%s: %s): after a restart, a redelivered "
                        "message may start one more run with them",
                        type(exc).__name__,
                        str(exc)[:300],
                    )
            done.extend(raw.messages)
        if not done:
            return
        try:
            failed = await self.reader.delete(await self._client(), done)
        except Exception as exc:
            self._delete_client = None
            await self._deleter.aclose()
            self.log.warning(
                "Deleting %d SQS messages of %s failed (%s: %s): they will be delivered again and "
                "their files dropped as already reported",
                len(done),
                self.reader.queue_url,
                type(exc).__name__,
                s3_events.error_text(exc),
            )
            return
        self.log.info(
            "Deleted %d SQS messages of %s after their events were stored",
            len(done) - failed,
            self.reader.queue_url,
        )

    async def _client(self) -> Any:
        """The client deletes go through (opened on first use, apart from the receiving one, which is
        reopened after a failure while deletes of earlier batches may still be due)."""
        if self._delete_client is None:
            from airflow.providers.amazon.aws.hooks.sqs import SqsHook

            hook = SqsHook(aws_conn_id=self.reader.aws_conn_id, region_name=self.reader.region_name)
            connection = await hook.get_async_conn()  # type: ignore[no-untyped-call]
            self._delete_client = await self._deleter.enter_async_context(connection)
        return self._delete_client

    async def aclose(self) -> None:
        self._delete_client = None
        await self._deleter.aclose()
