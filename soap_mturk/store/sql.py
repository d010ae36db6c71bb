"""The store's SQL, written once for every database it runs on.

`SQLSession` implements the domain's port (domain/ports.py) over any connection
adapter that takes '?' placeholders and returns rows readable by column name; a
`Dialect` names the few places where SQLite and PostgreSQL spell things
differently. The SQLite and PostgreSQL stores (sqlite.py, postgres.py) only open
connections and run transactions. A new store method is written here once, in
portable SQL, and works on both.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from soap_mturk.domain.model import (
    HIT,
    Assignment,
    BonusPayment,
    HITExtension,
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
from soap_mturk.domain.ports import TypeFilter


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
    "hit_extension",
)

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


def _hit_type_from_row(row: Row) -> HITType:
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


def _hit_from_row(row: Row) -> HIT:
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


def _assignment_from_row(row: Row) -> Assignment:
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


def _requester_from_row(row: Row) -> Requester:
    return Requester(row["access_key"], row["secret_key"], row["name"], row["origin"])


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class SQLSession:
    def __init__(self, connection: Any, dialect: Dialect) -> None:
        self._db = connection
        self._dialect = dialect

    def _one(self, sql: str, args: tuple) -> Row | None:
        return self._db.execute(sql, args).fetchone()

    def _page(
        self, sql: str, where: str, args: tuple, order: str, offset: int, limit: int
    ) -> tuple[list[Row], int]:
        total = self._db.execute(f"SELECT count(*) AS n {sql} {where}", args).fetchone()["n"]
        rows = self._db.execute(
            f"SELECT * {sql} {where} ORDER BY {order} LIMIT ? OFFSET ?", (*args, limit, offset)
        ).fetchall()
        return rows, total

    def _upsert(self, table: str, key: tuple[str, ...], **row: object) -> None:
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
    def get_type(self, type_id: str) -> QualificationType | None:
        row = self._one("SELECT * FROM qualification_type WHERE id = ?", (type_id,))
        return _type_from_row(row) if row else None

    def find_type_by_name(self, owner: str, name: str) -> QualificationType | None:
        row = self._one(
            "SELECT * FROM qualification_type WHERE owner = ? AND name = ?", (owner, name)
        )
        return _type_from_row(row) if row else None

    def put_type(self, qtype: QualificationType) -> None:
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

    def delete_type(self, type_id: str) -> None:
        self._db.execute("DELETE FROM qualification_type WHERE id = ?", (type_id,))

    def search_types(
        self,
        *,
        any_of: list[TypeFilter],
        query: str | None,
        descending: bool,
        offset: int,
        limit: int,
    ) -> tuple[list[QualificationType], int]:
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
    def get_qualification(self, type_id: str, subject_id: str) -> Qualification | None:
        row = self._one(
            "SELECT * FROM qualification WHERE type_id = ? AND subject_id = ?",
            (type_id, subject_id),
        )
        return _qualification_from_row(row) if row else None

    def put_qualification(self, q: Qualification) -> None:
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

    def delete_qualifications(self, type_id: str) -> None:
        self._db.execute("DELETE FROM qualification WHERE type_id = ?", (type_id,))

    def list_qualifications(
        self, type_id: str, status: str, offset: int, limit: int
    ) -> tuple[list[Qualification], int]:
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
    def get_request(self, request_id: str) -> QualificationRequest | None:
        row = self._one("SELECT * FROM qualification_request WHERE id = ?", (request_id,))
        return _request_from_row(row) if row else None

    def put_request(self, r: QualificationRequest) -> None:
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

    def list_requests(
        self,
        *,
        owner: str,
        type_id: str | None,
        status: str,
        sort_by: str,
        descending: bool,
        offset: int,
        limit: int,
    ) -> tuple[list[QualificationRequest], int]:
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

    def latest_request(self, type_id: str, subject_id: str) -> QualificationRequest | None:
        row = self._one(
            "SELECT * FROM qualification_request WHERE type_id = ? AND subject_id = ?"
            " ORDER BY submit_time DESC LIMIT 1",
            (type_id, subject_id),
        )
        return _request_from_row(row) if row else None

    def all_types(self) -> list[QualificationType]:
        rows = self._db.execute("SELECT * FROM qualification_type ORDER BY creation_time, id")
        return [_type_from_row(r) for r in rows.fetchall()]

    def all_qualifications(self) -> list[Qualification]:
        rows = self._db.execute(
            "SELECT * FROM qualification ORDER BY type_id, grant_time, subject_id"
        )
        return [_qualification_from_row(r) for r in rows.fetchall()]

    def all_requests(self, status: str) -> list[QualificationRequest]:
        rows = self._db.execute(
            "SELECT * FROM qualification_request WHERE status = ? ORDER BY submit_time, id",
            (status,),
        )
        return [_request_from_row(r) for r in rows.fetchall()]

    # HIT types, HITs, assignments
    def get_hit_type(self, type_id: str) -> HITType | None:
        row = self._one("SELECT * FROM hit_type WHERE id = ?", (type_id,))
        return _hit_type_from_row(row) if row else None

    def find_hit_type_by_signature(self, signature: str) -> HITType | None:
        row = self._one("SELECT * FROM hit_type WHERE signature = ?", (signature,))
        return _hit_type_from_row(row) if row else None

    def put_hit_type(self, t: HITType, signature: str) -> None:
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

    def list_hit_types(self, owner: str | None) -> list[HITType]:
        if owner is None:
            rows = self._db.execute("SELECT * FROM hit_type ORDER BY creation_time, id")
        else:
            rows = self._db.execute(
                "SELECT * FROM hit_type WHERE owner = ? ORDER BY creation_time, id", (owner,)
            )
        return [_hit_type_from_row(r) for r in rows.fetchall()]

    def get_hit(self, hit_id: str) -> HIT | None:
        row = self._one("SELECT * FROM hit WHERE id = ?", (hit_id,))
        return _hit_from_row(row) if row else None

    def put_hit(self, h: HIT) -> None:
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

    def find_hit_by_token(self, owner: str, token: str) -> HIT | None:
        row = self._one(
            "SELECT * FROM hit WHERE owner = ? AND unique_request_token = ?"
            " ORDER BY creation_time DESC LIMIT 1",
            (owner, token),
        )
        return _hit_from_row(row) if row else None

    def find_extension_by_token(self, owner: str, token: str) -> HITExtension | None:
        row = self._one("SELECT * FROM hit_extension WHERE owner = ? AND token = ?", (owner, token))
        if row is None:
            return None
        return HITExtension(
            owner=row["owner"],
            token=row["token"],
            hit_id=row["hit_id"],
            request_id=row["request_id"],
            time=_time_from_db(row["request_time"]),
        )

    def put_extension(self, extension: HITExtension) -> None:
        self._upsert(
            "hit_extension",
            ("owner", "token"),
            owner=extension.owner,
            token=extension.token,
            hit_id=extension.hit_id,
            request_id=extension.request_id,
            request_time=_time_to_db(extension.time),
        )

    def list_hits(self, owner: str | None) -> list[HIT]:
        if owner is None:
            rows = self._db.execute("SELECT * FROM hit ORDER BY creation_time, id")
        else:
            rows = self._db.execute(
                "SELECT * FROM hit WHERE owner = ? ORDER BY creation_time, id", (owner,)
            )
        return [_hit_from_row(r) for r in rows.fetchall()]

    def hits_newly_expired(self, now: datetime) -> list[HIT]:
        rows = self._db.execute(
            "SELECT * FROM hit WHERE expiry_announced = 0 AND expiration <= ? ORDER BY expiration",
            (_time_to_db(now),),
        )
        return [_hit_from_row(r) for r in rows.fetchall()]

    def get_assignment(self, assignment_id: str) -> Assignment | None:
        row = self._one("SELECT * FROM assignment WHERE id = ?", (assignment_id,))
        return _assignment_from_row(row) if row else None

    def put_assignment(self, a: Assignment) -> None:
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

    def list_assignments(self, hit_ids: list[str] | None) -> list[Assignment]:
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

    def assignments_due(self, now: datetime) -> list[Assignment]:
        at = _time_to_db(now)
        rows = self._db.execute(
            "SELECT * FROM assignment WHERE (status = 'Accepted' AND deadline <= ?)"
            " OR (status = 'Submitted' AND auto_approval_time <= ?) ORDER BY accept_time, id",
            (at, at),
        )
        return [_assignment_from_row(r) for r in rows.fetchall()]

    def add_review_item(self, hit_id: str, level: str, kind: str, item: dict, at: datetime) -> None:
        seq = self._db.execute(
            "SELECT count(*) AS n FROM review_item WHERE hit_id = ?", (hit_id,)
        ).fetchone()["n"]
        self._db.execute(
            "INSERT INTO review_item (id, hit_id, seq, level, kind, created, data)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (item["ActionId"], hit_id, seq, level, kind, _time_to_db(at), json.dumps(item)),
        )

    def list_review_items(self, hit_id: str) -> list[tuple[str, str, dict]]:
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

    def put_uploaded_file(
        self, assignment_id: str, question_id: str, file_key: str, content: bytes
    ) -> None:
        self._upsert(
            "uploaded_file",
            ("assignment_id", "question_id"),
            assignment_id=assignment_id,
            question_id=question_id,
            file_key=file_key,
            size=len(content),
            content=base64.b64encode(content).decode("ascii"),
        )

    def uploaded_file_key(self, assignment_id: str, question_id: str) -> str | None:
        row = self._one(
            "SELECT file_key FROM uploaded_file WHERE assignment_id = ? AND question_id = ?",
            (assignment_id, question_id),
        )
        return row["file_key"] if row else None

    def put_file_link(self, token: str, file_key: str, expires: datetime) -> None:
        self._upsert(
            "file_link", ("token",), token=token, file_key=file_key, expires=_time_to_db(expires)
        )

    def linked_file(self, token: str) -> tuple[datetime, bytes] | None:
        row = self._one(
            "SELECT l.expires, f.content FROM file_link l"
            " JOIN uploaded_file f ON f.file_key = l.file_key WHERE l.token = ?",
            (token,),
        )
        if row is None:
            return None
        return _time_from_db(row["expires"]), base64.b64decode(row["content"])

    # requesters that are not configured: the development one, those fixtures add
    def kept_requesters(self) -> list[Requester]:
        rows = self._db.execute("SELECT * FROM requester ORDER BY access_key").fetchall()
        return [_requester_from_row(row) for row in rows]

    def kept_requester(self, access_key: str) -> Requester | None:
        row = self._one("SELECT * FROM requester WHERE access_key = ?", (access_key,))
        return _requester_from_row(row) if row else None

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
    def get_balance(self, requester: str) -> Decimal | None:
        row = self._one("SELECT available FROM account WHERE requester = ?", (requester,))
        return Decimal(row["available"]) if row else None

    def put_balance(self, requester: str, amount: Decimal) -> None:
        self._upsert("account", ("requester",), requester=requester, available=str(amount))

    def all_balances(self) -> dict[str, Decimal]:
        rows = self._db.execute("SELECT requester, available FROM account ORDER BY requester")
        return {r["requester"]: Decimal(r["available"]) for r in rows.fetchall()}

    # blocked workers and messages
    @staticmethod
    def _block_from_row(row: Row) -> WorkerBlock:
        return WorkerBlock(
            row["requester"], row["worker_id"], row["reason"], _time_from_db(row["block_time"])
        )

    def get_block(self, requester: str, worker_id: str) -> WorkerBlock | None:
        row = self._one(
            "SELECT * FROM worker_block WHERE requester = ? AND worker_id = ?",
            (requester, worker_id),
        )
        return self._block_from_row(row) if row else None

    def put_block(self, block: WorkerBlock) -> None:
        self._upsert(
            "worker_block",
            ("requester", "worker_id"),
            requester=block.requester,
            worker_id=block.worker_id,
            reason=block.reason,
            block_time=_time_to_db(block.block_time),
        )

    def delete_block(self, requester: str, worker_id: str) -> None:
        self._db.execute(
            "DELETE FROM worker_block WHERE requester = ? AND worker_id = ?",
            (requester, worker_id),
        )

    def list_blocks(self, requester: str, offset: int, limit: int) -> tuple[list[WorkerBlock], int]:
        rows, total = self._page(
            "FROM worker_block",
            "WHERE requester = ?",
            (requester,),
            "block_time, worker_id",
            offset,
            limit,
        )
        return [self._block_from_row(r) for r in rows], total

    def all_blocks(self) -> list[WorkerBlock]:
        rows = self._db.execute("SELECT * FROM worker_block ORDER BY requester, block_time")
        return [self._block_from_row(r) for r in rows.fetchall()]

    # bonuses
    @staticmethod
    def _bonus_from_row(row: Row) -> BonusPayment:
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

    def put_bonus(self, p: BonusPayment) -> None:
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

    def find_bonus_by_token(self, requester: str, token: str) -> BonusPayment | None:
        row = self._one(
            "SELECT * FROM bonus_payment WHERE requester = ? AND unique_request_token = ?"
            " ORDER BY grant_time DESC LIMIT 1",
            (requester, token),
        )
        return self._bonus_from_row(row) if row else None

    def list_bonuses(
        self,
        requester: str,
        *,
        hit_id: str | None,
        assignment_id: str | None,
        offset: int,
        limit: int,
    ) -> tuple[list[BonusPayment], int]:
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
    def get_notification_setting(self, hit_type_id: str) -> NotificationSetting | None:
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

    def put_notification_setting(self, setting: NotificationSetting) -> None:
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
    def _delivery_from_row(row: Row) -> NotificationDelivery:
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
            updated_time=_opt_time_from(row["updated_time"]),
            next_try=_opt_time_from(row["next_try"]),
        )

    def put_delivery(self, d: NotificationDelivery) -> None:
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
            updated_time=_opt_time(d.updated_time),
            next_try=_opt_time(d.next_try),
        )

    def get_delivery(self, delivery_id: str) -> NotificationDelivery | None:
        row = self._one("SELECT * FROM notification_delivery WHERE id = ?", (delivery_id,))
        return self._delivery_from_row(row) if row else None

    def list_deliveries(self, status: str | None) -> list[NotificationDelivery]:
        where, args = ("WHERE status = ?", (status,)) if status is not None else ("", ())
        rows = self._db.execute(
            f"SELECT * FROM notification_delivery {where} ORDER BY created_time, id", args
        ).fetchall()
        return [self._delivery_from_row(r) for r in rows]

    def claim_delivery(self, now: datetime, hold_until: datetime) -> NotificationDelivery | None:
        """The oldest Pending delivery due at `now` (wall clock), held until
        `hold_until`: no other deliverer takes it before then. Call it in a write
        session: writes run one at a time in every process, so one deliverer wins."""
        row = self._one(
            "SELECT * FROM notification_delivery WHERE status = ?"
            " AND (next_try IS NULL OR next_try <= ?) ORDER BY created_time, id LIMIT 1",
            ("Pending", _time_to_db(now)),
        )
        if row is None:
            return None
        self._db.execute(
            "UPDATE notification_delivery SET next_try = ? WHERE id = ?",
            (_time_to_db(hold_until), row["id"]),
        )
        claimed = self._delivery_from_row(row)
        claimed.next_try = hold_until
        return claimed

    def next_delivery_time(self) -> datetime | None:
        """When the soonest Pending delivery may be tried (wall clock; the earliest
        datetime when one is due already), None when none is Pending."""
        row = self._one(
            "SELECT next_try FROM notification_delivery WHERE status = ?"
            " ORDER BY coalesce(next_try, '') LIMIT 1",
            ("Pending",),
        )
        if row is None:
            return None
        return (
            _time_from_db(row["next_try"]) if row["next_try"] else datetime.min.replace(tzinfo=UTC)
        )

    def put_message(self, message: WorkerMessage) -> None:
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

    def list_messages(self, worker_id: str | None) -> list[WorkerMessage]:
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

    # the emulator clock
    def clock_offset_ms(self) -> int:
        row = self._one("SELECT value FROM emulator_setting WHERE name = ?", ("clock_offset_ms",))
        return int(row["value"]) if row else 0

    def set_clock_offset_ms(self, offset_ms: int) -> None:
        self._upsert(
            "emulator_setting", ("name",), name="clock_offset_ms", value=str(int(offset_ms))
        )

    def clear_all(self) -> None:
        for table in CLEARED_TABLES:
            self._db.execute(f"DELETE FROM {table}")
