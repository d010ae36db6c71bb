"""boto 2's MTurkConnection, as legacy Python code used it, against the emulator
over plain HTTP: its qualification methods, and its own error type on failures.
boto signs every call with AWS signature version 1 and POSTs a form to `/`."""

from __future__ import annotations

import uuid

import pytest

import soap_mturk.testing.boto2  # boto 2 on Python 3.12+

boto_mturk = pytest.importorskip(
    "boto.mturk.connection", reason="boto 2 is a test extra: pip install -e '.[test]'"
)
MTurkConnection = boto_mturk.MTurkConnection
MTurkRequestError = boto_mturk.MTurkRequestError

from tests.rest_support import OTHER, OWNER, rest_emulator  # noqa: E402
from tests.rest_support import boto_connection as connect  # noqa: E402

WORKER = "AZ3456EXAMPLE"


@pytest.fixture
def owner(rest_emulator, monkeypatch):
    monkeypatch.delenv("http_proxy", raising=False)
    return connect(rest_emulator, OWNER)


@pytest.fixture
def other(rest_emulator, monkeypatch):
    monkeypatch.delenv("http_proxy", raising=False)
    return connect(rest_emulator, OTHER)


def new_type(owner, **kwargs) -> str:
    name = f"boto {uuid.uuid4()}"
    created = owner.create_qualification_type(name, "made by boto 2", "Active", **kwargs)
    assert created[0].Name == name
    return created[0].QualificationTypeId


def test_create_then_get_qualification_type(owner):
    name = f"boto {uuid.uuid4()}"
    created = owner.create_qualification_type(
        name, "made by boto 2", "Active", keywords=["a", "b"], retry_delay=60
    )
    qtype = created[0]
    assert qtype.IsValid == "True"
    assert len(qtype.QualificationTypeId) >= 20

    fetched = owner.get_qualification_type(qtype.QualificationTypeId)[0]
    assert fetched.QualificationTypeId == qtype.QualificationTypeId
    assert (fetched.Name, fetched.Description, fetched.Keywords) == (name, "made by boto 2", "a, b")
    assert fetched.QualificationTypeStatus == "Active"
    assert fetched.RetryDelayInSeconds == "60"
    assert fetched.CreationTime.endswith("Z")


def test_assign_get_and_update_score(owner, other):
    type_id = new_type(owner)
    owner.assign_qualification(
        type_id, WORKER, value=10, send_notification=False
    )  # boto raises on failure
    score = owner.get_qualification_score(type_id, WORKER)[0]
    assert (score.QualificationTypeId, score.SubjectId, score.IntegerValue) == (
        type_id,
        WORKER,
        "10",
    )
    assert score.Status == "Granted"

    owner.update_qualification_score(type_id, WORKER, 70)  # boto raises on failure
    # Only the owner reads the score (2014-08-15, the version boto 2.49 sends).
    assert owner.get_qualification_score(type_id, WORKER)[0].IntegerValue == "70"
    with pytest.raises(MTurkRequestError) as refused:
        other.get_qualification_score(type_id, WORKER)
    assert refused.value.error_code == "AWS.MechanicalTurk.PermissionDeniedException"


def test_search_finds_the_callers_type_by_name(owner):
    type_id = new_type(owner)
    name = owner.get_qualification_type(type_id)[0].Name
    found = owner.search_qualification_types(query=name, must_be_requestable=False)
    assert [t.QualificationTypeId for t in found] == [type_id]
    assert found.TotalNumResults == "1"


def test_qualifications_for_a_type_list_each_worker(owner):
    type_id = new_type(owner)
    owner.assign_qualification(type_id, "AWORKERONE", value=1, send_notification=False)
    owner.assign_qualification(type_id, "AWORKERTWO", value=2, send_notification=False)
    listed = owner.get_qualifications_for_qualification_type(type_id)
    assert {(q.SubjectId, q.IntegerValue) for q in listed} == {
        ("AWORKERONE", "1"),
        ("AWORKERTWO", "2"),
    }
    assert listed.TotalNumResults == "2"


def test_revoke_leaves_the_qualification_on_record_as_revoked(owner):
    type_id = new_type(owner)
    owner.assign_qualification(type_id, WORKER, value=5, send_notification=False)
    owner.revoke_qualification(WORKER, type_id, reason="no longer needed")  # boto raises on failure
    assert owner.get_qualification_score(type_id, WORKER)[0].Status == "Revoked"
    with pytest.raises(MTurkRequestError) as raised:
        owner.revoke_qualification(WORKER, type_id, reason="again")
    assert raised.value.error_code == "AWS.MechanicalTurk.InvalidQualificationState"


def test_dispose_then_the_type_is_gone(owner):
    type_id = new_type(owner)
    owner.dispose_qualification_type(type_id)  # boto raises on failure
    with pytest.raises(MTurkRequestError) as raised:
        owner.get_qualification_type(type_id)
    assert raised.value.error_code == "AWS.MechanicalTurk.QualificationTypeDoesNotExist"


def test_failures_reach_boto_as_its_own_error_type(owner, other):
    type_id = new_type(owner)
    owner.assign_qualification(type_id, WORKER, value=3, send_notification=False)

    with pytest.raises(MTurkRequestError) as raised:
        other.update_qualification_score(type_id, WORKER, 99)
    assert raised.value.error_code == "AWS.MechanicalTurk.PermissionDeniedException"
    assert owner.get_qualification_score(type_id, WORKER)[0].IntegerValue == "3"

    name = owner.get_qualification_type(type_id)[0].Name
    with pytest.raises(MTurkRequestError) as raised:
        owner.create_qualification_type(name, "a second one", "Active")
    assert raised.value.error_code == "AWS.MechanicalTurk.QualificationTypeAlreadyExists"

    with pytest.raises(MTurkRequestError) as raised:
        owner.get_qualification_score("NOSUCHTYPE0000000000", WORKER)
    assert raised.value.error_code == "AWS.MechanicalTurk.QualificationTypeDoesNotExist"


def test_an_integer_value_boto_cannot_check_comes_back_as_invalid(owner):
    type_id = new_type(owner)
    with pytest.raises(MTurkRequestError) as raised:
        owner.assign_qualification(type_id, WORKER, value="ten", send_notification=False)
    assert raised.value.error_code == "AWS.MechanicalTurk.InvalidParameterValue"
