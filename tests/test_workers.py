"""`soap-mturk serve --workers N`: N processes on one port sharing the store.
Killing one worker, or the whole server, with -9 while clients write loses no
write the server acknowledged; the server refuses :memory: with many workers."""

from __future__ import annotations

import os
import re
import select
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.conftest import STORE_KINDS, fresh_store_url

OWNER = "AKIAWORKERSOWNER"
WRITERS = 4
# Acknowledged writes before killing one worker, then before killing them all.
BEFORE_ONE, BEFORE_ALL = 30, 60
ROUNDS = 2


def serve(db: str, workers: int) -> tuple[subprocess.Popen, int]:
    child = subprocess.Popen(
        [sys.executable, "-m", "soap_mturk", "serve", "--port", "0", "--auth", "off",
         "--db", db, "--workers", str(workers)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )  # fmt: skip
    for line in child.stdout:
        found = re.match(r"soap-mturk listening on http://127\.0\.0\.1:(\d+)", line)
        if found:
            threading.Thread(target=child.stdout.read, daemon=True).start()
            return child, int(found.group(1))
    raise AssertionError(f"the server did not start (exit code {child.wait()})")


def workers_of(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def call(port: int, operation: str, **params) -> str:
    query = {
        "Service": "AWSMechanicalTurkRequester", "Operation": operation,
        "AWSAccessKeyId": OWNER, "Signature": "unchecked",
        "Timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), **params,
    }  # fmt: skip
    url = f"http://127.0.0.1:{port}/?{urllib.parse.urlencode(query)}"
    with urllib.request.urlopen(url, timeout=30) as answer:
        return answer.read().decode()


class Writers:
    """Threads assigning the type to new workers, one call after another, noting
    each worker whose assignment the server acknowledged."""

    def __init__(self, port: int, type_id: str, prefix: str, acknowledged: list[str]):
        self.port, self.type_id, self.prefix = port, type_id, prefix
        self.acknowledged = acknowledged
        self.count = 0
        self.unexpected: list[str] = []
        self.acked = threading.Condition()
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self.write, args=(w,)) for w in range(WRITERS)]
        for thread in self.threads:
            thread.start()

    def write(self, writer: int) -> None:
        n = 0
        while not self.stopping.is_set():
            worker = f"{self.prefix}W{writer}N{n:05d}"
            n += 1
            try:
                answer = call(self.port, "AssignQualification", QualificationTypeId=self.type_id,
                              WorkerId=worker, IntegerValue=n % 100)  # fmt: skip
            except (OSError, urllib.error.URLError):
                continue  # not acknowledged: a killed worker's connection, or no server
            if "<IsValid>True</IsValid>" not in answer:
                self.unexpected.append(answer)
                continue
            with self.acked:
                self.acknowledged.append(worker)
                self.count += 1
                self.acked.notify_all()

    def wait_for(self, count: int) -> None:
        with self.acked:
            assert self.acked.wait_for(lambda: self.count >= count, timeout=120)

    def stop(self) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=60)


def test_many_workers_refuse_a_database_in_memory():
    done = subprocess.run(
        [sys.executable, "-m", "soap_mturk", "serve", "--db", ":memory:", "--workers", "2"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert "--workers above 1 needs a database file or PostgreSQL" in done.stderr


@pytest.mark.parametrize("kind", STORE_KINDS)
def test_kill_9_of_a_worker_or_the_server_loses_no_acknowledged_write(request, kind, tmp_path):
    if not Path("/proc/self/task").is_dir():
        pytest.skip("finding a server's workers needs Linux /proc")
    db = fresh_store_url(request, kind, tmp_path / "workers.sqlite3")
    acknowledged: list[str] = []
    type_id = None
    for round_ in range(ROUNDS):
        server, port = serve(db, workers=2)
        try:
            if type_id is None:
                created = call(port, "CreateQualificationType", Name="Kept", Description="d",
                               QualificationTypeStatus="Active")  # fmt: skip
                type_id = re.search(r"<QualificationTypeId>(\w+)<", created).group(1)
            writers = Writers(port, type_id, f"AR{round_}", acknowledged)
            writers.wait_for(BEFORE_ONE)
            os.kill(workers_of(server.pid)[0], signal.SIGKILL)
            # Writes go on being acknowledged, by the other worker and a new one.
            writers.wait_for(BEFORE_ALL)
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=60)
            writers.stop()
            assert writers.unexpected == []
        finally:
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()

    server, port = serve(db, workers=1)
    try:
        stored = set()
        page = 1
        while True:
            answer = call(port, "GetQualificationsForQualificationType",
                          QualificationTypeId=type_id, PageSize=100, PageNumber=page)  # fmt: skip
            found = re.findall(r"<SubjectId>(\w+)</SubjectId>", answer)
            stored.update(found)
            if len(found) < 100:
                break
            page += 1
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    assert len(acknowledged) >= ROUNDS * BEFORE_ALL
    lost = [w for w in acknowledged if w not in stored]
    assert lost == []


def test_workers_stop_when_the_server_process_is_killed(tmp_path):
    if not hasattr(os, "pidfd_open") or not Path("/proc/self/task").is_dir():
        pytest.skip("needs Linux (pidfd_open, /proc)")
    server, _port = serve(str(tmp_path / "orphans.sqlite3"), workers=2)
    try:
        workers = [os.pidfd_open(pid) for pid in workers_of(server.pid)]
        os.kill(server.pid, signal.SIGKILL)
        server.wait(timeout=60)
        for pidfd in workers:  # readable once that process has exited
            readable, _, _ = select.select([pidfd], [], [], 60)
            assert readable == [pidfd]
            os.close(pidfd)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
        try:
            os.killpg(server.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


SUPERVISED = textwrap.dedent(
    """
    import os, socket, sys
    from soap_mturk.server.run import listening_socket
    from soap_mturk.server.workers import Supervisor

    marker = sys.argv[1]

    def serve_one(sock):
        if not os.path.exists(marker):  # the first worker cannot start
            open(marker, "w").close()
            raise RuntimeError("the database is unreachable")
        sock.setblocking(True)
        while True:
            client, _ = sock.accept()
            client.sendall(b"served by " + str(os.getpid()).encode())
            client.close()

    sock = listening_socket("127.0.0.1", 0)
    print(sock.getsockname()[1], flush=True)
    sys.exit(Supervisor(1, sock, serve_one).run())
    """
)


def test_a_worker_that_cannot_start_is_started_again(tmp_path):
    """A worker that fails at start (its database unreachable, say) is replaced
    after a pause, and the replacement serves; the server never gave up."""
    parent = subprocess.Popen(
        [sys.executable, "-c", SUPERVISED, str(tmp_path / "tried")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        port = int(parent.stdout.readline())
        with socket.create_connection(("127.0.0.1", port), timeout=60) as client:
            assert client.recv(100).startswith(b"served by ")
        assert (tmp_path / "tried").exists()  # the first worker did fail
        parent.send_signal(signal.SIGTERM)
        assert parent.wait(timeout=60) == 0
        assert "stopped at start (exit code 1); another in 1 s" in parent.stderr.read()
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
