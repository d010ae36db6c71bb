"""SQLite implementation of the store.

Files use one connection per thread in WAL mode, so readers never wait for the
writer; writes take the database's write lock up front (BEGIN IMMEDIATE) so a
read-modify-write cannot interleave with another, even across processes, and
commit with synchronous=FULL so an acknowledged write survives a crash.
':memory:' has a single connection, shared under a lock.
"""

from __future__ import annotations

import base64
import json
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from urllib.parse import quote

from soap_mturk.domain.errors import ServiceUnavailable
from soap_mturk.domain.model import (
    HIT,
    Assignment,
    BonusPayment,
    HITType,
    Locale,
    NotificationDelivery,
    NotificationSetting,
    Price,
    Qualification,
    QualificationRequest,
    QualificationType,
    Requester,
    WorkerBlock,
    WorkerMessage,
)
from soap_mturk.domain.model import QualificationRequirement as Requirement
from soap_mturk.domain.ports import StoreUnusable

_HEADER = b"SQLite format 3\x00"

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
CREATE TABLE IF NOT EXISTS hit_type (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    signature TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    reward_amount TEXT NOT NULL,
    reward_currency TEXT NOT NULL,
    assignment_duration INTEGER NOT NULL,
    auto_approval_delay INTEGER NOT NULL,
    keywords TEXT,
    requirements TEXT NOT NULL,
    creation_time TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS hit (
    id TEXT PRIMARY KEY,
    type_id TEXT NOT NULL,
    owner TEXT NOT NULL,
    creation_time TEXT NOT NULL,
    expiration TEXT NOT NULL,
    max_assignments INTEGER NOT NULL,
    question TEXT,
    layout_id TEXT,
    layout_parameters TEXT NOT NULL,
    requester_annotation TEXT,
    unique_request_token TEXT,
    assignment_review_policy TEXT,
    hit_review_policy TEXT,
    review_status TEXT NOT NULL,
    reviewing INTEGER NOT NULL,
    disposed INTEGER NOT NULL,
    disabled INTEGER NOT NULL,
    expiry_announced INTEGER NOT NULL,
    reviewable_announced INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS hit_by_owner ON hit (owner, creation_time);
CREATE INDEX IF NOT EXISTS hit_by_token ON hit (owner, unique_request_token);
CREATE INDEX IF NOT EXISTS hit_by_expiry ON hit (expiry_announced, expiration);
CREATE TABLE IF NOT EXISTS assignment (
    id TEXT PRIMARY KEY,
    hit_id TEXT NOT NULL,
    worker_id TEXT NOT NULL,
    status TEXT NOT NULL,
    accept_time TEXT NOT NULL,
    deadline TEXT NOT NULL,
    submit_time TEXT,
    auto_approval_time TEXT,
    approval_time TEXT,
    rejection_time TEXT,
    answer TEXT,
    requester_feedback TEXT
);
CREATE INDEX IF NOT EXISTS assignment_by_hit ON assignment (hit_id, accept_time);
CREATE INDEX IF NOT EXISTS assignment_by_deadline ON assignment (status, deadline);
CREATE INDEX IF NOT EXISTS assignment_by_auto_approval ON assignment (status, auto_approval_time);
CREATE TABLE IF NOT EXISTS review_item (
    id TEXT PRIMARY KEY,
    hit_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    level TEXT NOT NULL,
    kind TEXT NOT NULL,
    created TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS review_item_by_hit ON review_item (hit_id, seq);
CREATE TABLE IF NOT EXISTS uploaded_file (
    assignment_id TEXT NOT NULL,
    question_id TEXT NOT NULL,
    file_key TEXT NOT NULL UNIQUE,
    size INTEGER NOT NULL,
    content TEXT NOT NULL,
    PRIMARY KEY (assignment_id, question_id)
);
CREATE TABLE IF NOT EXISTS file_link (
    token TEXT PRIMARY KEY,
    file_key TEXT NOT NULL,
    expires TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS emulator_setting (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS qualification_request_by_type
    ON qualification_request (type_id, status, submit_time);
CREATE INDEX IF NOT EXISTS qualification_request_by_subject
    ON qualification_request (type_id, subject_id, submit_time);
CREATE TABLE IF NOT EXISTS requester (
    access_key TEXT PRIMARY KEY,
    secret_key TEXT NOT NULL,
    name TEXT,
    origin TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS account (
    requester TEXT PRIMARY KEY,
    available TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS worker_block (
    requester TEXT NOT NULL,
    worker_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    block_time TEXT NOT NULL,
    PRIMARY KEY (requester, worker_id)
);
CREATE TABLE IF NOT EXISTS worker_message (
    id TEXT PRIMARY KEY,
    requester TEXT NOT NULL,
    worker_id TEXT NOT NULL,
    subject TEXT NOT NULL,
    text TEXT NOT NULL,
    send_time TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS bonus_payment (
    id TEXT PRIMARY KEY,
    requester TEXT NOT NULL,
    worker_id TEXT NOT NULL,
    assignment_id TEXT NOT NULL,
    hit_id TEXT NOT NULL,
    amount TEXT NOT NULL,
    fee TEXT NOT NULL,
    reason TEXT NOT NULL,
    grant_time TEXT NOT NULL,
    unique_request_token TEXT
);
CREATE INDEX IF NOT EXISTS bonus_payment_by_hit ON bonus_payment (requester, hit_id, grant_time);
CREATE TABLE IF NOT EXISTS notification_setting (
    hit_type_id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    destination TEXT NOT NULL,
    transport TEXT NOT NULL,
    version TEXT NOT NULL,
    event_types TEXT NOT NULL,
    active INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS notification_delivery (
    id TEXT PRIMARY KEY,
    requester TEXT NOT NULL,
    transport TEXT NOT NULL,
    destination TEXT NOT NULL,
    version TEXT NOT NULL,
    events TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    last_error TEXT,
    created_time TEXT NOT NULL,
    updated_time TEXT
);
CREATE INDEX IF NOT EXISTS notification_delivery_by_status
    ON notification_delivery (status, created_time);
CREATE INDEX IF NOT EXISTS worker_message_by_worker ON worker_message (worker_id, send_time);
"""

# Emptied by a reset, children before parents.
CLEARED_TABLES = (
    "file_link",
    "uploaded_file",
    "review_item",
    "assignment",
    "hit",
    "hit_type",
    "qualification_request",
    "qualification",
    "qualification_type",
    "emulator_setting",
    "account",
    "worker_block",
    "worker_message",
    "notification_setting",
    "notification_delivery",
    "bonus_payment",
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


def _opt_time(value: datetime | None) -> str | None:
    return None if value is None else _time_to_db(value)


def _opt_time_from(text: str | None) -> datetime | None:
    return None if text is None else _time_from_db(text)


def _requirements_to_db(requirements: tuple[Requirement, ...]) -> str:
    return json.dumps(
        [
            {
                "type_id": r.type_id,
                "comparator": r.comparator,
                "integers": list(r.integer_values),
                "locales": [[loc.country, loc.subdivision] for loc in r.locale_values],
                "preview": r.required_to_preview,
            }
            for r in requirements
        ]
    )


def _requirements_from_db(text: str) -> tuple[Requirement, ...]:
    return tuple(
        Requirement(
            r["type_id"],
            r["comparator"],
            tuple(r["integers"]),
            tuple(Locale(c, s) for c, s in r["locales"]),
            r["preview"],
        )
        for r in json.loads(text)
    )


def _hit_type_from_row(row: sqlite3.Row) -> HITType:
    return HITType(
        id=row["id"],
        owner=row["owner"],
        title=row["title"],
        description=row["description"],
        reward=Price(Decimal(row["reward_amount"]), row["reward_currency"]),
        assignment_duration=row["assignment_duration"],
        auto_approval_delay=row["auto_approval_delay"],
        creation_time=_time_from_db(row["creation_time"]),
        keywords=row["keywords"],
        requirements=_requirements_from_db(row["requirements"]),
    )


def _hit_from_row(row: sqlite3.Row) -> HIT:
    return HIT(
        id=row["id"],
        type_id=row["type_id"],
        owner=row["owner"],
        creation_time=_time_from_db(row["creation_time"]),
        expiration=_time_from_db(row["expiration"]),
        max_assignments=row["max_assignments"],
        question=row["question"],
        layout_id=row["layout_id"],
        layout_parameters=tuple(tuple(p) for p in json.loads(row["layout_parameters"])),
        requester_annotation=row["requester_annotation"],
        unique_request_token=row["unique_request_token"],
        assignment_review_policy=row["assignment_review_policy"],
        hit_review_policy=row["hit_review_policy"],
        review_status=row["review_status"],
        reviewing=bool(row["reviewing"]),
        disposed=bool(row["disposed"]),
        disabled=bool(row["disabled"]),
        expiry_announced=bool(row["expiry_announced"]),
        reviewable_announced=bool(row["reviewable_announced"]),
    )


def _assignment_from_row(row: sqlite3.Row) -> Assignment:
    return Assignment(
        id=row["id"],
        hit_id=row["hit_id"],
        worker_id=row["worker_id"],
        status=row["status"],
        accept_time=_time_from_db(row["accept_time"]),
        deadline=_time_from_db(row["deadline"]),
        submit_time=_opt_time_from(row["submit_time"]),
        auto_approval_time=_opt_time_from(row["auto_approval_time"]),
        approval_time=_opt_time_from(row["approval_time"]),
        rejection_time=_opt_time_from(row["rejection_time"]),
        answer=row["answer"],
        requester_feedback=row["requester_feedback"],
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
            for test, value in (
                ("owner = ?", wanted.owner),
                ("status = ?", wanted.status),
                ("owner != ?", wanted.not_owner),
            ):
                if value is not None:
                    parts.append(test)
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

    # requesters that are not configured: the development one, those fixtures add
    def kept_requesters(self) -> list[Requester]:
        rows = self._db.execute("SELECT * FROM requester ORDER BY access_key").fetchall()
        return [
            Requester(row["access_key"], row["secret_key"], row["name"], row["origin"])
            for row in rows
        ]

    def keep_requester(self, requester: Requester) -> None:
        self._upsert(
            "requester",
            ("access_key",),
            access_key=requester.access_key,
            secret_key=requester.secret_key,
            name=requester.name,
            origin=requester.origin,
        )

    def forget_requesters(self, origin: str) -> None:
        self._db.execute("DELETE FROM requester WHERE origin = ?", (origin,))

    # the requester's account (amounts kept as decimal text: exact, and portable)
    def get_balance(self, requester):
        row = self._one("SELECT available FROM account WHERE requester = ?", (requester,))
        return Decimal(row["available"]) if row else None

    def put_balance(self, requester, amount):
        self._upsert("account", ("requester",), requester=requester, available=str(amount))

    def all_balances(self):
        rows = self._db.execute("SELECT requester, available FROM account ORDER BY requester")
        return {r["requester"]: Decimal(r["available"]) for r in rows.fetchall()}

    # blocked workers and messages
    @staticmethod
    def _block_from_row(row) -> WorkerBlock:
        return WorkerBlock(
            row["requester"], row["worker_id"], row["reason"], _time_from_db(row["block_time"])
        )

    def get_block(self, requester, worker_id):
        row = self._one(
            "SELECT * FROM worker_block WHERE requester = ? AND worker_id = ?",
            (requester, worker_id),
        )
        return self._block_from_row(row) if row else None

    def put_block(self, block):
        self._upsert(
            "worker_block",
            ("requester", "worker_id"),
            requester=block.requester,
            worker_id=block.worker_id,
            reason=block.reason,
            block_time=_time_to_db(block.block_time),
        )

    def delete_block(self, requester, worker_id):
        self._db.execute(
            "DELETE FROM worker_block WHERE requester = ? AND worker_id = ?",
            (requester, worker_id),
        )

    def list_blocks(self, requester, offset, limit):
        rows, total = self._page(
            "FROM worker_block",
            "WHERE requester = ?",
            (requester,),
            "block_time, worker_id",
            offset,
            limit,
        )
        return [self._block_from_row(r) for r in rows], total

    def all_blocks(self):
        rows = self._db.execute("SELECT * FROM worker_block ORDER BY requester, block_time")
        return [self._block_from_row(r) for r in rows.fetchall()]

    # bonuses
    @staticmethod
    def _bonus_from_row(row) -> BonusPayment:
        return BonusPayment(
            id=row["id"],
            requester=row["requester"],
            worker_id=row["worker_id"],
            assignment_id=row["assignment_id"],
            hit_id=row["hit_id"],
            amount=Decimal(row["amount"]),
            fee=Decimal(row["fee"]),
            reason=row["reason"],
            grant_time=_time_from_db(row["grant_time"]),
            unique_request_token=row["unique_request_token"],
        )

    def put_bonus(self, p):
        self._upsert(
            "bonus_payment",
            ("id",),
            id=p.id,
            requester=p.requester,
            worker_id=p.worker_id,
            assignment_id=p.assignment_id,
            hit_id=p.hit_id,
            amount=str(p.amount),
            fee=str(p.fee),
            reason=p.reason,
            grant_time=_time_to_db(p.grant_time),
            unique_request_token=p.unique_request_token,
        )

    def find_bonus_by_token(self, requester, token):
        row = self._one(
            "SELECT * FROM bonus_payment WHERE requester = ? AND unique_request_token = ?"
            " ORDER BY grant_time DESC LIMIT 1",
            (requester, token),
        )
        return self._bonus_from_row(row) if row else None

    def list_bonuses(self, requester, *, hit_id, assignment_id, offset, limit):
        where, args = "WHERE requester = ?", [requester]
        if hit_id is not None:
            where += " AND hit_id = ?"
            args.append(hit_id)
        if assignment_id is not None:
            where += " AND assignment_id = ?"
            args.append(assignment_id)
        rows, total = self._page(
            "FROM bonus_payment", where, tuple(args), "grant_time, id", offset, limit
        )
        return [self._bonus_from_row(r) for r in rows], total

    # notifications
    def get_notification_setting(self, hit_type_id):
        row = self._one("SELECT * FROM notification_setting WHERE hit_type_id = ?", (hit_type_id,))
        if row is None:
            return None
        return NotificationSetting(
            row["hit_type_id"],
            row["owner"],
            row["destination"],
            row["transport"],
            row["version"],
            tuple(t for t in row["event_types"].split(",") if t),
            bool(row["active"]),
        )

    def put_notification_setting(self, setting):
        self._upsert(
            "notification_setting",
            ("hit_type_id",),
            hit_type_id=setting.hit_type_id,
            owner=setting.owner,
            destination=setting.destination,
            transport=setting.transport,
            version=setting.version,
            event_types=",".join(setting.event_types),
            active=int(setting.active),
        )

    @staticmethod
    def _delivery_from_row(row) -> NotificationDelivery:
        return NotificationDelivery(
            id=row["id"],
            requester=row["requester"],
            transport=row["transport"],
            destination=row["destination"],
            version=row["version"],
            events=json.loads(row["events"]),
            status=row["status"],
            created_time=_time_from_db(row["created_time"]),
            attempts=row["attempts"],
            last_error=row["last_error"],
            updated_time=_time_from_db(row["updated_time"]) if row["updated_time"] else None,
        )

    def put_delivery(self, d):
        self._upsert(
            "notification_delivery",
            ("id",),
            id=d.id,
            requester=d.requester,
            transport=d.transport,
            destination=d.destination,
            version=d.version,
            events=json.dumps(d.events),
            status=d.status,
            attempts=d.attempts,
            last_error=d.last_error,
            created_time=_time_to_db(d.created_time),
            updated_time=_time_to_db(d.updated_time) if d.updated_time else None,
        )

    def get_delivery(self, delivery_id):
        row = self._one("SELECT * FROM notification_delivery WHERE id = ?", (delivery_id,))
        return self._delivery_from_row(row) if row else None

    def list_deliveries(self, status):
        where, args = ("WHERE status = ?", (status,)) if status is not None else ("", ())
        rows = self._db.execute(
            f"SELECT * FROM notification_delivery {where} ORDER BY created_time, id", args
        ).fetchall()
        return [self._delivery_from_row(r) for r in rows]

    def put_message(self, message):
        self._upsert(
            "worker_message",
            ("id",),
            id=message.id,
            requester=message.requester,
            worker_id=message.worker_id,
            subject=message.subject,
            text=message.text,
            send_time=_time_to_db(message.send_time),
        )

    def list_messages(self, worker_id):
        where, args = ("WHERE worker_id = ?", (worker_id,)) if worker_id is not None else ("", ())
        rows = self._db.execute(
            f"SELECT * FROM worker_message {where} ORDER BY send_time, id", args
        ).fetchall()
        return [
            WorkerMessage(
                r["id"],
                r["requester"],
                r["worker_id"],
                r["subject"],
                r["text"],
                _time_from_db(r["send_time"]),
            )
            for r in rows
        ]

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

    # HIT types, HITs, assignments
    def get_hit_type(self, type_id):
        row = self._one("SELECT * FROM hit_type WHERE id = ?", (type_id,))
        return _hit_type_from_row(row) if row else None

    def find_hit_type_by_signature(self, signature):
        row = self._one("SELECT * FROM hit_type WHERE signature = ?", (signature,))
        return _hit_type_from_row(row) if row else None

    def put_hit_type(self, t, signature):
        self._upsert(
            "hit_type",
            ("id",),
            id=t.id,
            owner=t.owner,
            signature=signature,
            title=t.title,
            description=t.description,
            reward_amount=str(t.reward.amount),
            reward_currency=t.reward.currency_code,
            assignment_duration=t.assignment_duration,
            auto_approval_delay=t.auto_approval_delay,
            keywords=t.keywords,
            requirements=_requirements_to_db(t.requirements),
            creation_time=_time_to_db(t.creation_time),
        )

    def list_hit_types(self, owner):
        if owner is None:
            rows = self._db.execute("SELECT * FROM hit_type ORDER BY creation_time, id")
        else:
            rows = self._db.execute(
                "SELECT * FROM hit_type WHERE owner = ? ORDER BY creation_time, id", (owner,)
            )
        return [_hit_type_from_row(r) for r in rows.fetchall()]

    def get_hit(self, hit_id):
        row = self._one("SELECT * FROM hit WHERE id = ?", (hit_id,))
        return _hit_from_row(row) if row else None

    def put_hit(self, h):
        self._upsert(
            "hit",
            ("id",),
            id=h.id,
            type_id=h.type_id,
            owner=h.owner,
            creation_time=_time_to_db(h.creation_time),
            expiration=_time_to_db(h.expiration),
            max_assignments=h.max_assignments,
            question=h.question,
            layout_id=h.layout_id,
            layout_parameters=json.dumps([list(p) for p in h.layout_parameters]),
            requester_annotation=h.requester_annotation,
            unique_request_token=h.unique_request_token,
            assignment_review_policy=h.assignment_review_policy,
            hit_review_policy=h.hit_review_policy,
            review_status=h.review_status,
            reviewing=int(h.reviewing),
            disposed=int(h.disposed),
            disabled=int(h.disabled),
            expiry_announced=int(h.expiry_announced),
            reviewable_announced=int(h.reviewable_announced),
        )

    def find_hit_by_token(self, owner, token):
        row = self._one(
            "SELECT * FROM hit WHERE owner = ? AND unique_request_token = ?"
            " ORDER BY creation_time DESC LIMIT 1",
            (owner, token),
        )
        return _hit_from_row(row) if row else None

    def list_hits(self, owner):
        if owner is None:
            rows = self._db.execute("SELECT * FROM hit ORDER BY creation_time, id")
        else:
            rows = self._db.execute(
                "SELECT * FROM hit WHERE owner = ? ORDER BY creation_time, id", (owner,)
            )
        return [_hit_from_row(r) for r in rows.fetchall()]

    def hits_newly_expired(self, now):
        rows = self._db.execute(
            "SELECT * FROM hit WHERE expiry_announced = 0 AND expiration <= ? ORDER BY expiration",
            (_time_to_db(now),),
        )
        return [_hit_from_row(r) for r in rows.fetchall()]

    def get_assignment(self, assignment_id):
        row = self._one("SELECT * FROM assignment WHERE id = ?", (assignment_id,))
        return _assignment_from_row(row) if row else None

    def put_assignment(self, a):
        self._upsert(
            "assignment",
            ("id",),
            id=a.id,
            hit_id=a.hit_id,
            worker_id=a.worker_id,
            status=a.status,
            accept_time=_time_to_db(a.accept_time),
            deadline=_time_to_db(a.deadline),
            submit_time=_opt_time(a.submit_time),
            auto_approval_time=_opt_time(a.auto_approval_time),
            approval_time=_opt_time(a.approval_time),
            rejection_time=_opt_time(a.rejection_time),
            answer=a.answer,
            requester_feedback=a.requester_feedback,
        )

    def list_assignments(self, hit_ids):
        if hit_ids is None:
            rows = self._db.execute("SELECT * FROM assignment ORDER BY accept_time, id")
            return [_assignment_from_row(r) for r in rows.fetchall()]
        found = []
        for start in range(0, len(hit_ids), 500):  # within any database's parameter limit
            chunk = hit_ids[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT * FROM assignment WHERE hit_id IN ({marks}) ORDER BY accept_time, id",
                tuple(chunk),
            )
            found += [_assignment_from_row(r) for r in rows.fetchall()]
        return found

    def assignments_due(self, now):
        at = _time_to_db(now)
        rows = self._db.execute(
            "SELECT * FROM assignment WHERE (status = 'Accepted' AND deadline <= ?)"
            " OR (status = 'Submitted' AND auto_approval_time <= ?) ORDER BY accept_time, id",
            (at, at),
        )
        return [_assignment_from_row(r) for r in rows.fetchall()]

    def add_review_item(self, hit_id, level, kind, item, at):
        seq = self._one("SELECT count(*) FROM review_item WHERE hit_id = ?", (hit_id,))[0]
        self._db.execute(
            "INSERT INTO review_item (id, hit_id, seq, level, kind, created, data)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (item["ActionId"], hit_id, seq, level, kind, _time_to_db(at), json.dumps(item)),
        )

    def list_review_items(self, hit_id):
        rows = self._db.execute(
            "SELECT level, kind, created, data FROM review_item WHERE hit_id = ? ORDER BY seq",
            (hit_id,),
        )
        found = []
        for row in rows.fetchall():
            item = json.loads(row["data"])
            if row["kind"] == "Action":
                item["CompleteTime"] = _time_from_db(row["created"])
            found.append((row["level"], row["kind"], item))
        return found

    def put_uploaded_file(self, assignment_id, question_id, file_key, content):
        self._upsert(
            "uploaded_file",
            ("assignment_id", "question_id"),
            assignment_id=assignment_id,
            question_id=question_id,
            file_key=file_key,
            size=len(content),
            content=base64.b64encode(content).decode("ascii"),
        )

    def uploaded_file_key(self, assignment_id, question_id):
        row = self._one(
            "SELECT file_key FROM uploaded_file WHERE assignment_id = ? AND question_id = ?",
            (assignment_id, question_id),
        )
        return row[0] if row else None

    def put_file_link(self, token, file_key, expires):
        self._upsert(
            "file_link", ("token",), token=token, file_key=file_key, expires=_time_to_db(expires)
        )

    def linked_file(self, token):
        row = self._one(
            "SELECT l.expires, f.content FROM file_link l"
            " JOIN uploaded_file f ON f.file_key = l.file_key WHERE l.token = ?",
            (token,),
        )
        if row is None:
            return None
        return _time_from_db(row["expires"]), base64.b64decode(row["content"])

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
    def __init__(self, path: str, read_only: bool = False):
        self.path = path
        self.read_only = read_only
        self._memory = path == ":memory:"
        self._write_lock = threading.RLock()
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        if not self._memory:
            _check_file(path, read_only)
        try:
            self._shared = self._connect() if self._memory else None
            with self._write_lock:
                db = self._connection()
                if not read_only:
                    db.executescript(SCHEMA)
                problems = [row[0] for row in db.execute("PRAGMA quick_check(3)").fetchall()]
        except sqlite3.Error as error:
            self.close()
            raise StoreUnusable(f"cannot use the database {path}: {error}") from None
        if problems != ["ok"]:
            self.close()
            raise StoreUnusable(f"the database {path} is corrupt: {'; '.join(problems)}")

    def _connect(self) -> sqlite3.Connection:
        if self.read_only and not self._memory:
            target, uri = "file:" + quote(os.path.abspath(self.path)) + "?mode=ro", True
        else:
            target, uri = self.path, False
        db = sqlite3.connect(
            target, isolation_level=None, check_same_thread=False, timeout=30.0, uri=uri
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
