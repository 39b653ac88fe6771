"""Validate inference files against an Arize file schema, reading as few bytes as possible
(:func:`validate_file`). No Airflow; pyarrow only when Parquet or Arrow metadata is parsed, boto3 never.

Formats, bytes read and the column rules: ``docs/file-jobs.md``, "Validation in detail"."""

from __future__ import annotations

from .errors import FileReadError, FileValidationError
from .formats import SUFFIXES, FileFormat, detect_format, sniff_format
from .inspection import count_rows, inspect_file
from .layout import ColumnType, FileLayout
from .readers import BytesReader, LocalFileReader, RangeReader, ReaderFile, S3RangeReader
from .report import MAX_FILE_BYTES, FileReport, validate_file
from .rules import FileProblem, validate_layout

__all__ = [
    "MAX_FILE_BYTES",
    "SUFFIXES",
    "BytesReader",
    "ColumnType",
    "FileFormat",
    "FileLayout",
    "FileProblem",
    "FileReadError",
    "FileReport",
    "FileValidationError",
    "LocalFileReader",
    "RangeReader",
    "ReaderFile",
    "S3RangeReader",
    "count_rows",
    "detect_format",
    "inspect_file",
    "sniff_format",
    "validate_file",
    "validate_layout",
]
