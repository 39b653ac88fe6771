"""Errors of the file validation library: the file is unusable (:class:`FileValidationError`) or its bytes
could not be read (:class:`FileReadError`); ``validate_file`` turns both into problems of its report."""

from __future__ import annotations

from airflow_provider_arize.api.errors import ArizeConfigError

__all__ = ["FileReadError", "FileValidationError"]


class FileValidationError(ArizeConfigError):
    """The file is not a usable CSV, Parquet, Avro or Arrow file; the message names the file and why."""


class FileReadError(OSError):
    """Reading bytes of the file failed (I/O, permissions, a vanished or rewritten object)."""
