"""The SOAP endpoint: refuses what must not be parsed, finds the version and the
operation, authenticates the call, and hands the message to that version's spyne
application."""

from __future__ import annotations

import io
import logging
import sys
import threading
from collections.abc import Callable, Iterable

from lxml import etree
from spyne.server.wsgi import WsgiApplication

from soap_mturk.api.operations import OPERATIONS
from soap_mturk.auth import Authenticator, Claims
from soap_mturk.domain import MTurkError, QualificationService
from soap_mturk.protocol.soap.fastpath import Decline, FastPath
from soap_mturk.protocol.soap.faults import CONTENT_TYPE, SOAP11_ENV, SOAP12_ENV, fault_document
from soap_mturk.protocol.soap.service import CALLER_KEY, build_wsgi
from soap_mturk.protocol.xmlguard import (
    BodyTooLarge,
    IncompleteBody,
    RefusedXml,
    parse_untrusted,
    read_body,
)
from soap_mturk.versions import BY_NAMESPACE, VERSIONS

StartResponse = Callable[..., object]

log = logging.getLogger(__name__)

_ENVELOPE = etree.QName(SOAP11_ENV, "Envelope").text
_BODY = etree.QName(SOAP11_ENV, "Body").text


class SoapFault(Exception):
    def __init__(self, code: str, message: str, status: str = "500 Internal Server Error"):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


def _child_text(element: etree._Element, namespace: str, name: str) -> str | None:
    child = element.find(f"{{{namespace}}}{name}")
    return child.text if child is not None else None


def _emptied(element: etree._Element) -> bytes:
    """The envelope with the operation element emptied. A refused call is answered
    from its claims alone: what else it carries is not read, so a malformed
    Timestamp or request gets the authentication error, not a parse fault."""
    for child in list(element):
        element.remove(child)
    element.text = None
    return etree.tostring(element.getroottree(), xml_declaration=True, encoding="UTF-8")


class SoapEndpoint:
    def __init__(
        self,
        domain: QualificationService,
        authenticator: Authenticator,
        max_body: int,
    ):
        self.authenticator = authenticator
        self.max_body = max_body
        self.domain = domain
        # Each version's spyne application and fast path, built when the version is
        # first called: ten versions cost a second to build, and most clients use one.
        self._apps: dict[str, WsgiApplication] = {}
        self._fast: dict[str, FastPath] = {}
        self._building = threading.Lock()

    def app_for(self, namespace: str) -> WsgiApplication:
        """The spyne application of the version with this namespace (which is served)."""
        with self._building:
            if namespace not in self._apps:
                app = build_wsgi(BY_NAMESPACE[namespace], self.domain)
                # Plain well-formed calls skip spyne's per-request work; see fastpath.py.
                self._fast[namespace] = FastPath(
                    BY_NAMESPACE[namespace], self.domain, app.app.out_protocol
                )
                self._apps[namespace] = app
            return self._apps[namespace]

    def _operation_element(self, data: bytes) -> etree._Element:
        try:
            root = parse_untrusted(data)
        except BodyTooLarge as error:
            raise SoapFault("Client", str(error), "413 Request Entity Too Large") from None
        except RefusedXml as error:
            raise SoapFault("Client", str(error)) from None
        if root.tag == f"{{{SOAP12_ENV}}}Envelope":
            raise SoapFault("VersionMismatch", "This service speaks SOAP 1.1 only.")
        if root.tag != _ENVELOPE:
            raise SoapFault("Client", f"Expected a SOAP 1.1 Envelope, not {root.tag}.")
        body = root.find(_BODY)
        entries = [] if body is None else [c for c in body if isinstance(c.tag, str)]
        if len(entries) != 1:
            raise SoapFault("Client", "The SOAP Body must hold exactly one operation element.")
        return entries[0]

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        try:
            data = read_body(environ, self.max_body)
            element = self._operation_element(data)
            qname = etree.QName(element)
            if qname.namespace not in BY_NAMESPACE:
                known = ", ".join(v.namespace for v in VERSIONS)
                raise SoapFault(
                    "Client",
                    f"Unknown namespace {qname.namespace!r} for {qname.localname}; "
                    f"this service speaks {known}.",
                )
            # An operation the version does not have is as unknown to it as any other.
            if qname.localname not in OPERATIONS or not BY_NAMESPACE[qname.namespace].has(
                qname.localname
            ):
                raise SoapFault(
                    "Client", f"Unknown operation {qname.localname!r} in {qname.namespace}."
                )
        except BodyTooLarge as error:
            return self._fault(
                start_response, SoapFault("Client", str(error), "413 Request Entity Too Large")
            )
        except IncompleteBody as error:
            return self._fault(start_response, SoapFault("Client", str(error), "400 Bad Request"))
        except SoapFault as fault:
            return self._fault(start_response, fault)

        ns = qname.namespace
        app = self.app_for(ns)
        claims = Claims(
            operation=qname.localname,
            access_key=_child_text(element, ns, "AWSAccessKeyId"),
            timestamp=_child_text(element, ns, "Timestamp"),
            signature=_child_text(element, ns, "Signature"),
        )
        try:
            caller = self.authenticator.authenticate(claims)
        except MTurkError as error:
            caller = error
        answered = self._fast_answer(ns, qname.localname, element, caller, environ, start_response)
        if answered is not None:
            return answered
        environ[CALLER_KEY] = caller
        if isinstance(caller, MTurkError):
            data = _emptied(element)
        environ["wsgi.input"] = io.BytesIO(data)
        environ["CONTENT_LENGTH"] = str(len(data))
        # spyne must read the bytes we vetted as we read them: decoded by their own
        # byte order mark or XML declaration (a UTF-16 document under a header that
        # says utf-8 made it fail), and whatever the client's Content-Type was.
        environ["CONTENT_TYPE"] = "text/xml"
        return self._guarded(app, environ, start_response)

    def _fast_answer(
        self, ns, operation, element, caller, environ, start_response
    ) -> list[bytes] | None:
        """The fast path's answer (fastpath.py), or None when it leaves the call to spyne."""
        fast = self._fast[ns]
        try:
            requests = fast.read(environ, element)
        except Decline:
            return None
        try:
            body = fast.respond(operation, requests, caller)
        except Exception:
            log.exception("a SOAP call failed unexpectedly")
            fault = SoapFault(
                "Server", "The service could not process this request; the failure was logged."
            )
            return self._fault(start_response, fault)
        start_response(
            "200 OK", [("Content-Type", CONTENT_TYPE), ("Content-Length", str(len(body)))]
        )
        return [body]

    def _guarded(self, app, environ: dict, start_response: StartResponse) -> list[bytes]:
        """spyne answers its own faults; anything else it lets escape becomes a
        Server fault that tells the client nothing of our insides."""
        started = False

        def recording_start_response(status, headers, exc_info=None):
            nonlocal started
            started = True
            return start_response(status, headers, exc_info)

        try:
            return [b"".join(app(environ, recording_start_response))]
        except Exception:
            log.exception("a SOAP call failed unexpectedly")
            fault = SoapFault(
                "Server", "The service could not process this request; the failure was logged."
            )
            return self._fault(start_response, fault, sys.exc_info() if started else None)

    @staticmethod
    def _fault(start_response: StartResponse, fault: SoapFault, exc_info=None) -> list[bytes]:
        body = fault_document(fault.code, fault.message)
        start_response(
            fault.status,
            [("Content-Type", CONTENT_TYPE), ("Content-Length", str(len(body)))],
            exc_info,
        )
        return [body]
