"""What legacy clients send when called with their defaults is accepted.

boto 2 (boto/mturk/connection.py, 2.49) is driven itself, each qualification
method with only its required arguments, so the parameters on the wire are exactly
its defaults: among them `get_qualification_requests`' SortProperty=Expiration and
SortDirection=Ascending, `search_qualification_types`' Query=None (sent as the
text "None"), MustBeRequestable and MustBeOwnedByCaller True, `assign_qualification`'s
IntegerValue=1 and SendNotification=True, `revoke_qualification`'s Reason=None,
`grant_qualification`'s IntegerValue=1. rturk (lib/rturk/operations/*.rb) drops nil
parameters and sends the rest as text: its parameter sets are sent here by hand.
"""

from __future__ import annotations

import uuid

import pytest

from soap_mturk.control.client import ControlClient
from tests.rest_support import OWNER, boto_connection, call, rest_emulator, text, vendor_signed

boto_mturk = pytest.importorskip(
    "boto.mturk.connection", reason="boto 2 is a test extra: pip install -e '.[test]'"
)


@pytest.fixture
def boto(rest_emulator, monkeypatch):
    monkeypatch.delenv("http_proxy", raising=False)
    return boto_connection(rest_emulator)


@pytest.fixture
def control(rest_emulator):
    return ControlClient(rest_emulator.base_url)


def test_every_boto_qualification_method_with_its_defaults(boto, control):
    """boto raises MTurkRequestError on any refusal, so each call passing is the test;
    the values read back show the defaults were applied."""
    name = f"defaults {uuid.uuid4()}"
    type_id = boto.create_qualification_type(name, "boto defaults", "Active")[0]
    type_id = type_id.QualificationTypeId
    assert boto.get_qualification_type(type_id)[0].Name == name
    boto.update_qualification_type(type_id)
    boto.update_qualification_type(type_id, description="changed", auto_granted=False)
    boto.assign_qualification(type_id, "A1DEFAULTS")  # IntegerValue=1, SendNotification=True
    assert boto.get_qualification_score(type_id, "A1DEFAULTS")[0].IntegerValue == "1"
    boto.update_qualification_score(type_id, "A1DEFAULTS", 5)
    listed = boto.get_qualifications_for_qualification_type(type_id)  # PageSize=100
    assert [q.SubjectId for q in listed] == ["A1DEFAULTS"]
    boto.revoke_qualification("A1DEFAULTS", type_id)  # Reason=None
    found = boto.search_qualification_types()  # Query "None", requestable and owned
    assert found.status is True
    found = boto.search_qualification_types(query=name)
    assert [t.QualificationTypeId for t in found] == [type_id]
    control.request_qualification("A2WORKER", type_id)
    control.request_qualification("A3WORKER", type_id)
    pending = boto.get_qualification_requests(type_id)  # SortProperty=Expiration
    assert [r.SubjectId for r in pending] == ["A2WORKER", "A3WORKER"]
    boto.grant_qualification(pending[0].QualificationRequestId)  # IntegerValue=1
    assert boto.get_qualification_score(type_id, "A2WORKER")[0].IntegerValue == "1"
    boto.dispose_qualification_type(type_id)


def test_expiration_sorts_as_submit_time_both_ways(boto, control):
    type_id = boto.create_qualification_type(f"sort {uuid.uuid4()}", "sorting", "Active")[0]
    type_id = type_id.QualificationTypeId
    for worker in ("A1FIRST", "A2SECOND", "A3THIRD"):
        control.request_qualification(worker, type_id)
    ascending = boto.get_qualification_requests(type_id, sort_direction="Ascending")
    descending = boto.get_qualification_requests(type_id, sort_direction="Descending")
    assert [r.SubjectId for r in ascending] == ["A1FIRST", "A2SECOND", "A3THIRD"]
    assert [r.SubjectId for r in descending] == ["A3THIRD", "A2SECOND", "A1FIRST"]


def test_an_unknown_sort_property_is_still_refused(rest_emulator, boto):
    type_id = boto.create_qualification_type(f"bad {uuid.uuid4()}", "sorting", "Active")[0]
    params = vendor_signed(
        OWNER,
        "GetQualificationRequests",
        QualificationTypeId=type_id.QualificationTypeId,
        SortProperty="Deadline",
    )
    _, _, root = call(rest_emulator, params)
    result = "GetQualificationRequestsResult/Request/"
    assert text(root, result + "IsValid") == "False"
    assert text(root, result + "Errors/Error/Code") == "AWS.MechanicalTurk.InvalidParameterValue"


RTURK = {  # operation -> rturk's parameters when only the required ones are given
    "SearchQualificationTypes": {"MustBeRequestable": "true", "PageSize": "100", "PageNumber": "1"},
    "AssignQualification": {"SendNotification": "false"},
    "GetQualificationRequests": {},
    "GetQualificationsForQualificationType": {},
    "GetQualificationType": {},
    "GetQualificationScore": {"SubjectId": "A1RTURK"},
    "UpdateQualificationScore": {"SubjectId": "A1RTURK", "IntegerValue": "3"},
    "RevokeQualification": {"SubjectId": "A1RTURK"},
    "DisposeQualificationType": {},
}  # fmt: skip


def test_rturks_parameter_sets_are_accepted(rest_emulator, boto):
    type_id = boto.create_qualification_type(f"rturk {uuid.uuid4()}", "rturk", "Active")[0]
    type_id = type_id.QualificationTypeId
    for operation, params in RTURK.items():
        if operation == "AssignQualification":
            params = {**params, "WorkerId": "A1RTURK"}
        if operation != "SearchQualificationTypes":
            params = {**params, "QualificationTypeId": type_id}
        _, _, root = call(rest_emulator, vendor_signed(OWNER, operation, **params), method="POST")
        (valid,) = root.xpath("//*[local-name()='IsValid']")
        assert valid.text == "True", (operation, root.xpath("string(//*[local-name()='Message'])"))
