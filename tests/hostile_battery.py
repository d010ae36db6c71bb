"""Hostile load against a real `soap-mturk serve` process, over raw sockets.

Each case is an attack that runs in background threads while another client makes
ordinary calls; a case reports the longest time that other client waited and the
server's resident memory before and after. tests/test_hostile_load.py asserts on
them, bench/hostile.py prints them.

The server checks signatures, as `soap-mturk serve` does by default, with two
configured requesters: the owner of a type (who also makes the unrelated calls, on
connections of their own) and another.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

NS = "http://requester.mturk.amazonaws.com/doc/2014-08-15"
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
KEY_NS = "http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/2005-10-01/AnswerKey.xsd"
OWNER, OTHER, WORKER, SCORE = "AKIAHOSTILEOWNER0001", "AKIAHOSTILEOTHER0001", "AHOSTILEWORKER", 70
SECRETS = {OWNER: "hostile-owner-secret-0123456789", OTHER: "hostile-other-secret-0123456789"}
SERVICE = "AWSMechanicalTurkRequester"


def signed(access_key: str, operation: str, timestamp: str | None = None) -> dict[str, str]:
    """AWSAccessKeyId, Timestamp and Signature as the vendor's SDKs made them."""
    timestamp = timestamp or time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    mac = hmac.new(SECRETS[access_key].encode(), (SERVICE + operation + timestamp).encode(),
                   hashlib.sha1)  # fmt: skip
    return {"AWSAccessKeyId": access_key, "Timestamp": timestamp,
            "Signature": base64.b64encode(mac.digest()).decode()}  # fmt: skip


# --- the server ------------------------------------------------------------------------


@dataclass
class Target:
    host: str
    port: int
    pid: int
    stderr_path: Path
    type_id: str = ""

    def rss(self) -> int:
        """The server's resident memory, in bytes (Linux)."""
        with open(f"/proc/{self.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        raise RuntimeError("no VmRSS")

    def log(self) -> str:
        return self.stderr_path.read_text(errors="replace")


@contextmanager
def serving(*options: str) -> Iterator[Target]:
    """`soap-mturk serve` in a child process on a free loopback port, with a type
    owned by OWNER granted to WORKER with SCORE."""
    with tempfile.TemporaryDirectory(prefix="soap-mturk-hostile-") as folder:
        stderr_path = Path(folder) / "stderr.txt"
        with open(stderr_path, "wb") as stderr:
            child = subprocess.Popen(
                [sys.executable, "-m", "soap_mturk", "serve", "--port", "0",
                 *(f"--requester={key}:{secret}" for key, secret in SECRETS.items()),
                 "--db", str(Path(folder) / "hostile.sqlite3"),
                 # One process: the battery measures one front and its memory
                 # (`serve` would start one worker per core).
                 "--workers", "1", *options],
                stdout=subprocess.PIPE, stderr=stderr, text=True,
                cwd=Path(__file__).resolve().parents[1],
            )  # fmt: skip
        try:
            first = child.stdout.readline()
            match = re.search(r"listening on http://([0-9.]+):([0-9]+)", first)
            if match is None:
                raise RuntimeError(f"the server did not start: {first!r} {stderr_path.read_text()}")
            target = Target(match.group(1), int(match.group(2)), child.pid, stderr_path)
            target.type_id = _seed(target)
            yield target
        finally:
            child.terminate()
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
            child.stdout.close()


def rest(target: Target, access_key: str, operation: str, timeout: float = 10, **params) -> str:
    query = {"Service": SERVICE, "Operation": operation, **signed(access_key, operation),
             **params}  # fmt: skip
    body = urllib.parse.urlencode(query).encode()
    connection = http.client.HTTPConnection(target.host, target.port, timeout=timeout)
    try:
        connection.request("POST", "/", body, {"Content-Type": "application/x-www-form-urlencoded"})
        response = connection.getresponse()
        return response.read().decode()
    finally:
        connection.close()


def _seed(target: Target) -> str:
    created = rest(target, OWNER, "CreateQualificationType", Name="Hostile load",
                   Description="survives abuse", QualificationTypeStatus="Active")  # fmt: skip
    type_id = re.search(r"<QualificationTypeId>(\w+)<", created).group(1)
    rest(target, OWNER, "AssignQualification", QualificationTypeId=type_id, WorkerId=WORKER,
         IntegerValue=str(SCORE), SendNotification="false")  # fmt: skip
    return type_id


def probe(target: Target, timeout: float = 10) -> float:
    """An unrelated client reads the score: seconds it waited. Fails loudly if the
    answer is not the score."""
    started = time.perf_counter()
    # The owner reads: from API version 2006-08-23 on, only the type's owner may.
    answer = rest(target, OWNER, "GetQualificationScore", timeout=timeout,
                  QualificationTypeId=target.type_id, SubjectId=WORKER)  # fmt: skip
    waited = time.perf_counter() - started
    if f"<IntegerValue>{SCORE}</IntegerValue>" not in answer:
        raise AssertionError(f"the unrelated call was not answered with the score: {answer[:300]}")
    return waited


# --- raw HTTP ------------------------------------------------------------------------


def connect(target: Target, timeout: float = 10) -> socket.socket:
    return socket.create_connection((target.host, target.port), timeout=timeout)


def exchange(target: Target, data: bytes, timeout: float = 10) -> bytes:
    """Bytes on a fresh connection, half-close, and everything answered."""
    with connect(target, timeout) as sock:
        try:
            sock.sendall(data)
            sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # the server may answer and close before taking everything
        received = bytearray()
        try:
            while chunk := sock.recv(65536):
                received += chunk
        except ConnectionResetError:
            pass
    return bytes(received)


def status_of(answer: bytes) -> int:
    match = re.match(rb"HTTP/1\.[01] (\d{3}) ", answer)
    if match is None:
        raise AssertionError(f"not an HTTP answer: {answer[:200]!r}")
    return int(match.group(1))


def body_of(answer: bytes) -> bytes:
    return answer.partition(b"\r\n\r\n")[2]


def soap(operation: str, request: str, timestamp: str | None = None, key: str = OWNER) -> bytes:
    claims = signed(key, operation, timestamp)
    return (
        f'<s:Envelope xmlns:s="{SOAP_ENV}"><s:Body><{operation} xmlns="{NS}">'
        f"<AWSAccessKeyId>{key}</AWSAccessKeyId><Timestamp>{claims['Timestamp']}</Timestamp>"
        f"<Signature>{claims['Signature']}</Signature><Request>{request}</Request></{operation}>"
        "</s:Body></s:Envelope>"
    ).encode()


def post(path: str, body: bytes, content_type: str = "text/xml; charset=utf-8",
         host: str = "127.0.0.1", extra: bytes = b"") -> bytes:  # fmt: skip
    return (
        (
            f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n"
        ).encode()
        + extra
        + b"\r\n"
        + body
    )


# --- the cases -------------------------------------------------------------------------


@dataclass
class Outcome:
    """What one attack saw: the answers it checks, filled while it runs."""

    answers: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    # Set once the attack is in flight (its connections open, its first request sent).
    engaged: threading.Event = field(default_factory=threading.Event)


Attack = Callable[[Target, threading.Event, Outcome], None]


def repeat(send: Callable[[Target], object]) -> Attack:
    """An attack that sends the same hostile request again and again until stopped."""

    def attack(target: Target, stop: threading.Event, outcome: Outcome) -> None:
        while not stop.is_set():
            outcome.answers.append(send(target))
            outcome.engaged.set()

    return attack


def _answer_key(value_xml: str, score: str = "10") -> str:
    return (
        f'<AnswerKey xmlns="{KEY_NS}"><Question><QuestionIdentifier>q1</QuestionIdentifier>'
        f"<AnswerOption><SelectionIdentifier>a</SelectionIdentifier><AnswerScore>{score}"
        f"</AnswerScore></AnswerOption></Question>{value_xml}</AnswerKey>"
    )


_TEST = (
    '<QuestionForm xmlns="http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/'
    '2005-10-01/QuestionForm.xsd"><Question><QuestionIdentifier>q1</QuestionIdentifier>'
    "<QuestionContent><Text>?</Text></QuestionContent><AnswerSpecification>"
    "<SelectionAnswer><Selections><Selection><SelectionIdentifier>a</SelectionIdentifier>"
    "<Text>a</Text></Selection></Selections></SelectionAnswer></AnswerSpecification>"
    "</Question></QuestionForm>"
)
HOSTILE_KEYS = {
    "QualificationValue 1E+1000000": _answer_key(
        "<QualificationValueMapping><RangeMapping><SummedScoreRange><InclusiveLowerBound>0"
        "</InclusiveLowerBound><InclusiveUpperBound>5</InclusiveUpperBound><QualificationValue>"
        "1E+1000000</QualificationValue></SummedScoreRange><OutOfRangeQualificationValue>0"
        "</OutOfRangeQualificationValue></RangeMapping></QualificationValueMapping>"
    ),
    "SummedScoreMultiplier 1E+30": _answer_key(
        "<QualificationValueMapping><ScaleMapping><SummedScoreMultiplier>1E+30"
        "</SummedScoreMultiplier></ScaleMapping></QualificationValueMapping>"
    ),
    "MaximumSummedScore 1E-999999": _answer_key(
        "<QualificationValueMapping><PercentageMapping><MaximumSummedScore>1E-999999"
        "</MaximumSummedScore></PercentageMapping></QualificationValueMapping>"
    ),
    "AnswerScore 1E+999999999": _answer_key("", score="1E+999999999"),
}


def _create_with_key(target: Target, name: str, key: str) -> str:
    return rest(target, OWNER, "CreateQualificationType", Name=f"{name} {time.monotonic_ns()}",
                Description="hostile key", QualificationTypeStatus="Active", Test=_TEST,
                AnswerKey=key, TestDurationInSeconds="60")  # fmt: skip


def answer_key_numbers(target: Target, stop: threading.Event, outcome: Outcome) -> None:
    """Case 2: AnswerKey numbers far outside any range, each refused at once."""
    while not stop.is_set():
        for name, key in HOSTILE_KEYS.items():
            outcome.answers.append((name, _create_with_key(target, name, key)))
            outcome.engaged.set()


@contextmanager
def _held(sockets: list[socket.socket]):
    try:
        yield sockets
    finally:
        for sock in sockets:
            sock.close()


def slow_and_silent(count: int = 64, interval: float = 2.0) -> Attack:
    """Case 3: `count` clients sending a request one byte every `interval` seconds,
    and `count` connections that send nothing."""
    request = post("/", soap("GetQualificationScore", "<SubjectId>x</SubjectId>"))

    def attack(target: Target, stop: threading.Event, outcome: Outcome) -> None:
        with (
            _held([connect(target) for _ in range(count)]) as silent,
            _held([connect(target) for _ in range(count)]) as slow,
        ):
            outcome.answers.append(len(silent))
            sent = 0
            while not stop.is_set() and sent < len(request):
                for sock in slow:
                    try:
                        sock.send(request[sent : sent + 1])
                    except OSError as error:
                        outcome.errors.append(error)
                sent += 1
                outcome.engaged.set()
                # The attack's own pace (a byte every `interval`), not a wait for the
                # server: the stop signal ends it at once.
                stop.wait(interval)

    return attack


def oversized_heads(target: Target, stop: threading.Event, outcome: Outcome) -> None:
    """Case 4: a 16 MiB request line, 1000 headers, one 200 KB header."""
    huge_line = b"GET /?Service=AWSMechanicalTurkRequester&Query=" + b"x" * (16 << 20)
    many = b"".join(b"X-Filler-%d: x\r\n" % n for n in range(1000))
    while not stop.is_set():
        outcome.answers.append(("line", exchange(target, huge_line + b" HTTP/1.1\r\n\r\n")))
        outcome.answers.append(
            ("count", exchange(target, b"GET / HTTP/1.1\r\nHost: x\r\n" + many + b"\r\n"))
        )
        big = b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"y" * 200_000 + b"\r\n\r\n"
        outcome.answers.append(("size", exchange(target, big)))
        outcome.engaged.set()


def _control(path: str, body: bytes, host: str = "127.0.0.1",
             content_type: str = "application/json") -> bytes:  # fmt: skip
    return post("/_emulator" + path, body, content_type=content_type, host=host)


def control_api(target: Target, stop: threading.Event, outcome: Outcome) -> None:
    """Case 5: a DNS-rebinding Host, and a state change that is not JSON."""
    while not stop.is_set():
        outcome.answers.append(
            ("rebinding", exchange(target, _control("/reset", b"{}", host="attacker.example")))
        )
        outcome.answers.append(
            ("rebinding-get", exchange(
                target, b"GET /_emulator/state HTTP/1.1\r\nHost: rebind.example:8080\r\n"
                b"Connection: close\r\n\r\n"))
        )  # fmt: skip
        outcome.answers.append(
            ("form", exchange(target, _control("/reset", b"a=b", content_type="text/plain")))
        )
        outcome.engaged.set()


def _soap_with(operation: str, inner: str, key: str, attributes: str = "") -> bytes:
    claims = signed(key, operation) if key in SECRETS else signed(OWNER, operation)
    return (
        f'<s:Envelope xmlns:s="{SOAP_ENV}"><s:Body><{operation} xmlns="{NS}"{attributes}>'
        f"<AWSAccessKeyId>{key}</AWSAccessKeyId><Timestamp>{claims['Timestamp']}</Timestamp>"
        f"<Signature>{claims['Signature']}</Signature>{inner}</{operation}></s:Body></s:Envelope>"
    ).encode()


def attribute_flood() -> bytes:
    """Case 1 (the codec's): 90,000 attributes on an unauthenticated call, ~1 MB."""
    attributes = "".join(f' a{n}="x"' for n in range(90_000))
    body = _soap_with("GetQualificationScore", "<Request/>", "AKIAUNKNOWNKEY000001", attributes)
    return post("/", body)


def many_attributes(target: Target, stop: threading.Event, outcome: Outcome) -> None:
    request = attribute_flood()
    while not stop.is_set():
        outcome.answers.append(("attributes", exchange(target, request)))
        outcome.engaged.set()


def huge_batch(target: Target, stop: threading.Event, outcome: Outcome) -> None:
    """Case 7 (the codec's): a signed 1 MiB batch of 104,797 empty Requests."""
    body = _soap_with("GetQualificationType", "<Request/>" * 104_797, OWNER)
    while not stop.is_set():
        outcome.answers.append(("batch", exchange(target, post("/", body))))
        outcome.engaged.set()


def _chunked(body: bytes, size_line: bytes | None = None) -> bytes:
    chunks = b"".join(
        b"%x\r\n%s\r\n" % (len(body[i : i + 65536]), body[i : i + 65536])
        for i in range(0, len(body), 65536)
    )
    if size_line is not None:
        chunks = size_line + b"\r\n" + body + b"\r\n"
    return (
        b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\n"
        b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + chunks + b"0\r\n\r\n"
    )


def error_paths(target: Target, stop: threading.Event, outcome: Outcome) -> None:
    """Case 6: calls that used to end in an empty 500 and a traceback."""
    edge = "9999-12-31T23:59:59-14:00"
    score = f"<QualificationTypeId>{target.type_id}</QualificationTypeId><SubjectId>{WORKER}</SubjectId>"
    nested = b"[" * 100_000 + b"]" * 100_000
    huge_number = b'{"QualificationTypeId": ' + b"9" * 100_000 + b"}"
    long_query = "<Query>" + "%" * 60_000 + "</Query><MustBeRequestable>false</MustBeRequestable>"
    while not stop.is_set():
        outcome.answers += [
            ("timestamp", exchange(target, post("/", soap("GetQualificationScore", score, edge)))),
            ("nested json", exchange(target, _control("/fixtures", nested))),
            ("huge number json",
             exchange(target, _control("/workers/AW1/qualification-requests", huge_number))),
            ("chunked over the limit", exchange(target, _chunked(b"<a>" + b"x" * (3 << 20)))),
            ("bad chunk size", exchange(target, _chunked(b"<a/>", size_line=b"zz"))),
            ("negative length", exchange(
                target, b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\nabc")),
            ("long query",
             exchange(target, post("/", soap("SearchQualificationTypes", long_query)))),
        ]  # fmt: skip
        outcome.engaged.set()


CASES: dict[str, Attack] = {
    "1 90,000 attributes, unknown key": many_attributes,
    "2 AnswerKey numbers": answer_key_numbers,
    "3 64 slow + 64 silent clients": slow_and_silent(),
    "4 request line and headers": oversized_heads,
    "5 control API Host and type": control_api,
    "6 error paths": error_paths,
    "7 batch of 104,797 Requests": huge_batch,
}


@dataclass
class Measured:
    case: str
    waited: float  # the longest an unrelated call waited during the attack
    probes: int
    rss_before: int
    rss_after: int
    outcome: Outcome


def run_case(target: Target, name: str, attack: Attack, probes: int = 5,
             spread: float = 0.0) -> Measured:  # fmt: skip
    """Run `attack` in a thread; once it is in flight, make `probes` unrelated calls
    (one after another, or spread over `spread` seconds), then stop it."""
    rss_before = target.rss()
    stop = threading.Event()
    outcome = Outcome()

    def run():
        try:
            attack(target, stop, outcome)
        except Exception as error:  # reported, not swallowed: the tests assert on it
            outcome.errors.append(error)
        finally:
            outcome.engaged.set()

    thread = threading.Thread(target=run, name=f"attack {name}", daemon=True)
    thread.start()
    waits = []
    try:
        if not outcome.engaged.wait(60):
            raise AssertionError(f"the attack {name} never got going")
        pace = threading.Event()  # never set: its wait() paces the bench's probes
        for number in range(probes):
            if spread and number:
                pace.wait(spread / probes)
            try:
                waits.append(probe(target))
            except (OSError, AssertionError) as error:  # no answer in 10 s, or a wrong one
                outcome.errors.append(f"the unrelated call failed: {error}"[:300])
                waits.append(float("inf"))
                break
    finally:
        stop.set()
        thread.join(60)
    return Measured(name, max(waits), len(waits), rss_before, target.rss(), outcome)


def summary(measured: Measured) -> str:
    mb = 1024 * 1024
    return (
        f"{measured.case:34s} waited {measured.waited * 1000:7.1f} ms (max of {measured.probes})"
        f"  RSS {measured.rss_before / mb:6.1f} -> {measured.rss_after / mb:6.1f} MB"
    )


def json_error(answer: bytes) -> str:
    return json.loads(body_of(answer))["Error"]["Code"]


def environment_note() -> str:
    return f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}"
