"""A worker requests qualifications under the vendor's rules, through the control
API and through the CLI; the requester's side is seen over SOAP, as a legacy client
sees it. Uses the package's own pytest plugin (`mturk_emulator`)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
import zeep

from soap_mturk.domain import errors
from tests.worker_docs import CHESS_KEY, CHESS_TEST, answers, question_form
from tests.worker_drivers import ApiDriver, CliDriver, Refused

WORKER = "AZ3456EXAMPLE"


class Owner:
    """The requester who owns the types, over SOAP."""

    def __init__(self, emulator, service):
        self.emulator, self.service = emulator, service

    def call(self, operation: str, **request):
        response = getattr(self.service, operation)(
            **self.emulator.credentials(operation), Request=[request]
        )
        return response

    def create_type(self, **fields) -> str:
        fields.setdefault("Name", f"Type {uuid.uuid4()}")
        fields.setdefault("Description", "worker-side test")
        fields.setdefault("QualificationTypeStatus", "Active")
        created = self.call("CreateQualificationType", **fields).QualificationType[0]
        assert created.Request.IsValid == "True", created.Request.Errors
        return created.QualificationTypeId

    def score(self, type_id: str, worker: str = WORKER):
        found = self.call("GetQualificationScore", QualificationTypeId=type_id, SubjectId=worker)
        qualification = found.Qualification[0]
        if qualification.Request.IsValid != "True":
            return None
        return qualification.IntegerValue

    def pending(self, type_id: str) -> list:
        listed = self.call("GetQualificationRequests", QualificationTypeId=type_id)
        return list(listed.GetQualificationRequestsResult[0].QualificationRequest or [])


@pytest.fixture(scope="session")
def soap_service(mturk_emulator_session):
    return zeep.Client(mturk_emulator_session.wsdl_url()).service


@pytest.fixture
def owner(mturk_emulator, soap_service) -> Owner:
    return Owner(mturk_emulator, soap_service)


@pytest.fixture(params=[ApiDriver, CliDriver], ids=lambda d: d.name)
def worker(request, mturk_emulator):
    return request.param(mturk_emulator)


def refused(call) -> str:
    with pytest.raises(Refused) as caught:
        call()
    return caught.value.code


# --- which types may be requested ------------------------------------------------------


def test_auto_granted_type_grants_at_once_with_its_value(owner, worker):
    type_id = owner.create_type(AutoGranted=True, AutoGrantedValue=42)
    outcome = worker.request(WORKER, type_id)
    assert outcome["QualificationRequest"]["Status"] == "Granted"
    assert outcome["QualificationRequest"]["SubmitTime"].endswith("Z")
    assert outcome["Qualification"]["IntegerValue"] == 42
    assert owner.score(type_id) == 42
    assert owner.pending(type_id) == []


def test_auto_granted_value_defaults_to_one(owner, worker):
    type_id = owner.create_type(AutoGranted=True)
    worker.request(WORKER, type_id)
    assert owner.score(type_id) == 1


def test_unknown_type_is_refused(worker):
    assert (
        refused(lambda: worker.request(WORKER, "NOSUCHTYPE0000000000"))
        == errors.QualificationTypeDoesNotExist.code
    )


def test_inactive_type_is_refused(owner, worker):
    type_id = owner.create_type(AutoGranted=True, QualificationTypeStatus="Inactive")
    assert (
        refused(lambda: worker.request(WORKER, type_id))
        == errors.InvalidQualificationTypeState.code
    )
    assert owner.score(type_id) is None


def test_type_without_test_or_auto_grant_waits_for_the_owner(owner, worker):
    """Every type a requester made is requestable (the vendor reports IsRequestable
    true for one with neither test nor auto-grant): the request waits for the owner."""
    type_id = owner.create_type()
    worker.request(WORKER, type_id)
    (pending,) = owner.pending(type_id)
    assert pending.SubjectId == WORKER
    assert pending.Test is None and pending.Answer is None
    assert owner.score(type_id) is None


def test_answers_to_a_type_without_test_are_refused(owner, worker):
    type_id = owner.create_type(AutoGranted=True)
    code = refused(lambda: worker.request(WORKER, type_id, answers(nextmove="D")))
    assert code == errors.InvalidParameterValue.code
    assert owner.score(type_id) is None


def test_answer_that_is_not_question_form_answers_is_refused(owner, worker):
    type_id = owner.create_type(Test=CHESS_TEST, TestDurationInSeconds=60)
    assert (
        refused(lambda: worker.request(WORKER, type_id, "<Answers><oops>"))
        == errors.XMLParseError.code
    )
    assert owner.pending(type_id) == []


def test_unusable_worker_id_is_refused(owner, worker):
    type_id = owner.create_type(AutoGranted=True)
    assert refused(lambda: worker.request("W" * 65, type_id)) == errors.InvalidParameterValue.code


# --- retakes ------------------------------------------------------------------------


def test_without_retry_delay_a_granted_worker_cannot_request_again(owner, worker):
    type_id = owner.create_type(AutoGranted=True)
    worker.request(WORKER, type_id)
    assert (
        refused(lambda: worker.request(WORKER, type_id))
        == errors.QualificationTypeDoesNotAllowRetake.code
    )
    worker.request("ANOTHERWORKER", type_id)  # the rule is per worker


def test_without_retry_delay_a_rejected_worker_cannot_request_again(owner, worker):
    type_id = owner.create_type(Test=CHESS_TEST, TestDurationInSeconds=60)
    filed = worker.request(WORKER, type_id, answers(nextmove="A"))["QualificationRequest"]
    rejected = owner.call(
        "RejectQualificationRequest", QualificationRequestId=filed["QualificationRequestId"]
    )
    assert rejected.RejectQualificationRequestResult[0].Request.IsValid == "True"
    assert (
        refused(lambda: worker.request(WORKER, type_id, answers(nextmove="D")))
        == errors.QualificationTypeDoesNotAllowRetake.code
    )


def test_asking_again_before_the_retry_delay_is_refused(owner, worker):
    type_id = owner.create_type(AutoGranted=True, RetryDelayInSeconds=3600)
    worker.request(WORKER, type_id)
    assert (
        refused(lambda: worker.request(WORKER, type_id))
        == errors.QualificationTypeRetryDelayNotElapsed.code
    )


def test_asking_again_after_the_retry_delay_is_allowed(mturk_emulator, owner, worker):
    # The earlier request is seeded two hours back rather than waited for.
    loaded = worker.load(
        {
            "QualificationTypes": [
                {
                    "Owner": mturk_emulator.access_key,
                    "Name": "Retry after an hour",
                    "Description": "A chess test that may be retaken after an hour",
                    "Test": CHESS_TEST,
                    "TestDurationInSeconds": 60,
                    "RetryDelayInSeconds": 3600,
                    "QualificationRequests": [
                        {
                            "SubjectId": WORKER,
                            "SubmitTime": (datetime.now(UTC) - timedelta(hours=2)).isoformat(),
                        }
                    ],
                }
            ],
        }
    )
    type_id = loaded["QualificationTypeIds"][0]
    again = worker.request(WORKER, type_id, answers(nextmove="D"))
    assert again["QualificationRequest"]["Status"] == "Pending"
    assert len(owner.pending(type_id)) == 2


def test_a_retake_can_improve_a_graded_score(owner, worker):
    type_id = owner.create_type(
        Test=CHESS_TEST, AnswerKey=CHESS_KEY, TestDurationInSeconds=60, RetryDelayInSeconds=0
    )
    worker.request(WORKER, type_id, answers(nextmove="D", favoritefruit="pears"))
    assert owner.score(type_id) == 33
    worker.request(WORKER, type_id, answers(nextmove="D", favoritefruit="apples"))
    assert owner.score(type_id) == 100


# --- tests: graded by an AnswerKey, or by the owner ----------------------------------------


@pytest.mark.parametrize(
    "chosen, expected",
    [({"nextmove": "D", "favoritefruit": "apples"}, 100), ({"nextmove": "D"}, 33), ({}, 0)],
    ids=["all-right", "one-right", "unanswered"],
)
def test_test_with_answer_key_is_graded_and_granted(owner, worker, chosen, expected):
    type_id = owner.create_type(Test=CHESS_TEST, AnswerKey=CHESS_KEY, TestDurationInSeconds=60)
    outcome = worker.request(WORKER, type_id, answers(**chosen))
    assert outcome["QualificationRequest"]["Status"] == "Granted"
    assert outcome["Qualification"]["IntegerValue"] == expected
    assert owner.score(type_id) == expected
    assert owner.pending(type_id) == []


def test_test_without_answer_key_waits_for_the_owner_to_grant(owner, worker):
    type_id = owner.create_type(Test=CHESS_TEST, TestDurationInSeconds=60)
    answer = answers(nextmove="B", favoritefruit="pears")
    outcome = worker.request(WORKER, type_id, answer)
    assert outcome["Qualification"] is None
    assert owner.score(type_id) is None

    [pending] = owner.pending(type_id)
    assert (
        pending.QualificationRequestId == outcome["QualificationRequest"]["QualificationRequestId"]
    )
    assert pending.SubjectId == WORKER
    assert pending.Test == CHESS_TEST
    assert pending.Answer == answer
    assert pending.SubmitTime is not None

    granted = owner.call(
        "GrantQualification", QualificationRequestId=pending.QualificationRequestId, IntegerValue=77
    )
    assert granted.GrantQualificationResult[0].Request.IsValid == "True"
    assert owner.score(type_id) == 77
    assert owner.pending(type_id) == []


def test_test_without_answer_key_can_be_rejected(owner, worker):
    type_id = owner.create_type(Test=CHESS_TEST, TestDurationInSeconds=60)
    worker.request(WORKER, type_id, answers(nextmove="A"))
    [pending] = owner.pending(type_id)
    owner.call(
        "RejectQualificationRequest",
        QualificationRequestId=pending.QualificationRequestId,
        Reason="no",
    )
    assert owner.pending(type_id) == []
    assert owner.score(type_id) is None


def test_a_request_keeps_the_test_as_it_was_when_asked(owner, worker):
    type_id = owner.create_type(Test=CHESS_TEST, TestDurationInSeconds=60)
    worker.request(WORKER, type_id, answers(nextmove="A"))
    new_test = question_form(("colour", ("red", "blue")))
    updated = owner.call(
        "UpdateQualificationType",
        QualificationTypeId=type_id,
        Test=new_test,
        TestDurationInSeconds=60,
    )
    assert updated.QualificationType[0].Request.IsValid == "True"
    worker.request("SECONDWORKER", type_id, answers(colour="red"))
    tests = {r.SubjectId: r.Test for r in owner.pending(type_id)}
    assert tests == {WORKER: CHESS_TEST, "SECONDWORKER": new_test}


def test_answer_key_that_cannot_grade_is_refused_when_the_type_is_created(owner):
    created = owner.call(
        "CreateQualificationType",
        Name=f"Bad key {uuid.uuid4()}",
        Description="d",
        QualificationTypeStatus="Active",
        Test=CHESS_TEST,
        TestDurationInSeconds=60,
        AnswerKey="<AnswerKey><Question><QuestionIdentifier>q</QuestionIdentifier>"
        "<AnswerOption><SelectionIdentifier>x</SelectionIdentifier>"
        "<AnswerScore>lots</AnswerScore></AnswerOption></Question></AnswerKey>",
    ).QualificationType[0]
    assert created.Request.IsValid == "False"
    assert created.Request.Errors.Error[0].Code == errors.XMLParseError.code
