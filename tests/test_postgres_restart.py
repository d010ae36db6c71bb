"""PostgreSQL restarting, or down for a while, under a serving emulator: calls made
while it is away get a clear ServiceUnavailable answer (no 500, no hang), the
server keeps serving, the first calls after it is back succeed, and nothing that
was acknowledged before is lost. Needs PostgreSQL (tests/postgres_support.py)."""

from __future__ import annotations

import http.client
from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest

from soap_mturk.auth import AccessKeyIdentity
from soap_mturk.server.app import EmulatorApp
from soap_mturk.server.run import start_in_thread
from soap_mturk.store import open_store
from tests.postgres_support import start_server

OWNER = "AKIARESTARTOWNER"


@pytest.fixture
def own_postgres():
    """A server of this test's own: restarting the session's would disturb others."""
    server = start_server()
    yield server
    server.stop()


def _call(port: int, operation: str, **parameters) -> tuple[int, str]:
    query = urlencode(
        {
            "Service": "AWSMechanicalTurkRequester",
            "Operation": operation,
            "AWSAccessKeyId": OWNER,
            "Timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Signature": "unchecked",
            **parameters,
        }
    )
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", "/?" + query)
        answer = connection.getresponse()
        return answer.status, answer.read().decode("utf-8")
    finally:
        connection.close()


def _create(port: int, name: str) -> tuple[int, str]:
    return _call(
        port, "CreateQualificationType", Name=name, Description="d",
        QualificationTypeStatus="Active",
    )  # fmt: skip


def _valid(answer: tuple[int, str]) -> bool:
    return answer[0] == 200 and "<IsValid>True</IsValid>" in answer[1]


def _unavailable(answer: tuple[int, str]) -> bool:
    return answer[0] == 200 and "<Code>AWS.ServiceUnavailable</Code>" in answer[1]


@pytest.mark.parametrize("outage", ["restart", "stop"])
def test_postgresql_away_and_back_under_a_serving_emulator(own_postgres, outage):
    store = open_store(own_postgres.fresh_url())
    running = start_in_thread(EmulatorApp(store, authenticator=AccessKeyIdentity()))
    try:
        acknowledged = [n for n in range(5) if _valid(_create(running.port, f"before{n}"))]
        assert acknowledged == list(range(5))
        own_postgres.pg_ctl(outage)
        if outage == "stop":
            # Away: every call, read or write, is answered, as unavailable.
            for answer in (
                _create(running.port, "while-away"),
                _call(running.port, "SearchQualificationTypes", MustBeRequestable="false"),
            ):
                assert _unavailable(answer), answer
            own_postgres.pg_ctl("start")
        # Back: the connections the server held are gone; at most the first call on
        # each learns that (answered unavailable), and the next succeed.
        answers = [_create(running.port, f"after{n}") for n in range(3)]
        assert all(_valid(a) or _unavailable(a) for a in answers), answers
        assert _valid(answers[-1]), answers
        status, listing = _call(
            running.port, "SearchQualificationTypes", MustBeRequestable="false",
            PageSize="100",
        )  # fmt: skip
        assert status == 200
        for n in acknowledged:
            assert f"<Name>before{n}</Name>" in listing
        assert "while-away" not in listing
    finally:
        running.stop()
        store.close()
