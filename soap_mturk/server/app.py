"""The emulator as one WSGI application: routes requests to the SOAP endpoint and
serves each version's WSDL with the address the client used."""

from __future__ import annotations

import re
from collections.abc import Iterable

from soap_mturk.api import context as request_context
from soap_mturk.auth import AccessKeyIdentity, Authenticator
from soap_mturk.auth.requesters import RequesterRegistry
from soap_mturk.control.access import ClientFilter, HostFilter
from soap_mturk.control.api import PREFIX as CONTROL_PREFIX
from soap_mturk.control.api import ControlApi
from soap_mturk.domain.service import Domain
from soap_mturk.protocol.rest import RestEndpoint, is_rest_request
from soap_mturk.protocol.soap.endpoint import SoapEndpoint, StartResponse
from soap_mturk.protocol.soap.faults import CONTENT_TYPE
from soap_mturk.protocol.soap.wsdl import build_wsdl, with_address
from soap_mturk.protocol.xmlguard import DEFAULT_MAX_BODY
from soap_mturk.server.deliverer import Deliverer
from soap_mturk.store import Store
from soap_mturk.versions import BY_DATE, LATEST, VERSIONS

SOAP_PATHS = ("/", "/onca/soap")
WSDL_PATH = re.compile(
    r"^/AWSMechanicalTurk/(?:(?P<version>[0-9]{4}-[0-9]{2}-[0-9]{2})/)?AWSMechanicalTurkRequester\.wsdl$"
)
_HOST = re.compile(r"^[A-Za-z0-9.\-]+(:[0-9]{1,5})?$|^\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$")


def _plain(start_response: StartResponse, status: str, text: str, extra=()) -> list[bytes]:
    body = text.encode("utf-8")
    start_response(
        status,
        [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body))), *extra],
    )
    return [body]


def base_url(environ: dict) -> str:
    """The scheme, host and port the client used to reach us."""
    host = environ.get("HTTP_HOST", "")
    if not _HOST.match(host):
        host = f"{environ.get('SERVER_NAME', 'localhost')}:{environ.get('SERVER_PORT', '80')}"
    return f"{environ.get('wsgi.url_scheme', 'http')}://{host}"


class EmulatorApp:
    def __init__(
        self,
        store: Store,
        authenticator: Authenticator | None = None,
        max_body: int = DEFAULT_MAX_BODY,
        requesters: RequesterRegistry | None = None,
        control_from: tuple = (),
        rest_default_version: str = LATEST.date,
        served_names: tuple[str, ...] = (),
    ):
        self.store = store
        self.requesters = requesters if requesters is not None else RequesterRegistry()
        # Requesters fixtures add are kept in the store: every worker process knows them.
        self.requesters.share_through(store)
        self.domain = Domain(store, starting_balance=self._starting_balance)
        # Notification messages leave from a thread of their own (server/deliverer.py).
        self.deliverer = Deliverer(store, self._secret_key)
        self.domain.notifications.wake = self.deliverer.wake
        if not getattr(store, "read_only", False):  # a read-only store queues nothing
            self.deliverer.start()
        self.authenticator = authenticator or AccessKeyIdentity()
        self.soap = SoapEndpoint(self.domain, self.authenticator, max_body)
        self.rest = RestEndpoint(
            self.domain, self.authenticator, max_body, BY_DATE[rest_default_version]
        )
        self.control = ControlApi(
            store,
            self.requesters,
            ClientFilter(control_from),
            max_body,
            HostFilter(served_names),
            self.domain,
        )

    def _secret_key(self, access_key: str) -> str | None:
        requester = self.requesters.get(access_key)
        return requester.secret_key if requester is not None else None

    def close(self) -> None:
        """Stop the work the application does in the background."""
        self.deliverer.stop()

    def _starting_balance(self, access_key: str):
        # Asked inside a write transaction. Only configured requesters carry one: a
        # fixture's balance was written to its account when the fixture loaded.
        requester = self.requesters.held(access_key)
        return requester.balance if requester is not None else None

    def wsdl(self, environ: dict, start_response: StartResponse, date: str) -> Iterable[bytes]:
        address = base_url(environ) + "/?Service=AWSMechanicalTurkRequester"
        body = with_address(build_wsdl(BY_DATE[date]), address)
        start_response(
            "200 OK", [("Content-Type", CONTENT_TYPE), ("Content-Length", str(len(body)))]
        )
        return [body]

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "/") or "/"
        query = environ.get("QUERY_STRING", "")
        request_context.BASE_URL.set(base_url(environ))
        if path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/"):
            return self.control(environ, start_response)
        if is_rest_request(environ):
            return self.rest(environ, start_response)

        if method in ("GET", "HEAD"):
            match = WSDL_PATH.match(path)
            if match:
                date = match.group("version") or LATEST.date
                if date not in BY_DATE:
                    served = ", ".join(BY_DATE)
                    return _plain(
                        start_response,
                        "404 Not Found",
                        f"No API version {date}; served: {served}.\n",
                    )
                return self.wsdl(environ, start_response, date)
            if path in SOAP_PATHS and query.lower() == "wsdl":
                return self.wsdl(environ, start_response, LATEST.date)
            if path == "/" and not query:
                return _plain(start_response, "200 OK", self.index(environ))
            return _plain(start_response, "404 Not Found", f"Nothing at {path}.\n")

        if method == "POST" and path in SOAP_PATHS:
            return self.soap(environ, start_response)
        return _plain(
            start_response,
            "405 Method Not Allowed",
            f"{method} {path} is not served.\n",
            [("Allow", "GET, HEAD, POST")],
        )

    def index(self, environ: dict) -> str:
        base = base_url(environ)
        lines = ["soap-mturk: legacy Mechanical Turk Requester API emulator", ""]
        lines.append(f"SOAP endpoint: {base}/?Service=AWSMechanicalTurkRequester (POST)")
        lines.append(
            f"REST endpoint: {base}/?Service=AWSMechanicalTurkRequester&Operation=... (GET, form POST)"
        )
        for v in VERSIONS:
            lines.append(
                f"WSDL {v.date}: {base}/AWSMechanicalTurk/{v.date}/AWSMechanicalTurkRequester.wsdl"
            )
        lines.append(f"Dashboard and control API (loopback only): {base}{CONTROL_PREFIX}/")
        return "\n".join(lines) + "\n"
