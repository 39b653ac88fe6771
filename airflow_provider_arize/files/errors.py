"""Errors of the file validation library.

* :class:`FileValidationError` (an ``ArizeConfigError``): the file cannot be used as an Arize inference
  file: unknown suffix, not the format its name says, corrupt or truncated content.
* :class:`FileReadError` (an ``OSError``): the bytes could not be read (missing object, access denied,
  network failure). Not a property of the file: the same read may succeed later.

:func:`~airflow_provider_arize.files.validate_file` never raises either of them: it turns both into
problems of its report (``role`` ``"file"`` and ``"read"`` respectively).
"""

from __future__ import annotations

from airflow_provider_arize.api.errors import ArizeConfigError

__all__ = ["FileReadError", "FileValidationError"]


class FileValidationError(ArizeConfigError):
    """The file is not a usable CSV, Parquet, Avro or Arrow file; the message names the file and why."""


class FileReadError(OSError):
    """Reading bytes of the file failed (I/O, permissions, a vanished or rewritten object)."""
