"""Arrow IPC: schema and row count of the file format (Feather v2) and the stream format, reading only the
footer and message headers.

Bytes and requests per format: ``docs/file-jobs.md``, "Bytes read, per format"."""

from __future__ import annotations

import io
import struct

from . import _flatbuf
from .errors import FileValidationError
from .formats import FileFormat, sniff_format
from .layout import FileLayout, arrow_columns
from .readers import RangeReader, ReaderFile

__all__ = ["MAX_BATCH_HEADERS", "count_stream_rows", "inspect_arrow"]

MAGIC = b"ARROW1"
CONTINUATION = b"\xff\xff\xff\xff"
#: Record batch headers read for the row count of an Arrow IPC file (one request each): above this many
#: batches the row count is left unknown, so validation costs at most 2 + 16 requests at any size.
MAX_BATCH_HEADERS = 16
#: Largest footer or schema message read.
MAX_METADATA_BYTES = 64 * 1024 * 1024
_BLOCK = struct.Struct("<qi4xq")  # offset, metaDataLength, (padding), bodyLength
_HEADER_RECORD_BATCH = 3


def inspect_arrow(reader: RangeReader, max_batches: int | None = MAX_BATCH_HEADERS) -> FileLayout:
    """Columns (and for IPC files the row count) of an Arrow IPC file or stream."""
    size = reader.size
    if size >= 18:
        tail = reader.read(size - 10, 10)
        if tail[4:] == MAGIC:
            return _inspect_file(reader, tail, max_batches)
    head = reader.read(0, 8)
    if head.startswith(MAGIC):
        raise FileValidationError("Arrow IPC file is truncated: no ARROW1 magic at the end")
    if head.startswith(b"FEA1"):
        raise FileValidationError("Feather v1 files are not supported; write Feather v2 (Arrow IPC)")
    return _inspect_stream(reader, head)


def _not_arrow(head: bytes, why: str) -> FileValidationError:
    looks = sniff_format(head)
    hint = f"; its content looks like {looks}" if looks and not looks.startswith("Arrow") else ""
    return FileValidationError(f"not a valid Arrow IPC file or stream: {why}{hint}")


def _inspect_file(reader: RangeReader, tail: bytes, max_batches: int | None) -> FileLayout:
    import pyarrow as pa

    size = reader.size
    (footer_len,) = struct.unpack("<i", tail[:4])
    if footer_len <= 0 or footer_len + 18 > size:
        raise FileValidationError(f"corrupt Arrow IPC file: footer length {footer_len} in a {size}-byte file")
    if footer_len > MAX_METADATA_BYTES:
        raise FileValidationError(f"Arrow IPC footer of {footer_len} bytes is over this check's limit")
    footer = reader.read(size - 10 - footer_len, footer_len)
    try:
        schema = pa.ipc.open_file(pa.BufferReader(MAGIC + b"\0\0" + footer + tail)).schema
        blocks = _record_batch_blocks(footer)
    except (pa.ArrowException, ValueError, struct.error) as exc:
        raise FileValidationError(f"corrupt Arrow IPC footer: {exc}") from exc
    rows: int | None = None
    if max_batches is None or len(blocks) <= max_batches:
        rows = 0
        for offset, meta_len in blocks:
            if offset < 8 or meta_len <= 0 or offset + meta_len > size or meta_len > MAX_METADATA_BYTES:
                raise FileValidationError(f"corrupt Arrow IPC file: record batch block at offset {offset}")
            rows += _batch_length(reader.read(offset, meta_len), offset)
    return FileLayout(columns=arrow_columns(schema), row_count=rows, format=FileFormat.ARROW)


def _record_batch_blocks(footer: bytes) -> list[tuple[int, int]]:
    """(offset, metaDataLength) of every record batch listed in a ``Footer`` flatbuffer."""
    vector = _flatbuf.root(footer).vector(3)  # Footer: version, schema, dictionaries, recordBatches
    if vector is None:
        return []
    start, count = vector
    if start + count * _BLOCK.size > len(footer):
        raise ValueError("record batch list runs past the footer")
    return [_BLOCK.unpack_from(footer, start + i * _BLOCK.size)[:2] for i in range(count)]


def _batch_length(meta: bytes, offset: int) -> int:
    """Row count of the record batch whose encapsulated message header is ``meta``."""
    try:
        if meta[:4] == CONTINUATION:
            (length,) = struct.unpack_from("<i", meta, 4)
            body = meta[8 : 8 + length]
        else:
            (length,) = struct.unpack_from("<i", meta, 0)
            body = meta[4 : 4 + length]
        message = _flatbuf.root(body)
        if message.scalar(1, "<B") != _HEADER_RECORD_BATCH:
            raise ValueError("the block is not a record batch")
        batch = message.table(2)
        rows = batch.scalar(0, "<q") if batch is not None else -1
    except (ValueError, struct.error) as exc:
        raise FileValidationError(f"corrupt Arrow IPC record batch at offset {offset}: {exc}") from exc
    if rows < 0:
        raise FileValidationError(f"corrupt Arrow IPC record batch at offset {offset}")
    return rows


def _inspect_stream(reader: RangeReader, head: bytes) -> FileLayout:
    import pyarrow as pa

    if len(head) < 8:
        raise _not_arrow(head, f"{reader.size} bytes is too small")
    prefix = 8 if head[:4] == CONTINUATION else 4  # 4: the pre-1.0 stream format without continuation
    (length,) = struct.unpack_from("<i", head, prefix - 4)
    if length <= 0 or length > MAX_METADATA_BYTES or prefix + length > reader.size:
        raise _not_arrow(head, "no schema message at the start")
    message = head + reader.read(8, prefix + length - 8)
    try:
        schema = pa.ipc.read_schema(pa.py_buffer(message))
    except (pa.ArrowException, ValueError) as exc:
        raise _not_arrow(head, f"unreadable schema message ({exc})") from exc
    return FileLayout(columns=arrow_columns(schema), row_count=None, format=FileFormat.ARROW)


def count_stream_rows(reader: RangeReader, buffer_size: int = 8 * 1024 * 1024) -> int:
    """Rows of an Arrow IPC stream, reading all of it (in ``buffer_size`` reads)."""
    import pyarrow as pa

    source = io.BufferedReader(ReaderFile(reader), buffer_size)
    try:
        stream = pa.ipc.open_stream(source)
        rows = 0
        while True:
            try:
                rows += stream.read_next_batch().num_rows
            except StopIteration:
                return rows
    except pa.ArrowException as exc:
        raise FileValidationError(f"corrupt Arrow IPC stream: {exc}") from exc
