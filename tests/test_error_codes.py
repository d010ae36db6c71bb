"""Every error code the domain emits, reached over SOAP at least once, each in its
request's own result with IsValid=False. A code the domain can emit but no case here
reaches fails `test_every_domain_code_is_reached`."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from zeep import xsd

import soap_mturk.domain
from soap_mturk.domain import errors
from tests.lifecycle_support import (
    ANSWER_KEY,
    QUESTION_FORM,
    Caller,
    assert_error,
    file_request,
    new_key,
    unique,
)

NO_TYPE = "NOSUCHQUALIFICATIONTYPE0"
WORKER = "AWORKERWITHERRORS"

Case = Callable[[Caller, object], object]  # (caller, store) -> the result to check
CASES: list[tuple[str, str, Case]] = []


def case(code: str):
    def register(function: Case) -> Case:
        CASES.append((code, function.__name__, function))
        return function

    return register


def create(c: Caller, **fields):
    request = {"Name": unique("err"), "Description": "d", "QualificationTypeStatus": "Active"}
    request.update(fields)
    return c.one("CreateQualificationType", **{k: v for k, v in request.items() if v is not None})


def held(c: Caller) -> str:
    type_id = c.new_type()
    c.assign(type_id, WORKER, 5)
    return type_id


def revoked(c: Caller) -> str:
    type_id = held(c)
    c.ok("RevokeQualification", SubjectId=WORKER, QualificationTypeId=type_id)
    return type_id


# --- AWS.MissingParameters -------------------------------------------------------------


@case(errors.MissingParameters.code)
def create_without_description(c, store):
    return create(c, Description=None)


@case(errors.MissingParameters.code)
def create_without_status(c, store):
    return create(c, QualificationTypeStatus=None)


@case(errors.MissingParameters.code)
def create_without_name(c, store):
    return create(c, Name=xsd.SkipValue)


@case(errors.MissingParameters.code)
def create_with_test_but_no_duration(c, store):
    return create(c, Test=QUESTION_FORM)


@case(errors.MissingParameters.code)
def update_score_without_integer_value(c, store):
    return c.one("UpdateQualificationScore", QualificationTypeId=held(c), SubjectId=WORKER)


@case(errors.MissingParameters.code)
def search_without_must_be_requestable(c, store):
    return c.one("SearchQualificationTypes", MustBeRequestable=xsd.SkipValue)


@case(errors.MissingParameters.code)
def update_type_duration_without_test(c, store):
    return c.one(
        "UpdateQualificationType", QualificationTypeId=c.new_type(), TestDurationInSeconds=30
    )


# --- AWS.ParameterOutOfRange -----------------------------------------------------------


@case(errors.ParameterOutOfRange.code)
def search_page_size_zero(c, store):
    return c.one("SearchQualificationTypes", MustBeRequestable=False, PageSize=0)


@case(errors.ParameterOutOfRange.code)
def search_page_size_101(c, store):
    return c.one("SearchQualificationTypes", MustBeRequestable=False, PageSize=101)


@case(errors.ParameterOutOfRange.code)
def list_qualifications_page_number_zero(c, store):
    return c.one(
        "GetQualificationsForQualificationType", QualificationTypeId=c.new_type(), PageNumber=0
    )


@case(errors.ParameterOutOfRange.code)
def list_requests_page_size_101(c, store):
    return c.one("GetQualificationRequests", PageSize=101)


@case(errors.ParameterOutOfRange.code)
def assign_integer_value_beyond_xs_int(c, store):
    # zeep sends the number as written; the contract's xs:int cannot hold it.
    return c.one(
        "AssignQualification",
        QualificationTypeId=c.new_type(),
        WorkerId=WORKER,
        IntegerValue=2**31,
    )


@case(errors.ParameterOutOfRange.code)
def update_score_below_xs_int(c, store):
    return c.one(
        "UpdateQualificationScore",
        QualificationTypeId=held(c),
        SubjectId=WORKER,
        IntegerValue=-(2**31) - 1,
    )


@case(errors.ParameterOutOfRange.code)
def create_negative_retry_delay(c, store):
    return create(c, RetryDelayInSeconds=-1)


@case(errors.ParameterOutOfRange.code)
def create_zero_test_duration(c, store):
    return create(c, Test=QUESTION_FORM, TestDurationInSeconds=0)


# --- InvalidParameterValue -------------------------------------------------------------


@case(errors.InvalidParameterValue.code)
def create_with_unknown_status(c, store):
    return create(c, QualificationTypeStatus="Dormant")


@case(errors.InvalidParameterValue.code)
def search_with_unknown_sort_direction(c, store):
    return c.one("SearchQualificationTypes", MustBeRequestable=False, SortDirection="Sideways")


@case(errors.InvalidParameterValue.code)
def list_qualifications_with_unknown_status(c, store):
    return c.one(
        "GetQualificationsForQualificationType", QualificationTypeId=c.new_type(), Status="Pending"
    )


@case(errors.InvalidParameterValue.code)
def list_requests_with_unknown_sort_property(c, store):
    return c.one("GetQualificationRequests", SortProperty="Name")


@case(errors.InvalidParameterValue.code)
def create_test_with_auto_granted(c, store):
    return create(c, Test=QUESTION_FORM, TestDurationInSeconds=60, AutoGranted=True)


@case(errors.InvalidParameterValue.code)
def update_type_with_test_to_auto_granted(c, store):
    type_id = c.new_type(Test=QUESTION_FORM, TestDurationInSeconds=60)
    return c.one("UpdateQualificationType", QualificationTypeId=type_id, AutoGranted=True)


@case(errors.InvalidParameterValue.code)
def create_answer_key_without_test(c, store):
    return create(c, AnswerKey=ANSWER_KEY)


@case(errors.InvalidParameterValue.code)
def create_with_test_over_65535_bytes(c, store):
    comment = "<!-- " + "x" * 65535 + " -->"
    test = QUESTION_FORM.replace("<Question>", comment + "<Question>", 1)
    return create(c, Test=test, TestDurationInSeconds=60)


# --- XMLParseError -----------------------------------------------------------------------


@case(errors.XMLParseError.code)
def create_with_malformed_test(c, store):
    return create(c, Test="<QuestionForm><Question>", TestDurationInSeconds=60)


@case(errors.XMLParseError.code)
def update_with_malformed_answer_key(c, store):
    return c.one(
        "UpdateQualificationType",
        QualificationTypeId=c.new_type(),
        Test=QUESTION_FORM,
        TestDurationInSeconds=60,
        AnswerKey="<AnswerKey>&nbsp;</AnswerKey>",
    )


@case(errors.XMLParseError.code)
def create_with_external_question_as_test(c, store):
    external = (
        '<ExternalQuestion xmlns="http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/'
        '2006-07-14/ExternalQuestion.xsd"><ExternalURL>https://example.com/q</ExternalURL>'
        "<FrameHeight>400</FrameHeight></ExternalQuestion>"
    )
    return create(c, Test=external, TestDurationInSeconds=60)


@case(errors.XMLParseError.code)
def create_with_question_form_outside_its_namespace(c, store):
    return create(
        c, Test=QUESTION_FORM.replace(' xmlns="', ' xmlns:other="'), TestDurationInSeconds=60
    )


# --- missing objects ---------------------------------------------------------------------


@case(errors.QualificationTypeDoesNotExist.code)
def get_unknown_type(c, store):
    return c.one("GetQualificationType", QualificationTypeId=NO_TYPE)


@case(errors.QualificationTypeDoesNotExist.code)
def read_score_of_unknown_type(c, store):
    return c.one("GetQualificationScore", QualificationTypeId=NO_TYPE, SubjectId=WORKER)


@case(errors.QualificationTypeDoesNotExist.code)
def dispose_twice(c, store):
    type_id = c.new_type()
    c.ok("DisposeQualificationType", QualificationTypeId=type_id)
    return c.one("DisposeQualificationType", QualificationTypeId=type_id)


@case(errors.QualificationDoesNotExist.code)
def read_score_never_held(c, store):
    return c.one("GetQualificationScore", QualificationTypeId=c.new_type(), SubjectId=WORKER)


@case(errors.QualificationDoesNotExist.code)
def revoke_never_held(c, store):
    return c.one("RevokeQualification", SubjectId=WORKER, QualificationTypeId=c.new_type())


@case(errors.QualificationRequestDoesNotExist.code)
def grant_unknown_request(c, store):
    return c.one("GrantQualification", QualificationRequestId="NOSUCHREQUEST00000000000000000")


@case(errors.QualificationRequestDoesNotExist.code)
def reject_unknown_request(c, store):
    return c.one("RejectQualificationRequest", QualificationRequestId="NOSUCHREQUEST0000000000")


# --- wrong state -------------------------------------------------------------------------


@case(errors.InvalidQualificationState.code)
def revoke_twice(c, store):
    return c.one("RevokeQualification", SubjectId=WORKER, QualificationTypeId=revoked(c))


@case(errors.InvalidQualificationState.code)
def update_score_of_revoked(c, store):
    return c.one(
        "UpdateQualificationScore",
        QualificationTypeId=revoked(c),
        SubjectId=WORKER,
        IntegerValue=1,
    )


@case(errors.InvalidQualificationRequestState.code)
def grant_twice(c, store):
    request_id = file_request(store, c.new_type(), WORKER)
    c.ok("GrantQualification", QualificationRequestId=request_id)
    return c.one("GrantQualification", QualificationRequestId=request_id)


@case(errors.InvalidQualificationRequestState.code)
def reject_after_reject(c, store):
    request_id = file_request(store, c.new_type(), WORKER)
    c.ok("RejectQualificationRequest", QualificationRequestId=request_id, Reason="no")
    return c.one("RejectQualificationRequest", QualificationRequestId=request_id)


@case(errors.InvalidQualificationRequestState.code)
def grant_after_reject(c, store):
    request_id = file_request(store, c.new_type(), WORKER)
    c.ok("RejectQualificationRequest", QualificationRequestId=request_id)
    return c.one("GrantQualification", QualificationRequestId=request_id)


# --- duplicates --------------------------------------------------------------------------


@case(errors.QualificationTypeAlreadyExists.code)
def create_same_name_twice(c, store):
    name = unique("twice")
    c.new_type(Name=name)
    return create(c, Name=name)


@case(errors.QualificationAlreadyExists.code)
def assign_twice(c, store):
    return c.one("AssignQualification", QualificationTypeId=held(c), WorkerId=WORKER)


# --- permission --------------------------------------------------------------------------


def others_type(c: Caller) -> str:
    owner = new_key("theirs")
    type_id = c.new_type(key=owner)
    c.assign(type_id, WORKER, 5, key=owner)
    return type_id


@case(errors.PermissionDenied.code)
def assign_others_type(c, store):
    return c.one("AssignQualification", QualificationTypeId=others_type(c), WorkerId="AOTHER")


@case(errors.PermissionDenied.code)
def revoke_others_type(c, store):
    return c.one("RevokeQualification", SubjectId=WORKER, QualificationTypeId=others_type(c))


@case(errors.PermissionDenied.code)
def dispose_others_type(c, store):
    return c.one("DisposeQualificationType", QualificationTypeId=others_type(c))


@case(errors.PermissionDenied.code)
def list_qualifications_of_others_type(c, store):
    return c.one("GetQualificationsForQualificationType", QualificationTypeId=others_type(c))


@case(errors.PermissionDenied.code)
def list_requests_of_others_type(c, store):
    return c.one("GetQualificationRequests", QualificationTypeId=others_type(c))


@case(errors.PermissionDenied.code)
def grant_request_of_others_type(c, store):
    request_id = file_request(store, others_type(c), "AREQUESTER")
    return c.one("GrantQualification", QualificationRequestId=request_id)


@case(errors.PermissionDenied.code)
def reject_request_of_others_type(c, store):
    request_id = file_request(store, others_type(c), "AREQUESTER")
    return c.one("RejectQualificationRequest", QualificationRequestId=request_id)


# --- notifications -----------------------------------------------------------------------


@case(errors.InvalidTransportEndpoint.code)
def notification_to_no_url(c, store):
    notification = {"Destination": "no url", "Transport": "REST", "Version": "2006-05-05"}
    return c.one("SendTestEventNotification", Notification=notification, TestEventType="Ping")


@case(errors.InvalidTransportEndpoint.code)
def notification_by_email_to_no_address(c, store):
    notification = {"Destination": "nobody", "Transport": "Email", "Version": "2006-05-05"}
    return c.one("SendTestEventNotification", Notification=notification, TestEventType="Ping")


@pytest.mark.parametrize("code, name, run", CASES, ids=[f"{n}" for _, n, _ in CASES])
def test_error_case(service, emulator, code, name, run):
    assert_error(run(Caller(service), emulator.app.store), code)


_HELPERS = {
    "missing": "MissingParameters",
    "invalid": "InvalidParameterValue",
    "out_of_range": "ParameterOutOfRange",
    "no_such_type": "QualificationTypeDoesNotExist",
    "not_owner": "PermissionDenied",
    "name_taken": "QualificationTypeAlreadyExists",
}


def domain_codes() -> set[str]:
    """The codes the domain package can raise, read from its source: its error
    classes raised by name, and MTurkError's helpers that make them."""
    folder = Path(soap_mturk.domain.__file__).parent
    names = set()
    for source in folder.glob("*.py"):
        if source.name == "errors.py":  # where the classes are declared, not raised
            continue
        text = source.read_text(encoding="utf-8")
        names |= set(re.findall(r"\berrors\.([A-Za-z]+)\(", text))
        names |= {_HELPERS[h] for h in re.findall(r"MTurkError\.([a-z_]+)\(", text)}
    return {getattr(errors, name).code for name in names}


def worker_side_codes() -> set[str]:
    """Codes only the worker side raises: no Requester operation reaches them, so
    test_worker_requests.py asserts them through the control API and the CLI."""
    text = (Path(__file__).parent / "test_worker_requests.py").read_text(encoding="utf-8")
    return {
        getattr(errors, name).code for name in re.findall(r"== errors\.([A-Za-z]+)\.code", text)
    }


def hit_codes() -> set[str]:
    """Codes the HIT tests (test_hits_soap.py, test_hits_rest.py) assert, written
    there as MT + "Name"."""
    found = set()
    for name in ("test_hits_soap.py", "test_hits_rest.py"):
        text = (Path(__file__).parent / name).read_text(encoding="utf-8")
        found |= {"AWS.MechanicalTurk." + n for n in re.findall(r'MT \+ "([A-Za-z]+)"', text)}
    return found


def account_codes() -> set[str]:
    """Codes the account, bonus and notification tests assert, written there in full
    ("AWS.MechanicalTurk.Name")."""
    found = set()
    for name in ("test_money_with_hits.py", "test_notifications.py", "test_account_and_workers.py"):
        text = (Path(__file__).parent / name).read_text(encoding="utf-8")
        found |= set(re.findall(r'"(AWS\.MechanicalTurk\.[A-Za-z]+)"', text))
    return found


def test_every_domain_code_is_reached():
    reached = {code for code, _, _ in CASES} | worker_side_codes() | hit_codes() | account_codes()
    assert domain_codes() - reached == set(), "codes the domain emits that no test reaches"
    assert len(domain_codes()) >= 12
