"""Snowflake: table configs from a ``snowflake`` connection, metadata and counts via ``SnowflakeHook``
(imported inside the methods).

Where each part of the config comes from, how names are resolved and quoted, how values are bound:
``docs/warehouses.md``, "Snowflake".
"""

from __future__ import annotations

import re
from typing import Any

from airflow_provider_arize.api.errors import ArizeConfigError
from airflow_provider_arize.api.models.tables import SnowflakeTableConfig
from airflow_provider_arize.hooks.warehouses.base import TableDescription, WarehouseHook, split_table_name
from airflow_provider_arize.hooks.warehouses.bounds import WindowBounds
from airflow_provider_arize.hooks.warehouses.errors import ArizePreflightError

__all__ = ["SnowflakeWarehouseHook", "quote_identifier"]

_UNQUOTED = re.compile(r"^[A-Za-z_][A-Za-z0-9_$]*$")
_NOT_FOUND_ERRNO = 2003  # "does not exist or not authorized"

#: Equality filters (exact and upper-case spellings) so Snowflake can prune the information schema.
_COLUMNS_SQL = (
    "SELECT table_catalog, table_schema, table_name, column_name, data_type, "
    "numeric_precision, numeric_scale FROM {database}.INFORMATION_SCHEMA.COLUMNS "
    "WHERE table_schema IN (%(schema)s, %(schema_upper)s) AND table_name IN (%(table)s, %(table_upper)s) "
    "ORDER BY table_schema, table_name, ordinal_position"
)


def quote_identifier(name: str) -> str:
    """``"name"`` with embedded quotes doubled and ``%`` doubled for pyformat interpolation."""
    return '"' + name.replace('"', '""').replace("%", "%%") + '"'


def _database_reference(name: str) -> str:
    """A database as the user wrote it: a plain name unquoted (Snowflake folds it to upper case), anything
    else quoted exactly."""
    return name if _UNQUOTED.match(name) else quote_identifier(name)


def _type_text(data_type: str, precision: Any, scale: Any) -> str:
    if data_type.upper() in ("NUMBER", "DECIMAL", "NUMERIC") and precision is not None:
        return f"{data_type}({int(precision)},{int(scale or 0)})"
    return data_type


class SnowflakeWarehouseHook(WarehouseHook):
    """Snowflake through the official ``SnowflakeHook``; see ``docs/warehouses.md``, "Snowflake"."""

    store = "Snowflake"
    bare_timestamp_aware = False  # TIMESTAMP means TIMESTAMP_NTZ by default

    def table_config(
        self,
        table: str,
        database: str | None = None,
        schema: str | None = None,
        *,
        account_id: str | None = None,
    ) -> SnowflakeTableConfig:
        """``SnowflakeTableConfig`` for ``table`` (or ``database.schema.table``); what is not given comes
        from the connection (``docs/warehouses.md``, "Snowflake")."""
        database, schema, name = split_table_name(
            table, database, schema, outer_field="database", schema_field="schema"
        )
        extra = self.extra
        if not account_id:
            account = _extra_field(extra, "account")
            if not account:
                raise ArizeConfigError(
                    f"Snowflake connection {self.conn_id!r} has no account in its extra "
                    "(Arize needs accountID): pass account_id= or set the extra account",
                    field="accountID",
                )
            region = _extra_field(extra, "region")
            account_id = f"{account}.{region}" if region else account
        database = database or _extra_field(extra, "database")
        if not database:
            raise ArizeConfigError(
                f"no database: pass database= or set database in the extra of connection {self.conn_id!r}",
                field="database",
            )
        schema = schema or self.connection.schema or _extra_field(extra, "schema")
        if not schema:
            raise ArizeConfigError(
                f"no schema: pass schema= or set the schema of connection {self.conn_id!r}", field="schema"
            )
        return SnowflakeTableConfig(account_id=account_id, database=database, schema=schema, table_name=name)

    def _complete(self, data: dict[str, Any]) -> SnowflakeTableConfig:
        return self.table_config(
            data["table_name"], data.get("database"), data.get("schema"), account_id=data.get("account_id")
        )

    def _sql_hook(self) -> Any:
        from airflow.providers.snowflake.hooks.snowflake import SnowflakeHook

        return SnowflakeHook(snowflake_conn_id=self.conn_id)

    def _describe(self, config: SnowflakeTableConfig) -> TableDescription:
        from snowflake.connector.errors import ProgrammingError

        sql = _COLUMNS_SQL.format(database=_database_reference(config.database))
        try:
            parameters = {
                "schema": config.schema,
                "schema_upper": config.schema.upper(),
                "table": config.table_name,
                "table_upper": config.table_name.upper(),
            }
            rows = self._sql_hook().get_records(sql, parameters=parameters)
        except ProgrammingError as exc:
            if getattr(exc, "errno", None) == _NOT_FOUND_ERRNO:
                raise ArizePreflightError.table_missing(
                    config.fully_qualified_name, "database not found"
                ) from exc
            raise
        tables: dict[tuple[str, str, str], dict[str, str]] = {}
        for catalog, schema, table, column, data_type, precision, scale in rows or ():
            tables.setdefault((catalog, schema, table), {})[column] = _type_text(data_type, precision, scale)
        if not tables:
            raise ArizePreflightError.table_missing(config.fully_qualified_name)
        path = _pick(list(tables), config.schema, config.table_name)
        return TableDescription(table=".".join(path), path=path, columns=tables[path])

    def _count(self, config: Any, description: TableDescription, column: str, bounds: WindowBounds) -> int:
        table = ".".join(quote_identifier(part) for part in description.path)
        col = quote_identifier(column)
        sql = f"SELECT COUNT(*) FROM {table} WHERE {col} >= %(window_start)s AND {col} < %(window_end)s"
        row = self._sql_hook().get_first(sql, parameters={"window_start": bounds.lo, "window_end": bounds.hi})
        return int(row[0]) if row else 0


def _pick(paths: list[tuple[str, str, str]], schema: str, table: str) -> tuple[str, str, str]:
    """The exact-case match, else the upper-case (unquoted) spelling, else the first in sorted order."""
    for wanted in ((schema, table), (schema.upper(), table.upper())):
        for path in paths:
            if path[1:] == wanted:
                return path
    return sorted(paths)[0]


def _extra_field(extra: dict[str, Any], name: str) -> str | None:
    """``name`` or its legacy ``extra__snowflake__`` form, as ``SnowflakeHook`` reads it."""
    value = extra.get(name) or extra.get(f"extra__snowflake__{name}")
    return str(value) if value else None
