"""What happens to HITs and assignments, as events others may subscribe to (the
notification engine): each names the HIT type, HIT, assignment and worker it is
about and when it happened, in emulator time.

The domain collects the events of one operation while its transaction runs and
publishes them once the transaction has committed, so a subscriber never hears of
something that was rolled back."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

log = logging.getLogger(__name__)

ASSIGNMENT_ACCEPTED = "AssignmentAccepted"
ASSIGNMENT_SUBMITTED = "AssignmentSubmitted"
ASSIGNMENT_RETURNED = "AssignmentReturned"
ASSIGNMENT_ABANDONED = "AssignmentAbandoned"
ASSIGNMENT_APPROVED = "AssignmentApproved"
ASSIGNMENT_REJECTED = "AssignmentRejected"
HIT_CREATED = "HITCreated"
HIT_EXTENDED = "HITExtended"
HIT_REVIEWABLE = "HITReviewable"
HIT_EXPIRED = "HITExpired"
HIT_DISPOSED = "HITDisposed"


@dataclass(frozen=True)
class Event:
    name: str
    time: datetime
    owner: str  # the requester whose HIT it is
    hit_type_id: str
    hit_id: str
    assignment_id: str | None = None
    worker_id: str | None = None


Subscriber = Callable[[Event], None]


class EventPublisher:
    """Subscribers are called in order, after the change is committed. A failing
    subscriber is logged; it neither undoes the change nor stops the others."""

    def __init__(self) -> None:
        self._subscribers: list[Subscriber] = []
        self._lock = threading.Lock()

    def subscribe(self, subscriber: Subscriber) -> None:
        with self._lock:
            self._subscribers.append(subscriber)

    def unsubscribe(self, subscriber: Subscriber) -> None:
        with self._lock:
            self._subscribers = [s for s in self._subscribers if s is not subscriber]

    def publish(self, events: list[Event]) -> None:
        with self._lock:
            subscribers = list(self._subscribers)
        for event in events:
            for subscriber in subscribers:
                try:
                    subscriber(event)
                except Exception:
                    log.exception("an event subscriber failed on %s", event.name)
