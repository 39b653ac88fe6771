"""Coalescing of concurrent polls into batched GraphQL requests: one :class:`PollBatcher` per connection
per event loop (the triggerer's), shared by every wait on that connection.

The contract (when a request goes, how it is packed and paced, errors, cancellation, closing):
``docs/internals.md``, "The batcher".
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from airflow_provider_arize.api import constants
from airflow_provider_arize.api.batch_document import BATCH_OPERATION, BatchRead, alias
from airflow_provider_arize.api.errors import (
    ArizeAPIError,
    ArizeConfigError,
    ArizeError,
    format_graphql_errors,
)
from airflow_provider_arize.api.pacing import TokenBucket

__all__ = [
    "DEFAULT_LINGER",
    "DEFAULT_MAX_BATCH_COST",
    "DEFAULT_MAX_IN_FLIGHT",
    "BatchStats",
    "PollBatcher",
    "SendBatch",
]

logger = logging.getLogger(__name__)

#: Largest cost of one batched request: Arize's per-call limit less a 10 % safety margin.
DEFAULT_MAX_BATCH_COST = constants.MAX_QUERY_COMPLEXITY * 9 // 10
#: Longest a read waits for others to join its request (a wait asks for less with a short interval).
DEFAULT_LINGER = 5.0
#: Batched requests outstanding at once per connection.
DEFAULT_MAX_IN_FLIGHT = 4

#: Sends reads as one batched request (read ``i`` under alias ``r<i>``); returns ``(data, errors)``,
#: ``errors`` being the GraphQL errors that came with partial data (see
#: :meth:`AsyncArizeClient.execute_batch`, which also splits a batch the host finds too costly).
SendBatch = Callable[[list[BatchRead]], Awaitable[tuple[dict[str, Any], list[dict[str, Any]]]]]


@dataclass(eq=False)
class _Pending:
    read: BatchRead
    future: asyncio.Future[Any]
    due: float
    seq: int
    queued: bool = True


@dataclass
class BatchStats:
    """Counters of one batcher."""

    requests: int = 0  #: batched requests sent (their retries are the transport's)
    reads: int = 0  #: reads answered or failed through a request (one per poll that asked)
    aliases: int = 0  #: aliases sent (identical reads of one request share one)
    max_cost: int = 0  #: highest cost of one request
    total_cost: int = 0  #: cost of every request, summed


class PollBatcher:
    """Coalesces concurrent reads into batched requests (contract: ``docs/internals.md``, "The batcher")."""

    def __init__(
        self,
        send: SendBatch,
        pacer: TokenBucket | None = None,
        *,
        max_cost: int = DEFAULT_MAX_BATCH_COST,
        max_in_flight: int = DEFAULT_MAX_IN_FLIGHT,
    ) -> None:
        if isinstance(max_cost, bool) or not isinstance(max_cost, int):
            raise ArizeConfigError("max_cost must be an integer", field="max_cost")
        if not 1 <= max_cost <= constants.MAX_QUERY_COMPLEXITY:
            raise ArizeConfigError(
                f"max_cost must be between 1 and {constants.MAX_QUERY_COMPLEXITY}", field="max_cost"
            )
        if isinstance(max_in_flight, bool) or not isinstance(max_in_flight, int) or max_in_flight < 1:
            raise ArizeConfigError("max_in_flight must be an integer >= 1", field="max_in_flight")
        self.max_cost = max_cost
        self.stats = BatchStats()
        self._send = send
        self._pacer = pacer
        self._queue: deque[_Pending] = deque()
        self._queued_cost = 0
        self._seq = 0  # arrival number of the last queued read
        self._drain_seq = 0  # reads up to this arrival number go out without waiting any longer
        self._wake = asyncio.Event()
        self._slots = asyncio.Semaphore(max_in_flight)
        self._dispatcher: asyncio.Task[None] | None = None
        self._requests: set[asyncio.Task[None]] = set()
        self._closed = False

    @property
    def queued(self) -> int:
        """Reads waiting for a request."""
        return sum(1 for p in self._queue if _live(p))

    async def read(self, batch_read: BatchRead, *, linger: float = DEFAULT_LINGER) -> Any:
        """Queue ``batch_read`` and return Arize's answer for it (``docs/internals.md``, "The batcher")."""
        if self._closed:
            raise ArizeError("the poll batcher is closed", operation_name=BATCH_OPERATION)
        if batch_read.cost > self.max_cost:
            raise ArizeConfigError(
                f"read {batch_read.template} costs {batch_read.cost}, more than one request may "
                f"({self.max_cost})",
                field="max_cost",
            )
        loop = asyncio.get_running_loop()
        self._seq += 1
        pending = _Pending(batch_read, loop.create_future(), loop.time() + max(0.0, linger), self._seq)
        pending.future.add_done_callback(lambda _: self._forget(pending))
        self._queue.append(pending)
        self._queued_cost += batch_read.cost
        self._wake.set()
        if self._dispatcher is None or self._dispatcher.done():
            self._dispatcher = loop.create_task(self._dispatch(), name="arize-poll-batcher")
        return await pending.future

    def _forget(self, pending: _Pending) -> None:
        """A read's future finished (answered, failed or cancelled): stop counting it as queued."""
        if pending.queued:
            pending.queued = False
            self._queued_cost -= pending.read.cost

    # -- dispatching ----------------------------------------------------------------------------------
    async def _dispatch(self) -> None:
        try:
            await self._dispatch_loop()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a bug here must not leave reads waiting forever
            logger.exception("the Arize poll batcher stopped")
            self._fail(list(self._queue), exc)
            self._queue.clear()

    async def _dispatch_loop(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            while self._queue and not _live(self._queue[0]):
                self._queue.popleft()
            live = [p for p in self._queue if _live(p)]
            if not live:
                self._queue.clear()
                self._wake.clear()
                await self._wake.wait()
                continue
            draining = live[0].seq <= self._drain_seq
            if self._queued_cost < self.max_cost and not draining:
                delay = min(p.due for p in live) - loop.time()
                if delay > 0:
                    self._wake.clear()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wake.wait(), delay)
                    continue
            # Everything queued now leaves in this request and the ones right after it, so that polls
            # that arrived together are answered together (and come back together next round).
            self._drain_seq = max(self._drain_seq, live[-1].seq)
            await self._slots.acquire()
            if self._pacer is not None:
                try:
                    await self._pacer.acquire()
                except BaseException:
                    self._slots.release()
                    raise
            groups = self._take()
            if not groups:
                if self._pacer is not None:
                    self._pacer.refund()
                self._slots.release()
                continue
            task = loop.create_task(self._request(groups), name="arize-poll-batch")
            self._requests.add(task)
            task.add_done_callback(self._request_done)

    def _request_done(self, task: asyncio.Task[None]) -> None:
        self._requests.discard(task)
        self._slots.release()

    def _take(self) -> list[list[_Pending]]:
        """Pack the next request: queued reads in arrival order, first fit under ``max_cost``."""
        groups: dict[Any, list[_Pending]] = {}
        cost = 0
        keep: deque[_Pending] = deque()
        for pending in self._queue:
            if not _live(pending):
                self._forget(pending)
                continue
            group = groups.get(pending.read.key)
            if group is None and cost + pending.read.cost > self.max_cost:
                keep.append(pending)
                continue
            if group is None:
                groups[pending.read.key] = group = []
                cost += pending.read.cost
            group.append(pending)
            self._forget(pending)
        self._queue = keep
        return list(groups.values())

    async def _request(self, groups: list[list[_Pending]]) -> None:
        reads = [group[0].read for group in groups]
        cost = max(1, sum(r.cost for r in reads))
        polls = sum(len(g) for g in groups)
        stats = self.stats
        stats.requests += 1
        stats.aliases += len(groups)
        stats.reads += polls
        stats.max_cost = max(stats.max_cost, cost)
        stats.total_cost += cost
        logger.debug("sending %d reads for %d polls in one request (cost %d)", len(reads), polls, cost)
        try:
            data, errors = await self._send(reads)
        except asyncio.CancelledError:
            self._fail([p for g in groups for p in g], ArizeError("the poll batcher was closed"))
            raise
        except Exception as exc:
            self._fail([p for g in groups for p in g], exc)
            return
        self._distribute(groups, data, errors)

    def _distribute(
        self, groups: list[list[_Pending]], data: dict[str, Any], errors: list[dict[str, Any]]
    ) -> None:
        aliases = {alias(i) for i in range(len(groups))}
        blamed: dict[str, list[dict[str, Any]]] = {}
        for error in errors:
            path = error.get("path")
            head = path[0] if isinstance(path, list) and path else None
            if head not in aliases:
                everyone = [p for g in groups for p in g]
                self._fail(everyone, _api_error(errors, "the request"))
                return
            blamed.setdefault(str(head), []).append(error)
        for i, group in enumerate(groups):
            name = alias(i)
            if name in blamed:
                self._fail(group, _api_error(blamed[name], f"read {group[0].read.template}"))
                continue
            value = data.get(name)
            for pending in group:
                if not pending.future.done():
                    pending.future.set_result(value)

    @staticmethod
    def _fail(pendings: list[_Pending], exc: BaseException) -> None:
        for pending in pendings:
            if not pending.future.done():
                pending.future.set_exception(copy.copy(exc))

    # -- closing -----------------------------------------------------------------------------------
    async def aclose(self) -> None:
        """Stop dispatching, cancel requests in flight and fail every waiting read. Idempotent."""
        self._closed = True
        tasks = [t for t in [self._dispatcher, *self._requests] if t is not None and not t.done()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._fail(list(self._queue), ArizeError("the poll batcher was closed"))
        self._queue.clear()


def _live(pending: _Pending) -> bool:
    """Still waiting in the queue (not taken into a request, not cancelled)."""
    return pending.queued and not pending.future.done()


def _api_error(errors: list[dict[str, Any]], what: str) -> ArizeAPIError:
    return ArizeAPIError(
        f"Arize {BATCH_OPERATION} failed for {what}: {format_graphql_errors(errors)}",
        errors=errors,
        operation_name=BATCH_OPERATION,
    )
