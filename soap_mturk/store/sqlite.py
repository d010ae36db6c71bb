"""SQLite implementation of the store: connections and transactions around the
shared SQL (sql.py).

Files use one connection per thread in WAL mode, so readers never wait for the
writer; writes take the database's write lock up front (BEGIN IMMEDIATE) so a
read-modify-write cannot interleave with another, even across processes, and
commit with synchronous=FULL so an acknowledged write survives a crash.
':memory:' has a single connection, shared under a lock.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from urllib.parse import quote

from soap_mturk.domain.errors import ServiceUnavailable
from soap_mturk.domain.ports import StoreUnusable
from soap_mturk.store.migrations import check_version, migrate
from soap_mturk.store.sql import SQLITE, SQLSession

_HEADER = b"SQLite format 3\x00"
# How long a connection waits for another process's write lock before failing.
BUSY_TIMEOUT_SECONDS = 30.0


def _check_file(path: str, read_only: bool) -> None:
    """Why the file at `path` cannot be our database, found before SQLite opens it
    (SQLite would create a missing file, and fail later, write by write, on a
    read-only one)."""
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise StoreUnusable(f"the database {path} is a directory, not a file")
    if not os.path.isdir(folder):
        raise StoreUnusable(f"the database's directory {folder} does not exist")
    if os.path.exists(path):
        try:
            with open(path, "rb") as file:
                header = file.read(len(_HEADER))
        except OSError as error:
            raise StoreUnusable(f"cannot read the database {path}: {error.strerror}") from None
        if header and header != _HEADER:
            raise StoreUnusable(f"{path} is not an SQLite database")
    if read_only:
        if not os.path.exists(path):
            raise StoreUnusable(f"the database {path} does not exist (needed with --read-only)")
        return
    # WAL mode writes two files beside the database: the folder must be writable too.
    # A file without write permission bits is read-only even to root, who may write it.
    if (
        os.path.exists(path) and (not os.access(path, os.W_OK) or not os.stat(path).st_mode & 0o222)
    ) or not os.access(folder, os.W_OK):
        raise StoreUnusable(
            f"the database {path} is read-only; start with --read-only to serve it without writes"
        )


class SQLiteStore:
    dialect = SQLITE
    # What a write breaking a unique constraint raises.
    IntegrityError: type[Exception] = sqlite3.IntegrityError

    def __init__(self, path: str, read_only: bool = False, check: bool = True):
        """`check=False` skips the integrity check: for a process opening a
        database its parent has just checked (`serve --workers`)."""
        self.path = path
        self.read_only = read_only
        self._memory = path == ":memory:"
        self._write_lock = threading.RLock()
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        if not self._memory:
            _check_file(path, read_only)
        problems = ["ok"]
        try:
            self._shared = self._connect() if self._memory else None
            with self._write_lock:
                db = self._connection()
                if read_only:
                    check_version(db, SQLITE)
                else:
                    with self._transaction("BEGIN IMMEDIATE"):
                        migrate(db, SQLITE, datetime.now(UTC).isoformat())
                if check:
                    problems = [row[0] for row in db.execute("PRAGMA quick_check(3)").fetchall()]
        except sqlite3.Error as error:
            self.close()
            raise StoreUnusable(f"cannot use the database {path}: {error}") from None
        except StoreUnusable:
            self.close()
            raise
        if problems != ["ok"]:
            self.close()
            raise StoreUnusable(f"the database {path} is corrupt: {'; '.join(problems)}")

    def _connect(self) -> sqlite3.Connection:
        if self.read_only and not self._memory:
            target, uri = "file:" + quote(os.path.abspath(self.path)) + "?mode=ro", True
        else:
            target, uri = self.path, False
        db = sqlite3.connect(
            target,
            isolation_level=None,
            check_same_thread=False,
            timeout=BUSY_TIMEOUT_SECONDS,
            uri=uri,
        )
        db.row_factory = sqlite3.Row
        if not self._memory and not self.read_only:
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
        if self.read_only:
            raise ServiceUnavailable(
                "The emulator serves its database read-only (--read-only): nothing can be changed."
            )
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
