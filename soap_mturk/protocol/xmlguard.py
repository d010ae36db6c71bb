"""Parsing XML from the network without trusting it.

No DTD is accepted (SOAP forbids them in messages, and they carry every entity
attack), entities are never resolved, nothing is fetched, and bodies over a size
limit are refused before they are read in full.
"""

from __future__ import annotations

import codecs
import gc
import threading

from lxml import etree

DEFAULT_MAX_BODY = 1024 * 1024


class RefusedXml(ValueError):
    """The document was refused; the message says why, for the client."""


class BodyTooLarge(RefusedXml):
    pass


class IncompleteBody(RefusedXml):
    """The connection ended before the body its Content-Length announced."""


# Limits enforced while the document is parsed, far above any legacy client's
# message: a batch of MAX_BATCH requests of every field is under 3,000 elements.
MAX_ELEMENTS = 20_000
MAX_ATTRIBUTES = 64  # per element; a message needs a few (xsi:type) at most
MAX_DEPTH = 32  # a message is 6 deep; libxml2's own limit is 256
_CHUNK = 16 * 1024  # fed to the parser at a time; limits are checked between chunks


_SAFE = dict(
    resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
)


def _parser(encoding: str | None) -> etree.XMLPullParser:
    # A fresh one per document: a pull parser cannot be reused once it has failed.
    return etree.XMLPullParser(events=("start", "end"), encoding=encoding, **_SAFE)


def _drain(stream, budget: int) -> None:
    """Read and drop what the client is still sending. Answering before the body is
    read and then closing makes the kernel reset the connection, which can destroy
    the answer on its way; the HTTP server caps bodies, so this is bounded."""
    while budget > 0:
        chunk = stream.read(min(budget, 65536))
        if not chunk:
            return
        budget -= len(chunk)


def read_body(environ: dict, limit: int) -> bytes:
    try:
        declared = int(environ.get("CONTENT_LENGTH") or -1)
    except ValueError:
        declared = -1
    stream = environ["wsgi.input"]
    if declared > limit:
        _drain(stream, declared)
        raise BodyTooLarge(
            f"The request body of {declared} bytes exceeds the limit of {limit} bytes."
        )
    data = stream.read(declared) if declared >= 0 else stream.read(limit + 1)
    if len(data) > limit:
        _drain(stream, 4 * limit)
        raise BodyTooLarge(f"The request body exceeds the limit of {limit} bytes.")
    if declared >= 0 and len(data) < declared:
        # Answering the part that came would act on a request the client never finished.
        raise IncompleteBody(
            f"The request body ended after {len(data)} of the {declared} bytes its "
            "Content-Length announced."
        )
    return data


# How a document in UTF-32 or UTF-16 begins (XML 1.0, appendix F): with a byte
# order mark, or with "<" or "<?" in that encoding. UTF-32 first, as its
# little-endian mark begins with UTF-16's.
_WIDE_ENCODINGS = (
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (b"\x00<\x00?", "utf-16-be"),
    (b"<\x00?\x00", "utf-16-le"),
)
_DTD_REFUSED = "Document type declarations (DTDs) are not allowed in a SOAP message."


def _wide_encoding(data: bytes) -> str | None:
    """UTF-32's name when the document is in it: libxml2's push parser, unlike its
    whole-document one, does not detect UTF-32 by itself."""
    for start, encoding in _WIDE_ENCODINGS[:4]:
        if data.startswith(start):
            return encoding.upper().replace("-BE", "BE").replace("-LE", "LE")  # libxml2's names
    return None


def _declares_dtd(data: bytes) -> bool:
    """Whether the document holds a DTD, seen before any parser touches it."""
    for start, encoding in _WIDE_ENCODINGS:
        if data.startswith(start):
            text = data.decode(encoding, errors="replace")
            return "<!DOCTYPE" in text or "<!ENTITY" in text
    return b"<!DOCTYPE" in data or b"<!ENTITY" in data


_TOO_MANY_ELEMENTS = f"The request holds more than {MAX_ELEMENTS} elements."
_TOO_DEEP = f"The request nests elements more than {MAX_DEPTH} deep."
_TOO_MANY_ATTRIBUTES = f"An element of the request has more than {MAX_ATTRIBUTES} attributes."
# The same limits as XPath, for a document parsed whole (libxml2 evaluates them in C).
_COUNT_ELEMENTS = etree.XPath("count(//*)")
_DEEPER = etree.XPath("boolean(/" + "/*" * (MAX_DEPTH + 1) + ")")
_CROWDED = etree.XPath(f"boolean(//*[count(@*) > {MAX_ATTRIBUTES}])")


_local = threading.local()


def _whole_parser(encoding: str | None) -> etree.XMLParser:
    # lxml parsers must not be shared between threads; one per thread is reused.
    if encoding is not None:
        return etree.XMLParser(encoding=encoding, **_SAFE)
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = _local.parser = etree.XMLParser(**_SAFE)
    return parser


def _parse_small(data: bytes) -> etree._Element:
    """A document of at most one chunk, parsed whole and then held to the limits:
    its size bounds the parser's work, and three C-level queries cost less than
    parsing event by event (most calls are this size)."""
    root = etree.fromstring(data, _whole_parser(_wide_encoding(data)))
    if _COUNT_ELEMENTS(root) > MAX_ELEMENTS:
        raise RefusedXml(_TOO_MANY_ELEMENTS)
    if _DEEPER(root):
        raise RefusedXml(_TOO_DEEP)
    if _CROWDED(root):
        raise RefusedXml(_TOO_MANY_ATTRIBUTES)
    return root


def _parse_large(data: bytes) -> etree._Element:
    """A larger document, fed to the parser a chunk at a time and held to the limits
    as it goes: what one chunk holds is bounded by its size, so the work between
    two checks is linear, and a refused document is never read further."""
    parser = _parser(_wide_encoding(data))
    try:
        return _feed_within_limits(parser, data)
    except (RefusedXml, etree.XMLSyntaxError):
        # A pull parser stopped half-way sits in a reference cycle with the partial
        # document it built (megabytes of C memory for an attribute flood), and
        # Python's collector, counting Python objects only, may not run for a long
        # time: each refused flood kept about 27 MB. Collect it now; a refusal of a
        # large document is rare in honest traffic and already costs its parse.
        del parser
        gc.collect()
        raise


def _feed_within_limits(parser: etree.XMLPullParser, data: bytes) -> etree._Element:
    elements = depth = 0
    for start in range(0, len(data), _CHUNK):
        parser.feed(data[start : start + _CHUNK])
        for event, element in parser.read_events():
            if event == "end":
                depth -= 1
                continue
            elements += 1
            depth += 1
            if elements > MAX_ELEMENTS:
                raise RefusedXml(_TOO_MANY_ELEMENTS)
            if depth > MAX_DEPTH:
                raise RefusedXml(_TOO_DEEP)
            if len(element.attrib) > MAX_ATTRIBUTES:
                raise RefusedXml(_TOO_MANY_ATTRIBUTES)
    return parser.close()


def parse_untrusted(data: bytes) -> etree._Element:
    if not data.strip():
        raise RefusedXml("The request body is empty.")
    if _declares_dtd(data):
        raise RefusedXml(_DTD_REFUSED)
    try:
        root = _parse_small(data) if len(data) <= _CHUNK else _parse_large(data)
    except etree.XMLSyntaxError as error:
        raise RefusedXml(f"The request is not well-formed XML: {error.msg}") from None
    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None or docinfo.doctype:
        # Caught here when the declaration hid behind an encoding the byte scan
        # missed (an encoding it does not know); the parser neither fetched nor
        # expanded anything.
        raise RefusedXml(_DTD_REFUSED)
    return root
