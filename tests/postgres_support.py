"""A real PostgreSQL server for the tests, from the Debian packages (`apt-get
install postgresql`): initdb into a temporary folder, served on a Unix socket
there (no port to collide on), run as the `postgres` user when the tests run as
root (the server refuses root). Each `fresh_url()` is an empty schema of its own.

Where PostgreSQL is not installed the tests that need it skip, saying so; with
CI set, or SOAP_MTURK_REQUIRE_POSTGRES=1 (.ci/run sets both), they fail instead.
SOAP_MTURK_POSTGRES_URL names an existing server to use instead of starting one.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import quote

import pytest

# CI (the CI variable, or SOAP_MTURK_REQUIRE_POSTGRES=1) fails instead of skipping.
REQUIRE = bool(os.environ.get("CI")) or os.environ.get("SOAP_MTURK_REQUIRE_POSTGRES") == "1"


def unavailable(reason: str):
    if REQUIRE:
        pytest.fail(f"PostgreSQL is required under CI: {reason}")
    pytest.skip(f"PostgreSQL tests skipped: {reason}")


def _bindir() -> Path | None:
    pg_ctl = shutil.which("pg_ctl")
    if pg_ctl:
        return Path(os.path.realpath(pg_ctl)).parent
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(found[-1]).parent if found else None


class PostgresServer:
    def __init__(self, base_url: str, stop=None, pg_ctl=None):
        self._base_url = base_url
        self._stop = stop
        self._pg_ctl = pg_ctl
        self._schemas = itertools.count(1)

    def fresh_url(self) -> str:
        """A URL whose objects go to a new, empty schema."""
        import psycopg

        schema = f"t{os.getpid()}_{next(self._schemas)}"
        with psycopg.connect(self._base_url, autocommit=True) as db:
            db.execute(f"CREATE SCHEMA {schema}")
        separator = "&" if "?" in self._base_url else "?"
        return f"{self._base_url}{separator}options={quote(f'-csearch_path={schema}')}"

    def stop(self) -> None:
        if self._stop:
            self._stop()

    def pg_ctl(self, action: str) -> None:
        """`pg_ctl stop|start|restart` of a server these tests started (fast stop:
        sessions are ended, as an operator's restart ends them)."""
        if self._pg_ctl is None:
            pytest.skip("the PostgreSQL server was not started by the tests")
        self._pg_ctl(action)


def start_server(fsync: bool = False) -> PostgresServer:
    try:
        import psycopg
    except ImportError:
        unavailable("psycopg is not installed (pip install 'soap-mturk[postgres]')")
    if os.environ.get("SOAP_MTURK_POSTGRES_URL"):
        return PostgresServer(os.environ["SOAP_MTURK_POSTGRES_URL"])
    bindir = _bindir()
    if bindir is None:
        unavailable("no PostgreSQL server binaries (apt-get install postgresql)")
    folder = Path(tempfile.mkdtemp(prefix="soap-mturk-pg-"))
    user = None
    if os.geteuid() == 0:
        try:
            account = pwd.getpwnam("postgres")
        except KeyError:
            unavailable("running as root and there is no `postgres` user to run the server as")
        os.chown(folder, account.pw_uid, account.pw_gid)
        user = "postgres"
    data = folder / "data"

    def run(*command: str) -> None:
        subprocess.run(command, check=True, user=user, cwd=folder, capture_output=True, timeout=120)

    run(
        str(bindir / "initdb"), "-D", str(data), "-U", "postgres",
        "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync",
    )  # fmt: skip
    # Tests need no crash safety from PostgreSQL itself (the server under test is
    # what they kill), so it skips fsync unless asked (the benchmark's writes are
    # fsynced); the sockets live in the folder.
    options = f"-c listen_addresses='' -k {folder} -c max_connections=200"
    if not fsync:
        options += " -c fsync=off"
    run(
        str(bindir / "pg_ctl"),
        "-D",
        str(data),
        "-l",
        str(folder / "log"),
        "-w",
        "-o",
        options,
        "start",
    )

    def stop() -> None:
        subprocess.run(
            [str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
            user=user, cwd=folder, capture_output=True, timeout=60,
        )  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)

    def pg_ctl(action: str) -> None:
        extra = ["-m", "fast"] if action in ("stop", "restart") else []
        extra += ["-o", options] if action in ("start", "restart") else []
        run(
            str(bindir / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w", *extra, action
        )

    return PostgresServer(
        f"postgresql://postgres@/postgres?host={quote(str(folder), safe='')}", stop, pg_ctl
    )
