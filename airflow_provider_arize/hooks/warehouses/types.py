"""Warehouse column types, sorted into kinds, and the kinds Arize accepts for each schema role.

:func:`classify` maps a type as a warehouse reports it (``NUMBER(38,0)``, ``INT64``, ``array<string>``)
to a :class:`Kind`; :data:`ROLE_RULES` says which kinds a role accepts. Pure functions, no I/O. The
table of accepted kinds per role, and the notes on Snowflake numbers, bare ``TIMESTAMP`` and untyped
arrays: ``docs/warehouses.md``, "Accepted column types per role".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["ROLE_RULES", "ColumnType", "Kind", "RoleRule", "classify", "rule_for"]


class Kind(StrEnum):
    """What a column holds, as far as Arize's rules care."""

    STRING = "string"
    INTEGER = "integer"
    FLOAT = "float"  # any non-integer number: floating point or decimal with a scale
    BOOLEAN = "boolean"
    TIMESTAMP = "timestamp"  # timestamps and datetimes, with or without a time zone
    DATE = "date"
    TIME = "time"
    BINARY = "binary"
    ARRAY = "array"
    STRUCT = "struct"  # object, struct, record, map
    VARIANT = "variant"  # semi-structured: variant, JSON
    OTHER = "other"  # geography, geometry, interval, vector…


@dataclass(frozen=True)
class ColumnType:
    """A classified warehouse type: ``raw`` as reported, its ``kind``, whether a timestamp is an instant
    (``tz_aware``; ``None`` for non-timestamps) and an array's element kind (``None`` if untyped)."""

    raw: str
    kind: Kind
    tz_aware: bool | None = None
    element: Kind | None = None


_STRING = {"VARCHAR", "CHAR", "CHARACTER", "STRING", "TEXT", "NVARCHAR", "NVARCHAR2", "NCHAR", "NTEXT"}
_STRING |= {"CHAR VARYING", "CHARACTER VARYING", "NCHAR VARYING", "BPCHAR"}
_INTEGER = {"INT", "INTEGER", "BIGINT", "SMALLINT", "TINYINT", "BYTEINT", "INT64", "INT32", "INT16"}
_INTEGER |= {"INT8", "INT4", "INT2", "LONG", "SHORT", "BYTE", "HUGEINT", "UBIGINT", "UINTEGER"}
_INTEGER |= {"USMALLINT", "UTINYINT", "UHUGEINT"}
_FLOAT = {"FLOAT", "FLOAT4", "FLOAT8", "FLOAT64", "FLOAT32", "DOUBLE", "DOUBLE PRECISION", "REAL"}
_FLOAT |= {"BIGNUMERIC", "BIGDECIMAL"}
#: Fixed-point types; integral when the scale is 0. Bare names default to scale 0, except NUMERIC
#: (BigQuery's NUMERIC has scale 9).
_FIXED = {"NUMBER", "DECIMAL", "NUMERIC", "DEC"}
_BOOLEAN = {"BOOLEAN", "BOOL"}
_TS_NAIVE = {"TIMESTAMP_NTZ", "DATETIME", "TIMESTAMP WITHOUT TIME ZONE", "DATETIME2", "SMALLDATETIME"}
_TS_AWARE = {"TIMESTAMP_TZ", "TIMESTAMP_LTZ", "TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ", "TIMESTAMP_S"}
_TS_AWARE |= {"TIMESTAMP WITH LOCAL TIME ZONE", "DATETIMEOFFSET"}
_BINARY = {"BINARY", "VARBINARY", "BYTES", "BLOB", "BYTEA"}
_STRUCT = {"OBJECT", "STRUCT", "RECORD", "MAP"}
_VARIANT = {"VARIANT", "JSON"}

_ARGS = re.compile(r"^(?P<name>[A-Z_][A-Z0-9_ ]*?)\s*(?:\((?P<args>[^)]*)\))?\s*$")


def classify(raw: str, *, bare_timestamp_aware: bool = True) -> ColumnType:
    """Classify a warehouse type name. ``bare_timestamp_aware``: whether plain ``TIMESTAMP`` is an instant
    (BigQuery, Databricks) or a wall-clock time (Snowflake's default)."""
    text = raw.strip()
    upper = text.upper()
    if upper.endswith("[]"):  # DuckDB-style list
        inner = classify(text[:-2], bare_timestamp_aware=bare_timestamp_aware)
        return ColumnType(raw, Kind.ARRAY, element=inner.kind)
    head = re.split(r"[<(]", upper, maxsplit=1)[0].strip()
    if head == "ARRAY":
        inner_text = _generic_argument(text)
        element = classify(inner_text, bare_timestamp_aware=bare_timestamp_aware).kind if inner_text else None
        return ColumnType(raw, Kind.ARRAY, element=element)
    if head in _STRUCT:
        return ColumnType(raw, Kind.STRUCT)
    if head in _VARIANT:
        return ColumnType(raw, Kind.VARIANT)
    match = _ARGS.match(upper)
    name = match.group("name").strip() if match else head
    args = [a.strip() for a in (match.group("args") or "").split(",") if a.strip()] if match else []
    if name in _STRING:
        return ColumnType(raw, Kind.STRING)
    if name in _INTEGER:
        return ColumnType(raw, Kind.INTEGER)
    if name in _FLOAT:
        return ColumnType(raw, Kind.FLOAT)
    if name in _FIXED:
        scale = args[1] if len(args) > 1 else ("9" if name == "NUMERIC" and not args else "0")
        return ColumnType(raw, Kind.INTEGER if scale == "0" else Kind.FLOAT)
    if name in _BOOLEAN:
        return ColumnType(raw, Kind.BOOLEAN)
    if name in _TS_NAIVE:
        return ColumnType(raw, Kind.TIMESTAMP, tz_aware=False)
    if name in _TS_AWARE:
        return ColumnType(raw, Kind.TIMESTAMP, tz_aware=True)
    if name == "TIMESTAMP" or name.startswith("TIMESTAMP_"):  # TIMESTAMP(9), DuckDB TIMESTAMP_MS…
        return ColumnType(raw, Kind.TIMESTAMP, tz_aware=bare_timestamp_aware)
    if name == "DATE":
        return ColumnType(raw, Kind.DATE)
    if name in ("TIME", "TIME WITHOUT TIME ZONE", "TIME WITH TIME ZONE", "TIMETZ"):
        return ColumnType(raw, Kind.TIME)
    if name in _BINARY:
        return ColumnType(raw, Kind.BINARY)
    return ColumnType(raw, Kind.OTHER)


def _generic_argument(text: str) -> str | None:
    """``STRING`` from ``ARRAY<STRING>`` (or ``array<struct<a:int>>`` → ``struct<a:int>``)."""
    start, end = text.find("<"), text.rfind(">")
    if start == -1 or end <= start:
        return None
    return text[start + 1 : end].strip() or None


_SCALARS = frozenset(Kind) - {Kind.ARRAY, Kind.STRUCT, Kind.VARIANT}
_NUMERIC = frozenset({Kind.INTEGER, Kind.FLOAT})


@dataclass(frozen=True)
class RoleRule:
    """The kinds a role accepts; ``array_elements`` restricts arrays to these element kinds (an untyped
    array passes); ``requirement`` is the human wording used in preflight messages."""

    name: str
    kinds: frozenset[Kind]
    requirement: str
    array_elements: frozenset[Kind] | None = None

    def accepts(self, column_type: ColumnType) -> bool:
        if column_type.kind not in self.kinds:
            return False
        if column_type.kind is Kind.ARRAY and self.array_elements is not None:
            return column_type.element is None or column_type.element in self.array_elements
        return True


_ID = RoleRule("id", frozenset({Kind.STRING, Kind.INTEGER}), "prediction ids must be strings or integers")
_TIMESTAMP = RoleRule(
    "timestamp",
    frozenset({Kind.TIMESTAMP, Kind.DATE, Kind.INTEGER, Kind.FLOAT}),
    "timestamps must be TIMESTAMP/DATETIME/DATE or a number of epoch seconds",
)
_LABEL = RoleRule(
    "label",
    _SCALARS,
    "labels must be scalar (anything convertible to a string), not ARRAY/OBJECT/MAP/STRUCT/VARIANT",
)
_SCORE = RoleRule("score", _NUMERIC, "scores must be numeric (integer or float)")
_SCORE_MAP = RoleRule(
    "score map",
    frozenset({Kind.STRUCT, Kind.VARIANT, Kind.ARRAY}),
    "multi-class scores must be a class-to-score map (OBJECT/MAP/STRUCT/VARIANT)",
)
_FEATURE = RoleRule(
    "feature",
    _NUMERIC | {Kind.STRING, Kind.BOOLEAN, Kind.ARRAY},
    "features and tags must be numeric, string, boolean, or an array of strings",
    array_elements=frozenset({Kind.STRING}),
)
_RANK = RoleRule("rank", frozenset({Kind.INTEGER}), "ranks must be integers")
_CHANGE = RoleRule(
    "change timestamp",
    frozenset({Kind.TIMESTAMP, Kind.DATE, Kind.INTEGER}),
    "the change timestamp must be TIMESTAMP/DATETIME/DATE or an integer of epoch seconds",
)
_VECTOR = RoleRule(
    "embedding vector",
    frozenset({Kind.ARRAY}),
    "embedding vectors must be arrays of numbers",
    array_elements=_NUMERIC,
)
_RAW_DATA = RoleRule(
    "embedding raw data",
    frozenset({Kind.STRING, Kind.ARRAY}),
    "embedding raw data must be a string or an array of strings",
    array_elements=frozenset({Kind.STRING}),
)

#: Rules by camelCase schema role. Roles not listed are checked as labels.
ROLE_RULES: dict[str, RoleRule] = {
    "predictionId": _ID,
    "predictionGroupId": _ID,
    "timestamp": _TIMESTAMP,
    "predictionLabel": _LABEL,
    "actualLabel": _LABEL,
    "relevanceLabel": _LABEL,
    "predictionScore": _SCORE,
    "actualScore": _SCORE,
    "relevanceScore": _SCORE,
    "shapValues": _SCORE,
    "predictionScores": _SCORE_MAP,
    "actualScores": _SCORE_MAP,
    "thresholdScores": _SCORE_MAP,
    "features": _FEATURE,
    "featuresList": _FEATURE,
    "tags": _FEATURE,
    "tagsList": _FEATURE,
    "version": RoleRule("version", frozenset({Kind.STRING}), "versions must be strings"),
    "batchId": RoleRule("batch id", frozenset({Kind.STRING}), "batch ids must be strings"),
    "rank": _RANK,
    "changeTimestamp": _CHANGE,
    "vectorCol": _VECTOR,
    "rawDataCol": _RAW_DATA,
    "linkToDataCol": RoleRule("link", frozenset({Kind.STRING}), "links to data must be URL strings"),
}


def rule_for(role: str) -> RoleRule:
    """The rule of a camelCase role (``embeddingFeatures.<name>.vectorCol`` uses its last part)."""
    return ROLE_RULES.get(role.rsplit(".", 1)[-1], _LABEL)
