"""Seeding the store from a fixture, and emptying it: what a test suite needs
before each test. A fixture is loaded in one transaction, so it loads whole or not
at all, and its types obey the same rules as types created over the API."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from soap_mturk.domain import errors, system_types
from soap_mturk.domain.answer_key import parse_answers
from soap_mturk.domain.clock import Clock
from soap_mturk.domain.errors import MTurkError
from soap_mturk.domain.identity import new_id
from soap_mturk.domain.model import (
    FIXTURE,
    GRANTED,
    PENDING,
    REVOKED,
    Locale,
    Qualification,
    QualificationRequest,
    QualificationType,
    Requester,
)
from soap_mturk.domain.qualifications import (
    check_choice,
    check_int,
    require,
    validate_type,
)
from soap_mturk.domain.workers import check_worker_id

if TYPE_CHECKING:  # the store depends on the domain's entities, not the other way
    from soap_mturk.domain.ports import Session, Store


# A fixture's type without a CreationTime is created when the fixture loads, in
# emulator time; the fixture reader cannot know that time, so it leaves this mark.
AT_LOAD = datetime.min.replace(tzinfo=UTC)


@dataclass
class SeedQualification:
    worker_id: str
    integer_value: int | None = None
    locale: Locale | None = None
    status: str = GRANTED
    grant_time: datetime | None = None


@dataclass
class SeedRequest:
    worker_id: str
    answer: str | None = None
    submit_time: datetime | None = None
    request_id: str | None = None


@dataclass
class SeedSystemValue:
    """A worker's value for one of the system's qualification types."""

    worker_id: str
    type_id: str
    integer_value: int | None = None
    locale: Locale | None = None


@dataclass
class SeedType:
    qtype: QualificationType
    qualifications: list[SeedQualification] = field(default_factory=list)
    requests: list[SeedRequest] = field(default_factory=list)


@dataclass
class Seeded:
    qualification_types: int = 0
    qualifications: int = 0
    qualification_requests: int = 0
    system_qualifications: int = 0


class Seeder:
    def __init__(self, store: Store, clock: Clock | None = None):
        self.store = store
        self.clock = clock or Clock(store)

    def reset(self) -> None:
        """Empty the store and forget the requesters fixtures added, in one transaction."""
        with self.store.write() as session:
            session.clear_all()
            session.forget_requesters(FIXTURE)
            system_types.install(session)  # the service's own types are always there

    def load(
        self,
        seeds: list[SeedType],
        system_values: Iterable[SeedSystemValue] = (),
        requesters: Iterable[Requester] = (),
    ) -> Seeded:
        """Keep `requesters` (a fixture's own), set `system_values` and load `seeds`,
        all or nothing."""
        seeded = Seeded()
        with self.store.write() as session:
            now = self.clock.now(session)  # what a fixture leaves out happens now
            for requester in requesters:
                session.keep_requester(requester)
            for value in system_values:
                check_worker_id(value.worker_id)
                system_types.set_value(
                    session, value.worker_id, value.type_id, value.integer_value, value.locale, now
                )
                seeded.system_qualifications += 1
            for seed in seeds:
                qtype = seed.qtype
                if qtype.creation_time == AT_LOAD:
                    qtype.creation_time = now
                # CreateQualificationType's own checks: what it requires, then the rules.
                require(
                    Name=qtype.name,
                    Description=qtype.description,
                    QualificationTypeStatus=qtype.status,
                )
                if qtype.auto_granted and qtype.auto_granted_value is None:
                    qtype.auto_granted_value = 1
                validate_type(qtype)
                if session.get_type(qtype.id) is not None:
                    raise errors.QualificationTypeAlreadyExists(
                        f"A qualification type with id {qtype.id} already exists.",
                    )
                if session.find_type_by_name(qtype.owner, qtype.name) is not None:
                    raise errors.QualificationTypeAlreadyExists(
                        f"{qtype.owner} already has a qualification type named {qtype.name!r}.",
                    )
                session.put_type(qtype)
                seeded.qualification_types += 1
                for held in seed.qualifications:
                    session.put_qualification(self._qualification(session, qtype, held, now))
                    seeded.qualifications += 1
                for pending in seed.requests:
                    session.put_request(self._request(session, qtype, pending, now))
                    seeded.qualification_requests += 1
        return seeded

    @staticmethod
    def _qualification(
        session: Session, qtype: QualificationType, held: SeedQualification, now: datetime
    ) -> Qualification:
        check_worker_id(held.worker_id)
        check_int("IntegerValue", held.integer_value)
        check_choice("Status", held.status, (GRANTED, REVOKED))
        if held.integer_value is not None and held.locale is not None:
            raise MTurkError.invalid(
                "Qualification", held.worker_id, "give an IntegerValue or a LocaleValue, not both"
            )
        if session.get_qualification(qtype.id, held.worker_id) is not None:
            raise errors.QualificationAlreadyExists(
                f"Worker {held.worker_id} appears twice under qualification type {qtype.id}.",
            )
        value = held.integer_value
        if value is None and held.locale is None:
            value = 1  # as AssignQualification defaults
        return Qualification(
            type_id=qtype.id,
            subject_id=held.worker_id,
            grant_time=held.grant_time or now,
            integer_value=value,
            locale=held.locale,
            status=held.status,
        )

    @staticmethod
    def _request(
        session: Session, qtype: QualificationType, pending: SeedRequest, now: datetime
    ) -> QualificationRequest:
        check_worker_id(pending.worker_id)
        if pending.answer is not None:
            parse_answers(pending.answer)
        request_id = pending.request_id or new_id(40)
        if session.get_request(request_id) is not None:
            raise MTurkError.invalid("QualificationRequestId", request_id, "already used")
        return QualificationRequest(
            id=request_id,
            type_id=qtype.id,
            subject_id=pending.worker_id,
            submit_time=pending.submit_time or now,
            test=qtype.test,
            answer=pending.answer,
            status=PENDING,
        )
