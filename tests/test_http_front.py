"""The HTTP front (soap_mturk/server/http.py) on the wire: framing, limits and
keep-alive, over raw sockets against a real server in a thread."""

from __future__ import annotations

import re
import socket

import pytest

from soap_mturk.auth import AccessKeyIdentity
from soap_mturk.server.app import EmulatorApp
from soap_mturk.server.run import start_in_thread
from soap_mturk.store import open_store


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    store = open_store(str(tmp_path_factory.mktemp("db") / "front.sqlite3"))
    running = start_in_thread(EmulatorApp(store, authenticator=AccessKeyIdentity()))
    yield running
    running.stop()
    store.close()


def exchange(server, data: bytes, half_close: bool = True) -> bytes:
    with socket.create_connection((server.host, server.port), timeout=10) as sock:
        sock.sendall(data)
        if half_close:
            sock.shutdown(socket.SHUT_WR)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    return received


def statuses(answer: bytes) -> list[int]:
    return [int(code) for code in re.findall(rb"HTTP/1\.1 (\d{3}) ", answer)]


def test_pipelined_requests_are_answered_in_order(server):
    answer = exchange(
        server,
        b"GET / HTTP/1.1\r\nHost: a\r\n\r\n"
        b"GET /nothing HTTP/1.1\r\nHost: a\r\n\r\n"
        b"GET /?wsdl HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
    )
    assert statuses(answer) == [200, 404, 200]
    assert answer.rstrip().endswith(b"definitions>")


@pytest.mark.parametrize(
    "request_bytes,status",
    [
        (b"GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505),
        (b"GET / HTTX/1.1\r\nHost: a\r\n\r\n", 400),
        (b"GET /\r\nHost: a\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\nHost a\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n", 400),
        (b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1e3\r\n\r\n", 400),
        (b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400),
        (b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", 501),
        (
            b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
            b"Content-Length: 3\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
            400,
        ),
        (b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcdef\r\n", 400),
    ],
    ids=[
        "HTTP/2",
        "bad version",
        "no version",
        "header without colon",
        "folded header",
        "Content-Length not a number",
        "two Content-Lengths",
        "unknown transfer coding",
        "chunks and Content-Length",
        "chunk longer than its size",
    ],
)
def test_malformed_framing_is_refused_with_a_body(server, request_bytes, status):
    answer = exchange(server, request_bytes)
    assert statuses(answer)[:1] == [status], answer[:200]
    head, _, body = answer.partition(b"\r\n\r\n")
    assert b"Connection: close" in head
    assert body.strip()


def test_expect_100_continue_is_answered_before_the_body(server):
    with socket.create_connection((server.host, server.port), timeout=10) as sock:
        sock.sendall(
            b"POST /onca/xml HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 9\r\n\r\n"
        )
        interim = sock.recv(100)
        assert interim == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(b"Operation")
        sock.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert statuses(answer) == [200]
    assert b"AWS.InvalidOperationParameter" in answer or b"<Code>" in answer


def test_head_has_no_body_and_keeps_the_length(server):
    answer = exchange(server, b"HEAD / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
    head, _, body = answer.partition(b"\r\n\r\n")
    assert statuses(answer) == [200]
    assert int(re.search(rb"Content-Length: (\d+)", head).group(1)) > 0
    assert body == b""


def test_http_10_closes_unless_asked_to_keep_alive(server):
    assert statuses(exchange(server, b"GET / HTTP/1.0\r\n\r\n", half_close=False)) == [200]
    answer = exchange(
        server,
        b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /nothing HTTP/1.0\r\n\r\n",
        half_close=False,
    )
    assert statuses(answer) == [200, 404]
    assert b"Connection: keep-alive" in answer


def test_absolute_form_target_is_served(server):
    answer = exchange(
        server, b"GET http://example.test/?wsdl HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
    )
    assert statuses(answer) == [200]
    assert b"definitions" in answer
