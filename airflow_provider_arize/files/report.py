"""Validate one file end to end: :func:`validate_file` returns a :class:`FileReport`, never raises for
the file's sake.

Order of checks and problem roles: ``docs/file-jobs.md``, "Order of checks and errors"."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from airflow_provider_arize.api.constants import MAX_FILE_BYTES as _ARIZE_MAX_FILE_BYTES
from airflow_provider_arize.api.errors import ArizeConfigError
from airflow_provider_arize.api.models.schema import ModelSchema

from .errors import FileReadError, FileValidationError
from .formats import FileFormat, detect_format, unknown_suffix_reason
from .inspection import inspect_file
from .layout import FileLayout
from .readers import RangeReader
from .rules import FileProblem, validate_layout

__all__ = ["MAX_FILE_BYTES", "FileReport", "validate_file"]

#: Arize's limit on one file (its file-import documentation: "the total file limit being 1GB").
MAX_FILE_BYTES: Final = _ARIZE_MAX_FILE_BYTES


@dataclass(frozen=True)
class FileReport:
    """The outcome of :func:`validate_file`.

    ``key`` is the reader's name (the object key for an :class:`~.readers.S3RangeReader`);
    ``size``/``etag`` as the reader saw them (``None`` when unknown); ``format`` from the suffix
    (``None`` when unknown); ``row_count`` from the layout (``None`` when the format needs a full read
    to count); ``bytes_read``/``requests`` what validating cost; ``layout`` the columns found, if any.
    """

    key: str
    size: int | None
    etag: str | None
    format: FileFormat | None
    row_count: int | None
    problems: tuple[FileProblem, ...]
    bytes_read: int
    requests: int
    layout: FileLayout | None = None

    @property
    def ok(self) -> bool:
        """No problems: the file would import."""
        return not self.problems

    @property
    def unreadable(self) -> bool:
        """A problem is a read failure (role ``"read"``): the verdict may change on a retry."""
        return any(p.role == "read" for p in self.problems)

    def problems_text(self) -> str:
        """The problems joined with ``"; "`` (without the key); ``""`` when there are none."""
        return "; ".join(p.describe() for p in self.problems)

    def describe(self) -> str:
        """``<key>: column X (predictionScore): is string, Arize needs a number; ...`` or an "ok" line."""
        if self.problems:
            return f"{self.key}: {self.problems_text()}"
        rows = f", {self.row_count} rows" if self.row_count is not None else ""
        label = self.format.label if self.format else "file"
        return f"{self.key}: ok ({label}{rows})"


def _over_limit(size: int, max_bytes: int) -> str:
    limit = "" if max_bytes == MAX_FILE_BYTES else f" (this check's limit is {max_bytes} bytes)"
    return f"file is {size} bytes, over Arize's 1 GB file limit{limit}"


def validate_file(
    reader: RangeReader,
    schema: ModelSchema | Mapping[str, Any],
    model_type: str | None = None,
    max_bytes: int = MAX_FILE_BYTES,
) -> FileReport:
    """Check that the file behind ``reader`` would import under ``schema``, reading as little as possible.

    Never raises because of the file: an oversized, unknown-suffix, empty, corrupt, truncated or
    misnamed file, or one that cannot be read, gives a report with a problem saying so. Raises
    ``ArizeConfigError`` only for an invalid ``schema``.
    """
    model_schema = ModelSchema.from_value(schema)
    size: int | None = None
    fmt: FileFormat | None = None
    layout: FileLayout | None = None
    problems: list[FileProblem] = []
    try:
        size = reader.size
        try:
            fmt = detect_format(reader.name)
        except FileValidationError:
            problems.append(FileProblem(None, "file", unknown_suffix_reason()))
        if size > max_bytes:
            problems.append(FileProblem(None, "file", _over_limit(size, max_bytes)))
        elif size == 0:
            problems.append(FileProblem(None, "file", "file is empty (0 bytes)"))
        elif fmt is not None:
            layout = inspect_file(reader, fmt)
            problems.extend(validate_layout(layout, model_schema, model_type))
    except FileReadError as exc:
        problems.append(FileProblem(None, "read", str(exc)))
    except FileValidationError as exc:
        problems.append(FileProblem(None, "file", str(exc)))
    except ImportError as exc:  # the environment, not the file
        label = fmt.label if fmt else "these"
        raise ArizeConfigError(
            f"validating {label} files needs pyarrow, which is not installed ({exc}): install "
            "airflow-provider-arize[pyarrow] (the amazon extra includes it)",
            field="pyarrow",
        ) from exc
    except Exception as exc:  # pyarrow and parser errors on hostile bytes: a property of the file
        label = fmt.label if fmt else "file"
        reason = f"not a readable {label} file: {type(exc).__name__}: {exc}"
        problems.append(FileProblem(None, "file", reason))
    return FileReport(
        key=reader.name,
        size=size,
        etag=getattr(reader, "etag", None),
        format=fmt,
        row_count=layout.row_count if layout is not None else None,
        problems=tuple(problems),
        bytes_read=reader.bytes_read,
        requests=reader.requests,
        layout=layout,
    )
