"""A minimal Avro object-container writer (null codec), for sample files in tests and benchmarks.

No Avro library is installed: this writes primitives, unions, arrays, maps and records, enough for
inference files. Not a general-purpose Avro implementation.
"""

from __future__ import annotations

import json
import os
import struct
from typing import Any


def long_bytes(value: int) -> bytes:
    """Zig-zag varint encoding of a 64-bit long."""
    n = (value << 1) ^ (value >> 63)
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def length_prefixed(data: bytes) -> bytes:
    return long_bytes(len(data)) + data


def encode(value: Any, schema: Any) -> bytes:
    """Encode one datum of ``schema`` (primitives, unions, arrays, maps, records)."""
    if isinstance(schema, list):
        index = next(i for i, b in enumerate(schema) if (b == "null") == (value is None))
        return long_bytes(index) + encode(value, schema[index])
    if isinstance(schema, dict):
        kind = schema["type"]
        if kind == "record":
            return b"".join(encode(value[f["name"]], f["type"]) for f in schema["fields"])
        if kind == "array":
            items = b"".join(encode(v, schema["items"]) for v in value)
            return (long_bytes(len(value)) + items if value else b"") + long_bytes(0)
        if kind == "map":
            items = b"".join(
                length_prefixed(k.encode()) + encode(v, schema["values"]) for k, v in value.items()
            )
            return (long_bytes(len(value)) + items if value else b"") + long_bytes(0)
        if kind == "enum":
            return long_bytes(int(value))
        return encode(value, kind)
    if schema == "null":
        return b""
    if schema == "boolean":
        return b"\x01" if value else b"\x00"
    if schema in ("int", "long"):
        return long_bytes(int(value))
    if schema == "float":
        return struct.pack("<f", value)
    if schema == "double":
        return struct.pack("<d", value)
    if schema == "string":
        return length_prefixed(str(value).encode())
    if schema == "bytes":
        return length_prefixed(value)
    raise ValueError(f"unsupported schema {schema!r}")


def write_avro(schema: dict[str, Any], records: list[dict[str, Any]], block_rows: int = 100) -> bytes:
    """An Avro object container file of ``records``, ``block_rows`` per block."""
    sync = os.urandom(16)
    meta = {"avro.schema": json.dumps(schema).encode(), "avro.codec": b"null"}
    header = b"Obj\x01" + long_bytes(len(meta))
    header += (
        b"".join(length_prefixed(k.encode()) + length_prefixed(v) for k, v in meta.items())
        + long_bytes(0)
        + sync
    )
    blocks = []
    for start in range(0, len(records), block_rows):
        chunk = records[start : start + block_rows]
        data = b"".join(encode(r, schema) for r in chunk)
        blocks.append(long_bytes(len(chunk)) + long_bytes(len(data)) + data + sync)
    return header + b"".join(blocks)
