"""One spyne Application per API version, its operations generated from the
operation table. Each operation body is the same: take the caller the endpoint
authenticated, run the batch through the api layer, and return the results."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from lxml import etree
from spyne import Application, DateTime, ServiceBase, rpc
from spyne.error import Fault, ValidationError
from spyne.model.complex import ComplexModelBase, XmlAttribute
from spyne.protocol.soap import Soap11
from spyne.server.wsgi import WsgiApplication

from soap_mturk.api.batch import error_fields, run_batch
from soap_mturk.api.operations import OPERATIONS, Operation
from soap_mturk.auth import SERVICE
from soap_mturk.domain import MTurkError, QualificationService
from soap_mturk.protocol.soap.faults import SOAP11_ENV
from soap_mturk.protocol.soap.models import VersionModels, format_time, from_plain, to_plain
from soap_mturk.versions import ApiVersion

# Set by the endpoint on the WSGI environ: the caller's id, or the MTurkError that
# refused the call as a whole.
CALLER_KEY = "soap_mturk.caller"

# spyne logs every client fault with a traceback; the client already gets the
# fault, and our own failures are logged by the api layer.
logging.getLogger("spyne").setLevel(logging.CRITICAL)


_XS_BOOLEANS = {"true": True, "1": True, "false": False, "0": False}


class InvalidValue(ValidationError):
    """A value that is not of its element's type, named for the client."""

    def __init__(self, element: str, text: object, type_name: str):
        super().__init__(None, f"The value {text!r} of {element} is not a valid xs:{type_name}.")


class VendorSoap11(Soap11):
    """SOAP 1.1 writing times as the vendor did (UTC, milliseconds, trailing Z).

    Reading is strict where spyne is lenient without schema validation (which we
    leave off: a missing parameter inside a Request is the vendor's
    AWS.MissingParameters in that result, not a fault): an element the message type
    does not declare, stray text between elements, or a value not of its element's
    type is a Client fault that names it.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Soap11.__init__ installs its own isoformat() writer for DateTime, which
        # an override of _datetime_to_unicode never reaches.
        self._to_unicode_handlers[DateTime] = lambda cls, value, **_: format_time(value)

    def boolean_from_bytes(self, cls, string):
        # spyne reads anything but true/1 as False, so "maybe" would mean no.
        if string is None:
            return None
        try:
            return _XS_BOOLEANS[string.strip()]
        except KeyError:
            raise ValueError(string) from None

    def from_element(self, ctx, cls, element):
        if issubclass(cls, ComplexModelBase):
            return super().from_element(ctx, cls, element)
        try:
            return super().from_element(ctx, cls, element)
        except Fault as fault:
            if not fault.faultcode.startswith("Client.ValidationError"):
                raise
            raise _invalid(cls, element) from None
        except (ValueError, TypeError, AttributeError):
            # spyne's own parsers raise these for some malformed values.
            raise _invalid(cls, element) from None

    def complex_from_element(self, ctx, cls, element):
        declared = cls.get_flat_type_info(cls)
        owner = _path(element)
        _refuse_text(owner, element.text)
        for child in element:
            if not isinstance(child.tag, str):  # comments, processing instructions
                continue
            name = etree.QName(child).localname
            member = declared.get(name)
            if member is None or issubclass(member, XmlAttribute):
                raise Fault("Client.ValidationError", f"{owner} has no element {name!r}.")
            _refuse_text(owner, child.tail)
        return super().complex_from_element(ctx, cls, element)


def _path(element: etree._Element) -> str:
    """Where the element is in the message, e.g. GetQualificationScore/Request."""
    names = [etree.QName(element).localname]
    for ancestor in element.iterancestors():
        if etree.QName(ancestor).namespace == SOAP11_ENV:
            break
        names.append(etree.QName(ancestor).localname)
    return "/".join(reversed(names))


def _invalid(cls, element: etree._Element) -> InvalidValue:
    return InvalidValue(_path(element), element.text, cls.get_type_name())


def _refuse_text(owner: str, text: str | None) -> None:
    if text and text.strip():
        raise Fault(
            "Client.ValidationError",
            f"{owner} holds the text {text.strip()[:40]!r}; it holds elements only.",
        )


def answer(
    op: Operation,
    domain: QualificationService,
    caller: str | MTurkError | None,
    requests: Callable[[], list[dict]],
    version: ApiVersion,
) -> dict:
    """An operation's response as plain data: the call's RequestId, then a result for
    each request, or only the error that refused the call as a whole. Shared by the
    spyne operations and the endpoint's fast path (fastpath.py)."""
    request_id = str(uuid.uuid4())
    if isinstance(caller, MTurkError) or caller is None:
        error = caller or MTurkError("AWS.NotAuthorized", "The call was not authenticated.")
        return {"OperationRequest": {"RequestId": request_id, "Errors": error_fields(error)}}
    results = run_batch(op, domain, caller, requests(), version)
    return {"OperationRequest": {"RequestId": request_id}, op.result_element: results}


def _operation_method(
    op: Operation, models: VersionModels, domain: QualificationService, version: ApiVersion
):
    response_cls = models.response(op)
    ns = models.namespace

    def method(ctx, message):
        caller = ctx.transport.req_env.get(CALLER_KEY)
        requests = lambda: to_plain(message.Request or [])  # noqa: E731
        return from_plain(response_cls, answer(op, domain, caller, requests, version))

    method.__name__ = op.name
    return rpc(
        models.message(op),
        _returns=response_cls,
        _body_style="bare",
        _in_message_name=f"{{{ns}}}{op.name}",
        _out_message_name=f"{{{ns}}}{op.name}Response",
    )(method)


def build_application(version: ApiVersion, domain: QualificationService) -> Application:
    models = VersionModels(version.namespace, version.types)
    methods = {
        name: _operation_method(op, models, domain, version)
        for name, op in OPERATIONS.items()
        if version.has(name)
    }
    service = type(SERVICE, (ServiceBase,), methods)
    return Application(
        [service],
        tns=version.namespace,
        name=SERVICE,
        # Our messages are not polymorphic: an xsi:type could only swap in a
        # class the operation never expects.
        in_protocol=VendorSoap11(validator=None, parse_xsi_type=False),
        out_protocol=VendorSoap11(),
    )


def build_wsgi(version: ApiVersion, domain: QualificationService) -> WsgiApplication:
    return WsgiApplication(build_application(version, domain))
