"""The XML documents a REST call is answered with, written by spyne from the same
models as the SOAP body, in the version's namespace as the default namespace (no
prefix: clients such as boto 2 read element names without namespaces, and look for
a literal `<Errors>`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from lxml import etree
from spyne.protocol.xml import XmlDocument

from soap_mturk.api.batch import error_fields
from soap_mturk.api.operations import Operation
from soap_mturk.domain import MTurkError
from soap_mturk.protocol.soap.models import VersionModels, format_time, from_plain

CONTENT_TYPE = "text/xml; charset=utf-8"
_XML_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,99}$")


class VendorXml(XmlDocument):
    """Times as the vendor wrote them, and as the SOAP responses write them."""

    def _datetime_to_unicode(self, cls, value: datetime, **_):
        return format_time(value)


_PROTOCOL = VendorXml()


def _serialise(
    models: VersionModels, cls, data: Mapping[str, Any], name: str, parent=None
) -> bytes:
    ns = models.namespace
    holder = etree.Element(f"{{{ns}}}holder", nsmap={None: ns}) if parent is None else parent
    _PROTOCOL.to_parent(None, cls, from_plain(cls, data), holder, ns, name)
    root = holder[0] if parent is None else parent
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def response_document(
    models: VersionModels, op: Operation, request_id: str, results: list
) -> bytes:
    data = {"OperationRequest": {"RequestId": request_id}, op.result_element: results}
    return _serialise(models, models.response(op), data, op.name + "Response")


def call_error_document(
    models: VersionModels, operation: str | None, request_id: str, error: MTurkError
) -> bytes:
    """A failure of the call as a whole: `OperationRequest/Errors` and no results.
    The root is named after the operation asked for, whether or not it exists."""
    name = (operation + "Response") if operation and _XML_NAME.match(operation) else "Response"
    root = etree.Element(f"{{{models.namespace}}}{name}", nsmap={None: models.namespace})
    data = {"RequestId": request_id, "Errors": error_fields(error)}
    return _serialise(models, models.complex("OperationRequest"), data, "OperationRequest", root)
