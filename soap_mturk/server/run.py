"""Serving the emulator with cheroot until SIGINT or SIGTERM.

cheroot, not waitress, by measurement (bench/README.md): its connection manager
parks idle keep-alive connections in a selector, so a few worker threads serve
many clients. Fewer threads contending for the GIL gave a third more SOAP reads
and half the tail latency of waitress's eight. It runs in a thread of the test
process too, which the pytest plugin needs.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
from dataclasses import dataclass

from cheroot.wsgi import Server

from soap_mturk.protocol.xmlguard import DEFAULT_MAX_BODY
from soap_mturk.server.app import EmulatorApp
from soap_mturk.versions import LATEST, VERSIONS

DEFAULT_THREADS = 2
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


def start(
    app: EmulatorApp, host: str = "127.0.0.1", port: int = 8080, threads: int = DEFAULT_THREADS
) -> Running:
    """Bind (port 0 picks a free port) without serving yet."""
    server = _Server((host, port), app, numthreads=threads)
    # Past twice our limit cheroot refuses a body by itself, with a plain 413, before
    # reading it; up to there the SOAP endpoint answers with a fault. (Any other WSGI
    # app gets our default limit.)
    max_body = getattr(getattr(app, "soap", None), "max_body", DEFAULT_MAX_BODY)
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
    print(f"  dashboard: {running.base_url}/_emulator/ (control API there too; loopback clients)", file=out)
    print(f"  database: {running.app.store.path}", file=out)
    authenticator = running.app.authenticator
    print(f"  auth: {getattr(authenticator, 'description', type(authenticator).__name__)}", file=out)
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
