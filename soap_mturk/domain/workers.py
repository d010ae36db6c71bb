"""The worker's side of qualifications: requesting one, as a Worker did on the
MTurk website, under the vendor's rules.

- The type must exist and be Active. Every type a requester made is requestable
  (see QualificationType.is_requestable).
- Retakes: without RetryDelayInSeconds a worker may request a type only once, ever;
  with it, not again until that many seconds after the previous request.
- AutoGranted: granted at once with AutoGrantedValue.
- Test with an AnswerKey: graded at once and granted with the computed value.
- Test without an AnswerKey, or no Test and no auto-grant: a pending request that
  the owner lists with GetQualificationRequests and resolves with
  GrantQualification or RejectQualificationRequest.

Every request keeps its SubmitTime, a snapshot of the Test as it was, and the Answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from soap_mturk.domain import errors, system_types
from soap_mturk.domain.answer_key import grade, parse_answers
from soap_mturk.domain.clock import Clock
from soap_mturk.domain.errors import MTurkError
from soap_mturk.domain.identity import new_id
from soap_mturk.domain.model import (
    ACTIVE,
    GRANTED,
    Locale,
    Qualification,
    QualificationRequest,
)
from soap_mturk.domain.qualifications import (
    INT_MAX,
    INT_MIN,
    grant,
    require,
)

if TYPE_CHECKING:  # the store depends on the domain's entities, not the other way
    from soap_mturk.domain.ports import Session, Store

MAX_WORKER_ID = 64
MAX_TEST_DOCUMENT = 65535


@dataclass
class RequestOutcome:
    """What became of a worker's request: granted at once (with the qualification),
    or pending for the owner."""

    request: QualificationRequest
    qualification: Qualification | None

    @property
    def status(self) -> str:
        return self.request.status


def check_worker_id(worker_id: str | None) -> str:
    """`worker_id`, if it is one the vendor would accept."""
    require(WorkerId=worker_id)
    assert worker_id is not None  # require() refused None
    if (
        len(worker_id) > MAX_WORKER_ID
        or not worker_id.isprintable()
        or worker_id.strip() != worker_id
    ):
        raise MTurkError.invalid(
            "WorkerId",
            worker_id,
            f"printable, no surrounding spaces, at most {MAX_WORKER_ID} characters",
        )
    return worker_id


class WorkerService:
    def __init__(self, store: Store, clock: Clock | None = None):
        self.store = store
        self.clock = clock or Clock(store)

    def set_system_value(
        self,
        worker_id: str | None,
        type_id: str | None,
        integer_value: int | None = None,
        locale: Locale | None = None,
    ) -> Qualification:
        """The marketplace's part: a worker's approval rate, locale, Masters, ..."""
        worker_id = check_worker_id(worker_id)
        require(QualificationTypeId=type_id)
        assert type_id is not None  # require() refused None
        with self.store.write() as session:
            now = self.clock.now(session)
            return system_types.set_value(session, worker_id, type_id, integer_value, locale, now)

    def request_qualification(
        self, worker_id: str | None, type_id: str | None, answer: str | None = None
    ) -> RequestOutcome:
        worker_id = check_worker_id(worker_id)
        require(QualificationTypeId=type_id)
        assert type_id is not None  # require() refused None
        if answer is not None:
            if len(answer.encode("utf-8")) > MAX_TEST_DOCUMENT:
                raise MTurkError.invalid(
                    "Answer", "(document)", f"at most {MAX_TEST_DOCUMENT} bytes"
                )
            parse_answers(answer)  # refuse a document that is not QuestionFormAnswers
        with self.store.write() as session:
            qtype = session.get_type(type_id)
            if qtype is None:
                raise MTurkError.no_such_type(type_id)
            if qtype.is_system:
                raise errors.InvalidQualificationTypeState(
                    f"QualificationType [{type_id}] is assigned by the system; workers do not"
                    " request it (IsRequestable false).",
                )
            if qtype.status != ACTIVE:
                raise errors.InvalidQualificationTypeState(
                    f"Qualification type {type_id} is {qtype.status}: workers may not request it.",
                )
            if answer is not None and qtype.test is None:
                raise MTurkError.invalid(
                    "Answer", "(document)", f"qualification type {type_id} has no test"
                )
            now = self.clock.now(session)
            previous = session.latest_request(type_id, worker_id)
            if previous is not None:
                self._check_retake(qtype.retry_delay, previous, now)

            request = QualificationRequest(
                id=new_id(40),
                type_id=type_id,
                subject_id=worker_id,
                submit_time=now,
                test=qtype.test,
                answer=answer,
            )
            value: int | None = None
            if qtype.auto_granted:
                value = qtype.auto_granted_value if qtype.auto_granted_value is not None else 1
            elif qtype.answer_key is not None:
                value = grade(qtype.answer_key, answer).value
                if not INT_MIN <= value <= INT_MAX:
                    raise errors.InvalidParameterValue(
                        f"The AnswerKey of {type_id} gives {value}, outside the range of a qualification value.",
                    )
            if value is not None and not self._may_replace(session, request, previous):
                value = None  # the owner's qualification: the owner decides (see _may_replace)
            qualification = None
            if value is not None:
                request.status = GRANTED
                qualification = grant(session, type_id, worker_id, value, now)
            session.put_request(request)
            return RequestOutcome(request, qualification)

    @staticmethod
    def _may_replace(
        session: Session, request: QualificationRequest, previous: QualificationRequest | None
    ) -> bool:
        """Whether an automatic grant (AutoGranted, or a test graded by its AnswerKey)
        may set the worker's qualification. Yes when the worker holds none, or holds
        one from an earlier request of its own that was granted (a retake replaces
        its score). Not when the owner assigned, revoked or seeded it: the reference
        (AssignQualification, "Tip") has the owner choose between granting the request,
        which may change the score, and rejecting it, which leaves the qualification
        as it is; so the request waits for the owner instead."""
        held = session.get_qualification(request.type_id, request.subject_id)
        if held is None:
            return True
        return held.status == GRANTED and previous is not None and previous.status == GRANTED

    @staticmethod
    def _check_retake(
        retry_delay: int | None, previous: QualificationRequest, now: datetime
    ) -> None:
        if retry_delay is None:
            # The vendor allowed one request per worker, ever, when retries were off.
            raise errors.QualificationTypeDoesNotAllowRetake(
                f"Worker {previous.subject_id} has already requested qualification type"
                f" {previous.type_id}, which does not allow retakes.",
            )
        allowed_at = previous.submit_time + timedelta(seconds=retry_delay)
        if now < allowed_at:
            raise errors.QualificationTypeRetryDelayNotElapsed(
                f"Worker {previous.subject_id} may request qualification type {previous.type_id}"
                f" again at {allowed_at.strftime('%Y-%m-%dT%H:%M:%SZ')}"
                f" ({retry_delay} seconds after the previous request).",
            )
