"""Parquet: schema and row count from the footer alone.

Reads, in two requests: the last 8 bytes (footer length and the ``PAR1`` magic), then the footer
(Thrift ``FileMetaData``). Bytes read = 8 + footer length, independent of the data's size; the footer
grows only with the number of columns and row groups (typically a few KiB). A footer larger than
:data:`MAX_FOOTER_BYTES` is refused rather than read. Column data pages are never read.

pyarrow parses the footer from a file-like view of just those bytes (``PAR1`` + footer + trailer), so
no read can reach the data. One more 8-byte read happens only to explain a file that is not Parquet.
"""

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
    """Columns and row count of a Parquet file from its footer (see the module docstring)."""
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
