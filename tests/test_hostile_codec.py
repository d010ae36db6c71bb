"""Hostile messages against the codec, on a real server over raw sockets: each is
refused or bounded while it is read, never handed to spyne, and a normal call made
meanwhile is answered within a second (issue 10, the codec's cases)."""

from __future__ import annotations

import datetime
import logging
import socket
import threading
import time
import urllib.parse
from xml.sax.saxutils import escape

import pytest
from lxml import etree

from soap_mturk.api.batch import MAX_ANSWER_BYTES, MAX_BATCH
from soap_mturk.versions import LATEST
from tests.conftest import SECRETS
from tests.signing import vendor_signature
from tests.worker_docs import question_form

NS = LATEST.namespace
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
OWNER = "AKIAREQUESTERA"
PROMPT = 1.0  # seconds a normal call may wait while an attack is served


def _stamp() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def message(
    operation: str, inner: str, key: str = OWNER, attributes: str = "", head: str = ""
) -> bytes:
    stamp = _stamp()
    secret = SECRETS.get(key, "not-the-secret")
    return (
        f'<s:Envelope xmlns:s="{SOAP_ENV}">{head}<s:Body><{operation} xmlns="{NS}"{attributes}>'
        f"<AWSAccessKeyId>{key}</AWSAccessKeyId><Timestamp>{stamp}</Timestamp>"
        f"<Signature>{vendor_signature(secret, operation, stamp)}</Signature>{inner}"
        f"</{operation}></s:Body></s:Envelope>"
    ).encode()


def raw_post(
    server, body: bytes, path: str = "/", content_type: str = "text/xml"
) -> tuple[int, bytes]:
    """One HTTP/1.0 POST over a plain socket: (status, body)."""
    with socket.create_connection((server.host, server.port), timeout=30) as sock:
        sock.sendall(
            f"POST {path} HTTP/1.0\r\nHost: {server.host}\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    head, _, payload = b"".join(chunks).partition(b"\r\n\r\n")
    return int(head.split()[1]), payload


def fault_string(status: int, body: bytes) -> str:
    assert status == 500, body[:300]
    return etree.fromstring(body).findtext(".//faultstring")


def find(body: bytes, path: str) -> list[str]:
    return [e.text for e in etree.fromstring(body).iter(f"{{{NS}}}{path}")]


def normal_call_seconds(server) -> float:
    started = time.perf_counter()
    status, body = raw_post(
        server,
        message(
            "SearchQualificationTypes",
            "<Request><MustBeRequestable>false</MustBeRequestable></Request>",
        ),
    )
    assert status == 200 and find(body, "IsValid") == ["True"], body[:300]
    return time.perf_counter() - started


def under_attack(server, attack: bytes, path: str = "/", content_type: str = "text/xml"):
    """Sends `attack` from a thread and, once it is on the wire, a normal call:
    (the attack's status and body, seconds the normal call took)."""
    sent, outcome = threading.Event(), {}

    def attacker():
        with socket.create_connection((server.host, server.port), timeout=60) as sock:
            sock.sendall(
                f"POST {path} HTTP/1.0\r\nHost: x\r\nContent-Type: {content_type}\r\n"
                f"Content-Length: {len(attack)}\r\n\r\n".encode()
                + attack
            )
            sent.set()
            chunks = []
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        head, _, payload = b"".join(chunks).partition(b"\r\n\r\n")
        outcome["answer"] = int(head.split()[1]), payload

    thread = threading.Thread(target=attacker)
    thread.start()
    try:
        assert sent.wait(30)
        waited = normal_call_seconds(server)
    finally:
        thread.join(60)
    return outcome["answer"], waited


@pytest.fixture
def server(signed_emulator, caplog):
    """The signed emulator; no traceback may be logged while a case runs."""
    with caplog.at_level(logging.WARNING):
        yield signed_emulator
    tracebacks = [r for r in caplog.records if r.exc_info]
    assert tracebacks == []


def test_90000_attributes_with_an_unknown_key_are_refused_while_parsing(server):
    attributes = "".join(f' a{i}="x"' for i in range(90_000))
    attack = message("GetQualificationScore", "", key="AKIAUNKNOWN", attributes=attributes)
    assert len(attack) > 900_000
    (status, body), waited = under_attack(server, attack)
    assert "more than 64 attributes" in fault_string(status, body)
    assert waited < PROMPT


def test_soap_encoding_href_recursion_is_never_resolved(server):
    """A 457-byte class of call: unauthenticated, with href cycles in the Header and
    the Body. The Header is not read, the call is refused from its claims, and
    nothing is logged but what any refused call logs."""
    head = '<s:Header><h id="a"><i href="#a"/></h></s:Header>'
    attack = message(
        "GetQualificationScore",
        '<Request href="#r"/><Request id="r"><x href="#r"/></Request>',
        key="AKIAUNKNOWN",
        head=head,
    )
    (status, body), waited = under_attack(server, attack)
    assert status == 200
    assert find(body, "Code") == ["AWS.NotAuthorized"]
    assert find(body, "IsValid") == []  # refused as a whole
    assert waited < PROMPT


def test_an_authenticated_href_is_a_client_fault(server):
    body = message("GetQualificationScore", '<Request href="#r"/>')
    assert "SOAP-encoding reference" in fault_string(*raw_post(server, body))


def test_a_batch_beyond_the_limit_is_refused_before_any_request_runs(server):
    """The 1 MiB signed batch of 104,797 empty Requests answered 33 MB before."""
    requests = "<Request/>" * 104_797
    attack = message("GetQualificationType", requests)
    assert len(attack) > 1_000_000
    (status, body), waited = under_attack(server, attack)
    # caught by the element limit while parsing, long before the batch is counted
    assert "more than 20000 elements" in fault_string(status, body)
    assert len(body) < 2000
    assert waited < PROMPT


def test_one_request_beyond_the_batch_limit_is_refused(server):
    body = message("GetQualificationType", "<Request/>" * (MAX_BATCH + 1))
    assert f"at most {MAX_BATCH} Request elements" in fault_string(*raw_post(server, body))


def test_a_batch_at_the_limit_is_answered_in_full(server):
    status, body = raw_post(server, message("GetQualificationType", "<Request/>" * MAX_BATCH))
    assert status == 200
    assert find(body, "IsValid") == ["False"] * MAX_BATCH


def test_too_many_elements_or_too_deep_is_refused(server):
    wide = message("GetQualificationType", "<Request>" + "<x/>" * 30_000 + "</Request>")
    assert "more than 20000 elements" in fault_string(*raw_post(server, wide))
    deep = message("GetQualificationType", "<Request>" + "<x>" * 40 + "</x>" * 40 + "</Request>")
    assert "deep" in fault_string(*raw_post(server, deep))


@pytest.mark.parametrize("text", ["1_000", "\u0661\u0662", "1e3", "0x10", "1 000"])
def test_only_xs_int_digits_are_integers(server, text):
    body = message(
        "AssignQualification",
        f"<Request><QualificationTypeId>T</QualificationTypeId><WorkerId>W</WorkerId><IntegerValue>{text}</IntegerValue></Request>",
    )
    assert "is not a valid xs:int" in fault_string(*raw_post(server, body))


def test_a_5000_digit_integer_is_out_of_range_over_soap_and_rest(server):
    digits = "9" * 5000
    soap = message(
        "AssignQualification",
        f"<Request><QualificationTypeId>T</QualificationTypeId><WorkerId>W</WorkerId><IntegerValue>{digits}</IntegerValue></Request>",
    )
    status, body = raw_post(server, soap)
    assert status == 200 and find(body, "Code") == ["AWS.ParameterOutOfRange"]

    stamp = _stamp()
    form = (
        f"Service=AWSMechanicalTurkRequester&Operation=AssignQualification&AWSAccessKeyId={OWNER}"
        f"&Timestamp={stamp}&Signature="
        + urllib.parse.quote(
            vendor_signature(SECRETS[OWNER], "AssignQualification", stamp), safe=""
        )
        + f"&QualificationTypeId=T&WorkerId=W&IntegerValue={digits}"
    ).encode()
    (status, body), waited = under_attack(
        server, form, content_type="application/x-www-form-urlencoded"
    )
    assert status == 200
    codes = [e.text for e in etree.fromstring(body).iter("Code")]
    assert codes == ["AWS.ParameterOutOfRange"]
    assert waited < PROMPT


def test_a_batch_answer_stops_growing_at_its_cap(server):
    """Requests that would push the answer far beyond MAX_ANSWER_BYTES are not run:
    each says so with AWS.ServiceUnavailable, which SDKs retry."""
    test = question_form(("q" * 30_000, ("A",)))
    for n in range(2):
        created = raw_post(
            server,
            message(
                "CreateQualificationType",
                f"<Request><Name>Big test {n} {time.time_ns()}</Name><Description>d</Description><QualificationTypeStatus>Active</QualificationTypeStatus><Test>{escape(test)}</Test><TestDurationInSeconds>60</TestDurationInSeconds></Request>",
            ),
        )
        assert find(created[1], "IsValid") == ["True"], created[1][:500]
    search = "<Request><MustBeRequestable>true</MustBeRequestable><Query>Big test</Query><PageSize>100</PageSize></Request>"
    status, body = raw_post(server, message("SearchQualificationTypes", search * MAX_BATCH))
    assert status == 200
    valid = find(body, "IsValid")
    assert len(valid) == MAX_BATCH
    ran = valid.count("True")
    assert 0 < ran < MAX_BATCH
    assert valid == ["True"] * ran + ["False"] * (MAX_BATCH - ran)
    assert set(find(body, "Code")) == {"AWS.ServiceUnavailable"}
    assert len(body) < MAX_ANSWER_BYTES + 2 * len(test) * 2
