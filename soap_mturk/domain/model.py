"""Entities of the qualification system, as plain data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, TypeVar

ACTIVE, INACTIVE = "Active", "Inactive"
GRANTED, REVOKED = "Granted", "Revoked"
PENDING, REJECTED = "Pending", "Rejected"  # qualification request states (GRANTED shared)


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
        # Workers may request any type a requester made: they take its test, are
        # granted it at once, or wait for the owner to grant the request. Only the
        # system's own types (worker statistics, locale, masters) are not, and the
        # vendor's samples show IsRequestable true for a type with neither test nor
        # auto-grant.
        return True


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


# --- the requester's account and its workers ------------------------------------------


@dataclass
class WorkerBlock:
    """A worker the requester blocked from its HITs."""

    requester: str
    worker_id: str
    reason: str
    block_time: datetime


@dataclass
class WorkerMessage:
    """A message NotifyWorkers sent: what the worker finds in its inbox."""

    id: str
    requester: str
    worker_id: str
    subject: str
    text: str
    send_time: datetime
