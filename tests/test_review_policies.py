"""Review policies over SOAP (vendor WSDL): ScoreMyKnownAnswers/2011-09-01 on each
submission, SimplePlurality/2011-09-01 when the HIT becomes Reviewable, their
results and actions answered by GetReviewResultsForHIT."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from soap_mturk.control.client import ControlClient
from tests.conftest import served_client
from tests.hit_support import DATA, Worker, refused_code
from tests.test_hits_soap import MT, Requester

FORM = f"""<QuestionForm xmlns="{DATA}/2005-10-01/QuestionForm.xsd">
  <Question><QuestionIdentifier>color</QuestionIdentifier>
    <QuestionContent><Text>Sky?</Text></QuestionContent>
    <AnswerSpecification><FreeTextAnswer/></AnswerSpecification></Question>
  <Question><QuestionIdentifier>animal</QuestionIdentifier>
    <QuestionContent><Text>Pet?</Text></QuestionContent>
    <AnswerSpecification><FreeTextAnswer/></AnswerSpecification></Question>
</QuestionForm>"""


def answered(**values: str) -> str:
    parts = "".join(
        f"<Answer><QuestionIdentifier>{q}</QuestionIdentifier><FreeText>{v}</FreeText></Answer>"
        for q, v in values.items()
    )
    return f'<QuestionFormAnswers xmlns="{DATA}/2005-10-01/QuestionFormAnswers.xsd">{parts}</QuestionFormAnswers>'


def parameter(key: str, *values: str) -> dict:
    return {"Key": key, "Value": list(values)}


KNOWN = {
    "PolicyName": "ScoreMyKnownAnswers/2011-09-01",
    "Parameter": [
        {"Key": "AnswerKey", "MapEntry": [{"Key": "color", "Value": ["blue"]}]},
        parameter("ApproveIfKnownAnswerScoreIsAtLeast", "100"),
        parameter("ApproveReason", "Right"),
        parameter("RejectIfKnownAnswerScoreIsLessThan", "100"),
        parameter("RejectReason", "Wrong"),
    ],
}
PLURALITY = {
    "PolicyName": "SimplePlurality/2011-09-01",
    "Parameter": [
        parameter("QuestionIds", "animal"),
        parameter("QuestionAgreementThreshold", "50"),
        parameter("ApproveIfWorkerAgreementScoreIsAtLeast", "100"),
        parameter("RejectIfWorkerAgreementScoreIsLessThan", "100"),
    ],
}


@pytest.fixture
def requester(emulator):
    return Requester(served_client(emulator, "2014-08-15").service)


@pytest.fixture
def control(emulator):
    return ControlClient(emulator.base_url)


def results(report) -> list[tuple]:
    return [(r.SubjectId, r.QuestionId, r.Key, r.Value) for r in report.ReviewResult]


def test_known_answers_approve_and_reject_on_submission(requester, control):
    hit = requester.hit(Question=FORM, MaxAssignments=2, AssignmentReviewPolicy=KNOWN)
    right = Worker(control).take(hit, answered(color=" blue ", animal="cat"))
    wrong = Worker(control).take(hit, answered(color="Blue", animal="cat"))
    approved = requester.ok(
        "GetAssignment", AssignmentId=right, ResponseGroup=["AssignmentFeedback"]
    )
    assert (approved.Assignment.AssignmentStatus, approved.Assignment.RequesterFeedback) == (
        "Approved",
        "Right",
    )
    rejected = requester.ok("GetAssignment", AssignmentId=wrong).Assignment
    assert rejected.AssignmentStatus == "Rejected"

    review = requester.ok("GetReviewResultsForHIT", HITId=hit)
    assert review.AssignmentReviewPolicy.PolicyName == "ScoreMyKnownAnswers/2011-09-01"
    assert review.AssignmentReviewPolicy.Parameter[0].MapEntry[0].Value == ["blue"]
    assert results(review.AssignmentReviewReport) == [
        (right, "color", "KnownAnswerCorrect", "1"), (right, None, "KnownAnswerScore", "100"),
        (wrong, "color", "KnownAnswerCorrect", "0"), (wrong, None, "KnownAnswerScore", "0"),
    ]  # fmt: skip
    actions = [
        (a.ActionName, a.ObjectId, a.Status) for a in review.AssignmentReviewReport.ReviewAction
    ]
    assert actions == [
        ("review", right, "Succeeded"), ("approve", right, "Succeeded"),
        ("review", wrong, "Succeeded"), ("reject", wrong, "Succeeded"),
    ]  # fmt: skip
    assert review.HITReviewReport is None
    only_hit = requester.ok("GetReviewResultsForHIT", HITId=hit, PolicyLevel=["HIT"])
    assert only_hit.AssignmentReviewReport is None


def test_simple_plurality_runs_when_the_hit_becomes_reviewable(requester, control):
    hit = requester.hit(Question=FORM, MaxAssignments=3, HITReviewPolicy=PLURALITY)
    cat1 = Worker(control).take(hit, answered(color="x", animal="cat"))
    cat2 = Worker(control).take(hit, answered(color="y", animal="cat"))
    assert requester.ok("GetReviewResultsForHIT", HITId=hit).HITReviewReport is None
    dog = Worker(control).take(hit, answered(color="z", animal="dog"))
    review = requester.ok("GetReviewResultsForHIT", HITId=hit).HITReviewReport
    found = results(review)
    assert (hit, "animal", "AgreedAnswer", "cat") in found
    assert (hit, "animal", "AnswerAgreementScore", "67") in found
    assert (dog, None, "WorkerAgreementScore", "0") in found
    assert (hit, None, "HitAgreementScore", "100") in found
    statuses = {a: requester.ok("GetAssignment", AssignmentId=a).Assignment.AssignmentStatus
                for a in (cat1, cat2, dog)}  # fmt: skip
    assert statuses == {cat1: "Approved", cat2: "Approved", dog: "Rejected"}


@pytest.mark.parametrize(
    "field,policy",
    [
        ("AssignmentReviewPolicy", PLURALITY),  # the HIT-level policy at assignment level
        ("HITReviewPolicy", {"PolicyName": "MajorityVote/2011-09-01"}),
        ("AssignmentReviewPolicy", {"PolicyName": "ScoreMyKnownAnswers/2011-09-01"}),  # no key
        ("HITReviewPolicy", {**PLURALITY, "Parameter": [parameter("Unknown", "1")]}),
    ],
)
def test_a_policy_that_cannot_run_is_refused(requester, field, policy):
    request = {"HITTypeId": requester.hit_type(), "LifetimeInSeconds": 60, "Question": FORM}
    code = requester.error("CreateHIT", "HIT", **request, **{field: policy})
    assert code in (MT + "InvalidParameterValue", "AWS.MissingParameters")


def test_review_results_belong_to_the_hits_owner(requester, emulator, control):
    hit = requester.hit(Question=FORM, AssignmentReviewPolicy=KNOWN)
    other = Requester(served_client(emulator, "2014-08-15").service)
    assert other.error("GetReviewResultsForHIT", HITId=hit) == MT + "PermissionDeniedException"
    assert refused_code(control.accept_hit, "A1", "NOSUCH") == MT + "HITDoesNotExist"


# --- a FileUploadAnswer, and GetFileUploadURL -------------------------------------------

UPLOAD_FORM = f"""<QuestionForm xmlns="{DATA}/2005-10-01/QuestionForm.xsd">
  <Question><QuestionIdentifier>photo</QuestionIdentifier>
    <QuestionContent><Text>Your photo</Text></QuestionContent>
    <AnswerSpecification><FileUploadAnswer>
      <MaxFileSizeInBytes>100</MaxFileSizeInBytes><MinFileSizeInBytes>3</MinFileSizeInBytes>
    </FileUploadAnswer></AnswerSpecification></Question>
</QuestionForm>"""


def test_a_worker_uploads_a_file_and_the_requester_fetches_it(requester, control, emulator):
    hit = requester.hit(Question=UPLOAD_FORM)
    worker = Worker(control)
    assignment = worker.accept(hit)["AssignmentId"]
    assert refused_code(control.upload_file, worker.id, assignment, "photo", b"xy") == (
        "AWS.ParameterOutOfRange"
    )
    assert refused_code(control.upload_file, worker.id, assignment, "other", b"xyz") == (
        MT + "InvalidParameterValue"
    )
    uploaded = control.upload_file(worker.id, assignment, "photo", b"\x89PNG file")
    assert uploaded["UploadedFileSizeInBytes"] == 9
    answer = (
        f'<QuestionFormAnswers xmlns="{DATA}/2005-10-01/QuestionFormAnswers.xsd"><Answer>'
        "<QuestionIdentifier>photo</QuestionIdentifier>"
        f"<UploadedFileSizeInBytes>9</UploadedFileSizeInBytes>"
        f"<UploadedFileKey>{uploaded['UploadedFileKey']}</UploadedFileKey></Answer>"
        "</QuestionFormAnswers>"
    )
    worker.submit(assignment, answer)
    url = requester.ok(
        "GetFileUploadURL", AssignmentId=assignment, QuestionIdentifier="photo"
    ).FileUploadURL
    assert url.startswith(emulator.base_url + "/_emulator/files/")
    with urllib.request.urlopen(url, timeout=30) as response:
        assert response.read() == b"\x89PNG file"
    control.advance_clock(61)  # the link lasts 60 seconds
    try:
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(url, timeout=30)
    finally:
        control.reset()
    code = requester.error("GetFileUploadURL", AssignmentId="NOSUCH", QuestionIdentifier="photo")
    assert code == MT + "AssignmentDoesNotExist"


def test_a_known_answer_policy_extends_the_hit_on_submission(requester, control):
    # The extension runs on the workers' side (SubmitAssignment), not the requester's:
    # it once failed there with an AttributeError, as mypy found.
    extending = {
        "PolicyName": "ScoreMyKnownAnswers/2011-09-01",
        "Parameter": [
            {"Key": "AnswerKey", "MapEntry": [{"Key": "color", "Value": ["blue"]}]},
            parameter("ExtendIfKnownAnswerScoreIsLessThan", "100"),
            parameter("ExtendMaximumAssignments", "3"),
        ],
    }
    hit = requester.hit(Question=FORM, MaxAssignments=1, AssignmentReviewPolicy=extending)
    Worker(control).take(hit, answered(color="green", animal="cat"))
    assert requester.ok("GetHIT", "HIT", HITId=hit).MaxAssignments == 2
    review = requester.ok("GetReviewResultsForHIT", HITId=hit)
    actions = [(a.ActionName, a.Status) for a in review.AssignmentReviewReport.ReviewAction]
    assert ("extend", "Succeeded") in actions


QUESTIONS = [f"q{n}" for n in range(30)]
WIDE_FORM = (
    f'<QuestionForm xmlns="{DATA}/2005-10-01/QuestionForm.xsd">'
    + "".join(
        f"<Question><QuestionIdentifier>{q}</QuestionIdentifier>"
        f"<QuestionContent><Text>{q}?</Text></QuestionContent>"
        "<AnswerSpecification><FreeTextAnswer/></AnswerSpecification></Question>"
        for q in QUESTIONS
    )
    + "</QuestionForm>"
)
WIDE_KEY = {
    "PolicyName": "ScoreMyKnownAnswers/2011-09-01",
    "Parameter": [
        {"Key": "AnswerKey", "MapEntry": [{"Key": q, "Value": ["yes"]} for q in QUESTIONS]},
        parameter("ApproveIfKnownAnswerScoreIsAtLeast", "50"),
    ],
}


def test_review_reports_page_as_the_reference_says(requester, control):
    """PageSize 100-65535, default 400; PageNumber from 1 (reference,
    GetReviewResultsForHIT). 4 submissions of 30 known answers: each makes 30
    KnownAnswerCorrect, a KnownAnswerScore, a review and an approve action."""
    hit = requester.hit(Question=WIDE_FORM, MaxAssignments=4, AssignmentReviewPolicy=WIDE_KEY)
    for _ in range(4):
        Worker(control).take(hit, answered(**dict.fromkeys(QUESTIONS, "yes")))
    total = 4 * (len(QUESTIONS) + 3)

    whole = requester.ok("GetReviewResultsForHIT", HITId=hit).AssignmentReviewReport
    assert (whole.PageNumber, whole.NumResults, whole.TotalNumResults) == (1, total, total)
    pages = [
        requester.ok(
            "GetReviewResultsForHIT", HITId=hit, PageSize=100, PageNumber=n
        ).AssignmentReviewReport
        for n in (1, 2, 3)
    ]
    counts = [(p.PageNumber, p.NumResults, p.TotalNumResults) for p in pages]
    assert counts == [(1, 100, total), (2, total - 100, total), (3, 0, total)]
    for kind in ("ReviewResult", "ReviewAction"):  # the pages, in order, are the whole
        paged = [i.ActionId for p in pages for i in getattr(p, kind) or []]
        assert paged == [i.ActionId for i in getattr(whole, kind)]
    only_actions = requester.ok(
        "GetReviewResultsForHIT", HITId=hit, RetrieveResults=False
    ).AssignmentReviewReport
    assert (only_actions.NumResults, only_actions.TotalNumResults) == (8, 8)

    for bad in ({"PageSize": 99}, {"PageSize": 65536}, {"PageNumber": 0}):
        code = requester.error("GetReviewResultsForHIT", HITId=hit, **bad)
        assert code == "AWS.ParameterOutOfRange", bad
