"""Entities of the qualification system, as plain data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, TypeVar

ACTIVE, INACTIVE = "Active", "Inactive"
GRANTED, REVOKED = "Granted", "Revoked"
PENDING, REJECTED = "Pending", "Rejected"  # qualification request states (GRANTED shared)
# The owner of the types the service supplies itself (see domain/system_types.py):
# no requester's access key, so no requester owns them.
SYSTEM_OWNER = "(Amazon Mechanical Turk)"


@dataclass(frozen=True)
class Locale:
    country: str | None = None
    subdivision: str | None = None


@dataclass
class QualificationType:
    id: str
    owner: str
    name: str
    creation_time: datetime
    description: str | None = None
    keywords: str | None = None
    status: str = ACTIVE
    test: str | None = None
    test_duration: int | None = None
    answer_key: str | None = None
    retry_delay: int | None = None
    auto_granted: bool = False
    auto_granted_value: int | None = None

    @property
    def is_requestable(self) -> bool:
        """Whether a worker can ask for it now (reference: QualificationType,
        IsRequestable; SearchQualificationTypes, MustBeRequestable). The system's own
        types are assigned by the system and never requestable; an Inactive type
        refuses requests (InvalidQualificationTypeState), so it is not requestable
        while inactive. Any other type is: the worker takes its test, is granted it
        at once, or waits for the owner (the vendor's samples show true for a type
        with neither test nor auto-grant). MustBeRequestable=true finds exactly
        the types this says true for."""
        return self.owner != SYSTEM_OWNER and self.status == ACTIVE

    @property
    def is_system(self) -> bool:
        return self.owner == SYSTEM_OWNER


@dataclass
class Qualification:
    type_id: str
    subject_id: str
    grant_time: datetime
    integer_value: int | None = None
    locale: Locale | None = None
    status: str = GRANTED


@dataclass
class QualificationRequest:
    id: str
    type_id: str
    subject_id: str
    submit_time: datetime
    test: str | None = None
    answer: str | None = None
    status: str = PENDING
    reason: str | None = None


T = TypeVar("T")


@dataclass
class Page(Generic[T]):
    items: list[T] = field(default_factory=list)
    total: int = 0
    number: int = 1
