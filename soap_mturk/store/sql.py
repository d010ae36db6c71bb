"""The store's SQL, written once for every database it runs on.

`SQLSession` implements the domain's port (domain/ports.py) over any connection
adapter that takes '?' placeholders and returns rows readable by column name; a
`Dialect` names the few places where SQLite and PostgreSQL spell things
differently. The SQLite and PostgreSQL stores (sqlite.py, postgres.py) only open
connections and run transactions. A new store method is written here once, in
portable SQL, and works on both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from soap_mturk.domain.model import (
    Locale,
    Qualification,
    QualificationRequest,
    QualificationType,
)


@dataclass(frozen=True)
class Dialect:
    """What differs between the databases, as small pieces of SQL."""

    name: str
    # An expression ordering text without regard to case.
    nocase_template: str
    # The operator matching a LIKE pattern without regard to case.
    like_nocase: str

    # The column type text gets in CREATE TABLE: PostgreSQL's is given the "C"
    # collation so that text compares and sorts by code point, as in SQLite,
    # whatever locale the database was created with.
    text_type: str = "TEXT"
    # A query answering a row when the table named by its one parameter exists.
    table_exists: str = "SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?"

    def nocase(self, column: str) -> str:
        return self.nocase_template.format(column)

    def ddl(self, statement: str) -> str:
        """A schema statement written with portable types, for this database."""
        if self.text_type == "TEXT":
            return statement
        return re.sub(r"\bTEXT\b", self.text_type, statement)


SQLITE = Dialect("sqlite", "{} COLLATE NOCASE", "LIKE")
POSTGRESQL = Dialect(
    "postgresql",
    "lower({})",
    "ILIKE",
    text_type='TEXT COLLATE "C"',
    table_exists="SELECT 1 AS found WHERE to_regclass(?) IS NOT NULL",
)

Row = Any  # a row readable by column name (sqlite3.Row, or the PostgreSQL adapter's)


_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def _time_to_db(value: datetime) -> str:
    return value.astimezone(UTC).strftime(_TIME_FORMAT)


def _time_from_db(text: str) -> datetime:
    # fromisoformat reads our own format (trailing Z as UTC) at a tenth of strptime's cost.
    return datetime.fromisoformat(text)


def _type_from_row(row: Row) -> QualificationType:
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


def _qualification_from_row(row: Row) -> Qualification:
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


def _request_from_row(row: Row) -> QualificationRequest:
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


class SQLSession:
    def __init__(self, connection, dialect: Dialect):
        self._db = connection
        self._dialect = dialect

    def _one(self, sql: str, args: tuple) -> Row | None:
        return self._db.execute(sql, args).fetchone()

    def _page(self, sql: str, where: str, args: tuple, order: str, offset: int, limit: int):
        total = self._db.execute(f"SELECT count(*) AS n {sql} {where}", args).fetchone()["n"]
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
            for test, value in (
                ("owner = ?", wanted.owner),
                ("status = ?", wanted.status),
                ("owner != ?", wanted.not_owner),
            ):
                if value is not None:
                    parts.append(test)
                    args.append(value)
            alternatives.append("(" + (" AND ".join(parts) or "1 = 1") + ")")
        clauses = ["(" + (" OR ".join(alternatives) or "1 = 0") + ")"]
        if query:
            like = self._dialect.like_nocase
            clauses.append(
                f"(name {like} ? ESCAPE '\\' OR coalesce(description, '') {like} ? ESCAPE '\\'"
                f" OR coalesce(keywords, '') {like} ? ESCAPE '\\')"
            )
            args += [_like(query)] * 3
        direction = "DESC" if descending else "ASC"
        rows, total = self._page(
            "FROM qualification_type",
            "WHERE " + " AND ".join(clauses),
            tuple(args),
            f"{self._dialect.nocase('name')} {direction}, id {direction}",
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

    def clear_all(self):
        for table in ("qualification_request", "qualification", "qualification_type"):
            self._db.execute(f"DELETE FROM {table}")
