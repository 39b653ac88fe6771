"""Shared polling state of the Arize waits in one triggerer process: per event loop and ``arize``
connection, one paced async client and one poll batcher (a
:class:`~airflow_provider_arize.api.poll_reads.Poller`). Imported only inside the triggers' ``run()``.

Its lifecycle and the ``[arize] coalesce_trigger_polls`` switch: ``docs/internals.md``, "Shared pollers,
one per connection and event loop".
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from airflow_provider_arize.api.batching import DEFAULT_LINGER, PollBatcher
from airflow_provider_arize.api.poll_reads import Poller
from airflow_provider_arize.hooks.arize import ArizeHook

__all__ = ["active_pollers", "coalescing_enabled", "current_poller", "linger_for", "shared_poller"]

#: Config section and option of the switch.
CONFIG_SECTION = "arize"
CONFIG_OPTION = "coalesce_trigger_polls"


@dataclass(eq=False)
class _Entry:
    ready: asyncio.Task[Poller]
    users: int = 0


_pollers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, _Entry]] = (
    weakref.WeakKeyDictionary()
)
#: Close tasks still running (a reference keeps them from being garbage-collected mid-way).
_closing: set[asyncio.Task[None]] = set()


def coalescing_enabled() -> bool:
    """Whether waits share a batched poller (``[arize] coalesce_trigger_polls``, default true)."""
    from airflow.providers.common.compat.sdk import conf

    return bool(conf.getboolean(CONFIG_SECTION, CONFIG_OPTION, fallback=True))


def linger_for(poll_interval: float) -> float:
    """How long a wait's read may wait for others: ``DEFAULT_LINGER`` (5 s), or a quarter of a shorter
    poll interval."""
    return max(0.0, min(DEFAULT_LINGER, poll_interval / 4))


def active_pollers() -> dict[str, int]:
    """Connection id -> waits using its poller, on the running loop (for tests and diagnostics)."""
    entries = _pollers.get(asyncio.get_running_loop(), {})
    return {conn_id: entry.users for conn_id, entry in entries.items()}


def current_poller(conn_id: str) -> Poller | None:
    """The running loop's open poller for ``conn_id``, if any (diagnostics: its batcher's ``stats``)."""
    entry = _pollers.get(asyncio.get_running_loop(), {}).get(conn_id)
    if entry is None or not entry.ready.done() or _failed(entry.ready):
        return None
    return entry.ready.result()


async def _open(conn_id: str) -> Poller:
    client = await ArizeHook(arize_conn_id=conn_id).get_async_client(paced=True)
    return Poller(client, PollBatcher(client.execute_batch, client.pacer))


def _settle(task: asyncio.Task[Poller]) -> None:
    if not task.cancelled():
        task.exception()  # retrieved here; each waiting wait re-raises it


@asynccontextmanager
async def shared_poller(conn_id: str) -> AsyncIterator[Poller]:
    """The running loop's poller for ``conn_id``, shared with every other wait inside this block.

    Raises what creating it raised (``ArizeError`` for a bad connection).
    """
    loop = asyncio.get_running_loop()
    entries = _pollers.setdefault(loop, {})
    entry = entries.get(conn_id)
    if entry is None:
        entry = _Entry(loop.create_task(_open(conn_id), name=f"arize-poller-{conn_id}"))
        entry.ready.add_done_callback(_settle)
        entries[conn_id] = entry
    entry.users += 1
    try:
        poller = await asyncio.shield(entry.ready)
        yield poller
    finally:
        entry.users -= 1
        if entries.get(conn_id) is entry and (entry.users == 0 or _failed(entry.ready)):
            del entries[conn_id]
        if entry.users == 0:
            await _close(entry, loop)


def _failed(task: asyncio.Task[Poller]) -> bool:
    return task.done() and (task.cancelled() or task.exception() is not None)


async def _close(entry: _Entry, loop: asyncio.AbstractEventLoop) -> None:
    if not entry.ready.done():
        entry.ready.cancel()  # the last wait left before the poller was ready: nothing was opened yet
        return
    if _failed(entry.ready):
        return
    closing = loop.create_task(entry.ready.result().aclose(), name="arize-poller-close")
    _closing.add(closing)
    closing.add_done_callback(_closing.discard)
    await asyncio.shield(closing)
