"""Two ways to act as a worker on a running emulator, so each rule is tested through
both: the control API's Python client, and the `soap-mturk` command line."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from soap_mturk.control.client import ControlError


class Refused(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code = code


class ApiDriver:
    name = "api"

    def __init__(self, emulator):
        self.control = emulator.control

    def request(self, worker_id: str, type_id: str, answer: str | None = None) -> dict:
        try:
            return self.control.request_qualification(worker_id, type_id, answer)
        except ControlError as error:
            raise Refused(error.code, error.message) from None

    def load(self, fixture: dict) -> dict:
        return self.control.load(fixture)

    def reset(self) -> None:
        self.control.reset()


def run_cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "soap_mturk", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


class CliDriver:
    name = "cli"

    def __init__(self, emulator):
        self.url = emulator.base_url

    def _run(self, *args: str, stdin: str | None = None) -> dict | None:
        done = run_cli(*args, "--url", self.url, stdin=stdin)
        if done.returncode == 1:
            # "soap-mturk: CODE: message"
            _, code, message = done.stderr.strip().split(": ", 2)
            raise Refused(code, message)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout) if done.stdout.strip() else None

    def request(self, worker_id: str, type_id: str, answer: str | None = None) -> dict:
        if answer is None:
            return self._run("worker", "request", worker_id, type_id)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "answer.xml"
            path.write_text(answer, encoding="utf-8")
            return self._run("worker", "request", worker_id, type_id, "--answer", str(path))

    def load(self, fixture: dict) -> dict:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "fixture.json"
            path.write_text(json.dumps(fixture), encoding="utf-8")
            return self._run("load", str(path))

    def reset(self) -> None:
        self._run("reset")
