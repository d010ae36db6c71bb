"""The SOAP endpoint: refuses what must not be parsed, finds the version and the
operation, authenticates the call, reads the message with the version's codec,
runs the batch and writes the answer.

spyne declares the operations and produces the WSDL (service.py, wsdl.py); it
never reads a request. A message the codec cannot read exactly is refused with a
Client fault that says why: legacy clients send plain document/literal messages,
which the codec reads in full, and the few things it refuses (SOAP-encoding
references, an xsi:type that contradicts the WSDL, a SOAP Header that must be
understood) would have been refused or misread by the service too.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from lxml import etree

from soap_mturk.api.batch import MAX_BATCH, answer_call
from soap_mturk.api.operations import OPERATIONS
from soap_mturk.auth import Authenticator, Claims
from soap_mturk.domain import MTurkError
from soap_mturk.domain.service import Domain
from soap_mturk.protocol.codec import Malformed, VersionCodec
from soap_mturk.protocol.soap.faults import CONTENT_TYPE, SOAP11_ENV, SOAP12_ENV, fault_document
from soap_mturk.protocol.xmlguard import (
    BodyTooLarge,
    IncompleteBody,
    RefusedXml,
    parse_untrusted,
    read_body,
)
from soap_mturk.versions import VERSIONS

StartResponse = Callable[..., object]

log = logging.getLogger(__name__)

_ENVELOPE = etree.QName(SOAP11_ENV, "Envelope").text
_BODY = etree.QName(SOAP11_ENV, "Body").text
_HEADER = etree.QName(SOAP11_ENV, "Header").text
_MUST_UNDERSTAND = etree.QName(SOAP11_ENV, "mustUnderstand").text


class SoapFault(Exception):
    def __init__(self, code: str, message: str, status: str = "500 Internal Server Error"):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


def _child_text(element: etree._Element, namespace: str, name: str) -> str | None:
    child = element.find(f"{{{namespace}}}{name}")
    return child.text if child is not None else None


def _check_header(root: etree._Element) -> None:
    """Header entries carry nothing this service reads; SOAP 1.1 (section 4.2.3)
    says one marked mustUnderstand must then fault, the others are ignored."""
    header = root.find(_HEADER)
    if header is None:
        return
    for entry in header:
        if isinstance(entry.tag, str) and entry.get(_MUST_UNDERSTAND, "").strip() == "1":
            raise SoapFault(
                "MustUnderstand",
                f"The header entry {etree.QName(entry).localname} is not understood.",
            )


class SoapEndpoint:
    def __init__(
        self,
        domain: Domain,
        authenticator: Authenticator,
        max_body: int,
    ):
        self.domain = domain
        self.authenticator = authenticator
        self.max_body = max_body
        self.codecs = {v.namespace: VersionCodec(v) for v in VERSIONS}

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
        _check_header(root)
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
            codec = self.codecs.get(qname.namespace)
            if codec is None:
                known = ", ".join(v.namespace for v in VERSIONS)
                raise SoapFault(
                    "Client",
                    f"Unknown namespace {qname.namespace!r} for {qname.localname}; "
                    f"this service speaks {known}.",
                )
            if qname.localname not in codec.version.operations:
                raise SoapFault(
                    "Client", f"Unknown operation {qname.localname!r} in {qname.namespace}."
                )
            body = self._answer(codec, qname.localname, element)
        except BodyTooLarge as error:
            return self._fault(
                start_response, SoapFault("Client", str(error), "413 Request Entity Too Large")
            )
        except IncompleteBody as error:
            return self._fault(start_response, SoapFault("Client", str(error), "400 Bad Request"))
        except SoapFault as fault:
            return self._fault(start_response, fault)
        except Exception:
            log.exception("a SOAP call failed unexpectedly")
            failure = SoapFault(
                "Server", "The service could not process this request; the failure was logged."
            )
            return self._fault(start_response, failure)
        start_response(
            "200 OK", [("Content-Type", CONTENT_TYPE), ("Content-Length", str(len(body)))]
        )
        return [body]

    def _answer(self, codec: VersionCodec, operation: str, element: etree._Element) -> bytes:
        ns = codec.version.namespace
        claims = Claims(
            operation=operation,
            access_key=_child_text(element, ns, "AWSAccessKeyId"),
            timestamp=_child_text(element, ns, "Timestamp"),
            signature=_child_text(element, ns, "Signature"),
        )
        try:
            caller: str | MTurkError = self.authenticator.authenticate(claims)
        except MTurkError as error:
            # A refused call is answered from its claims alone: what else it carries
            # is never read, so a malformed request gets the authentication error.
            caller, requests = error, []
        else:
            try:
                message = codec.read_message(element, operation)
            except Malformed as error:
                raise SoapFault("Client", str(error)) from None
            requests = message.get("Request", [])
            if len(requests) > MAX_BATCH:
                raise SoapFault(
                    "Client",
                    f"A call holds at most {MAX_BATCH} Request elements, not {len(requests)}.",
                )
        op = OPERATIONS[operation]
        data = answer_call(op, self.domain, caller, requests, codec.version)
        return self.document(codec, op, data)

    @staticmethod
    def document(codec: VersionCodec, op, data: dict) -> bytes:
        ns = codec.version.namespace
        envelope = etree.Element(
            f"{{{SOAP11_ENV}}}Envelope", nsmap={"soap11env": SOAP11_ENV, "tns": ns}
        )
        body = etree.SubElement(envelope, f"{{{SOAP11_ENV}}}Body")
        codec.soap_writer.element(body, f"{op.name}Response", codec.response_fields(op), data)
        return etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")

    @staticmethod
    def _fault(start_response: StartResponse, fault: SoapFault, exc_info=None) -> list[bytes]:
        body = fault_document(fault.code, fault.message)
        start_response(
            fault.status,
            [("Content-Type", CONTENT_TYPE), ("Content-Length", str(len(body)))],
            exc_info,
        )
        return [body]
