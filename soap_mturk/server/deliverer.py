"""The notification deliverer: a background thread that sends the REST and SOAP
notification messages the domain queued in the store (NotificationDelivery rows
in status Pending), never in the thread of the operation that caused them.

A message is tried up to MAX_ATTEMPTS times, RETRY_DELAYS apart (wall-clock
seconds: delivery is I/O, not an emulator rule); then it is Failed, with its last
error, for the control API to show. Rows still Pending when the server stops are
tried again when it starts. The queue and its retry times are in the store, and a
message is claimed before it is sent, so `serve --workers N` sends each once.

What is sent (boto 2's boto/mturk/notification.py reads and verifies it):
REST: an HTTP GET of the destination with method=Notify, Version, Timestamp,
Signature and Event.N.EventType / EventTime / HITTypeId / HITId / AssignmentId;
Signature = Base64(HMAC-SHA1(secret key of the HIT type's requester,
"AWSMechanicalTurkRequesterNotification" + "Notify" + Timestamp)).
SOAP: a POST of a SOAP 1.1 envelope whose body is a Notify element holding the
same values (Signature, Timestamp, Version, then one Event element per event).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from xml.sax.saxutils import escape

from soap_mturk.domain.model import NotificationDelivery
from soap_mturk.domain.notifications import DELIVERED, FAILED, PENDING
from soap_mturk.domain.ports import Store

log = logging.getLogger(__name__)

SERVICE, OPERATION = "AWSMechanicalTurkRequesterNotification", "Notify"
MAX_ATTEMPTS = 3
RETRY_DELAYS = (0.2, 1.0)
TIMEOUT = 5.0
# How long a claimed message is held by the deliverer sending it: past the longest
# send, so only a deliverer whose process died leaves it to another.
HOLD_SECONDS = 4 * TIMEOUT
# How often an idle deliverer looks at the store: messages another process queued
# and left (it stopped, or died holding one) are sent within this.
POLL_SECONDS = 5.0
# Never through a proxy from the environment: destinations are the user's own.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def notification_signature(secret_key: str, timestamp: str) -> str:
    mac = hmac.new(secret_key.encode(), (SERVICE + OPERATION + timestamp).encode(), hashlib.sha1)
    return base64.b64encode(mac.digest()).decode()


def rest_parameters(delivery: NotificationDelivery, secret_key: str, timestamp: str) -> dict:
    params = {
        "method": OPERATION,
        "Signature": notification_signature(secret_key, timestamp),
        "Timestamp": timestamp,
        "Version": delivery.version,
    }
    for n, event in enumerate(delivery.events, 1):
        for name, value in event.items():
            params[f"Event.{n}.{name}"] = value
    return params


def soap_body(delivery: NotificationDelivery, secret_key: str, timestamp: str) -> bytes:
    events = "".join(
        "<Event>" + "".join(f"<{k}>{escape(v)}</{k}>" for k, v in event.items()) + "</Event>"
        for event in delivery.events
    )
    namespace = "http://requester.mturk.amazonaws.com/doc/" + escape(delivery.version)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">'
        f'<soapenv:Body><Notify xmlns="{namespace}">'
        f"<Signature>{notification_signature(secret_key, timestamp)}</Signature>"
        f"<Timestamp>{timestamp}</Timestamp><Version>{escape(delivery.version)}</Version>"
        f"{events}</Notify></soapenv:Body></soapenv:Envelope>"
    ).encode()


class Deliverer:
    def __init__(self, store: Store, secret_for: Callable[[str], str | None]):
        self.store = store
        self.secret_for = secret_for
        self._wakeup = threading.Event()
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._run, name="notification-deliverer", daemon=True
            )
            self._thread.start()

    def wake(self) -> None:
        self._wakeup.set()

    def stop(self) -> None:
        self._stopped.set()
        self._wakeup.set()
        if self._thread is not None:
            self._thread.join(timeout=TIMEOUT + 1)

    def _run(self) -> None:
        while not self._stopped.is_set():
            self._wakeup.clear()
            wait = None
            try:
                wait = self.deliver_due()
            except Exception:  # the deliverer must outlive any one failure
                log.exception("notification delivery failed")
                wait = 1.0
            self._wakeup.wait(timeout=wait)

    def deliver_due(self) -> float | None:
        """Send every Pending message that is due; the seconds until the next is.

        Each message is claimed in a write transaction first (its next try moved
        past the time a send can take), so the deliverers of several `--workers`
        processes sharing the store never send one message twice; the retry
        schedule lives in the store too, so whichever process is free retries."""
        while not self._stopped.is_set():
            with self.store.read() as session:
                due = session.next_delivery_time()
            if due is None:
                return POLL_SECONDS
            wait = (due - datetime.now(UTC)).total_seconds()
            if wait > 0:
                return min(wait, POLL_SECONDS)
            now = datetime.now(UTC)
            with self.store.write() as session:
                delivery = session.claim_delivery(now, now + timedelta(seconds=HOLD_SECONDS))
            if delivery is not None:
                self._deliver(delivery)
        return None

    def _deliver(self, delivery: NotificationDelivery) -> None:
        error = self._send(delivery)
        attempts = delivery.attempts + 1
        next_try = None
        if error is None:
            status = DELIVERED
        elif attempts >= MAX_ATTEMPTS:
            status = FAILED
        else:
            status = PENDING
            delay = RETRY_DELAYS[min(attempts, len(RETRY_DELAYS)) - 1]
            next_try = datetime.now(UTC) + timedelta(seconds=delay)
        with self.store.write() as session:
            session.put_delivery(
                replace(
                    delivery,
                    status=status,
                    attempts=attempts,
                    last_error=error,
                    updated_time=datetime.now(UTC),
                    next_try=next_try,
                )
            )

    def _send(self, delivery: NotificationDelivery) -> str | None:
        """None when the destination answered 2xx, else what went wrong."""
        secret = self.secret_for(delivery.requester) or ""
        timestamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        if delivery.transport == "REST":
            query = urllib.parse.urlencode(rest_parameters(delivery, secret, timestamp))
            separator = "&" if urllib.parse.urlsplit(delivery.destination).query else "?"
            request = urllib.request.Request(delivery.destination + separator + query)
        else:
            request = urllib.request.Request(
                delivery.destination,
                data=soap_body(delivery, secret, timestamp),
                headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'},
            )
        try:
            with _OPENER.open(request, timeout=TIMEOUT) as response:
                response.read()
                return None
        except urllib.error.HTTPError as error:
            return f"HTTP {error.code} from {delivery.destination}"
        except (OSError, ValueError) as error:
            return f"{type(error).__name__}: {error}"
