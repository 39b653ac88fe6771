"""CSV: column names from the header line, types inferred from a sample of rows.

Sample size, inference rules and dialect: ``docs/file-jobs.md``, "Bytes read, per format"."""

from __future__ import annotations

import csv
import io
import re

from .errors import FileValidationError
from .formats import FileFormat, sniff_format
from .layout import BOOLEAN, DATE, FLOAT, INTEGER, NULL, STRING, TIMESTAMP, ColumnType, FileLayout
from .readers import RangeReader, ReaderFile

__all__ = ["MAX_HEADER_BYTES", "SAMPLE_BYTES", "count_csv_rows", "infer_kind", "inspect_csv"]

SAMPLE_BYTES = 64 * 1024
MAX_HEADER_BYTES = 1024 * 1024
NULL_TOKENS = frozenset({"", "null", "NULL", "Null", "NA", "N/A", "n/a", "None", "none"})
_BOM = b"\xef\xbb\xbf"
_INT = re.compile(r"[+-]?\d+")
_FLOAT = re.compile(r"[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?|[+-]?(nan|NaN|NAN|inf|Inf|INF|infinity)")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?")


def infer_kind(value: str) -> str:
    """The type kind of one non-null CSV value."""
    if _INT.fullmatch(value):
        return INTEGER
    if _FLOAT.fullmatch(value):
        return FLOAT
    if value.lower() in ("true", "false"):
        return BOOLEAN
    if _TIMESTAMP.fullmatch(value):
        return TIMESTAMP
    if _DATE.fullmatch(value):
        return DATE
    return STRING


def _merge(current: str, new: str) -> str:
    if current in (NULL, new):
        return new
    if {current, new} == {INTEGER, FLOAT}:
        return FLOAT
    return STRING


def _sample(reader: RangeReader, sample_bytes: int) -> tuple[bytes, bool]:
    """(the first bytes up to and including the last complete line, whether that is the whole file)."""
    size = reader.size
    data = reader.read(0, min(size, sample_bytes))
    while b"\n" not in data and len(data) < size:
        if len(data) >= MAX_HEADER_BYTES:
            raise FileValidationError(f"CSV header line is longer than {MAX_HEADER_BYTES} bytes")
        data += reader.read(len(data), min(len(data), MAX_HEADER_BYTES - len(data)))
    complete = len(data) >= size
    if not complete:
        data = data[: data.rindex(b"\n") + 1]
    return data, complete


def inspect_csv(reader: RangeReader, sample_bytes: int = SAMPLE_BYTES) -> FileLayout:
    """Columns (with inferred types) of a CSV file from its header and a sample of rows."""
    data, complete = _sample(reader, sample_bytes)
    looks = sniff_format(data[:512])
    if looks != "text" and data:
        what = f"it looks like {looks}" if looks else "it holds binary data"
        raise FileValidationError(f"not a CSV text file: {what}")
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FileValidationError(f"not a UTF-8 CSV file: invalid byte at offset {exc.start}") from None
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise FileValidationError(f"malformed CSV: {exc}") from None
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise FileValidationError("CSV file has no header line")
    header = rows[0]
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise FileValidationError(f"CSV header repeats column(s) {', '.join(map(repr, repeated))}")
    body = rows[1:] if complete else rows[1:-1]
    kinds = [NULL] * len(header)
    for number, row in enumerate(body, start=2):
        if not row:
            continue
        if len(row) != len(header):
            raise FileValidationError(
                f"malformed CSV: line {number} has {len(row)} fields, the header has {len(header)}"
            )
        for i, value in enumerate(row):
            if value not in NULL_TOKENS and kinds[i] != STRING:
                kinds[i] = _merge(kinds[i], infer_kind(value))
    columns = {name: ColumnType(kind, source=f"CSV {kind}") for name, kind in zip(header, kinds, strict=True)}
    return FileLayout(columns=columns, row_count=None, format=FileFormat.CSV)


def count_csv_rows(reader: RangeReader, buffer_size: int = 8 * 1024 * 1024) -> int:
    """Data rows of a CSV file (header excluded), reading all of it in ``buffer_size`` reads.

    Every column is read as a string, so a value that would not fit a sampled type is not an error; a
    row with the wrong number of fields is (pyarrow's message names it).
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    header = list(inspect_csv(reader).columns)
    source = io.BufferedReader(ReaderFile(reader), buffer_size)
    convert = pacsv.ConvertOptions(column_types=dict.fromkeys(header, pa.string()))
    try:
        stream = pacsv.open_csv(source, convert_options=convert)
        rows = 0
        for batch in stream:
            rows += batch.num_rows
        return rows
    except pa.ArrowException as exc:
        raise FileValidationError(f"malformed CSV: {exc}") from exc
