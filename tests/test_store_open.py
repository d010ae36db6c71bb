"""Opening a store from the command line: what cannot be opened is said in one
line, and a PostgreSQL password never reaches the output."""

from __future__ import annotations

import socket
import subprocess
import sys


def serve(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "soap_mturk", "serve", "--port", "0", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_an_unreachable_postgresql_is_one_line_without_the_password():
    url = f"postgresql://someone:hunter2@127.0.0.1:{closed_port()}/emulator"
    result = serve("--db", url)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("soap-mturk: --db: cannot open postgresql://someone:***@")
    assert "hunter2" not in result.stderr + result.stdout
