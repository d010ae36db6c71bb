"""The emulator as shipped (`soap-mturk serve --workers N`) against the machine's
floor, on SQLite and PostgreSQL, with 100 and with 10^6 qualifications stored.
Run through bench/bench.py (its default); see bench/README.md for the method.

Rows, in one run, at the same connections and load generator:

  * floor: gunicorn with one worker process per core serving a static WSGI app
    that reads the request body and answers as many bytes as the emulator's answer;
  * for each store and each size: GetQualificationScore (reads) and
    UpdateQualificationScore (writes, each committed with fsync) on
    `soap-mturk serve --workers N`, N = the cores by default;

each with req/s, p50, p99, its ratio to the floor at the same response size, and
the largest resident memory of any of the server's processes after the row.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# How many of the stored workers the load cycles over: spread evenly over all of
# them, so a large store is read all over, not only at its start.
CYCLED = 100


def worker_id(n: int) -> str:
    return f"A{n:013d}BENCH"


def seed_store(url: str, count: int, owner: str) -> tuple[str, list[str]]:
    """A qualification type of `owner` granted to `count` workers, written straight
    into the store in one transaction (SQLite: executemany; PostgreSQL: COPY)."""
    from soap_mturk.domain.identity import new_id
    from soap_mturk.domain.model import QualificationType
    from soap_mturk.store import open_store

    now = datetime.now(UTC)
    stamp = now.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    type_id = new_id(30)
    store = open_store(url)
    try:
        with store.write() as session:
            session.put_type(
                QualificationType(
                    id=type_id,
                    owner=owner,
                    name=f"Bench {time.time_ns()}",
                    creation_time=now,
                    description="benchmark qualification",
                )
            )
        rows = (
            (type_id, worker_id(n), stamp, n % 100, None, None, "Granted") for n in range(count)
        )
        if url.startswith(("postgresql://", "postgres://")):
            import psycopg

            with (
                psycopg.connect(url) as db,
                db.cursor().copy(
                    "COPY qualification (type_id, subject_id, grant_time, integer_value,"
                    " country, subdivision, status) FROM STDIN"
                ) as copy,
            ):
                for row in rows:
                    copy.write_row(row)
            with psycopg.connect(url, autocommit=True) as db:
                db.execute("VACUUM ANALYZE qualification")
        else:
            with store.write() as session:
                session._db.executemany(
                    "INSERT INTO qualification VALUES (?, ?, ?, ?, ?, ?, ?)", rows
                )
    finally:
        store.close()
    step = max(1, count // CYCLED)
    return type_id, [worker_id(n) for n in range(0, count, step)][:CYCLED]


def process_tree(pid: int) -> list[int]:
    """`pid` and its children (Linux /proc)."""
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return pids
    for child in children:
        pids += process_tree(int(child))
    return pids


def rss_mb(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return float("nan")
    found = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
    return int(found.group(1)) / 1024 if found else float("nan")


def max_rss_mb(pid: int) -> float:
    return max((rss_mb(p) for p in process_tree(pid)), default=float("nan"))


def start_emulator(
    db: str, workers: int, requesters: dict[str, str], threads: int = 1
) -> tuple[subprocess.Popen, int]:
    """`soap-mturk serve` as a user runs it, on a free port."""
    command = [
        sys.executable, "-m", "soap_mturk", "serve", "--port", "0", "--db", db,
        "--workers", str(workers), "--threads", str(threads),
    ]  # fmt: skip
    for key, secret in requesters.items():
        command += ["--requester", f"{key}:{secret}"]
    child = subprocess.Popen(
        command, stdout=subprocess.PIPE, text=True, cwd=ROOT, start_new_session=True
    )
    for line in child.stdout:
        found = re.match(r"soap-mturk listening on http://127\.0\.0\.1:(\d+)", line)
        if found:
            port = int(found.group(1))
            break
    else:
        child.kill()
        raise RuntimeError(f"soap-mturk serve did not start (exit code {child.wait()})")
    # The rest of the banner is not read again: drain it so the pipe never fills.
    import threading

    threading.Thread(target=child.stdout.read, daemon=True).start()
    return child, port


def stop(child: subprocess.Popen) -> None:
    child.send_signal(signal.SIGTERM)
    try:
        child.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        child.wait()


class PostgresForBench:
    """A PostgreSQL server for the bench's rows: the URL given, or one started in
    a temporary folder from the Debian packages, with fsync on (writes are fsynced)."""

    def __init__(self, url: str | None):
        self.url, self.server = url, None

    def fresh_url(self) -> str | None:
        if self.url:
            return self.url
        if self.server is None:
            sys.path.insert(0, str(ROOT))
            from tests.postgres_support import start_server

            try:
                self.server = start_server(fsync=True)
            except BaseException as error:  # pytest's skip, when no server is installed
                print(f"PostgreSQL rows skipped: {error}", file=sys.stderr)
                self.url = ""
                return None
        return self.server.fresh_url()

    def close(self) -> None:
        if self.server is not None:
            self.server.stop()


def emulator_rows(args, load: str, log, run_load, kit) -> tuple[list, dict[int, list[bytes]]]:
    """The emulator's rows for every store and size asked for, and the request
    bodies sent at each response size (for the floor to receive the same).
    `kit` is bench.py's module: envelopes, Row, Workload."""
    OWNER, SECRETS, envelope, _request_element = (
        kit.OWNER,
        kit.SECRETS,
        kit.envelope,
        kit._request_element,
    )
    rows, bodies_at = [], {}
    sizes = [n for n in (args.rows, args.large) if n]
    postgres = PostgresForBench(args.postgres_url)
    try:
        for store in args.stores.split(","):
            for size in sizes:
                with tempfile.TemporaryDirectory(prefix="soap-mturk-bench-") as folder:
                    if store == "sqlite":
                        db = str(Path(folder) / "bench.sqlite3")
                    else:
                        db = postgres.fresh_url()
                        if db is None:
                            continue
                    label = f"{store} {size:.0e}" if size >= 10000 else f"{store} {size}"
                    label += f" x{args.server_workers}"
                    log(f"[{label}] seeding {size} qualifications straight into the store")
                    began = time.perf_counter()
                    type_id, workers = seed_store(db, size, OWNER)
                    log(f"[{label}] seeded in {time.perf_counter() - began:.1f}s")
                    child, port = start_emulator(db, args.server_workers, SECRETS, args.threads)
                    try:
                        reads = [
                            envelope("GetQualificationScore", OWNER,
                                     _request_element(QualificationTypeId=type_id, SubjectId=w))
                            for w in workers
                        ]  # fmt: skip
                        writes = [
                            envelope("UpdateQualificationScore", OWNER,
                                     _request_element(QualificationTypeId=type_id, SubjectId=w,
                                                      IntegerValue=70 + n % 30))
                            for n, w in enumerate(workers)
                        ]  # fmt: skip
                        for name, bodies in (
                            ("GetQualificationScore", reads),
                            ("UpdateQualificationScore", writes),
                        ):
                            size_bytes = len(kit._soap(port, bodies[0]))
                            bodies_at.setdefault(size_bytes, bodies)
                            work = kit.Workload(name, kit.SOAP_PATH, bodies, size_bytes)
                            log(
                                f"[{label}] {name}: {args.connections} connections, {args.seconds:g}s ({load})"
                            )
                            figures = run_load(port, work, Path(folder))
                            row = kit.Row(label, name, load, size_bytes, **figures)
                            row.rss_mb = max_rss_mb(child.pid)
                            rows.append(row)
                    finally:
                        stop(child)
    finally:
        postgres.close()
    return rows, bodies_at
