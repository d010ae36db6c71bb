"""The qualification types the service supplied to every requester, declared as data.

Reference, "Qualification Type IDs" (legacy-api-reference-2014-08-15.txt, lines
9670-9760): Masters (one id in the sandbox, another in production),
Worker_NumberHITsApproved, Worker_Locale, Worker_Adult and
Worker_PercentAssignmentsApproved. Every worker has a value for each, which the
marketplace keeps; here a test sets it (control API, fixtures). Requesters read
them, search them (MustBeRequestable=false) and use them in requirements, but
cannot update or dispose them: they do not own them.

The ids are the vendor's; names follow the reference's table (the sandbox Masters
type gets its own name because names are unique per owner); descriptions and the
creation time are ours, the vendor's are not recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from soap_mturk.domain.errors import MTurkError
from soap_mturk.domain.model import (
    ACTIVE,
    GRANTED,
    SYSTEM_OWNER,
    Locale,
    Qualification,
    QualificationType,
)

INTEGER, LOCALE = "IntegerValue", "LocaleValue"
# Ours: the vendor's creation times are not recorded. The API version's date.
CREATED = datetime(2014, 8, 15, tzinfo=UTC)


if TYPE_CHECKING:  # the store implements the domain's port
    from soap_mturk.domain.ports import Session


@dataclass(frozen=True)
class SystemType:
    id: str
    name: str
    description: str
    value: str  # INTEGER or LOCALE: what a worker's qualification holds
    low: int = 0  # bounds of an integer value
    high: int = 2**31 - 1

    def as_type(self) -> QualificationType:
        return QualificationType(
            id=self.id,
            owner=SYSTEM_OWNER,
            name=self.name,
            creation_time=CREATED,
            description=self.description,
            status=ACTIVE,
        )

    def check_value(self, integer_value: int | None, locale: Locale | None) -> None:
        """A worker's value must be of the kind the type holds, within its bounds."""
        if self.value == LOCALE:
            if integer_value is not None or locale is None or not locale.country:
                raise MTurkError.invalid(
                    "LocaleValue", integer_value, f"{self.name} holds a LocaleValue with a Country"
                )
            return
        if locale is not None or integer_value is None:
            raise MTurkError.invalid("IntegerValue", None, f"{self.name} holds an IntegerValue")
        if not self.low <= integer_value <= self.high:
            raise MTurkError.out_of_range(self.name, integer_value, self.low, self.high)


SYSTEM_TYPES: dict[str, SystemType] = {
    t.id: t
    for t in (
        SystemType(
            "2F1QJWKUDD8XADTFD2Q0G6UTO95ALH",
            "Masters",
            "Workers who have shown superior performance across many HITs (production).",
            INTEGER,
        ),
        SystemType(
            "2ARFPLSP75KLA8M8DH1HTEQVJT3SY6",
            "Masters (Sandbox)",
            "Workers who have shown superior performance across many HITs (sandbox).",
            INTEGER,
        ),
        SystemType(
            "00000000000000000040",
            "Worker_NumberHITsApproved",
            "How many of the worker's submitted HITs were approved.",
            INTEGER,
        ),
        SystemType(
            "00000000000000000071",
            "Worker_Locale",
            "Where the worker lives, from the worker's mailing address.",
            LOCALE,
        ),
        SystemType(
            "00000000000000000060",
            "Worker_Adult",
            "1 if the worker is over 18 and agreed to see potentially offensive content.",
            INTEGER,
            0,
            1,
        ),
        SystemType(
            "000000000000000000L0",
            "Worker_PercentAssignmentsApproved",
            "The percentage of the worker's submitted assignments that were approved.",
            INTEGER,
            0,
            100,
        ),
    )
}


def install(session: Session) -> None:
    """Put the system's types in the store (idempotent): at start-up and after a reset."""
    for system_type in SYSTEM_TYPES.values():
        existing = session.get_type(system_type.id)
        if existing is None or existing != system_type.as_type():
            session.put_type(system_type.as_type())


def set_value(
    session: Session,
    worker_id: str,
    type_id: str,
    integer_value: int | None,
    locale: Locale | None,
    now: datetime,
) -> Qualification:
    """Set a worker's value for a system type, as the marketplace did: granted at
    `now` (emulator time) unless the worker already held it."""
    system_type = SYSTEM_TYPES.get(type_id)
    if system_type is None:
        raise MTurkError.invalid("QualificationTypeId", type_id, "not a system qualification type")
    system_type.check_value(integer_value, locale)
    held = session.get_qualification(type_id, worker_id)
    qualification = Qualification(
        type_id=type_id,
        subject_id=worker_id,
        grant_time=held.grant_time if held else now,
        integer_value=integer_value,
        locale=locale,
        status=GRANTED,
    )
    session.put_qualification(qualification)
    return qualification
