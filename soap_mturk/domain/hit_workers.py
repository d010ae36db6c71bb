"""HITs from the workers' side, as they took them on the MTurk website: find the
HITs they may see, preview one, accept it (an assignment with a deadline), submit
their answers, or return it. A worker who lets the deadline pass abandons it
(HITCore.settle). Scripted through the control API.

Qualification requirements apply as the vendor applied them: a worker who does
not meet every requirement cannot accept the HIT, and cannot even see or preview
it when a requirement unmet is RequiredToPreview. The system types (approval rate,
locale, adult, Masters) are compared like any other: a worker's values for them
are qualifications a test sets through the control API.
"""

from __future__ import annotations

from datetime import timedelta

from lxml import etree

from soap_mturk.domain import errors
from soap_mturk.domain import events as ev
from soap_mturk.domain.answer_key import parse_answers
from soap_mturk.domain.documents import parse_document
from soap_mturk.domain.errors import MTurkError
from soap_mturk.domain.hit_rules import HITState, holds_slot, meets
from soap_mturk.domain.hit_rules import check_question as question_kind
from soap_mturk.domain.hits import HITCore, Unit
from soap_mturk.domain.identity import new_id
from soap_mturk.domain.model import (
    ACCEPTED,
    ASSIGNABLE,
    RETURNED,
    SUBMITTED,
    Assignment,
    QualificationRequirement,
)
from soap_mturk.domain.qualifications import require
from soap_mturk.domain.review_policies import load_policy, score_known_answers
from soap_mturk.domain.workers import MAX_TEST_DOCUMENT, check_worker_id

QUESTION_FORM = "QuestionForm"


class WorkerHITService(HITCore):
    def available_hits(self, worker_id: str | None) -> list[tuple[HITState, bool]]:
        """The Assignable HITs the worker can see, each with whether the worker
        may accept it (meets every requirement)."""
        check_worker_id(worker_id)
        with self.unit() as unit:
            states = self.states(unit.session, unit.session.list_hits(None), unit.now)
            listed = []
            for state in states:
                if state.status != ASSIGNABLE:
                    continue
                unmet = self._unmet(unit, worker_id, state.hit_type.requirements)
                if any(r.required_to_preview for r in unmet):
                    continue
                listed.append((state, not unmet))
            return listed

    def preview(self, worker_id: str | None, hit_id: str | None) -> HITState:
        check_worker_id(worker_id)
        require(HITId=hit_id)
        with self.unit() as unit:
            state = self.state(unit.session, self.hit(unit.session, hit_id), unit.now)
            unmet = self._unmet(unit, worker_id, state.hit_type.requirements)
            previewable = [r for r in unmet if r.required_to_preview]
            if previewable:
                raise self._refusal(worker_id, hit_id, previewable, "preview")
            return state

    def accept(self, worker_id: str | None, hit_id: str | None) -> Assignment:
        check_worker_id(worker_id)
        require(HITId=hit_id)
        with self.unit() as unit:
            session = unit.session
            hit = self.hit(session, hit_id)
            state = self.state(session, hit, unit.now)
            if session.get_block(hit.owner, worker_id) is not None:
                # BlockWorker: "prevents a Worker from accepting more of your HITs"
                # (reference); work accepted before the block may still be submitted.
                raise errors.PermissionDenied(
                    f"Worker {worker_id} is blocked by the requester of HIT {hit_id}."
                )
            unmet = self._unmet(unit, worker_id, state.hit_type.requirements)
            if unmet:
                raise self._refusal(worker_id, hit_id, unmet, "accept")
            if state.status != ASSIGNABLE:
                raise errors.InvalidHITState(
                    f"HIT {hit_id} is {state.status}: no assignment can be accepted."
                )
            for held in session.list_assignments([hit.id]):
                if held.worker_id == worker_id and holds_slot(held):
                    raise errors.AssignmentAlreadyExists(
                        f"Worker {worker_id} already has assignment {held.id} of HIT {hit_id}."
                    )
            assignment = Assignment(
                id=new_id(),
                hit_id=hit.id,
                worker_id=worker_id,
                status=ACCEPTED,
                accept_time=unit.now,
                deadline=unit.now + timedelta(seconds=state.hit_type.assignment_duration),
            )
            session.put_assignment(assignment)
            unit.emit(ev.ASSIGNMENT_ACCEPTED, hit, assignment=assignment)
            return assignment

    def submit(
        self, worker_id: str | None, assignment_id: str | None, answer: str | None
    ) -> Assignment:
        check_worker_id(worker_id)
        require(AssignmentId=assignment_id, Answer=answer)
        if len(answer.encode("utf-8")) > MAX_TEST_DOCUMENT:
            raise MTurkError.invalid("Answer", "(document)", f"at most {MAX_TEST_DOCUMENT} bytes")
        answered = parse_answers(answer)  # a well-formed QuestionFormAnswers
        with self.unit() as unit:
            assignment, hit = self._own(unit, worker_id, assignment_id)
            if hit.question is not None:
                _check_answers_fit(hit.question, answered)
            hit_type = self.hit_type(unit.session, hit.type_id)
            assignment.status = SUBMITTED
            assignment.submit_time = unit.now
            assignment.auto_approval_time = unit.now + timedelta(
                seconds=hit_type.auto_approval_delay
            )
            assignment.answer = answer
            unit.session.put_assignment(assignment)
            unit.emit(ev.ASSIGNMENT_SUBMITTED, hit, assignment=assignment)
            policy = load_policy(hit.assignment_review_policy)
            if policy is not None:  # an assignment-level policy runs on submission
                outcome = score_known_answers(policy, assignment, hit.max_assignments)
                self.apply_review(unit, hit, "Assignment", outcome)
            # A disabled HIT's work in progress is approved once submitted (DisableHIT);
            # a delay of 0 approves at once.
            if assignment.status == SUBMITTED and (
                hit.disabled or hit_type.auto_approval_delay == 0
            ):
                self.approve(unit, assignment, hit, None)
            self.announce_reviewable(unit, hit)
            return assignment

    def return_assignment(self, worker_id: str | None, assignment_id: str | None) -> Assignment:
        check_worker_id(worker_id)
        require(AssignmentId=assignment_id)
        with self.unit() as unit:
            assignment, hit = self._own(unit, worker_id, assignment_id)
            assignment.status = RETURNED
            unit.session.put_assignment(assignment)
            unit.emit(ev.ASSIGNMENT_RETURNED, hit, assignment=assignment)
            self.announce_reviewable(unit, hit)
            return assignment

    def upload_file(
        self, worker_id: str | None, assignment_id: str | None, question: str | None, data: bytes
    ) -> dict:
        """The worker uploads a file for a FileUploadAnswer question of its assignment
        in progress; it names the file in its answer by the key this returns."""
        check_worker_id(worker_id)
        require(AssignmentId=assignment_id, QuestionIdentifier=question)
        with self.unit() as unit:
            assignment, hit = self._own(unit, worker_id, assignment_id)
            low, high = _file_question(hit.question, question)
            if not low <= len(data) <= high:
                raise MTurkError.out_of_range("the uploaded file's size", len(data), low, high)
            key = new_id(40)
            unit.session.put_uploaded_file(assignment.id, question, key, data)
            return {"UploadedFileKey": key, "UploadedFileSizeInBytes": len(data)}

    # ---------------------------------------------------------------------------------

    def _own(self, unit: Unit, worker_id: str, assignment_id: str):
        """The worker's assignment still in progress, with its HIT."""
        assignment = unit.session.get_assignment(assignment_id)
        if assignment is None or assignment.worker_id != worker_id:
            raise errors.AssignmentDoesNotExist(
                f"Worker {worker_id} has no assignment {assignment_id}."
            )
        if assignment.status != ACCEPTED:
            raise errors.InvalidAssignmentState(
                f"Assignment {assignment_id} is {assignment.status}, no longer in progress."
            )
        return assignment, unit.session.get_hit(assignment.hit_id)

    @staticmethod
    def _unmet(
        unit: Unit, worker_id: str, requirements: tuple[QualificationRequirement, ...]
    ) -> list[QualificationRequirement]:
        return [
            r
            for r in requirements
            if not meets(r, unit.session.get_qualification(r.type_id, worker_id))
        ]

    @staticmethod
    def _refusal(worker_id, hit_id, unmet, action: str) -> MTurkError:
        listed = ", ".join(f"{r.type_id} ({r.comparator})" for r in unmet)
        return errors.DoesNotMeetRequirements(
            f"Worker {worker_id} does not meet the qualification requirements of HIT "
            f"{hit_id} to {action} it: {listed}."
        )


def _file_question(question: str | None, identifier: str) -> tuple[int, int]:
    """(MinFileSizeInBytes, MaxFileSizeInBytes) of the HIT's FileUploadAnswer question."""
    if question is not None and question_kind(question) == QUESTION_FORM:
        root = parse_document("Question", question, QUESTION_FORM)
        for q in root:
            fields = {etree.QName(c).localname: c for c in q if isinstance(c.tag, str)}
            ident = fields.get("QuestionIdentifier")
            if ident is None or (ident.text or "").strip() != identifier:
                continue
            spec = fields.get("AnswerSpecification")
            upload = None if spec is None else next(
                (c for c in spec if isinstance(c.tag, str)
                 and etree.QName(c).localname == "FileUploadAnswer"), None
            )  # fmt: skip
            if upload is not None:
                sizes = {etree.QName(c).localname: (c.text or "").strip() for c in upload
                         if isinstance(c.tag, str)}  # fmt: skip
                try:
                    return int(sizes.get("MinFileSizeInBytes", "0")), int(
                        sizes.get("MaxFileSizeInBytes", "2000000000")
                    )
                except ValueError:
                    raise errors.XMLParseError("Question: a file size is not a number.") from None
    raise MTurkError.invalid(
        "QuestionIdentifier", identifier, "the HIT has no FileUploadAnswer question of that name"
    )


def _check_answers_fit(question: str, answered: dict) -> None:
    """Answers to a QuestionForm name its questions, and answer every required one."""
    if question_kind(question) != QUESTION_FORM:
        return  # an ExternalQuestion or HTMLQuestion: the requester's page decides
    root = parse_document("Question", question, QUESTION_FORM)
    identifiers, required = set(), set()
    for q in root:
        if not isinstance(q.tag, str) or etree.QName(q).localname != "Question":
            continue
        fields = {
            etree.QName(c).localname: (c.text or "").strip() for c in q if isinstance(c.tag, str)
        }
        identifiers.add(fields.get("QuestionIdentifier"))
        if fields.get("IsRequired") == "true":
            required.add(fields.get("QuestionIdentifier"))
    unknown = set(answered) - identifiers
    if unknown:
        raise MTurkError.invalid(
            "Answer", sorted(unknown)[0], "the HIT's QuestionForm has no such question"
        )
    missing = required - set(answered)
    if missing:
        raise MTurkError.missing(*(f"Answer for {name}" for name in sorted(missing)))
