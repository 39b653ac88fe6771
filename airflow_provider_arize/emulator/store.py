"""Durable emulator state: spaces, API keys, models and import jobs. Query and file bookkeeping for the
workers lives in :class:`.store_runs.RunStore` (``store.runs``).

Contract (committed writes, hashed keys, job numbers): ``docs/emulator.md``, "Storage and durability"."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable
from typing import Any

from .clock import Clock, SystemClock
from .db import Database
from .records import (
    FILE_FAILED,
    FILE_PENDING,
    FILE_SUCCEEDED,
    QUERY_FAILED,
    QUERY_PENDING,
    QUERY_RUNNING,
    QUERY_SUCCEEDED,
    JobRecord,
    KeyRecord,
    NewJob,
    SpaceRecord,
    from_row,
)
from .store_runs import RunStore

_COUNTS_SQL = f"""
  (SELECT COUNT(*) FROM table_queries q WHERE q.job_id = j.id
     AND q.status IN ('{QUERY_PENDING}', '{QUERY_RUNNING}')) AS queries_pending,
  (SELECT COUNT(*) FROM table_queries q WHERE q.job_id = j.id AND q.status = '{QUERY_SUCCEEDED}')
     AS queries_succeeded,
  (SELECT COUNT(*) FROM table_queries q WHERE q.job_id = j.id AND q.status = '{QUERY_FAILED}')
     AS queries_failed,
  (SELECT COUNT(*) FROM job_files f WHERE f.job_id = j.id AND f.status = '{FILE_PENDING}') AS files_pending,
  (SELECT COUNT(*) FROM job_files f WHERE f.job_id = j.id AND f.status = '{FILE_SUCCEEDED}')
     AS files_succeeded,
  (SELECT COUNT(*) FROM job_files f WHERE f.job_id = j.id AND f.status = '{FILE_FAILED}') AS files_failed
"""
_JOB_SELECT = f"SELECT j.*, {_COUNTS_SQL} FROM jobs j"
_COUNT_COLUMNS = (
    "queries_pending",
    "queries_succeeded",
    "queries_failed",
    "files_pending",
    "files_succeeded",
    "files_failed",
)
_UPDATABLE = {"status", "model_version", "schema", "ingestion", "location", "watermark", "batch_id"}


def hash_key(key: str) -> str:
    """Return the sha256 hex digest under which ``key`` is stored."""
    return hashlib.sha256(key.encode()).hexdigest()


def _job_from_row(row: sqlite3.Row) -> JobRecord:
    return from_row(
        JobRecord,
        row,
        triggered=bool(row["triggered"]),
        location=json.loads(row["location"]),
        schema=json.loads(row["schema"]),
        ingestion=json.loads(row["ingestion"]),
        counts={name: int(row[name]) for name in _COUNT_COLUMNS},
    )


class Store:
    """Spaces, keys, models and jobs over one :class:`.db.Database`."""

    def __init__(self, db: Database, clock: Clock | None = None) -> None:
        self.db = db
        self.clock: Clock = clock or SystemClock()
        self.runs = RunStore(db, self.clock)

    @classmethod
    def open(cls, path: str | None, clock: Clock | None = None) -> Store:
        """Open (creating if needed) the store at ``path``; ``None`` or ``":memory:"`` for memory."""
        return cls(Database(path), clock)

    # --- spaces -------------------------------------------------------------------------------
    def create_space(self, name: str) -> int:
        with self.db.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO spaces (name, created_at) VALUES (?, ?)", (name, self.clock.now())
            )
            return int(cur.lastrowid or 0)

    def ensure_space(self, name: str) -> int:
        """Return the id of the oldest space called ``name``, creating it if there is none."""
        with self.db.transaction() as conn:
            row = conn.execute("SELECT id FROM spaces WHERE name = ? ORDER BY id LIMIT 1", (name,)).fetchone()
            if row:
                return int(row["id"])
            return self.create_space(name)

    def get_space(self, space_id: int) -> SpaceRecord | None:
        with self.db.read() as conn:
            row = conn.execute("SELECT * FROM spaces WHERE id = ?", (space_id,)).fetchone()
        return SpaceRecord(row["id"], row["name"], row["created_at"]) if row else None

    def list_spaces(self, ids: Iterable[int]) -> list[SpaceRecord]:
        """Return the given spaces, oldest first."""
        wanted = sorted(set(ids))
        if not wanted:
            return []
        marks = ",".join("?" * len(wanted))
        with self.db.read() as conn:
            rows = conn.execute(f"SELECT * FROM spaces WHERE id IN ({marks}) ORDER BY id", wanted).fetchall()
        return [SpaceRecord(r["id"], r["name"], r["created_at"]) for r in rows]

    # --- keys ---------------------------------------------------------------------------------
    def put_key(self, key: str, space_ids: Iterable[int], can_mutate: bool = True) -> KeyRecord:
        """Create or update ``key``: set its mutate permission and add it to ``space_ids``."""
        digest = hash_key(key)
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO api_keys (key_hash, hint, can_mutate, created_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (key_hash) DO UPDATE SET can_mutate = excluded.can_mutate",
                (digest, key[:4], int(can_mutate), self.clock.now()),
            )
            for space_id in space_ids:
                conn.execute(
                    "INSERT OR IGNORE INTO key_spaces (key_hash, space_id) VALUES (?, ?)", (digest, space_id)
                )
        record = self.lookup_key(key)
        assert record is not None
        return record

    def lookup_key(self, key: str) -> KeyRecord | None:
        """Return the record of a plain ``key``, or ``None`` if it is unknown."""
        digest = hash_key(key)
        with self.db.read() as conn:
            row = conn.execute("SELECT * FROM api_keys WHERE key_hash = ?", (digest,)).fetchone()
            if row is None:
                return None
            spaces = conn.execute("SELECT space_id FROM key_spaces WHERE key_hash = ?", (digest,)).fetchall()
        return KeyRecord(digest, row["hint"], bool(row["can_mutate"]), frozenset(r[0] for r in spaces))

    # --- jobs ---------------------------------------------------------------------------------
    def insert_job(self, job: NewJob) -> JobRecord:
        """Write a new job (and its model, if new) and return it."""
        now = self.clock.now()
        with self.db.transaction() as conn:
            model_id = None
            if job.model_name:
                conn.execute(
                    "INSERT OR IGNORE INTO models (space_id, name) VALUES (?, ?)",
                    (job.space_id, job.model_name),
                )
                model_id = conn.execute(
                    "SELECT id FROM models WHERE space_id = ? AND name = ?", (job.space_id, job.model_name)
                ).fetchone()[0]
            cur = conn.execute(
                "INSERT INTO jobs (kind, space_id, status, created_at, updated_at, model_id, model_name,"
                " model_type, model_environment, model_version, batch_id, store, triggered, location,"
                " schema, ingestion) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    job.kind, job.space_id, job.status, now, now, model_id, job.model_name, job.model_type,
                    job.model_environment, job.model_version, job.batch_id, job.store, int(job.triggered),
                    json.dumps(job.location), json.dumps(job.schema), json.dumps(job.ingestion),
                ),
            )  # fmt: skip
            job_id = int(cur.lastrowid or 0)
        record = self.get_job(job_id)
        assert record is not None
        return record

    def get_job(self, job_id: int) -> JobRecord | None:
        with self.db.read() as conn:
            row = conn.execute(f"{_JOB_SELECT} WHERE j.id = ?", (job_id,)).fetchone()
        return _job_from_row(row) if row else None

    def update_job(self, job_id: int, **changes: Any) -> JobRecord:
        """Set columns of a job (dict values are stored as JSON) and return the updated job."""
        unknown = set(changes) - _UPDATABLE
        if unknown:
            raise ValueError(f"cannot update job columns {sorted(unknown)}")
        values = {k: json.dumps(v) if isinstance(v, dict) else v for k, v in changes.items()}
        values["updated_at"] = self.clock.now()
        assignments = ", ".join(f"{name} = ?" for name in values)
        with self.db.transaction() as conn:
            conn.execute(f"UPDATE jobs SET {assignments} WHERE id = ?", (*values.values(), job_id))
        record = self.get_job(job_id)
        assert record is not None
        return record

    def list_jobs(
        self, space_id: int, kind: str, first: int, after: int | None = None, search: str | None = None
    ) -> tuple[list[JobRecord], bool]:
        """Return up to ``first`` jobs of a space, newest first, after job ``after``; and hasNextPage.

        ``search`` matches the exact short jobId, or a case-insensitive substring of the model name,
        the table (for table jobs) or the bucket/prefix (for file jobs).
        """
        sql = f"{_JOB_SELECT} WHERE j.space_id = ? AND j.kind = ?"
        params: list[Any] = [space_id, kind]
        if after is not None:
            sql += " AND j.id < ?"
            params.append(after)
        if search:
            sql += " AND (CAST(j.id AS TEXT) = ? OR j.model_name LIKE ? OR j.location LIKE ?)"
            params += [search.strip(), f"%{search}%", f"%{search}%"]
        sql += " ORDER BY j.id DESC LIMIT ?"
        params.append(first + 1)
        with self.db.read() as conn:
            rows = conn.execute(sql, params).fetchall()
        return [_job_from_row(r) for r in rows[:first]], len(rows) > first

    def all_jobs(self) -> list[JobRecord]:
        """Every job in every space, oldest first (for the admin dump)."""
        with self.db.read() as conn:
            rows = conn.execute(f"{_JOB_SELECT} ORDER BY j.id").fetchall()
        return [_job_from_row(r) for r in rows]

    def close(self) -> None:
        self.db.close()
