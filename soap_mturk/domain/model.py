"""Entities of the qualification system, as plain data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
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


# Where a requester came from. Configured ones (command line, credentials files) are
# read at every start and never stored; the development requester (made when none is
# configured) and those that fixtures add are kept in the store, so the types they
# own stay manageable after a restart.
CONFIGURED, DEVELOPMENT, FIXTURE = "configured", "development", "fixture"


@dataclass(frozen=True)
class Requester:
    access_key: str
    secret_key: str
    name: str | None = None
    origin: str = CONFIGURED
    # The account's balance when it is first used (None: the default, money.DEFAULT_BALANCE).
    balance: Decimal | None = None

    @property
    def development(self) -> bool:
        """Made up because none was configured: its secret is printed at start-up."""
        return self.origin == DEVELOPMENT

    def __repr__(self) -> str:  # never let a secret reach a log line
        return (
            f"Requester(access_key={self.access_key!r}, name={self.name!r}, origin={self.origin!r})"
        )


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


# --- HITs and assignments ---------------------------------------------------------

ASSIGNABLE, UNASSIGNABLE, REVIEWABLE, REVIEWING, DISPOSED = (
    "Assignable",
    "Unassignable",
    "Reviewable",
    "Reviewing",
    "Disposed",
)
NOT_REVIEWED = "NotReviewed"
# Assignment states. Accepted (a worker is on it), Returned and Abandoned are never
# answered to a requester: the vendor's AssignmentStatus has only the last three.
ACCEPTED, RETURNED, ABANDONED = "Accepted", "Returned", "Abandoned"
SUBMITTED, APPROVED = "Submitted", "Approved"  # REJECTED is shared with requests


@dataclass(frozen=True)
class Price:
    amount: Decimal
    currency_code: str = "USD"

    @property
    def formatted(self) -> str:
        """As the vendor wrote FormattedPrice: `$0.10` (captured get_hit.xml)."""
        if self.currency_code == "USD":
            return f"${self.amount:.2f}"
        return f"{self.amount:.2f} {self.currency_code}"


@dataclass(frozen=True)
class QualificationRequirement:
    type_id: str
    comparator: str
    integer_values: tuple[int, ...] = ()
    locale_values: tuple[Locale, ...] = ()
    required_to_preview: bool = False


@dataclass
class HITType:
    """The properties HITs share (RegisterHITType); one id per owner and properties."""

    id: str
    owner: str
    title: str
    description: str
    reward: Price
    assignment_duration: int
    auto_approval_delay: int
    creation_time: datetime
    keywords: str | None = None
    requirements: tuple[QualificationRequirement, ...] = ()


@dataclass
class HIT:
    id: str
    type_id: str
    owner: str
    creation_time: datetime
    expiration: datetime
    max_assignments: int
    question: str | None = None
    layout_id: str | None = None
    layout_parameters: tuple[tuple[str, str], ...] = ()
    requester_annotation: str | None = None
    unique_request_token: str | None = None
    assignment_review_policy: str | None = None  # the ReviewPolicy as JSON
    hit_review_policy: str | None = None
    review_status: str = NOT_REVIEWED
    reviewing: bool = False  # SetHITAsReviewing
    disposed: bool = False
    disabled: bool = False  # DisableHIT: work still in progress is approved on submission
    expiry_announced: bool = False  # HITExpired published
    reviewable_announced: bool = False  # HITReviewable published


@dataclass
class Assignment:
    id: str
    hit_id: str
    worker_id: str
    status: str
    accept_time: datetime
    deadline: datetime
    submit_time: datetime | None = None
    auto_approval_time: datetime | None = None
    approval_time: datetime | None = None
    rejection_time: datetime | None = None
    answer: str | None = None
    requester_feedback: str | None = None


@dataclass
class NotificationSetting:
    """A HIT type's notification specification (SetHITTypeNotification)."""

    hit_type_id: str
    owner: str
    destination: str
    transport: str
    version: str
    event_types: tuple[str, ...]
    active: bool = True


@dataclass
class NotificationDelivery:
    """One notification message and what became of it. REST and SOAP messages are
    sent over HTTP by the server's deliverer (Pending, then Delivered or Failed);
    Email and SQS messages are recorded, not sent (Recorded)."""

    id: str
    requester: str
    transport: str
    destination: str
    version: str
    events: list[dict]  # EventType, EventTime (text), HITTypeId, HITId, AssignmentId
    status: str
    created_time: datetime
    attempts: int = 0
    last_error: str | None = None
    updated_time: datetime | None = None
    # When the deliverer may next try it (wall clock); it holds the message while sending.
    next_try: datetime | None = None


@dataclass(frozen=True)
class HITExtension:
    """An ExtendHIT call made with a UniqueRequestToken, remembered so that a retry
    within the token's lifetime does not extend the HIT again."""

    owner: str
    token: str
    hit_id: str
    request_id: str  # the RequestId the first call was answered with
    time: datetime


@dataclass
class BonusPayment:
    """A bonus a requester paid a worker for an assignment (GrantBonus)."""

    id: str
    requester: str
    worker_id: str
    assignment_id: str
    hit_id: str
    amount: Decimal
    fee: Decimal
    reason: str
    grant_time: datetime
    unique_request_token: str | None = None
