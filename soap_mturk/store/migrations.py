"""The schema, as numbered migrations applied in order, once each, on SQLite and
PostgreSQL alike. The table `schema_migration` records which ones a database has.

To add a table or column: append a `Migration` with the next number; never edit
one that has shipped (databases in the field already have it). Write portable SQL:
types TEXT, INTEGER, BIGINT (TEXT
compares by code point on both: see Dialect.ddl); no AUTOINCREMENT/SERIAL (ids are made in the domain);
`CREATE ... IF NOT EXISTS`; statements separated by ';' with no ';' inside
literals. Where the two databases must differ, give `postgresql=` (and/or
`sqlite=`) statements to run instead of the portable ones for that database.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from soap_mturk.domain.ports import StoreUnusable
from soap_mturk.store.sql import Dialect


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str
    sqlite: str | None = None
    postgresql: str | None = None

    def statements(self, dialect: Dialect) -> list[str]:
        own = {"sqlite": self.sqlite, "postgresql": self.postgresql}.get(dialect.name)
        text = own or self.sql
        return [dialect.ddl(s.strip()) for s in text.split(";") if s.strip()]


MIGRATIONS: tuple[Migration, ...] = (
    # Version 1 is the schema main had before migrations existed, written with
    # IF NOT EXISTS so that such a database takes it as already applied.
    Migration(
        1,
        "qualification types, qualifications, qualification requests",
        """
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
        CREATE INDEX IF NOT EXISTS qualification_request_by_type
            ON qualification_request (type_id, status, submit_time);
        CREATE INDEX IF NOT EXISTS qualification_request_by_subject
            ON qualification_request (type_id, subject_id, submit_time)
        """,
    ),
    # Listing a type's qualifications pages by status and grant time; without this
    # index that is a scan of every qualification of the type.
    Migration(
        2,
        "index qualifications by type, status and grant time",
        """
        CREATE INDEX IF NOT EXISTS qualification_by_status
            ON qualification (type_id, status, grant_time, subject_id)
        """,
    ),
    # Issue 13. A database that main's unversioned schema already gave these
    # tables takes them as they are (IF NOT EXISTS).
    Migration(
        3,
        "HIT types, HITs, assignments, review items, uploaded files, emulator settings",
        """
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
        )
        """,
    ),
    # Issue 14. Amounts are decimal text (exact on both databases); a database
    # that main's unversioned schema already gave these tables takes them as
    # they are (IF NOT EXISTS).
    Migration(
        4,
        "accounts, blocked workers, worker messages, bonuses, notification settings and deliveries",
        """
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
        CREATE INDEX IF NOT EXISTS worker_message_by_worker
            ON worker_message (worker_id, send_time);
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
        CREATE INDEX IF NOT EXISTS bonus_payment_by_hit
            ON bonus_payment (requester, hit_id, grant_time);
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
            ON notification_delivery (status, created_time)
        """,
    ),
    # When a Pending message may next be tried (wall clock, by any process): a
    # deliverer claims one by setting it, so several processes never send it twice.
    Migration(
        5,
        "notification deliveries: when each may next be tried",
        "ALTER TABLE notification_delivery ADD COLUMN next_try TEXT",
    ),
    # Issue 8: the development requester and those fixtures add (never the
    # configured ones), kept across restarts and read by every worker process.
    # A database that main's unversioned schema already gave the table keeps it.
    Migration(
        6,
        "requesters kept in the store: the development one, those fixtures add",
        """
        CREATE TABLE IF NOT EXISTS requester (
            access_key TEXT PRIMARY KEY,
            secret_key TEXT NOT NULL,
            name TEXT,
            origin TEXT NOT NULL
        )
        """,
    ),
    # Issue 13: ExtendHIT's UniqueRequestToken, kept 24 hours (emulator time) so
    # that a retry never extends twice, whichever process serves it.
    Migration(
        7,
        "ExtendHIT's request tokens",
        """
        CREATE TABLE IF NOT EXISTS hit_extension (
            owner TEXT NOT NULL,
            token TEXT NOT NULL,
            hit_id TEXT NOT NULL,
            request_id TEXT NOT NULL,
            request_time TEXT NOT NULL,
            PRIMARY KEY (owner, token)
        )
        """,
    ),
)

LATEST_VERSION = MIGRATIONS[-1].version

MIGRATION_TABLE = """
CREATE TABLE IF NOT EXISTS schema_migration (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
)
"""


class SchemaTooNew(StoreUnusable):
    """The database was migrated by a newer soap-mturk than this one."""


def _applied(db: Any) -> set[int]:
    rows = db.execute("SELECT version FROM schema_migration").fetchall()
    return {row["version"] for row in rows}


def _refuse_newer(newest: int) -> None:
    if newest > LATEST_VERSION:
        raise SchemaTooNew(
            f"the database has schema version {newest}; this soap-mturk knows up to "
            f"{LATEST_VERSION}: upgrade soap-mturk"
        )


def check_version(db: Any, dialect: Dialect) -> None:
    """For a database served read-only (nothing is migrated): refuse one from a
    newer soap-mturk. One from before migrations, or behind, is served as it is."""
    if db.execute(dialect.table_exists, ("schema_migration",)).fetchone() is None:
        return  # made before migrations
    _refuse_newer(max(_applied(db), default=0))


def migrate(db: Any, dialect: Dialect, now: str) -> list[int]:
    """Apply, inside the caller's write transaction on `db` (a DB-API-like
    connection taking '?' placeholders), every migration the database lacks.
    Returns the versions applied."""
    db.execute(dialect.ddl(MIGRATION_TABLE))
    done = _applied(db)
    _refuse_newer(max(done, default=0))
    applied = []
    for migration in MIGRATIONS:
        if migration.version in done:
            continue
        for statement in migration.statements(dialect):
            db.execute(statement)
        db.execute(
            "INSERT INTO schema_migration (version, name, applied_at) VALUES (?, ?, ?)",
            (migration.version, migration.name, now),
        )
        applied.append(migration.version)
    return applied
