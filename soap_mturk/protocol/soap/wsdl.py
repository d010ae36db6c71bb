"""The WSDL of each version: spyne's document, renamed to the vendor's conventions
(port type, binding, service, port and message names, the single soapAction) so
that a client generated from it looks like one generated from the vendor's."""

from __future__ import annotations

from lxml import etree
from spyne.interface.wsdl import Wsdl11

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
    etree.cleanup_namespaces(root, keep_ns_prefixes=["tns", "xs"])
    comment = etree.Comment(
        f" soap-mturk: the Mechanical Turk Requester API {version.date}, "
        f"{len(version.operations)} qualification operations. Generated from soap_mturk.api.schema "
        "by `soap-mturk wsdl`; do not edit. "
    )
    root.addprevious(comment)
    return etree.tostring(
        root.getroottree(), pretty_print=True, xml_declaration=True, encoding="UTF-8"
    )


def with_address(wsdl: bytes, address: str) -> bytes:
    from xml.sax.saxutils import quoteattr

    return wsdl.replace(f'"{ADDRESS_PLACEHOLDER}"'.encode(), quoteattr(address).encode("utf-8"), 1)
