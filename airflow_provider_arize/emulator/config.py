"""Emulator configuration and bootstrap (store, default space and API key, shared state)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from .clock import Clock, SystemClock
from .faults import FaultConfig, FaultInjector
from .graphql_schema import build_schema
from .ratelimit import RateLimitConfig, RateLimiter
from .state import EmulatorState, Options
from .store import Store

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
DEFAULT_DB_PATH = "./arize-emulator.sqlite3"
DEFAULT_API_KEY = "emulator-api-key"
#: Environment variable read for the default API key (so the key need not appear on a command line).
API_KEY_ENV = "ARIZE_EMULATOR_API_KEY"
DEFAULT_SPACE_NAME = "default"


def default_api_key() -> str:
    """``$ARIZE_EMULATOR_API_KEY``, else ``emulator-api-key``."""
    return os.environ.get(API_KEY_ENV) or DEFAULT_API_KEY


def key_hint(key: str) -> str:
    """The displayable form of a key: its first 4 characters and an ellipsis."""
    return key[:4] + "…"


@dataclass
class EmulatorConfig:
    """Everything that defines one emulator instance (the CLI flags map onto these fields).

    ``db_path`` ``None`` or ``":memory:"`` keeps state in memory; a path keeps it in a SQLite file.
    """

    db_path: str | None = None
    api_key: str = field(default_factory=default_api_key)
    space_name: str = DEFAULT_SPACE_NAME
    admin_token: str | None = None
    strict_state_changes: bool = False
    accept_legacy_model_types: bool = False
    rate_limits: RateLimitConfig = field(default_factory=RateLimitConfig)
    faults: FaultConfig = field(default_factory=FaultConfig)


def create_state(config: EmulatorConfig, clock: Clock | None = None) -> EmulatorState:
    """Open the store and make sure the configured space and API key exist (idempotent).

    The key is bound to the space and may mutate.
    """
    clock = clock or SystemClock()
    if not config.api_key:
        raise ValueError("the API key must not be empty")
    store = Store.open(config.db_path, clock)
    space_id = store.ensure_space(config.space_name)
    store.put_key(config.api_key, [space_id], can_mutate=True)
    return EmulatorState(
        store=store,
        clock=clock,
        schema=build_schema(),
        limiter=RateLimiter(clock, config.rate_limits),
        faults=FaultInjector(config.faults),
        options=Options(
            strict_state_changes=config.strict_state_changes,
            accept_legacy_model_types=config.accept_legacy_model_types,
        ),
        admin_token=config.admin_token,
        default_space_id=space_id,
    )
