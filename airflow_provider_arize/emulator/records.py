"""Plain records read from the store. Immutable snapshots; the store is the source of truth."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field, fields
from typing import Any, TypeVar

R = TypeVar("R")

JOB_KIND_TABLE = "table"
JOB_KIND_FILE = "file"

QUERY_PENDING = "pending"
QUERY_RUNNING = "running"
QUERY_SUCCEEDED = "succeeded"
QUERY_FAILED = "failed"

FILE_PENDING = "pending"
FILE_SUCCEEDED = "succeeded"
FILE_FAILED = "failed"


@dataclass(frozen=True)
class SpaceRecord:
    id: int
    name: str
    created_at: float


@dataclass(frozen=True)
class KeyRecord:
    key_hash: str
    hint: str
    can_mutate: bool
    space_ids: frozenset[int]


@dataclass(frozen=True)
class NewJob:
    """What a create mutation writes."""

    kind: str
    space_id: int
    status: str
    model_name: str | None
    model_type: str | None
    model_environment: str | None
    model_version: str | None
    batch_id: str | None
    store: str | None
    triggered: bool
    location: dict[str, Any]
    schema: dict[str, Any]
    ingestion: dict[str, Any]


@dataclass(frozen=True)
class JobRecord(NewJob):
    """One import job as stored. ``location`` is the full table config or ``{bucketName, prefix, ...}``."""

    id: int
    created_at: float
    updated_at: float
    model_id: int | None
    watermark: float | None
    counts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class QueryRecord:
    """One query of a table job (a triggered run or a scheduled poll)."""

    id: int
    job_id: int
    created_at: float
    window_start: float | None
    window_end: float | None
    status: str
    records_processed_count: int | None
    error_message: str | None


@dataclass(frozen=True)
class FileRecord:
    """One object a file job has seen, with its ingestion status."""

    id: int
    job_id: int
    path: str
    status: str
    rows: int | None
    error_message: str | None
    error_row: int | None


def from_row(cls: type[R], row: sqlite3.Row, **computed: Any) -> R:
    """A record from its table's row: each field from the column of its name, except those ``computed``."""
    plain = {f.name: row[f.name] for f in fields(cls) if f.name not in computed}  # type: ignore[arg-type]
    return cls(**plain, **computed)
