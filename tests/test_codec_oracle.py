"""spyne as the oracle: the codec must read every request message and write every
answer exactly as spyne, which declares the operations, reads and writes them.

Generated from the message tables: every operation of every served version, every
field shape (absent, present, repeated, nested, attributes), random values in
varied lexical forms. Each case is answered by both paths, named as such, and
their readings compared value for value. The server itself answers through the
codec only (its SOAP endpoint holds no spyne application)."""

from __future__ import annotations

import io
import random
import string
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from xml.sax.saxutils import escape

import pytest
from lxml import etree
from spyne import DateTime
from spyne.protocol.soap import Soap11
from spyne.server.wsgi import WsgiApplication

from soap_mturk.api.operations import OPERATIONS
from soap_mturk.api.schema import (
    BOOLEAN,
    DATETIME,
    DECIMAL,
    DOUBLE,
    ENUMS,
    INT,
    LONG,
    STRING,
    Field,
    message_fields,
)
from soap_mturk.protocol.codec import VersionCodec
from soap_mturk.protocol.codec.primitives import format_datetime
from soap_mturk.protocol.soap.endpoint import SoapEndpoint
from soap_mturk.protocol.soap.faults import SOAP11_ENV
from soap_mturk.protocol.soap.service import build_application
from soap_mturk.versions import VERSIONS

CASES_PER_OPERATION = 12
_TEXT = string.ascii_letters + string.digits + " <>&'\"-_.:/é€中"


class _OracleOut(Soap11):
    """spyne's writer, with times in the form the contract asks for (whole seconds,
    UTC, Z): the one writing rule spyne has no option for."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._to_unicode_handlers[DateTime] = lambda cls, value, **_: format_datetime(value)


def _lexical(rng: random.Random, kind: str) -> tuple[str, object]:
    """(text as a client may write it, the value it means)."""
    if kind in (INT, LONG):
        bits = 32 if kind == INT else 64
        value = rng.choice(
            [0, 1, -1, 2 ** (bits - 1) - 1, -(2 ** (bits - 1)), rng.randint(-999999, 999999)]
        )
        text = rng.choice([str(value), f" {value}\n", f"+{value}" if value >= 0 else str(value)])
        return text, value
    if kind == BOOLEAN:
        # Not " true ": spyne does not collapse whitespace here and reads it as
        # False; the codec follows xs:boolean (test_boolean_whitespace_collapses).
        text = rng.choice(["true", "false", "1", "0", "True"])
        return text, text.lower() in ("true", "1")
    if kind == DATETIME:
        value = datetime(2014, 8, 15, tzinfo=UTC) + timedelta(seconds=rng.randint(-(10**8), 10**8))
        zone = rng.choice(["Z", "+02:00", "-05:30"])
        if zone == "Z":
            return value.strftime("%Y-%m-%dT%H:%M:%SZ"), value
        hours, minutes = int(zone[1:3]), int(zone[4:6])
        offset = timedelta(hours=hours, minutes=minutes) * (1 if zone[0] == "+" else -1)
        local = value.astimezone(timezone(offset))
        return local.strftime("%Y-%m-%dT%H:%M:%S") + zone, value
    if kind == DECIMAL:
        value = Decimal(rng.randint(-(10**6), 10**6)) / 100
        return str(value), value
    if kind == DOUBLE:
        value = rng.choice([0.0, 1.0, 0.5, 281.0, rng.randint(-(10**6), 10**6) / 100])
        return rng.choice([repr(value), str(value)]), value
    if kind in ENUMS:
        value = rng.choice(ENUMS[kind])
        return value, value
    value = "".join(rng.choice(_TEXT) for _ in range(rng.randint(1, 24))).strip() or "x"
    return value, value


def _request_xml(rng, types, fields: list[Field], prefix: str) -> tuple[str, dict]:
    parts, expected = [], {}
    for field in fields:
        if rng.random() < 0.35:
            continue
        count = rng.randint(1, 3) if field.repeated else 1
        values = []
        for _ in range(count):
            if field.type in types:
                inner, value = _request_xml(rng, types, types[field.type], prefix)
                parts.append(f"<{prefix}:{field.name}>{inner}</{prefix}:{field.name}>")
            else:
                text, value = _lexical(rng, field.type)
                parts.append(f"<{prefix}:{field.name}>{escape(text)}</{prefix}:{field.name}>")
            values.append(value)
        expected[field.name] = values if field.repeated else values[0]
    return "".join(parts), expected


def _data(rng, types, fields: list[Field]) -> dict:
    """Random answer data of a response type, every shape the tables allow."""
    data = {}
    for field in fields:
        if rng.random() < 0.3 and not field.min:
            continue
        count = rng.randint(1, 2) if field.repeated else 1
        if field.type in types:
            values = [_data(rng, types, types[field.type]) for _ in range(count)]
        else:
            values = [_lexical(rng, field.type)[1] for _ in range(count)]
        data[field.name] = values if field.repeated else values[0]
    return data


def _sparse(value):
    """spyne's plain data without its placeholders for absent fields."""
    if isinstance(value, dict):
        return {k: _sparse(v) for k, v in value.items() if v not in (None, [])}
    if isinstance(value, list):
        return [_sparse(v) for v in value]
    return value


def _canonical(element: etree._Element) -> list:
    """A document as (local name, attributes, text) triples in document order."""
    return [
        (etree.QName(e).localname, sorted(e.attrib.items()), (e.text or "") if not len(e) else "")
        for e in element.iter()
        if isinstance(e.tag, str)
    ]


class _Spyne:
    """One version's spyne application, run in-process as the oracle."""

    def __init__(self, version):
        self.seen: list[dict] = []
        self.answer: dict = {}

        def handler(op, message):
            self.seen.append(_sparse(message))
            return self.answer

        app = build_application(
            version,
            handler,
            in_protocol=Soap11(validator=None, parse_xsi_type=False),
            out_protocol=_OracleOut(),
        )
        self.wsgi = WsgiApplication(app)

    def call(self, document: bytes) -> etree._Element:
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/",
            "QUERY_STRING": "",
            "SERVER_NAME": "localhost",
            "SERVER_PORT": "80",
            "CONTENT_TYPE": "text/xml",
            "CONTENT_LENGTH": str(len(document)),
            "wsgi.input": io.BytesIO(document),
            "wsgi.url_scheme": "http",
        }
        statuses = []
        body = b"".join(self.wsgi(environ, lambda status, headers, *_: statuses.append(status)))
        assert statuses == ["200 OK"], body
        return etree.fromstring(body)


_ORACLES: dict[str, _Spyne] = {}


def _oracle(version) -> _Spyne:
    if version.date not in _ORACLES:
        _ORACLES[version.date] = _Spyne(version)
    return _ORACLES[version.date]


CASES = [
    (version, name) for version in VERSIONS for name in OPERATIONS if name in version.operations
]


@pytest.mark.parametrize("version, operation", CASES, ids=[f"{v.date}-{name}" for v, name in CASES])
def test_codec_and_spyne_read_and_write_alike(version, operation):
    rng = random.Random(f"{version.date}/{operation}")
    codec, spyne = VersionCodec(version), _oracle(version)
    types = version.types
    op = OPERATIONS[operation]
    for _ in range(CASES_PER_OPERATION):
        requests = [
            _request_xml(rng, types, types[op.request_type], "tns")
            for _ in range(rng.randint(1, 3))
        ]
        body = "".join(f"<tns:Request>{xml}</tns:Request>" for xml, _ in requests)
        document = (
            f'<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="{SOAP11_ENV}" '
            f'xmlns:tns="{version.namespace}"><s:Body><tns:{operation}>'
            "<tns:AWSAccessKeyId>AKIAORACLE</tns:AWSAccessKeyId>"
            "<tns:Timestamp>2014-08-15T09:00:00Z</tns:Timestamp>"
            f"<tns:Signature>c2ln</tns:Signature>{body}</tns:{operation}></s:Body></s:Envelope>"
        ).encode()
        expected = [value for _, value in requests]
        answer = _data(rng, types, codec.response_fields(op))

        # path 1: the codec
        element = etree.fromstring(document)[0][0]
        by_codec = codec.read_message(element, operation)
        codec_answer = etree.fromstring(SoapEndpoint.document(codec, op, answer))

        # path 2: spyne
        spyne.seen.clear()
        spyne.answer = answer
        spyne_answer = spyne.call(document)
        (by_spyne,) = spyne.seen

        assert by_codec["Request"] == expected, "the codec misread the generated message"
        assert by_codec == by_spyne | {"Timestamp": by_codec["Timestamp"]}
        assert by_spyne["Timestamp"] == by_codec["Timestamp"]
        assert _canonical(codec_answer) == _canonical(spyne_answer)


def test_boolean_whitespace_collapses():
    """Where spyne strays from XML Schema (it reads " true " as False), the codec
    follows the schema: xs:boolean's whitespace facet is collapse."""
    from soap_mturk.protocol.codec import PRIMITIVES

    assert PRIMITIVES[BOOLEAN].parse(" true\n") is True
    assert PRIMITIVES[BOOLEAN].parse("\t0 ") is False


def test_every_field_shape_is_generated():
    """The generator above reaches each primitive, enumeration, nested and
    repeated field of the requests, and every response type with its attributes."""
    kinds = set()
    for version in VERSIONS:
        for name in version.operations:
            for field in version.types[OPERATIONS[name].request_type] + message_fields(name):
                kinds.add(
                    field.type
                    if field.type in ENUMS or field.type in (STRING, INT, LONG, BOOLEAN, DATETIME)
                    else "complex"
                )
                kinds.add("repeated" if field.repeated else "single")
    assert {STRING, INT, LONG, BOOLEAN, DATETIME, "complex", "repeated", "single"} <= kinds
    assert kinds & set(ENUMS)


def test_the_server_answers_through_the_codec_only(emulator):
    endpoint = emulator.app.soap
    assert set(vars(endpoint)) == {"domain", "authenticator", "max_body", "codecs"}
    assert {type(c) for c in endpoint.codecs.values()} == {VersionCodec}
