"""Parquet: schema and row count from the footer alone; column data pages are never read.

Bytes and requests: ``docs/file-jobs.md``, "Bytes read, per format"."""

from __future__ import annotations

import struct

from .errors import FileValidationError
from .formats import FileFormat, sniff_format
from .layout import FileLayout, arrow_columns
from .readers import RangeReader

__all__ = ["MAX_FOOTER_BYTES", "inspect_parquet"]

MAGIC = b"PAR1"
ENCRYPTED_MAGIC = b"PARE"
#: Largest footer read (a footer this big means tens of thousands of row groups, or a corrupt length).
MAX_FOOTER_BYTES = 64 * 1024 * 1024


def _not_parquet(reader: RangeReader, why: str) -> FileValidationError:
    looks = sniff_format(reader.read(0, 8))
    hint = f"; its content looks like {looks}" if looks and looks != "Parquet" else ""
    return FileValidationError(f"not a valid Parquet file: {why}{hint}")


def inspect_parquet(reader: RangeReader) -> FileLayout:
    """Columns and row count of a Parquet file from its footer (bounds: ``docs/file-jobs.md``, "Bytes
    read, per format")."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    size = reader.size
    if size < 12:
        raise _not_parquet(reader, f"{size} bytes is too small for a Parquet file")
    trailer = reader.read(size - 8, 8)
    if trailer[4:] == ENCRYPTED_MAGIC:
        raise FileValidationError("Parquet files with an encrypted footer are not supported")
    if trailer[4:] != MAGIC:
        raise _not_parquet(reader, "no PAR1 magic at the end (truncated, or another format)")
    (footer_len,) = struct.unpack("<I", trailer[:4])
    if footer_len == 0 or footer_len + 12 > size:
        raise _not_parquet(reader, f"footer length {footer_len} does not fit a {size}-byte file (truncated?)")
    if footer_len > MAX_FOOTER_BYTES:
        raise FileValidationError(
            f"Parquet footer of {footer_len} bytes is over the {MAX_FOOTER_BYTES}-byte limit of this check"
        )
    footer = reader.read(size - 8 - footer_len, footer_len)
    try:
        parquet = pq.ParquetFile(pa.BufferReader(MAGIC + footer + trailer))
        metadata = parquet.metadata
        columns = arrow_columns(parquet.schema_arrow)
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise FileValidationError(f"corrupt Parquet footer: {exc}") from exc
    return FileLayout(columns=columns, row_count=int(metadata.num_rows), format=FileFormat.PARQUET)
