"""Warehouse registry: how the emulator reaches the warehouse a table job names (a Snowflake, or a DuckDB
file standing in for any of them).

Registry format, validation, password handling, Snowflake defaults and ``ca_bundle``:
``docs/emulator.md``, "The warehouse registry"."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .validation import table_name

log = logging.getLogger("airflow_provider_arize.emulator.warehouses")

#: Environment variable the Snowflake connector reads for its trusted CA bundle.
CA_BUNDLE_ENV = "REQUESTS_CA_BUNDLE"
REDACTED = "***"
#: Registry section of each ``tableStore``, the job-config field holding the identity, and its noun.
SECTIONS = {"Snowflake": "snowflake", "BigQuery": "bigquery", "Databricks": "databricks"}
IDENTITY_FIELD = {"Snowflake": "accountID", "BigQuery": "projectId", "Databricks": "hostName"}
IDENTITY_NOUN = {"Snowflake": "account", "BigQuery": "project", "Databricks": "host"}
#: The job-config field naming the schema (dataset) that holds the table.
SCHEMA_FIELD = {"Snowflake": "schema", "BigQuery": "dataset", "Databricks": "databricksSchema"}

KIND_SNOWFLAKE = "snowflake"
KIND_DUCKDB = "duckdb"
_SNOWFLAKE_FIELDS = {
    "kind", "host", "port", "protocol", "user", "password", "account", "warehouse", "role",
    "insecure_mode", "ca_bundle", "login_timeout", "network_timeout",
}  # fmt: skip
_DUCKDB_FIELDS = {"kind", "path"}


class WarehouseError(Exception):
    """A warehouse could not be reached or answered with an error; the message is safe to store."""


class WarehouseNotRegistered(WarehouseError, LookupError):
    """No registry entry for the warehouse a job names."""


@dataclass(frozen=True)
class SnowflakeEntry:
    """Connection parameters of a Snowflake account (fakesnow's server included)."""

    host: str
    port: int
    protocol: str
    user: str
    password: str
    account: str | None = None
    warehouse: str | None = None
    role: str | None = None
    insecure_mode: bool = False
    ca_bundle: str | None = None
    login_timeout: float = 30.0
    network_timeout: float = 60.0

    def redacted(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": KIND_SNOWFLAKE, "host": self.host, "port": self.port}
        data.update(protocol=self.protocol, user=self.user, password=REDACTED if self.password else "")
        for name in ("account", "warehouse", "role", "ca_bundle"):
            if getattr(self, name) is not None:
                data[name] = getattr(self, name)
        data.update(insecure_mode=self.insecure_mode, login_timeout=self.login_timeout)
        data["network_timeout"] = self.network_timeout
        return data


@dataclass(frozen=True)
class DuckDBEntry:
    """A DuckDB file standing in for a warehouse; tables are looked up as ``<schema>.<tableName>``."""

    path: str

    def redacted(self) -> dict[str, Any]:
        return {"kind": KIND_DUCKDB, "path": self.path}


Entry = SnowflakeEntry | DuckDBEntry


@dataclass(frozen=True)
class Dialect:
    """What differs between warehouses in the SQL the emulator sends."""

    name: str
    placeholder: str  # DB-API parameter marker
    naive_timestamp_type: str  # cast target for a UTC wall-clock bound
    aware_timestamp_type: str  # cast target for a bound with a +00:00 offset
    qualify_with_database: bool  # name tables "DB"."SCHEMA"."T" (else "SCHEMA"."T")


SNOWFLAKE_DIALECT = Dialect("snowflake", "%s", "TIMESTAMP_NTZ", "TIMESTAMP_TZ", True)
DUCKDB_DIALECT = Dialect("duckdb", "?", "TIMESTAMP", "TIMESTAMPTZ", False)


@dataclass(frozen=True)
class TableTarget:
    """The table a job reads: ``display`` as configured (``DB.SCHEMA.T``), and its parts."""

    display: str
    database: str | None
    schema: str
    table: str


def table_target(store: str, location: Mapping[str, Any]) -> TableTarget:
    """The table a job's config names; the database part is Snowflake's ``database`` (else ``None``)."""
    schema = str(location.get(SCHEMA_FIELD[store]) or "")
    table = str(location.get("tableName") or "")
    display = table_name(store, location) or table
    database = str(location.get("database") or "") if store == "Snowflake" else None
    return TableTarget(display, database or None, schema, table)


class WarehouseConnection:
    """An open DB-API connection plus its :class:`Dialect`; driver errors become :class:`WarehouseError`."""

    def __init__(
        self,
        raw: Any,
        dialect: Dialect,
        error_types: tuple[type[BaseException], ...],
        on_close: Callable[[], None] | None = None,
    ) -> None:
        self.raw = raw
        self.dialect = dialect
        self._errors = error_types
        self._on_close = on_close

    def rows(self, sql: str, params: tuple[Any, ...] | None = None) -> list[tuple[Any, ...]]:
        """Run one statement and return all its rows."""
        try:
            cursor = self.raw.cursor()
            try:
                cursor.execute(sql, params) if params else cursor.execute(sql)
                return [tuple(r) for r in cursor.fetchall()]
            finally:
                cursor.close()
        except self._errors as exc:
            raise WarehouseError(str(exc).strip()) from None

    def close(self) -> None:
        try:
            self.raw.close()
        except Exception:  # closing is best effort; the session times out on the warehouse side
            log.debug("closing a %s connection failed", self.dialect.name)
        finally:
            if self._on_close is not None:
                self._on_close()


def _key(identity: object) -> str:
    return str(identity).strip().lower()


def _string(where: str, data: Mapping[str, Any], name: str, required: bool) -> str | None:
    value = data.get(name)
    if value is None:
        if required:
            raise ValueError(f"{where}: missing required field '{name}'")
        return None
    if not isinstance(value, str) or (required and not value):
        raise ValueError(f"{where}: field '{name}' must be a non-empty string")
    return value


def _number(where: str, data: Mapping[str, Any], name: str, default: float) -> float:
    value = data.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ValueError(f"{where}: field '{name}' must be a positive number")
    return float(value)


def parse_entry(section: str, identity: str, data: object) -> Entry:
    """Validate one registry entry; ``ValueError`` names the problem (never a value)."""
    where = f"warehouses.{section}['{identity}']"
    if not isinstance(data, Mapping):
        raise ValueError(f"{where} must be an object")
    kind = data.get("kind", KIND_SNOWFLAKE if section == "snowflake" else None)
    if kind == KIND_DUCKDB:
        allowed = _DUCKDB_FIELDS
    elif kind == KIND_SNOWFLAKE and section == "snowflake":
        allowed = _SNOWFLAKE_FIELDS
    else:
        kinds = "'snowflake' or 'duckdb'" if section == "snowflake" else "'duckdb'"
        raise ValueError(f"{where}: field 'kind' must be {kinds}")
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ValueError(f"{where}: unknown fields {unknown}; allowed: {sorted(allowed)}")
    if kind == KIND_DUCKDB:
        path = _string(where, data, "path", required=True)
        assert path is not None
        return DuckDBEntry(path)
    protocol = data.get("protocol", "https")
    if protocol not in ("https", "http"):
        raise ValueError(f"{where}: field 'protocol' must be 'https' or 'http'")
    port = data.get("port", 443 if protocol == "https" else 80)
    if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
        raise ValueError(f"{where}: field 'port' must be an integer from 1 to 65535")
    insecure = data.get("insecure_mode", False)
    if not isinstance(insecure, bool):
        raise ValueError(f"{where}: field 'insecure_mode' must be a boolean")
    password = data.get("password")
    if not isinstance(password, str):
        raise ValueError(f"{where}: field 'password' must be a string")
    return SnowflakeEntry(
        host=_string(where, data, "host", required=True) or "",
        port=port,
        protocol=protocol,
        user=_string(where, data, "user", required=True) or "",
        password=password,
        account=_string(where, data, "account", required=False),
        warehouse=_string(where, data, "warehouse", required=False),
        role=_string(where, data, "role", required=False),
        insecure_mode=insecure,
        ca_bundle=_string(where, data, "ca_bundle", required=False),
        login_timeout=_number(where, data, "login_timeout", 30.0),
        network_timeout=_number(where, data, "network_timeout", 60.0),
    )


def parse_registry(config: object, *, allow_removals: bool = False) -> dict[str, dict[str, Entry | None]]:
    """Validate a whole registry document; ``None`` entries (removals) only with ``allow_removals``."""
    if config is None:
        return {}
    if not isinstance(config, Mapping):
        raise ValueError("warehouses must be an object with 'snowflake', 'bigquery' and/or 'databricks'")
    result: dict[str, dict[str, Entry | None]] = {}
    for section, entries in config.items():
        if section not in SECTIONS.values():
            raise ValueError(f"unknown warehouses section '{section}'; use {sorted(SECTIONS.values())}")
        if entries is None:
            entries = {}
        if not isinstance(entries, Mapping):
            raise ValueError(f"warehouses.{section} must be an object keyed by identity")
        parsed: dict[str, Entry | None] = {}
        for identity, data in entries.items():
            if not str(identity).strip():
                raise ValueError(f"warehouses.{section} has an empty identity")
            if data is None and allow_removals:
                parsed[_key(identity)] = None
            else:
                parsed[_key(identity)] = parse_entry(section, str(identity), data)
        result[section] = parsed
    return result


class WarehouseRegistry:
    """Thread-safe map of warehouse identities to :data:`Entry` values."""

    def __init__(self, config: object = None) -> None:
        self._lock = threading.Lock()
        self._entries: dict[str, dict[str, Entry]] = {s: {} for s in SECTIONS.values()}
        self.replace(config)

    def replace(self, config: object) -> dict[str, dict[str, Any]]:
        """Replace every entry with ``config``; return the redacted registry."""
        parsed = parse_registry(config)
        with self._lock:
            self._entries = {s: {} for s in SECTIONS.values()}
            self._apply(parsed)
        return self.redacted()

    def merge(self, config: object) -> dict[str, dict[str, Any]]:
        """Add or replace the given entries (``null`` removes one), keep the rest; return redacted."""
        parsed = parse_registry(config, allow_removals=True)
        with self._lock:
            self._apply(parsed)
        return self.redacted()

    def _apply(self, parsed: Mapping[str, Mapping[str, Entry | None]]) -> None:
        for section, entries in parsed.items():
            for identity, entry in entries.items():
                if entry is None:
                    self._entries[section].pop(identity, None)
                else:
                    self._entries[section][identity] = entry

    def redacted(self) -> dict[str, dict[str, Any]]:
        """Every entry with passwords shown as ``"***"``."""
        with self._lock:
            return {
                section: {identity: entry.redacted() for identity, entry in sorted(entries.items())}
                for section, entries in self._entries.items()
            }

    def lookup(self, store: str, location: Mapping[str, Any]) -> Entry:
        """The entry for a job's table config; :class:`WarehouseNotRegistered` if there is none."""
        identity = location.get(IDENTITY_FIELD.get(store, ""))
        with self._lock:
            entry = self._entries.get(SECTIONS.get(store, ""), {}).get(_key(identity or ""))
        if entry is None:
            raise WarehouseNotRegistered(
                f"no {store} warehouse registered for {IDENTITY_NOUN.get(store, 'identity')} "
                f"'{identity}' (emulator: PUT /_emulator/warehouses)"
            )
        return entry

    def scrub(self, text: str) -> str:
        """``text`` with every registered password replaced by ``"***"``."""
        with self._lock:
            secrets = {
                e.password
                for entries in self._entries.values()
                for e in entries.values()
                if isinstance(e, SnowflakeEntry) and e.password
            }
        for secret in sorted(secrets, key=len, reverse=True):
            text = text.replace(secret, REDACTED)
        return text


_ca_lock = threading.Lock()


def _trust_ca_bundle(path: str) -> Callable[[], None]:
    """Point ``$REQUESTS_CA_BUNDLE`` at ``path`` if it is unset; return what undoes that."""
    if not os.path.isfile(path):
        raise WarehouseError(f"ca_bundle file '{path}' does not exist")
    with _ca_lock:
        if os.environ.get(CA_BUNDLE_ENV):
            if os.environ[CA_BUNDLE_ENV] != path:
                log.debug("%s is already set; it must include the warehouse's CA", CA_BUNDLE_ENV)
            return lambda: None
        os.environ[CA_BUNDLE_ENV] = path

    def restore() -> None:
        with _ca_lock:
            if os.environ.get(CA_BUNDLE_ENV) == path:
                del os.environ[CA_BUNDLE_ENV]

    return restore


def connect(entry: Entry, location: Mapping[str, Any]) -> WarehouseConnection:
    """Open a connection to ``entry`` for the table a job names; raise :class:`WarehouseError`."""
    if isinstance(entry, DuckDBEntry):
        return _connect_duckdb(entry)
    return _connect_snowflake(entry, location)


def _connect_duckdb(entry: DuckDBEntry) -> WarehouseConnection:
    try:
        import duckdb
    except ImportError:
        raise WarehouseError("a duckdb warehouse entry needs the 'duckdb' package installed") from None
    if not os.path.exists(entry.path):
        raise WarehouseError(f"duckdb file '{entry.path}' does not exist")
    try:
        raw = duckdb.connect(entry.path, read_only=True)
    except duckdb.Error as exc:
        raise WarehouseError(f"cannot open duckdb file '{entry.path}': {exc}") from None
    return WarehouseConnection(raw, DUCKDB_DIALECT, (duckdb.Error,))


def _connect_snowflake(entry: SnowflakeEntry, location: Mapping[str, Any]) -> WarehouseConnection:
    try:
        import snowflake.connector
        from snowflake.connector.errors import Error as SnowflakeError
    except ImportError:
        raise WarehouseError(
            "a Snowflake warehouse entry needs the 'snowflake-connector-python' package installed"
        ) from None
    options: dict[str, Any] = {
        "account": entry.account or str(location.get("accountID") or ""),
        "host": entry.host,
        "port": entry.port,
        "protocol": entry.protocol,
        "user": entry.user,
        "password": entry.password,
        "database": location.get("database") or None,
        "schema": location.get("schema") or None,
        "insecure_mode": entry.insecure_mode,
        "login_timeout": entry.login_timeout,
        "network_timeout": entry.network_timeout,
        "client_session_keep_alive": False,
        "session_parameters": {"CLIENT_OUT_OF_BAND_TELEMETRY_ENABLED": False},
    }
    if entry.warehouse:
        options["warehouse"] = entry.warehouse
    if entry.role:
        options["role"] = entry.role
    restore = _trust_ca_bundle(entry.ca_bundle) if entry.ca_bundle else None
    try:
        raw = snowflake.connector.connect(**options)
    except SnowflakeError as exc:
        if restore is not None:
            restore()
        where = f"{entry.protocol}://{entry.host}:{entry.port}"
        raise WarehouseError(
            f"cannot connect to Snowflake account '{options['account']}' at {where}: {exc}"
        ) from None
    except BaseException:
        if restore is not None:
            restore()
        raise
    return WarehouseConnection(raw, SNOWFLAKE_DIALECT, (SnowflakeError,), restore)
