"""The SQL a table-job query sends: resolve the table and the schema's columns, then count a window.

Name matching, required columns, timestamp types and errors: ``docs/emulator.md``, "The table worker"."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Literal

from .warehouses import TableTarget, WarehouseConnection, WarehouseError

#: Schema fields that name one column each (checked in this order).
EXACT_FIELDS = (
    "predictionId", "timestamp", "predictionLabel", "predictionScore", "actualLabel", "actualScore",
    "version", "changeTimestamp",
)  # fmt: skip
LIST_FIELDS = ("featuresList", "tagsList")
PREFIX_FIELDS = ("features", "tags")
#: One microsecond: the first scheduled window starts this much before the smallest change timestamp.
EPSILON = 1e-6

_PLAIN_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")
ChangeKind = Literal["naive", "aware", "epoch"]
_NUMERIC = (
    "NUMBER", "NUMERIC", "DECIMAL", "INT", "BIGINT", "SMALLINT", "TINYINT", "BYTEINT", "HUGEINT", "UBIGINT",
    "UINTEGER", "USMALLINT", "UTINYINT", "FLOAT", "DOUBLE", "REAL",
)  # fmt: skip


class QueryFailure(Exception):
    """The query cannot run; the message names the problem and is stored as the query's error."""


@dataclass(frozen=True)
class ResolvedTable:
    """A job's table as the warehouse stores it."""

    display: str  # as configured, e.g. DB.SCHEMA.T
    sql_name: str  # quoted, e.g. "DB"."SCHEMA"."T"
    change_column: str  # quoted
    change_kind: ChangeKind


def quote(identifier: str) -> str:
    """``identifier`` as a double-quoted SQL identifier."""
    return '"' + identifier.replace('"', '""') + '"'


def _database_ref(name: str) -> str:
    # unquoted when it is a plain identifier, so Snowflake folds it like the user's own SQL would
    return name if _PLAIN_IDENTIFIER.fullmatch(name) else quote(name)


def _rows(
    conn: WarehouseConnection, target: TableTarget, sql: str, params: tuple[Any, ...] | None = None
) -> Any:
    try:
        return conn.rows(sql, params)
    except WarehouseError as exc:
        raise QueryFailure(f"warehouse error on table {target.display}: {exc}") from None


def change_kind(data_type: str) -> ChangeKind | None:
    """Classify a change-timestamp column's SQL type; ``None`` if it cannot hold a change timestamp."""
    kind = data_type.strip().upper()
    if "TIME ZONE" in kind or kind.startswith(("TIMESTAMP_TZ", "TIMESTAMP_LTZ", "TIMESTAMPTZ")):
        return "aware"
    if kind.startswith(("TIMESTAMP", "DATETIME", "DATE")):
        return "naive"
    if kind.startswith(_NUMERIC):
        return "epoch"
    return None


def _columns(conn: WarehouseConnection, target: TableTarget) -> tuple[str, list[tuple[str, str]]]:
    """The quoted table name and its ``(column, data_type)`` pairs; :class:`QueryFailure` if absent."""
    dialect = conn.dialect
    mark = dialect.placeholder
    source = "information_schema.columns"
    if dialect.qualify_with_database and target.database:
        source = f"{_database_ref(target.database)}.information_schema.columns"
    sql = (
        f"SELECT table_catalog, table_schema, table_name, column_name, data_type FROM {source}"
        f" WHERE UPPER(table_schema) = UPPER({mark}) AND UPPER(table_name) = UPPER({mark})"
        " ORDER BY table_catalog, table_schema, table_name, ordinal_position"
    )
    rows = _rows(conn, target, sql, (target.schema, target.table))
    tables: dict[tuple[str, str, str], list[tuple[str, str]]] = {}
    for catalog, schema, table, column, data_type in rows:
        tables.setdefault((str(catalog), str(schema), str(table)), []).append((str(column), str(data_type)))
    if not tables:
        raise QueryFailure(f"table {target.display} does not exist")
    exact = [k for k in tables if k[1] == target.schema and k[2] == target.table]
    catalog, schema, table = exact[0] if exact else next(iter(tables))
    parts = [catalog, schema, table] if dialect.qualify_with_database else [schema, table]
    return ".".join(quote(p) for p in parts), tables[(catalog, schema, table)]


def _find(columns: Mapping[str, tuple[str, str]], name: str) -> tuple[str, str] | None:
    return columns.get(name.upper())


def resolve_table(conn: WarehouseConnection, target: TableTarget, schema: Mapping[str, Any]) -> ResolvedTable:
    """Check the table and every column the job schema names; :class:`QueryFailure` if any is missing."""
    sql_name, pairs = _columns(conn, target)
    by_upper: dict[str, tuple[str, str]] = {}
    for column, data_type in pairs:
        # an exact-case duplicate (quoted names differing by case) wins over a folded one
        if column.upper() not in by_upper or column == column.upper():
            by_upper[column.upper()] = (column, data_type)
    problems: list[str] = []
    for field in EXACT_FIELDS:
        name = schema.get(field)
        if isinstance(name, str) and name and _find(by_upper, name) is None:
            problems.append(f"column {name} named by schema.{field} does not exist in {target.display}")
    for field in LIST_FIELDS:
        for name in schema.get(field) or []:
            if isinstance(name, str) and name and _find(by_upper, name) is None:
                problems.append(f"column {name} named by schema.{field} does not exist in {target.display}")
    for field in PREFIX_FIELDS:
        prefix = schema.get(field)
        if isinstance(prefix, str) and prefix and not any(u.startswith(prefix.upper()) for u in by_upper):
            problems.append(f"no column of {target.display} starts with '{prefix}' (schema.{field})")
    change = schema.get("changeTimestamp")
    if not isinstance(change, str) or not change:
        problems.append("schema.changeTimestamp is not set")
    if problems:
        raise QueryFailure("; ".join(problems))
    assert isinstance(change, str)
    column, data_type = by_upper[change.upper()]
    kind = change_kind(data_type)
    if kind is None:
        raise QueryFailure(
            f"column {column} named by schema.changeTimestamp in {target.display} has type {data_type}; "
            "it must be a TIMESTAMP, DATETIME, DATE or a number of epoch seconds"
        )
    return ResolvedTable(target.display, sql_name, quote(column), kind)


def to_epoch(value: object) -> float | None:
    """A change-timestamp value read back from the warehouse, as epoch seconds (naive = UTC)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp()
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC).timestamp()
    if isinstance(value, int | float | Decimal):
        return float(value)
    raise QueryFailure(f"cannot read change timestamp value of type {type(value).__name__}")


def literal(conn: WarehouseConnection, kind: ChangeKind, epoch: float) -> str:
    """A window bound as an SQL literal comparable with a change-timestamp column of ``kind``."""
    if kind == "epoch":
        return f"{epoch:.6f}"
    moment = (
        datetime.fromtimestamp(epoch, tz=UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
    )
    if kind == "naive":
        return f"CAST('{moment}' AS {conn.dialect.naive_timestamp_type})"
    return f"CAST('{moment}+00:00' AS {conn.dialect.aware_timestamp_type})"


def min_change_timestamp(
    conn: WarehouseConnection, table: ResolvedTable, target: TableTarget
) -> float | None:
    """The smallest change timestamp in the table (epoch seconds), ``None`` if it has no rows."""
    rows = _rows(conn, target, f"SELECT MIN({table.change_column}) FROM {table.sql_name}")
    return to_epoch(rows[0][0]) if rows else None


def count_window(
    conn: WarehouseConnection,
    table: ResolvedTable,
    target: TableTarget,
    start: float,
    end: float,
    *,
    triggered: bool,
    row_limit: int | None,
) -> tuple[int, float | None]:
    """Rows a query ingests and the largest change timestamp among them.

    ``triggered``: the half-open window ``[start, end)``; otherwise (scheduled) ``(start, end]``. Rows are
    taken in change-timestamp order, at most ``row_limit`` of them.
    """
    column = table.change_column
    low, high = literal(conn, table.change_kind, start), literal(conn, table.change_kind, end)
    where = (
        f"{column} >= {low} AND {column} < {high}"
        if triggered
        else f"{column} > {low} AND {column} <= {high}"
    )
    inner = f"SELECT {column} AS change_ts FROM {table.sql_name} WHERE {where}"
    if row_limit:
        inner += f" ORDER BY {column} LIMIT {int(row_limit)}"
    rows = _rows(conn, target, f"SELECT COUNT(*), MAX(change_ts) FROM ({inner}) AS window_rows")
    count, largest = rows[0] if rows else (0, None)
    return int(count or 0), to_epoch(largest)
