"""Emulator configuration and bootstrap (store, default space and API key, shared state)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any

from airflow_provider_arize.api.constants import MAX_FILE_BYTES

from .clock import Clock, SystemClock
from .faults import FaultConfig, FaultInjector
from .graphql_schema import build_schema
from .profiles import FULL, Profile, get_profile
from .ratelimit import RateLimitConfig, RateLimiter
from .state import EmulatorState, Options, S3Settings
from .store import Store
from .warehouses import WarehouseRegistry, parse_registry

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
DEFAULT_DB_PATH = "./arize-emulator.sqlite3"
DEFAULT_API_KEY = "emulator-api-key"
#: Environment variable read for the default API key (so the key need not appear on a command line).
API_KEY_ENV = "ARIZE_EMULATOR_API_KEY"
DEFAULT_SPACE_NAME = "default"
#: Environment variable holding the warehouse registry as JSON (so passwords stay off command lines).
WAREHOUSES_ENV = "ARIZE_EMULATOR_WAREHOUSES"
DEFAULT_WORKER_INTERVAL = 1.0
#: Environment variable holding the S3 settings as JSON (so the secret key stays off command lines).
S3_ENV = "ARIZE_EMULATOR_S3"
#: Seconds between polls of file jobs' buckets (Arize's file-import documentation: "Updates to files are
#: checked every 10 seconds").
DEFAULT_FILE_POLL_INTERVAL = 10.0


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
    ``warehouses`` is the warehouse registry document (``docs/emulator.md``, "The warehouse registry");
    ``run_workers`` and ``worker_interval_seconds`` control the background worker that runs table-job
    queries (same page, "The table worker"). ``s3`` (``{"endpoint_url", "region", "access_key_id",
    "secret_access_key"}``, see :class:`.state.S3Settings`) is how file jobs reach their buckets; without
    it file jobs never ingest. ``file_poll_interval_seconds`` paces the file worker
    (same page, "File jobs and the file worker"; also switched by ``run_workers``); files over
    ``max_file_bytes`` fail.
    ``profile`` is the API variant served (a :class:`~.profiles.Profile` or its name, e.g.
    ``"pages,no-introspection"``; see :mod:`.profiles`); an unknown name is a ``ValueError``.
    """

    db_path: str | None = None
    api_key: str = field(default_factory=default_api_key)
    space_name: str = DEFAULT_SPACE_NAME
    admin_token: str | None = None
    strict_state_changes: bool = False
    accept_legacy_model_types: bool = False
    hold_queries: bool = False
    rate_limits: RateLimitConfig = field(default_factory=RateLimitConfig)
    faults: FaultConfig = field(default_factory=FaultConfig)
    warehouses: dict[str, Any] = field(default_factory=dict)
    run_workers: bool = True
    worker_interval_seconds: float = DEFAULT_WORKER_INTERVAL
    s3: dict[str, Any] | None = None
    file_poll_interval_seconds: float = DEFAULT_FILE_POLL_INTERVAL
    max_file_bytes: int = MAX_FILE_BYTES
    profile: Profile | str = FULL

    def __post_init__(self) -> None:
        self.profile = get_profile(self.profile)  # also accepts a name; fails early on an unknown one
        if self.worker_interval_seconds <= 0:
            raise ValueError("worker_interval_seconds must be positive")
        if self.file_poll_interval_seconds <= 0:
            raise ValueError("file_poll_interval_seconds must be positive")
        if self.max_file_bytes <= 0:
            raise ValueError("max_file_bytes must be positive")
        parse_registry(self.warehouses)  # fail early, naming the bad entry (never a password)
        self.s3_settings()  # likewise, never showing the secret key

    def s3_settings(self) -> S3Settings | None:
        """The validated ``s3`` settings, or ``None``."""
        return S3Settings.from_json(self.s3) if self.s3 is not None else None


def _load_json_object(path: str | None, env: str, what: str) -> dict[str, Any] | None:
    """The JSON object in the file ``path``, else in ``$env``; ``None`` when neither holds anything.
    Errors name the source and the position, never the text (it may hold secrets)."""
    if path:
        try:
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
        except OSError as exc:
            raise ValueError(f"cannot read {what} file '{path}': {exc.strerror}") from None
        source = f"{what} file '{path}'"
    else:
        text = os.environ.get(env, "")
        source = f"${env}"
    if not text.strip():
        return None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:  # the message carries a position, not the text
        raise ValueError(f"{source} is not valid JSON: {exc.msg} at line {exc.lineno}") from None
    if not isinstance(data, dict):
        raise ValueError(f"{source} must hold a JSON object")
    return data


def load_warehouses(path: str | None) -> dict[str, Any]:
    """The registry document from the JSON file ``path``, else ``$ARIZE_EMULATOR_WAREHOUSES``, else ``{}``."""
    return _load_json_object(path, WAREHOUSES_ENV, "warehouses") or {}


def load_s3(path: str | None) -> dict[str, Any] | None:
    """The S3 settings from the JSON file ``path``, else ``$ARIZE_EMULATOR_S3``, else ``None``."""
    return _load_json_object(path, S3_ENV, "S3 settings")


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
        schema=build_schema(get_profile(config.profile)),
        limiter=RateLimiter(clock, config.rate_limits),
        faults=FaultInjector(config.faults),
        options=Options(
            strict_state_changes=config.strict_state_changes,
            accept_legacy_model_types=config.accept_legacy_model_types,
            hold_queries=config.hold_queries,
        ),
        admin_token=config.admin_token,
        default_space_id=space_id,
        warehouses=WarehouseRegistry(config.warehouses),
        s3=config.s3_settings(),
        max_file_bytes=config.max_file_bytes,
        profile=get_profile(config.profile),
    )
