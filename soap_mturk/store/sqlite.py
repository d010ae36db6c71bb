"""SQLite implementation of the store: connections and transactions around the
shared SQL (sql.py).

Files use one connection per thread in WAL mode, so readers never wait for the
writer; writes take the database's write lock up front (BEGIN IMMEDIATE) so a
read-modify-write cannot interleave with another, even across processes.

Durability: an acknowledged write is on disk. Each write's transaction commits
with synchronous=NORMAL (its WAL frames written, not yet flushed); after the write
lock is released, an fdatasync of the WAL file that begins after that commit must
finish before the write is answered. Outside a server, `write()` runs it before
returning; a server that defers (store/durability.py) holds the answer and runs
it once no other request waits, so writes that arrived together share one flush
(a group commit). Either way the flush is outside the lock, overlapping other
processes' transactions, where synchronous=FULL flushes inside it, one commit at a
time. SQLite's recovery reads the WAL up to its last valid commit frame, so a
flushed commit survives a crash or power loss.

Writers of one file, in any process, queue on an flock of a lock file beside it
(`<db>-writers`): the kernel wakes the next writer the moment the lock is free,
where SQLite's busy handler polls with sleeps of up to 100 ms (measured: write
p99 of 158-212 ms at 8 connections with two processes, bench/README.md).
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

try:
    import fcntl
except ImportError:  # Windows: writers of other processes wait in SQLite's busy handler
    fcntl = None  # type: ignore[assignment]

from soap_mturk.domain.errors import ServiceUnavailable
from soap_mturk.domain.ports import StoreUnusable
from soap_mturk.store import durability
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


def _sync_data(fd: int) -> None:
    """Flush a file's data to disk (fdatasync; fsync where there is none, as on macOS)."""
    sync = getattr(os, "fdatasync", None) or os.fsync
    sync(fd)


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
        # (pid, fd) of the writers' lock file: opened again in a forked child, whose
        # inherited descriptor would share the parent's lock instead of queueing.
        self._writers_lock: tuple[int, int] | None = None
        # Commits made by this process, and how many of them are known flushed.
        self._commits = 0
        self._flushed = 0
        self._flush_lock = threading.Lock()
        self._wal: tuple[int, int, int] | None = None  # (pid, fd, inode) of the -wal file
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
                    if not self._memory:
                        self._commits += 1
                        self._flush()
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
            db.execute("PRAGMA synchronous=NORMAL")  # flushed by _flush(), outside the lock
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
        # The in-process lock keeps threads, and the file lock other processes, from
        # queueing inside SQLite's busy handler.
        with self._write_lock, self._writers_queue():
            with self._transaction("BEGIN IMMEDIATE") as session:
                yield session
            self._commits += 1
            ticket = self._commits
        if not self._memory and not durability.defer(lambda: self._flush_for_answer(ticket)):
            self._flush(ticket)

    @property
    def commits_flushed(self) -> tuple[int, int]:
        """(writes this process committed, how many of them are known on disk)."""
        return self._commits, self._flushed

    def _flush_for_answer(self, ticket: int) -> bool:
        """A deferred write's flush (store/durability.py): False if it failed, and
        the answer must not report success."""
        try:
            self._flush(ticket)
        except OSError:
            return False
        return True

    def _flush(self, ticket: int | None = None) -> None:
        """Return once commit number `ticket` (default: the latest) of this process
        is on disk: flush the WAL file, unless a flush that began after that commit
        has already finished (another thread's, which covered it)."""
        ticket = self._commits if ticket is None else ticket
        with self._flush_lock:
            if self._flushed >= ticket:
                return
            covered = self._commits  # every commit made so far is in the file's pages
            _sync_data(self._wal_fd())
            self._flushed = covered

    def _wal_fd(self) -> int:
        """A descriptor of the current -wal file (reopened in a forked child, and if
        the file was replaced: SQLite deletes it when the last connection closes)."""
        wal = self.path + "-wal"
        inode = os.stat(wal).st_ino
        if self._wal is not None and (self._wal[0] != os.getpid() or self._wal[2] != inode):
            if self._wal[0] == os.getpid():
                os.close(self._wal[1])
            self._wal = None
        if self._wal is None:
            fd = os.open(wal, os.O_RDONLY | os.O_CLOEXEC)
            self._wal = (os.getpid(), fd, os.fstat(fd).st_ino)
        return self._wal[1]

    @contextmanager
    def _writers_queue(self) -> Iterator[None]:
        if self._memory or fcntl is None:
            yield
            return
        if self._writers_lock is None or self._writers_lock[0] != os.getpid():
            fd = os.open(self.path + "-writers", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            self._writers_lock = (os.getpid(), fd)
        fd = self._writers_lock[1]
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)

    def close(self) -> None:
        for db in self._connections:
            try:
                db.close()
            except sqlite3.ProgrammingError:
                pass
        self._connections.clear()
        for held in (self._writers_lock, self._wal):
            if held is not None and held[0] == os.getpid():
                os.close(held[1])
        self._writers_lock = self._wal = None
