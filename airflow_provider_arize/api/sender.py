"""Sending a shipped operation as the host can answer it: discover once, prune, adapt on rejection.

The contract (shared by :class:`Sender` and :class:`AsyncSender`): docs/api-variants.md, "How a host's
shape is learnt".
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Mapping
from typing import Any
from weakref import WeakKeyDictionary

from airflow_provider_arize.api.documents import Built, build
from airflow_provider_arize.api.errors import (
    ArizeAPIError,
    ArizeAuthError,
    ArizeConfigError,
    ArizeError,
    ArizeResponseError,
)
from airflow_provider_arize.api.operations import SEED_FORM
from airflow_provider_arize.api.shape.discovery import (
    DISCOVERY_DOCUMENT,
    DISCOVERY_OPERATION,
    present_keys,
    rejected_keys,
)
from airflow_provider_arize.api.shape.host import HostShape, shape_for
from airflow_provider_arize.api.shape.registry import OPTIONAL
from airflow_provider_arize.api.transport import AsyncGraphQLTransport, GraphQLTransport

__all__ = ["MAX_ROUNDS", "AsyncSender", "Sender"]

log = logging.getLogger(__name__)

#: How many times one call may be rebuilt after the host rejected names in it.
MAX_ROUNDS = 6


_FATAL = (ArizeAuthError, ArizeConfigError)


def _everything(_key: str) -> bool:
    return True


@functools.cache
def _needs_discovery(name: str) -> bool:
    """Whether operation ``name`` names any optional name at all (``TestConnection`` does not)."""
    return bool(build(name, None, _everything).used & set(OPTIONAL))


class _Core:
    """What both senders decide (no I/O)."""

    def __init__(self, url: str) -> None:
        self.shape: HostShape = shape_for(url)

    def must_discover(self, name: str | None) -> bool:
        return not self.shape.known and (name is None or _needs_discovery(name))

    def build(self, name: str, values: Mapping[str, Any] | None) -> Built:
        return build(name, values, self.shape.has, inline=name in SEED_FORM)

    def learn(self, data: Mapping[str, Any] | None, failure: ArizeError | None) -> None:
        """Record the discovery's answer; a refused key or an unusable endpoint is raised."""
        if isinstance(failure, _FATAL):
            raise failure
        if failure is not None:
            self.shape.go_adaptive(type(failure).__name__)
        else:
            self.shape.discovered(present_keys(data or {}))

    def adapt(self, exc: ArizeAPIError, built: Built) -> bool:
        """Drop the names ``exc`` says the host lacks; whether the call may be sent again."""
        if type(exc) not in (ArizeAPIError, ArizeResponseError) or not exc.errors:
            return False
        dropped = self.shape.drop(rejected_keys(exc.errors, built.used))
        if dropped:
            log.warning(
                "Arize at %s does not serve %s; %s is sent again without %s",
                self.shape.url,
                ", ".join(sorted(dropped)),
                built.name,
                "it" if len(dropped) == 1 else "them",
            )
        return bool(dropped)

    @staticmethod
    def exhausted(name: str) -> ArizeAPIError:
        return ArizeAPIError(
            f"Arize kept rejecting names in {name} after {MAX_ROUNDS} rounds", operation_name=name
        )


class Sender:
    """Sends operations over a :class:`GraphQLTransport` (docs/api-variants.md, "How a host's shape is
    learnt")."""

    def __init__(self, transport: GraphQLTransport) -> None:
        self.transport = transport
        self.core = _Core(transport.config.url)

    @property
    def shape(self) -> HostShape:
        return self.core.shape

    def discover(self, name: str | None = None) -> None:
        """Learn the host's shape (once), if operation ``name`` (any, when ``None``) needs it."""
        shape = self.core.shape
        if not self.core.must_discover(name):
            return
        with shape.lock:
            if shape.known:
                return
            try:
                data = self.transport.execute(DISCOVERY_DOCUMENT, None, operation_name=DISCOVERY_OPERATION)
            except ArizeError as exc:
                self.core.learn(None, exc)
            else:
                self.core.learn(data, None)

    def run(self, name: str, values: Mapping[str, Any] | None = None, *, idempotent: bool = True) -> Any:
        self.discover(name)
        for _ in range(MAX_ROUNDS):
            built = self.core.build(name, values)
            try:
                return self.transport.execute(
                    built.text, built.variables, operation_name=name, idempotent=idempotent
                )
            except ArizeAPIError as exc:
                if not self.core.adapt(exc, built):
                    raise
        raise self.core.exhausted(name)


#: One discovery lock per host and event loop (a lock belongs to the loop it was first used in).
_ASYNC_LOCKS: WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, asyncio.Lock]] = WeakKeyDictionary()


class AsyncSender:
    """The async twin of :class:`Sender`, over an :class:`AsyncGraphQLTransport`."""

    def __init__(self, transport: AsyncGraphQLTransport) -> None:
        self.transport = transport
        self.core = _Core(transport.config.url)

    @property
    def shape(self) -> HostShape:
        return self.core.shape

    async def discover(self, name: str | None = None) -> None:
        """Learn the host's shape (once), if operation ``name`` (any, when ``None``) needs it."""
        shape = self.core.shape
        if not self.core.must_discover(name):
            return
        locks = _ASYNC_LOCKS.setdefault(asyncio.get_running_loop(), {})
        async with locks.setdefault(shape.url, asyncio.Lock()):
            if shape.known:
                return
            try:
                data = await self.transport.execute(
                    DISCOVERY_DOCUMENT, None, operation_name=DISCOVERY_OPERATION
                )
            except ArizeError as exc:
                self.core.learn(None, exc)
            else:
                self.core.learn(data, None)

    async def run(self, name: str, values: Mapping[str, Any] | None = None) -> Any:
        await self.discover(name)
        for _ in range(MAX_ROUNDS):
            built = self.core.build(name, values)
            try:
                return await self.transport.execute(built.text, built.variables, operation_name=name)
            except ArizeAPIError as exc:
                if not self.core.adapt(exc, built):
                    raise
        raise self.core.exhausted(name)
