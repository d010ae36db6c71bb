"""The WSDL of each version: spyne's document, reshaped to the vendor's conventions
so that a client generated from it looks like one generated from the vendor's:

- names: port type, binding, service, port and message names, the single soapAction;
- anonymity: spyne names every complex type and declares a global element for each;
  the vendor declares its message wrappers and envelope structures as global
  elements with anonymous types, nests `Error`, `Header` and `Argument` anonymously
  inside their lists, and refers to the structures with `ref=`. Generators name
  classes after what they find (Axis 1.4: `GetQualificationScore`, `ErrorsError`),
  so the shape is rewritten here, the only place spyne's output is transformed.
"""

from __future__ import annotations

import copy

from lxml import etree
from spyne.interface.wsdl import Wsdl11

from soap_mturk.api.schema import ANONYMOUS_ENUMS
from soap_mturk.auth import SERVICE
from soap_mturk.protocol.soap.service import build_application
from soap_mturk.versions import ApiVersion

WSDL = "http://schemas.xmlsoap.org/wsdl/"
WSDL_SOAP = "http://schemas.xmlsoap.org/wsdl/soap/"
SOAP_ACTION = "http://soap.amazon.com"
SOAP_HTTP = "http://schemas.xmlsoap.org/soap/http"
ADDRESS_PLACEHOLDER = "http://soap-mturk.invalid/?Service=AWSMechanicalTurkRequester"
SHIPPED_ADDRESS = "http://localhost:8080/?Service=AWSMechanicalTurkRequester"

_W = f"{{{WSDL}}}"
_S = f"{{{WSDL_SOAP}}}"


def _rename(root: etree._Element, version: ApiVersion) -> None:
    tns = version.namespace
    port_type, binding = SERVICE + "PortType", SERVICE + "Binding"
    for message in root.iter(_W + "message"):
        name = message.get("name")
        message.set(
            "name",
            name[: -len("Response")] + "ResponseMsg"
            if name.endswith("Response")
            else name + "RequestMsg",
        )
        for part in message.iter(_W + "part"):
            part.set("name", "body")
    for node in root.iter(_W + "input", _W + "output"):
        ref = node.get("message")
        if ref:
            local = ref.split(":", 1)[1]
            suffix = "ResponseMsg" if node.tag == _W + "output" else "RequestMsg"
            base = local[: -len("Response")] if local.endswith("Response") else local
            node.set("message", f"tns:{base}{suffix}")
    for node in root.iter(_W + "portType"):
        node.set("name", port_type)
    for node in root.iter(_W + "binding"):
        node.set("name", binding)
        node.set("type", "tns:" + port_type)
    for node in root.iter(_W + "operation"):
        node.attrib.pop("parameterOrder", None)
    for node in root.iter(_S + "binding"):
        # spyne names the transport of the server it is mounted in; none is, here.
        node.set("transport", SOAP_HTTP)
    for node in root.iter(_S + "operation"):
        node.set("soapAction", SOAP_ACTION)
    for service in root.iter(_W + "service"):
        service.set("name", SERVICE)
        for port in service.iter(_W + "port"):
            port.set("name", SERVICE + "Port")
            port.set("binding", "tns:" + binding)
    assert tns == root.get("targetNamespace")


# The vendor's global elements with anonymous types that other elements refer to
# with ref= (vendor WSDL 2014-08-15, lines 2178-2290, "Help and related structures":
# OperationRequest, Request, Errors, HTTPHeaders, Arguments).
_ANONYMOUS_STRUCTURES = ("OperationRequest", "Request", "Errors", "HTTPHeaders", "Arguments")
# The same for Help's structures, in the versions that have Help.
_HELP_STRUCTURES = ("OperationInformation", "ResponseGroupInformation", "Information")
# Lists the vendor declares inline wherever they occur (OperationInformation's
# RequiredParameters, AvailableParameters, ...; ResponseGroupInformation's lists).
_INLINE_LISTS = ("Parameters", "ResponseGroups", "Operations", "Elements")
# Types the vendor declares inline in the one element that holds them (Errors/Error,
# HTTPHeaders/Header, Arguments/Argument): no global element, no name of their own.
_NESTED = ("Error", "Header", "Argument")
_XS = "{http://www.w3.org/2001/XMLSchema}"


def _anonymize(root: etree._Element) -> None:
    schema = root.find(f"{_W}types/{_XS}schema")
    types = {t.get("name"): t for t in schema.iterfind(_XS + "complexType")}
    globals_ = {e.get("name"): e for e in schema.iterfind(_XS + "element")}

    def type_name(element: etree._Element) -> str | None:
        value = element.get("type") or ""
        return value.split(":", 1)[1] if value.startswith("tns:") else None

    def inline(element: etree._Element, name: str | None) -> None:
        """Give the element the content of the named type, as an anonymous type."""
        assert name is not None  # callers pass elements whose type is one of ours (tns:)
        anonymous = etree.SubElement(element, _XS + "complexType")
        anonymous[:] = [copy.deepcopy(child) for child in types[name]]
        for attribute, value in types[name].attrib.items():
            if attribute != "name":
                anonymous.set(attribute, value)
        del element.attrib["type"]

    wrappers = {
        part.get("element").split(":", 1)[1] for part in root.iter(_W + "part")
    }  # the operations' request and response elements
    for name in (*_NESTED, *_ANONYMOUS_STRUCTURES):
        assert name in types, f"spyne no longer declares {name}"
    # Nested first, so that the structures which hold them take them inline.
    for name in _NESTED:
        schema.remove(globals_.pop(name))
        (holder,) = [e for e in schema.iter(_XS + "element") if type_name(e) == name]
        inline(holder, name)
        schema.remove(types.pop(name))
    simple_types = {t.get("name"): t for t in schema.iterfind(_XS + "simpleType")}
    for name in ANONYMOUS_ENUMS & set(simple_types):
        for holder in [e for e in schema.iter(_XS + "element") if type_name(e) == name]:
            del holder.attrib["type"]
            holder.append(copy.deepcopy(simple_types[name]))
            del holder[-1].attrib["name"]
        schema.remove(simple_types[name])
    for name in _INLINE_LISTS:
        if name not in types:
            continue
        schema.remove(globals_.pop(name))
        for holder in [e for e in schema.iter(_XS + "element") if type_name(e) == name]:
            inline(holder, name)
        schema.remove(types.pop(name))
    structures = _ANONYMOUS_STRUCTURES + tuple(n for n in _HELP_STRUCTURES if n in types)
    for name in structures:
        type_ = type_name(globals_[name])
        for local in schema.iter(_XS + "element"):
            if local is not globals_[name] and type_name(local) == type_:
                assert local.get("name") == name, (local.get("name"), name)
                occurs = {k: v for k, v in local.attrib.items() if k not in ("name", "type")}
                local.attrib.clear()
                local.attrib.update({"ref": "tns:" + name, **occurs})  # the vendor's order
        inline(globals_[name], type_)
        schema.remove(types.pop(type_))
    for name, element in list(globals_.items()):
        if name in wrappers:
            type_ = type_name(element)
            inline(element, type_)
            schema.remove(types.pop(type_))
        elif name not in structures:
            schema.remove(element)  # spyne's element for a type; the vendor has none
    # The vendor lists the global elements after the types; keep spyne's order otherwise.
    for element in [e for e in schema if e.tag == _XS + "element"]:
        schema.append(element)


_BUILT: dict[str, bytes] = {}


def build_wsdl(version: ApiVersion) -> bytes:
    """The WSDL with ADDRESS_PLACEHOLDER as its address, built once per version. Needs
    no store: the application is only described, never called."""
    if version.date not in _BUILT:
        _BUILT[version.date] = _build_wsdl(version)
    return _BUILT[version.date]


def _build_wsdl(version: ApiVersion) -> bytes:
    app = build_application(version)
    document = Wsdl11(app.interface)
    document.build_interface_document(ADDRESS_PLACEHOLDER)
    root = etree.fromstring(document.get_interface_document())
    _rename(root, version)
    _anonymize(root)
    etree.cleanup_namespaces(root, keep_ns_prefixes=["tns", "xs"])
    comment = etree.Comment(
        f" soap-mturk: the Mechanical Turk Requester API {version.date}, "
        f"{len(version.operations)} operations. Generated from soap_mturk.api.schema "
        "by `soap-mturk wsdl`; do not edit. "
    )
    root.addprevious(comment)
    return etree.tostring(
        root.getroottree(), pretty_print=True, xml_declaration=True, encoding="UTF-8"
    )


def with_address(wsdl: bytes, address: str) -> bytes:
    from xml.sax.saxutils import quoteattr

    return wsdl.replace(f'"{ADDRESS_PLACEHOLDER}"'.encode(), quoteattr(address).encode("utf-8"), 1)
