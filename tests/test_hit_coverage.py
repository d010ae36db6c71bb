"""Issue 13's "Done when": a test for each state transition of HITs and
assignments, and for each error the reference names for the 19 HIT and assignment
operations. The two tables below are the list; each row is run, over SOAP through
zeep with the vendor's WSDL, workers scripted through the control API and time
moved on the emulator clock.

Where the reference text (legacy-api-reference-2014-08-15.txt, "ref" below with
its line) names a code, the row cites it. It names only four codes for these
operations (HitAlreadyExists 1799, InvalidMaximumAssignmentsIncrease 2834,
HITTooOldForExtension 2837, InvalidAssignmentState 6126) and InvalidParameterValue
for RequesterFeedback (1069, 1193); its other refusals ("returns an error",
constraints and ranges) are answered with the codes README "HITs and assignments"
gives, from the WSDL's required elements (MissingParameters), ranges
(ParameterOutOfRange) and the vendor's Java SDK's code list.

Not run, with the reason:

| operation | error | why no row |
|---|---|---|
| ExtendHIT | HITTooOldForExtension (ref 2837: HITs created before 2015-07-22) | every HIT is created in emulator time, which is never before the wall clock |
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest

from soap_mturk.control.client import ControlClient
from tests.conftest import served_client
from tests.hit_support import QUESTION_FORM, Worker, answers
from tests.lifecycle_support import unique
from tests.rest_support import call, now_text
from tests.test_hits_soap import MT, Requester

MISSING, RANGE = "AWS.MissingParameters", "AWS.ParameterOutOfRange"
INVALID, HIT_STATE, ASSIGNMENT_STATE = (
    MT + "InvalidParameterValue",
    MT + "InvalidHITState",
    MT + "InvalidAssignmentState",
)
NO_HIT, NO_ASSIGNMENT, DENIED = (
    MT + "HITDoesNotExist",
    MT + "AssignmentDoesNotExist",
    MT + "PermissionDeniedException",
)
DAY = 24 * 3600


class World:
    """One requester of its own, the control API, the clock, and what a row needs."""

    def __init__(self, service, control: ControlClient, running):
        self.service, self.control, self.running = service, control, running
        self.requester = Requester(service)

    def rest_error(self, operation: str, params: dict) -> str | None:
        _, _, root = call(self.running, {
            "Service": "AWSMechanicalTurkRequester", "Version": "2014-08-15",
            "AWSAccessKeyId": self.requester.key, "Operation": operation,
            "Timestamp": now_text(), "Signature": "unchecked", **params,
        })  # fmt: skip
        return next((e.text for e in root.iter() if e.tag.endswith("Code")), None)

    # HITs in each state

    def hit(self, **overrides) -> str:
        return self.requester.hit(**overrides)

    def reviewable(self) -> str:
        hit = self.hit()
        self.requester.ok("ForceExpireHIT", HITId=hit)
        return hit

    def disposed(self) -> str:
        hit = self.reviewable()
        self.requester.ok("DisposeHIT", HITId=hit)
        return hit

    # assignments in each state

    def submitted(self, **hit_overrides) -> str:
        return Worker(self.control).take(self.hit(**hit_overrides))

    def approved(self) -> str:
        assignment = self.submitted()
        self.requester.ok("ApproveAssignment", AssignmentId=assignment)
        return assignment

    def rejected(self) -> str:
        assignment = self.submitted()
        self.requester.ok("RejectAssignment", AssignmentId=assignment)
        return assignment

    def others_hit(self) -> str:
        return Requester(self.service).hit()

    def status(self, hit: str) -> str:
        return self.requester.status(hit)

    def assignment_status(self, assignment: str) -> str:
        """Every state, the emulator's own (Accepted, Returned, Abandoned) too."""
        (found,) = [
            a for a in self.control.state()["Assignments"] if a["AssignmentId"] == assignment
        ]
        return found["AssignmentStatus"]


@dataclass(frozen=True)
class Refusal:
    operation: str
    condition: str
    code: str
    source: str  # where the rule (and the code, where named) comes from
    request: Callable[[World], dict]
    result: str | None = None  # the result element, when not <operation>Result
    # "rest": parameters zeep will not send (a required element left out, a control
    # character lxml will not write) go as a plain REST query, flat.
    via: str = "soap"


def _type_properties(**overrides) -> dict:
    return {
        "Title": unique("t"),
        "Description": "d",
        "Reward": {"Amount": Decimal("0.10"), "CurrencyCode": "USD"},
        "AssignmentDurationInSeconds": 60,
        **overrides,
    }


def _create(w: World, **overrides) -> dict:
    return {
        "HITTypeId": w.requester.hit_type(),
        "LifetimeInSeconds": 3600,
        "Question": QUESTION_FORM,
        **overrides,
    }


def _used_token(w: World) -> dict:
    w.hit(UniqueRequestToken="once")
    return _create(w, UniqueRequestToken="once")


def _used_extend_token(w: World) -> dict:
    hit = w.hit()
    w.requester.ok("ExtendHIT", HITId=hit, MaxAssignmentsIncrement=1, UniqueRequestToken="once")
    return {"HITId": hit, "MaxAssignmentsIncrement": 1, "UniqueRequestToken": "once"}


def _broke(w: World, request: dict) -> dict:
    w.control.set_balance(w.requester.key, "0.00")
    return request


def _old_rejection(w: World) -> dict:
    assignment = w.rejected()
    w.control.advance_clock(31 * DAY)
    return {"AssignmentId": assignment}


def _rejected_of_disposed_hit(w: World) -> dict:
    hit = w.hit()
    assignment = Worker(w.control).take(hit)
    w.requester.ok("RejectAssignment", AssignmentId=assignment)
    w.requester.ok("DisposeHIT", HITId=hit)
    return {"AssignmentId": assignment}


def _reviewable_with_work_to_review(w: World) -> dict:
    hit = w.hit()
    Worker(w.control).take(hit)
    return {"HITId": hit}


def _disposed_assignment(w: World) -> dict:
    hit = w.hit()
    assignment = Worker(w.control).take(hit)
    w.requester.ok("ApproveAssignment", AssignmentId=assignment)
    w.requester.ok("DisposeHIT", HITId=hit)
    return {"AssignmentId": assignment}


ELEVEN_REQUIREMENTS = [
    {"QualificationTypeId": "00000000000000000040", "Comparator": "GreaterThan",
     "IntegerValue": [n]} for n in range(11)
]  # fmt: skip
CONTROL_CHARACTER = "thanks\x07"

REFUSALS = [
    # RegisterHITType
    Refusal("RegisterHITType", "no Title", MISSING, "ref 6543 (Required), WSDL",
            lambda w: {"Description": "d", "Reward.1.Amount": "0.10",
                       "Reward.1.CurrencyCode": "USD", "AssignmentDurationInSeconds": "60"},
            via="rest"),
    Refusal("RegisterHITType", "Title over 128 characters", INVALID, "ref 1851 (CreateHIT)",
            lambda w: _type_properties(Title="x" * 129)),
    Refusal("RegisterHITType", "Description of 2,000 characters or more", INVALID, "ref 6582",
            lambda w: _type_properties(Description="x" * 2001)),
    Refusal("RegisterHITType", "Keywords over 1,000 characters", INVALID, "ref 6614",
            lambda w: _type_properties(Keywords="x" * 1001)),
    Refusal("RegisterHITType", "AutoApprovalDelayInSeconds over 30 days", RANGE, "ref 6627",
            lambda w: _type_properties(AutoApprovalDelayInSeconds=2592001)),
    Refusal("RegisterHITType", "AssignmentDurationInSeconds under 30", RANGE, "ref",
            lambda w: _type_properties(AssignmentDurationInSeconds=29)),
    Refusal("RegisterHITType", "a requirement of an unknown type",
            MT + "QualificationTypeDoesNotExist", "README",
            lambda w: _type_properties(QualificationRequirement=[
                {"QualificationTypeId": "NOSUCHTYPE", "Comparator": "Exists"}])),
    Refusal("RegisterHITType", "more than 10 requirements", INVALID, "ref",
            lambda w: _type_properties(QualificationRequirement=ELEVEN_REQUIREMENTS)),
    Refusal("RegisterHITType", "a Reward not in USD", INVALID, "ref, Price",
            lambda w: _type_properties(Reward={"Amount": Decimal("1"), "CurrencyCode": "EUR"})),
    # CreateHIT
    Refusal("CreateHIT", "a UniqueRequestToken used in the last 24 hours",
            MT + "HitAlreadyExists", "ref 1799", _used_token, "HIT"),
    Refusal("CreateHIT", "LifetimeInSeconds under 30", RANGE, "ref",
            lambda w: _create(w, LifetimeInSeconds=29), "HIT"),
    Refusal("CreateHIT", "MaxAssignments 0", RANGE, "ref",
            lambda w: _create(w, MaxAssignments=0), "HIT"),
    Refusal("CreateHIT", "neither Question nor HITLayoutId", MISSING, "ref 1675",
            lambda w: {k: v for k, v in _create(w).items() if k != "Question"}, "HIT"),
    Refusal("CreateHIT", "a Question that is not well-formed", MT + "XMLParseError", "ref 1670",
            lambda w: _create(w, Question="<QuestionForm>"), "HIT"),
    Refusal("CreateHIT", "RequesterAnnotation over 255 characters", INVALID, "ref 1789",
            lambda w: _create(w, RequesterAnnotation="x" * 256), "HIT"),
    Refusal("CreateHIT", "UniqueRequestToken over 64 characters", INVALID, "ref 1806",
            lambda w: _create(w, UniqueRequestToken="x" * 65), "HIT"),
    Refusal("CreateHIT", "another requester's HIT type", DENIED, "README",
            lambda w: _create(w, HITTypeId=Requester(w.service).hit_type()), "HIT"),
    Refusal("CreateHIT", "an unknown HITTypeId", INVALID, "README",
            lambda w: _create(w, HITTypeId="NOSUCHTYPE"), "HIT"),
    Refusal("CreateHIT", "not enough money", MT + "InsufficientFunds", "README, Java SDK",
            lambda w: _broke(w, _create(w)), "HIT"),
    # GetHIT
    Refusal("GetHIT", "an unknown HIT", NO_HIT, "Java SDK", lambda w: {"HITId": "NOSUCH"}, "HIT"),
    Refusal("GetHIT", "another requester's HIT", DENIED, "README",
            lambda w: {"HITId": w.others_hit()}, "HIT"),
    # SearchHITs
    Refusal("SearchHITs", "PageSize over 100", RANGE, "ref", lambda w: {"PageSize": 101}),
    Refusal("SearchHITs", "PageNumber 0", RANGE, "ref", lambda w: {"PageNumber": 0}),
    Refusal("SearchHITs", "an unknown SortProperty", INVALID, "ref, WSDL enumeration",
            lambda w: {"SortProperty": "Color"}, via="rest"),
    # GetReviewableHITs
    Refusal("GetReviewableHITs", "PageSize 0", RANGE, "ref", lambda w: {"PageSize": 0}),
    Refusal("GetReviewableHITs", "a Status other than Reviewable or Reviewing", INVALID,
            "ref, WSDL enumeration", lambda w: {"Status": "Assignable"}, via="rest"),
    # GetHITsForQualificationType
    Refusal("GetHITsForQualificationType", "an unknown type",
            MT + "QualificationTypeDoesNotExist", "README",
            lambda w: {"QualificationTypeId": "NOSUCHTYPE"}),
    # ChangeHITTypeOfHIT
    Refusal("ChangeHITTypeOfHIT", "a disposed HIT", HIT_STATE, "README",
            lambda w: {"HITId": w.disposed(), "HITTypeId": w.requester.hit_type()}),
    Refusal("ChangeHITTypeOfHIT", "another requester's HIT type", DENIED, "README",
            lambda w: {"HITId": w.hit(), "HITTypeId": Requester(w.service).hit_type()}),
    Refusal("ChangeHITTypeOfHIT", "an unknown HIT type", INVALID, "README",
            lambda w: {"HITId": w.hit(), "HITTypeId": "NOSUCHTYPE"}),
    Refusal("ChangeHITTypeOfHIT", "an unknown HIT", NO_HIT, "Java SDK",
            lambda w: {"HITId": "NOSUCH", "HITTypeId": w.requester.hit_type()}),
    # ExtendHIT
    Refusal("ExtendHIT", "from under 10 to 10 or more assignments",
            MT + "InvalidMaximumAssignmentsIncrease", "ref 2834",
            lambda w: {"HITId": w.hit(MaxAssignments=9), "MaxAssignmentsIncrement": 1}),
    Refusal("ExtendHIT", "a UniqueRequestToken used in the last 24 hours", INVALID,
            "ref 2905 (no code named)", _used_extend_token),
    Refusal("ExtendHIT", "neither increment", MISSING, "ref", lambda w: {"HITId": w.hit()}),
    Refusal("ExtendHIT", "MaxAssignmentsIncrement 0", RANGE, "ref",
            lambda w: {"HITId": w.hit(), "MaxAssignmentsIncrement": 0}),
    Refusal("ExtendHIT", "ExpirationIncrementInSeconds under an hour", RANGE, "ref 2892",
            lambda w: {"HITId": w.hit(), "ExpirationIncrementInSeconds": 3599}),
    Refusal("ExtendHIT", "a disposed HIT", HIT_STATE, "README",
            lambda w: {"HITId": w.disposed(), "MaxAssignmentsIncrement": 1}),
    Refusal("ExtendHIT", "UniqueRequestToken over 64 characters", INVALID, "ref 2912",
            lambda w: {"HITId": w.hit(), "MaxAssignmentsIncrement": 1,
                       "UniqueRequestToken": "x" * 65}),
    Refusal("ExtendHIT", "not enough money", MT + "InsufficientFunds", "README",
            lambda w: _broke(w, {"HITId": w.hit(), "MaxAssignmentsIncrement": 1})),
    Refusal("ExtendHIT", "another requester's HIT", DENIED, "ref 2828: only its Requester",
            lambda w: {"HITId": w.others_hit(), "MaxAssignmentsIncrement": 1}),
    # ForceExpireHIT
    Refusal("ForceExpireHIT", "an expired HIT", HIT_STATE, "README",
            lambda w: {"HITId": w.reviewable()}),
    Refusal("ForceExpireHIT", "an unknown HIT", NO_HIT, "Java SDK", lambda w: {"HITId": "NOSUCH"}),
    # DisableHIT
    Refusal("DisableHIT", "a Reviewable HIT", HIT_STATE, "ref 2518",
            lambda w: {"HITId": w.reviewable()}),
    Refusal("DisableHIT", "a disposed HIT", HIT_STATE, "ref 2507 (disposes)",
            lambda w: {"HITId": w.disposed()}),
    # DisposeHIT
    Refusal("DisposeHIT", "a HIT not Reviewable", HIT_STATE, "ref 2609",
            lambda w: {"HITId": w.hit()}),
    Refusal("DisposeHIT", "a Reviewable HIT with submitted work left", HIT_STATE, "ref 2611",
            _reviewable_with_work_to_review),
    Refusal("DisposeHIT", "another requester's HIT", DENIED, "ref 2606: only its Requester",
            lambda w: {"HITId": w.others_hit()}),
    # SetHITAsReviewing
    Refusal("SetHITAsReviewing", "a HIT not Reviewable", HIT_STATE, "ref",
            lambda w: {"HITId": w.hit()}),
    Refusal("SetHITAsReviewing", "Revert on a HIT not Reviewing", HIT_STATE, "ref",
            lambda w: {"HITId": w.reviewable(), "Revert": True}),
    # GetAssignment
    Refusal("GetAssignment", "an unknown assignment", NO_ASSIGNMENT, "Java SDK",
            lambda w: {"AssignmentId": "NOSUCH"}),
    Refusal("GetAssignment", "an assignment of a disposed HIT", NO_ASSIGNMENT, "ref 2509",
            _disposed_assignment),
    # GetAssignmentsForHIT
    Refusal("GetAssignmentsForHIT", "an unknown HIT", NO_HIT, "Java SDK",
            lambda w: {"HITId": "NOSUCH"}),
    Refusal("GetAssignmentsForHIT", "PageSize over 100", RANGE, "ref",
            lambda w: {"HITId": w.hit(), "PageSize": 101}),
    Refusal("GetAssignmentsForHIT", "an AssignmentStatus not Submitted, Approved, Rejected",
            INVALID, "ref, WSDL enumeration",
            lambda w: {"HITId": w.hit(), "AssignmentStatus": "Accepted"}, via="rest"),
    # ApproveAssignment
    Refusal("ApproveAssignment", "an approved assignment", ASSIGNMENT_STATE, "README",
            lambda w: {"AssignmentId": w.approved()}),
    Refusal("ApproveAssignment", "RequesterFeedback with ASCII 0-8, 11, 12, 14-31", INVALID,
            "ref 1069", lambda w: {"AssignmentId": w.submitted(),
                                   "RequesterFeedback": CONTROL_CHARACTER}, via="rest"),
    Refusal("ApproveAssignment", "RequesterFeedback over 1,024 characters", INVALID, "ref 1063",
            lambda w: {"AssignmentId": w.submitted(), "RequesterFeedback": "x" * 1025}),
    Refusal("ApproveAssignment", "another requester's assignment", DENIED, "README",
            lambda w: {"AssignmentId": Worker(w.control).take(w.others_hit())}),
    # RejectAssignment
    Refusal("RejectAssignment", "a rejected assignment", ASSIGNMENT_STATE, "README",
            lambda w: {"AssignmentId": w.rejected()}),
    Refusal("RejectAssignment", "RequesterFeedback with a control character", INVALID,
            "ref 1069 (as ApproveAssignment)",
            lambda w: {"AssignmentId": w.submitted(), "RequesterFeedback": CONTROL_CHARACTER},
            via="rest"),
    # ApproveRejectedAssignment
    Refusal("ApproveRejectedAssignment", "an assignment not Rejected", ASSIGNMENT_STATE,
            "ref 1132", lambda w: {"AssignmentId": w.submitted()}),
    Refusal("ApproveRejectedAssignment", "submitted more than 30 days ago", ASSIGNMENT_STATE,
            "ref 1132", _old_rejection),
    Refusal("ApproveRejectedAssignment", "its HIT disposed", NO_ASSIGNMENT, "ref 1132, 2509",
            _rejected_of_disposed_hit),
    Refusal("ApproveRejectedAssignment", "RequesterFeedback with a control character", INVALID,
            "ref 1193", lambda w: {"AssignmentId": w.rejected(),
                                   "RequesterFeedback": CONTROL_CHARACTER}, via="rest"),
    # GetFileUploadURL
    Refusal("GetFileUploadURL", "a question without an uploaded file", INVALID, "README",
            lambda w: {"AssignmentId": w.submitted(), "QuestionIdentifier": "tweet"}),
    Refusal("GetFileUploadURL", "an unknown assignment", NO_ASSIGNMENT, "Java SDK",
            lambda w: {"AssignmentId": "NOSUCH", "QuestionIdentifier": "tweet"}),
    # GetReviewResultsForHIT
    Refusal("GetReviewResultsForHIT", "PageSize under 100", RANGE, "ref 5715",
            lambda w: {"HITId": w.hit(), "PageSize": 99}),
    Refusal("GetReviewResultsForHIT", "an unknown HIT", NO_HIT, "Java SDK",
            lambda w: {"HITId": "NOSUCH"}),
]  # fmt: skip


@pytest.fixture(scope="module")
def service(emulator):
    return served_client(emulator, "2014-08-15").service


@pytest.fixture
def world(service, emulator):
    control = ControlClient(emulator.base_url)
    yield World(service, control, emulator)
    control.reset()  # rows move the clock and empty balances


@pytest.mark.parametrize(
    "refusal", REFUSALS, ids=[f"{r.operation}: {r.condition}" for r in REFUSALS]
)
def test_each_refusal_the_reference_names(world, refusal):
    request = refusal.request(world)
    if refusal.via == "rest":
        assert world.rest_error(refusal.operation, request) == refusal.code
        return
    result = refusal.result or refusal.operation + "Result"
    assert world.requester.error(refusal.operation, result, **request) == refusal.code


def test_every_operation_has_its_refusals_listed():
    operations = {
        "RegisterHITType", "CreateHIT", "GetHIT", "SearchHITs", "GetReviewableHITs",
        "GetHITsForQualificationType", "ChangeHITTypeOfHIT", "ExtendHIT", "ForceExpireHIT",
        "DisableHIT", "DisposeHIT", "SetHITAsReviewing", "GetAssignment",
        "GetAssignmentsForHIT", "ApproveAssignment", "RejectAssignment",
        "ApproveRejectedAssignment", "GetFileUploadURL", "GetReviewResultsForHIT",
    }  # fmt: skip
    assert {r.operation for r in REFUSALS} == operations


def test_a_review_policys_action_on_an_assignment_in_the_wrong_state_fails(world):
    """ref 6126: a failed action carries AWS.MechanicalTurk.InvalidAssignmentState.
    The requester approves the first submission before the HIT-level policy runs,
    so the policy's verdict on it fails."""
    plurality = {
        "PolicyName": "SimplePlurality/2011-09-01",
        "Parameter": [
            {"Key": "QuestionIds", "Value": ["tweet"]},
            {"Key": "QuestionAgreementThreshold", "Value": ["50"]},
            {"Key": "ApproveIfWorkerAgreementScoreIsAtLeast", "Value": ["100"]},
        ],
    }
    hit = world.hit(MaxAssignments=2, HITReviewPolicy=plurality)
    early = Worker(world.control).take(hit, answers("same"))
    world.requester.ok("ApproveAssignment", AssignmentId=early)
    Worker(world.control).take(hit, answers("same"))  # the HIT becomes Reviewable
    report = world.requester.ok("GetReviewResultsForHIT", HITId=hit).HITReviewReport
    failed = [a for a in report.ReviewAction if a.ObjectId == early]
    assert [(a.Status, a.ErrorCode) for a in failed] == [("Failed", ASSIGNMENT_STATE)]


# --- state transitions ------------------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    what: str  # "HIT" or "assignment"
    before: str
    trigger: str
    after: str
    run: Callable[[World], tuple[str, str]]  # (state before, state after), as observed


def _hit_accepted_full(w: World) -> tuple[str, str]:
    hit = w.hit(MaxAssignments=1)
    before = w.status(hit)
    Worker(w.control).accept(hit)
    return before, w.status(hit)


def _hit_freed(how: str) -> Callable[[World], tuple[str, str]]:
    def run(w: World) -> tuple[str, str]:
        hit = w.hit(MaxAssignments=1)
        worker = Worker(w.control)
        assignment = worker.accept(hit)["AssignmentId"]
        before = w.status(hit)
        if how == "return":
            w.control.return_assignment(worker.id, assignment)
        else:
            w.control.advance_clock(3601)  # the type's assignment duration passes
        return before, w.status(hit)

    return run


def _hit_last_submission(w: World) -> tuple[str, str]:
    hit = w.hit(MaxAssignments=1)
    worker = Worker(w.control)
    assignment = worker.accept(hit)["AssignmentId"]
    before = w.status(hit)
    worker.submit(assignment)
    return before, w.status(hit)


def _hit_lifetime_ends(w: World) -> tuple[str, str]:
    hit = w.hit(LifetimeInSeconds=60)
    before = w.status(hit)
    w.control.advance_clock(61)
    return before, w.status(hit)


def _hit_force_expired(w: World) -> tuple[str, str]:
    hit = w.hit()
    before = w.status(hit)
    w.requester.ok("ForceExpireHIT", HITId=hit)
    return before, w.status(hit)


def _hit_expires_with_work_in_progress(w: World) -> tuple[str, str]:
    hit = w.hit(MaxAssignments=2)
    Worker(w.control).accept(hit)
    before = w.status(hit)
    w.requester.ok("ForceExpireHIT", HITId=hit)
    return before, w.status(hit)


def _hit_expired_work_submitted(w: World) -> tuple[str, str]:
    hit = w.hit(MaxAssignments=2)
    worker = Worker(w.control)
    assignment = worker.accept(hit)["AssignmentId"]
    w.requester.ok("ForceExpireHIT", HITId=hit)
    before = w.status(hit)
    worker.submit(assignment)
    return before, w.status(hit)


def _hit_op(prepare: Callable[[World], str], op: str, **request) -> Callable:
    def run(w: World) -> tuple[str, str]:
        hit = prepare(w)
        before = w.status(hit)
        w.requester.ok(op, HITId=hit, **request)
        return before, w.status(hit)

    return run


def _reviewing(w: World) -> str:
    hit = w.reviewable()
    w.requester.ok("SetHITAsReviewing", HITId=hit)
    return hit


def _all_submitted(w: World) -> str:
    hit = w.hit(MaxAssignments=1)
    assignment = Worker(w.control).take(hit)
    w.requester.ok("ApproveAssignment", AssignmentId=assignment)
    return hit


def _unassignable(w: World) -> str:
    hit = w.hit(MaxAssignments=1)
    Worker(w.control).accept(hit)
    return hit


def _hit_extended_by_policy(w: World) -> tuple[str, str]:
    extending = {
        "PolicyName": "ScoreMyKnownAnswers/2011-09-01",
        "Parameter": [
            {"Key": "AnswerKey", "MapEntry": [{"Key": "tweet", "Value": ["right"]}]},
            {"Key": "ExtendIfKnownAnswerScoreIsLessThan", "Value": ["100"]},
            {"Key": "ExtendMaximumAssignments", "Value": ["3"]},
        ],
    }
    hit = w.hit(MaxAssignments=1, AssignmentReviewPolicy=extending)
    worker = Worker(w.control)
    assignment = worker.accept(hit)["AssignmentId"]
    before = w.status(hit)
    worker.submit(assignment, answers("wrong"))  # the policy adds an assignment
    return before, w.status(hit)


def _assignment(run: Callable[[World, Worker, str, str], str | None]) -> Callable:
    """An accepted assignment; `run` moves it on and names its state before (None:
    Accepted)."""

    def observed(w: World) -> tuple[str, str]:
        hit = w.hit(MaxAssignments=2)
        worker = Worker(w.control)
        assignment = worker.accept(hit)["AssignmentId"]
        before = run(w, worker, hit, assignment) or "Accepted"
        return before, w.assignment_status(assignment)

    return observed


def _submit(w: World, worker: Worker, hit: str, a: str) -> None:
    worker.submit(a)


def _return(w: World, worker: Worker, hit: str, a: str) -> None:
    w.control.return_assignment(worker.id, a)


def _abandon(w: World, worker: Worker, hit: str, a: str) -> None:
    w.control.advance_clock(3601)


def _verdict(op: str) -> Callable:
    def run(w: World, worker: Worker, hit: str, a: str) -> str:
        worker.submit(a)
        w.requester.ok(op, AssignmentId=a)
        return "Submitted"

    return run


def _approve_rejected(w: World, worker: Worker, hit: str, a: str) -> str:
    worker.submit(a)
    w.requester.ok("RejectAssignment", AssignmentId=a)
    w.requester.ok("ApproveRejectedAssignment", AssignmentId=a)
    return "Rejected"


def _auto_approval(w: World, worker: Worker, hit: str, a: str) -> str:
    worker.submit(a)
    w.control.advance_clock(86401)  # the type's AutoApprovalDelayInSeconds
    return "Submitted"


def _disabled_after_submission(w: World, worker: Worker, hit: str, a: str) -> str:
    worker.submit(a)
    w.requester.ok("DisableHIT", HITId=hit)
    return "Submitted"


def _submitted_after_disable(w: World, worker: Worker, hit: str, a: str) -> None:
    w.requester.ok("DisableHIT", HITId=hit)
    worker.submit(a)


def _approved_at_once(w: World) -> tuple[str, str]:
    hit = w.hit(HITTypeId=w.requester.hit_type(AutoApprovalDelayInSeconds=0))
    worker = Worker(w.control)
    assignment = worker.accept(hit)["AssignmentId"]
    worker.submit(assignment)
    return "Accepted", w.assignment_status(assignment)


def _rejected_by_policy(w: World) -> tuple[str, str]:
    known = {
        "PolicyName": "ScoreMyKnownAnswers/2011-09-01",
        "Parameter": [
            {"Key": "AnswerKey", "MapEntry": [{"Key": "tweet", "Value": ["right"]}]},
            {"Key": "RejectIfKnownAnswerScoreIsLessThan", "Value": ["100"]},
        ],
    }
    assignment = w.submitted(AssignmentReviewPolicy=known)  # answers "This is my tweet!"
    return "Submitted", w.assignment_status(assignment)


TRANSITIONS = [
    Transition("HIT", "Assignable", "a worker takes its last free slot", "Unassignable",
               _hit_accepted_full),
    Transition("HIT", "Unassignable", "the worker returns the assignment", "Assignable",
               _hit_freed("return")),
    Transition("HIT", "Unassignable", "the assignment is abandoned (clock)", "Assignable",
               _hit_freed("abandon")),
    Transition("HIT", "Unassignable", "the last slot's work is submitted", "Reviewable",
               _hit_last_submission),
    Transition("HIT", "Assignable", "its lifetime ends (clock)", "Reviewable",
               _hit_lifetime_ends),
    Transition("HIT", "Assignable", "ForceExpireHIT", "Reviewable", _hit_force_expired),
    Transition("HIT", "Assignable", "ForceExpireHIT with work in progress", "Unassignable",
               _hit_expires_with_work_in_progress),
    Transition("HIT", "Unassignable", "expired, its work in progress is submitted",
               "Reviewable", _hit_expired_work_submitted),
    Transition("HIT", "Reviewable", "SetHITAsReviewing", "Reviewing",
               _hit_op(lambda w: w.reviewable(), "SetHITAsReviewing")),
    Transition("HIT", "Reviewing", "SetHITAsReviewing with Revert", "Reviewable",
               _hit_op(_reviewing, "SetHITAsReviewing", Revert=True)),
    Transition("HIT", "Reviewable", "ExtendHIT (expiration)", "Assignable",
               _hit_op(lambda w: w.reviewable(), "ExtendHIT", ExpirationIncrementInSeconds=3600)),
    Transition("HIT", "Reviewable", "ExtendHIT (assignments)", "Assignable",
               _hit_op(_all_submitted, "ExtendHIT", MaxAssignmentsIncrement=1)),
    Transition("HIT", "Reviewing", "ExtendHIT", "Assignable",
               _hit_op(_reviewing, "ExtendHIT", ExpirationIncrementInSeconds=3600)),
    Transition("HIT", "Unassignable", "an assignment review policy extends it", "Assignable",
               _hit_extended_by_policy),
    Transition("HIT", "Reviewable", "DisposeHIT", "Disposed",
               _hit_op(lambda w: w.reviewable(), "DisposeHIT")),
    Transition("HIT", "Assignable", "DisableHIT", "Disposed",
               _hit_op(lambda w: w.hit(), "DisableHIT")),
    Transition("HIT", "Unassignable", "DisableHIT", "Disposed",
               _hit_op(_unassignable, "DisableHIT")),
    Transition("assignment", "Accepted", "the worker submits", "Submitted",
               _assignment(_submit)),
    Transition("assignment", "Accepted", "the worker returns it", "Returned",
               _assignment(_return)),
    Transition("assignment", "Accepted", "its deadline passes (clock)", "Abandoned",
               _assignment(_abandon)),
    Transition("assignment", "Submitted", "ApproveAssignment", "Approved",
               _assignment(_verdict("ApproveAssignment"))),
    Transition("assignment", "Submitted", "RejectAssignment", "Rejected",
               _assignment(_verdict("RejectAssignment"))),
    Transition("assignment", "Rejected", "ApproveRejectedAssignment", "Approved",
               _assignment(_approve_rejected)),
    Transition("assignment", "Submitted", "the auto-approval delay passes (clock)", "Approved",
               _assignment(_auto_approval)),
    Transition("assignment", "Submitted", "DisableHIT", "Approved",
               _assignment(_disabled_after_submission)),
    Transition("assignment", "Accepted", "submitted after DisableHIT", "Approved",
               _assignment(_submitted_after_disable)),
    Transition("assignment", "Accepted", "submitted with AutoApprovalDelayInSeconds 0",
               "Approved", _approved_at_once),
    Transition("assignment", "Submitted", "an assignment review policy rejects it",
               "Rejected", _rejected_by_policy),
]  # fmt: skip


@pytest.mark.parametrize(
    "transition",
    TRANSITIONS,
    ids=[f"{t.what} {t.before} -> {t.after}: {t.trigger}" for t in TRANSITIONS],
)
def test_each_state_transition(world, transition):
    assert transition.run(world) == (transition.before, transition.after)


def test_every_state_is_reached_and_left():
    """Every HIT status of the WSDL and every assignment state is some row's `after`,
    and every state but the final ones some row's `before`."""
    hit = {t.before for t in TRANSITIONS if t.what == "HIT"}
    hit_after = {t.after for t in TRANSITIONS if t.what == "HIT"}
    assert hit_after == {"Assignable", "Unassignable", "Reviewable", "Reviewing", "Disposed"}
    assert hit == hit_after - {"Disposed"}
    done = {t.after for t in TRANSITIONS if t.what == "assignment"}
    assert done == {"Submitted", "Returned", "Abandoned", "Approved", "Rejected"}
    left = {t.before for t in TRANSITIONS if t.what == "assignment"}
    assert left == {"Accepted", "Submitted", "Rejected"}
