"""The vendor's two review policies (reference, "Review Policies"), evaluated in
emulator time, their results and actions kept for GetReviewResultsForHIT.

ScoreMyKnownAnswers/2011-09-01 (AssignmentReviewPolicy) runs when an assignment is
submitted: the worker's answers are compared with the policy's AnswerKey (a match
is the same set of values, surrounding whitespace removed, neither side empty);
KnownAnswerScore is the percentage matched. It approves at or above
ApproveIfKnownAnswerScoreIsAtLeast, rejects below RejectIfKnownAnswerScoreIsLessThan
and extends the HIT by one assignment below ExtendIfKnownAnswerScoreIsLessThan
(while it has fewer than ExtendMaximumAssignments, default 5).

SimplePlurality/2011-09-01 (HITReviewPolicy) runs when the HIT becomes Reviewable:
for each of QuestionIds the most frequent answer among the HIT's submitted work
(rejected work left out with DisregardAssignmentIfRejected) is agreed when its
share (AnswerAgreementScore, a percentage) is greater than
QuestionAgreementThreshold. WorkerAgreementScore is the percentage of agreed
questions a worker answered as agreed; HitAgreementScore the percentage of
questions with an agreed answer. It approves at or above
ApproveIfWorkerAgreementScoreIsAtLeast, rejects below
RejectIfWorkerAgreementScoreIsLessThan, and extends below
ExtendIfHITAgreementScoreIsLessThan. The reference gives no rounding: percentages
are rounded to the nearest integer, halves up.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

from lxml import etree

from soap_mturk.domain.documents import parse_document
from soap_mturk.domain.errors import MTurkError
from soap_mturk.domain.model import APPROVED, REJECTED, SUBMITTED, Assignment

KNOWN_ANSWERS = "ScoreMyKnownAnswers/2011-09-01"
PLURALITY = "SimplePlurality/2011-09-01"
MAX_ANSWER_LENGTH = 256  # longer answers are not used by HIT review policies

_KNOWN_KEYS = {
    "AnswerKey", "ApproveIfKnownAnswerScoreIsAtLeast", "ApproveReason",
    "RejectIfKnownAnswerScoreIsLessThan", "RejectReason", "ExtendIfKnownAnswerScoreIsLessThan",
    "ExtendMaximumAssignments", "ExtendMinimumTimeInSeconds",
}  # fmt: skip
_PLURALITY_KEYS = {
    "QuestionIds", "QuestionAgreementThreshold", "DisregardAssignmentIfRejected",
    "DisregardAssignmentIfKnownAnswerScoreIsLessThan", "ExtendIfHITAgreementScoreIsLessThan",
    "ExtendMaximumAssignments", "ExtendMinimumTimeInSeconds",
    "ApproveIfWorkerAgreementScoreIsAtLeast", "ApproveReason",
    "RejectIfWorkerAgreementScoreIsLessThan", "RejectReason",
}  # fmt: skip
_LEVEL = {KNOWN_ANSWERS: ("AssignmentReviewPolicy", _KNOWN_KEYS),
          PLURALITY: ("HITReviewPolicy", _PLURALITY_KEYS)}  # fmt: skip


@dataclass(frozen=True)
class Policy:
    name: str
    parameters: dict  # Key -> list of Values, or for a map {MapEntry Key: [Values]}

    def integer(self, key: str, default: int | None = None) -> int | None:
        values = self.parameters.get(key)
        if not values:
            return default
        try:
            return int(str(values[0]).strip())
        except ValueError:
            raise MTurkError.invalid(key, values[0], "a whole number") from None

    def text(self, key: str) -> str | None:
        values = self.parameters.get(key)
        return str(values[0]) if values else None

    def flag(self, key: str) -> bool:
        return (self.text(key) or "").strip().lower() in ("t", "true", "1")


def parse_policy(field: str, data: dict | None) -> str | None:
    """A ReviewPolicy from a request, checked, as JSON to keep on the HIT."""
    if data is None:
        return None
    name = data.get("PolicyName")
    if name is None:
        raise MTurkError.missing(f"{field}.PolicyName")
    expected_field, keys = _LEVEL.get(name, (None, set()))
    if expected_field != field:
        allowed = KNOWN_ANSWERS if field == "AssignmentReviewPolicy" else PLURALITY
        raise MTurkError.invalid(f"{field}.PolicyName", name, f"expected {allowed}")
    parameters: dict = {}
    for p in data.get("Parameter") or ():
        key = p.get("Key")
        if key not in keys:
            raise MTurkError.invalid(f"{field}.Parameter", key, f"not a parameter of {name}")
        if p.get("MapEntry"):
            parameters[key] = {e.get("Key"): list(e.get("Value") or ()) for e in p["MapEntry"]}
        else:
            parameters[key] = list(p.get("Value") or ())
    policy = Policy(name, parameters)
    if name == KNOWN_ANSWERS:
        if not isinstance(parameters.get("AnswerKey"), dict):
            raise MTurkError.missing(f"{field}.Parameter AnswerKey (MapEntry)")
    else:
        for required in ("QuestionIds", "QuestionAgreementThreshold"):
            if not parameters.get(required):
                raise MTurkError.missing(f"{field}.Parameter {required}")
    for key in parameters:
        if key not in ("AnswerKey", "QuestionIds", "ApproveReason", "RejectReason",
                       "DisregardAssignmentIfRejected"):  # fmt: skip
            policy.integer(key)
    return json.dumps({"PolicyName": name, "Parameters": parameters}, sort_keys=True)


def load_policy(text: str | None) -> Policy | None:
    if text is None:
        return None
    data = json.loads(text)
    return Policy(data["PolicyName"], data["Parameters"])


def answer_values(answer: str | None) -> dict[str, tuple[str, ...]]:
    """A QuestionFormAnswers document as {QuestionIdentifier: its values}: the
    SelectionIdentifiers chosen, the FreeText, or an uploaded file's key."""
    if not answer:
        return {}
    root = parse_document("Answer", answer, "QuestionFormAnswers")
    values: dict[str, tuple[str, ...]] = {}
    for item in root:
        if not isinstance(item.tag, str) or etree.QName(item).localname != "Answer":
            continue
        fields = [(etree.QName(c).localname, (c.text or "").strip()) for c in item
                  if isinstance(c.tag, str)]  # fmt: skip
        identifier = next((t for n, t in fields if n == "QuestionIdentifier"), None)
        found = tuple(
            t
            for n, t in fields
            if n in ("SelectionIdentifier", "FreeText", "OtherSelectionText", "UploadedFileKey")
        )
        if identifier:
            values[identifier] = values.get(identifier, ()) + found
    return values


@dataclass
class Outcome:
    """What a policy decided: review results and actions (as the vendor's
    ReviewResultDetail / ReviewActionDetail fields), and what to do."""

    results: list[dict]
    actions: list[dict]
    approve: list[tuple[Assignment, str | None]]
    reject: list[tuple[Assignment, str | None]]
    extend_by: int = 0
    extend_seconds: int = 0


def _percent(part: int, whole: int) -> int:
    return (200 * part + whole) // (2 * whole) if whole else 0


def score_known_answers(policy: Policy, assignment: Assignment, max_assignments: int) -> Outcome:
    key: dict = policy.parameters.get("AnswerKey") or {}
    given = answer_values(assignment.answer)
    results, correct = [], 0
    for question, expected in key.items():
        wanted = {v.strip() for v in expected if v.strip()}
        got = set(given.get(question, ()))
        right = bool(wanted) and got == wanted
        correct += right
        results.append(
            _result(assignment.id, "Assignment", "KnownAnswerCorrect", int(right), question)
        )
    score = _percent(correct, len(key))
    results.append(_result(assignment.id, "Assignment", "KnownAnswerScore", score))
    actions = [_action("review", assignment.id, "Assignment",
                       f"Reviewed {len(key)} known answers; {correct}/{len(key)} correct")]  # fmt: skip
    outcome = Outcome(results, actions, [], [])
    approve_at = policy.integer("ApproveIfKnownAnswerScoreIsAtLeast")
    reject_below = policy.integer("RejectIfKnownAnswerScoreIsLessThan")
    if approve_at is not None and score >= approve_at:
        outcome.approve.append((assignment, policy.text("ApproveReason")))
    elif reject_below is not None and score < reject_below:
        outcome.reject.append((assignment, policy.text("RejectReason")))
    _extend(policy, outcome, "ExtendIfKnownAnswerScoreIsLessThan", score, max_assignments)
    return outcome


def simple_plurality(
    policy: Policy, hit_id: str, assignments: list[Assignment], max_assignments: int
) -> Outcome:
    questions = [q.strip() for q in (policy.text("QuestionIds") or "").split(",") if q.strip()]
    threshold = policy.integer("QuestionAgreementThreshold", 0)
    counted = [a for a in assignments if a.status in (SUBMITTED, APPROVED)
               or (a.status == REJECTED and not policy.flag("DisregardAssignmentIfRejected"))]  # fmt: skip
    answers = {a.id: answer_values(a.answer) for a in counted}
    results: list[dict] = []
    agreed: dict[str, tuple[str, ...]] = {}
    for question in questions:
        given = [v for a in counted if (v := answers[a.id].get(question))
                 and all(len(x) <= MAX_ANSWER_LENGTH for x in v)]  # fmt: skip
        tally = Counter(tuple(sorted(v)) for v in given)
        found = False
        if tally:
            ((answer, votes),) = tally.most_common(1)
            score = _percent(votes, len(given))
            if score > threshold:
                found = True
                agreed[question] = answer
                results.append(
                    _result(hit_id, "Question", "AgreedAnswer", "|".join(answer), question)
                )
                results.append(_result(hit_id, "Question", "AnswerAgreementScore", score, question))
        results.insert(len(results) - (2 if found else 0),
                       _result(hit_id, "Question", "AgreedAnswerFound", str(found).lower(), question))  # fmt: skip
    outcome = Outcome(results, [], [], [])
    approve_at = policy.integer("ApproveIfWorkerAgreementScoreIsAtLeast")
    reject_below = policy.integer("RejectIfWorkerAgreementScoreIsLessThan")
    for a in counted:
        right = sum(1 for q, v in agreed.items() if tuple(sorted(answers[a.id].get(q, ()))) == v)
        wrong = sum(1 for q in agreed if q in answers[a.id]) - right
        worker_score = _percent(right, len(agreed))
        results += [
            _result(a.id, "Assignment", "WorkerAgreementScore", worker_score),
            _result(a.id, "Assignment", "PluralityAnswersCorrect", right),
            _result(a.id, "Assignment", "PluralityAnswersIncorrect", wrong),
        ]
        if approve_at is not None and worker_score >= approve_at:
            outcome.approve.append((a, policy.text("ApproveReason")))
        elif reject_below is not None and worker_score < reject_below:
            outcome.reject.append((a, policy.text("RejectReason")))
    hit_score = _percent(len(agreed), len(questions))
    results.append(_result(hit_id, "HIT", "HitAgreementScore", hit_score))
    _extend(policy, outcome, "ExtendIfHITAgreementScoreIsLessThan", hit_score, max_assignments)
    return outcome


def _extend(policy: Policy, outcome: Outcome, key: str, score: int, max_assignments: int) -> None:
    below = policy.integer(key)
    if below is not None and score < below:
        ceiling = policy.integer("ExtendMaximumAssignments", 5)
        if max_assignments < ceiling and not (max_assignments < 10 <= max_assignments + 1):
            outcome.extend_by = 1
            outcome.extend_seconds = policy.integer("ExtendMinimumTimeInSeconds", 0) or 0


def _result(subject: str, subject_type: str, key: str, value, question: str | None = None) -> dict:
    return {"SubjectId": subject, "SubjectType": subject_type, "QuestionId": question,
            "Key": key, "Value": str(value)}  # fmt: skip


def _action(name: str, object_id: str, object_type: str, result: str, status: str = "Succeeded",
            error_code: str | None = None) -> dict:  # fmt: skip
    return {"ActionName": name, "ObjectId": object_id, "ObjectType": object_type,
            "Status": status, "Result": result, "ErrorCode": error_code}  # fmt: skip


def action(
    name: str, assignment: Assignment, ok: bool, result: str, code: str | None = None
) -> dict:
    return _action(name, assignment.id, "Assignment", result,
                   "Succeeded" if ok else "Failed", code)  # fmt: skip
