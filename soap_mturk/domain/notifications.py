"""Notifications: a HIT type's notification specification (SetHITTypeNotification),
test messages (SendTestEventNotification), and the messages the events of HITs
and assignments cause.

Rules (reference, "Notification" data structure and "The Notification API"):
Destination, Transport and Version are required; an EventType is required to set
a specification, and Ping is valid only for a test. A message carries one or more
events, each with EventType, EventTime, HITTypeId, HITId and, where there is one,
AssignmentId. The domain only records what is to be sent (NotificationDelivery,
in the store); the server's deliverer sends REST and SOAP messages over HTTP.
Email and SQS messages are recorded for the control API and dashboard: the
emulator sends no mail and has no queue service.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from soap_mturk.domain import errors
from soap_mturk.domain.errors import MTurkError
from soap_mturk.domain.events import Event
from soap_mturk.domain.identity import format_time, new_id
from soap_mturk.domain.model import NotificationDelivery, NotificationSetting
from soap_mturk.domain.qualifications import check_choice, require

if TYPE_CHECKING:
    from soap_mturk.domain.clock import Clock
    from soap_mturk.domain.ports import Store

TRANSPORTS = ("SOAP", "REST", "Email", "SQS")
SENT_OVER_HTTP = ("SOAP", "REST")
EVENT_TYPES = (
    "AssignmentAccepted",
    "AssignmentAbandoned",
    "AssignmentReturned",
    "AssignmentSubmitted",
    "AssignmentRejected",
    "AssignmentApproved",
    "HITCreated",
    "HITExpired",
    "HITReviewable",
    "HITExtended",
    "HITDisposed",
    "Ping",
)
PENDING, DELIVERED, FAILED, RECORDED = "Pending", "Delivered", "Failed", "Recorded"
MAX_DESTINATION = 1024
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def check_specification(spec: dict | None, for_test: bool) -> NotificationSetting:
    """A Notification structure, checked; Ping is for tests alone."""
    if not spec:
        raise MTurkError.missing("Notification")
    destination, transport = spec.get("Destination"), spec.get("Transport")
    version, event_types = spec.get("Version"), list(spec.get("EventType") or [])
    require(
        **{
            "Notification.Destination": destination,
            "Notification.Transport": transport,
            "Notification.Version": version,
        }
    )
    check_choice("Notification.Transport", transport, TRANSPORTS)
    for event_type in event_types:
        check_choice("Notification.EventType", event_type, EVENT_TYPES)
    if not for_test:
        if not event_types:
            raise MTurkError.missing("Notification.EventType")
        if "Ping" in event_types:
            raise MTurkError.invalid(
                "Notification.EventType", "Ping", "Ping is valid only for SendTestEventNotification"
            )
    check_destination(transport, destination)
    return NotificationSetting("", "", destination, transport, version, tuple(event_types))


def check_destination(transport: str, destination: str) -> None:
    """An HTTP(S) URL for REST, SOAP and SQS, an email address for Email; otherwise
    the code the vendor's SDKs map to InvalidTransportEndpointException
    (tc/java-aws-mturk)."""
    ok = len(destination) <= MAX_DESTINATION
    if transport == "Email":
        ok = ok and bool(_EMAIL.match(destination))
    else:
        parts = urlsplit(destination)
        ok = ok and parts.scheme in ("http", "https") and bool(parts.hostname)
    if not ok:
        raise errors.InvalidTransportEndpoint(
            f"{destination!r} is not a valid {transport} destination"
            + (": an email address is needed." if transport == "Email" else ": a URL is needed.")
        )


def event_fields(
    event_type: str, time, hit_type_id: str, hit_id: str, assignment_id: str | None
) -> dict:
    fields = {
        "EventType": event_type,
        "EventTime": format_time(time).split(".")[0] + "Z",  # whole seconds, as documented
        "HITTypeId": hit_type_id,
        "HITId": hit_id,
    }
    if assignment_id:
        fields["AssignmentId"] = assignment_id
    return fields


class Notifications:
    def __init__(self, store: Store, clock: Clock, wake: Callable[[], None] | None = None):
        self.store = store
        self.clock = clock
        # Called after a message to send over HTTP is stored: the server's deliverer.
        self.wake = wake or (lambda: None)

    def set_for_hit_type(
        self, caller: str, hit_type_id: str | None, spec: dict | None, active: bool | None
    ) -> None:
        require(HITTypeId=hit_type_id)
        if spec is None and active is None:
            raise MTurkError.missing("Notification", "Active")
        setting = check_specification(spec, for_test=False) if spec is not None else None
        with self.store.write() as session:
            hit_type = session.get_hit_type(hit_type_id)
            if hit_type is None:
                raise errors.InvalidParameterValue(f"HIT type {hit_type_id} does not exist.")
            if hit_type.owner != caller:
                raise errors.PermissionDenied(
                    f"HIT type {hit_type_id} belongs to another requester."
                )
            current = session.get_notification_setting(hit_type_id)
            if setting is None:
                if current is None:
                    raise MTurkError.invalid(
                        "Active", active, f"HIT type {hit_type_id} has no notification to switch"
                    )
                setting = replace(current, active=active)
            else:
                setting = replace(
                    setting,
                    hit_type_id=hit_type_id,
                    owner=caller,
                    active=True if active is None else active,
                )
            session.put_notification_setting(setting)

    def send_test(self, caller: str, spec: dict | None, test_event_type: str | None) -> None:
        setting = check_specification(spec, for_test=True)
        require(TestEventType=test_event_type)
        check_choice("TestEventType", test_event_type, EVENT_TYPES)
        with self.store.write() as session:
            now = self.clock.now(session)
            event = event_fields(test_event_type, now, new_id(30), new_id(30), new_id(30))
            self._enqueue(session, caller, setting, [event], now)
        self.wake()

    def on_event(self, event: Event) -> None:
        """An event subscriber: a message for the HIT type's active specification when
        it names this event type."""
        with self.store.write() as session:
            setting = session.get_notification_setting(event.hit_type_id)
            if setting is None or not setting.active or event.name not in setting.event_types:
                return
            fields = event_fields(
                event.name, event.time, event.hit_type_id, event.hit_id, event.assignment_id
            )
            delivery = self._enqueue(
                session, setting.owner, setting, [fields], self.clock.now(session)
            )
        if delivery.status == PENDING:
            self.wake()

    @staticmethod
    def _enqueue(session, requester: str, setting, events: list[dict], now) -> NotificationDelivery:
        delivery = NotificationDelivery(
            id=new_id(30),
            requester=requester,
            transport=setting.transport,
            destination=setting.destination,
            version=setting.version,
            events=events,
            status=PENDING if setting.transport in SENT_OVER_HTTP else RECORDED,
            created_time=now,
            updated_time=now,
        )
        session.put_delivery(delivery)
        return delivery

    def deliveries(self, status: str | None = None) -> list[NotificationDelivery]:
        with self.store.read() as session:
            return session.list_deliveries(status)
