"""Serving the emulator until SIGINT or SIGTERM.

An asyncio front (server/http.py) reads every connection and hands complete
requests to one application thread, by measurement (bench/README.md): clients that
are slow, silent or hostile cost a buffer and a timer, never the application's time,
and the application runs without GIL hand-offs between threads (Python runs one
thread at a time and SQLite one writer). It runs in a thread of the test process,
which the pytest plugin needs, and serves a socket it is given, so several
processes may one day share one listening socket.
"""

from __future__ import annotations

import logging
import signal
import socket
import sys
import threading
from dataclasses import dataclass

from soap_mturk.protocol.xmlguard import DEFAULT_MAX_BODY
from soap_mturk.server.app import EmulatorApp
from soap_mturk.server.http import HttpFront, Limits
from soap_mturk.versions import LATEST, VERSIONS

# Threads running the application: one, see above.
DEFAULT_THREADS = 1
log = logging.getLogger("soap_mturk.server")


@dataclass
class Running:
    """A started server: its URLs, and how to stop it."""

    app: EmulatorApp
    host: str
    port: int
    _server: HttpFront

    @property
    def base_url(self) -> str:
        return base_url_of(self.host, self.port)

    @property
    def soap_url(self) -> str:
        return self.base_url + "/?Service=AWSMechanicalTurkRequester"

    def wsdl_url(self, date: str = LATEST.date) -> str:
        return f"{self.base_url}/AWSMechanicalTurk/{date}/AWSMechanicalTurkRequester.wsdl"

    def serve_forever(self) -> None:
        self._server.serve()

    def stop(self) -> None:
        self._server.stop()
        self.app.close()


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket bound and listening (port 0 picks a free port), to be served by
    one process or shared by several (`serve --workers`)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Accepted connections inherit it: small answers leave at once instead of
        # waiting out the client's delayed ACK (40 ms a request on Linux).
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((host, port))
        sock.listen(1024)
    except OSError:
        sock.close()
        raise
    sock.setblocking(False)
    return sock


def start(
    app: EmulatorApp,
    host: str = "127.0.0.1",
    port: int = 8080,
    threads: int = DEFAULT_THREADS,
    limits: Limits | None = None,
    sock: socket.socket | None = None,
) -> Running:
    """Bind (port 0 picks a free port), or take `sock` already listening (shared
    by `serve --workers`), without serving yet."""
    if limits is None:
        # Up to twice the application's limit the body is read and the endpoint
        # answers with its own error (a SOAP fault, an MTurk error); past that the
        # front refuses it with a plain 413 before reading it.
        max_body = getattr(getattr(app, "soap", None), "max_body", DEFAULT_MAX_BODY)
        limits = Limits(max_body=2 * max_body)
    if sock is None:
        sock = listening_socket(host, port)
    front = HttpFront(app, sock, limits, app_threads=threads)
    return Running(app, host, sock.getsockname()[1], front)


def start_in_thread(
    app: EmulatorApp, host: str = "127.0.0.1", port: int = 0, limits: Limits | None = None
) -> Running:
    running = start(app, host, port, limits=limits)
    threading.Thread(target=running.serve_forever, name="soap-mturk", daemon=True).start()
    return running


def base_url_of(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def banner(app: EmulatorApp, base_url: str, out=sys.stdout, workers: int = 1) -> None:
    """Where we listen, what we serve, and with which requesters."""
    soap_url = base_url + "/?Service=AWSMechanicalTurkRequester"
    print(f"soap-mturk listening on {base_url}", file=out)
    print(f"  SOAP endpoint: {soap_url}", file=out)
    print(f"  REST endpoint: {soap_url}&Operation=... (GET, or POST a form)", file=out)
    for v in VERSIONS:
        print(
            f"  WSDL {v.date}: {base_url}/AWSMechanicalTurk/{v.date}/AWSMechanicalTurkRequester.wsdl",
            file=out,
        )
    print(f"  dashboard: {base_url}/_emulator/ (control API there too; loopback clients)", file=out)
    print(f"  database: {app.store.path}", file=out)
    if workers > 1:
        print(f"  workers: {workers} processes", file=out)
    authenticator = app.authenticator
    print(
        f"  auth: {getattr(authenticator, 'description', type(authenticator).__name__)}", file=out
    )
    for requester in app.requesters.all():
        named = f" ({requester.name})" if requester.name else ""
        print(f"  requester: {requester.access_key}{named}", file=out)
        if requester.development:
            # The one secret ever shown: made up here, so the user has no other way to learn it.
            print(f"    secret key: {requester.secret_key}", file=out)


def serve(running: Running, out=sys.stdout) -> None:
    """Print where we listen, serve, and stop cleanly on SIGINT or SIGTERM."""

    def stop(signum, _frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    banner(running.app, running.base_url, out)
    print("Press Ctrl+C to stop.", file=out, flush=True)
    try:
        running.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        running.stop()
        running.app.store.close()
        print("soap-mturk stopped.", file=out, flush=True)
