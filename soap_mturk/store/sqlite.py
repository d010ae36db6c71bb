"""SQLite implementation of the store: connections and transactions around the
shared SQL (sql.py).

Files use one connection per thread in WAL mode, so readers never wait for the
writer; writes take the database's write lock up front (BEGIN IMMEDIATE) so a
read-modify-write cannot interleave with another, even across processes, and
commit with synchronous=FULL so an acknowledged write survives a crash.
':memory:' has a single connection, shared under a lock.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from soap_mturk.store.migrations import migrate
from soap_mturk.store.sql import SQLITE, SQLSession

# How long a connection waits for another process's write lock before failing.
BUSY_TIMEOUT_SECONDS = 30.0


class SQLiteStore:
    dialect = SQLITE
    # What a write breaking a unique constraint raises.
    IntegrityError = sqlite3.IntegrityError

    def __init__(self, path: str):
        self.path = path
        self._memory = path == ":memory:"
        self._write_lock = threading.RLock()
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._shared = self._connect() if self._memory else None
        with self._write_lock, self._transaction("BEGIN IMMEDIATE"):
            migrate(self._connection(), SQLITE, datetime.now(UTC).isoformat())

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(
            self.path, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_SECONDS
        )
        db.row_factory = sqlite3.Row
        if not self._memory:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
        db.execute("PRAGMA foreign_keys=ON")
        self._connections.append(db)
        return db

    def _connection(self) -> sqlite3.Connection:
        if self._shared is not None:
            return self._shared
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = self._connect()
        return db

    @contextmanager
    def _transaction(self, begin: str) -> Iterator[SQLSession]:
        db = self._connection()
        db.execute(begin)
        try:
            yield SQLSession(db, SQLITE)
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    @contextmanager
    def read(self) -> Iterator[SQLSession]:
        if self._memory:
            with self._write_lock, self._transaction("BEGIN") as session:
                yield session
        else:
            with self._transaction("BEGIN") as session:
                yield session

    @contextmanager
    def write(self) -> Iterator[SQLSession]:
        # The in-process lock keeps threads from queueing inside SQLite's busy handler.
        with self._write_lock, self._transaction("BEGIN IMMEDIATE") as session:
            yield session

    def close(self) -> None:
        for db in self._connections:
            try:
                db.close()
            except sqlite3.ProgrammingError:
                pass
        self._connections.clear()
