"""The XML documents a REST call is answered with, written by the codec from the
same tables as the SOAP body, as plain elements in no namespace: the service's
REST answers carried none (every file in ../shared/reference/captured-rest-responses/),
and clients read them so (rturk's `//Request/IsValid`, MTurkR's
`//QualificationTypeId`, boto 2's literal `<Errors>`)."""

from __future__ import annotations

import re

from soap_mturk.api.batch import error_fields
from soap_mturk.api.operations import Operation
from soap_mturk.api.schema import Field
from soap_mturk.domain import MTurkError
from soap_mturk.protocol.codec import VersionCodec

CONTENT_TYPE = "text/xml; charset=utf-8"
_XML_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,99}$")
_CALL_ERROR = [Field("OperationRequest", "OperationRequest")]


def response_document(codec: VersionCodec, op: Operation, data: dict) -> bytes:
    return codec.rest_document(op.name + "Response", codec.response_fields(op), data)


def call_error_document(
    codec: VersionCodec, operation: str | None, request_id: str, error: MTurkError
) -> bytes:
    """A failure of the call as a whole: `OperationRequest/Errors` and no results.
    The root is named after the operation asked for, whether or not it exists."""
    name = (operation + "Response") if operation and _XML_NAME.match(operation) else "Response"
    data = {"OperationRequest": {"RequestId": request_id, "Errors": error_fields(error)}}
    return codec.rest_document(name, _CALL_ERROR, data)
