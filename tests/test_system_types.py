"""The qualification types the service supplies (reference, "Qualification Type
IDs"): every requester reads and finds them, none can change them, and a test sets a
worker's values for them through the control API, as the marketplace did."""

from __future__ import annotations

import uuid

import pytest
from lxml import etree

from soap_mturk.control.client import ControlClient, ControlError
from soap_mturk.domain import errors
from soap_mturk.domain.system_types import SYSTEM_TYPES
from tests.lifecycle_support import Caller, assert_error
from tests.rest_support import OWNER, call, rest_emulator, vendor_signed

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
    assert_error(result, errors.PermissionDenied.code)
    still = caller.ok("GetQualificationType", QualificationTypeId=APPROVAL)
    assert still.Description == SYSTEM_TYPES[APPROVAL].description


def values(control, type_id: str) -> dict:
    """The workers' values of a system type, as the control API's state lists them."""
    listed = {t["QualificationTypeId"]: t for t in control.state()["SystemQualificationTypes"]}
    return {q["SubjectId"]: q for q in listed[type_id]["Qualifications"]}


def test_workers_values_set_by_control_are_held(caller, control):
    worker = "A" + uuid.uuid4().hex[:15].upper()
    control.set_system_qualification(worker, APPROVAL, 97)
    control.set_system_qualification(worker, LOCALE, locale={"Country": "US", "Subdivision": "CA"})
    assert values(control, APPROVAL)[worker]["IntegerValue"] == 97
    assert values(control, LOCALE)[worker]["LocaleValue"] == {"Country": "US", "Subdivision": "CA"}
    control.set_system_qualification(worker, APPROVAL, 88)  # the marketplace moves it
    assert values(control, APPROVAL)[worker]["IntegerValue"] == 88
    # From 2006-08-23 on, only a type's owner reads its scores (reference,
    # GetQualificationScore), and no requester owns the system's types.
    assert_error(caller.score(APPROVAL, worker), errors.PermissionDenied.code)


def test_the_first_generation_reads_a_workers_system_value(rest_emulator):
    """Seed 001's generation let anyone who knew the ids read a score: there, a
    requester reads a worker's approval rate (as `Value`)."""
    worker = "A" + uuid.uuid4().hex[:15].upper()
    ControlClient(rest_emulator.base_url).set_system_qualification(worker, APPROVAL, 93)
    params = vendor_signed(
        OWNER, "GetQualificationScore", Version="2005-10-01", QualificationTypeId=APPROVAL,
        SubjectId=worker,
    )  # fmt: skip
    _, _, root = call(rest_emulator, params, path="/onca/xml")
    found = {etree.QName(e).localname: e.text for e in root.iter() if isinstance(e.tag, str)}
    assert (found["IsValid"], found["QualificationTypeId"], found["Value"]) == (
        "True", APPROVAL, "93",
    )  # fmt: skip


@pytest.mark.parametrize(
    "type_id,value,locale,code",
    [
        (APPROVAL, 101, None, errors.ParameterOutOfRange.code),
        (ADULT, 2, None, errors.ParameterOutOfRange.code),
        (LOCALE, 1, None, errors.InvalidParameterValue.code),
        (LOCALE, None, {"Subdivision": "CA"}, errors.InvalidParameterValue.code),
        (APPROVAL, None, {"Country": "US"}, errors.InvalidParameterValue.code),
        ("NOTASYSTEMTYPE000000", 1, None, errors.InvalidParameterValue.code),
    ],
)
def test_control_refuses_a_value_of_the_wrong_kind(control, type_id, value, locale, code):
    with pytest.raises(ControlError) as refused:
        control.set_system_qualification("A1WORKER", type_id, value, locale=locale)
    assert refused.value.code == code


def test_workers_cannot_request_them(control):
    with pytest.raises(ControlError) as refused:
        control.request_qualification("A1WORKER", ADULT)
    assert refused.value.code == errors.InvalidQualificationTypeState.code


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
    assert values(control, APPROVAL)["A1FIXTURED"]["IntegerValue"] == 99
    assert values(control, LOCALE)["A1FIXTURED"]["LocaleValue"]["Country"] == "DE"


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
    assert refused.value.code == errors.ParameterOutOfRange.code
    assert "A1HALF" not in values(control, ADULT)
