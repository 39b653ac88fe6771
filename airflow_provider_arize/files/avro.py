"""Avro object container files: schema from the header, row count from a walk over block headers.

Header bounds, the block walk's budget and the sync-marker checks: ``docs/file-jobs.md``, "Bytes read,
per format"."""

from __future__ import annotations

import json
from typing import Any

from .errors import FileValidationError
from .formats import FileFormat, sniff_format
from .layout import (
    BINARY,
    BOOLEAN,
    DATE,
    DECIMAL,
    FLOAT,
    INTEGER,
    LIST,
    MAP,
    NULL,
    OTHER,
    STRING,
    STRUCT,
    TIME,
    TIMESTAMP,
    ColumnType,
    FileLayout,
)
from .readers import RangeReader

__all__ = ["FIRST_READ_BYTES", "MAX_HEADER_BYTES", "avro_column_type", "inspect_avro"]

MAGIC = b"Obj\x01"
SYNC_SIZE = 16
FIRST_READ_BYTES = 64 * 1024
MAX_HEADER_BYTES = 1024 * 1024
_MAX_VARINT = 10  # bytes of a zig-zag encoded 64-bit long


class _Short(Exception):
    """The bytes in hand end before the value being decoded."""


def _read_long(buf: bytes, pos: int) -> tuple[int, int]:
    """Decode a zig-zag varint long at ``pos``; return (value, next position)."""
    shift = 0
    value = 0
    for i in range(_MAX_VARINT):
        if pos + i >= len(buf):
            raise _Short
        byte = buf[pos + i]
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return (value >> 1) ^ -(value & 1), pos + i + 1
        shift += 7
    raise FileValidationError("corrupt Avro file: a varint is longer than 10 bytes")


def _read_bytes(buf: bytes, pos: int) -> tuple[bytes, int]:
    length, pos = _read_long(buf, pos)
    if length < 0:
        raise FileValidationError("corrupt Avro header: negative length")
    if pos + length > len(buf):
        raise _Short
    return buf[pos : pos + length], pos + length


def _parse_header(buf: bytes) -> tuple[dict[str, bytes], bytes, int]:
    """(metadata, sync marker, position of the first block) of a header held in ``buf``."""
    meta: dict[str, bytes] = {}
    pos = len(MAGIC)
    while True:
        count, pos = _read_long(buf, pos)
        if count == 0:
            break
        if count < 0:  # a negative count is followed by the block's byte size
            count = -count
            _, pos = _read_long(buf, pos)
        for _ in range(count):
            key, pos = _read_bytes(buf, pos)
            value, pos = _read_bytes(buf, pos)
            meta[key.decode("utf-8", "replace")] = value
    if pos + SYNC_SIZE > len(buf):
        raise _Short
    return meta, buf[pos : pos + SYNC_SIZE], pos + SYNC_SIZE


class _Window:
    """The last chunk read, so that nearby reads cost no request; ``fetches`` counts the requests."""

    def __init__(self, reader: RangeReader, start: int, data: bytes) -> None:
        self.reader = reader
        self.start = start
        self.data = data
        self.fetches = 0

    def holds(self, offset: int, length: int) -> bool:
        end = min(offset + length, self.reader.size)
        return self.start <= offset and end <= self.start + len(self.data)

    def get(self, offset: int, length: int, fetch: int) -> bytes:
        end = min(offset + length, self.reader.size)
        if not self.holds(offset, length):
            self.start, self.data = offset, self.reader.read(offset, max(length, fetch))
            self.fetches += 1
        return self.data[offset - self.start : end - self.start]


class _OutOfBudget(Exception):
    """The block walk needs a request beyond its budget."""


def inspect_avro(reader: RangeReader, max_block_reads: int | None = 0) -> FileLayout:
    """Columns and row count of an Avro object container file (bounds: ``docs/file-jobs.md``, "Bytes
    read, per format").

    ``max_block_reads``: requests the block walk may make beyond the first read (``None``: no limit).
    """
    size = reader.size
    chunk = reader.read(0, min(size, FIRST_READ_BYTES))
    if not chunk.startswith(MAGIC):
        looks = sniff_format(chunk[:512])
        hint = f"; its content looks like {looks}" if looks and looks != "Avro" else ""
        raise FileValidationError(f"not a valid Avro file: no Obj\\x01 magic at the start{hint}")
    while True:
        try:
            meta, sync, first_block = _parse_header(chunk)
            break
        except _Short:
            if len(chunk) >= size:
                raise FileValidationError("corrupt Avro file: the header is truncated") from None
            if len(chunk) >= MAX_HEADER_BYTES:
                raise FileValidationError(
                    f"Avro header is over the {MAX_HEADER_BYTES}-byte limit of this check"
                ) from None
            chunk += reader.read(len(chunk), min(len(chunk), MAX_HEADER_BYTES - len(chunk)))
    try:
        schema = json.loads(meta["avro.schema"].decode("utf-8"))
    except KeyError:
        raise FileValidationError("corrupt Avro header: no avro.schema") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FileValidationError(f"corrupt Avro header: avro.schema is not JSON ({exc})") from None
    columns = _record_columns(schema)
    window = _Window(reader, 0, chunk)
    try:
        rows: int | None = _walk_blocks(window, first_block, sync, max_block_reads)
    except _OutOfBudget:
        rows = None
        _check_ends_with_sync(reader, sync)
    return FileLayout(columns=columns, row_count=rows, format=FileFormat.AVRO)


def _check_ends_with_sync(reader: RangeReader, sync: bytes) -> None:
    """A complete Avro file ends with its sync marker (after the last block); one 16-byte request."""
    if reader.read(reader.size - SYNC_SIZE, SYNC_SIZE) != sync:
        raise FileValidationError(
            f"Avro file is truncated or corrupt: it does not end with its sync marker ({reader.size} bytes)"
        )


def _walk_blocks(window: _Window, pos: int, sync: bytes, max_reads: int | None) -> int:
    """The rows of every block from ``pos``; raises ``_OutOfBudget`` before a read beyond ``max_reads``."""
    size = window.reader.size

    def get(offset: int, length: int) -> bytes:
        if max_reads is not None and not window.holds(offset, length) and window.fetches >= max_reads:
            raise _OutOfBudget
        return window.get(offset, length, SYNC_SIZE + 2 * _MAX_VARINT)

    rows = 0
    while pos < size:
        header = get(pos, 2 * _MAX_VARINT)
        try:
            count, used = _read_long(header, 0)
            nbytes, used = _read_long(header, used)
        except _Short:
            raise FileValidationError(
                f"Avro file is truncated: incomplete block header at offset {pos}"
            ) from None
        if count < 0 or nbytes < 0:
            raise FileValidationError(f"corrupt Avro file: bad block header at offset {pos}")
        data_end = pos + used + nbytes
        if data_end + SYNC_SIZE > size:
            raise FileValidationError(
                f"Avro file is truncated: the block at offset {pos} runs past the end ({size} bytes)"
            )
        marker = get(data_end, SYNC_SIZE + 2 * _MAX_VARINT)
        if marker[:SYNC_SIZE] != sync:
            raise FileValidationError(
                f"corrupt Avro file: sync marker mismatch after the block at offset {pos}"
            )
        rows += count
        pos = data_end + SYNC_SIZE
    return rows


def _record_columns(schema: Any) -> dict[str, ColumnType]:
    names: dict[str, Any] = {}
    if not isinstance(schema, dict) or schema.get("type") != "record":
        raise FileValidationError("Avro schema is not a record: Arize needs one column per record field")
    column = avro_column_type(schema, names)
    return dict(column.fields)


def avro_column_type(schema: Any, names: dict[str, Any] | None = None) -> ColumnType:
    """Map an Avro schema (parsed JSON) to a :class:`ColumnType`; ``names`` collects named types.

    Named types (record, enum, fixed) are keyed by their full name, and a reference is resolved as the
    specification says: a dotted name is a full name, any other is in the namespace of the enclosing
    definition. A reference that does not resolve so falls back to the name without a namespace, then
    to the one type of that short name if there is only one. A record that refers to itself (a linked
    list, a tree) is a struct whose recursive field is a ``struct<>`` with no fields. A logical type on
    a type it does not annotate (``date`` on a string), or an invalid decimal, is ignored: the column
    has the underlying type, as Avro readers read it. Each named type is mapped once, and a reference
    to it again gets that mapping: a few KiB of schema whose types each refer twice to the one before
    would otherwise expand to billions of types.
    """
    return _column_type(schema, _Named({} if names is None else names), "", frozenset())


class _Named:
    """The named types defined so far (by full name), and the column type of each reference mapped."""

    def __init__(self, names: dict[str, Any]) -> None:
        self.names = names
        self.mapped: dict[str, ColumnType] = {}


def _source(schema: Any) -> str:
    source = json.dumps(schema) if not isinstance(schema, str) else schema
    return source[:77] + "..." if len(source) > 80 else source


def _full_name(schema: dict[str, Any], namespace: str) -> str:
    """The full name of a named type defined in ``schema`` inside ``namespace``."""
    name = schema["name"]
    if "." in name:
        return str(name)
    own = schema.get("namespace")
    space = own if isinstance(own, str) else namespace
    return f"{space}.{name}" if space else str(name)


def _resolve(reference: str, names: dict[str, Any], namespace: str) -> str | None:
    """The full name a reference to a named type means, or ``None`` when no type of that name is defined."""
    if "." in reference:
        candidates = [reference]
    else:
        candidates = [f"{namespace}.{reference}", reference] if namespace else [reference]
    for candidate in candidates:
        if candidate in names:
            return candidate
    short = reference.rsplit(".", 1)[-1]
    matches = [full for full in names if full.rsplit(".", 1)[-1] == short]
    return matches[0] if len(matches) == 1 else None


def _logical_applies(logical: str, kind: Any, schema: dict[str, Any]) -> bool:
    """``logicalType`` annotates this base type (and a decimal's precision and scale are valid)."""
    if kind not in _LOGICAL_BASES[logical]:
        return False
    if logical == "uuid" and kind == "fixed":
        return schema.get("size") == 16
    if logical == "decimal":
        precision, scale = schema.get("precision"), schema.get("scale", 0)
        if not isinstance(precision, int) or not isinstance(scale, int):
            return False
        return precision > 0 and 0 <= scale <= precision
    return True


def _column_type(schema: Any, named: _Named, namespace: str, expanding: frozenset[str]) -> ColumnType:
    """``schema`` inside ``namespace``; ``expanding``: the records being expanded (a reference back to one
    of them is recursive)."""
    source = _source(schema)
    if isinstance(schema, list):  # a union: nullable when it includes "null"
        branches = [b for b in schema if b != "null"]
        if not branches:
            return ColumnType(NULL, source=source)
        # every branch is walked, so that the named types a union defines are known to later fields
        types = [_column_type(b, named, namespace, expanding) for b in branches]
        if len(types) == 1:
            inner = types[0]
            return ColumnType(inner.kind, inner.item, inner.key, inner.fields, source)
        return ColumnType(OTHER, source=source)
    if isinstance(schema, str):
        if schema in _PRIMITIVES:
            return ColumnType(_PRIMITIVES[schema], source=schema)
        full = _resolve(schema, named.names, namespace)
        if full is None:
            raise FileValidationError(f"Avro schema refers to an undefined type {schema!r}")
        if full in expanding:
            return ColumnType(STRUCT, source=f"{full} (recursive)")
        if full not in named.mapped:
            named.mapped[full] = _column_type(named.names[full], named, full.rpartition(".")[0], expanding)
        return named.mapped[full]
    if not isinstance(schema, dict):
        raise FileValidationError(f"Avro schema has an invalid type {schema!r}")
    kind = schema.get("type")
    logical = schema.get("logicalType")
    if isinstance(kind, dict | list):
        return _column_type(kind, named, namespace, expanding)
    if kind in ("record", "enum", "fixed") and isinstance(schema.get("name"), str):
        full = _full_name(schema, namespace)
        named.names[full] = schema
        namespace = full.rpartition(".")[0]
        if kind == "record":
            expanding = expanding | {full}
    if logical in _LOGICAL and _logical_applies(logical, kind, schema):
        return ColumnType(_LOGICAL[logical], source=source)
    if kind == "record":
        fields = schema.get("fields")
        if not isinstance(fields, list):
            raise FileValidationError("Avro record schema has no fields list")
        return ColumnType(
            STRUCT,
            fields=tuple(
                (str(f.get("name")), _column_type(f.get("type"), named, namespace, expanding)) for f in fields
            ),
            source=source,
        )
    if kind == "array":
        return ColumnType(
            LIST, item=_column_type(schema.get("items"), named, namespace, expanding), source=source
        )
    if kind == "map":
        values = _column_type(schema.get("values"), named, namespace, expanding)
        return ColumnType(MAP, item=values, key=ColumnType(STRING), source=source)
    if kind == "enum":
        return ColumnType(STRING, source=source)
    if kind == "fixed":
        return ColumnType(BINARY, source=source)
    if isinstance(kind, str):
        return _column_type(kind, named, namespace, expanding)
    raise FileValidationError(f"Avro schema has an invalid type {schema!r}")


_PRIMITIVES = {
    "null": NULL,
    "boolean": BOOLEAN,
    "int": INTEGER,
    "long": INTEGER,
    "float": FLOAT,
    "double": FLOAT,
    "bytes": BINARY,
    "string": STRING,
}
_LOGICAL = {
    "decimal": DECIMAL,
    "uuid": STRING,
    "date": DATE,
    "time-millis": TIME,
    "time-micros": TIME,
    "timestamp-millis": TIMESTAMP,
    "timestamp-micros": TIMESTAMP,
    "timestamp-nanos": TIMESTAMP,
    "local-timestamp-millis": TIMESTAMP,
    "local-timestamp-micros": TIMESTAMP,
    "local-timestamp-nanos": TIMESTAMP,
}
#: the types each logical type annotates (Avro specification 1.12); on any other it is ignored
_LOGICAL_BASES = {
    "decimal": {"bytes", "fixed"},
    "uuid": {"string", "fixed"},
    "date": {"int"},
    "time-millis": {"int"},
    "time-micros": {"long"},
    **{name: {"long"} for name, kind in _LOGICAL.items() if kind == TIMESTAMP},
}
