"""SOAP and REST are two doors to one state: a score written over one is read over
the other, in both directions."""

from __future__ import annotations

import re
import uuid
from datetime import datetime

import pytest

import soap_mturk.testing.boto2  # boto 2 on Python 3.12+

boto_mturk = pytest.importorskip(
    "boto.mturk.connection", reason="boto 2 is a test extra: pip install -e '.[test]'"
)

from tests.conftest import STORE_KINDS, served_client  # noqa: E402
from tests.rest_support import OWNER, boto_connection, now_text, rest_emulator, vendor_signature  # noqa: E402

WORKER = "AZ3456EXAMPLE"


def soap_credentials(operation: str) -> dict:
    timestamp = now_text()  # sent as this text, so the signature covers what is sent
    return {
        "AWSAccessKeyId": OWNER.access_key,
        "Timestamp": timestamp,
        "Signature": vendor_signature(OWNER.secret_key, operation, timestamp),
    }


@pytest.fixture(scope="module", params=STORE_KINDS)
def store_kind(request):
    """Every test here runs on SQLite and on PostgreSQL."""
    return request.param


@pytest.fixture
def soap(rest_emulator):
    return served_client(rest_emulator, "2014-08-15").service


@pytest.fixture
def rest(rest_emulator):
    return boto_connection(rest_emulator)


def test_score_written_over_rest_is_read_over_soap(soap, rest):
    type_id = rest.create_qualification_type(f"state {uuid.uuid4()}", "both doors", "Active")[
        0
    ].QualificationTypeId
    rest.assign_qualification(type_id, WORKER, value=10, send_notification=False)
    rest.update_qualification_score(type_id, WORKER, 70)

    read = soap.GetQualificationScore(
        **soap_credentials("GetQualificationScore"),
        Request=[{"QualificationTypeId": type_id, "SubjectId": WORKER}],
    )
    assert read.Qualification[0].Request.IsValid == "True"
    assert read.Qualification[0].IntegerValue == 70


def test_score_written_over_soap_is_read_over_rest(soap, rest):
    created = soap.CreateQualificationType(
        **soap_credentials("CreateQualificationType"),
        Request=[
            {
                "Name": f"state {uuid.uuid4()}",
                "Description": "both doors",
                "QualificationTypeStatus": "Active",
            }
        ],
    )
    type_id = created.QualificationType[0].QualificationTypeId
    soap.AssignQualification(
        **soap_credentials("AssignQualification"),
        Request=[{"QualificationTypeId": type_id, "WorkerId": WORKER, "IntegerValue": 5}],
    )
    updated = soap.UpdateQualificationScore(
        **soap_credentials("UpdateQualificationScore"),
        Request=[{"QualificationTypeId": type_id, "SubjectId": WORKER, "IntegerValue": 42}],
    )
    assert updated.UpdateQualificationScoreResult[0].Request.IsValid == "True"

    assert rest.get_qualification_score(type_id, WORKER)[0].IntegerValue == "42"
    # The same type, the same times: REST writes times as SOAP does.
    over_rest = rest.get_qualification_type(type_id)[0]
    over_soap = soap.GetQualificationType(
        **soap_credentials("GetQualificationType"), Request=[{"QualificationTypeId": type_id}]
    ).QualificationType[0]
    assert over_rest.Name == over_soap.Name
    # whole seconds, UTC, Z: as the service wrote times, and as strptime("%Y-%m-%dT%H:%M:%SZ") reads
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", over_rest.CreationTime)
    assert datetime.fromisoformat(over_rest.CreationTime) == over_soap.CreationTime
