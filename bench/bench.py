"""Throughput and latency of the SOAP hot path against the HTTP floor.

    python bench/bench.py [--seconds 5] [--connections 8] [--server production]

Starts the emulator in a child process (a real server on a free loopback port, a
fresh SQLite file in a temporary folder), seeds a qualification type and its
workers' scores over SOAP, then drives, on that same server, at N keep-alive
connections:

  * GetQualificationScore and UpdateQualificationScore, with the envelopes a zeep
    client sends (another requester reads, the owner writes, cycling over workers);
  * a static WSGI app that reads the same request body and answers a body of the
    same size as the SOAP response: the floor the server and the load allow.

and prints req/s, p50 and p99 latency for each, and the ratios reads/static and
writes/static. The load comes from `wrk` when it is installed (cheapest, in C),
else from Python processes driving non-blocking sockets (see `--load`).

`--server` names the WSGI server: `production` is whatever soap_mturk.server.run
serves with; `waitress`, `cheroot` and `gunicorn` are there to compare them.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import http.client
import json
import logging
import multiprocessing
import os
import re
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from soap_mturk.server.run import DEFAULT_THREADS  # noqa: E402  (after the path is set)

NAMESPACE = "http://requester.mturk.amazonaws.com/doc/2014-08-15"
SOAP_PATH = "/?Service=AWSMechanicalTurkRequester"
STATIC_PREFIX = "/__static__/"
OWNER, READER = "AKIABENCHOWNER", "AKIABENCHREADER"
SECRETS = {
    OWNER: "bench-owner-secret/0123456789abcdef",
    READER: "bench-reader-secret+0123456789abcd",
}
SERVERS = ("production", "waitress", "cheroot", "gunicorn")


# --- what the server runs -------------------------------------------------------------


class BenchApp:
    """The emulator, and beside it under /__static__/<size> the floor's static app."""

    def __init__(self, emulator):
        self.emulator = emulator
        self.static = StaticApp()

    def close(self) -> None:
        self.emulator.close()  # its notification deliverer

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO", "").startswith(STATIC_PREFIX):
            return self.static(environ, start_response)
        return self.emulator(environ, start_response)


class StaticApp:
    """The floor: reads the request body like any POST and answers as many bytes as
    the path's size (/__static__/<size>), whatever else is asked."""

    def __init__(self):
        self._bodies: dict[int, bytes] = {}

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        try:
            size = int(path[len(STATIC_PREFIX) :])
        except ValueError:
            size = 1
        body = self._bodies.get(size)
        if body is None:
            body = self._bodies.setdefault(size, b"x" * size)
        length = int(environ.get("CONTENT_LENGTH") or 0)
        if length:
            environ["wsgi.input"].read(length)
        start_response(
            "200 OK",
            [("Content-Type", "text/xml; charset=utf-8"), ("Content-Length", str(size))],
        )
        return [body]


def make_app(db: str, auth: str = "verify") -> BenchApp:
    """The emulator as `soap-mturk serve` runs it: signatures checked (`--auth verify`,
    its default) for the bench's two requesters, or not (`off`)."""
    import soap_mturk.domain  # noqa: F401  (the store package imports the domain's model first)
    from soap_mturk.auth import AccessKeyIdentity
    from soap_mturk.auth.requesters import Requester, RequesterRegistry
    from soap_mturk.auth.verify import SignatureVerifier
    from soap_mturk.server.app import EmulatorApp
    from soap_mturk.store import open_store

    registry = RequesterRegistry([Requester(key, SECRETS[key]) for key in SECRETS])
    authenticator = SignatureVerifier(registry) if auth == "verify" else AccessKeyIdentity()
    return BenchApp(EmulatorApp(open_store(db), authenticator=authenticator, requesters=registry))


def _serve(args: argparse.Namespace) -> int:
    """The child process: serve BenchApp with the chosen server until SIGTERM."""
    stop_requested = []

    def on_term(signum, _frame):
        stop_requested.append(signum)
        raise KeyboardInterrupt

    if args.cpu is not None:  # Linux: keep the server's threads on one core (see README)
        os.sched_setaffinity(0, {args.cpu})
    # waitress warns of every queued task; at 8 connections on 8 threads that is noise.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    if args.server == "gunicorn":
        return _serve_gunicorn(args)

    app = make_app(args.db, args.auth)
    if args.server == "production":
        from soap_mturk.server.run import start

        running = start(app, "127.0.0.1", 0, threads=args.threads)
        port, run, stop = running.port, running.serve_forever, running.stop
    elif args.server == "waitress":
        from waitress.server import create_server

        server = create_server(app, host="127.0.0.1", port=0, threads=args.threads)
        port, run, stop = server.effective_port, server.run, server.close
    elif args.server == "cheroot":
        from cheroot.wsgi import Server

        server = Server(("127.0.0.1", 0), app, numthreads=args.threads)
        server.prepare()
        port, run, stop = server.bind_addr[1], server.serve, server.stop
    else:
        raise SystemExit(f"unknown server {args.server}")
    signal.signal(signal.SIGTERM, on_term)
    print(f"PORT {port}", flush=True)
    try:
        run()
    except KeyboardInterrupt:
        pass
    finally:
        stop()
    return 0


def _serve_gunicorn(args: argparse.Namespace) -> int:
    # gunicorn forks its workers and cannot serve from a thread of our process; each
    # worker opens the SQLite file itself (WAL makes that safe across processes).
    from gunicorn.app.base import BaseApplication

    class Gunicorn(BaseApplication):
        def load_config(self):
            workers = max(1, args.gunicorn_workers)
            options = {
                "bind": f"127.0.0.1:{args.port}",
                "workers": workers,
                "worker_class": "gthread",
                "threads": max(1, args.threads // workers),
                # The floor is the machine's best: no access log, no per-request extras.
                "accesslog": None,
                "keepalive": 30,
                "loglevel": "warning",
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            return StaticApp() if args.db == "floor" else make_app(args.db, args.auth)

    print(f"PORT {args.port}", flush=True)
    Gunicorn().run()
    return 0


# --- talking to it ----------------------------------------------------------------------


def envelope(operation: str, access_key: str, request: str) -> bytes:
    """A request as zeep 4 writes it from the WSDL (same prefixes, order and form),
    signed as the vendor's SOAP clients signed: HMAC-SHA1 over service, operation and
    timestamp. Built once per run; the timestamp stays well within the clock skew."""
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    message = f"AWSMechanicalTurkRequester{operation}{stamp}".encode()
    digest = hmac.new(SECRETS[access_key].encode("utf-8"), message, hashlib.sha1).digest()
    signature = base64.b64encode(digest).decode("ascii")
    return (
        "<?xml version='1.0' encoding='utf-8'?>\n"
        '<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/">'
        f'<soap-env:Body><ns0:{operation} xmlns:ns0="{NAMESPACE}">'
        f"<ns0:AWSAccessKeyId>{access_key}</ns0:AWSAccessKeyId>"
        f"<ns0:Timestamp>{stamp}</ns0:Timestamp><ns0:Signature>{signature}</ns0:Signature>"
        f"{request}</ns0:{operation}></soap-env:Body></soap-env:Envelope>"
    ).encode()


def _request_element(**fields) -> str:
    inner = "".join(f"<ns0:{k}>{v}</ns0:{k}>" for k, v in fields.items())
    return f"<ns0:Request>{inner}</ns0:Request>"


def http_request(port: int, path: str, body: bytes) -> bytes:
    """The raw bytes of one keep-alive POST, headers as zeep (requests) sends them."""
    head = (
        f"POST {path} HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{port}\r\n"
        "User-Agent: Zeep/4.3.3 (www.python-zeep.org)\r\n"
        "Accept-Encoding: gzip, deflate\r\n"
        "Accept: */*\r\n"
        "Connection: keep-alive\r\n"
        'SOAPAction: "http://soap.amazon.com"\r\n'
        "Content-Type: text/xml; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("ascii") + body


def post(port: int, path: str, body: bytes) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("POST", path, body, {"Content-Type": "text/xml; charset=utf-8"})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def _soap(port: int, body: bytes) -> bytes:
    status, data = post(port, SOAP_PATH, body)
    if status != 200 or _element_text(data, "IsValid") != "True":
        raise RuntimeError(f"the emulator refused a bench request ({status}): {data[:600]!r}")
    return data


def _element_text(document: bytes, name: str) -> str:
    found = re.search(rb"<(?:\w+:)?%s>([^<]*)<" % name.encode(), document)
    if not found:
        raise RuntimeError(f"no {name} in {document[:600]!r}")
    return found.group(1).decode()


def seed(port: int, workers: int) -> tuple[str, list[str]]:
    """A qualification type owned by OWNER, granted to `workers` workers in one batch."""
    name = f"Bench {time.time_ns()}"
    created = _soap(
        port,
        envelope(
            "CreateQualificationType",
            OWNER,
            _request_element(
                Name=name, Description="benchmark qualification", QualificationTypeStatus="Active"
            ),
        ),
    )
    type_id = _element_text(created, "QualificationTypeId")
    worker_ids = [f"A{n:012d}BENCH" for n in range(workers)]
    batch = "".join(
        _request_element(QualificationTypeId=type_id, WorkerId=w, IntegerValue=n % 100)
        for n, w in enumerate(worker_ids)
    )
    _soap(port, envelope("AssignQualification", OWNER, batch))
    return type_id, worker_ids


@dataclass
class Workload:
    name: str
    path: str
    bodies: list[bytes]
    response_size: int


def workloads(port: int, type_id: str, workers: list[str]) -> list[Workload]:
    """Reads and writes, each preceded by the static app at its response's size."""
    reads = [
        envelope(
            "GetQualificationScore",
            OWNER,  # from 2006-08-23 on, only the owner of a type reads its scores
            _request_element(QualificationTypeId=type_id, SubjectId=w),
        )
        for w in workers
    ]
    writes = [
        envelope(
            "UpdateQualificationScore",
            OWNER,
            _request_element(QualificationTypeId=type_id, SubjectId=w, IntegerValue=70 + n % 30),
        )
        for n, w in enumerate(workers)
    ]
    read_size = len(_soap(port, reads[0]))
    write_size = len(_soap(port, writes[0]))
    _element_text(_soap(port, reads[1]), "IntegerValue")  # a real score, not an empty answer
    return [
        Workload("static (read size)", f"{STATIC_PREFIX}{read_size}", reads, read_size),
        Workload("GetQualificationScore", SOAP_PATH, reads, read_size),
        Workload("static (write size)", f"{STATIC_PREFIX}{write_size}", writes, write_size),
        Workload("UpdateQualificationScore", SOAP_PATH, writes, write_size),
    ]


# --- load: Python -------------------------------------------------------------------------


def _response_head(head: bytes) -> tuple[int, int]:
    """(status, Content-Length) of a response head; every answer here carries a length."""
    lines = head.split(b"\r\n")
    status = int(lines[0].split()[1])
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return status, int(value)
    raise RuntimeError(f"a response without Content-Length: {head!r}")


def _drive(port, requests, connections, start_at, warmup, seconds, results):
    """One load process: `connections` keep-alive sockets in one event loop, each
    sending its next request as soon as the previous answer is complete."""
    selector = selectors.DefaultSelector()
    measure_from = start_at + warmup
    stop_at = measure_from + seconds
    latencies: list[float] = []
    errors = 0
    window_end = stop_at
    states = []
    for n in range(connections):
        sock = socket.create_connection(("127.0.0.1", port))
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        state = {"sock": sock, "next": n, "buf": bytearray(), "need": -1, "t0": 0.0}
        states.append(state)
    while time.time() < start_at:
        time.sleep(0.001)

    def send(state):
        data = requests[state["next"] % len(requests)]
        state["next"] += connections
        state["buf"].clear()
        state["need"] = -1
        state["t0"] = time.perf_counter()
        state["sock"].sendall(data)

    for state in states:
        send(state)
        selector.register(state["sock"], selectors.EVENT_READ, state)
    open_count = len(states)
    while open_count:
        for key, _ in selector.select(timeout=1.0):
            state = key.data
            chunk = state["sock"].recv(262144)
            if not chunk:
                raise RuntimeError("the server closed a keep-alive connection")
            buf = state["buf"]
            buf += chunk
            if state["need"] < 0:
                end = buf.find(b"\r\n\r\n")
                if end < 0:
                    continue
                status, length = _response_head(bytes(buf[:end]))
                state["need"] = end + 4 + length
                state["ok"] = status == 200
            if len(buf) < state["need"]:
                continue
            now = time.perf_counter()
            wall = time.time()
            # A starved machine may answer nothing within a short window: then the
            # window stays open until the first answer, so every row has a figure.
            open_window = wall < stop_at or not latencies
            if wall >= measure_from and open_window:
                latencies.append(now - state["t0"])
                errors += not state["ok"]
                window_end = max(window_end, wall)
            if open_window:
                send(state)
            else:
                selector.unregister(state["sock"])
                state["sock"].close()
                open_count -= 1
    results.put((latencies, errors, max(window_end, stop_at) - measure_from))


def python_load(port: int, work: Workload, connections: int, seconds: float, procs: int) -> dict:
    requests = [http_request(port, work.path, body) for body in work.bodies]
    procs = max(1, min(procs, connections))
    ctx = multiprocessing.get_context("fork")
    results = ctx.Queue()
    warmup = min(1.0, seconds / 4)
    start_at = time.time() + 0.3
    share = [connections // procs + (1 if i < connections % procs else 0) for i in range(procs)]
    children = [
        ctx.Process(
            target=_drive, args=(port, requests, n, start_at, warmup, seconds, results), daemon=True
        )
        for n in share
    ]
    for child in children:
        child.start()
    latencies: list[float] = []
    errors = 0
    elapsed = seconds
    for _ in children:
        got, failed, window = results.get(timeout=seconds + warmup + 60)
        latencies += got
        errors += failed
        elapsed = max(elapsed, window)
    for child in children:
        child.join()
    latencies.sort()
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50_ms": _percentile(latencies, 50) * 1000,
        "p99_ms": _percentile(latencies, 99) * 1000,
        "errors": errors,
    }


def _percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


# --- load: wrk ------------------------------------------------------------------------------

_WRK_SCRIPT = """
local bodies = {%(bodies)s}
local requests = {}
local i = 0
init = function(args)
  for n, body in ipairs(bodies) do
    requests[n] = wrk.format("POST", "%(path)s", {
      ["User-Agent"] = "Zeep/4.3.3 (www.python-zeep.org)",
      ["Accept-Encoding"] = "gzip, deflate",
      ["Accept"] = "*/*",
      ["SOAPAction"] = '"http://soap.amazon.com"',
      ["Content-Type"] = "text/xml; charset=utf-8",
    }, body)
  end
  i = math.random(#requests) - 1
end
request = function()
  i = i %% #requests + 1
  return requests[i]
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %%d, "duration_us": %%d, "errors": %%d, "p50_us": %%d, "p99_us": %%d}\\n',
    summary.requests, summary.duration,
    e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
"""


def wrk_load(port: int, work: Workload, connections: int, seconds: float, folder: Path) -> dict:
    bodies = ",\n".join(f"[==[{b.decode('utf-8')}]==]" for b in work.bodies)
    script = folder / "bench.lua"
    script.write_text(_WRK_SCRIPT % {"bodies": bodies, "path": work.path}, encoding="utf-8")
    threads = max(1, min(2, connections))

    def run(duration: int) -> str:
        done = subprocess.run(
            [
                "wrk",
                f"-t{threads}",
                f"-c{connections}",
                f"-d{duration}s",
                "--timeout",
                "30s",
                "-s",
                str(script),
                f"http://127.0.0.1:{port}{work.path}",
            ],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise RuntimeError(f"wrk failed: {done.stderr or done.stdout}")
        return done.stdout

    run(1)  # warm-up, not counted
    out = run(max(1, round(seconds)))  # wrk counts whole seconds
    line = next(row for row in out.splitlines() if row.startswith("WRKJSON "))
    data = json.loads(line[len("WRKJSON ") :])
    elapsed = data["duration_us"] / 1e6
    return {
        "requests": data["requests"],
        "rps": data["requests"] / elapsed if elapsed else float("nan"),
        "p50_ms": data["p50_us"] / 1000,
        "p99_ms": data["p99_us"] / 1000,
        "errors": data["errors"],
    }


# --- the run -------------------------------------------------------------------------------


@dataclass
class Row:
    server: str
    workload: str
    load: str
    response_bytes: int
    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    rss_mb: float = float("nan")  # the largest of the server's processes, after the row
    floor_rps: float = float("nan")  # the floor's req/s at this response size


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(
    server: str,
    db: str,
    threads: int,
    gunicorn_workers: int,
    cpu: int | None = None,
    auth: str = "verify",
) -> tuple[subprocess.Popen, int]:
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "serve",
        "--server",
        server,
        "--db",
        db,
        "--threads",
        str(threads),
        "--gunicorn-workers",
        str(gunicorn_workers),
        "--auth",
        auth,
        "--port",
        str(_free_port() if server == "gunicorn" else 0),
    ] + (["--cpu", str(cpu)] if cpu is not None else [])
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    line = child.stdout.readline()
    if not line.startswith("PORT "):
        child.kill()
        raise RuntimeError(f"the {server} server did not start")
    port = int(line.split()[1])
    deadline = time.time() + 30
    while True:  # gunicorn prints before its workers listen
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            status, _ = post(port, f"{STATIC_PREFIX}1", b"x")
            if status == 200:
                return child, port
        except OSError:
            pass
        if time.time() > deadline or child.poll() is not None:
            child.kill()
            raise RuntimeError(f"the {server} server did not answer")
        time.sleep(0.1)


def stop_server(child: subprocess.Popen) -> None:
    child.send_signal(signal.SIGTERM)
    try:
        child.wait(timeout=15)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


def bench_server(server: str, args: argparse.Namespace, load: str, log) -> list[Row]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="soap-mturk-bench-") as folder:
        db = str(Path(folder) / "bench.sqlite3")
        log(f"[{server}] starting the emulator on a fresh database in {folder}")
        child, port = start_server(
            server, db, args.threads, args.gunicorn_workers, args.server_cpu, args.auth
        )
        try:
            type_id, workers = seed(port, args.workers)
            log(f"[{server}] seeded {type_id} with {len(workers)} workers on port {port}")
            for work in workloads(port, type_id, workers):
                log(
                    f"[{server}] {work.name}: {args.connections} connections, {args.seconds:g}s ({load})"
                )
                if load == "wrk":
                    figures = wrk_load(port, work, args.connections, args.seconds, Path(folder))
                else:
                    figures = python_load(
                        port, work, args.connections, args.seconds, args.load_procs
                    )
                rows.append(Row(server, work.name, load, work.response_size, **figures))
        finally:
            stop_server(child)
    return rows


def ratios(rows: list[Row]) -> dict[str, dict[str, float]]:
    by = {(r.server, r.workload): r.rps for r in rows}
    out = {}
    for server in dict.fromkeys(r.server for r in rows):

        def ratio(op, static, server=server):
            floor = by.get((server, static))
            return by[(server, op)] / floor if floor else float("nan")

        out[server] = {
            "reads/static": ratio("GetQualificationScore", "static (read size)"),
            "writes/static": ratio("UpdateQualificationScore", "static (write size)"),
        }
    return out


def table(rows: list[Row]) -> str:
    lines = [
        f"{'server':<11} {'workload':<25} {'bytes':>6} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6}"
    ]
    for r in rows:
        lines.append(
            f"{r.server:<11} {r.workload:<25} {r.response_bytes:>6} {r.rps:>9.1f} "
            f"{r.p50_ms:>8.2f} {r.p99_ms:>8.2f} {r.errors:>6}"
        )
    for server, values in ratios(rows).items():
        lines.append(
            f"{server}: reads/static = {values['reads/static']:.3f}, "
            f"writes/static = {values['writes/static']:.3f}"
        )
    return "\n".join(lines)


def _pick_load(args: argparse.Namespace) -> str:
    load = args.load
    if load == "auto":  # wrk only counts whole seconds
        load = "wrk" if shutil.which("wrk") and args.seconds >= 1 else "python"
    elif load == "wrk" and not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk), use --load python")
    return load


def run_scale(args: argparse.Namespace, load: str, log) -> list[Row]:
    """The floor and the emulator as shipped, on each store and size (bench/scale.py)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from scale import emulator_rows, max_rss_mb

    def run_load(port: int, work: Workload, folder: Path) -> dict:
        if load == "wrk":
            return wrk_load(port, work, args.connections, args.seconds, folder)
        return python_load(port, work, args.connections, args.seconds, args.load_procs)

    rows, bodies_at = emulator_rows(args, load, log, run_load, sys.modules[__name__])
    floor_label = f"floor gunicorn x{args.server_workers}"
    floor_rows = []
    # The floor is measured `--floor-rounds` times, each on a fresh gunicorn, and the
    # ratios use the highest: a shared machine's passing stall lowers one measurement
    # of the floor (seen: 1972 against 4653-5673 req/s in the same hour), which
    # would flatter every ratio of its run.
    with tempfile.TemporaryDirectory(prefix="soap-mturk-bench-") as folder:
        for round_ in range(1, args.floor_rounds + 1):
            label = floor_label + (f" ({round_})" if args.floor_rounds > 1 else "")
            log(f"[{label}] a static app, one gunicorn worker process per core")
            child, port = start_server(
                "gunicorn", "floor", 4 * args.server_workers, args.server_workers
            )
            try:
                for size, bodies in sorted(bodies_at.items()):
                    work = Workload(
                        f"static ({size} bytes)", f"{STATIC_PREFIX}{size}", bodies, size
                    )
                    log(f"[{label}] {work.name}: {args.connections} connections ({load})")
                    row = Row(label, work.name, load, size, **run_load(port, work, Path(folder)))
                    row.rss_mb = max_rss_mb(child.pid)
                    floor_rows.append(row)
            finally:
                stop_server(child)
    floor_at: dict[int, float] = {}
    for row in floor_rows:
        floor_at[row.response_bytes] = max(floor_at.get(row.response_bytes, 0.0), row.rps)
    for row in floor_rows + rows:
        row.floor_rps = floor_at.get(row.response_bytes, float("nan"))
    return floor_rows + rows


def scale_table(rows: list[Row]) -> str:
    lines = [
        f"{'server':<26} {'workload':<25} {'bytes':>5} {'req/s':>8} {'p50 ms':>7} "
        f"{'p99 ms':>7} {'errors':>6} {'x floor':>7} {'RSS MB':>6}"
    ]
    for r in rows:
        lines.append(
            f"{r.server:<26} {r.workload:<25} {r.response_bytes:>5} {r.rps:>8.1f} "
            f"{r.p50_ms:>7.2f} {r.p99_ms:>7.2f} {r.errors:>6} {r.rps / r.floor_rps:>7.3f} "
            f"{r.rss_mb:>6.1f}"
        )
    return "\n".join(lines)


def _run(args: argparse.Namespace) -> int:
    if not args.server:
        load = _pick_load(args)
        log = lambda text: print(text, file=sys.stderr, flush=True)  # noqa: E731
        log(f"load generator: {load}; {os.cpu_count()} CPUs")
        rows = run_scale(args, load, log)
        print(scale_table(rows), flush=True)
        if args.json:
            Path(args.json).write_text(
                json.dumps({"rows": [asdict(r) for r in rows]}, indent=2), encoding="utf-8"
            )
        return 0
    servers = [s.strip() for s in args.server.split(",") if s.strip()]
    for s in servers:
        if s not in SERVERS:
            raise SystemExit(f"unknown server {s!r}; choose from {', '.join(SERVERS)}")
    load = _pick_load(args)
    log = lambda text: print(text, file=sys.stderr, flush=True)  # noqa: E731
    log(f"load generator: {load}; {os.cpu_count()} CPUs")
    rows = []
    for server in servers:
        rows += bench_server(server, args, load, log)
    print(table(rows), flush=True)
    if args.json:
        Path(args.json).write_text(
            json.dumps({"rows": [asdict(r) for r in rows], "ratios": ratios(rows)}, indent=2),
            encoding="utf-8",
        )
    return 0


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    top.add_argument(
        "--seconds", type=float, default=5.0, help="measured seconds per row (default 5)"
    )
    top.add_argument(
        "--connections", type=int, default=8, help="concurrent keep-alive connections (default 8)"
    )
    top.add_argument(
        "--server",
        default="",
        help=f"compare WSGI servers instead (the application in one process): comma-separated, "
        f"from {', '.join(SERVERS)}",
    )
    top.add_argument(
        "--server-workers",
        type=int,
        default=_cores(),
        help=f"soap-mturk serve --workers, and the floor's gunicorn workers (default: the cores, {_cores()})",
    )
    top.add_argument(
        "--floor-rounds",
        type=int,
        default=2,
        help="times the floor is measured, on a fresh gunicorn each; ratios use the"
        " highest (default 2)",
    )
    top.add_argument(
        "--stores",
        default="sqlite,postgresql",
        help="stores to measure the emulator on (default sqlite,postgresql)",
    )
    top.add_argument(
        "--rows", type=int, default=100, help="qualifications stored, small row (default 100)"
    )
    top.add_argument(
        "--large",
        type=int,
        default=1_000_000,
        help="qualifications stored, large row (default 1000000; 0: no large row)",
    )
    top.add_argument(
        "--postgres-url",
        help="a PostgreSQL database to use (default: start one from the Debian packages, fsync on)",
    )
    top.add_argument(
        "--load",
        choices=("auto", "wrk", "python"),
        default="auto",
        help="load generator (default: wrk if installed, else python)",
    )
    top.add_argument("--load-procs", type=int, default=2, help="python load processes (default 2)")
    top.add_argument(
        "--threads",
        type=int,
        default=DEFAULT_THREADS,
        help=f"server worker threads (default {DEFAULT_THREADS}, as soap-mturk serve)",
    )
    top.add_argument(
        "--gunicorn-workers",
        type=int,
        default=2,
        help="gunicorn worker processes; threads are split among them (default 2)",
    )
    top.add_argument(
        "--workers", type=int, default=100, help="seeded workers to cycle over (default 100)"
    )
    top.add_argument(
        "--server-cpu",
        type=int,
        metavar="N",
        help="pin the server process to CPU N (Linux; default: not pinned)",
    )
    top.add_argument(
        "--auth",
        choices=("verify", "off"),
        default="verify",
        help="check signatures, as `soap-mturk serve` does by default (default verify)",
    )
    top.add_argument("--json", help="also write the rows and ratios to this JSON file")
    return top


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["serve"]:
        serve = argparse.ArgumentParser(prog="bench.py serve")
        serve.add_argument("--server", choices=SERVERS, required=True)
        serve.add_argument("--db", required=True)
        serve.add_argument("--port", type=int, default=0)
        serve.add_argument("--threads", type=int, default=DEFAULT_THREADS)
        serve.add_argument("--gunicorn-workers", type=int, default=2)
        serve.add_argument("--cpu", type=int)
        serve.add_argument("--auth", choices=("verify", "off"), default="verify")
        return _serve(serve.parse_args(argv[1:]))
    return _run(parser().parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
