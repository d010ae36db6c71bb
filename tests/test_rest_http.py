"""The REST interface over plain HTTP (urllib), as hand-written scripts used it:
GET with a query string and form POST, at / and /onca/xml, and every way a call
can be refused."""

from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest

from soap_mturk.versions import LATEST
from tests.rest_support import (
    FORM,
    OWNER,
    SERVICE,
    call,
    host_of,
    now_text,
    rest_emulator,
    sigv2_signature,
    text,
    vendor_signed,
)

GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
WORKER = "AZ3456EXAMPLE"


def create_type(running, **extra) -> str:
    status, _, root = call(
        running,
        vendor_signed(
            OWNER,
            "CreateQualificationType",
            Name=f"rest {uuid.uuid4()}",
            Description="over plain HTTP",
            QualificationTypeStatus="Active",
            **extra,
        ),
    )
    assert status == 200
    assert text(root, "QualificationType/Request/IsValid") == "True", text(
        root, "QualificationType/Request/Errors/Error/Message"
    )
    return text(root, "QualificationType/QualificationTypeId")


def test_get_at_root_answers_the_latest_versions_document(rest_emulator):
    name = f"rest {uuid.uuid4()}"
    status, headers, root = call(
        rest_emulator,
        vendor_signed(
            OWNER,
            "CreateQualificationType",
            Name=name,
            Description="d",
            QualificationTypeStatus="Active",
        ),
    )
    assert status == 200
    assert headers["Content-Type"].startswith("text/xml")
    assert root.tag == "CreateQualificationTypeResponse"
    assert root.nsmap == {}  # REST answers are plain elements, as the service wrote them
    assert GUID.match(text(root, "OperationRequest/RequestId"))
    assert text(root, "QualificationType/Request/IsValid") == "True"
    assert text(root, "QualificationType/Name") == name
    assert text(root, "QualificationType/QualificationTypeStatus") == "Active"


def test_form_post_at_onca_xml_answers_the_version_asked_for(rest_emulator):
    type_id = create_type(rest_emulator)
    params = vendor_signed(
        OWNER, "GetQualificationType", Version="2012-03-25", QualificationTypeId=type_id
    )
    status, headers, root = call(rest_emulator, params, method="POST", path="/onca/xml")
    assert status == 200
    assert headers["Content-Type"].startswith("text/xml")
    assert root.tag == "GetQualificationTypeResponse"
    assert text(root, "QualificationType/QualificationTypeId") == type_id


def test_form_post_at_root_with_service_in_the_query_too(rest_emulator):
    # Clients that post to the endpoint address carry Service in the query as well.
    type_id = create_type(rest_emulator)
    params = vendor_signed(OWNER, "GetQualificationType", QualificationTypeId=type_id)
    body = urllib.parse.urlencode(params).encode()
    request = urllib.request.Request(
        rest_emulator.base_url + "/?Service=" + SERVICE,
        data=body,
        method="POST",
        headers={"Content-Type": FORM},
    )
    with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(
        request, timeout=30
    ) as response:
        document = response.read()
    assert b"<QualificationTypeId>" + type_id.encode() in document


@pytest.mark.parametrize(
    "group",
    [
        {"ResponseGroup.1": "Request"},
        {"ResponseGroup": "Request"},
        {"ResponseGroup.1": "Minimal", "ResponseGroup.2": "Request"},
    ],
    ids=["numbered", "unnumbered", "second-of-two"],
)
def test_response_group_request_echoes_the_request(rest_emulator, group):
    name = f"echo {uuid.uuid4()}"
    params = vendor_signed(
        OWNER,
        "CreateQualificationType",
        Name=name,
        Description="d",
        QualificationTypeStatus="Active",
        RetryDelayInSeconds=30,
        **group,
    )
    _, _, root = call(rest_emulator, params)
    echoed = "QualificationType/Request/CreateQualificationTypeRequest/"
    assert text(root, echoed + "Name") == name
    assert text(root, echoed + "RetryDelayInSeconds") == "30"
    assert text(root, echoed + "ResponseGroup") in group.values()


def test_without_response_group_nothing_is_echoed(rest_emulator):
    _, _, root = call(
        rest_emulator,
        vendor_signed(
            OWNER,
            "CreateQualificationType",
            Name=f"plain {uuid.uuid4()}",
            Description="d",
            QualificationTypeStatus="Active",
        ),
    )
    assert text(root, "QualificationType/Request/IsValid") == "True"
    assert text(root, "QualificationType/Request/CreateQualificationTypeRequest/Name") is None


def test_markup_in_a_parameter_is_escaped_text_in_the_answer(rest_emulator):
    description = "<b>bold</b> & <i>more</i>"
    type_id = create_type(rest_emulator)
    params = vendor_signed(
        OWNER, "UpdateQualificationType", QualificationTypeId=type_id, Description=description
    )
    _, _, root = call(rest_emulator, params, method="POST")
    assert text(root, "QualificationType/Description") == description


def test_signature_version_2_request_is_answered(rest_emulator):
    type_id = create_type(rest_emulator)
    params = {
        "Service": SERVICE,
        "Operation": "GetQualificationType",
        "Version": LATEST.date,
        "AWSAccessKeyId": OWNER.access_key,
        "Timestamp": now_text(),
        "SignatureVersion": "2",
        "SignatureMethod": "HmacSHA256",
        "QualificationTypeId": type_id,
    }
    params["Signature"] = sigv2_signature(
        OWNER.secret_key, "GET", host_of(rest_emulator), "/", params
    )
    _, _, root = call(rest_emulator, params)
    assert text(root, "QualificationType/QualificationTypeId") == type_id


# --- the call as a whole refused: OperationRequest/Errors and no results -------------


@pytest.mark.parametrize(
    "change, code, root_name",
    [
        (
            {"Operation": "NoSuchOperation"},
            "AWS.InvalidOperationParameter",
            "NoSuchOperationResponse",
        ),
        ({"Operation": None}, "AWS.MissingParameters", "Response"),
        (
            {"Version": "2010-01-01"},
            "AWS.MechanicalTurk.InvalidParameterValue",
            "GetQualificationTypeResponse",
        ),
        (
            {"Service": "AWSECommerceService"},
            "AWS.InvalidServiceParameter",
            "GetQualificationTypeResponse",
        ),
        ({"AWSAccessKeyId": None}, None, "GetQualificationTypeResponse"),
    ],
    ids=["unknown-operation", "no-operation", "unserved-version", "wrong-service", "no-access-key"],
)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_call_refused_as_a_whole(rest_emulator, change, code, root_name, method):
    params = vendor_signed(
        OWNER, "GetQualificationType", QualificationTypeId="ANYTYPEID00000000000"
    )
    for name, value in change.items():
        if value is None:
            params.pop(name)
        else:
            params[name] = value
    status, headers, root = call(rest_emulator, params, method=method)
    assert status == 200
    assert headers["Content-Type"].startswith("text/xml")
    assert root.tag == root_name
    assert [child.tag for child in root] == ["OperationRequest"]
    assert GUID.match(text(root, "OperationRequest/RequestId"))
    found = text(root, "OperationRequest/Errors/Error/Code")
    if code is None:  # the authenticator's to choose; a credentials code either way
        assert found in ("AWS.BadClaimsSupplied", "AWS.NotAuthorized", "AWS.BadCredentialSupplied")
    else:
        assert found == code
    assert text(root, "OperationRequest/Errors/Error/Message")


def test_service_may_be_absent_as_boto_sends_it(rest_emulator):
    type_id = create_type(rest_emulator)
    params = vendor_signed(OWNER, "GetQualificationType", QualificationTypeId=type_id)
    del params["Service"]
    _, _, root = call(rest_emulator, params, method="POST")
    assert text(root, "QualificationType/QualificationTypeId") == type_id


def test_a_parameter_given_twice_with_different_values_is_refused(rest_emulator):
    params = list(
        vendor_signed(
            OWNER, "GetQualificationType", QualificationTypeId="A0000000000000000000"
        ).items()
    )
    params.append(("QualificationTypeId", "B0000000000000000000"))
    _, _, root = call(rest_emulator, params)
    assert (
        text(root, "OperationRequest/Errors/Error/Code")
        == "AWS.MechanicalTurk.InvalidParameterValue"
    )


def test_a_query_that_is_not_utf8_is_refused(rest_emulator):
    url = (
        rest_emulator.base_url
        + "/?Service="
        + SERVICE
        + "&Operation=GetQualificationType&QualificationTypeId=%FF"
    )
    with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(
        url, timeout=30
    ) as response:
        document = response.read()
    assert b"<Code>AWS.MechanicalTurk.InvalidParameterValue</Code>" in document


@pytest.mark.parametrize("where", ["Name", "Description", "Control\x01Name"])
def test_a_character_xml_cannot_carry_is_refused_and_nothing_is_stored(rest_emulator, where):
    name = f"control {uuid.uuid4()}"
    params = vendor_signed(
        OWNER,
        "CreateQualificationType",
        Name=name,
        Description="d",
        QualificationTypeStatus="Active",
    )
    params[where] = params.get(where, "x") + "\x01"
    _, _, root = call(rest_emulator, params, method="POST")
    assert (
        text(root, "OperationRequest/Errors/Error/Code")
        == "AWS.MechanicalTurk.InvalidParameterValue"
    )
    _, _, found = call(
        rest_emulator,
        vendor_signed(
            OWNER,
            "SearchQualificationTypes",
            Query=name,
            MustBeRequestable="false",
            MustBeOwnedByCaller="true",
        ),
    )
    assert text(found, "SearchQualificationTypesResult/TotalNumResults") == "0"


def test_a_body_over_the_limit_is_refused_with_413(rest_emulator):
    params = vendor_signed(
        OWNER, "CreateQualificationType", Name="big", Description="x" * (1024 * 1024 + 1)
    )
    status, _, root = call(rest_emulator, params, method="POST", path="/onca/xml")
    assert status == 413
    assert (
        text(root, "OperationRequest/Errors/Error/Code")
        == "AWS.MechanicalTurk.InvalidParameterValue"
    )


def test_a_post_to_onca_xml_that_is_not_a_form_is_refused(rest_emulator):
    status, _, root = call(
        rest_emulator, {}, method="POST", path="/onca/xml", content_type="text/xml", body=b"<x/>"
    )
    assert status == 200
    assert (
        text(root, "OperationRequest/Errors/Error/Code")
        == "AWS.MechanicalTurk.InvalidParameterValue"
    )


# --- one request refused: Request/Errors with IsValid=False -------------------------------


@pytest.mark.parametrize(
    "bad, code",
    [
        ({"IntegerValue": "abc"}, "AWS.MechanicalTurk.InvalidParameterValue"),
        ({"IntegerValue": "1.5"}, "AWS.MechanicalTurk.InvalidParameterValue"),
        ({"IntegerValue": ""}, "AWS.MechanicalTurk.InvalidParameterValue"),
        ({"IntegerValue": "2147483648"}, "AWS.ParameterOutOfRange"),
        ({"SendNotification": "yes"}, "AWS.MechanicalTurk.InvalidParameterValue"),
        ({"SendNotification": "2"}, "AWS.MechanicalTurk.InvalidParameterValue"),
    ],
    ids=["letters", "decimal", "empty", "over-int32", "yes", "two"],
)
def test_a_malformed_value_fails_the_request_and_changes_nothing(rest_emulator, bad, code):
    type_id = create_type(rest_emulator)
    params = vendor_signed(
        OWNER, "AssignQualification", QualificationTypeId=type_id, WorkerId=WORKER, **bad
    )
    status, _, root = call(rest_emulator, params, method="POST")
    assert status == 200
    assert root.tag == "AssignQualificationResponse"
    assert text(root, "AssignQualificationResult/Request/IsValid") == "False"
    assert text(root, "AssignQualificationResult/Request/Errors/Error/Code") == code
    assert next(iter(bad)) in text(root, "AssignQualificationResult/Request/Errors/Error/Message")

    _, _, read = call(
        rest_emulator,
        vendor_signed(
            OWNER, "GetQualificationScore", QualificationTypeId=type_id, SubjectId=WORKER
        ),
    )
    assert (
        text(read, "Qualification/Request/Errors/Error/Code")
        == "AWS.MechanicalTurk.QualificationDoesNotExist"
    )


def test_booleans_are_read_without_regard_to_case(rest_emulator):
    type_id = create_type(rest_emulator)
    params = vendor_signed(
        OWNER,
        "AssignQualification",
        QualificationTypeId=type_id,
        WorkerId=WORKER,
        IntegerValue="-7",
        SendNotification="FALSE",
    )
    _, _, root = call(rest_emulator, params)
    assert text(root, "AssignQualificationResult/Request/IsValid") == "True"
    _, _, read = call(
        rest_emulator,
        vendor_signed(
            OWNER, "GetQualificationScore", QualificationTypeId=type_id, SubjectId=WORKER
        ),
    )
    assert text(read, "Qualification/IntegerValue") == "-7"


def test_a_missing_required_parameter_is_reported_by_the_domain(rest_emulator):
    _, _, root = call(
        rest_emulator, vendor_signed(OWNER, "GetQualificationScore", SubjectId=WORKER)
    )
    assert text(root, "Qualification/Request/IsValid") == "False"
    assert text(root, "Qualification/Request/Errors/Error/Code") == "AWS.MissingParameters"


# --- routing: what is not REST stays as it was ------------------------------------------


def test_root_without_a_query_is_still_the_index_and_wsdl_still_served(rest_emulator):
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(rest_emulator.base_url + "/", timeout=30) as response:
        assert response.headers["Content-Type"].startswith("text/plain")
        assert b"REST endpoint" in response.read()
    with opener.open(rest_emulator.base_url + "/?wsdl", timeout=30) as response:
        assert b"definitions" in response.read()


def test_xml_posted_to_root_is_still_soap(rest_emulator):
    request = urllib.request.Request(
        rest_emulator.base_url + "/?Service=" + SERVICE,
        data=b"<notsoap/>",
        method="POST",
        headers={"Content-Type": "text/xml; charset=utf-8"},
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with pytest.raises(urllib.error.HTTPError) as raised:
        opener.open(request, timeout=30)
    assert b"Fault" in raised.value.read()
