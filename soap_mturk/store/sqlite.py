"""SQLite implementation of the store.

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

from soap_mturk.domain.model import (
    Locale,
    Qualification,
    QualificationRequest,
    QualificationType,
)

SCHEMA = """
CREATE TABLE IF NOT EXISTS qualification_type (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    name TEXT NOT NULL,
    creation_time TEXT NOT NULL,
    description TEXT,
    keywords TEXT,
    status TEXT NOT NULL,
    test TEXT,
    test_duration INTEGER,
    answer_key TEXT,
    retry_delay INTEGER,
    auto_granted INTEGER NOT NULL,
    auto_granted_value INTEGER,
    UNIQUE (owner, name)
);
CREATE TABLE IF NOT EXISTS qualification (
    type_id TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    grant_time TEXT NOT NULL,
    integer_value INTEGER,
    country TEXT,
    subdivision TEXT,
    status TEXT NOT NULL,
    PRIMARY KEY (type_id, subject_id)
);
CREATE TABLE IF NOT EXISTS qualification_request (
    id TEXT PRIMARY KEY,
    type_id TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    submit_time TEXT NOT NULL,
    test TEXT,
    answer TEXT,
    status TEXT NOT NULL,
    reason TEXT
);
CREATE TABLE IF NOT EXISTS emulator_setting (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS qualification_request_by_type
    ON qualification_request (type_id, status, submit_time);
CREATE INDEX IF NOT EXISTS qualification_request_by_subject
    ON qualification_request (type_id, subject_id, submit_time);
"""

# Emptied by a reset, children before parents.
CLEARED_TABLES = (
    "qualification_request",
    "qualification",
    "qualification_type",
    "emulator_setting",
)

_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def _time_to_db(value: datetime) -> str:
    return value.astimezone(UTC).strftime(_TIME_FORMAT)


def _time_from_db(text: str) -> datetime:
    # fromisoformat reads our own format (trailing Z as UTC) at a tenth of strptime's cost.
    return datetime.fromisoformat(text)


def _type_from_row(row: sqlite3.Row) -> QualificationType:
    return QualificationType(
        id=row["id"],
        owner=row["owner"],
        name=row["name"],
        creation_time=_time_from_db(row["creation_time"]),
        description=row["description"],
        keywords=row["keywords"],
        status=row["status"],
        test=row["test"],
        test_duration=row["test_duration"],
        answer_key=row["answer_key"],
        retry_delay=row["retry_delay"],
        auto_granted=bool(row["auto_granted"]),
        auto_granted_value=row["auto_granted_value"],
    )


def _qualification_from_row(row: sqlite3.Row) -> Qualification:
    locale = None
    if row["country"] is not None or row["subdivision"] is not None:
        locale = Locale(row["country"], row["subdivision"])
    return Qualification(
        type_id=row["type_id"],
        subject_id=row["subject_id"],
        grant_time=_time_from_db(row["grant_time"]),
        integer_value=row["integer_value"],
        locale=locale,
        status=row["status"],
    )


def _request_from_row(row: sqlite3.Row) -> QualificationRequest:
    return QualificationRequest(
        id=row["id"],
        type_id=row["type_id"],
        subject_id=row["subject_id"],
        submit_time=_time_from_db(row["submit_time"]),
        test=row["test"],
        answer=row["answer"],
        status=row["status"],
        reason=row["reason"],
    )


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class SQLiteSession:
    def __init__(self, connection: sqlite3.Connection):
        self._db = connection

    def _one(self, sql: str, args: tuple) -> sqlite3.Row | None:
        return self._db.execute(sql, args).fetchone()

    def _page(self, sql: str, where: str, args: tuple, order: str, offset: int, limit: int):
        total = self._db.execute(f"SELECT count(*) {sql} {where}", args).fetchone()[0]
        rows = self._db.execute(
            f"SELECT * {sql} {where} ORDER BY {order} LIMIT ? OFFSET ?", (*args, limit, offset)
        ).fetchall()
        return rows, total

    def _upsert(self, table: str, key: tuple[str, ...], **row) -> None:
        """Insert the row, or update the one with its primary key. Never REPLACE:
        that deletes whatever row a unique constraint names, silently."""
        columns = ", ".join(row)
        marks = ", ".join("?" * len(row))
        updates = ", ".join(f"{c} = excluded.{c}" for c in row if c not in key)
        self._db.execute(
            f"INSERT INTO {table} ({columns}) VALUES ({marks}) "
            f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}",
            tuple(row.values()),
        )

    # qualification types
    def get_type(self, type_id):
        row = self._one("SELECT * FROM qualification_type WHERE id = ?", (type_id,))
        return _type_from_row(row) if row else None

    def find_type_by_name(self, owner, name):
        row = self._one(
            "SELECT * FROM qualification_type WHERE owner = ? AND name = ?", (owner, name)
        )
        return _type_from_row(row) if row else None

    def put_type(self, qtype):
        self._upsert(
            "qualification_type",
            ("id",),
            id=qtype.id,
            owner=qtype.owner,
            name=qtype.name,
            creation_time=_time_to_db(qtype.creation_time),
            description=qtype.description,
            keywords=qtype.keywords,
            status=qtype.status,
            test=qtype.test,
            test_duration=qtype.test_duration,
            answer_key=qtype.answer_key,
            retry_delay=qtype.retry_delay,
            auto_granted=int(qtype.auto_granted),
            auto_granted_value=qtype.auto_granted_value,
        )

    def delete_type(self, type_id):
        self._db.execute("DELETE FROM qualification_type WHERE id = ?", (type_id,))

    def search_types(self, *, any_of, query, descending, offset, limit):
        alternatives, args = [], []
        for wanted in any_of:
            parts = []
            for column, value in (("owner", wanted.owner), ("status", wanted.status)):
                if value is not None:
                    parts.append(f"{column} = ?")
                    args.append(value)
            alternatives.append("(" + (" AND ".join(parts) or "1") + ")")
        clauses = ["(" + (" OR ".join(alternatives) or "0") + ")"]
        if query:
            clauses.append(
                "(name LIKE ? ESCAPE '\\' OR coalesce(description, '') LIKE ? ESCAPE '\\'"
                " OR coalesce(keywords, '') LIKE ? ESCAPE '\\')"
            )
            args += [_like(query)] * 3
        direction = "DESC" if descending else "ASC"
        rows, total = self._page(
            "FROM qualification_type",
            "WHERE " + " AND ".join(clauses),
            tuple(args),
            f"name COLLATE NOCASE {direction}, id {direction}",
            offset,
            limit,
        )
        return [_type_from_row(r) for r in rows], total

    # qualifications
    def get_qualification(self, type_id, subject_id):
        row = self._one(
            "SELECT * FROM qualification WHERE type_id = ? AND subject_id = ?",
            (type_id, subject_id),
        )
        return _qualification_from_row(row) if row else None

    def put_qualification(self, q):
        locale = q.locale or Locale()
        self._upsert(
            "qualification",
            ("type_id", "subject_id"),
            type_id=q.type_id,
            subject_id=q.subject_id,
            grant_time=_time_to_db(q.grant_time),
            integer_value=q.integer_value,
            country=locale.country,
            subdivision=locale.subdivision,
            status=q.status,
        )

    def delete_qualifications(self, type_id):
        self._db.execute("DELETE FROM qualification WHERE type_id = ?", (type_id,))

    def list_qualifications(self, type_id, status, offset, limit):
        rows, total = self._page(
            "FROM qualification",
            "WHERE type_id = ? AND status = ?",
            (type_id, status),
            "grant_time, subject_id",
            offset,
            limit,
        )
        return [_qualification_from_row(r) for r in rows], total

    # qualification requests
    def get_request(self, request_id):
        row = self._one("SELECT * FROM qualification_request WHERE id = ?", (request_id,))
        return _request_from_row(row) if row else None

    def put_request(self, r):
        self._upsert(
            "qualification_request",
            ("id",),
            id=r.id,
            type_id=r.type_id,
            subject_id=r.subject_id,
            submit_time=_time_to_db(r.submit_time),
            test=r.test,
            answer=r.answer,
            status=r.status,
            reason=r.reason,
        )

    def list_requests(self, *, owner, type_id, status, sort_by, descending, offset, limit):
        where = (
            "WHERE r.status = ? AND r.type_id IN"
            " (SELECT id FROM qualification_type WHERE owner = ?)"
        )
        args: tuple = (status, owner)
        if type_id is not None:
            where += " AND r.type_id = ?"
            args += (type_id,)
        column = {"SubmitTime": "r.submit_time", "QualificationTypeId": "r.type_id"}[sort_by]
        direction = "DESC" if descending else "ASC"
        rows, total = self._page(
            "FROM qualification_request r",
            where,
            args,
            f"{column} {direction}, r.submit_time {direction}, r.id {direction}",
            offset,
            limit,
        )
        return [_request_from_row(r) for r in rows], total

    def latest_request(self, type_id, subject_id):
        row = self._one(
            "SELECT * FROM qualification_request WHERE type_id = ? AND subject_id = ?"
            " ORDER BY submit_time DESC LIMIT 1",
            (type_id, subject_id),
        )
        return _request_from_row(row) if row else None

    def all_types(self):
        rows = self._db.execute("SELECT * FROM qualification_type ORDER BY creation_time, id")
        return [_type_from_row(r) for r in rows.fetchall()]

    def all_qualifications(self):
        rows = self._db.execute(
            "SELECT * FROM qualification ORDER BY type_id, grant_time, subject_id"
        )
        return [_qualification_from_row(r) for r in rows.fetchall()]

    def all_requests(self, status):
        rows = self._db.execute(
            "SELECT * FROM qualification_request WHERE status = ? ORDER BY submit_time, id",
            (status,),
        )
        return [_request_from_row(r) for r in rows.fetchall()]

    # the emulator clock
    def clock_offset_ms(self):
        row = self._one("SELECT value FROM emulator_setting WHERE name = ?", ("clock_offset_ms",))
        return int(row[0]) if row else 0

    def set_clock_offset_ms(self, offset_ms):
        self._upsert(
            "emulator_setting", ("name",), name="clock_offset_ms", value=str(int(offset_ms))
        )

    def clear_all(self):
        for table in CLEARED_TABLES:
            self._db.execute(f"DELETE FROM {table}")


class SQLiteStore:
    def __init__(self, path: str):
        self.path = path
        self._memory = path == ":memory:"
        self._write_lock = threading.RLock()
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._shared = self._connect() if self._memory else None
        with self._write_lock:
            self._connection().executescript(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30.0)
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
    def _transaction(self, begin: str) -> Iterator[SQLiteSession]:
        db = self._connection()
        db.execute(begin)
        try:
            yield SQLiteSession(db)
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    @contextmanager
    def read(self) -> Iterator[SQLiteSession]:
        if self._memory:
            with self._write_lock, self._transaction("BEGIN") as session:
                yield session
        else:
            with self._transaction("BEGIN") as session:
                yield session

    @contextmanager
    def write(self) -> Iterator[SQLiteSession]:
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
