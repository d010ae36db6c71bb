"""The rules of the qualification system.

Every operation takes the caller (the requester's access key id, as established by
the protocol layer) and plain values, and either returns entities or raises
`MTurkError` with the vendor's code. Each call runs in one store transaction.
"""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Self

from soap_mturk.domain import errors, system_types
from soap_mturk.domain.answer_key import parse_answer_key
from soap_mturk.domain.clock import Clock
from soap_mturk.domain.documents import parse_document
from soap_mturk.domain.errors import MTurkError
from soap_mturk.domain.identity import later_than, new_id
from soap_mturk.domain.model import (
    ACTIVE,
    GRANTED,
    INACTIVE,
    PENDING,
    REJECTED,
    REVOKED,
    SYSTEM_OWNER,
    Page,
    Qualification,
    QualificationRequest,
    QualificationType,
)
from soap_mturk.domain.rules import CURRENT, Rules

if TYPE_CHECKING:  # the store depends on the domain's entities, not the other way
    from soap_mturk.domain.ports import Session, Store

from soap_mturk.domain.ports import TypeFilter

INT_MIN, INT_MAX = -(2**31), 2**31 - 1
LONG_MAX = 2**63 - 1
DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE = 10, 100
MAX_NAME, MAX_DESCRIPTION, MAX_KEYWORDS = 128, 2000, 1000
MAX_TEST_DURATION = 3 * 60 * 60 * 24 * 365  # generous: the vendor only required a positive value


def require(**values: object) -> None:
    missing = [name for name, value in values.items() if value is None or value == ""]
    if missing:
        raise MTurkError.missing(*missing)


def check_int(name: str, value: int | None, low: int = INT_MIN, high: int = INT_MAX) -> None:
    if value is not None and not low <= value <= high:
        raise MTurkError.out_of_range(name, value, low, high)


def check_choice(name: str, value: str | None, choices: tuple[str, ...]) -> None:
    if value is not None and value not in choices:
        raise MTurkError.invalid(name, value, "expected one of " + ", ".join(choices))


def check_xml(name: str, text: str | None, root_element: str) -> None:
    """Test and AnswerKey are XML documents carried as strings (documents.py); a
    Test must be a QuestionForm (an ExternalQuestion or HTMLQuestion cannot be one)."""
    if text is not None:
        parse_document(name, text, root_element)


def paging(
    page_number: int | None,
    page_size: int | None,
    max_size: int = MAX_PAGE_SIZE,
    *,
    min_size: int = 1,
    default_size: int = DEFAULT_PAGE_SIZE,
) -> tuple[int, int, int]:
    """(page number, offset, limit) with the vendor's defaults and bounds (most
    operations: 1-100, default 10; a few give their own)."""
    number = 1 if page_number is None else page_number
    size = default_size if page_size is None else page_size
    check_int("PageNumber", number, 1, INT_MAX)
    check_int("PageSize", size, min_size, max_size)
    return number, (number - 1) * size, size


def is_descending(direction: str | None) -> bool:
    check_choice("SortDirection", direction, ("Ascending", "Descending"))
    return direction == "Descending"


def validate_type(qtype: QualificationType) -> None:
    """The rules every qualification type obeys, however it was made: by
    CreateQualificationType, UpdateQualificationType or a fixture (seeding.py)."""
    require(Name=qtype.name)
    check_choice("QualificationTypeStatus", qtype.status, (ACTIVE, INACTIVE))
    if len(qtype.name) > MAX_NAME:
        raise MTurkError.invalid("Name", qtype.name, f"at most {MAX_NAME} characters")
    if qtype.description is not None and len(qtype.description) > MAX_DESCRIPTION:
        raise MTurkError.invalid("Description", "(text)", f"at most {MAX_DESCRIPTION} characters")
    if qtype.keywords is not None and len(qtype.keywords) > MAX_KEYWORDS:
        raise MTurkError.invalid("Keywords", "(text)", f"at most {MAX_KEYWORDS} characters")
    check_int("RetryDelayInSeconds", qtype.retry_delay, 0, LONG_MAX)
    check_int("TestDurationInSeconds", qtype.test_duration, 1, MAX_TEST_DURATION)
    check_int("AutoGrantedValue", qtype.auto_granted_value)
    check_xml("Test", qtype.test, "QuestionForm")
    check_xml("AnswerKey", qtype.answer_key, "AnswerKey")
    if qtype.answer_key is not None:
        parse_answer_key(qtype.answer_key)  # a key that cannot grade is refused up front
    if qtype.test is not None and qtype.auto_granted:
        raise MTurkError.invalid(
            "AutoGranted", True, "a qualification type with a Test cannot be auto-granted"
        )
    if qtype.test is not None and qtype.test_duration is None:
        raise MTurkError.missing("TestDurationInSeconds")
    if qtype.answer_key is not None and qtype.test is None:
        raise MTurkError.invalid("AnswerKey", "(document)", "an AnswerKey needs a Test")


def visible_types(caller: str, requestable_only: bool, owned_only: bool) -> list[TypeFilter]:
    """Which types a requester's search sees: its own, and others' Active ones (the
    system's among them). With `requestable_only`, exactly those whose IsRequestable
    is true (QualificationType.is_requestable): Active, and not the system's."""
    if requestable_only:
        if owned_only:
            return [TypeFilter(owner=caller, status=ACTIVE)]
        return [TypeFilter(status=ACTIVE, not_owner=SYSTEM_OWNER)]
    if owned_only:
        return [TypeFilter(owner=caller)]
    return [TypeFilter(owner=caller), TypeFilter(status=ACTIVE)]


def as_seen_by(caller: str, qtype: QualificationType) -> QualificationType:
    """The type as `caller` may read it: the answer key is its owner's secret."""
    if qtype.owner == caller or qtype.answer_key is None:
        return qtype
    return replace(qtype, answer_key=None)


def grant(
    session: Session, type_id: str, subject_id: str, value: int | None, at: datetime
) -> Qualification:
    """Grant anew, or grant again a revoked qualification with a fresh GrantTime."""
    previous = session.get_qualification(type_id, subject_id)
    qualification = Qualification(
        type_id=type_id,
        subject_id=subject_id,
        grant_time=later_than(previous.grant_time if previous else None, at),
        integer_value=value,
        locale=previous.locale if previous else None,
        status=GRANTED,
    )
    session.put_qualification(qualification)
    return qualification


# GetQualificationRequests' SortProperty: the WSDL's two values, and boto 2's default
# "Expiration" (boto/mturk/connection.py, get_qualification_requests), which the
# service accepted from scripts that used it; a request has no expiration, so it
# sorts as SubmitTime.
REQUEST_SORT = {"QualificationTypeId": "QualificationTypeId", "SubmitTime": "SubmitTime",
                "Expiration": "SubmitTime"}  # fmt: skip


class QualificationService:
    def __init__(
        self,
        store: Store,
        rules: Rules = CURRENT,
        clock: Clock | None = None,
        *,
        install: bool = True,
    ):
        self.store = store
        self.rules = rules
        self.clock = clock or Clock(store)
        if install:  # the system's types are there from the start
            with store.write() as session:
                system_types.install(session)

    def under(self, rules: Rules) -> Self:
        """The same service and store, applying another API version's rules."""
        if rules == self.rules:
            return self
        clone = copy.copy(self)  # a subclass keeps its other services
        clone.rules = rules
        return clone

    # --- lookups shared by the operations -------------------------------------------

    @staticmethod
    def _type(session: Session, type_id: str) -> QualificationType:
        qtype = session.get_type(type_id)
        if qtype is None:
            raise MTurkError.no_such_type(type_id)
        return qtype

    def _owned_type(self, session: Session, caller: str, type_id: str) -> QualificationType:
        qtype = self._type(session, type_id)
        if qtype.is_system:
            raise errors.PermissionDenied(
                f"QualificationType [{type_id}] is supplied by Amazon Mechanical Turk: "
                "requesters cannot change it or its qualifications."
            )
        if qtype.owner != caller:
            raise MTurkError.not_owner(type_id)
        return qtype

    @staticmethod
    def _pending_request(session: Session, caller: str, request_id: str) -> QualificationRequest:
        request = session.get_request(request_id)
        owner_type = session.get_type(request.type_id) if request else None
        if request is None or owner_type is None:
            raise errors.QualificationRequestDoesNotExist(
                f"Qualification request {request_id} does not exist.",
            )
        if owner_type.owner != caller:
            raise errors.PermissionDenied(
                f"You do not own the qualification type of request {request_id}.",
            )
        if request.status != PENDING:
            raise errors.InvalidQualificationRequestState(
                f"Qualification request {request_id} is {request.status}, not pending.",
            )
        return request

    # --- qualification types --------------------------------------------------------

    def create_type(
        self,
        caller: str,
        *,
        name: str | None,
        description: str | None,
        status: str | None,
        keywords: str | None = None,
        retry_delay: int | None = None,
        test: str | None = None,
        answer_key: str | None = None,
        test_duration: int | None = None,
        auto_granted: bool | None = None,
        auto_granted_value: int | None = None,
    ) -> QualificationType:
        require(Name=name, Description=description, QualificationTypeStatus=status)
        assert name is not None and status is not None  # require() refused None
        qtype = QualificationType(
            id=new_id(),
            owner=caller,
            name=name,
            creation_time=self.clock.now(),
            description=description,
            keywords=keywords,
            status=status,
            test=test,
            test_duration=test_duration,
            answer_key=answer_key,
            retry_delay=retry_delay,
            auto_granted=bool(auto_granted),
            auto_granted_value=auto_granted_value if auto_granted else None,
        )
        validate_type(qtype)
        if auto_granted and qtype.auto_granted_value is None:
            qtype.auto_granted_value = 1
        with self.store.write() as session:
            existing = session.find_type_by_name(caller, name)
            if existing is not None:
                raise MTurkError.name_taken(existing.id)
            session.put_type(qtype)
        return qtype

    def get_type(self, caller: str, type_id: str | None) -> QualificationType:
        require(QualificationTypeId=type_id)
        assert type_id is not None  # require() refused None
        with self.store.read() as session:
            return as_seen_by(caller, self._type(session, type_id))

    def update_type(
        self,
        caller: str,
        type_id: str | None,
        *,
        description: str | None = None,
        status: str | None = None,
        test: str | None = None,
        answer_key: str | None = None,
        test_duration: int | None = None,
        retry_delay: int | None = None,
        auto_granted: bool | None = None,
        auto_granted_value: int | None = None,
    ) -> QualificationType:
        require(QualificationTypeId=type_id)
        assert type_id is not None  # require() refused None
        check_choice("QualificationTypeStatus", status, (ACTIVE, INACTIVE))
        if test is None and (answer_key is not None or test_duration is not None):
            # The vendor took Test, its duration and its key as one description of the test.
            raise MTurkError.missing("Test")
        if test is not None and test_duration is None:
            # "If you are updating the test for a type, you must specify the Test and
            # TestDurationInSeconds parameters" (reference, UpdateQualificationType).
            raise MTurkError.missing("TestDurationInSeconds")
        with self.store.write() as session:
            qtype = self._owned_type(session, caller, type_id)
            if test is not None:
                qtype.answer_key = None  # a new test without a key is graded by hand
            changes = {
                "description": description,
                "status": status,
                "test": test,
                "answer_key": answer_key,
                "test_duration": test_duration,
                "retry_delay": retry_delay,
                "auto_granted": auto_granted,
                "auto_granted_value": auto_granted_value,
            }
            for attribute, value in changes.items():
                if value is not None:
                    setattr(qtype, attribute, value)
            # As on create: the value belongs to an auto-granted type only, default 1.
            if not qtype.auto_granted:
                qtype.auto_granted_value = None
            elif qtype.auto_granted_value is None:
                qtype.auto_granted_value = 1
            validate_type(qtype)
            session.put_type(qtype)
        return qtype

    def search_types(
        self,
        caller: str,
        *,
        must_be_requestable: bool | None,
        query: str | None = None,
        must_be_owned_by_caller: bool | None = None,
        sort_property: str | None = None,
        sort_direction: str | None = None,
        page_number: int | None = None,
        page_size: int | None = None,
    ) -> Page[QualificationType]:
        require(MustBeRequestable=must_be_requestable)
        assert must_be_requestable is not None  # require() refused None
        check_choice("SortProperty", sort_property, ("Name",))
        # The vendor listed types by name, descending, unless asked otherwise.
        descending = is_descending(sort_direction or "Descending")
        number, offset, limit = paging(page_number, page_size)
        if query and len(query) > max(MAX_NAME, MAX_DESCRIPTION, MAX_KEYWORDS):
            # Longer than any text searched, it is in none; and the store need not
            # build a pattern the size of the request (SQLite refuses LIKE patterns
            # over 50,000 bytes).
            return Page([], 0, number)
        with self.store.read() as session:
            items, total = session.search_types(
                any_of=visible_types(
                    caller,
                    requestable_only=must_be_requestable,
                    owned_only=bool(must_be_owned_by_caller),
                ),
                query=query,
                descending=descending,
                offset=offset,
                limit=limit,
            )
        items = [as_seen_by(caller, t) for t in items]
        return Page(items, total, number)

    def dispose_type(self, caller: str, type_id: str | None) -> None:
        """Remove the type; its pending requests are rejected, as the vendor did.

        The qualifications already granted stay on record, neither revoked nor
        deleted: "This operation does not revoke Qualifications already assigned to
        Workers because the Qualifications might be needed for active HITs"
        (reference, DisposeQualificationType). The requester's reads of them go
        through the type, which is gone ("you can no longer use it"), so they answer
        QualificationTypeDoesNotExist."""
        require(QualificationTypeId=type_id)
        assert type_id is not None  # require() refused None
        with self.store.write() as session:
            self._owned_type(session, caller, type_id)
            while True:
                pending, _ = session.list_requests(
                    owner=caller,
                    type_id=type_id,
                    status=PENDING,
                    sort_by="SubmitTime",
                    descending=False,
                    offset=0,
                    limit=MAX_PAGE_SIZE,
                )
                if not pending:
                    break
                for request in pending:
                    request.status = REJECTED
                    request.reason = "The qualification type was disposed."
                    session.put_request(request)
            # The qualifications stay (see above): the type's row alone goes.
            session.delete_type(type_id)

    # --- qualifications -------------------------------------------------------------

    def assign(
        self,
        caller: str,
        type_id: str | None,
        worker_id: str | None,
        integer_value: int | None = None,
        send_notification: bool | None = None,
    ) -> Qualification:
        require(QualificationTypeId=type_id, WorkerId=worker_id)
        assert type_id is not None and worker_id is not None  # require() refused None
        value = 1 if integer_value is None else integer_value
        check_int("IntegerValue", value)
        with self.store.write() as session:
            self._owned_type(session, caller, type_id)
            held = session.get_qualification(type_id, worker_id)
            if held is not None and held.status == GRANTED:
                raise errors.QualificationAlreadyExists(
                    f"Worker {worker_id} already holds qualification type {type_id}.",
                )
            return grant(session, type_id, worker_id, value, self.clock.now(session))

    def revoke(
        self, caller: str, type_id: str | None, subject_id: str | None, reason: str | None = None
    ) -> Qualification:
        require(SubjectId=subject_id, QualificationTypeId=type_id)
        assert subject_id is not None and type_id is not None  # require() refused None
        with self.store.write() as session:
            self._owned_type(session, caller, type_id)
            held = session.get_qualification(type_id, subject_id)
            if held is None:
                raise errors.QualificationDoesNotExist()
            if held.status == REVOKED:
                raise errors.InvalidQualificationState(
                    f"Worker {subject_id}'s qualification of type {type_id} is already revoked.",
                )
            held.status = REVOKED
            session.put_qualification(held)
            return held

    def get_score(self, caller: str, type_id: str | None, subject_id: str | None) -> Qualification:
        """Who may read a score is a rule of the API version (`Rules`)."""
        require(QualificationTypeId=type_id, SubjectId=subject_id)
        assert type_id is not None and subject_id is not None  # require() refused None
        with self.store.read() as session:
            qtype = self._type(session, type_id)
            if qtype.owner != caller and not self.rules.anyone_may_read_scores:
                raise errors.PermissionDenied(
                    f"You do not own qualification type {type_id}: only its owner may read "
                    "the scores of its workers."
                )
            held = session.get_qualification(type_id, subject_id)
        if held is None:
            raise errors.QualificationDoesNotExist()
        return held

    def update_score(
        self, caller: str, type_id: str | None, subject_id: str | None, integer_value: int | None
    ) -> Qualification:
        """Only the owner, and only for a worker who holds the qualification (seed 000)."""
        require(QualificationTypeId=type_id, SubjectId=subject_id, IntegerValue=integer_value)
        assert (
            type_id is not None and subject_id is not None and integer_value is not None
        )  # require() refused None
        check_int("IntegerValue", integer_value)
        with self.store.write() as session:
            self._owned_type(session, caller, type_id)
            held = session.get_qualification(type_id, subject_id)
            if held is None:
                raise errors.QualificationDoesNotExist()
            if held.status != GRANTED:
                raise errors.InvalidQualificationState(
                    f"Worker {subject_id}'s qualification of type {type_id} is revoked;"
                    " grant it again before updating its score.",
                )
            held.integer_value = integer_value
            session.put_qualification(held)
            return held

    def list_qualifications(
        self,
        caller: str,
        type_id: str | None,
        status: str | None = None,
        page_number: int | None = None,
        page_size: int | None = None,
    ) -> Page[Qualification]:
        require(QualificationTypeId=type_id)
        assert type_id is not None  # require() refused None
        check_choice("Status", status, (GRANTED, REVOKED))
        number, offset, limit = paging(page_number, page_size)
        with self.store.read() as session:
            self._owned_type(session, caller, type_id)
            items, total = session.list_qualifications(type_id, status or GRANTED, offset, limit)
        return Page(items, total, number)

    # --- qualification requests -----------------------------------------------------

    def list_requests(
        self,
        caller: str,
        type_id: str | None = None,
        sort_property: str | None = None,
        sort_direction: str | None = None,
        page_number: int | None = None,
        page_size: int | None = None,
    ) -> Page[QualificationRequest]:
        check_choice("SortProperty", sort_property, tuple(REQUEST_SORT))
        descending = is_descending(sort_direction)
        number, offset, limit = paging(page_number, page_size)
        with self.store.read() as session:
            if type_id is not None:
                self._owned_type(session, caller, type_id)
            items, total = session.list_requests(
                owner=caller,
                type_id=type_id,
                status=PENDING,
                sort_by=REQUEST_SORT[sort_property or "SubmitTime"],
                descending=descending,
                offset=offset,
                limit=limit,
            )
        return Page(items, total, number)

    def grant_request(
        self, caller: str, request_id: str | None, integer_value: int | None = None
    ) -> Qualification:
        require(QualificationRequestId=request_id)
        assert request_id is not None  # require() refused None
        value = 1 if integer_value is None else integer_value
        check_int("IntegerValue", value)
        with self.store.write() as session:
            request = self._pending_request(session, caller, request_id)
            request.status = GRANTED
            session.put_request(request)
            return grant(
                session, request.type_id, request.subject_id, value, self.clock.now(session)
            )

    def reject_request(
        self, caller: str, request_id: str | None, reason: str | None = None
    ) -> None:
        require(QualificationRequestId=request_id)
        assert request_id is not None  # require() refused None
        with self.store.write() as session:
            request = self._pending_request(session, caller, request_id)
            request.status = REJECTED
            request.reason = reason
            session.put_request(request)
