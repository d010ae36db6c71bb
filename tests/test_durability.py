"""An answered write is on disk (store/sqlite.py, store/durability.py).

The server holds a write's answer until a flush covering the write has finished
(answers of writes that arrived together share one); a failed flush answers 503,
never success. Outside a server, `write()` itself returns after the flush."""

from __future__ import annotations

import http.client
import os
import threading
from datetime import UTC, datetime

import pytest

from soap_mturk.auth import AccessKeyIdentity
from soap_mturk.domain.model import QualificationType
from soap_mturk.server.app import EmulatorApp
from soap_mturk.server.run import start_in_thread
from soap_mturk.store import durability, open_store

OWNER = "AKIADURABLEOWNER"


@pytest.fixture
def served(tmp_path):
    store = open_store(str(tmp_path / "durable.sqlite3"))
    running = start_in_thread(EmulatorApp(store, authenticator=AccessKeyIdentity()))
    yield running, store
    running.stop()
    store.close()


def _create_type(port: int, name: str) -> tuple[int, bytes]:
    """CreateQualificationType over REST: a write."""
    query = (
        "/?Service=AWSMechanicalTurkRequester&Operation=CreateQualificationType"
        f"&AWSAccessKeyId={OWNER}&Name={name}&Description=d&QualificationTypeStatus=Active"
        f"&Timestamp={datetime.now(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}&Signature=unchecked"
    )
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", query)
        answer = connection.getresponse()
        return answer.status, answer.read()
    finally:
        connection.close()


def test_each_answered_write_was_flushed_before_its_answer(served):
    running, store = served
    before = store.commits_flushed[0]
    for n in range(20):
        status, body = _create_type(running.port, f"durable{n}")
        assert status == 200 and b"<IsValid>True</IsValid>" in body
        committed, flushed = store.commits_flushed
        # Only this client writes: its write is the latest commit, and it is on disk.
        assert committed == before + n + 1
        assert flushed == committed


def test_concurrent_writers_all_get_their_answers(served):
    running, store = served
    failures: list = []

    def client(k: int) -> None:
        for n in range(10):
            status, body = _create_type(running.port, f"c{k}x{n}")
            if status != 200 or b"<IsValid>True</IsValid>" not in body:
                failures.append((status, body[:200]))

    threads = [threading.Thread(target=client, args=(k,)) for k in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not failures
    assert not any(thread.is_alive() for thread in threads)
    committed, flushed = store.commits_flushed
    assert committed >= 80 and flushed == committed


def test_a_write_whose_flush_fails_is_answered_503_not_success(served, monkeypatch):
    running, _ = served

    def broken_disk(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fdatasync", broken_disk)
    status, body = _create_type(running.port, "never-acknowledged")
    assert status == 503
    assert b"durable" in body
    monkeypatch.undo()
    # The server keeps serving once the disk is back.
    status, _ = _create_type(running.port, "after")
    assert status == 200


def test_outside_a_server_write_returns_after_the_flush(tmp_path):
    store = open_store(str(tmp_path / "direct.sqlite3"))
    try:
        for n in range(3):
            with store.write() as session:
                session.put_type(
                    QualificationType(
                        id=f"T{n:029d}", owner=OWNER, name=f"direct{n}",
                        creation_time=datetime.now(UTC), description="d",
                    )
                )  # fmt: skip
            committed, flushed = store.commits_flushed
            assert flushed == committed >= n + 1
    finally:
        store.close()


def test_an_answer_reports_success_only_if_every_flush_did():
    ran: list[str] = []

    def flush(name: str, ok: bool):
        return lambda: ran.append(name) or ok

    assert durability.run_all([flush("a", True), flush("b", True)]) is True
    # One failed: the answer must not claim success, and the others still ran.
    assert durability.run_all([flush("c", False), flush("d", True)]) is False
    assert ran == ["a", "b", "c", "d"]
    assert durability.run_all([]) is True
