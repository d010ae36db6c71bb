"""Versioned schema: numbered migrations, applied once each, recorded in
schema_migration, on SQLite and PostgreSQL alike; a database made before
migrations existed is upgraded in place with its data kept."""

from __future__ import annotations

import sqlite3

import pytest

from soap_mturk.store import open_store
from soap_mturk.store.migrations import LATEST_VERSION, MIGRATIONS, SchemaTooNew

# The schema main created before migrations existed (commit 86ac55b), as a
# database in the field has it.
PRE_MIGRATION_SCHEMA = """
CREATE TABLE qualification_type (
    id TEXT PRIMARY KEY, owner TEXT NOT NULL, name TEXT NOT NULL,
    creation_time TEXT NOT NULL, description TEXT, keywords TEXT, status TEXT NOT NULL,
    test TEXT, test_duration INTEGER, answer_key TEXT, retry_delay INTEGER,
    auto_granted INTEGER NOT NULL, auto_granted_value INTEGER, UNIQUE (owner, name));
CREATE TABLE qualification (
    type_id TEXT NOT NULL, subject_id TEXT NOT NULL, grant_time TEXT NOT NULL,
    integer_value INTEGER, country TEXT, subdivision TEXT, status TEXT NOT NULL,
    PRIMARY KEY (type_id, subject_id));
CREATE TABLE qualification_request (
    id TEXT PRIMARY KEY, type_id TEXT NOT NULL, subject_id TEXT NOT NULL,
    submit_time TEXT NOT NULL, test TEXT, answer TEXT, status TEXT NOT NULL, reason TEXT);
CREATE INDEX qualification_request_by_type
    ON qualification_request (type_id, status, submit_time);
CREATE INDEX qualification_request_by_subject
    ON qualification_request (type_id, subject_id, submit_time);
INSERT INTO qualification_type VALUES ('T1', 'AKIAOLD', 'Old type',
    '2026-01-02T03:04:05.000000Z', 'made before migrations', NULL, 'Active',
    NULL, NULL, NULL, NULL, 0, NULL);
INSERT INTO qualification VALUES ('T1', 'AWORKER', '2026-01-02T03:04:06.000000Z',
    42, 'US', NULL, 'Granted');
"""


def versions(store) -> list[int]:
    with store.read() as session:
        rows = session._db.execute("SELECT version FROM schema_migration ORDER BY version")
        return [row["version"] for row in rows.fetchall()]


def test_migrations_are_numbered_in_order_from_one():
    assert [m.version for m in MIGRATIONS] == list(range(1, len(MIGRATIONS) + 1))


def test_a_database_from_before_migrations_is_upgraded_with_its_data(tmp_path):
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as old:
        old.executescript(PRE_MIGRATION_SCHEMA)
    store = open_store(str(path))
    try:
        assert versions(store) == list(range(1, LATEST_VERSION + 1))
        with store.read() as session:
            assert session.get_type("T1").description == "made before migrations"
            qualification = session.get_qualification("T1", "AWORKER")
            assert (qualification.integer_value, qualification.locale.country) == (42, "US")
    finally:
        store.close()
    with sqlite3.connect(path) as db:
        indexes = {
            row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='index'")
        }
    assert "qualification_by_status" in indexes  # migration 2 ran on the old database


# Three of the tables main's unversioned schema had once money (issue 14) and
# kept requesters (issue 8) landed, as it created them, with a row each.
MONEY_ERA_TABLES = """
CREATE TABLE requester (
    access_key TEXT PRIMARY KEY, secret_key TEXT NOT NULL, name TEXT, origin TEXT NOT NULL);
INSERT INTO requester VALUES ('AKIAOLDDEV', 'old-secret', 'development requester',
    'development');
CREATE TABLE account (requester TEXT PRIMARY KEY, available TEXT NOT NULL);
CREATE TABLE notification_delivery (
    id TEXT PRIMARY KEY, requester TEXT NOT NULL, transport TEXT NOT NULL,
    destination TEXT NOT NULL, version TEXT NOT NULL, events TEXT NOT NULL,
    status TEXT NOT NULL, attempts INTEGER NOT NULL, last_error TEXT,
    created_time TEXT NOT NULL, updated_time TEXT);
INSERT INTO account VALUES ('AKIAOLD', '7.25');
INSERT INTO notification_delivery VALUES ('D1', 'AKIAOLD', 'REST', 'http://x/',
    '2006-05-05', '[]', 'Pending', 1, 'HTTP 500', '2026-01-02T03:04:05.000000Z', NULL);
"""


def test_a_database_from_main_with_money_and_requester_tables_is_adopted(tmp_path):
    path = tmp_path / "money.sqlite3"
    with sqlite3.connect(path) as old:
        old.executescript(PRE_MIGRATION_SCHEMA + MONEY_ERA_TABLES)
    store = open_store(str(path))
    try:
        assert versions(store) == list(range(1, LATEST_VERSION + 1))
        with store.read() as session:
            assert str(session.get_balance("AKIAOLD")) == "7.25"
            assert [r.secret_key for r in session.kept_requesters()] == ["old-secret"]
            delivery = session.get_delivery("D1")
            assert (delivery.status, delivery.attempts, delivery.next_try) == ("Pending", 1, None)
            assert session.next_delivery_time() is not None  # still queued, due now
    finally:
        store.close()


def test_reopening_applies_nothing_twice(request, any_store):
    first = versions(any_store)
    assert first == list(range(1, LATEST_VERSION + 1))
    if any_store.path == ":memory:":
        return  # nothing to reopen
    again = open_store(any_store.url)
    try:
        assert versions(again) == first
    finally:
        again.close()


def test_a_database_from_a_newer_release_is_refused(tmp_path):
    path = tmp_path / "newer.sqlite3"
    open_store(str(path)).close()
    with sqlite3.connect(path) as db:
        db.execute(
            "INSERT INTO schema_migration VALUES (?, 'from the future', 'x')",
            (LATEST_VERSION + 1,),
        )
    with pytest.raises(SchemaTooNew, match="upgrade soap-mturk"):
        open_store(str(path))
