"""PostgreSQL implementation of the store (psycopg 3): connections and
transactions around the shared SQL (sql.py), for state shared by many processes
and hosts.

One connection per thread. Reads run in a REPEATABLE READ, READ ONLY transaction
(a consistent snapshot, as SQLite's); writes take one transaction-scoped advisory
lock first, so read-modify-write units run one at a time across every process and
host, as SQLite's BEGIN IMMEDIATE makes them: the domain's rules (unique names,
a score updated from its current value) need no retry loop. Commits wait for the
WAL flush (synchronous_commit=on), so an acknowledged write survives a crash.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg.rows import dict_row

from soap_mturk.domain.errors import ServiceUnavailable
from soap_mturk.store.migrations import check_version, migrate
from soap_mturk.store.sql import POSTGRESQL, SQLSession

# The advisory lock every write takes (any constant; "MTRK" in ASCII).
WRITE_LOCK_KEY = 0x4D54524B


@functools.lru_cache(maxsize=1024)
def _placeholders(sql: str) -> str:
    """The store's '?' placeholders as psycopg's '%s' (a literal '%' doubled)."""
    return sql.replace("%", "%%").replace("?", "%s")


class _Connection:
    """A psycopg connection taking the store's '?' placeholders, kept in pipeline
    mode: statements go out without waiting for each answer, and a fetch waits for
    everything sent before it."""

    def __init__(self, connection: psycopg.Connection[Any]) -> None:
        self.raw = connection
        self._pipeline_mode = connection.pipeline()
        self.pipeline = self._pipeline_mode.__enter__()

    def close(self) -> None:
        if self.raw.closed:
            return
        try:
            self._pipeline_mode.__exit__(None, None, None)
        except psycopg.Error:
            pass
        try:
            self.raw.close()
        except psycopg.Error:
            pass

    def execute(self, sql: str, args: tuple = ()) -> psycopg.Cursor[Any]:
        if args:
            return self.raw.execute(_placeholders(sql), args)
        return self.raw.execute(sql)


def redacted(url: str) -> str:
    """The URL with any password hidden, for messages and the startup banner."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


class PostgresStore:
    dialect = POSTGRESQL
    # What a write breaking a unique constraint raises.
    IntegrityError: type[Exception] = psycopg.IntegrityError

    def __init__(self, url: str, read_only: bool = False):
        self.url = url
        self.path = redacted(url)
        self.read_only = read_only
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[_Connection] = []
        if read_only:
            with self.read() as session:
                check_version(session._db, POSTGRESQL)
        else:
            with self._transaction("BEGIN", lock=True) as session:
                migrate(session._db, POSTGRESQL, datetime.now(UTC).isoformat())

    def _connect(self) -> _Connection:
        raw = psycopg.connect(self.url, autocommit=True, row_factory=dict_row)
        # Whatever the server's default, an acknowledged write is on disk.
        raw.execute("SET synchronous_commit = on")
        db = _Connection(raw)
        with self._lock:
            self._connections.append(db)
        return db

    def _connection(self) -> _Connection:
        db = getattr(self._local, "db", None)
        if db is None or db.raw.closed or db.raw.broken:
            db = self._local.db = self._connect()
        return db

    @contextmanager
    def _transaction(self, begin: str, lock: bool) -> Iterator[SQLSession]:
        """BEGIN (and a write's lock) travel with the first query. A read's COMMIT
        is not waited for (it ends a read-only snapshot; the next transaction's
        first fetch collects its answer), so a read costs one round trip. A write
        waits for its statements, then for its COMMIT: it is on disk before the
        caller acknowledges it."""
        db = self._connection()
        try:
            db.execute(begin)
            if lock:
                db.execute(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")
            try:
                yield SQLSession(db, POSTGRESQL)
                if lock:
                    # A write that failed says so here, as itself (a unique name
                    # taken...), not as the COMMIT that followed it.
                    db.pipeline.sync()
            except BaseException:
                self._rollback(db)
                raise
            db.execute("COMMIT")
            if lock:
                db.pipeline.sync()
        except psycopg.OperationalError:
            self._forget(db)
            raise

    def _rollback(self, db: _Connection) -> None:
        try:
            db.execute("ROLLBACK")
            db.pipeline.sync()
        except psycopg.Error:
            # Its state is unknown (the server gone, say): the next transaction on
            # this thread opens a new connection.
            self._forget(db)

    def _forget(self, db: _Connection) -> None:
        self._local.db = None
        try:
            db.close()
        except psycopg.Error:
            pass

    @contextmanager
    def read(self) -> Iterator[SQLSession]:
        with self._transaction(
            "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", lock=False
        ) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[SQLSession]:
        if self.read_only:
            raise ServiceUnavailable(
                "The emulator serves its database read-only (--read-only): nothing can be changed."
            )
        with self._transaction("BEGIN", lock=True) as session:
            yield session

    def close(self) -> None:
        with self._lock:
            connections, self._connections = self._connections, []
        for db in connections:
            db.close()
