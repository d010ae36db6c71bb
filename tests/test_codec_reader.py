"""What the codec's SOAP reader accepts and refuses, element by element, and an
operation a version does not declare (no server needed)."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from lxml import etree

from soap_mturk.auth import AccessKeyIdentity
from soap_mturk.protocol.codec import Malformed, VersionCodec
from soap_mturk.protocol.soap.endpoint import SoapEndpoint
from soap_mturk.versions import LATEST, ApiVersion

NS = LATEST.namespace
XSI = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
XSD = 'xmlns:xsd="http://www.w3.org/2001/XMLSchema"'
CODEC = VersionCodec(LATEST)


def read(request: str, operation: str = "AssignQualification", head: str = "") -> dict:
    element = etree.fromstring(
        f'<{operation} xmlns="{NS}" xmlns:t="{NS}" {XSI} {XSD}><AWSAccessKeyId>K</AWSAccessKeyId>'
        f"<Timestamp>2014-08-15T09:00:00.5+02:00</Timestamp>{head}<Request>{request}</Request>"
        f"</{operation}>"
    )
    return CODEC.read_message(element, operation)


def test_a_plain_message_is_read_by_its_tables():
    message = read("<QualificationTypeId>T</QualificationTypeId><IntegerValue>7</IntegerValue>")
    assert message == {
        "AWSAccessKeyId": "K",
        "Timestamp": datetime(2014, 8, 15, 7, 0, 0, 500000, tzinfo=UTC),
        "Request": [{"QualificationTypeId": "T", "IntegerValue": 7}],
    }


def test_soap_lite_style_xsi_types_naming_the_declared_type_are_read():
    message = read(
        '<QualificationTypeId xsi:type="xsd:string">T</QualificationTypeId>'
        '<IntegerValue xsi:type="xsd:int">7</IntegerValue>'
        '<SendNotification xsi:type="xsd:boolean">0</SendNotification>'
    )
    assert message["Request"] == [
        {"QualificationTypeId": "T", "IntegerValue": 7, "SendNotification": False}
    ]
    search = read(
        '<SortDirection xsi:type="t:SortDirection">Ascending</SortDirection>',
        "SearchQualificationTypes",
    )
    assert search["Request"] == [{"SortDirection": "Ascending"}]


def test_comments_and_nil_values_carry_nothing():
    message = read(
        "<!-- a note --><QualificationTypeId>T<!-- inside --></QualificationTypeId>"
        '<IntegerValue xsi:nil="true"/>'
    )
    assert message["Request"] == [{"QualificationTypeId": "T"}]


@pytest.mark.parametrize(
    "request_xml, complaint",
    [
        ('<IntegerValue xsi:type="xsd:string">7</IntegerValue>', "xsi:type"),
        ("<Bogus>1</Bogus>", "has no element 'Bogus'"),
        (
            "<WorkerId>A</WorkerId>stray<QualificationTypeId>T</QualificationTypeId>",
            "holds the text 'stray'",
        ),
        ("<WorkerId>A</WorkerId><WorkerId>B</WorkerId>", "holds WorkerId more than once"),
        ("<WorkerId><x/></WorkerId>", "holds elements"),
        ("<IntegerValue>1_000</IntegerValue>", "is not a valid xs:int"),
        ('<WorkerId href="#w"/>', "SOAP-encoding reference"),
        ('<QualificationTypeId xmlns="urn:other">T</QualificationTypeId>', "has no element"),
    ],
)
def test_what_the_wsdl_does_not_allow_is_refused_with_its_place(request_xml, complaint):
    with pytest.raises(Malformed) as refused:
        read(request_xml)
    assert complaint in str(refused.value)
    assert "AssignQualification/Request" in str(refused.value)


def test_a_number_out_of_range_fails_its_request_alone():
    message = read("<IntegerValue>" + "9" * 5000 + "</IntegerValue>")
    (request,) = message["Request"]
    assert request.error.code == "AWS.ParameterOutOfRange"


def _post(endpoint: SoapEndpoint, operation: str) -> tuple[list[str], bytes]:
    body = (
        '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>'
        f'<{operation} xmlns="{NS}"><AWSAccessKeyId>K</AWSAccessKeyId>'
        "<Timestamp>2014-08-15T09:00:00Z</Timestamp><Signature>x</Signature>"
        f"</{operation}></s:Body></s:Envelope>"
    ).encode()
    statuses: list[str] = []
    environ = {"wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body))}
    answer = b"".join(endpoint(environ, lambda status, headers, *_: statuses.append(status)))
    return statuses, answer


def test_an_operation_the_version_does_not_declare_is_refused():
    """Versions are data: a version without DisposeQualificationType refuses it."""
    endpoint = SoapEndpoint(domain=None, authenticator=AccessKeyIdentity(), max_body=65536)  # type: ignore[arg-type]
    narrow = ApiVersion(LATEST.date, operations=("GetQualificationType",))
    endpoint.codecs[NS] = VersionCodec(narrow)
    statuses, answer = _post(endpoint, "DisposeQualificationType")
    assert statuses == ["500 Internal Server Error"]
    assert b"Unknown operation 'DisposeQualificationType'" in answer
