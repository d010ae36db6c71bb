"""The life of a qualification over SOAP, for each API version and for clients built
from our WSDL and from the vendor's: create, assign, read, update, revoke, re-assign,
dispose; then batches and the Request response group."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from lxml import etree

from soap_mturk.api.schema import ECHOED_REQUESTS
from soap_mturk.domain import errors
from soap_mturk.versions import BY_DATE, HIT_OPERATIONS
from tests.conftest import STORE_KINDS
from tests.lifecycle_support import (
    ANSWER_KEY,
    QUESTION_FORM,
    TYPE_ID,
    Caller,
    assert_error,
    codes,
    file_request,
    new_key,
    unique,
)

WORKER, NEVER_HELD = "AZ3456EXAMPLE", "ANEVERQUALIFIED"


@pytest.fixture(scope="module", params=STORE_KINDS)
def store_kind(request):
    """Every test here runs on SQLite and on PostgreSQL."""
    return request.param


@pytest.fixture
def caller(service):
    return Caller(service)


def assert_utc(moment) -> None:
    assert moment.tzinfo is not None and moment.utcoffset() == timedelta(0)


def test_whole_lifecycle(caller):
    other = new_key("other")
    name = unique("Lifecycle")
    created = caller.ok(
        "CreateQualificationType",
        Name=name,
        Description="the whole story",
        Keywords="lifecycle, test",
        QualificationTypeStatus="Active",
    )
    type_id = created.QualificationTypeId
    assert re.match(TYPE_ID, type_id)
    assert created.Name == name
    assert created.QualificationTypeStatus == "Active"
    assert created.IsRequestable is True and created.AutoGranted is False
    assert_utc(created.CreationTime)

    caller.assign(type_id, WORKER, 10)
    first = caller.score(type_id, WORKER)
    assert (first.IntegerValue, first.Status, first.SubjectId) == (10, "Granted", WORKER)
    assert first.QualificationTypeId == type_id
    assert_utc(first.GrantTime)
    grant_time_text = caller.last_response_xml().findtext(".//{*}GrantTime")
    assert grant_time_text.endswith("Z"), grant_time_text
    # Only the owner reads a score (2014-08-15 reference; older rules: test_versions.py).
    assert codes(caller.score(type_id, WORKER, key=other)) == [
        "AWS.MechanicalTurk.PermissionDeniedException"
    ]

    assert caller.ok(
        "UpdateQualificationScore", QualificationTypeId=type_id, SubjectId=WORKER, IntegerValue=70
    )
    assert caller.score(type_id, WORKER).IntegerValue == 70

    refused = caller.one(
        "UpdateQualificationScore",
        key=other,
        QualificationTypeId=type_id,
        SubjectId=WORKER,
        IntegerValue=5,
    )
    assert_error(refused, errors.PermissionDenied.code)
    never = caller.one(
        "UpdateQualificationScore",
        QualificationTypeId=type_id,
        SubjectId=NEVER_HELD,
        IntegerValue=5,
    )
    assert_error(never, errors.QualificationDoesNotExist.code)
    assert caller.score(type_id, WORKER).IntegerValue == 70

    caller.ok("RevokeQualification", SubjectId=WORKER, QualificationTypeId=type_id, Reason="test")
    revoked = caller.score(type_id, WORKER)
    assert revoked.Request.IsValid == "True"
    assert revoked.Status == "Revoked"

    caller.assign(type_id, WORKER, 80)
    again = caller.score(type_id, WORKER)
    assert (again.Status, again.IntegerValue) == ("Granted", 80)
    assert_utc(again.GrantTime)
    assert again.GrantTime > first.GrantTime

    caller.ok("DisposeQualificationType", QualificationTypeId=type_id)
    gone = caller.one("GetQualificationType", QualificationTypeId=type_id)
    assert_error(gone, errors.QualificationTypeDoesNotExist.code)
    assert_error(caller.score(type_id, WORKER), errors.QualificationTypeDoesNotExist.code)
    # Each of the calls above carried a RequestId of its own.
    assert len(caller.request_ids) == caller.calls == 16


def test_type_read_by_another_requester_hides_the_answer_key(caller):
    type_id = caller.new_type(Test=QUESTION_FORM, AnswerKey=ANSWER_KEY, TestDurationInSeconds=60)
    mine = caller.ok("GetQualificationType", QualificationTypeId=type_id)
    assert (mine.Test, mine.AnswerKey, mine.TestDurationInSeconds) == (
        QUESTION_FORM,
        ANSWER_KEY,
        60,
    )
    assert mine.IsRequestable is True
    theirs = caller.ok("GetQualificationType", key=new_key("other"), QualificationTypeId=type_id)
    assert theirs.Test == QUESTION_FORM
    assert theirs.AnswerKey is None


def test_update_type_changes_only_what_is_sent(caller):
    type_id = caller.new_type(Keywords="kept", RetryDelayInSeconds=60)
    updated = caller.ok(
        "UpdateQualificationType",
        QualificationTypeId=type_id,
        QualificationTypeStatus="Inactive",
        AutoGranted=True,
        AutoGrantedValue=7,
    )
    assert updated.QualificationTypeStatus == "Inactive"
    assert (updated.AutoGranted, updated.AutoGrantedValue) == (True, 7)
    assert (updated.Keywords, updated.RetryDelayInSeconds) == ("kept", 60)
    read = caller.ok("GetQualificationType", QualificationTypeId=type_id)
    assert (read.QualificationTypeStatus, read.Description) == ("Inactive", updated.Description)
    refused = caller.one(
        "UpdateQualificationType",
        key=new_key("other"),
        QualificationTypeId=type_id,
        Description="not yours",
    )
    assert_error(refused, errors.PermissionDenied.code)


def test_name_is_free_again_after_dispose_and_unique_per_requester(caller):
    name = unique("Reused")
    type_id = caller.new_type(Name=name)
    caller.ok("DisposeQualificationType", QualificationTypeId=type_id)
    assert caller.new_type(Name=name) != type_id
    # Another requester may use the same name.
    caller.new_type(key=new_key("other"), Name=name)


# --- batches ---------------------------------------------------------------------------


def test_batch_with_a_failing_member_answers_in_order_and_applies_the_others(caller):
    type_id = caller.new_type()
    assigned = caller.results(
        "AssignQualification",
        {"QualificationTypeId": type_id, "WorkerId": "AWORKERONE", "IntegerValue": 1},
        {"QualificationTypeId": "NOSUCHTYPE0000000000", "WorkerId": "AWORKERTWO"},
        {"QualificationTypeId": type_id, "WorkerId": "AWORKERTHREE", "IntegerValue": 3},
    )
    assert [r.Request.IsValid for r in assigned] == ["True", "False", "True"]
    assert codes(assigned[1]) == [errors.QualificationTypeDoesNotExist.code]

    updated = caller.results(
        "UpdateQualificationScore",
        {"QualificationTypeId": type_id, "SubjectId": "AWORKERONE", "IntegerValue": 11},
        {"QualificationTypeId": type_id, "SubjectId": NEVER_HELD, "IntegerValue": 12},
        {"QualificationTypeId": type_id, "SubjectId": "AWORKERTHREE", "IntegerValue": 13},
    )
    assert [r.Request.IsValid for r in updated] == ["True", "False", "True"]
    assert codes(updated[1]) == [errors.QualificationDoesNotExist.code]

    scores = caller.results(
        "GetQualificationScore",
        *(
            {"QualificationTypeId": type_id, "SubjectId": worker}
            for worker in ("AWORKERONE", "AWORKERTWO", "AWORKERTHREE")
        ),
    )
    assert [s.SubjectId for s in scores] == ["AWORKERONE", None, "AWORKERTHREE"]
    assert [s.IntegerValue for s in scores] == [11, None, 13]
    assert codes(scores[1]) == [errors.QualificationDoesNotExist.code]


def test_batch_of_creates_with_a_duplicate_name_in_the_middle(caller):
    names = [unique("first"), unique("second")]
    created = caller.results(
        "CreateQualificationType",
        *(
            {"Name": n, "Description": "batch", "QualificationTypeStatus": "Active"}
            for n in (names[0], names[0], names[1])
        ),
    )
    assert [c.Request.IsValid for c in created] == ["True", "False", "True"]
    assert codes(created[1]) == [errors.QualificationTypeAlreadyExists.code]
    assert [c.Name for c in created] == [names[0], None, names[1]]


def test_call_without_any_request_element_reports_missing_parameters(caller):
    response = caller.call("GetQualificationScore")
    (result,) = response.Qualification
    assert_error(result, errors.MissingParameters.code)


# --- the Request response group ----------------------------------------------------------


def test_response_group_request_echoes_the_request(caller):
    name = unique("Echoed")
    created = caller.ok(
        "CreateQualificationType",
        Name=name,
        Description="echo me",
        QualificationTypeStatus="Active",
        ResponseGroup=["Minimal", "Request"],
    )
    echo = created.Request.CreateQualificationTypeRequest
    assert (echo.Name, echo.Description, echo.QualificationTypeStatus) == (
        name,
        "echo me",
        "Active",
    )
    type_id = created.QualificationTypeId

    assigned = caller.ok(
        "AssignQualification",
        QualificationTypeId=type_id,
        WorkerId=WORKER,
        IntegerValue=42,
        ResponseGroup=["Request"],
    )
    echo = assigned.Request.AssignQualificationRequest
    assert (echo.QualificationTypeId, echo.WorkerId, echo.IntegerValue) == (type_id, WORKER, 42)

    read = caller.ok("GetQualificationType", QualificationTypeId=type_id, ResponseGroup=["Request"])
    assert read.Request.GetQualificationTypeRequest.QualificationTypeId == type_id

    # A failed request is echoed too, beside its errors.
    failed = caller.one(
        "RevokeQualification",
        SubjectId=NEVER_HELD,
        QualificationTypeId=type_id,
        ResponseGroup=["Request"],
    )
    assert_error(failed, errors.QualificationDoesNotExist.code)
    assert failed.Request.RevokeQualificationRequest.SubjectId == NEVER_HELD


def test_without_response_group_request_is_not_echoed(caller):
    type_id = caller.new_type()
    caller.assign(type_id, WORKER)
    request = caller.last_response_xml().find(".//{*}AssignQualificationResult/{*}Request")
    assert [child.tag.split("}")[1] for child in request] == ["IsValid"]


@pytest.mark.parametrize("op", ["GetQualificationScore", "UpdateQualificationScore"])
def test_score_operations_have_no_echo_slot_and_answer_only_is_valid(caller, op):
    type_id = caller.new_type()
    caller.assign(type_id, WORKER)
    request = {"QualificationTypeId": type_id, "SubjectId": WORKER, "ResponseGroup": ["Request"]}
    if op == "UpdateQualificationScore":
        request["IntegerValue"] = 9
    caller.ok(op, **request)
    echo = caller.last_response_xml().find(".//{*}Request")
    assert [child.tag.split("}")[1] for child in echo] == ["IsValid"]


def echo_cases(caller: Caller, store) -> dict[str, dict]:
    """For each operation whose result can echo its request: a request that succeeds."""
    type_id = caller.new_type()
    caller.assign(type_id, "AWORKERTOREVOKE")
    return {
        "GetQualificationsForQualificationType": {"QualificationTypeId": type_id, "PageSize": 5},
        "CreateQualificationType": {
            "Name": unique("echo"),
            "Description": "d",
            "QualificationTypeStatus": "Active",
        },
        "GrantQualification": {
            "QualificationRequestId": file_request(store, type_id, "AWORKERGRANT"),
            "IntegerValue": 4,
        },
        "AssignQualification": {"QualificationTypeId": type_id, "WorkerId": "AWORKERNEW"},
        "RevokeQualification": {"SubjectId": "AWORKERTOREVOKE", "QualificationTypeId": type_id},
        "GetQualificationRequests": {"QualificationTypeId": type_id, "SortDirection": "Descending"},
        "RejectQualificationRequest": {
            "QualificationRequestId": file_request(store, type_id, "AWORKERREJECT"),
            "Reason": "no",
        },
        "GetQualificationType": {"QualificationTypeId": type_id},
        "SearchQualificationTypes": {"Query": "echo", "MustBeRequestable": False},
        "UpdateQualificationType": {"QualificationTypeId": type_id, "Description": "new"},
        "GetAccountBalance": {},
        "NotifyWorkers": {"Subject": "s", "MessageText": "m", "WorkerId": ["AWORKERNOTIFIED"]},
        "GetBlockedWorkers": {"PageSize": 3},
        "BlockWorker": {"WorkerId": "AWORKERBLOCKED", "Reason": "echo"},
        "UnblockWorker": {"WorkerId": "AWORKERBLOCKED"},
        "Help": {"About": ["Help"]},
        "GetRequesterStatistic": {"Statistic": "NumberHITsCreated", "TimePeriod": "LifeToDate"},
        "GetRequesterWorkerStatistic": {
            "Statistic": "NumberAssignmentsApproved",
            "TimePeriod": "OneDay",
            "WorkerId": "AWORKERSTATS",
            "Count": 2,
        },
    }


# DisposeQualificationTypeRequest has no ResponseGroup with which to ask for its echo.
# The HIT operations' echoes are tested with them (tests/test_hits_soap.py).
ASKABLE_ECHOES = [
    op
    for op in ECHOED_REQUESTS
    if op != "DisposeQualificationTypeRequest"
    and op.removesuffix("Request") not in HIT_OPERATIONS | {"GrantBonus", "GetBonusPayments"}
]


@pytest.mark.parametrize("op", ASKABLE_ECHOES)
def test_every_echo_slot_carries_its_request(caller, emulator, op, request):
    operation = op[: -len("Request")]
    date = request.node.callspec.params["service"]  # the version the client speaks
    if operation not in BY_DATE[date].operations:
        # The version lacks the operation: its served WSDL must not offer it either.
        with pytest.raises(AttributeError):
            getattr(caller.service, operation)
        return
    sent = echo_cases(caller, emulator.app.store)[operation]
    result = caller.ok(operation, **sent, ResponseGroup=["Request"])
    echo = getattr(result.Request, op)
    assert echo is not None
    for name, value in sent.items():
        assert getattr(echo, name) == value
    assert list(echo.ResponseGroup) == ["Request"]
    status = caller.last_response_xml().find(f".//{{*}}{op}/..")
    assert [etree.QName(c).localname for c in status] == ["IsValid", op]
