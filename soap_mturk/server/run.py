"""Serving the emulator with cheroot until SIGINT or SIGTERM.

cheroot, not waitress, by measurement (bench/README.md): its connection manager
parks idle keep-alive connections in a selector, so idle clients cost no thread,
and it runs in a thread of the test process, which the pytest plugin needs.

Many HTTP threads read requests, so clients that stall mid-request hold only their
own thread; one application slot runs them. Python runs one thread at a time and
SQLite one writer: more threads in the application only hand the GIL to each other
on every SQLite, lxml or socket call, which on two cores cost a third of the reads.
"""

from __future__ import annotations

import io
import logging
import signal
import socket
import sys
import threading
from dataclasses import dataclass

from cheroot.wsgi import Server

from soap_mturk.protocol.xmlguard import DEFAULT_MAX_BODY
from soap_mturk.server.app import EmulatorApp
from soap_mturk.versions import LATEST, VERSIONS

DEFAULT_THREADS = 16
log = logging.getLogger("soap_mturk.server")


class _Server(Server):
    """cheroot, logging through `logging` rather than writing to stderr."""

    version = "soap-mturk"
    # A socket already bound and listening (`serve --workers`: shared by every worker).
    given_socket: socket.socket | None = None

    def bind(self, family, type, proto=0):
        if self.given_socket is None:
            return super().bind(family, type, proto)
        self.socket = self.given_socket
        self.bind_addr = self.socket.getsockname()[:2]
        return self.socket

    def error_log(self, msg="", level=logging.INFO, traceback=False):
        log.log(level, "%s", msg, exc_info=traceback)


@dataclass
class Running:
    """A started server: its URLs, and how to stop it."""

    app: EmulatorApp
    host: str
    port: int
    _server: _Server

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


class _OneAtATime:
    """Runs the application for one request at a time, once that request's body
    has arrived: a client that stalls holds its own HTTP thread, never the slot."""

    def __init__(self, app, max_body: int):
        self.app = app
        self._slot = threading.Lock()
        self._max_body = max_body

    def __call__(self, environ, start_response):
        stream = environ["wsgi.input"]
        try:
            length = int(environ.get("CONTENT_LENGTH") or -1)
        except ValueError:
            length = -1
        if length > 0:
            # The server refuses longer bodies itself, so this is bounded.
            environ["wsgi.input"] = io.BytesIO(stream.read(length))
        elif "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
            environ["wsgi.input"] = io.BytesIO(stream.read(self._max_body + 1))
        with self._slot:
            return list(self.app(environ, start_response))


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
    return sock


def start(
    app: EmulatorApp,
    host: str = "127.0.0.1",
    port: int = 8080,
    threads: int = DEFAULT_THREADS,
    sock: socket.socket | None = None,
) -> Running:
    """Bind (port 0 picks a free port), or take `sock` already listening, without
    serving yet."""
    # Past twice our limit cheroot refuses a body by itself, with a plain 413, before
    # reading it; up to there the SOAP endpoint answers with a fault. (Any other WSGI
    # app gets our default limit.)
    max_body = getattr(getattr(app, "soap", None), "max_body", DEFAULT_MAX_BODY)
    address = sock.getsockname()[:2] if sock is not None else (host, port)
    server = _Server(address, _OneAtATime(app, 2 * max_body), numthreads=threads)
    server.given_socket = sock
    server.max_request_body_size = 2 * max_body
    # Idle keep-alive connections cost a selector entry, not a thread.
    server.keep_alive_conn_limit = 256
    # How long the selector waits between looks at the clock: stop() waits for one
    # such pause, and test suites start and stop many servers.
    server.expiration_interval = 0.05
    server.prepare()
    return Running(app, host, server.bind_addr[1], server)


def start_in_thread(app: EmulatorApp, host: str = "127.0.0.1", port: int = 0) -> Running:
    running = start(app, host, port)
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
