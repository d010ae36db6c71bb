"""Reading and writing messages as XML elements, driven by the message tables of
the request's API version (`ApiVersion.types`, built on api/schema.py).

The reader takes a document/literal message as legacy SOAP clients send it and
gives plain data: dicts keyed by element names, holding only the fields present,
lists for repeated fields, values parsed by the primitives table. It judges every
element: one the type does not declare, text between elements, a second copy of
a single field, a value outside its type, or a SOAP-encoding reference (`href`)
is refused with a message that names the place. What it tolerates, and why:
comments and processing instructions; `xsi:type` naming the declared type (Perl
SOAP::Lite writes one on every element); `xsi:nil="true"` as an absent value; any
other attribute, unread (attributes carry no data in these messages).

The writer writes plain data in the tables' order, in a namespace (SOAP) or in
none (REST answers are plain elements, as every captured REST answer shows).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lxml import etree

from soap_mturk.api.batch import Unreadable
from soap_mturk.api.schema import ENUMS, Field
from soap_mturk.api.schema import PRIMITIVES as XS_TYPES
from soap_mturk.protocol.codec.primitives import PRIMITIVES, BadValue, as_mturk_error

XSI = "http://www.w3.org/2001/XMLSchema-instance"
XSD = "http://www.w3.org/2001/XMLSchema"
_XSI_TYPE, _XSI_NIL = f"{{{XSI}}}type", f"{{{XSI}}}nil"
_REFERENCES = ("href", "ref")


class Malformed(ValueError):
    """The message does not follow its WSDL; the text says where and how."""


class InvalidField(Malformed):
    """A value outside its type's lexical space or range."""

    def __init__(self, path: str, bad: BadValue):
        what = "is out of range for" if bad.out_of_range else "is not a valid"
        super().__init__(f"The value {bad.text[:40]!r} of {path} {what} xs:{bad.type_name}.")
        self.path, self.bad = path, bad


def _name(tag: str, namespace: str) -> str:
    """An element's name for a message: local, or in Clark notation when it is in
    another namespace than the operation's (the likeliest mistake)."""
    qname = etree.QName(tag)
    return qname.localname if qname.namespace == namespace else tag


class MessageReader:
    def __init__(self, types: Mapping[str, list[Field]], namespace: str):
        self._types = types
        self._namespace = namespace
        self._prefix = f"{{{namespace}}}"
        self._tags: dict[int, tuple[list[Field], dict[str, Field]]] = {}

    def _by_tag(self, fields: list[Field]) -> dict[str, Field]:
        # The tables are long-lived lists; each one's lookup is built once (and
        # the entry holds the list, so its id cannot be reused).
        entry = self._tags.get(id(fields))
        if entry is None:
            entry = self._tags[id(fields)] = (fields, {self._prefix + f.name: f for f in fields})
        return entry[1]

    def read(self, element: etree._Element, fields: list[Field], path: str) -> dict[str, Any]:
        self._attributes(element, None, path)
        if element.text and element.text.strip():
            raise Malformed(
                f"{path} holds the text {element.text.strip()[:40]!r}; it holds elements only."
            )
        by_tag = self._by_tag(fields)
        values: dict[str, Any] = {}
        for child in element:
            if not isinstance(child.tag, str):  # comments, processing instructions
                continue
            field = by_tag.get(child.tag)
            if field is None:
                raise Malformed(f"{path} has no element {_name(child.tag, self._namespace)!r}.")
            if child.tail and child.tail.strip():
                raise Malformed(
                    f"{path} holds the text {child.tail.strip()[:40]!r}; it holds elements only."
                )
            where = f"{path}/{field.name}"
            value = self._value(child, field, where)
            if field.repeated:
                if value is not None:
                    values.setdefault(field.name, []).append(value)
            elif field.name in values:
                raise Malformed(f"{path} holds {field.name} more than once.")
            elif value is not None:
                values[field.name] = value
        return values

    def _value(self, element: etree._Element, field: Field, path: str) -> Any:
        if self._attributes(element, field.type, path):
            return None  # xsi:nil
        complex_fields = self._types.get(field.type)
        if complex_fields is not None and field.name == "Request":
            # A number out of its range fails that request alone, with the vendor's
            # AWS.ParameterOutOfRange, as over REST; the batch's others still run.
            try:
                return self.read(element, complex_fields, path)
            except InvalidField as error:
                if not error.bad.out_of_range:
                    raise
                return Unreadable(as_mturk_error(error.path, error.bad))
        if complex_fields is not None:
            return self.read(element, complex_fields, path)
        if len(element):
            if any(isinstance(c.tag, str) for c in element):
                raise Malformed(f"{path} holds elements; it holds a value of type {field.type}.")
            text = "".join(element.itertext())  # around comments
        else:
            text = element.text or ""
        try:
            return PRIMITIVES[field.type].parse(text)
        except BadValue as bad:
            raise InvalidField(path, bad) from None

    def _attributes(self, element: etree._Element, type_name: str | None, path: str) -> bool:
        """Judges the element's attributes; True when it is xsi:nil."""
        if not element.attrib:
            return False
        for name in _REFERENCES:
            if name in element.attrib:
                raise Malformed(
                    f"{path} uses a SOAP-encoding reference ({name}); these messages are "
                    "document/literal and carry their values inline."
                )
        declared = element.get(_XSI_TYPE)
        if declared is not None and type_name is not None:
            prefix, _, local = declared.strip().rpartition(":")
            namespace = element.nsmap.get(prefix or None)
            allowed = (
                {(XSD, type_name)} if type_name in XS_TYPES else {(self._namespace, type_name)}
            )
            if type_name in ENUMS:  # an enumeration restricts xs:string
                allowed.add((XSD, "string"))
            if (namespace, local) not in allowed:
                raise Malformed(
                    f"{path} is declared xsi:type {declared!r}; its type is {type_name}."
                )
        return element.get(_XSI_NIL, "").strip() in ("true", "1")


class MessageWriter:
    def __init__(self, types: Mapping[str, list[Field]], namespace: str | None):
        self._types = types
        self._prefix = f"{{{namespace}}}" if namespace else ""
        self._plans: dict[int, tuple[list[Field], list[tuple]]] = {}

    def _plan(self, fields: list[Field]) -> list[tuple]:
        """(name, tag, repeated, attribute, nested fields, format) per field, built
        once per table."""
        entry = self._plans.get(id(fields))
        if entry is None:
            plan = [
                (
                    f.name,
                    self._prefix + f.name,
                    f.repeated,
                    f.attribute,
                    self._types.get(f.type),
                    None if f.type in self._types else PRIMITIVES[f.type].format,
                )
                for f in fields
            ]
            entry = self._plans[id(fields)] = (fields, plan)
        return entry[1]

    def element(
        self, parent: etree._Element | None, name: str, fields: list[Field], data, nsmap=None
    ):
        tag = self._prefix + name
        node = etree.Element(tag, nsmap=nsmap) if parent is None else etree.SubElement(parent, tag)
        self.fields(node, fields, data)
        return node

    def fields(self, parent: etree._Element, fields: list[Field], data: Mapping[str, Any]) -> None:
        for name, tag, repeated, attribute, nested, format_ in self._plan(fields):
            value = data.get(name)
            if value is None:
                continue
            if attribute:
                parent.set(name, format_(value))
                continue
            for item in value if repeated else (value,):
                if item is None:
                    continue
                child = etree.SubElement(parent, tag)
                if nested is not None:
                    self.fields(child, nested, item)
                else:
                    child.text = format_(item)
