"""The emulator's process-wide state and the per-request GraphQL context."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, TypeAlias

from graphql import GraphQLResolveInfo, GraphQLSchema

from airflow_provider_arize.api.constants import MAX_FILE_BYTES

from .clock import Clock
from .faults import FaultInjector
from .profiles import FULL, Profile
from .ratelimit import RateLimiter
from .records import KeyRecord
from .rendezvous import Rendezvous
from .stats import Stats
from .store import Store
from .warehouses import WarehouseRegistry


@dataclass
class Options:
    """Behaviour switches, changeable at runtime (``PUT /_emulator/options``).

    * ``strict_state_changes``: pausing a paused job, starting an active one or deleting a deleted one
      is an error instead of a no-op success.
    * ``accept_legacy_model_types``: accept ``modelType: categorical`` on create.
    * ``hold_queries``: the table worker runs no query (triggered windows stay pending, scheduled
      jobs are not polled), as when Arize is busy; queries run again once it is switched off, or after
      a restart without ``--hold-queries``. Nothing is lost while held.
    """

    strict_state_changes: bool = False
    accept_legacy_model_types: bool = False
    hold_queries: bool = False

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
            "hold_queries": self.hold_queries,
        }


@dataclass(frozen=True)
class S3Settings:
    """How the emulator reaches S3 for file jobs (the shape of ``FakeS3Server.emulator_s3()``).

    ``endpoint_url`` ``None`` means AWS itself; without keys boto3's default credential chain is used.
    The secret key lives in memory only: never stored in SQLite, never logged, ``"***"`` in
    :meth:`to_json`.
    """

    endpoint_url: str | None = None
    region: str = "us-east-1"
    access_key_id: str | None = None
    secret_access_key: str | None = None

    @classmethod
    def from_json(cls, data: Any) -> S3Settings:
        """Validate a settings document; ``ValueError`` names a bad field, never a value."""
        if not isinstance(data, dict):
            raise ValueError("the S3 settings must be a JSON object")
        known = {f.name for f in fields(cls)}
        for name, value in data.items():
            if name not in known:
                raise ValueError(f"unknown S3 setting '{name}'; expected one of {', '.join(sorted(known))}")
            if value is not None and (not isinstance(value, str) or not value):
                raise ValueError(f"S3 setting '{name}' must be a non-empty string")
        if bool(data.get("access_key_id")) != bool(data.get("secret_access_key")):
            raise ValueError("S3 settings need both access_key_id and secret_access_key, or neither")
        values = {k: v for k, v in data.items() if v is not None}
        return cls(**values)

    def to_json(self) -> dict[str, Any]:
        """The settings with the secret key redacted."""
        return {
            "endpoint_url": self.endpoint_url,
            "region": self.region,
            "access_key_id": self.access_key_id,
            "secret_access_key": "***" if self.secret_access_key else None,
        }

    def client_kwargs(self) -> dict[str, Any]:
        """Keyword arguments of ``boto3.client("s3", ...)``."""
        out: dict[str, Any] = {"region_name": self.region}
        if self.endpoint_url:
            out["endpoint_url"] = self.endpoint_url
        if self.access_key_id:
            out["aws_access_key_id"] = self.access_key_id
            out["aws_secret_access_key"] = self.secret_access_key
        return out


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
    #: how file jobs reach S3 (``GET/PUT/DELETE /_emulator/s3``); ``None``: file jobs never ingest
    s3: S3Settings | None = None
    #: files larger than this fail (Arize's 1 GB limit; lowered in tests)
    max_file_bytes: int = MAX_FILE_BYTES
    #: the API variant served (:mod:`.profiles`): its schema is ``schema``
    profile: Profile = FULL
    #: racers held until they all arrive (``PUT /_emulator/rendezvous``; :mod:`.rendezvous`)
    rendezvous: Rendezvous = field(default_factory=Rendezvous)


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
