"""Queries of table jobs and files of file jobs: the hand-off point between the GraphQL API, which only
records work, and the workers, which do it; also each space's ingestion key.

Claiming, re-queueing and counters: ``docs/emulator.md``, "Storage and durability"."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3

from airflow_provider_arize.api.constants import JOB_STATUS_ACTIVE

from .clock import Clock
from .db import Database
from .records import (
    FILE_FAILED,
    FILE_PENDING,
    FILE_SUCCEEDED,
    QUERY_FAILED,
    QUERY_PENDING,
    QUERY_RUNNING,
    QUERY_SUCCEEDED,
    FileRecord,
    QueryRecord,
    from_row,
)


def _query(row: sqlite3.Row) -> QueryRecord:
    return from_row(QueryRecord, row)


def _file(row: sqlite3.Row) -> FileRecord:
    return from_row(FileRecord, row)


_META_SQL = "CREATE TABLE IF NOT EXISTS emulator_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)"
_SALT = "ingestion_key_salt"


class RunStore:
    """Query and file rows of jobs, and the spaces' ingestion keys."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self._salt: bytes | None = None
        with db.transaction() as conn:
            conn.execute(_META_SQL)

    # --- table queries --------------------------------------------------------------------------
    def add_query(self, job_id: int, window_start: float | None, window_end: float | None) -> QueryRecord:
        """Record a pending query of ``job_id`` over ``[window_start, window_end]``."""
        with self.db.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO table_queries (job_id, created_at, window_start, window_end, status)"
                " VALUES (?, ?, ?, ?, ?)",
                (job_id, self.clock.now(), window_start, window_end, QUERY_PENDING),
            )
            row = conn.execute("SELECT * FROM table_queries WHERE id = ?", (cur.lastrowid,)).fetchone()
        return _query(row)

    def list_queries(
        self, job_id: int, first: int, after: int | None = None
    ) -> tuple[list[QueryRecord], bool]:
        """Return up to ``first`` queries of a job, newest first, after query ``after``; and hasNextPage."""
        sql = "SELECT * FROM table_queries WHERE job_id = ?"
        params: list[int] = [job_id]
        if after is not None:
            sql += " AND id < ?"
            params.append(after)
        sql += " ORDER BY id DESC LIMIT ?"
        params.append(first + 1)
        with self.db.read() as conn:
            rows = conn.execute(sql, params).fetchall()
        return [_query(r) for r in rows[:first]], len(rows) > first

    def count_queries(self, job_id: int) -> int:
        with self.db.read() as conn:
            return int(
                conn.execute("SELECT COUNT(*) FROM table_queries WHERE job_id = ?", (job_id,)).fetchone()[0]
            )

    def queries_of(self, job_id: int) -> list[QueryRecord]:
        """Every query of a job, oldest first."""
        with self.db.read() as conn:
            rows = conn.execute(
                "SELECT * FROM table_queries WHERE job_id = ? ORDER BY id", (job_id,)
            ).fetchall()
        return [_query(r) for r in rows]

    def claim_pending_queries(self, limit: int = 10, active_only: bool = True) -> list[QueryRecord]:
        """Atomically move up to ``limit`` pending queries, oldest first, to ``running`` and return them.

        With ``active_only`` (the default) queries of paused or deleted jobs stay pending.
        """
        sql = "SELECT q.* FROM table_queries q JOIN jobs j ON j.id = q.job_id WHERE q.status = ?"
        params: list[object] = [QUERY_PENDING]
        if active_only:
            sql += " AND j.status = ?"
            params.append(JOB_STATUS_ACTIVE)
        with self.db.transaction() as conn:
            rows = conn.execute(f"{sql} ORDER BY q.id LIMIT ?", (*params, limit)).fetchall()
            now = self.clock.now()
            for row in rows:
                conn.execute(
                    "UPDATE table_queries SET status = ?, started_at = ? WHERE id = ?",
                    (QUERY_RUNNING, now, row["id"]),
                )
        return [_query(r) for r in rows]

    def start_query(
        self, job_id: int, window_start: float | None, window_end: float | None
    ) -> QueryRecord | None:
        """Insert a query that is already running, unless the job has an unfinished one (then ``None``)."""
        now = self.clock.now()
        with self.db.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO table_queries (job_id, created_at, window_start, window_end, status, started_at)"
                " SELECT ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM table_queries"
                " WHERE job_id = ? AND status IN (?, ?))",
                (
                    job_id,
                    now,
                    window_start,
                    window_end,
                    QUERY_RUNNING,
                    now,
                    job_id,
                    QUERY_PENDING,
                    QUERY_RUNNING,
                ),
            )
            if cur.rowcount != 1:
                return None
            row = conn.execute("SELECT * FROM table_queries WHERE id = ?", (cur.lastrowid,)).fetchone()
        return _query(row)

    def requeue_running_queries(self) -> int:
        """Move every ``running`` query back to ``pending`` (after a crash); return how many."""
        with self.db.transaction() as conn:
            cur = conn.execute(
                "UPDATE table_queries SET status = ?, started_at = NULL WHERE status = ?",
                (QUERY_PENDING, QUERY_RUNNING),
            )
            return int(cur.rowcount)

    def complete_query(self, query_id: int, records_processed: int, watermark: float | None = None) -> None:
        """Mark a query succeeded with its row count; optionally move its job's watermark forward."""
        with self.db.transaction() as conn:
            conn.execute(
                "UPDATE table_queries SET status = ?, records_processed_count = ?, finished_at = ?"
                " WHERE id = ?",
                (QUERY_SUCCEEDED, records_processed, self.clock.now(), query_id),
            )
            if watermark is not None:
                conn.execute(
                    "UPDATE jobs SET watermark = MAX(COALESCE(watermark, ?), ?)"
                    " WHERE id = (SELECT job_id FROM table_queries WHERE id = ?)",
                    (watermark, watermark, query_id),
                )

    def fail_query(self, query_id: int, message: str) -> None:
        """Mark a query failed with an error message."""
        with self.db.transaction() as conn:
            conn.execute(
                "UPDATE table_queries SET status = ?, error_message = ?, finished_at = ? WHERE id = ?",
                (QUERY_FAILED, message, self.clock.now(), query_id),
            )

    # --- file jobs ------------------------------------------------------------------------------
    def record_file(self, job_id: int, path: str) -> bool:
        """Register object ``path`` as pending for a file job; ``False`` if the key was seen before."""
        now = self.clock.now()
        with self.db.transaction() as conn:
            cur = conn.execute(
                "INSERT OR IGNORE INTO job_files (job_id, path, status, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (job_id, path, FILE_PENDING, now, now),
            )
            return cur.rowcount == 1

    def set_file_status(
        self,
        job_id: int,
        path: str,
        succeeded: bool,
        rows: int | None = None,
        error_message: str | None = None,
        error_row: int | None = None,
    ) -> None:
        """Mark a file of a job succeeded (with its row count) or failed (with an error)."""
        with self.db.transaction() as conn:
            conn.execute(
                "UPDATE job_files SET status = ?, rows = ?, error_message = ?, error_row = ?, updated_at = ?"
                " WHERE job_id = ? AND path = ?",
                (
                    FILE_SUCCEEDED if succeeded else FILE_FAILED,
                    rows, error_message, error_row, self.clock.now(), job_id, path,
                ),
            )  # fmt: skip

    def list_files(self, job_id: int) -> list[FileRecord]:
        with self.db.read() as conn:
            rows = conn.execute("SELECT * FROM job_files WHERE job_id = ? ORDER BY id", (job_id,)).fetchall()
        return [_file(r) for r in rows]

    def pending_files(self, job_id: int) -> list[FileRecord]:
        """Files of a job still waiting to be processed, oldest first."""
        with self.db.read() as conn:
            rows = conn.execute(
                "SELECT * FROM job_files WHERE job_id = ? AND status = ? ORDER BY id", (job_id, FILE_PENDING)
            ).fetchall()
        return [_file(r) for r in rows]

    # --- ingestion keys -------------------------------------------------------------------------
    def _ingestion_salt(self) -> bytes:
        if self._salt is None:
            with self.db.transaction() as conn:
                conn.execute(
                    "INSERT OR IGNORE INTO emulator_meta (name, value) VALUES (?, ?)",
                    (_SALT, secrets.token_hex(16)),
                )
                row = conn.execute("SELECT value FROM emulator_meta WHERE name = ?", (_SALT,)).fetchone()
            self._salt = bytes.fromhex(row["value"])
        return self._salt

    def ingestion_key(self, space_id: int) -> str:
        """The ingestion key of space ``space_id`` (32 hex characters; deterministic per database)."""
        return hmac.new(self._ingestion_salt(), f"space:{space_id}".encode(), hashlib.sha256).hexdigest()[:32]

    def spaces_with_ingestion_keys(self) -> list[tuple[int, str, str]]:
        """(id, name, ingestion key) of every space, oldest first."""
        with self.db.read() as conn:
            rows = conn.execute("SELECT id, name FROM spaces ORDER BY id").fetchall()
        return [(int(r["id"]), str(r["name"]), self.ingestion_key(int(r["id"]))) for r in rows]
