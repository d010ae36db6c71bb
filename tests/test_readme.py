"""README's examples run: every code block marked `readme-...` in its info string,
in order, twice (names are unique and ids reset, so a second run works too),
against a real `soap-mturk serve` started as README's `readme-serve` block says.

Conventions (README, "The examples in this README run"):
  ```sh readme-serve        the server's command line; we add --port 0 and a fresh --db
  ```python readme-run      run with this interpreter; `print(...)  # text` must print text
  ```sh readme-run          run with bash -e
  ```LANG readme-file=NAME  saved as NAME in the working folder
Examples name http://127.0.0.1:8080 (and boto's port=8080); the test points them at
the port its server got, and sets SOAP_MTURK_URL for the CLI commands."""

from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
_BLOCK = re.compile(r"^```(\w+) (readme-[\w-]+)(?:=(\S+))?[^\n]*\n(.*?)^```\s*$", re.M | re.S)
_PROMISE = re.compile(r"^\s*(?:print\(.*\)|\))\s+# (.+)$")


@dataclass
class Block:
    language: str
    kind: str
    argument: str | None
    text: str
    line: int


def blocks() -> list[Block]:
    text = README.read_text(encoding="utf-8")
    return [
        Block(m.group(1), m.group(2), m.group(3), m.group(4), text.count("\n", 0, m.start()) + 1)
        for m in _BLOCK.finditer(text)
    ]


def promised_output(code: str) -> list[str]:
    """What the `print(...)  # text` lines promise, in order."""
    return [m.group(1).strip() for m in map(_PROMISE.match, code.splitlines()) if m]


def test_readme_marks_its_examples():
    kinds = [(b.language, b.kind) for b in blocks()]
    assert kinds.count(("sh", "readme-serve")) == 1
    assert ("python", "readme-run") in kinds and ("sh", "readme-run") in kinds
    assert ("yaml", "readme-file") in kinds


@pytest.fixture(scope="module")
def readme_server(tmp_path_factory):
    (serve,) = [b for b in blocks() if b.kind == "readme-serve"]
    words = shlex.split(serve.text.strip())
    assert words[:2] == ["soap-mturk", "serve"], serve.text
    database = tmp_path_factory.mktemp("readme") / "readme.sqlite3"
    process = subprocess.Popen(
        [sys.executable, "-m", "soap_mturk", *words[1:], "--port", "0", "--db", str(database)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ, PYTHONUNBUFFERED="1"),
    )
    banner = ""
    for line in process.stdout:
        banner += line
        if line.startswith("Press Ctrl+C"):
            break
    match = re.search(r"listening on http://127\.0\.0\.1:(\d+)", banner)
    assert match, banner + process.stderr.read()
    yield int(match.group(1))
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=60)


def on_port(text: str, port: int) -> str:
    return text.replace("127.0.0.1:8080", f"127.0.0.1:{port}").replace("port=8080", f"port={port}")


def run_examples(port: int, folder: Path) -> None:
    bin_folder = str(Path(sys.executable).parent)  # where `soap-mturk` is installed
    env = dict(
        os.environ,
        SOAP_MTURK_URL=f"http://127.0.0.1:{port}",
        PATH=bin_folder + os.pathsep + os.environ.get("PATH", ""),
    )
    for block in blocks():
        where = f"README.md line {block.line}"
        if block.kind == "readme-file":
            (folder / block.argument).write_text(block.text, encoding="utf-8")
            continue
        if block.kind != "readme-run":
            continue
        code = on_port(block.text, port)
        if block.language == "python":
            command = [sys.executable, "-c", code]
        elif block.language == "sh":
            command = ["bash", "-e", "-o", "pipefail", "-c", code]
        else:
            raise AssertionError(f"{where}: cannot run a {block.language} block")
        result = subprocess.run(
            command, cwd=folder, env=env, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, f"{where} failed:\n{result.stdout}\n{result.stderr}"
        assert "Traceback" not in result.stderr, f"{where}:\n{result.stderr}"
        if block.language == "python":
            printed = [line.strip() for line in result.stdout.splitlines()]
            assert printed == promised_output(block.text), f"{where} printed {printed}"


def test_readme_examples_run_in_order_twice(readme_server, tmp_path):
    run_examples(readme_server, tmp_path)
    run_examples(readme_server, tmp_path)  # again, on the same database
    state = (tmp_path / "state.json").read_text(encoding="utf-8")
    assert "3TQJZD4FEXAMPLE00002" in state and "fixture-secret" not in state
