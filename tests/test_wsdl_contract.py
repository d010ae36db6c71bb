"""The WSDL contract: what the server serves is the shipped wsdl/ file, the
shipped file is what `soap-mturk wsdl` generates, and every message element in it
has the vendor's shape."""

from __future__ import annotations

import http.client
import subprocess
import sys
from pathlib import Path

import pytest

from soap_mturk.api.operations import OPERATIONS
from soap_mturk.protocol.soap.wsdl import SHIPPED_ADDRESS
from soap_mturk.versions import BY_DATE, FIRST_GENERATION_SHAPES, LATEST, VERSIONS, ApiVersion
from tests.conftest import vendor_wsdl_2007_or_skip, vendor_wsdl_or_skip
from tests.wsdl_compare import Wsdl, compare_elements

REPO = Path(__file__).resolve().parents[1]
DATES = [v.date for v in VERSIONS]
QUALIFICATION_OPERATIONS = {
    "CreateQualificationType", "GetQualificationType", "UpdateQualificationType",
    "SearchQualificationTypes", "DisposeQualificationType", "AssignQualification",
    "RevokeQualification", "GetQualificationScore", "UpdateQualificationScore",
    "GetQualificationsForQualificationType", "GetQualificationRequests",
    "GrantQualification", "RejectQualificationRequest",
}  # fmt: skip
# The HIT and assignment operations (issue 13), compared with the vendor's like the rest.
HIT_OPERATIONS = {
    "RegisterHITType", "CreateHIT", "GetHIT", "SearchHITs", "GetReviewableHITs",
    "GetHITsForQualificationType", "ChangeHITTypeOfHIT", "ExtendHIT", "ForceExpireHIT",
    "DisableHIT", "DisposeHIT", "SetHITAsReviewing", "GetAssignment", "GetAssignmentsForHIT",
    "ApproveAssignment", "RejectAssignment", "ApproveRejectedAssignment", "GetReviewResultsForHIT",
    "GetFileUploadURL",
}  # fmt: skip
# The account, worker and help operations (issue 14).
ACCOUNT_OPERATIONS = {
    "GetAccountBalance", "BlockWorker", "UnblockWorker", "GetBlockedWorkers", "NotifyWorkers",
    "Help", "SetHITTypeNotification", "SendTestEventNotification", "GrantBonus",
    "GetBonusPayments", "GetRequesterStatistic", "GetRequesterWorkerStatistic",
}  # fmt: skip
SERVED_OPERATIONS = QUALIFICATION_OPERATIONS | HIT_OPERATIONS | ACCOUNT_OPERATIONS
VENDOR_NAMESPACE = "http://requester.mturk.amazonaws.com/doc/2014-08-15"


def shipped(date: str) -> bytes:
    return (REPO / "wsdl" / date / "AWSMechanicalTurkRequester.wsdl").read_bytes()


def get(running, path: str, host: str | None = None) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(running.host, running.port, timeout=10)
    try:
        connection.putrequest("GET", path, skip_host=host is not None)
        if host is not None:
            connection.putheader("Host", host)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


# --- served == shipped == generated -----------------------------------------------

WSDL_PATHS = [
    (f"/AWSMechanicalTurk/{date}/AWSMechanicalTurkRequester.wsdl", date) for date in DATES
] + [
    ("/AWSMechanicalTurk/AWSMechanicalTurkRequester.wsdl", LATEST.date),
    ("/?wsdl", LATEST.date),
    ("/onca/soap?wsdl", LATEST.date),
]


@pytest.mark.parametrize("path,date", WSDL_PATHS, ids=[p for p, _ in WSDL_PATHS])
@pytest.mark.parametrize("host_name", ["127.0.0.1", "localhost"])
def test_served_wsdl_is_the_shipped_file_with_the_callers_address(emulator, path, date, host_name):
    host = f"{host_name}:{emulator.port}"
    status, body = get(emulator, path, host=host)
    assert status == 200
    address = Wsdl(body).address()
    assert address == f"http://{host}/?Service=AWSMechanicalTurkRequester"
    assert body.replace(address.encode(), SHIPPED_ADDRESS.encode()) == shipped(date)


def test_served_address_follows_the_host_header_not_the_socket(emulator):
    _, body = get(emulator, "/?wsdl", host="soap.example.test:8443")
    assert (
        Wsdl(body).address() == "http://soap.example.test:8443/?Service=AWSMechanicalTurkRequester"
    )


@pytest.mark.parametrize(
    "path",
    [
        "/AWSMechanicalTurk/2099-01-01/AWSMechanicalTurkRequester.wsdl",
        "/AWSMechanicalTurk/2010-01-01/AWSMechanicalTurkRequester.wsdl",
        "/AWSMechanicalTurk/latest/AWSMechanicalTurkRequester.wsdl",
    ],
)
def test_unknown_version_is_not_found(emulator, path):
    status, body = get(emulator, path)
    assert status == 404
    assert b"<wsdl:definitions" not in body


def test_shipped_files_are_what_soap_mturk_wsdl_generates(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "soap_mturk", "wsdl", "--out", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    generated = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*.wsdl"))
    assert generated == [Path(d) / "AWSMechanicalTurkRequester.wsdl" for d in sorted(DATES)]
    for date in DATES:
        assert (tmp_path / date / "AWSMechanicalTurkRequester.wsdl").read_bytes() == shipped(
            date
        ), f"wsdl/{date} is stale: run `soap-mturk wsdl` and commit the result"


# --- our own WSDL's conventions ---------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS, ids=DATES)
def test_shipped_wsdl_serves_the_qualification_operations_as_the_vendor_binds_them(version):
    ours = Wsdl(shipped(version.date))
    assert ours.target_namespace == version.namespace
    assert [s.get("targetNamespace") for s in ours.schemas] == [version.namespace]
    assert [s.get("elementFormDefault") for s in ours.schemas] == ["qualified"]
    assert set(ours.operations()) == set(version.operations) <= SERVED_OPERATIONS
    assert SERVED_OPERATIONS == set(OPERATIONS)
    for name, (request, response) in ours.operations().items():
        assert (request, response) == (name, name + "Response")
    bindings = ours.binding_operations()
    assert set(bindings) == set(version.operations)
    for name, facts in bindings.items():
        assert facts == {
            "style": "document",
            "transport": "http://schemas.xmlsoap.org/soap/http",
            "soapAction": "http://soap.amazon.com",
            "input use": "literal",
            "output use": "literal",
        }, name


# --- the structural comparison with the vendor --------------------------------------


SUBDIVISION = b'<xs:element name="Subdivision" type="xs:string" minOccurs="0" />'


def vendor_wsdl_for(version: ApiVersion) -> Wsdl:
    """The vendor's WSDL of the version where ../shared/reference has it (2007-06-21,
    2014-08-15). For a version between them, the vendor document its declaration
    says it matches, in its namespace: the 2014-08-15 one for the versions with
    2012's operations (GetAssignment), without Locale/Subdivision where the version's
    Locale is a Country only; the 2007-06-21 one for the others, with
    DisposeQualificationType grafted in where the version has it (2008-08-02: the
    vendor's 2008-08-02 reference, mdp/rturk aws_docs/, has the 2007 operations and
    messages plus that one). The first generation has no vendor WSDL at hand
    (test_first_generation_... below)."""
    if version.has("GetAssignment"):
        text = vendor_wsdl_or_skip().read_bytes()
        assert text.count(SUBDIVISION) == 1
        if "Subdivision" in version.shapes.absent.get("Locale", ()):
            text = text.replace(SUBDIVISION, b"")
        return Wsdl(text.replace(VENDOR_NAMESPACE.encode(), version.namespace.encode()))
    text = vendor_wsdl_2007_or_skip().read_bytes()
    if version.has("DisposeQualificationType"):
        text = with_dispose_qualification_type(text)
    return Wsdl(text.replace(b"/doc/2007-06-21", f"/doc/{version.date}".encode()))


def with_dispose_qualification_type(text_2007: bytes) -> bytes:
    """The 2007-06-21 document with the 2014-08-15 one's DisposeQualificationType:
    its message elements and types, its `Request` echo slot (after
    CreateQualificationTypeRequest, as in 2014), its messages and port type entry."""
    text_2014 = vendor_wsdl_or_skip().read_bytes()
    start = text_2014.index(b"<!-- Dispose Qualification -->")
    declarations = text_2014[start : text_2014.index(b"<!--", start + 1)]
    echo_2007 = b'<xs:element name="CreateQualificationTypeRequest"'
    echo_2014 = b'<xs:element name="DisposeQualificationTypeRequest" type='
    echo = text_2014[text_2014.index(echo_2014) :]
    echo = echo[: echo.index(b"/>") + 2]
    messages = (
        b'<message name="DisposeQualificationTypeRequestMsg"><part name="body" '
        b'element="tns:DisposeQualificationType"/></message>'
        b'<message name="DisposeQualificationTypeResponseMsg"><part name="body" '
        b'element="tns:DisposeQualificationTypeResponse"/></message>'
    )
    port_type_entry = (
        b'<operation name="DisposeQualificationType">'
        b'<input message="tns:DisposeQualificationTypeRequestMsg"/>'
        b'<output message="tns:DisposeQualificationTypeResponseMsg"/></operation>'
    )
    assert text_2007.count(echo_2007) == 1 and text_2007.count(b"</xs:schema>") == 1
    at = text_2007.index(echo_2007)
    at = text_2007.index(b"/>", at) + 2
    text = text_2007[:at] + echo + text_2007[at:]
    text = text.replace(b"</xs:schema>", declarations + b"</xs:schema>")
    text = text.replace(b"<portType ", messages + b"<portType ", 1)
    return text.replace(b"</portType>", port_type_entry + b"</portType>", 1)


WITH_VENDOR_SHAPE = [v for v in VERSIONS if v.shapes is not FIRST_GENERATION_SHAPES]


@pytest.mark.parametrize("version", WITH_VENDOR_SHAPE, ids=[v.date for v in WITH_VENDOR_SHAPE])
def test_every_message_element_has_the_vendors_shape(version):
    """Each operation's request and response element, compared recursively with the
    vendor's: names, order, occurs, nillable, builtin types, enumeration values,
    attributes.

    One allowance: the vendor's global `Request` element (the first child of every
    result) can echo the request of any of its 44 operations, one optional child
    per operation. We serve the 13 qualification operations, so our `Request`
    declares only their echo children. There, the vendor's child list is filtered
    to the children we declare, and what remains must match in order, occurs and
    type; anything we declare that the vendor lacks is still a difference. That no
    qualification echo child is missing is checked by
    test_request_echo_holds_every_qualification_request below.
    """
    ours = Wsdl(shipped(version.date))
    vendor = vendor_wsdl_for(version)
    vendor_operations = vendor.operations()
    differences = []
    for name, (request, response) in ours.operations().items():
        vendor_request, vendor_response = vendor_operations[name]
        for mine, theirs in ((request, vendor_request), (response, vendor_response)):
            differences += compare_elements(ours, mine, vendor, theirs, supersets={"Request"})
    assert differences == []


@pytest.mark.parametrize("version", WITH_VENDOR_SHAPE, ids=[v.date for v in WITH_VENDOR_SHAPE])
def test_request_echo_holds_every_qualification_request(version):
    """Our `Request` element holds IsValid, then the echo child of every one of the
    version's operations that the vendor's has a slot for (GetQualificationScore and
    UpdateQualificationScore have none), in the vendor's order, then Errors."""
    ours = Wsdl(shipped(version.date))
    vendor = vendor_wsdl_for(version)
    vendor_children, _ = vendor.children(vendor.global_element("Request").content)
    expected = [
        p.name
        for p in vendor_children
        if p.name in ("IsValid", "Errors") or p.name.removesuffix("Request") in version.operations
    ]
    # Every operation has a slot but GetQualificationScore, UpdateQualificationScore,
    # SetHITTypeNotification and SendTestEventNotification (the 2007-06-21 document
    # names two slots without the "Request" suffix: GetAssignmentsForHIT, GetFileUploadURL).
    slotless = {"GetQualificationScore", "UpdateQualificationScore", "SetHITTypeNotification",
                "SendTestEventNotification"}  # fmt: skip
    assert len(expected) == 2 + len(version.operations - slotless)
    score = ours.global_element("GetQualificationScoreResponse")
    (_, qualification), _ = ours.children(score.content)
    (echo, *_), _ = ours.children(qualification.content)
    assert echo.name == "Request"
    our_children, _ = ours.children(echo.content)
    assert [p.name for p in our_children] == expected


@pytest.mark.parametrize("date", ["2014-08-15", "2007-06-21"])
def test_wsdl_names_are_the_vendors(date):
    """Code generators name classes after the service, port, binding, port type and
    messages, so a client generated from ours looks like one generated from theirs."""
    vendor_path = vendor_wsdl_or_skip() if date == LATEST.date else vendor_wsdl_2007_or_skip()
    ours, vendor = Wsdl(shipped(date)), Wsdl(vendor_path)
    operations = BY_DATE[date].operations

    def names(wsdl: Wsdl) -> dict[str, object]:
        w = "{http://schemas.xmlsoap.org/wsdl/}"
        root = wsdl.root
        messages = {m.get("name") for m in root.iterfind(w + "message")}
        return {
            "service": [s.get("name") for s in root.iterfind(w + "service")],
            "port": [p.get("name") for p in root.iterfind(f"{w}service/{w}port")],
            "binding": [b.get("name") for b in root.iterfind(w + "binding")],
            "portType": [p.get("name") for p in root.iterfind(w + "portType")],
            "messages": {m for m in messages if m.removesuffix("RequestMsg").removesuffix(
                "ResponseMsg") in operations},
        }  # fmt: skip

    assert names(ours) == names(vendor)
    all_ours = ours.root.findall("{http://schemas.xmlsoap.org/wsdl/}message")
    assert len(all_ours) == len(names(ours)["messages"]) == 2 * len(operations)


def test_vendor_wsdl_compared_with_itself_shows_no_difference():
    vendor = Wsdl(vendor_wsdl_or_skip())
    assert len(vendor.operations()) == 44
    for request, response in vendor.operations().values():
        assert compare_elements(vendor, request, vendor, request) == []
        assert compare_elements(vendor, response, vendor, response) == []


# --- the comparison can fail --------------------------------------------------------

ALTERATIONS = {
    "occurs": (
        b'<xs:element name="Subdivision" type="xs:string" minOccurs="0"/>',
        b'<xs:element name="Subdivision" type="xs:string"/>',
        # Locale is reached first through the CreateHIT echo's QualificationRequirement.
        "GetQualificationScoreResponse/Qualification/Request/CreateHITRequest/"
        "QualificationRequirement/LocaleValue/Subdivision: occurs 1..1, vendor 0..1",
    ),
    "type": (
        b'<xs:element name="IntegerValue" type="xs:int" minOccurs="0"/>',
        b'<xs:element name="IntegerValue" type="xs:long" minOccurs="0"/>',
        "GetQualificationScoreResponse/Qualification/IntegerValue: type xs:long, vendor xs:int",
    ),
    "enumeration": (
        b'<xs:enumeration value="Revoked"/>',
        b'<xs:enumeration value="Withdrawn"/>',
        "GetQualificationScoreResponse/Qualification/Status: enumeration ['Granted', 'Withdrawn'], "
        "vendor ['Granted', 'Revoked']",
    ),
    "order": (
        b'<xs:element name="QualificationTypeId" type="xs:string" minOccurs="0"/>\n'
        b'          <xs:element name="SubjectId" type="xs:string" minOccurs="0"/>',
        b'<xs:element name="SubjectId" type="xs:string" minOccurs="0"/>\n'
        b'          <xs:element name="QualificationTypeId" type="xs:string" minOccurs="0"/>',
        "GetQualificationScoreResponse/Qualification: children ['Request', 'SubjectId', "
        "'QualificationTypeId', 'GrantTime', 'IntegerValue', 'LocaleValue', 'Status'], "
        "vendor ['Request', 'QualificationTypeId', 'SubjectId', 'GrantTime', 'IntegerValue', "
        "'LocaleValue', 'Status']",
    ),
    "attribute": (
        b'<xs:attribute name="Value" type="xs:string" use="required"/>',
        b'<xs:attribute name="Value" type="xs:string"/>',
        "GetQualificationScoreResponse/OperationRequest/HTTPHeaders/Header: attributes "
        "[('Name', 'string', 'required'), ('Value', 'string', 'optional')], "
        "vendor [('Name', 'string', 'required'), ('Value', 'string', 'required')]",
    ),
    "named type made anonymous": (
        b'<xs:element name="LocaleValue" type="tns:Locale" minOccurs="0"/>',
        b'<xs:element name="LocaleValue" minOccurs="0"><xs:complexType><xs:sequence>'
        b'<xs:element name="Country" type="xs:string"/>'
        b'<xs:element name="Subdivision" type="xs:string" minOccurs="0"/>'
        b"</xs:sequence></xs:complexType></xs:element>",
        "GetQualificationScoreResponse/Qualification/LocaleValue: type anonymous, "
        "vendor named 'Locale'",
    ),
    "ref made local": (
        b'<xs:element ref="tns:Errors" minOccurs="0"/>',
        b'<xs:element name="Errors" minOccurs="0"><xs:complexType><xs:sequence>'
        b'<xs:element name="Error" maxOccurs="unbounded"><xs:complexType><xs:sequence>'
        b'<xs:element name="Code" type="xs:string"/><xs:element name="Message" type="xs:string"/>'
        b'<xs:element name="Data" type="tns:KeyValuePair" minOccurs="0" maxOccurs="unbounded"/>'
        b"</xs:sequence></xs:complexType></xs:element></xs:sequence></xs:complexType></xs:element>",
        "GetQualificationScoreResponse/OperationRequest/Errors: declared as a local element, "
        "vendor a ref to a global element",
    ),
    "echo child the vendor lacks": (
        b'<xs:element name="IsValid" type="xs:string" minOccurs="0"/>',
        b'<xs:element name="IsValid" type="xs:string" minOccurs="0"/>'
        b'<xs:element name="Echo" type="xs:string" minOccurs="0"/>',
        "GetQualificationScoreResponse/Qualification/Request: children ['IsValid', 'Echo', ",
    ),
}


@pytest.mark.parametrize("alteration", ALTERATIONS)
def test_comparison_reports_a_deliberate_difference(alteration):
    """Our WSDL against an altered copy of itself (the copy plays "ours"): needs no
    vendor file, so it also guards the helper in a fresh clone."""
    original, altered, expected = ALTERATIONS[alteration]
    text = shipped(LATEST.date)
    assert text.count(original) >= 1
    reference, changed = Wsdl(text), Wsdl(text.replace(original, altered))
    assert compare_elements(reference, "GetQualificationScoreResponse", reference,
                            supersets={"Request"}) == []  # fmt: skip
    differences = compare_elements(
        changed, "GetQualificationScoreResponse", reference, supersets={"Request"}
    )
    assert any(d.startswith(expected) for d in differences), differences
