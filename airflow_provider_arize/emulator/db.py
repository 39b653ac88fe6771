"""SQLite connection, schema and transactions for the emulator store.

Durability contract (WAL, ``synchronous=FULL``, id counters): ``docs/emulator.md``, "Storage and
durability"."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager

SCHEMA_SQL = """
CREATE TABLE IF NOT EXISTS spaces (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS api_keys (
    key_hash TEXT PRIMARY KEY,          -- sha256 hex of the key; the key itself is never stored
    hint TEXT NOT NULL,                 -- first 4 characters, for display only
    can_mutate INTEGER NOT NULL,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS key_spaces (
    key_hash TEXT NOT NULL,
    space_id INTEGER NOT NULL,
    PRIMARY KEY (key_hash, space_id)
);
CREATE TABLE IF NOT EXISTS models (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    space_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    UNIQUE (space_id, name)
);
CREATE TABLE IF NOT EXISTS jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,   -- the short jobId; table and file jobs share the counter
    kind TEXT NOT NULL,                     -- 'table' or 'file'
    space_id INTEGER NOT NULL,
    status TEXT NOT NULL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    model_id INTEGER,
    model_name TEXT,
    model_type TEXT,
    model_environment TEXT,
    model_version TEXT,
    batch_id TEXT,
    store TEXT,                             -- tableStore or blobStore
    triggered INTEGER NOT NULL DEFAULT 0,   -- event-based (Snowflake) table job
    location TEXT NOT NULL,                 -- JSON: full table config, or bucket/prefix/azure identifier
    schema TEXT NOT NULL,                   -- JSON: the schema input as given
    ingestion TEXT NOT NULL DEFAULT '{}',   -- JSON: table ingestion parameters
    watermark REAL                          -- largest change timestamp ingested (for workers)
);
CREATE INDEX IF NOT EXISTS jobs_space_kind ON jobs (space_id, kind, id);
CREATE TABLE IF NOT EXISTS table_queries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id INTEGER NOT NULL,
    created_at REAL NOT NULL,
    window_start REAL,
    window_end REAL,
    status TEXT NOT NULL,                   -- pending, running, succeeded, failed
    records_processed_count INTEGER,
    error_message TEXT,
    started_at REAL,
    finished_at REAL
);
CREATE INDEX IF NOT EXISTS table_queries_job ON table_queries (job_id, id);
CREATE INDEX IF NOT EXISTS table_queries_status ON table_queries (status, id);
CREATE TABLE IF NOT EXISTS job_files (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id INTEGER NOT NULL,
    path TEXT NOT NULL,
    status TEXT NOT NULL,                   -- pending, succeeded, failed
    rows INTEGER,
    error_message TEXT,
    error_row INTEGER,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    UNIQUE (job_id, path)
);
"""


class Database:
    """A thread-safe SQLite connection with explicit transactions."""

    def __init__(self, path: str | None = None) -> None:
        self.path = path or ":memory:"
        self.in_memory = self.path == ":memory:"
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=10.0)
        self._conn.row_factory = sqlite3.Row
        if not self.in_memory:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=FULL")
        self._conn.executescript(SCHEMA_SQL)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Run the block in one write transaction, committed on exit and rolled back on error.

        Nested calls join the outer transaction.
        """
        with self._lock:
            if self._conn.in_transaction:
                yield self._conn
                return
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """Hold the connection for a consistent read."""
        with self._lock:
            yield self._conn

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._conn.close()
