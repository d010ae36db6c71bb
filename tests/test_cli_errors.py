"""Every mistake on the command line gets one clear line on stderr and a non-zero
exit status, never a traceback. The real `soap-mturk` command runs in a child process."""

from __future__ import annotations

import http.server
import json
import os
import socket
import subprocess
import sys
import threading

import pytest


def run(*args: str, cwd=None, env=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "soap_mturk", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
        env=env,
    )


def assert_one_line_refusal(result: subprocess.CompletedProcess, *words: str) -> str:
    assert result.returncode != 0, result
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize(
    "args, words",
    [
        (["serve", "--port", "99999"], ["--port", "99999", "0..65535"]),
        (["serve", "--port", "-1"], ["--port", "-1"]),
        (["serve", "--port", "eighty"], ["--port", "whole number"]),
        (["serve", "--threads", "-3"], ["--threads", "-3"]),
        (["serve", "--threads", "0"], ["--threads", "0"]),
        (["serve", "--threads", "100000"], ["--threads"]),
        (["serve", "--max-body", "0"], ["--max-body", "0"]),
        (["serve", "--max-body", "99999999999999999999"], ["--max-body"]),
        (["serve", "--clock-skew", "-1"], ["--clock-skew"]),
        (["serve", "--clock-skew", "9" * 30], ["--clock-skew"]),
        (["serve", "--auth", "maybe"], ["--auth"]),
        (["serve", "--control-from", "not-a-network"], ["--control-from"]),
        (["serve", "--credentials", "/nonexistent/requesters.toml"], ["cannot read"]),
        (
            ["serve", "--db", "/nonexistent/dir/x.db"],
            ["--db", "/nonexistent/dir", "does not exist"],
        ),
        (["state", "--url", "not-a-url"], ["--url", "not-a-url"]),
        (["--url", "ftp://example.com", "state"], ["--url"]),
        (["state", "--url", "http://127.0.0.1:99999"], ["--url", "port"]),
        (["load", "/nonexistent/fixture.yaml"], ["/nonexistent/fixture.yaml"]),
        (["no-such-command"], ["no-such-command"]),
        ([], ["required"]),
    ],
)
def test_mistake_is_one_line(args, words, tmp_path):
    assert_one_line_refusal(run(*args, cwd=tmp_path), *words)


def test_db_on_a_directory(tmp_path):
    assert_one_line_refusal(run("serve", "--db", str(tmp_path)), "directory")


def test_db_on_a_file_that_is_not_sqlite(tmp_path):
    other = tmp_path / "notes.txt"
    other.write_text("this is not a database\n" * 100)
    assert_one_line_refusal(run("serve", "--port", "0", "--db", str(other)), str(other))
    assert other.read_text().startswith("this is not a database")  # left as it was


def test_wsdl_into_a_place_that_cannot_hold_it(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert_one_line_refusal(run("wsdl", "--out", str(blocker / "wsdl")), "cannot write")


def test_connection_refused_names_the_url(tmp_path):
    url = f"http://127.0.0.1:{closed_port()}"
    for args in (["state", "--url", url], ["--url", url, "state"], ["reset", "--url", url]):
        line = assert_one_line_refusal(run(*args, cwd=tmp_path), url)
        assert "refused" in line.lower()


def test_env_url_that_is_not_a_url(tmp_path):
    env = dict(os.environ, SOAP_MTURK_URL="localhost:8080")
    assert_one_line_refusal(run("state", cwd=tmp_path, env=env), "SOAP_MTURK_URL", "localhost:8080")
    # Commands that do not talk to a server do not care.
    assert_one_line_refusal(run("serve", "--port", "-5", cwd=tmp_path, env=env), "--port")


def test_answer_file_that_is_not_utf8(tmp_path, mturk_emulator):
    answer = tmp_path / "answer.xml"
    answer.write_bytes(b"\xff\xfe<QuestionFormAnswers/>")
    result = run(
        "worker", "request", "A1WORKER", "NOSUCHTYPE", "--answer", str(answer),
        "--url", mturk_emulator.base_url,
    )  # fmt: skip
    assert_one_line_refusal(result, "utf-8")


def test_a_server_that_is_not_the_emulator(tmp_path):
    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = b"<html>some other web server</html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page) as other:
        threading.Thread(target=other.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{other.server_address[1]}"
        try:
            assert_one_line_refusal(run("state", "--url", url, cwd=tmp_path), url, "emulator")
        finally:
            other.shutdown()


def test_url_before_the_command_is_used(mturk_emulator):
    mturk_emulator.control.load(
        {"QualificationTypes": [{"Name": "Seen from the CLI", "Description": "d"}]}
    )
    result = run("--url", mturk_emulator.base_url, "state")
    assert result.returncode == 0, result.stderr
    names = [t["Name"] for t in json.loads(result.stdout)["QualificationTypes"]]
    assert names == ["Seen from the CLI"]
