"""Parsing XML from the network without trusting it.

No DTD is accepted (SOAP forbids them in messages, and they carry every entity
attack), entities are never resolved, nothing is fetched, and bodies over a size
limit are refused before they are read in full.
"""

from __future__ import annotations

import threading

from lxml import etree

DEFAULT_MAX_BODY = 1024 * 1024


class RefusedXml(ValueError):
    """The document was refused; the message says why, for the client."""


class BodyTooLarge(RefusedXml):
    pass


_local = threading.local()


def _parser() -> etree.XMLParser:
    # lxml parsers must not be shared between threads.
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = _local.parser = etree.XMLParser(
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            huge_tree=False,
        )
    return parser


def read_body(environ: dict, limit: int) -> bytes:
    try:
        declared = int(environ.get("CONTENT_LENGTH") or -1)
    except ValueError:
        declared = -1
    if declared > limit:
        raise BodyTooLarge(f"The request body of {declared} bytes exceeds the limit of {limit} bytes.")
    stream = environ["wsgi.input"]
    data = stream.read(declared) if declared >= 0 else stream.read(limit + 1)
    if len(data) > limit:
        raise BodyTooLarge(f"The request body exceeds the limit of {limit} bytes.")
    return data


def parse_untrusted(data: bytes) -> etree._Element:
    if not data.strip():
        raise RefusedXml("The request body is empty.")
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise RefusedXml("Document type declarations (DTDs) are not allowed in a SOAP message.")
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as error:
        raise RefusedXml(f"The request is not well-formed XML: {error.msg}") from None
    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None or docinfo.doctype:
        # Caught here when the declaration hid behind an encoding the byte scan
        # missed (UTF-16, UTF-32); the parser neither fetched nor expanded anything.
        raise RefusedXml("Document type declarations (DTDs) are not allowed in a SOAP message.")
    return root
