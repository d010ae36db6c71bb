"""The SOAP endpoint's fast path: reads a plain, well-formed call from the tree the
endpoint has already parsed and writes the response with lxml, without spyne's
per-request machinery (its second parse, contexts, model instances and generic
serialiser cost more than half of a read).

spyne stays the reference. The fast path only takes a message it reads exactly as
spyne would: every element known, in the operation's namespace, without
attributes, comments or stray text, each value in a canonical form (integers in
range, `true`/`false`, listed enumeration values, valid timestamps), UTF-8. For
anything else it declines, before any operation runs, and spyne answers or faults
as always. Both paths build the response from the same plain data
(`service.answer`) and the same schema tables; tests/test_soap_fastpath.py holds
them to the same bytes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from lxml import etree
from spyne import DateTime

from soap_mturk.api.operations import OPERATIONS
from soap_mturk.api.schema import (
    BOOLEAN,
    DATETIME,
    ENUMS,
    INT,
    LONG,
    STRING,
    Field,
    message_fields,
    response_fields,
)
from soap_mturk.domain import MTurkError, QualificationService
from soap_mturk.protocol.soap.faults import SOAP11_ENV
from soap_mturk.protocol.soap.service import answer
from soap_mturk.versions import ApiVersion

_ENV_PREFIX = "soap11env"  # spyne's prefixes, so both paths write the same bytes
_TNS_PREFIX = "tns"
_INTEGER = re.compile(r"-?(?:0|[1-9][0-9]{0,18})\Z")
_TIMESTAMP = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,6})?(?:Z|[+-][0-9]{2}:[0-9]{2})?\Z"
)
_RANGES = {INT: (-(2**31), 2**31 - 1), LONG: (-(2**63), 2**63 - 1)}


class Decline(Exception):
    """The message is not one the fast path reads exactly as spyne would."""


def _utf8(name: str | None) -> bool:
    return name is not None and name.replace("_", "-").lower() in ("utf-8", "utf8")


class _Reader:
    """Plain values from request elements, as spyne's models would give them after
    `models.to_plain`: every field of the type present, None when absent, lists for
    repeated fields."""

    def __init__(self, namespace: str, types: Mapping[str, list[Field]]):
        self._types = types
        self._prefix = f"{{{namespace}}}"

    def fields(self, element: etree._Element, fields: list[Field]) -> dict[str, Any]:
        if element.attrib or (element.text and element.text.strip()):
            raise Decline
        by_tag = {self._prefix + f.name: f for f in fields}
        values: dict[str, Any] = dict.fromkeys(f.name for f in fields)
        for child in element:
            field = by_tag.get(child.tag)  # comments and processing instructions miss too
            if field is None or (child.tail and child.tail.strip()):
                raise Decline
            value = self.value(child, field)
            if field.repeated:
                if values[field.name] is None:
                    values[field.name] = []
                values[field.name].append(value)
            elif values[field.name] is not None:
                raise Decline  # spyne keeps the last; not worth imitating
            else:
                values[field.name] = value
        return values

    def value(self, element: etree._Element, field: Field) -> Any:
        kind = field.type
        if kind in self._types:
            return self.fields(element, self._types[kind])
        text = element.text
        if text is None or len(element) or element.attrib:
            raise Decline
        if kind == STRING:
            return text
        if kind in ENUMS:
            if text not in ENUMS[kind]:
                raise Decline
            return text
        if kind in _RANGES:
            low, high = _RANGES[kind]
            if not _INTEGER.match(text) or not low <= int(text) <= high:
                raise Decline
            return int(text)
        if kind == BOOLEAN:
            if text not in ("true", "false"):
                raise Decline
            return text == "true"
        if kind == DATETIME:
            if not _TIMESTAMP.match(text):
                raise Decline
            try:
                return datetime.fromisoformat(text)
            except ValueError:
                raise Decline from None
        raise Decline


class _Writer:
    """The response document, element by element in schema order, as spyne writes it."""

    def __init__(self, namespace: str, types: Mapping[str, list[Field]], protocol):
        self._types = types
        self._prefix = f"{{{namespace}}}"
        self._nsmap = {_ENV_PREFIX: SOAP11_ENV, _TNS_PREFIX: namespace}
        self._protocol = protocol

    def document(self, root_name: str, fields: list[Field], data: Mapping[str, Any]) -> bytes:
        envelope = etree.Element(f"{{{SOAP11_ENV}}}Envelope", nsmap=self._nsmap)
        body = etree.SubElement(envelope, f"{{{SOAP11_ENV}}}Body")
        self.fields(etree.SubElement(body, self._prefix + root_name), fields, data)
        return etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")

    def fields(self, parent: etree._Element, fields: list[Field], data: Mapping[str, Any]) -> None:
        for field in fields:
            value = data.get(field.name)
            if value is None:
                continue
            if field.attribute:
                parent.set(field.name, self.text(field.type, value))
                continue
            for item in value if field.repeated else (value,):
                if item is None:
                    continue
                child = etree.SubElement(parent, self._prefix + field.name)
                if field.type in self._types:
                    self.fields(child, self._types[field.type], item)
                else:
                    child.text = self.text(field.type, item)

    def text(self, kind: str, value: Any) -> str:
        if kind == BOOLEAN:
            return "true" if value else "false"
        if kind == DATETIME:
            return self._protocol.to_unicode(DateTime, value)
        return value if isinstance(value, str) else str(value)


class FastPath:
    """One API version's fast path."""

    def __init__(self, version: ApiVersion, domain: QualificationService, out_protocol):
        types = version.types
        self.domain = domain
        self.version = version
        self._reader = _Reader(version.namespace, types)
        self._writer = _Writer(version.namespace, types, out_protocol)
        served = {name: op for name, op in OPERATIONS.items() if version.has(name)}
        self._messages = {name: message_fields(name) for name in served}
        self._responses = {
            name: response_fields(name, op.result_element, op.result_type)
            for name, op in served.items()
        }

    def read(self, environ: Mapping[str, Any], element: etree._Element) -> list[dict]:
        """The call's requests as plain data, or Decline."""
        charset = _charset(environ.get("CONTENT_TYPE"))
        if charset is not None and not _utf8(charset):
            raise Decline
        body = element.getparent()
        envelope = body.getparent()
        if envelope.attrib or body.attrib or not _utf8(envelope.getroottree().docinfo.encoding):
            raise Decline
        for part in envelope:
            if part is not body and isinstance(part.tag, str):
                raise Decline  # a SOAP Header, or anything else spyne would judge
        operation = etree.QName(element).localname
        message = self._reader.fields(element, self._messages[operation])
        return message["Request"] or []

    def respond(
        self, operation: str, requests: list[dict], caller: str | MTurkError | None
    ) -> bytes:
        op = OPERATIONS[operation]
        data = answer(op, self.domain, caller, lambda: requests, self.version)
        return self._writer.document(f"{operation}Response", self._responses[operation], data)


def _charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    for part in content_type.split(";")[1:]:
        name, _, value = part.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip('"')
    return None
