"""The qualification types the service supplies (reference, "Qualification Type
IDs"): every requester reads and finds them, none can change them, and a test sets a
worker's values for them through the control API, as the marketplace did."""

from __future__ import annotations

import pytest

from soap_mturk.control.client import ControlClient, ControlError
from soap_mturk.domain import Code
from soap_mturk.domain.system_types import SYSTEM_TYPES
from tests.lifecycle_support import Caller, assert_error, unique

APPROVAL, LOCALE, ADULT = "000000000000000000L0", "00000000000000000071", "00000000000000000060"
REFERENCE_IDS = {  # reference lines 9670-9760: id -> name
    "2F1QJWKUDD8XADTFD2Q0G6UTO95ALH": "Masters",  # production
    "2ARFPLSP75KLA8M8DH1HTEQVJT3SY6": "Masters (Sandbox)",
    "00000000000000000040": "Worker_NumberHITsApproved",
    LOCALE: "Worker_Locale",
    ADULT: "Worker_Adult",
    APPROVAL: "Worker_PercentAssignmentsApproved",
}


@pytest.fixture
def caller(service):
    return Caller(service)


@pytest.fixture
def control(emulator):
    return ControlClient(emulator.base_url)


def test_the_declared_types_are_the_references():
    assert {t.id: t.name for t in SYSTEM_TYPES.values()} == REFERENCE_IDS


@pytest.mark.parametrize("type_id", REFERENCE_IDS)
def test_get_qualification_type_answers_each(caller, type_id):
    qtype = caller.ok("GetQualificationType", QualificationTypeId=type_id)
    assert qtype.QualificationTypeId == type_id
    assert qtype.Name == REFERENCE_IDS[type_id]
    assert qtype.QualificationTypeStatus == "Active"
    assert qtype.IsRequestable is False
    assert qtype.Description


def search(caller, **request):
    request = {"PageSize": 100, **request}
    (result,) = caller.results("SearchQualificationTypes", request)
    assert result.Request.IsValid == "True"
    return {t.QualificationTypeId: t for t in result.QualificationType}


def test_search_finds_them_only_when_requestable_is_not_required(caller):
    mine = caller.new_type(AutoGranted=True)
    everything = search(caller, MustBeRequestable=False)
    assert set(REFERENCE_IDS) | {mine} <= set(everything)
    assert all(everything[i].IsRequestable is False for i in REFERENCE_IDS)
    requestable = search(caller, MustBeRequestable=True)
    assert mine in requestable and not set(REFERENCE_IDS) & set(requestable)
    owned = search(caller, MustBeRequestable=False, MustBeOwnedByCaller=True)
    assert set(owned) == {mine}
    by_name = search(caller, MustBeRequestable=False, Query="Worker_Locale")
    assert list(by_name) == [LOCALE]


@pytest.mark.parametrize(
    "operation,request_",
    [
        ("UpdateQualificationType", {"Description": "mine now"}),
        ("DisposeQualificationType", {}),
        ("AssignQualification", {"WorkerId": "A1WORKER", "IntegerValue": 100}),
        ("RevokeQualification", {"SubjectId": "A1WORKER"}),
        ("UpdateQualificationScore", {"SubjectId": "A1WORKER", "IntegerValue": 100}),
        ("GetQualificationsForQualificationType", {}),
    ],
)
def test_requesters_cannot_change_them(caller, operation, request_):
    result = caller.one(operation, QualificationTypeId=APPROVAL, **request_)
    assert_error(result, Code.PERMISSION_DENIED)
    still = caller.ok("GetQualificationType", QualificationTypeId=APPROVAL)
    assert still.Description == SYSTEM_TYPES[APPROVAL].description


def test_workers_values_set_by_control_are_read_with_get_qualification_score(caller, control):
    worker = unique("A").replace(" ", "")[:20].upper()
    control.set_system_qualification(worker, APPROVAL, 97)
    control.set_system_qualification(worker, LOCALE, locale={"Country": "US", "Subdivision": "CA"})
    rate = caller.score(APPROVAL, worker)
    assert (rate.Request.IsValid, rate.IntegerValue, rate.Status) == ("True", 97, "Granted")
    where = caller.score(LOCALE, worker)
    assert (where.LocaleValue.Country, where.LocaleValue.Subdivision) == ("US", "CA")
    assert where.IntegerValue is None
    control.set_system_qualification(worker, APPROVAL, 88)  # the marketplace moves it
    assert caller.score(APPROVAL, worker).IntegerValue == 88
    listed = {t["QualificationTypeId"]: t for t in control.state()["SystemQualificationTypes"]}
    assert {q["SubjectId"]: q["IntegerValue"] for q in listed[APPROVAL]["Qualifications"]}[
        worker
    ] == 88


@pytest.mark.parametrize(
    "type_id,value,locale,code",
    [
        (APPROVAL, 101, None, Code.PARAMETER_OUT_OF_RANGE),
        (ADULT, 2, None, Code.PARAMETER_OUT_OF_RANGE),
        (LOCALE, 1, None, Code.INVALID_PARAMETER_VALUE),
        (LOCALE, None, {"Subdivision": "CA"}, Code.INVALID_PARAMETER_VALUE),
        (APPROVAL, None, {"Country": "US"}, Code.INVALID_PARAMETER_VALUE),
        ("NOTASYSTEMTYPE000000", 1, None, Code.INVALID_PARAMETER_VALUE),
    ],
)
def test_control_refuses_a_value_of_the_wrong_kind(control, type_id, value, locale, code):
    with pytest.raises(ControlError) as refused:
        control.set_system_qualification("A1WORKER", type_id, value, locale=locale)
    assert refused.value.code == code


def test_workers_cannot_request_them(control):
    with pytest.raises(ControlError) as refused:
        control.request_qualification("A1WORKER", ADULT)
    assert refused.value.code == Code.INVALID_QUALIFICATION_TYPE_STATE


def test_they_survive_a_reset_and_are_not_the_requesters_types(emulator, control):
    control.reset()
    state = control.state()
    assert state["QualificationTypes"] == []
    assert {t["QualificationTypeId"] for t in state["SystemQualificationTypes"]} == set(
        REFERENCE_IDS
    )


def test_a_fixture_sets_workers_system_values(caller, control):
    loaded = control.load(
        {
            "SystemQualifications": [
                {"SubjectId": "A1FIXTURED", "QualificationTypeId": APPROVAL, "IntegerValue": 99},
                {"SubjectId": "A1FIXTURED", "QualificationTypeId": LOCALE,
                 "LocaleValue": {"Country": "DE"}},
            ]
        }
    )  # fmt: skip
    assert loaded["Loaded"]["SystemQualifications"] == 2
    assert caller.score(APPROVAL, "A1FIXTURED").IntegerValue == 99
    assert caller.score(LOCALE, "A1FIXTURED").LocaleValue.Country == "DE"


def test_a_fixture_with_a_wrong_system_value_loads_nothing(caller, control):
    with pytest.raises(ControlError) as refused:
        control.load(
            {
                "SystemQualifications": [
                    {"SubjectId": "A1HALF", "QualificationTypeId": ADULT, "IntegerValue": 1},
                    {"SubjectId": "A1HALF", "QualificationTypeId": APPROVAL, "IntegerValue": 300},
                ]
            }
        )
    assert refused.value.code == Code.PARAMETER_OUT_OF_RANGE
    assert_error(caller.score(ADULT, "A1HALF"), Code.QUALIFICATION_DOES_NOT_EXIST)
