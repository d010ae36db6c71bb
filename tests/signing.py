"""Signing as a legacy SOAP client does, in a zeep plugin: the signature is computed
over the envelope about to be sent, so the emulator is tested on the exact bytes a
client puts on the wire. The HMAC is computed here, independently of the emulator's
own code."""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac

from lxml import etree
from zeep import Plugin

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
# Put in `Signature` to have the plugin replace it with the right signature.
SIGN = "(signed by the test client)"
# Put in `Signature` to have the plugin take the element out, as a client that never
# signs would send it (the vendor's WSDL requires it, so zeep itself will not omit it).
OMIT = "(no signature element)"


def vendor_signature(secret: str, operation: str, timestamp: str) -> str:
    message = ("AWSMechanicalTurkRequester" + operation + timestamp).encode("utf-8")
    return base64.b64encode(
        hmac.new(secret.encode("utf-8"), message, hashlib.sha1).digest()
    ).decode()


def java_timestamp(moment: datetime.datetime | None = None) -> str:
    """The vendor's Java SDK form: UTC, milliseconds, `Z`."""
    moment = moment or datetime.datetime.now(datetime.UTC)
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.") + (
        f"{moment.microsecond // 1000:03d}Z"
    )


def signed(access_key: str, timestamp: datetime.datetime | str | None = None) -> dict:
    """The common parameters, for the plugin to sign."""
    return {
        "AWSAccessKeyId": access_key,
        "Timestamp": timestamp or datetime.datetime.now(datetime.UTC),
        "Signature": SIGN,
    }


class VendorSigner(Plugin):
    """Replaces a `SIGN` placeholder with Base64(HMAC-SHA1(secret, service +
    operation + Timestamp)), taking the operation and Timestamp from the envelope."""

    def __init__(self, secrets: dict[str, str]):
        self.secrets = secrets
        self.signed: list[tuple[str, str]] = []  # (operation, Timestamp text) as sent

    def egress(self, envelope, http_headers, operation, binding_options):
        body = envelope.find(f"{{{SOAP_ENV}}}Body")
        element = next(child for child in body if isinstance(child.tag, str))
        qname = etree.QName(element)
        signature = element.find(f"{{{qname.namespace}}}Signature")
        if signature is not None and signature.text == OMIT:
            element.remove(signature)
        elif signature is not None and signature.text == SIGN:
            key = element.findtext(f"{{{qname.namespace}}}AWSAccessKeyId")
            timestamp = element.findtext(f"{{{qname.namespace}}}Timestamp")
            signature.text = vendor_signature(self.secrets[key], qname.localname, timestamp)
            self.signed.append((qname.localname, timestamp))
        return envelope, http_headers
