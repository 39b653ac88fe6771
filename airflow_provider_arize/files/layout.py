"""What a file holds, as far as validation cares: column names, their types, and a row count.

:class:`ColumnType` is a small, format-neutral type description (Parquet, Arrow, Avro and inferred CSV
types all map onto it). ``str()`` gives the name used in problem messages (``list<float>``,
``map<string, float>``); ``source`` keeps the file's own spelling (``large_string``,
``timestamp[us, tz=UTC]``, ``["null", "long"]``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .formats import FileFormat

__all__ = ["ColumnType", "FileLayout", "arrow_column_type"]

INTEGER = "integer"
FLOAT = "float"
DECIMAL = "decimal"
BOOLEAN = "boolean"
STRING = "string"
BINARY = "binary"
TIMESTAMP = "timestamp"
DATE = "date"
TIME = "time"
LIST = "list"
STRUCT = "struct"
MAP = "map"
NULL = "null"
OTHER = "other"

NUMERIC_KINDS = frozenset({INTEGER, FLOAT, DECIMAL})
NESTED_KINDS = frozenset({LIST, STRUCT, MAP})


#: How many levels of nested types a column type's text shows (a message stays short however deep it is).
_SHOWN_DEPTH = 3


def _text(column: ColumnType | None, depth: int) -> str:
    return "None" if column is None else column._text(depth)


@dataclass(frozen=True)
class ColumnType:
    """A column's type.

    ``kind`` is one of ``integer``, ``float``, ``decimal``, ``boolean``, ``string``, ``binary``,
    ``timestamp``, ``date``, ``time``, ``list``, ``struct``, ``map``, ``null`` (every value null, or no
    value in a CSV sample) and ``other``. ``item`` is a list's element or a map's value type, ``key`` a
    map's key type, ``fields`` a struct's fields.
    """

    kind: str
    item: ColumnType | None = None
    key: ColumnType | None = None
    fields: tuple[tuple[str, ColumnType], ...] = ()
    source: str = field(default="", compare=False)

    def __str__(self) -> str:
        return self._text(_SHOWN_DEPTH)

    def _text(self, depth: int) -> str:
        """The type, nested types shown ``depth`` levels deep (deeper ones as ``struct<...>``...)."""
        if self.kind in NESTED_KINDS and depth <= 0:
            return f"{self.kind}<...>"
        if self.kind == LIST:
            return f"list<{_text(self.item, depth - 1)}>"
        if self.kind == MAP:
            return f"map<{_text(self.key, depth - 1)}, {_text(self.item, depth - 1)}>"
        if self.kind == STRUCT:
            inner = ", ".join(f"{n}: {t._text(depth - 1)}" for n, t in self.fields[:4])
            return f"struct<{inner}{', ...' if len(self.fields) > 4 else ''}>"
        if self.kind == OTHER and self.source:
            return self.source
        return self.kind

    @property
    def is_numeric(self) -> bool:
        return self.kind in NUMERIC_KINDS

    @property
    def is_scalar(self) -> bool:
        """Not a list, struct or map."""
        return self.kind not in NESTED_KINDS

    @property
    def is_null(self) -> bool:
        return self.kind == NULL

    def is_list_of(self, kinds: frozenset[str] | set[str]) -> bool:
        """A list whose elements are of one of ``kinds`` (or all null)."""
        return self.kind == LIST and self.item is not None and self.item.kind in kinds | {NULL}


@dataclass(frozen=True)
class FileLayout:
    """Columns (in file order) and, when the format records it cheaply, the row count."""

    columns: dict[str, ColumnType]
    row_count: int | None
    format: FileFormat


def arrow_column_type(data_type: Any) -> ColumnType:
    """Map a ``pyarrow.DataType`` to a :class:`ColumnType` (imports pyarrow)."""
    import pyarrow.types as t

    source = str(data_type)
    if t.is_dictionary(data_type):
        inner = arrow_column_type(data_type.value_type)
        return ColumnType(inner.kind, inner.item, inner.key, inner.fields, source)
    if t.is_boolean(data_type):
        return ColumnType(BOOLEAN, source=source)
    if t.is_integer(data_type):
        return ColumnType(INTEGER, source=source)
    if t.is_floating(data_type):
        return ColumnType(FLOAT, source=source)
    if t.is_decimal(data_type):
        return ColumnType(DECIMAL, source=source)
    if t.is_string(data_type) or t.is_large_string(data_type) or _is(t, "is_string_view", data_type):
        return ColumnType(STRING, source=source)
    if (
        t.is_binary(data_type)
        or t.is_large_binary(data_type)
        or t.is_fixed_size_binary(data_type)
        or _is(t, "is_binary_view", data_type)
    ):
        return ColumnType(BINARY, source=source)
    if t.is_timestamp(data_type):
        return ColumnType(TIMESTAMP, source=source)
    if t.is_date(data_type):
        return ColumnType(DATE, source=source)
    if t.is_time(data_type):
        return ColumnType(TIME, source=source)
    if t.is_null(data_type):
        return ColumnType(NULL, source=source)
    if t.is_map(data_type):
        return ColumnType(
            MAP,
            item=arrow_column_type(data_type.item_type),
            key=arrow_column_type(data_type.key_type),
            source=source,
        )
    if (
        t.is_list(data_type)
        or t.is_large_list(data_type)
        or t.is_fixed_size_list(data_type)
        or _is(t, "is_list_view", data_type)
        or _is(t, "is_large_list_view", data_type)
    ):
        return ColumnType(LIST, item=arrow_column_type(data_type.value_type), source=source)
    if t.is_struct(data_type):
        fields = tuple(
            (data_type.field(i).name, arrow_column_type(data_type.field(i).type))
            for i in range(data_type.num_fields)
        )
        return ColumnType(STRUCT, fields=fields, source=source)
    if hasattr(data_type, "storage_type"):  # extension types: judge by their storage
        inner = arrow_column_type(data_type.storage_type)
        return ColumnType(inner.kind, inner.item, inner.key, inner.fields, source)
    return ColumnType(OTHER, source=source)


def _is(module: Any, predicate: str, data_type: Any) -> bool:
    check = getattr(module, predicate, None)
    return bool(check(data_type)) if check is not None else False


def arrow_columns(schema: Any) -> dict[str, ColumnType]:
    """The columns of a ``pyarrow.Schema``."""
    return {f.name: arrow_column_type(f.type) for f in schema}
