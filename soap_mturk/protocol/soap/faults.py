"""SOAP 1.1 faults for messages that never reach an operation."""

from __future__ import annotations

from lxml import etree

SOAP11_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12_ENV = "http://www.w3.org/2003/05/soap-envelope"
CONTENT_TYPE = "text/xml; charset=utf-8"


def fault_document(code: str, message: str) -> bytes:
    """`code` is Client, Server or VersionMismatch; `message` the faultstring."""
    envelope = etree.Element(etree.QName(SOAP11_ENV, "Envelope"), nsmap={"soapenv": SOAP11_ENV})
    body = etree.SubElement(envelope, etree.QName(SOAP11_ENV, "Body"))
    fault = etree.SubElement(body, etree.QName(SOAP11_ENV, "Fault"))
    etree.SubElement(fault, "faultcode").text = f"soapenv:{code}"
    etree.SubElement(fault, "faultstring").text = message
    return etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")
