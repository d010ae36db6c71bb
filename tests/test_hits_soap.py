"""HITs and assignments over SOAP, through zeep with the 2014-08-15 WSDL the emulator
serves (test_vendor_wsdl_drives.py reruns the flow and the state machine with a
client generated from the vendor's own WSDL):
the whole flow of a legacy program, each state of the HIT state machine and each
error code the reference names for these operations. Workers are scripted through
the control API; time moves through the emulator clock, never by sleeping."""

from __future__ import annotations

import datetime
import json
import urllib.error
import urllib.request
from decimal import Decimal

import pytest

from soap_mturk.control.client import ControlClient
from tests.conftest import STORE_KINDS, served_client
from tests.hit_support import (
    EXTERNAL_QUESTION,
    HTML_QUESTION,
    QUESTION_FORM,
    Worker,
    answers,
    refused_code,
)
from tests.lifecycle_support import new_key, unique

MT = "AWS.MechanicalTurk."


class Requester:
    """One requester calling the vendor-WSDL service; answers are checked for
    IsValid and unwrapped to the one result."""

    def __init__(self, service, key: str | None = None):
        self.service, self.key = service, key or new_key("hits")

    def call(self, op: str, result: str, **request):
        answer = getattr(self.service, op)(
            AWSAccessKeyId=self.key,
            Timestamp=datetime.datetime.now(datetime.UTC),
            Signature="unchecked",
            Request=[request],
        )
        (one,) = getattr(answer, result)
        return one

    def ok(self, op: str, result: str | None = None, **request):
        one = self.call(op, result or op + "Result", **request)
        assert one.Request.IsValid == "True", one.Request.Errors
        return one

    def error(self, op: str, result: str | None = None, **request) -> str:
        one = self.call(op, result or op + "Result", **request)
        assert one.Request.IsValid == "False"
        return one.Request.Errors.Error[0].Code

    def hit_type(self, **overrides) -> str:
        properties = {
            "Title": unique("Write a tweet"),
            "Description": "Simply write a tweet for me",
            "Reward": {"Amount": Decimal("0.10"), "CurrencyCode": "USD"},
            "AssignmentDurationInSeconds": 3600,
            "AutoApprovalDelayInSeconds": 86400,
            **overrides,
        }
        return self.ok("RegisterHITType", **properties).HITTypeId

    def hit(self, hit_type_id: str | None = None, **overrides) -> str:
        request = {
            "HITTypeId": hit_type_id or self.hit_type(),
            "LifetimeInSeconds": 7200,
            "Question": QUESTION_FORM,
            **overrides,
        }
        return self.ok("CreateHIT", "HIT", **request).HITId

    def get(self, hit_id: str, *groups: str):
        extra = {"ResponseGroup": list(groups)} if groups else {}
        return self.ok("GetHIT", "HIT", HITId=hit_id, **extra)

    def status(self, hit_id: str) -> str:
        return self.get(hit_id).HITStatus


@pytest.fixture(scope="module", params=STORE_KINDS)
def store_kind(request):
    """Every test here runs on SQLite and on PostgreSQL (the HIT tables' SQL is shared)."""
    return request.param


@pytest.fixture(scope="module")
def service(emulator):
    return served_client(emulator, "2014-08-15").service


@pytest.fixture
def requester(service):
    return Requester(service)


@pytest.fixture
def control(emulator):
    return ControlClient(emulator.base_url)


@pytest.fixture
def clock(control):
    """Moves emulator time; puts it back (a reset) when the test ends."""
    yield control.advance_clock
    control.reset()


def test_a_legacy_programs_whole_flow(requester, control, clock):
    qualification = requester.ok(
        "CreateQualificationType",
        "QualificationType",
        Name=unique("Tweeter"),
        Description="Writes tweets",
        QualificationTypeStatus="Active",
    ).QualificationTypeId
    hit_type = requester.hit_type(
        QualificationRequirement=[
            {
                "QualificationTypeId": qualification,
                "Comparator": "GreaterThanOrEqualTo",
                "IntegerValue": [50],
                "RequiredToPreview": False,
            }
        ]
    )
    assert requester.hit_type(
        Title=requester.get(requester.hit(hit_type)).Title,
        QualificationRequirement=[
            {"QualificationTypeId": qualification, "Comparator": "GreaterThanOrEqualTo",
             "IntegerValue": [50], "RequiredToPreview": False}
        ],
    ) == hit_type, "the same properties give the same HIT type"  # fmt: skip
    first, second = requester.hit(hit_type, MaxAssignments=3), requester.hit(hit_type)
    qualified, unqualified, third = Worker(control), Worker(control), Worker(control)
    for worker, score in ((qualified, 80), (unqualified, 20), (third, 90)):
        requester.ok(
            "AssignQualification",
            QualificationTypeId=qualification,
            WorkerId=worker.id,
            IntegerValue=score,
        )

    assert refused_code(unqualified.accept, first) == MT + "DoesNotMeetRequirements"
    listed = {h["HITId"]: h["CanAccept"] for h in unqualified.hits()}
    assert listed[first] is False  # seen (not RequiredToPreview), not acceptable
    one = qualified.take(first)
    two = third.take(first)
    three = qualified.take(second)
    hit = requester.get(first, "HITDetail", "HITAssignmentSummary")
    assert (hit.HITStatus, hit.NumberOfAssignmentsCompleted) == ("Assignable", 2)
    assert hit.NumberOfAssignmentsAvailable == 1

    submitted = requester.ok("GetAssignmentsForHIT", HITId=first, AssignmentStatus=["Submitted"])
    assert {a.AssignmentId for a in submitted.Assignment} == {one, two}
    assert submitted.Assignment[0].Answer == answers()
    requester.ok("ApproveAssignment", AssignmentId=one, RequesterFeedback="Thanks")
    requester.ok("RejectAssignment", AssignmentId=two, RequesterFeedback="Off topic")
    requester.ok("ApproveRejectedAssignment", AssignmentId=two, RequesterFeedback="Sorry")
    fetched = requester.ok("GetAssignment", AssignmentId=two, ResponseGroup=["AssignmentFeedback"])
    assert (fetched.Assignment.AssignmentStatus, fetched.Assignment.RequesterFeedback) == (
        "Approved",
        "Sorry",
    )
    assert fetched.HIT.HITId == first

    requester.ok("ExtendHIT", HITId=first, ExpirationIncrementInSeconds=3600)
    assert requester.get(first).Expiration > hit.Expiration
    requester.ok("ForceExpireHIT", HITId=first)
    assert requester.status(first) == "Reviewable"
    reviewable = requester.ok("GetReviewableHITs", HITTypeId=hit_type)
    assert {h.HITId for h in reviewable.HIT} == {first, second}  # its work is all submitted
    requester.ok("DisposeHIT", HITId=first)
    assert requester.status(first) == "Disposed"

    # the second HIT: the submitted work auto-approves when its delay passes
    assert requester.status(second) == "Reviewable"
    clock(86401)
    auto = requester.ok("GetAssignment", AssignmentId=three).Assignment
    assert auto.AssignmentStatus == "Approved"
    assert auto.ApprovalTime == auto.AutoApprovalTime
    requester.ok("DisposeHIT", HITId=second)
    assert second not in {h.HITId for h in requester.ok("SearchHITs").HIT}


# --- the HIT state machine ------------------------------------------------------------


def test_assignable_unassignable_reviewable_reviewing_disposed(requester, control):
    hit = requester.hit(MaxAssignments=1)
    assert requester.status(hit) == "Assignable"
    worker = Worker(control)
    assignment = worker.accept(hit)["AssignmentId"]
    assert requester.status(hit) == "Unassignable"  # its one slot is taken
    worker.submit(assignment)
    assert requester.status(hit) == "Reviewable"
    requester.ok("SetHITAsReviewing", HITId=hit)
    assert requester.status(hit) == "Reviewing"
    reviewing = requester.ok("GetReviewableHITs", Status="Reviewing")
    assert [h.HITId for h in reviewing.HIT] == [hit]
    requester.ok("SetHITAsReviewing", HITId=hit, Revert=True)
    assert requester.status(hit) == "Reviewable"
    assert requester.error("DisposeHIT", HITId=hit) == MT + "InvalidHITState"  # work to review
    requester.ok("ApproveAssignment", AssignmentId=assignment)
    requester.ok("DisposeHIT", HITId=hit)
    assert requester.status(hit) == "Disposed"
    assert (
        requester.error("GetAssignment", AssignmentId=assignment) == MT + "AssignmentDoesNotExist"
    )


def test_expiry_by_the_clock_and_extension_after_it(requester, clock):
    hit = requester.hit(LifetimeInSeconds=60)
    clock(61)
    assert requester.status(hit) == "Reviewable"
    requester.ok("ExtendHIT", HITId=hit, ExpirationIncrementInSeconds=3600)
    assert requester.status(hit) == "Assignable"
    assert requester.get(hit).Expiration > datetime.datetime.now(datetime.UTC) + datetime.timedelta(
        seconds=3600
    )


def test_a_returned_or_abandoned_assignment_frees_its_slot(requester, control, clock):
    hit = requester.hit(MaxAssignments=1)
    worker = Worker(control)
    returned = worker.accept(hit)["AssignmentId"]
    control.return_assignment(worker.id, returned)
    assert requester.status(hit) == "Assignable"
    held = worker.accept(hit)
    clock(3601)  # the assignment duration passes: abandoned
    assert requester.status(hit) == "Assignable"
    assert refused_code(worker.submit, held["AssignmentId"]) == MT + "InvalidAssignmentState"


def test_the_worker_side_refusals(requester, control):
    hit = requester.hit(MaxAssignments=2)
    worker = Worker(control)
    assignment = worker.accept(hit)["AssignmentId"]
    assert refused_code(worker.accept, hit) == MT + "AssignmentAlreadyExists"
    assert refused_code(worker.accept, "NOSUCHHIT") == MT + "HITDoesNotExist"
    stranger = Worker(control)
    assert refused_code(stranger.submit, assignment) == MT + "AssignmentDoesNotExist"
    bad = answers(identifier="no-such-question")
    assert refused_code(worker.submit, assignment, bad) == MT + "InvalidParameterValue"
    assert refused_code(worker.submit, assignment, "<x/>") == MT + "XMLParseError"
    worker.submit(assignment)
    assert refused_code(control.return_assignment, worker.id, assignment) == (
        MT + "InvalidAssignmentState"
    )
    preview = control.preview_hit(stranger.id, hit)
    assert preview["Question"] == QUESTION_FORM and "RequesterAnnotation" not in preview


def test_required_to_preview_hides_the_hit(requester, control):
    qualification = requester.ok(
        "CreateQualificationType", "QualificationType", Name=unique("q"), Description="d",
        QualificationTypeStatus="Active",
    ).QualificationTypeId  # fmt: skip
    hit = requester.hit(
        requester.hit_type(
            QualificationRequirement=[
                {"QualificationTypeId": qualification, "Comparator": "DoesNotExist",
                 "RequiredToPreview": True}
            ]
        )
    )  # fmt: skip
    holder, newcomer = Worker(control), Worker(control)
    requester.ok("AssignQualification", QualificationTypeId=qualification, WorkerId=holder.id)
    assert hit not in {h["HITId"] for h in holder.hits()}
    assert refused_code(control.preview_hit, holder.id, hit) == MT + "DoesNotMeetRequirements"
    assert {h["HITId"]: h["CanAccept"] for h in newcomer.hits()}[hit] is True
    newcomer.take(hit)


def test_disable_approves_submitted_work_and_disposes(requester, control):
    hit = requester.hit(MaxAssignments=2)
    done = Worker(control).take(hit)
    late = Worker(control)
    in_progress = late.accept(hit)["AssignmentId"]
    requester.ok("DisableHIT", HITId=hit)
    assert requester.status(hit) == "Disposed"
    assert late.submit(in_progress)["AssignmentStatus"] == "Approved"
    assert requester.error("DisableHIT", HITId=hit) == MT + "InvalidHITState"
    assert requester.error("GetAssignment", AssignmentId=done) == MT + "AssignmentDoesNotExist"


def test_disable_refuses_a_reviewable_hit(requester):
    hit = requester.hit()
    requester.ok("ForceExpireHIT", HITId=hit)
    assert requester.error("DisableHIT", HITId=hit) == MT + "InvalidHITState"
    # expiring an expired HIT: what legacy "make sure it is expired" scripts catch
    assert requester.error("ForceExpireHIT", HITId=hit) == MT + "InvalidHITState"


def test_change_hit_type_of_hit(requester):
    hit = requester.hit()
    other = requester.hit_type(
        Title=unique("Other"), Reward={"Amount": Decimal("1.25"), "CurrencyCode": "USD"}
    )
    requester.ok("ChangeHITTypeOfHIT", HITId=hit, HITTypeId=other)
    changed = requester.get(hit)
    assert (changed.HITTypeId, changed.Reward.FormattedPrice) == (other, "$1.25")


# --- the errors the reference names --------------------------------------------------------


def test_unique_request_token_answers_the_existing_hits_id(requester, service):
    first = requester.hit(UniqueRequestToken="token-1")
    one = requester.call(
        "CreateHIT", "HIT", HITTypeId=requester.hit_type(), LifetimeInSeconds=60,
        Question=QUESTION_FORM, UniqueRequestToken="token-1",
    )  # fmt: skip
    error = one.Request.Errors.Error[0]
    assert error.Code == MT + "HitAlreadyExists"
    assert first in error.Message
    assert Requester(service).hit(UniqueRequestToken="token-1")  # another requester's token


def test_extend_hit_token_extends_once_in_24_hours_and_names_the_first_request(
    requester, service, clock
):
    """Reference, ExtendHIT: a repeated UniqueRequestToken answers an error whose
    message holds the request ID and does not extend again; the token expires after
    24 hours (emulator time)."""
    hit = requester.hit(MaxAssignments=2)
    first = service.ExtendHIT(
        AWSAccessKeyId=requester.key, Timestamp=datetime.datetime.now(datetime.UTC),
        Signature="unchecked",
        Request=[{"HITId": hit, "MaxAssignmentsIncrement": 1, "UniqueRequestToken": "ext-1"}],
    )  # fmt: skip
    assert first.ExtendHITResult[0].Request.IsValid == "True"
    again = requester.call(
        "ExtendHIT", "ExtendHITResult", HITId=hit, MaxAssignmentsIncrement=1,
        UniqueRequestToken="ext-1",
    ).Request.Errors.Error[0]  # fmt: skip
    assert again.Code == MT + "InvalidParameterValue"
    assert first.OperationRequest.RequestId in again.Message
    assert requester.get(hit, "HITDetail").MaxAssignments == 3  # extended once
    # another requester's token of the same text is its own
    theirs = Requester(service)
    theirs.ok(
        "ExtendHIT", HITId=theirs.hit(), MaxAssignmentsIncrement=1, UniqueRequestToken="ext-1"
    )
    clock(24 * 3600 + 1)  # the token expired: the same token extends again
    requester.ok("ExtendHIT", HITId=hit, ExpirationIncrementInSeconds=3600,
                 UniqueRequestToken="ext-1")  # fmt: skip
    assert requester.error("ExtendHIT", HITId=hit, MaxAssignmentsIncrement=1,
                           UniqueRequestToken="x" * 65) == MT + "InvalidParameterValue"  # fmt: skip


def test_a_refused_extend_hit_does_not_use_up_its_token(requester):
    """The token lets a client retry "on error": a refused call leaves it unused."""
    hit = requester.hit(MaxAssignments=9)
    code = requester.error("ExtendHIT", HITId=hit, MaxAssignmentsIncrement=1,
                           UniqueRequestToken="retry-1")  # fmt: skip
    assert code == MT + "InvalidMaximumAssignmentsIncrease"
    requester.ok("ExtendHIT", HITId=hit, ExpirationIncrementInSeconds=3600,
                 UniqueRequestToken="retry-1")  # fmt: skip


def test_extend_across_ten_assignments_is_refused(requester):
    hit = requester.hit(MaxAssignments=9)
    code = requester.error("ExtendHIT", HITId=hit, MaxAssignmentsIncrement=1)
    assert code == MT + "InvalidMaximumAssignmentsIncrease"
    requester.ok("ExtendHIT", HITId=requester.hit(MaxAssignments=10), MaxAssignmentsIncrement=5)


@pytest.mark.parametrize(
    "change,code",
    [
        ({"LifetimeInSeconds": 29}, "AWS.ParameterOutOfRange"),
        ({"MaxAssignments": 0}, "AWS.ParameterOutOfRange"),
        ({"Question": None}, "AWS.MissingParameters"),
        ({"Question": "<QuestionForm>"}, MT + "XMLParseError"),
        ({"Question": "<Other xmlns='urn:x'/>"}, MT + "XMLParseError"),
        ({"Question": QUESTION_FORM.replace("2005-10-01/QuestionForm", "x/QuestionForm")},
         MT + "XMLParseError"),
        ({"RequesterAnnotation": "x" * 256}, MT + "InvalidParameterValue"),
        ({"UniqueRequestToken": "x" * 65}, MT + "InvalidParameterValue"),
        ({"HITTypeId": "NOSUCHTYPE"}, MT + "InvalidParameterValue"),
        ({"HITLayoutId": "LAYOUT"}, MT + "InvalidParameterValue"),  # and a Question
    ],
)  # fmt: skip
def test_create_hit_refuses_bad_input(requester, change, code):
    request = {"HITTypeId": requester.hit_type(), "LifetimeInSeconds": 60,
               "Question": QUESTION_FORM, **change}  # fmt: skip
    request = {k: v for k, v in request.items() if v is not None}
    assert requester.error("CreateHIT", "HIT", **request) == code


@pytest.mark.parametrize("question", [EXTERNAL_QUESTION, HTML_QUESTION, QUESTION_FORM])
def test_every_kind_of_question_with_inline_properties(requester, question):
    hit = requester.ok(
        "CreateHIT", "HIT", Title=unique("inline"), Description="d", LifetimeInSeconds=60,
        AssignmentDurationInSeconds=60, Reward={"Amount": Decimal("0.05"), "CurrencyCode": "USD"},
        Question=question, Keywords="a, b", RequesterAnnotation="batch 7",
    )  # fmt: skip
    got = requester.get(hit.HITId)
    assert (got.Question, got.Keywords, got.RequesterAnnotation) == (question, "a, b", "batch 7")
    assert got.AutoApprovalDelayInSeconds == 2592000  # the reference's default
    assert got.MaxAssignments == 1


@pytest.mark.parametrize(
    "requirement",
    [
        {"Comparator": "Exists", "IntegerValue": [1]},
        {"Comparator": "GreaterThan"},
        {"Comparator": "LessThan", "IntegerValue": [1, 2]},
        {"Comparator": "GreaterThan", "LocaleValue": [{"Country": "US"}]},
    ],
)
def test_register_hit_type_refuses_a_requirement_that_cannot_be_judged(requester, requirement):
    qualification = requester.ok(
        "CreateQualificationType", "QualificationType", Name=unique("q"), Description="d",
        QualificationTypeStatus="Active",
    ).QualificationTypeId  # fmt: skip
    code = requester.error(
        "RegisterHITType", Title="t", Description="d", AssignmentDurationInSeconds=60,
        Reward={"Amount": Decimal("0.01"), "CurrencyCode": "USD"},
        QualificationRequirement=[{"QualificationTypeId": qualification, **requirement}],
    )  # fmt: skip
    assert code == MT + "InvalidParameterValue"


def test_missing_objects_and_wrong_states(requester, control):
    assert requester.error("GetHIT", "HIT", HITId="NOSUCHHIT") == MT + "HITDoesNotExist"
    assert requester.error("GetAssignment", AssignmentId="NOSUCH") == MT + "AssignmentDoesNotExist"
    hit = requester.hit()
    assert requester.error("SetHITAsReviewing", HITId=hit) == MT + "InvalidHITState"
    assert requester.error("SetHITAsReviewing", HITId=hit, Revert=True) == MT + "InvalidHITState"
    assert requester.error("DisposeHIT", HITId=hit) == MT + "InvalidHITState"
    assignment = Worker(control).take(hit)
    requester.ok("ApproveAssignment", AssignmentId=assignment)
    for op in ("ApproveAssignment", "RejectAssignment", "ApproveRejectedAssignment"):
        assert requester.error(op, AssignmentId=assignment) == MT + "InvalidAssignmentState"


def test_requesters_see_and_change_only_their_own_hits(requester, service, control):
    hit = requester.hit()
    assignment = Worker(control).take(hit)
    other = Requester(service)
    denied = MT + "PermissionDeniedException"
    assert other.error("GetHIT", "HIT", HITId=hit) == denied
    for op in ("ForceExpireHIT", "DisableHIT", "DisposeHIT", "SetHITAsReviewing"):
        assert other.error(op, HITId=hit) == denied
    assert other.error("ExtendHIT", HITId=hit, MaxAssignmentsIncrement=1) == denied
    assert other.error("GetAssignmentsForHIT", HITId=hit) == denied
    for op in ("GetAssignment", "ApproveAssignment", "RejectAssignment"):
        assert other.error(op, AssignmentId=assignment) == denied
    assert other.error("CreateHIT", "HIT", HITTypeId=requester.get(hit).HITTypeId,
                       LifetimeInSeconds=60, Question=QUESTION_FORM) == denied  # fmt: skip
    assert hit not in {h.HITId for h in (other.ok("SearchHITs").HIT or [])}


def test_response_groups_shape_the_hit(requester):
    hit = requester.hit()
    minimal = requester.get(hit, "Minimal")
    assert (minimal.HITId, minimal.HITTypeId, minimal.Title, minimal.Question) == (
        hit, minimal.HITTypeId, None, None,
    )  # fmt: skip
    default = requester.get(hit)
    assert default.Title and default.Question and default.NumberOfAssignmentsAvailable is None
    summary = requester.get(hit, "HITAssignmentSummary")
    assert (summary.NumberOfAssignmentsAvailable, summary.Title) == (1, None)
    created = requester.call("CreateHIT", "HIT", HITTypeId=default.HITTypeId,
                             LifetimeInSeconds=60, Question=QUESTION_FORM)  # fmt: skip
    assert created.Title is None and created.HITTypeId == default.HITTypeId
    echoed = requester.ok("GetHIT", "HIT", HITId=hit, ResponseGroup=["Request"])
    assert echoed.Request.GetHITRequest.HITId == hit and echoed.Title


def test_search_pages_and_sorts(requester):
    hit_type = requester.hit_type()
    hits = [requester.hit(hit_type) for _ in range(3)]
    page = requester.ok("SearchHITs", PageSize=2, PageNumber=2, SortDirection="Ascending",
                        SortProperty="CreationTime")  # fmt: skip
    assert (page.TotalNumResults, page.NumResults, page.PageNumber) == (3, 1, 2)
    assert [h.HITId for h in page.HIT] == sorted(hits, key=hits.index)[2:]
    assert page.HIT[0].NumberOfAssignmentsAvailable == 1  # SearchHITs' default groups
    code = requester.error("SearchHITs", PageSize=101)
    assert code == "AWS.ParameterOutOfRange"


def test_hits_for_qualification_type(requester):
    qualification = requester.ok(
        "CreateQualificationType", "QualificationType", Name=unique("q"), Description="d",
        QualificationTypeStatus="Active",
    ).QualificationTypeId  # fmt: skip
    hit_type = requester.hit_type(
        QualificationRequirement=[{"QualificationTypeId": qualification, "Comparator": "Exists"}]
    )
    hit = requester.hit(hit_type)
    requester.hit()  # requires nothing
    found = requester.ok("GetHITsForQualificationType", QualificationTypeId=qualification)
    assert [h.HITId for h in found.HIT] == [hit]
    code = requester.error("GetHITsForQualificationType", QualificationTypeId="NOSUCHTYPE")
    assert code == MT + "QualificationTypeDoesNotExist"


def test_system_qualification_types_in_requirements(requester, control):
    """The approval rate and the locale, with the values the marketplace (here the
    control API) gave each worker."""
    approval, locale = "000000000000000000L0", "00000000000000000071"
    hit = requester.hit(
        requester.hit_type(
            QualificationRequirement=[
                {"QualificationTypeId": approval, "Comparator": "GreaterThanOrEqualTo",
                 "IntegerValue": [95]},
                {"QualificationTypeId": locale, "Comparator": "In",
                 "LocaleValue": [{"Country": "US"}, {"Country": "CA"}]},
            ]
        ),
        MaxAssignments=2,
    )  # fmt: skip
    fits, low_rate, abroad = Worker(control), Worker(control), Worker(control)
    for worker, rate, country in ((fits, 98, "CA"), (low_rate, 80, "US"), (abroad, 99, "DE")):
        control.set_system_qualification(worker.id, approval, rate)
        control.set_system_qualification(worker.id, locale, locale={"Country": country})
    assert fits.accept(hit)["AssignmentStatus"] == "Accepted"
    for worker in (low_rate, abroad, Worker(control)):  # the last has no values at all
        assert refused_code(worker.accept, hit) == MT + "DoesNotMeetRequirements"


def test_assignments_page_filter_and_sort(requester, control):
    hit = requester.hit(MaxAssignments=3)
    first, second, third = (Worker(control).take(hit) for _ in range(3))
    requester.ok("RejectAssignment", AssignmentId=second)
    page = requester.ok("GetAssignmentsForHIT", HITId=hit, PageSize=2, SortDirection="Descending",
                        SortProperty="AcceptTime")  # fmt: skip
    assert (page.TotalNumResults, page.NumResults) == (3, 2)
    assert [a.AssignmentId for a in page.Assignment] == [third, second]
    rejected = requester.ok("GetAssignmentsForHIT", HITId=hit, AssignmentStatus=["Rejected"])
    assert [a.AssignmentId for a in rejected.Assignment] == [second]
    both = requester.ok("GetAssignmentsForHIT", HITId=hit,
                        AssignmentStatus=["Submitted", "Rejected"], PageSize=10)  # fmt: skip
    assert {a.AssignmentId for a in both.Assignment} == {first, second, third}


def test_reviewable_hits_sort_by_title_and_filter_by_type(requester):
    titles = ["b title", "a title", "c title"]
    hits = {}
    for title in titles:
        hit = requester.hit(requester.hit_type(Title=title))
        requester.ok("ForceExpireHIT", HITId=hit)
        hits[title] = hit
    ordered = requester.ok("GetReviewableHITs", SortProperty="Title", SortDirection="Ascending")
    assert [h.HITId for h in ordered.HIT] == [hits[t] for t in sorted(titles)]
    assert ordered.HIT[0].Title is None  # GetReviewableHITs answers Minimal only


@pytest.mark.parametrize(
    "request_,code",
    [
        ({}, "AWS.MissingParameters"),
        ({"MaxAssignmentsIncrement": 0}, "AWS.ParameterOutOfRange"),
        ({"ExpirationIncrementInSeconds": 3599}, "AWS.ParameterOutOfRange"),
    ],
)
def test_extend_hit_refuses_bad_increments(requester, request_, code):
    assert requester.error("ExtendHIT", HITId=requester.hit(), **request_) == code


LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE QuestionForm [<!ENTITY a "aaaaaaaaaa">'
    '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    f'<QuestionForm xmlns="{QUESTION_FORM.split(chr(34))[1]}"><Question>&b;</Question></QuestionForm>'
)


@pytest.mark.parametrize(
    "question",
    [LAUGHS, QUESTION_FORM.replace("</QuestionForm>", "x" * 70000 + "</QuestionForm>")],
    ids=["entities", "oversized"],
)
def test_hostile_questions_are_refused_before_anything_is_expanded(requester, question):
    code = requester.error("CreateHIT", "HIT", HITTypeId=requester.hit_type(),
                           LifetimeInSeconds=60, Question=question)  # fmt: skip
    assert code in (MT + "XMLParseError", MT + "InvalidParameterValue")


@pytest.mark.parametrize(
    "path,body",
    [
        ("/hits/{hit}/accept", {"Extra": 1}),
        ("/assignments/{assignment}/submit", {"Answer": 5}),
        ("/assignments/{assignment}/submit", ["not", "an", "object"]),
        ("/assignments/{assignment}/files", {"QuestionIdentifier": "q", "Content": "%%%"}),
    ],
)
def test_the_worker_routes_answer_bad_bodies_clearly(requester, control, path, body):
    hit = requester.hit(MaxAssignments=2)
    worker = Worker(control)
    assignment = worker.accept(hit)["AssignmentId"]
    url = f"{control.base_url}/_emulator/workers/{worker.id}" + path.format(
        hit=hit, assignment=assignment
    )
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), method="POST",
        headers={"Content-Type": "application/json"},
    )  # fmt: skip
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    assert refused.value.code == 400
    assert json.loads(refused.value.read())["Error"]["Code"] == "BadRequest"
    assert worker.submit(assignment)["AssignmentStatus"] == "Submitted"  # still served


def test_extend_hit_tokens_are_shared_by_every_process_on_one_database(tmp_path):
    """Two stores on one SQLite file, as two `serve --workers` processes: a token
    one of them took is refused by the other."""
    from soap_mturk.domain.errors import InvalidParameterValue
    from soap_mturk.domain.service import Domain
    from soap_mturk.store import open_store

    path = str(tmp_path / "shared.sqlite3")
    first, second = open_store(path), open_store(path)
    try:
        one, other = Domain(first), Domain(second)
        hit = one.hits.create_hit(
            "AKIASHAREDTOKEN", lifetime=3600, question=QUESTION_FORM, title="t",
            description="d", reward={"Amount": Decimal("0.10"), "CurrencyCode": "USD"},
            assignment_duration=60,
        ).hit  # fmt: skip
        one.hits.extend(
            "AKIASHAREDTOKEN", hit.id, 1, unique_request_token="shared", request_id="R1"
        )
        with pytest.raises(InvalidParameterValue, match="request R1"):
            other.hits.extend("AKIASHAREDTOKEN", hit.id, 1, unique_request_token="shared")
        assert other.hits.get_hit("AKIASHAREDTOKEN", hit.id).hit.max_assignments == 2
    finally:
        first.close()
        second.close()
