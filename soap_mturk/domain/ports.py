"""The domain's port to persistence: the interface the domain and the server need
from a store, and nothing more. Implementations live in soap_mturk.store.

A `Store` hands out `Session`s: `read()` for a consistent snapshot, `write()` for a
serialised read-modify-write unit that is committed, durably, when the block exits
without error and rolled back otherwise. Any database with transactions (SQLite,
PostgreSQL) can implement it without the domain changing.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from soap_mturk.domain.model import (
    HIT,
    Assignment,
    BonusPayment,
    HITExtension,
    HITType,
    NotificationDelivery,
    NotificationSetting,
    Qualification,
    QualificationRequest,
    QualificationType,
    Requester,
    WorkerBlock,
    WorkerMessage,
)


@dataclass(frozen=True)
class TypeFilter:
    """Types of this owner and in this status (None: any). A search matches the
    types that pass any one of its filters; the domain decides which filters a
    caller gets (qualifications.visible_types)."""

    owner: str | None = None
    status: str | None = None
    not_owner: str | None = None  # and not of this owner (the system's types, say)


class Session(Protocol):
    # qualification types
    def get_type(self, type_id: str) -> QualificationType | None: ...
    def find_type_by_name(self, owner: str, name: str) -> QualificationType | None: ...
    def put_type(self, qtype: QualificationType) -> None:
        """Insert, or update the row with this id (never another row)."""

    def delete_type(self, type_id: str) -> None:
        """The type's row alone; what else goes with it is the domain's rule."""

    def search_types(
        self,
        *,
        any_of: list[TypeFilter],
        query: str | None,
        descending: bool,
        offset: int,
        limit: int,
    ) -> tuple[list[QualificationType], int]:
        """Types passing any of the filters, by name; `query` matches name,
        description or keywords, ignoring case."""

    # qualifications
    def get_qualification(self, type_id: str, subject_id: str) -> Qualification | None: ...
    def put_qualification(self, qualification: Qualification) -> None:
        """Insert, or update the row of this type and subject."""

    def delete_qualifications(self, type_id: str) -> None: ...
    def list_qualifications(
        self, type_id: str, status: str, offset: int, limit: int
    ) -> tuple[list[Qualification], int]: ...

    # qualification requests
    def get_request(self, request_id: str) -> QualificationRequest | None: ...
    def put_request(self, request: QualificationRequest) -> None: ...
    def list_requests(
        self,
        *,
        owner: str,
        type_id: str | None,
        status: str,
        sort_by: str,
        descending: bool,
        offset: int,
        limit: int,
    ) -> tuple[list[QualificationRequest], int]:
        """Requests in `status` for types owned by `owner` (optionally one type)."""

    def latest_request(self, type_id: str, subject_id: str) -> QualificationRequest | None: ...

    # requesters kept across restarts (never the configured ones)
    def kept_requesters(self) -> list[Requester]: ...
    def kept_requester(self, access_key: str) -> Requester | None:
        """The kept requester with this access key (what another process may have added)."""

    def keep_requester(self, requester: Requester) -> None: ...
    def forget_requesters(self, origin: str) -> None: ...

    # the requester's account: its balance (None until first written)
    def get_balance(self, requester: str) -> Decimal | None: ...
    def put_balance(self, requester: str, amount: Decimal) -> None: ...
    def all_balances(self) -> dict[str, Decimal]: ...

    # blocked workers and messages to workers
    def get_block(self, requester: str, worker_id: str) -> WorkerBlock | None: ...
    def put_block(self, block: WorkerBlock) -> None:
        """Insert, or update the block of this requester and worker."""

    def delete_block(self, requester: str, worker_id: str) -> None: ...
    def list_blocks(self, requester: str, offset: int, limit: int) -> tuple[list[WorkerBlock], int]:
        """The requester's blocks, oldest first."""

    def all_blocks(self) -> list[WorkerBlock]: ...

    # bonuses
    def put_bonus(self, payment: BonusPayment) -> None: ...
    def find_bonus_by_token(self, requester: str, token: str) -> BonusPayment | None:
        """The newest of the requester's bonuses granted with this UniqueRequestToken."""

    def list_bonuses(
        self,
        requester: str,
        *,
        hit_id: str | None,
        assignment_id: str | None,
        offset: int,
        limit: int,
    ) -> tuple[list[BonusPayment], int]:
        """The requester's bonuses for a HIT or an assignment, in the order granted."""

    # notifications: each HIT type's specification, and the messages (the deliverer's queue)
    def get_notification_setting(self, hit_type_id: str) -> NotificationSetting | None: ...
    def put_notification_setting(self, setting: NotificationSetting) -> None: ...
    def put_delivery(self, delivery: NotificationDelivery) -> None:
        """Insert, or update the delivery with this id."""

    def get_delivery(self, delivery_id: str) -> NotificationDelivery | None: ...
    def list_deliveries(self, status: str | None) -> list[NotificationDelivery]:
        """Deliveries in this status (None: all), oldest first."""

    def claim_delivery(self, now: datetime, hold_until: datetime) -> NotificationDelivery | None:
        """In a write session: the oldest Pending delivery whose next try is due at
        `now` (wall clock), its next try set to `hold_until` so that no other
        deliverer, in any process, takes it meanwhile."""

    def next_delivery_time(self) -> datetime | None:
        """When the soonest Pending delivery may be tried (datetime.min when one is
        due now), None when none is Pending."""

    def put_message(self, message: WorkerMessage) -> None: ...
    def list_messages(self, worker_id: str | None) -> list[WorkerMessage]:
        """Messages to this worker (None: to anyone), oldest first."""

    # HIT types, HITs and assignments (domain/hits.py)
    def get_hit_type(self, type_id: str) -> HITType | None: ...
    def find_hit_type_by_signature(self, signature: str) -> HITType | None: ...
    def put_hit_type(self, hit_type: HITType, signature: str) -> None: ...
    def list_hit_types(self, owner: str | None) -> list[HITType]:
        """One requester's HIT types, or everyone's (None), oldest first."""

    def get_hit(self, hit_id: str) -> HIT | None: ...
    def put_hit(self, hit: HIT) -> None: ...
    def find_hit_by_token(self, owner: str, token: str) -> HIT | None:
        """The newest of the owner's HITs created with this UniqueRequestToken."""

    def find_extension_by_token(self, owner: str, token: str) -> HITExtension | None:
        """The owner's last ExtendHIT made with this UniqueRequestToken."""

    def put_extension(self, extension: HITExtension) -> None:
        """Remember an ExtendHIT's token (replacing an earlier one of the owner's)."""

    def list_hits(self, owner: str | None) -> list[HIT]:
        """One requester's HITs, or everyone's (None), oldest first."""

    def hits_newly_expired(self, now: datetime) -> list[HIT]:
        """HITs whose expiration is at or before `now` and not yet announced."""

    def get_assignment(self, assignment_id: str) -> Assignment | None: ...
    def put_assignment(self, assignment: Assignment) -> None: ...
    def list_assignments(self, hit_ids: list[str] | None) -> list[Assignment]:
        """The assignments (every state) of these HITs, or of all (None)."""

    def assignments_due(self, now: datetime) -> list[Assignment]:
        """Accepted ones past their deadline, submitted ones past auto-approval."""

    def add_review_item(self, hit_id: str, level: str, kind: str, item: dict, at: datetime) -> None:
        """A review policy's result or action (kind "Result" or "Action") for a HIT,
        at level "Assignment" or "HIT"; item["ActionId"] is its id."""

    def list_review_items(self, hit_id: str) -> list[tuple[str, str, dict]]:
        """(level, kind, item) in the order they were added; actions carry CompleteTime."""

    # files workers uploaded for FileUploadAnswers, and the temporary links to them
    def put_uploaded_file(
        self, assignment_id: str, question_id: str, file_key: str, content: bytes
    ) -> None:
        """Insert, or replace the file of this assignment and question."""

    def uploaded_file_key(self, assignment_id: str, question_id: str) -> str | None: ...
    def put_file_link(self, token: str, file_key: str, expires: datetime) -> None: ...
    def linked_file(self, token: str) -> tuple[datetime, bytes] | None:
        """(the link's expiry, the file's content)."""

    # the emulator clock's offset from wall-clock time (domain/clock.py)
    def clock_offset_ms(self) -> int: ...
    def set_clock_offset_ms(self, offset_ms: int) -> None: ...

    # whole-store views and reset, for the emulator's control API and dashboard
    def all_types(self) -> list[QualificationType]: ...
    def all_qualifications(self) -> list[Qualification]: ...
    def all_requests(self, status: str) -> list[QualificationRequest]: ...
    def clear_all(self) -> None:
        """Empty the qualification tables; kept requesters stay (see forget_requesters)."""


class StoreUnusable(Exception):
    """The store cannot be opened as asked; the message is one line for the user."""


class Store(Protocol):
    path: str  # where the data lives (a file, ':memory:', a URL without password), as reported
    IntegrityError: type[Exception]  # what a write breaking a unique constraint raises

    def read(self) -> AbstractContextManager[Session]: ...
    def write(self) -> AbstractContextManager[Session]: ...
    def close(self) -> None: ...
