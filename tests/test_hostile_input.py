"""Malformed and hostile input, sent as raw HTTP to a real server.

Every case gets a clear answer (a SOAP 1.1 fault naming the problem, or a plain
404/405) and never a traceback; hostile XML is refused without expanding an entity
or fetching anything. After each case the server still answers a normal call, and
the score written before the first case is still there.
"""

from __future__ import annotations

import http.client
import http.server
import io
import logging
import socket
import threading
import typing
import uuid

import pytest
from lxml import etree

from soap_mturk.server.app import EmulatorApp
from soap_mturk.server.run import start_in_thread
from soap_mturk.store import open_store
from soap_mturk.versions import LATEST
from tests.conftest import credentials, served_client

MAX_BODY = 64 * 1024
NS = LATEST.namespace
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
WORKER = "AHOSTILEWORKER1"
SCORE = 70


# --- a server, a score written before any hostile call, and how to talk to it -------


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    store = open_store(str(tmp_path_factory.mktemp("db") / "hostile.sqlite3"))
    running = start_in_thread(EmulatorApp(store, max_body=MAX_BODY))
    yield running
    running.stop()
    store.close()


@pytest.fixture(scope="module")
def qualification_type(server) -> str:
    """A type owned by AKIAOWNER whose worker WORKER holds the score SCORE."""
    service = served_client(server, LATEST.date).service
    created = service.CreateQualificationType(
        **credentials("AKIAOWNER"),
        Request=[{"Name": f"Hostile {uuid.uuid4()}", "Description": "survives abuse",
                  "QualificationTypeStatus": "Active"}],
    )  # fmt: skip
    type_id = created.QualificationType[0].QualificationTypeId
    service.AssignQualification(
        **credentials("AKIAOWNER"),
        Request=[{"QualificationTypeId": type_id, "WorkerId": WORKER, "IntegerValue": 10}],
    )
    service.UpdateQualificationScore(
        **credentials("AKIAOWNER"),
        Request=[{"QualificationTypeId": type_id, "SubjectId": WORKER, "IntegerValue": SCORE}],
    )
    return type_id


@pytest.fixture(autouse=True)
def server_survives(server, qualification_type, caplog):
    """Checks after each case that the server answers a normal call, that the score
    is intact, and that the HTTP server never caught an exception from the
    application (the server reports those, at ERROR, through soap_mturk.server)."""
    assert read_score(server, qualification_type) == SCORE
    with caplog.at_level(logging.ERROR, logger="soap_mturk.server"):
        yield
    assert read_score(server, qualification_type) == SCORE
    crashes = [
        r
        for r in caplog.records
        if r.name.startswith("soap_mturk.server") and r.levelno >= logging.ERROR
    ]
    assert crashes == []


def envelope(inner: str) -> str:
    return f'<s:Envelope xmlns:s="{SOAP_ENV}"><s:Body>{inner}</s:Body></s:Envelope>'


def call(
    operation: str, request: str, timestamp: str = "2014-08-15T12:00:00Z", head: str = ""
) -> str:
    """The envelope of one call in the latest namespace, as a string, by the owner of
    the `qualification_type` fixture (only the owner reads its scores)."""
    return envelope(
        f'<{operation} xmlns="{NS}"><AWSAccessKeyId>AKIAOWNER</AWSAccessKeyId>'
        f"<Timestamp>{timestamp}</Timestamp><Signature>unchecked</Signature>{head}"
        f"<Request>{request}</Request></{operation}>"
    )


def score_call(type_id: str, subject: str = WORKER) -> str:
    return call(
        "GetQualificationScore",
        f"<QualificationTypeId>{type_id}</QualificationTypeId><SubjectId>{subject}</SubjectId>",
    )


def send(
    server,
    body: bytes | str = b"",
    method: str = "POST",
    path: str = "/",
    headers=None,
    soap_action: str | None = '"http://soap.amazon.com"',
    timeout: float = 30,
):
    """One HTTP request; returns (status, headers, body). soap_action None sends none."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    connection = http.client.HTTPConnection(server.host, server.port, timeout=timeout)
    try:
        all_headers = {"Content-Type": "text/xml; charset=utf-8"}
        if soap_action is not None:
            all_headers["SOAPAction"] = soap_action
        all_headers.update(headers or {})
        connection.request(method, path, body=body if method not in ("GET", "HEAD") else None,
                           headers=all_headers)  # fmt: skip
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def send_raw(server, data: bytes) -> bytes:
    """Bytes on a fresh connection, then half-close; everything the server answers."""
    with socket.create_connection((server.host, server.port), timeout=30) as sock:
        sock.sendall(data)
        sock.shutdown(socket.SHUT_WR)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    return received


def read_score(server, type_id: str) -> int | None:
    status, _, body = send(server, score_call(type_id))
    assert status == 200, body
    value = etree.fromstring(body).find(f".//{{{NS}}}Qualification/{{{NS}}}IntegerValue")
    return None if value is None else int(value.text)


def assert_no_internals(body: bytes) -> None:
    for leak in (b"Traceback", b'File "', b"site-packages", b"soap_mturk/", b"Internal Error"):
        assert leak not in body, body


def fault(status: int, body: bytes, code: str = "Client", http_status: int = 500) -> str:
    """Checks a SOAP 1.1 fault with a faultcode starting with `code`; its faultstring."""
    assert status == http_status, body
    assert_no_internals(body)
    root = etree.fromstring(body)
    assert root.tag == f"{{{SOAP_ENV}}}Envelope"
    found = root.find(f"{{{SOAP_ENV}}}Body/{{{SOAP_ENV}}}Fault")
    assert found is not None, body
    faultcode = found.findtext("faultcode")
    assert faultcode.split(":", 1)[-1].startswith(code), faultcode
    return found.findtext("faultstring")


# --- not a SOAP request for a known operation ---------------------------------------


@pytest.mark.parametrize(
    "body,expected",
    [
        ("<Envelope><Body></Envelope>", "not well-formed XML"),
        (b"\xff\xfe\x00garbage\x80\x81", "not well-formed XML"),
        (f'<GetQualificationScore xmlns="{NS}"/>', "Expected a SOAP 1.1 Envelope"),
        (envelope(""), "exactly one operation element"),
        (envelope(f'<GetQualificationScore xmlns="{NS}"/><GetQualificationType xmlns="{NS}"/>'),
         "exactly one operation element"),
        (envelope(f'<ScoreEverybody xmlns="{NS}"/>'), "Unknown operation 'ScoreEverybody'"),
        (envelope('<GetQualificationScore xmlns="urn:example:not-mturk"/>'),
         "Unknown namespace 'urn:example:not-mturk'"),
        ("<a>" * 5000 + "</a>" * 5000, "not well-formed XML"),
    ],
    ids=["malformed", "not-utf8", "no-envelope", "empty-body-element", "two-operations",
         "unknown-operation", "unknown-namespace", "nested-too-deep"],
)  # fmt: skip
def test_not_a_soap_request_is_a_client_fault(server, body, expected):
    assert expected in fault(*_status_body(send(server, body)))


def test_empty_post_is_a_client_fault(server):
    assert "empty" in fault(*_status_body(send(server, b"")))


def test_soap_12_envelope_is_a_version_mismatch(server):
    body = (
        '<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body>'
        f'<GetQualificationScore xmlns="{NS}"/></e:Body></e:Envelope>'
    )
    status, _, answer = send(server, body, headers={"Content-Type": "application/soap+xml"})
    assert "SOAP 1.1" in fault(status, answer, code="VersionMismatch")


def _status_body(response):
    status, _, body = response
    return status, body


# --- values of the wrong type, and what spyne alone would have let through ----------


@pytest.mark.parametrize(
    "operation,request_xml,timestamp,expected",
    [
        ("AssignQualification",
         "<QualificationTypeId>T</QualificationTypeId><WorkerId>W</WorkerId><IntegerValue>abc</IntegerValue>",
         None, "The value 'abc' of AssignQualification/Request/IntegerValue is not a valid xs:int."),
        ("SearchQualificationTypes", "<MustBeRequestable>maybe</MustBeRequestable>", None,
         "The value 'maybe' of SearchQualificationTypes/Request/MustBeRequestable is not a valid xs:boolean."),
        ("UpdateQualificationType",
         "<QualificationTypeId>T</QualificationTypeId><TestDurationInSeconds>1.5</TestDurationInSeconds>",
         None, "The value '1.5' of UpdateQualificationType/Request/TestDurationInSeconds is not a valid xs:long."),
        ("GetQualificationScore", "<QualificationTypeId>T</QualificationTypeId><SubjectId>W</SubjectId>",
         "last tuesday", "The value 'last tuesday' of GetQualificationScore/Timestamp is not a valid xs:dateTime."),
        ("GetQualificationScore", "<QualificationTypeId>T</QualificationTypeId><SubjectId>W</SubjectId>",
         "2014-13-45T99:00:00Z", "of GetQualificationScore/Timestamp is not a valid xs:dateTime."),
    ],
    ids=["int-abc", "boolean-maybe", "long-fraction", "timestamp-words", "timestamp-impossible"],
)  # fmt: skip
def test_value_of_the_wrong_type_is_a_fault_naming_it(
    server, operation, request_xml, timestamp, expected
):
    kwargs = {} if timestamp is None else {"timestamp": timestamp}
    faultstring = fault(*_status_body(send(server, call(operation, request_xml, **kwargs))))
    assert expected in faultstring


@pytest.mark.parametrize("value", ["true", "false", "1", "0", " true "])
def test_every_xs_boolean_spelling_is_accepted(server, value):
    status, _, body = send(
        server, call("SearchQualificationTypes", f"<MustBeRequestable>{value}</MustBeRequestable>")
    )
    assert status == 200, body
    assert b"<tns:IsValid>True</tns:IsValid>" in body


@pytest.mark.parametrize(
    "body,expected",
    [
        (call("GetQualificationScore", "<QualificationTypeId>T</QualificationTypeId><SubjectId>W</SubjectId>"
                                       "<Bogus>1</Bogus>"),
         "GetQualificationScore/Request has no element 'Bogus'."),
        (call("GetQualificationScore", "<QualificationTypeId>T</QualificationTypeId>", head="<Extra/>"),
         "GetQualificationScore has no element 'Extra'."),
        (call("GetQualificationScore", "<QualificationTypeId>T</QualificationTypeId>stray<SubjectId>W</SubjectId>"),
         "GetQualificationScore/Request holds the text 'stray'"),
        (envelope(f'<GetQualificationScore xmlns="{NS}">loose text<AWSAccessKeyId>A</AWSAccessKeyId>'
                  "<Timestamp>2014-08-15T12:00:00Z</Timestamp></GetQualificationScore>"),
         "GetQualificationScore holds the text 'loose text'"),
    ],
    ids=["unknown-child-of-request", "unknown-child-of-operation", "text-in-request", "text-in-operation"],
)  # fmt: skip
def test_undeclared_element_or_stray_text_is_a_fault(server, body, expected):
    # spyne, without schema validation, would have ignored these silently.
    assert expected in fault(*_status_body(send(server, body)))


def test_missing_timestamp_fails_the_call_as_a_whole(server, qualification_type):
    body = score_call(qualification_type).replace("<Timestamp>2014-08-15T12:00:00Z</Timestamp>", "")
    status, _, answer = send(server, body)
    assert status == 200
    root = etree.fromstring(answer)
    errors = root.findall(f".//{{{NS}}}OperationRequest/{{{NS}}}Errors/{{{NS}}}Error")
    assert [e.findtext(f"{{{NS}}}Code") for e in errors] == ["AWS.BadClaimsSupplied"]
    assert "Timestamp" in errors[0].findtext(f"{{{NS}}}Message")
    assert root.find(f".//{{{NS}}}Qualification") is None  # no result, no score disclosed


def test_request_without_content_type_is_answered(server, qualification_type):
    connection = http.client.HTTPConnection(server.host, server.port, timeout=30)
    body = score_call(qualification_type).encode()
    connection.putrequest("POST", "/")
    connection.putheader("Content-Length", str(len(body)))
    connection.endheaders(body)
    response = connection.getresponse()
    assert response.status == 200
    assert f"<tns:IntegerValue>{SCORE}</tns:IntegerValue>".encode() in response.read()
    connection.close()


# --- entities, DTDs, encodings ----------------------------------------------------


@pytest.fixture(scope="module")
def secret_file(tmp_path_factory):
    marker = f"SECRET-{uuid.uuid4().hex}"
    path = tmp_path_factory.mktemp("secret") / "secret.txt"
    path.write_text(marker + "\n", encoding="utf-8")
    return path, marker


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: typing.ClassVar[list[str]] = []

    def do_GET(self):
        self.hits.append(self.path)
        body = b'<!ENTITY fetched "FETCHED-FROM-DTD-SERVER">'
        self.send_response(200)
        self.send_header("Content-Type", "application/xml-dtd")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def dtd_server():
    """A loopback HTTP server that records every request made to it."""
    recorder = type("Recorder", (_Recorder,), {"hits": []})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), recorder)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", recorder.hits
    httpd.shutdown()
    httpd.server_close()


def with_doctype(doctype: str, subject: str) -> str:
    return (
        '<?xml version="1.0"?>'
        + doctype
        + call(
            "GetQualificationScore",
            f"<QualificationTypeId>T</QualificationTypeId><SubjectId>{subject}</SubjectId>",
        )
    )


def billion_laughs() -> str:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    ]
    return with_doctype(f"<!DOCTYPE s:Envelope [{''.join(entities)}]>", "&lol9;")


def quadratic_blowup() -> str:
    return with_doctype(f'<!DOCTYPE s:Envelope [<!ENTITY a "{"A" * 5000}">]>', "&a;" * 1000)


ENCODINGS = ["utf-8", "utf-16", "utf-16-be", "utf-32"]


def encoded(document: str, encoding: str) -> bytes:
    if encoding == "utf-8":
        return document.encode("utf-8")
    label = encoding.upper().replace("-BE", "BE")
    return document.replace(
        '<?xml version="1.0"?>', f'<?xml version="1.0" encoding="{label}"?>'
    ).encode(encoding)


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("target", ["passwd", "secret"])
def test_external_entity_is_refused_and_never_read(server, secret_file, target, encoding):
    path, marker = secret_file
    url = "file:///etc/passwd" if target == "passwd" else path.as_uri()
    document = with_doctype(f'<!DOCTYPE s:Envelope [<!ENTITY xxe SYSTEM "{url}">]>', "&xxe;")
    status, _, body = send(
        server, encoded(document, encoding), headers={"Content-Type": "text/xml"}
    )
    assert "not allowed" in fault(status, body)
    assert marker.encode() not in body and b"root:" not in body


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_parameter_entity_reading_a_file_is_refused(server, secret_file, dtd_server, encoding):
    path, marker = secret_file
    base, hits = dtd_server
    document = with_doctype(
        f'<!DOCTYPE s:Envelope [<!ENTITY % file SYSTEM "{path.as_uri()}">'
        f'<!ENTITY % dtd SYSTEM "{base}/exfiltrate.dtd"> %dtd;]>',
        "W",
    )
    status, _, body = send(
        server, encoded(document, encoding), headers={"Content-Type": "text/xml"}
    )
    assert "not allowed" in fault(status, body)
    assert marker.encode() not in body
    assert hits == []


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize(
    "document", [billion_laughs, quadratic_blowup], ids=["billion-laughs", "quadratic"]
)
def test_entity_expansion_is_refused_unexpanded(server, document, encoding):
    data = encoded(document(), encoding)
    assert len(data) <= MAX_BODY
    status, _, body = send(server, data, headers={"Content-Type": "text/xml"})
    assert "not allowed" in fault(status, body)
    assert b"lollol" not in body and b"AAAA" not in body
    assert len(body) < 1000


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE s:Envelope SYSTEM "{base}/external.dtd">',
        '<!DOCTYPE s:Envelope PUBLIC "-//Hostile//EN" "{base}/public.dtd">',
        '<!DOCTYPE s:Envelope [<!ENTITY % ext SYSTEM "{base}/parameter.dtd"> %ext;]>',
        '<!DOCTYPE s:Envelope [<!ENTITY remote SYSTEM "{base}/entity.xml">]>',
    ],
    ids=["system", "public", "parameter-entity", "general-entity"],
)
def test_external_dtd_is_never_fetched(server, dtd_server, doctype, encoding):
    base, hits = dtd_server
    subject = "&remote;" if "remote" in doctype else "&fetched;"
    document = with_doctype(doctype.format(base=base), subject)
    status, _, body = send(
        server, encoded(document, encoding), headers={"Content-Type": "text/xml"}
    )
    assert "not allowed" in fault(status, body)
    assert b"FETCHED-FROM-DTD-SERVER" not in body
    assert hits == []


def test_xinclude_is_not_processed(server, secret_file, qualification_type):
    path, marker = secret_file
    body = call(
        "GetQualificationScore",
        f"<QualificationTypeId>{qualification_type}</QualificationTypeId>"
        f'<SubjectId><xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{path.as_uri()}" '
        'parse="text"/></SubjectId>',
    )
    _status, _, answer = send(server, body)
    assert_no_internals(answer)
    assert marker.encode() not in answer


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_document_in_another_encoding_is_read(server, qualification_type, encoding):
    """A well-formed request in UTF-16 or UTF-32 (declared, with or without BOM) is
    answered like its UTF-8 twin, whatever charset the Content-Type names."""
    document = '<?xml version="1.0"?>' + score_call(qualification_type)
    status, _, body = send(
        server, encoded(document, encoding), headers={"Content-Type": "text/xml; charset=utf-8"}
    )
    assert status == 200, body
    assert f"<tns:IntegerValue>{SCORE}</tns:IntegerValue>".encode() in body


def test_utf16_document_with_doctype_is_refused(server):
    document = with_doctype("<!DOCTYPE s:Envelope>", "W")
    status, _, body = send(
        server, encoded(document, "utf-16"), headers={"Content-Type": "text/xml; charset=utf-16"}
    )
    assert "not allowed" in fault(status, body)


# --- HTTP framing and size ----------------------------------------------------------


def test_body_over_the_limit_is_413_with_a_fault(server, qualification_type):
    padding = "<!--" + "x" * MAX_BODY + "-->"
    status, _, body = send(server, score_call(qualification_type) + padding)
    faultstring = fault(status, body, http_status=413)
    assert str(MAX_BODY) in faultstring


def test_huge_body_is_refused_before_it_is_read(server):
    """Far past the limit (here 100 MB announced), the HTTP server refuses by itself
    with a plain 413, before reading the body."""
    answer = send_raw(
        server,
        b"POST / HTTP/1.1\r\nHost: soap-mturk\r\nContent-Type: text/xml\r\n"
        b"Content-Length: 100000000\r\n\r\n<s:Envelope/>",
    )
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert_no_internals(answer)


def test_chunked_body_over_the_limit_is_413_with_a_fault(server, qualification_type):
    data = (score_call(qualification_type) + "<!--" + "x" * MAX_BODY + "-->").encode()
    answer = send_raw(server, _chunked_request(data))
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413"), head
    assert str(MAX_BODY) in fault(413, body, http_status=413)


def test_chunked_body_is_answered(server, qualification_type):
    answer = send_raw(server, _chunked_request(score_call(qualification_type).encode()))
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200"), head
    assert f"<tns:IntegerValue>{SCORE}</tns:IntegerValue>".encode() in body


def _chunked_request(data: bytes) -> bytes:
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(data[i:i + 1000]), data[i:i + 1000])
                      for i in range(0, len(data), 1000))  # fmt: skip
    return (
        b"POST / HTTP/1.1\r\nHost: soap-mturk\r\nContent-Type: text/xml; charset=utf-8\r\n"
        b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + chunks + b"0\r\n\r\n"
    )


def test_content_length_larger_than_the_body(server, qualification_type):
    """The client promises more than it sends, then stops sending: the server waits
    for the rest, sees the connection end, and refuses the unfinished request
    instead of acting on the part that came."""
    data = score_call(qualification_type).encode()
    answer = send_raw(
        server,
        b"POST / HTTP/1.1\r\nHost: soap-mturk\r\nContent-Type: text/xml\r\n"
        b"Content-Length: %d\r\n\r\n" % (len(data) + 500) + data,
    )
    assert_no_internals(answer)
    assert b"<tns:IntegerValue>" not in answer
    if answer:  # a server may also just drop it; if it answers, it is a precise fault
        head, _, rest = answer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 400"), head
        assert f"ended after {len(data)} of the {len(data) + 500} bytes" in fault(
            400, rest, http_status=400
        )


def test_content_length_smaller_than_the_body(server, qualification_type):
    """The body is cut where Content-Length says: a truncated document, refused."""
    data = score_call(qualification_type).encode()
    answer = send_raw(
        server,
        b"POST / HTTP/1.1\r\nHost: soap-mturk\r\nContent-Type: text/xml\r\n"
        b"Content-Length: %d\r\n\r\n" % (len(data) // 2) + data,
    )
    head, _, rest = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 500"), head
    body = rest[: int(_header(head, b"Content-Length"))]
    assert "not well-formed XML" in fault(500, body)
    assert_no_internals(answer)


def _header(head: bytes, name: bytes) -> bytes:
    for line in head.split(b"\r\n")[1:]:
        key, _, value = line.partition(b":")
        if key.strip().lower() == name.lower():
            return value.strip()
    raise AssertionError(f"no {name!r} header in {head!r}")


@pytest.mark.parametrize(
    "method,path,expected",
    [
        ("GET", "/nothing/here", 404),
        ("GET", "/onca/soap", 404),
        ("GET", "/AWSMechanicalTurk/", 404),
        ("GET", "/../../etc/passwd", 404),
        ("GET", "/%00%ff", 404),
        # With Service named this is a REST call without an Operation: an MTurk error.
        ("GET", "/?Service=AWSMechanicalTurkRequester&wsdl=../../etc/passwd", 200),
        ("HEAD", "/nothing", 404),
        ("PUT", "/", 405),
        ("PUT", "/AWSMechanicalTurk/AWSMechanicalTurkRequester.wsdl", 405),
        ("DELETE", "/", 405),
        ("DELETE", "/onca/soap", 405),
        ("PATCH", "/anything", 405),
        ("OPTIONS", "/", 405),
        ("BREW", "/coffee", 405),
        ("POST", "/AWSMechanicalTurk/AWSMechanicalTurkRequester.wsdl", 405),
    ],
)
def test_odd_methods_and_paths_get_a_clean_answer(server, method, path, expected):
    status, headers, body = send(server, b"<x/>", method=method, path=path)
    assert status == expected, body
    assert_no_internals(body)
    assert b"root:" not in body
    if expected == 405:
        assert headers.get("Allow") == "GET, HEAD, POST"
    if expected == 200:
        assert b"<Code>AWS.MissingParameters</Code>" in body


# --- the last line of defence -------------------------------------------------------


def test_unexpected_failure_behind_the_endpoint_is_a_generic_server_fault(caplog):
    """An exception escaping the SOAP stack (here an authenticator that raises,
    standing in for any bug of ours) is answered with a Server fault that reveals
    nothing, and the details are logged on the server."""
    from soap_mturk.protocol.soap.endpoint import SoapEndpoint

    class Exploding:
        def authenticate(self, claims):
            raise RuntimeError("secret detail of the failure")

    endpoint = SoapEndpoint(domain=None, authenticator=Exploding(), max_body=MAX_BODY)  # type: ignore[arg-type]
    answers = []

    def start_response(status, headers, exc_info=None):
        answers.append(status)

    data = score_call("ANYTYPE").encode()
    environ = {"wsgi.input": io.BytesIO(data), "CONTENT_LENGTH": str(len(data))}
    with caplog.at_level(logging.ERROR):
        body = b"".join(endpoint(environ, start_response))
    assert answers == ["500 Internal Server Error"]
    assert b"secret detail" not in body
    assert "logged" in fault(500, body, code="Server")
    assert any(r.exc_info and "secret detail" in str(r.exc_info[1]) for r in caplog.records)


# --- clients that stall ---------------------------------------------------------------


def test_clients_that_stall_mid_request_do_not_hold_up_others(server, qualification_type):
    """Clients that stop sending halfway through their headers or their body hold
    their own connections, not the server: a normal call is answered meanwhile, long
    before the server gives up on them (10 s). The 5 s socket timeout is the failure
    signal, not a measurement."""
    stalled = []
    try:
        for number in range(8):
            sock = socket.create_connection((server.host, server.port), timeout=30)
            if number % 2:
                sock.sendall(b"POST / HTTP/1.1\r\nHost: soap-mturk\r\nContent-Type: text/")
            else:
                sock.sendall(
                    b"POST / HTTP/1.1\r\nHost: soap-mturk\r\nContent-Type: text/xml\r\n"
                    b"Content-Length: 1000\r\n\r\n<s:Envelope"
                )
            stalled.append(sock)
        status, _, body = send(server, score_call(qualification_type), timeout=5)
        assert status == 200, body
        assert f"<tns:IntegerValue>{SCORE}</tns:IntegerValue>".encode() in body
    finally:
        for sock in stalled:
            sock.close()


# --- where and how a call may arrive ----------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/?Service=AWSMechanicalTurkRequester", "/onca/soap",
                                  "/onca/soap?Service=AWSMechanicalTurkRequester"])  # fmt: skip
@pytest.mark.parametrize(
    "soap_action", [None, '""', '"http://soap.amazon.com"', "GetQualificationScore"]
)
def test_every_soap_path_answers_whatever_the_soap_action(
    server, qualification_type, path, soap_action
):
    status, _, answer = send(
        server, score_call(qualification_type), path=path, soap_action=soap_action
    )
    assert status == 200, answer
    assert f"<tns:IntegerValue>{SCORE}</tns:IntegerValue>".encode() in answer
