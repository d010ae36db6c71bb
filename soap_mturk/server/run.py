"""Serving the emulator with waitress until SIGINT or SIGTERM."""

from __future__ import annotations

import logging
import signal
import sys
import threading
from dataclasses import dataclass

from waitress.server import create_server

from soap_mturk.protocol.xmlguard import DEFAULT_MAX_BODY
from soap_mturk.server.app import EmulatorApp
from soap_mturk.versions import LATEST, VERSIONS


@dataclass
class Running:
    """A started server: its URLs, and how to stop it."""

    app: EmulatorApp
    host: str
    port: int
    _server: object
    _stopped: bool = False

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
        try:
            self._server.run()
        except OSError:
            # stop() from another thread closes the sockets under the running select().
            if not self._stopped:
                raise

    def stop(self) -> None:
        self._stopped = True
        self._server.close()


def start(app: EmulatorApp, host: str = "127.0.0.1", port: int = 8080, threads: int = 8) -> Running:
    """Bind (port 0 picks a free port) without serving yet."""
    # waitress warns "Task queue depth is N" for every request that waits for a free
    # thread: under any real load (8 clients on 8 threads) that floods the console.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    # waitress reads a whole body (to a temporary file, up to 1 GB by default)
    # before the application sees it. Past twice our limit it refuses on its own,
    # with a plain 413, so that no client can fill the disk; up to there the SOAP
    # endpoint answers with a fault. (Any other WSGI app gets our default limit.)
    max_body = getattr(getattr(app, "soap", None), "max_body", DEFAULT_MAX_BODY)
    server = create_server(
        app,
        host=host,
        port=port,
        threads=threads,
        ident="soap-mturk",
        max_request_body_size=2 * max_body,
    )
    return Running(app, host, server.effective_port, server)


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
