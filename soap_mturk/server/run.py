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
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

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


def start(
    app: EmulatorApp, host: str = "127.0.0.1", port: int = 8080, threads: int = DEFAULT_THREADS
) -> Running:
    """Bind (port 0 picks a free port) without serving yet."""
    # Past twice our limit cheroot refuses a body by itself, with a plain 413, before
    # reading it; up to there the SOAP endpoint answers with a fault. (Any other WSGI
    # app gets our default limit.)
    max_body = getattr(getattr(app, "soap", None), "max_body", DEFAULT_MAX_BODY)
    server = _Server((host, port), _OneAtATime(app, 2 * max_body), numthreads=threads)
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


def serve(running: Running, out=sys.stdout) -> None:
    """Print where we listen, serve, and stop cleanly on SIGINT or SIGTERM."""

    def stop(signum, _frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    print(f"soap-mturk listening on {running.base_url}", file=out)
    print(f"  SOAP endpoint: {running.soap_url}", file=out)
    print(f"  REST endpoint: {running.soap_url}&Operation=... (GET, or POST a form)", file=out)
    for v in VERSIONS:
        print(f"  WSDL {v.date}: {running.wsdl_url(v.date)}", file=out)
    print(
        f"  dashboard: {running.base_url}/_emulator/ (control API there too; loopback clients)",
        file=out,
    )
    print(f"  database: {running.app.store.path}", file=out)
    authenticator = running.app.authenticator
    print(
        f"  auth: {getattr(authenticator, 'description', type(authenticator).__name__)}", file=out
    )
    for requester in running.app.requesters.all():
        named = f" ({requester.name})" if requester.name else ""
        print(f"  requester: {requester.access_key}{named}", file=out)
        if requester.development:
            # The one secret ever shown: made up here, so the user has no other way to learn it.
            print(f"    secret key: {requester.secret_key}", file=out)
    print("Press Ctrl+C to stop.", file=out, flush=True)
    try:
        running.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        running.stop()
        running.app.store.close()
        print("soap-mturk stopped.", file=out, flush=True)
