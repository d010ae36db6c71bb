"""Structural comparison of two WSDL documents' message elements.

Two schemas can say the same thing in different ways: the vendor writes
`<xs:element ref="tns:Errors"/>` and anonymous complex types, spyne writes
`<xs:element name="Errors" type="tns:Errors"/>` and named ones. What a client
generated from either sees is the same, and that is what is compared here: for an
element, its name, minOccurs, maxOccurs and nillable, and its content; for content,
a builtin XML Schema type by name, a simple type by its base and enumeration
values, a complex type by its attributes and, in order, its child elements,
recursively. Generators name classes after types and elements, so the way each
thing is declared is compared too: a type named (and by which name) or anonymous,
an element local or a `ref=` to a global one. Constructs this helper does not understand (choice, all, extensions)
are reported as differences rather than skipped, so that nothing passes unread.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

XS = "http://www.w3.org/2001/XMLSchema"
WSDL = "http://schemas.xmlsoap.org/wsdl/"
WSDL_SOAP = "http://schemas.xmlsoap.org/wsdl/soap/"
_XS, _W, _S = f"{{{XS}}}", f"{{{WSDL}}}", f"{{{WSDL_SOAP}}}"


@dataclass(frozen=True)
class Content:
    """What an element holds, its source definition resolved."""

    kind: str  # "builtin", "simple" or "complex"
    builtin: str | None = None  # builtin: the xs type's local name; simple: its base
    values: tuple[str, ...] = ()  # simple: enumeration values, in document order
    node: etree._Element | None = None  # complex: the xs:complexType
    definition: str | None = None  # the named global element or type it came from
    type_name: str | None = None  # the named type it is; None: anonymous (or builtin)


@dataclass(frozen=True)
class Particle:
    name: str
    min: int
    max: int | None  # None: unbounded
    nillable: bool
    content: Content
    ref: bool = False  # declared as ref= to a global element

    @property
    def occurs(self) -> str:
        return f"{self.min}..{'unbounded' if self.max is None else self.max}"


class Wsdl:
    """One WSDL document with its inline schema indexed by name."""

    def __init__(self, source: bytes | str | Path):
        data = source if isinstance(source, bytes) else Path(source).read_bytes()
        self.root = etree.fromstring(data)
        self.target_namespace = self.root.get("targetNamespace")
        self.schemas = self.root.findall(f"{_W}types/{_XS}schema")
        self.elements: dict[str, etree._Element] = {}
        self.complex_types: dict[str, etree._Element] = {}
        self.simple_types: dict[str, etree._Element] = {}
        for schema in self.schemas:
            for node in schema:
                if node.tag == _XS + "element":
                    self.elements[node.get("name")] = node
                elif node.tag == _XS + "complexType":
                    self.complex_types[node.get("name")] = node
                elif node.tag == _XS + "simpleType":
                    self.simple_types[node.get("name")] = node

    # --- the WSDL layer --------------------------------------------------------

    def _local(self, node: etree._Element, attribute: str) -> str:
        """The local name of a QName-valued attribute, checked to be in the tns."""
        qname = etree.QName(_resolve_qname(node, node.get(attribute)))
        assert qname.namespace == self.target_namespace, (attribute, qname)
        return qname.localname

    def operations(self) -> dict[str, tuple[str, str]]:
        """operation name -> (request element, response element), followed from the
        binding through the port type and messages to their parts."""
        messages = {m.get("name"): m.find(f"{_W}part") for m in self.root.iterfind(f"{_W}message")}
        found = {}
        for binding in self.root.iterfind(f"{_W}binding"):
            port_type_name = self._local(binding, "type")
            port_type = next(
                p for p in self.root.iterfind(f"{_W}portType") if p.get("name") == port_type_name
            )
            for op in port_type.iterfind(f"{_W}operation"):
                parts = [
                    messages[self._local(op.find(_W + io), "message")] for io in ("input", "output")
                ]
                found[op.get("name")] = tuple(self._local(p, "element") for p in parts)
        return found

    def binding_operations(self) -> dict[str, dict[str, str | None]]:
        """operation name -> its SOAP binding facts."""
        facts = {}
        for binding in self.root.iterfind(f"{_W}binding"):
            soap_binding = binding.find(_S + "binding")
            for op in binding.iterfind(f"{_W}operation"):
                soap_op = op.find(_S + "operation")
                bodies = [op.find(f"{_W}{io}/{_S}body") for io in ("input", "output")]
                facts[op.get("name")] = {
                    "style": soap_op.get("style") or soap_binding.get("style"),
                    "transport": soap_binding.get("transport"),
                    "soapAction": soap_op.get("soapAction"),
                    "input use": None if bodies[0] is None else bodies[0].get("use"),
                    "output use": None if bodies[1] is None else bodies[1].get("use"),
                }
        return facts

    def address(self) -> str:
        return self.root.find(f"{_W}service/{_W}port/{_S}address").get("location")

    # --- the schema layer ------------------------------------------------------

    def global_element(self, name: str) -> Particle:
        node = self.elements[name]
        return Particle(name, 1, 1, _nillable(node), self._content_of(node, name))

    def particle(self, node: etree._Element) -> Particle:
        """A local xs:element, its ref= followed to the global element it names."""
        if node.get("ref"):
            target_name = self._local(node, "ref")
            target = self.elements[target_name]
            name, definition, content_node = target_name, target_name, target
        else:
            name, definition, content_node = node.get("name"), None, node
        return Particle(
            name,
            int(node.get("minOccurs", "1")),
            None if node.get("maxOccurs") == "unbounded" else int(node.get("maxOccurs", "1")),
            _nillable(content_node),
            self._content_of(content_node, definition),
            ref=bool(node.get("ref")),
        )

    def _content_of(self, node: etree._Element, definition: str | None) -> Content:
        if node.get("type"):
            qname = etree.QName(_resolve_qname(node, node.get("type")))
            if qname.namespace == XS:
                return Content("builtin", builtin=qname.localname)
            return self._named_type(qname.localname)
        inline = node.find(_XS + "complexType")
        if inline is not None:
            return Content("complex", node=inline, definition=definition)
        inline = node.find(_XS + "simpleType")
        if inline is not None:
            return self._simple(inline, definition)
        return Content("builtin", builtin="anyType")

    def _named_type(self, name: str) -> Content:
        if name in self.complex_types:
            return Content(
                "complex", node=self.complex_types[name], definition=name, type_name=name
            )
        simple = self._simple(self.simple_types[name], name)
        return Content(simple.kind, simple.builtin, simple.values, None, name, type_name=name)

    def _simple(self, node: etree._Element, definition: str | None) -> Content:
        restriction = node.find(_XS + "restriction")
        if restriction is None:
            return Content("simple", builtin="<not a restriction>", definition=definition)
        base = etree.QName(_resolve_qname(restriction, restriction.get("base"))).localname
        values = tuple(e.get("value") for e in restriction.iterfind(_XS + "enumeration"))
        return Content("simple", builtin=base, values=values, definition=definition)

    def children(self, content: Content) -> tuple[list[Particle], list[str]]:
        """The child elements of a complex type, and what in it was not understood."""
        particles, unknown = [], []
        for node in content.node:
            if not isinstance(node.tag, str) or node.tag in (_XS + "attribute", _XS + "annotation"):
                continue
            if node.tag != _XS + "sequence":
                unknown.append(etree.QName(node).localname)
                continue
            for child in node:
                if not isinstance(child.tag, str) or child.tag == _XS + "annotation":
                    continue
                if child.tag == _XS + "element":
                    particles.append(self.particle(child))
                else:
                    unknown.append(etree.QName(child).localname)
        return particles, unknown

    def attributes(self, content: Content) -> list[tuple[str, str, str]]:
        return [
            (
                a.get("name"),
                etree.QName(_resolve_qname(a, a.get("type", "xs:anySimpleType"))).localname,
                a.get("use", "optional"),
            )
            for a in content.node.iterfind(_XS + "attribute")
        ]


def _resolve_qname(node: etree._Element, value: str) -> str:
    prefix, _, local = value.rpartition(":")
    return f"{{{node.nsmap.get(prefix or None)}}}{local}"


def _named(type_name: str | None) -> str:
    return "anonymous" if type_name is None else f"named {type_name!r}"


def _nillable(node: etree._Element) -> bool:
    return node.get("nillable", "false") == "true"


def compare_elements(
    ours: Wsdl,
    our_element: str,
    vendor: Wsdl,
    vendor_element: str | None = None,
    supersets: Collection[str] = (),
) -> list[str]:
    """The differences between a global element of ours and the vendor's, as
    readable lines; empty when they match.

    `supersets` names vendor definitions (global elements or types) whose child
    list is allowed to hold more than ours: there, the vendor's children are first
    filtered to the names we declare, and the rest must then match in order,
    occurs and content. Everything we declare must still exist in the vendor's.
    """
    differences: list[str] = []
    compared: set[tuple[str, str]] = set()

    def particle(a: Particle, b: Particle, path: str) -> None:
        if a.name != b.name:
            differences.append(f"{path}: element named {a.name!r}, vendor {b.name!r}")
        if a.occurs != b.occurs:
            differences.append(f"{path}: occurs {a.occurs}, vendor {b.occurs}")
        if a.nillable != b.nillable:
            differences.append(f"{path}: nillable {a.nillable}, vendor {b.nillable}")
        if a.ref != b.ref:
            how = {True: "a ref to a global element", False: "a local element"}
            differences.append(f"{path}: declared as {how[a.ref]}, vendor {how[b.ref]}")
        content(a.content, b.content, path)

    def content(a: Content, b: Content, path: str) -> None:
        if a.kind != b.kind:
            differences.append(f"{path}: a {a.kind} type, vendor a {b.kind} type")
            return
        if a.kind != "builtin" and a.type_name != b.type_name:
            differences.append(f"{path}: type {_named(a.type_name)}, vendor {_named(b.type_name)}")
        if a.kind in ("builtin", "simple"):
            if a.builtin != b.builtin:
                differences.append(f"{path}: type xs:{a.builtin}, vendor xs:{b.builtin}")
            if a.values != b.values:
                differences.append(f"{path}: enumeration {list(a.values)}, vendor {list(b.values)}")
            return
        if a.definition and b.definition:
            key = (a.definition, b.definition)
            if key in compared:  # named types are compared once (and recursion ends)
                return
            compared.add(key)
        if ours.attributes(a) != vendor.attributes(b):
            differences.append(
                f"{path}: attributes {ours.attributes(a)}, vendor {vendor.attributes(b)}"
            )
        our_children, our_unknown = ours.children(a)
        vendor_children, vendor_unknown = vendor.children(b)
        for side, unknown in (("ours", our_unknown), ("vendor", vendor_unknown)):
            if unknown:
                differences.append(f"{path}: {side} uses {unknown}, which is not compared")
        if b.definition in supersets:
            declared = {p.name for p in our_children}
            vendor_children = [p for p in vendor_children if p.name in declared]
        our_names = [p.name for p in our_children]
        vendor_names = [p.name for p in vendor_children]
        if our_names != vendor_names:
            differences.append(f"{path}: children {our_names}, vendor {vendor_names}")
        by_name = {p.name: p for p in vendor_children}
        for child in our_children:
            if child.name in by_name:
                particle(child, by_name[child.name], f"{path}/{child.name}")

    particle(
        ours.global_element(our_element),
        vendor.global_element(vendor_element or our_element),
        our_element,
    )
    return differences
