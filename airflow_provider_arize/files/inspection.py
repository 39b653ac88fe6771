"""Dispatch to the per-format readers: :func:`inspect_file` (cheap, bounded reads) and :func:`count_rows`
(exact).

Read bounds per format: ``docs/file-jobs.md``, "Bytes read, per format"."""

from __future__ import annotations

from .arrow_ipc import count_stream_rows, inspect_arrow
from .avro import inspect_avro
from .csv_sample import count_csv_rows, inspect_csv
from .formats import FileFormat, detect_format
from .layout import FileLayout
from .parquet import inspect_parquet
from .readers import RangeReader

__all__ = ["count_rows", "inspect_file"]


def inspect_file(reader: RangeReader, fmt: FileFormat | str | None = None) -> FileLayout:
    """Columns, types and (where cheap) the row count of a file, reading as little as the table above.

    ``fmt`` defaults to :func:`detect_format` of ``reader.name``. Raises
    :class:`~.errors.FileValidationError` for an unknown suffix or content that is not the format
    (messages say what is wrong, e.g. "no PAR1 magic at the end"), and :class:`~.errors.FileReadError`
    when bytes cannot be read.
    """
    fmt = FileFormat(fmt) if fmt is not None else detect_format(reader.name)
    if fmt is FileFormat.PARQUET:
        return inspect_parquet(reader)
    if fmt is FileFormat.ARROW:
        return inspect_arrow(reader)
    if fmt is FileFormat.AVRO:
        return inspect_avro(reader)
    return inspect_csv(reader)


def count_rows(reader: RangeReader, fmt: FileFormat | str | None = None) -> int:
    """The exact number of data rows.

    From metadata for Parquet and Arrow IPC files (all batch headers), from the block walk for Avro
    (unbounded: 36 bytes per block), and by reading the whole object in 8 MiB reads for CSV (header
    excluded) and Arrow IPC streams.
    """
    fmt = FileFormat(fmt) if fmt is not None else detect_format(reader.name)
    if fmt is FileFormat.CSV:
        return count_csv_rows(reader)
    if fmt is FileFormat.AVRO:
        rows = inspect_avro(reader, max_block_reads=None).row_count
    elif fmt is FileFormat.ARROW:
        rows = inspect_arrow(reader, max_batches=None).row_count
        if rows is None:  # a stream
            return count_stream_rows(reader)
    else:
        rows = inspect_parquet(reader).row_count
    assert rows is not None
    return rows
