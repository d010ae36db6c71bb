"""Authentication over SOAP, end to end: a zeep client signs each envelope it sends
(tests/signing.py) and the emulator verifies it. Every refused call is answered in
OperationRequest/Errors with no results, and a later read shows it wrote nothing."""

from __future__ import annotations

import datetime
import uuid

import pytest
import requests
import zeep
from lxml import etree

from tests.conftest import ALL_OPERATION_VERSIONS, BINDING, SECRETS, vendor_wsdl_or_skip
from tests.signing import OMIT, VendorSigner, java_timestamp, signed, vendor_signature

A, B = "AKIAREQUESTERA", "AKIAREQUESTERB"
WORKER = "AZ3456EXAMPLE"


def now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


@pytest.fixture(scope="module")
def signer():
    return VendorSigner(SECRETS)


@pytest.fixture(scope="module", params=[v.date for v in ALL_OPERATION_VERSIONS])
def service(request, signed_emulator, signer):
    client = zeep.Client(signed_emulator.wsdl_url(request.param), plugins=[signer])
    return client.service


@pytest.fixture(scope="module")
def scored_type(service):
    """A's type, with WORKER holding a score of 10."""
    created = service.CreateQualificationType(
        **signed(A),
        Request=[
            {
                "Name": f"Auth {uuid.uuid4()}",
                "Description": "auth tests",
                "QualificationTypeStatus": "Active",
            }
        ],
    )
    type_id = created.QualificationType[0].QualificationTypeId
    assigned = service.AssignQualification(
        **signed(A),
        Request=[{"QualificationTypeId": type_id, "WorkerId": WORKER, "IntegerValue": 10}],
    )
    assert assigned.AssignQualificationResult[0].Request.IsValid == "True"
    return type_id


def refusal(response) -> str:
    """The code of a call refused as a whole; asserts it carries no results."""
    errors = response.OperationRequest.Errors
    assert errors is not None, "the call was not refused"
    results = [v for k, v in response.__values__.items() if k != "OperationRequest"]
    assert all(not r for r in results), f"a refused call carried results: {results}"
    return errors.Error[0].Code


def score(service, type_id) -> int:
    read = service.GetQualificationScore(
        **signed(A), Request=[{"QualificationTypeId": type_id, "SubjectId": WORKER}]
    )
    assert read.Qualification[0].Request.IsValid == "True"
    return read.Qualification[0].IntegerValue


def update_score(service, type_id, value, **common):
    return service.UpdateQualificationScore(
        **common,
        Request=[{"QualificationTypeId": type_id, "SubjectId": WORKER, "IntegerValue": value}],
    )


def create_named(service, name, **common):
    return service.CreateQualificationType(
        **common,
        Request=[
            {"Name": name, "Description": "must not exist", "QualificationTypeStatus": "Active"}
        ],
    )


def types_named(service, name) -> int:
    found = service.SearchQualificationTypes(
        **signed(A),
        Request=[{"Query": name, "MustBeRequestable": False, "MustBeOwnedByCaller": True}],
    )
    return found.SearchQualificationTypesResult[0].TotalNumResults


# --- accepted ----------------------------------------------------------------------------


def test_signed_call_is_accepted(service, scored_type, signer):
    updated = update_score(service, scored_type, 11, **signed(A))
    assert updated.OperationRequest.Errors is None
    assert updated.UpdateQualificationScoreResult[0].Request.IsValid == "True"
    assert score(service, scored_type) == 11
    # zeep wrote its own Timestamp form, and that exact text was signed.
    operation, timestamp = signer.signed[-2]
    assert operation == "UpdateQualificationScore" and "T" in timestamp


def test_java_sdk_millisecond_timestamp_is_accepted(service, scored_type, signer):
    stamp = java_timestamp()
    assert len(stamp.split(".")[1]) == 4  # "123Z"
    updated = update_score(service, scored_type, 12, **signed(A, stamp))
    assert updated.UpdateQualificationScoreResult[0].Request.IsValid == "True"
    assert signer.signed[-1] == ("UpdateQualificationScore", stamp)
    assert score(service, scored_type) == 12


@pytest.mark.parametrize(
    "form", ["%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S+00:00", "%Y-%m-%dT%H:%M:%S.%f"]
)
def test_other_timestamp_forms_are_accepted(service, scored_type, form):
    stamp = now().strftime(form)
    updated = update_score(service, scored_type, 13, **signed(A, stamp))
    assert updated.UpdateQualificationScoreResult[0].Request.IsValid == "True"


def test_offset_timestamp_in_another_zone_is_accepted(service, scored_type):
    stamp = now().astimezone(datetime.timezone(datetime.timedelta(hours=-5))).isoformat()
    updated = update_score(service, scored_type, 14, **signed(A, stamp))
    assert updated.UpdateQualificationScoreResult[0].Request.IsValid == "True"
    assert score(service, scored_type) == 14


# --- refused, and nothing written ---------------------------------------------------------


def test_wrong_secret(service, scored_type):
    before = score(service, scored_type)
    stamp = java_timestamp()
    forged = vendor_signature("not A's secret", "UpdateQualificationScore", stamp)
    response = update_score(
        service, scored_type, before + 100, AWSAccessKeyId=A, Timestamp=stamp, Signature=forged
    )
    assert refusal(response) == "AWS.NotAuthorized"
    assert score(service, scored_type) == before


def test_wrong_secret_creates_nothing(service):
    name = f"Forged {uuid.uuid4()}"
    stamp = java_timestamp()
    forged = vendor_signature(SECRETS[B], "CreateQualificationType", stamp)  # B's secret, A's key
    response = create_named(service, name, AWSAccessKeyId=A, Timestamp=stamp, Signature=forged)
    assert refusal(response) == "AWS.NotAuthorized"
    assert types_named(service, name) == 0


def test_unknown_key(service):
    name = f"Unknown {uuid.uuid4()}"
    stamp = java_timestamp()
    signature = vendor_signature("some secret", "CreateQualificationType", stamp)
    response = create_named(
        service, name, AWSAccessKeyId="AKIAUNKNOWN", Timestamp=stamp, Signature=signature
    )
    assert refusal(response) == "AWS.NotAuthorized"
    assert types_named(service, name) == 0


def test_signature_replayed_on_another_operation(service, scored_type):
    before = score(service, scored_type)
    stamp = java_timestamp()
    for_reading = vendor_signature(SECRETS[A], "GetQualificationScore", stamp)
    common = {"AWSAccessKeyId": A, "Timestamp": stamp, "Signature": for_reading}
    # The signature is genuine for the operation it was made for...
    read = service.GetQualificationScore(
        **common, Request=[{"QualificationTypeId": scored_type, "SubjectId": WORKER}]
    )
    assert read.Qualification[0].IntegerValue == before
    # ...and worthless on another.
    response = update_score(service, scored_type, before + 50, **common)
    assert refusal(response) == "AWS.NotAuthorized"
    assert score(service, scored_type) == before


@pytest.mark.parametrize(
    "offset",
    [datetime.timedelta(minutes=-16), datetime.timedelta(minutes=16), datetime.timedelta(days=-1)],
    ids=["stale", "future", "yesterday"],
)
def test_timestamp_outside_the_window(service, scored_type, offset):
    before = score(service, scored_type)
    response = update_score(
        service, scored_type, before + 1, **signed(A, java_timestamp(now() + offset))
    )
    assert refusal(response) == "AWS.BadClaimsSupplied"
    assert score(service, scored_type) == before


def test_missing_signature(service, scored_type):
    before = score(service, scored_type)
    common = dict(signed(A), Signature=OMIT)
    response = update_score(service, scored_type, before + 1, **common)
    assert refusal(response) == "AWS.BadClaimsSupplied"
    assert score(service, scored_type) == before


def test_empty_signature(service, scored_type):
    before = score(service, scored_type)
    response = update_score(service, scored_type, before + 1, **dict(signed(A), Signature=""))
    assert refusal(response) == "AWS.BadClaimsSupplied"
    assert score(service, scored_type) == before


def test_malformed_timestamp(service, scored_type):
    before = score(service, scored_type)
    response = update_score(service, scored_type, before + 1, **signed(A, "last Tuesday"))
    assert refusal(response) == "AWS.BadClaimsSupplied"
    assert score(service, scored_type) == before


def test_every_request_of_a_refused_batch_is_unwritten(service):
    names = [f"Batch {uuid.uuid4()}" for _ in range(3)]
    stamp = java_timestamp()
    response = service.CreateQualificationType(
        AWSAccessKeyId=A,
        Timestamp=stamp,
        Signature=vendor_signature("wrong", "CreateQualificationType", stamp),
        Request=[
            {"Name": n, "Description": "d", "QualificationTypeStatus": "Active"} for n in names
        ],
    )
    assert refusal(response) == "AWS.NotAuthorized"
    assert [types_named(service, n) for n in names] == [0, 0, 0]


# --- the exact bytes on the wire ------------------------------------------------------------

ENVELOPE = """<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"
    xmlns:mt="http://requester.mturk.amazonaws.com/doc/2014-08-15">
  <soapenv:Body>
    <mt:GetQualificationScore>
      <mt:AWSAccessKeyId>{key}</mt:AWSAccessKeyId>
      <mt:Timestamp>{timestamp}</mt:Timestamp>
      <mt:Signature>{signature}</mt:Signature>
      <mt:Request><mt:QualificationTypeId>{type_id}</mt:QualificationTypeId>
        <mt:SubjectId>{worker}</mt:SubjectId></mt:Request>
    </mt:GetQualificationScore>
  </soapenv:Body>
</soapenv:Envelope>"""


def post(running, **fields) -> etree._Element:
    body = ENVELOPE.format(worker=WORKER, **fields).encode()
    reply = requests.post(
        running.soap_url,
        data=body,
        headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": "http://soap.amazon.com"},
    )
    assert reply.status_code == 200
    return etree.fromstring(reply.content)


def test_refusal_on_the_wire_holds_only_operation_request(signed_emulator, scored_type):
    stamp = java_timestamp()
    root = post(
        signed_emulator,
        key=A,
        timestamp=stamp,
        type_id=scored_type,
        signature=vendor_signature("wrong", "GetQualificationScore", stamp),
    )
    response = root.find(".//{*}GetQualificationScoreResponse")
    assert [etree.QName(c).localname for c in response] == ["OperationRequest"]
    codes = response.findall("{*}OperationRequest/{*}Errors/{*}Error/{*}Code")
    assert [c.text for c in codes] == ["AWS.NotAuthorized"]
    assert response.findtext("{*}OperationRequest/{*}RequestId")


def test_hand_written_envelope_signed_over_its_own_timestamp_text(signed_emulator, scored_type):
    stamp = now().strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    root = post(
        signed_emulator,
        key=A,
        timestamp=stamp,
        type_id=scored_type,
        signature=vendor_signature(SECRETS[A], "GetQualificationScore", stamp),
    )
    assert root.findtext(".//{*}Qualification/{*}Request/{*}IsValid") == "True"


def test_refused_call_is_answered_from_its_claims_alone(signed_emulator):
    # The request is malformed too (an IntegerValue that is no integer), but an
    # unauthenticated caller learns only that it is not authorized.
    stamp = java_timestamp()
    body = ENVELOPE.format(
        key=A,
        timestamp=stamp,
        type_id="X",
        worker=WORKER,
        signature=vendor_signature("wrong", "GetQualificationScore", stamp),
    )
    body = body.replace(
        "<mt:SubjectId>", "<mt:IntegerValue>not a number</mt:IntegerValue><mt:SubjectId>"
    )
    reply = requests.post(
        signed_emulator.soap_url,
        data=body.encode(),
        headers={"Content-Type": "text/xml; charset=utf-8"},
    )
    root = etree.fromstring(reply.content)
    assert root.find(".//{*}Fault") is None
    assert root.findtext(".//{*}OperationRequest/{*}Errors/{*}Error/{*}Code") == "AWS.NotAuthorized"


def test_client_generated_from_the_vendor_wsdl(signed_emulator, signer, scored_type):
    namespace = "http://requester.mturk.amazonaws.com/doc/2014-08-15"
    client = zeep.Client(str(vendor_wsdl_or_skip()), plugins=[signer])
    vendor = client.create_service(BINDING % namespace, signed_emulator.soap_url)
    read = vendor.GetQualificationScore(
        **signed(A, java_timestamp()),
        Request=[{"QualificationTypeId": scored_type, "SubjectId": WORKER}],
    )
    assert read.Qualification[0].Request.IsValid == "True"
    refused = vendor.GetQualificationScore(
        **signed(A, java_timestamp(now() - datetime.timedelta(hours=1))),
        Request=[{"QualificationTypeId": scored_type, "SubjectId": WORKER}],
    )
    assert refusal(refused) == "AWS.BadClaimsSupplied"
