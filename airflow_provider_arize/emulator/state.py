"""The emulator's process-wide state and the per-request GraphQL context."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeAlias

from graphql import GraphQLResolveInfo, GraphQLSchema

from .clock import Clock
from .faults import FaultInjector
from .ratelimit import RateLimiter
from .records import KeyRecord
from .stats import Stats
from .store import Store
from .warehouses import WarehouseRegistry


@dataclass
class Options:
    """Behaviour switches, changeable at runtime (``PUT /_emulator/options``).

    * ``strict_state_changes``: pausing a paused job, starting an active one or deleting a deleted one
      is an error instead of a no-op success.
    * ``accept_legacy_model_types``: accept ``modelType: categorical`` on create.
    """

    strict_state_changes: bool = False
    accept_legacy_model_types: bool = False

    def update(self, data: dict[str, Any]) -> None:
        """Apply the given fields; raise ``ValueError`` naming an unknown or non-boolean one."""
        for name, value in data.items():
            if name not in self.__dataclass_fields__:
                raise ValueError(f"unknown option '{name}'")
            if not isinstance(value, bool):
                raise ValueError(f"option '{name}' must be a boolean, got {value!r}")
        for name, value in data.items():
            setattr(self, name, value)

    def to_json(self) -> dict[str, bool]:
        return {
            "strict_state_changes": self.strict_state_changes,
            "accept_legacy_model_types": self.accept_legacy_model_types,
        }


@dataclass
class EmulatorState:
    """Everything a running emulator shares between requests."""

    store: Store
    clock: Clock
    schema: GraphQLSchema
    limiter: RateLimiter
    faults: FaultInjector
    stats: Stats = field(default_factory=Stats)
    options: Options = field(default_factory=Options)
    admin_token: str | None = None
    default_space_id: int | None = None
    #: where table jobs' warehouses are (``GET/PUT /_emulator/warehouses``); read by the worker
    warehouses: WarehouseRegistry = field(default_factory=WarehouseRegistry)


@dataclass
class RequestContext:
    """``info.context`` of every resolver: who is calling and what the call costs."""

    state: EmulatorState
    key: KeyRecord
    is_mutation: bool
    cost: int

    @property
    def store(self) -> Store:
        return self.state.store


#: The ``info`` argument of every resolver.
Info: TypeAlias = "GraphQLResolveInfo[RequestContext]"


def request_context(info: Info) -> RequestContext:
    """Return the typed context of a resolver call."""
    context = info.context
    assert isinstance(context, RequestContext)
    return context
