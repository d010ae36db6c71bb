"""Notifications delivered for real: SetHITTypeNotification and
SendTestEventNotification over REST, messages received by a real HTTP listener
on loopback (REST: GET with the vendor's parameters; SOAP: a Notify envelope),
their signatures verified with the requester's secret key, Email recorded, and a
destination that fails retried and reported through the control API."""

from __future__ import annotations

import base64
import hashlib
import hmac
import queue
import threading
import uuid
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import pytest
from lxml import etree

from soap_mturk.control.client import ControlClient
from soap_mturk.domain.model import NotificationDelivery
from soap_mturk.server.deliverer import Deliverer
from soap_mturk.store import open_store
from tests.conftest import STORE_KINDS, fresh_store_url
from tests.hit_support import QUESTION_FORM, Worker
from tests.rest_support import OTHER, OWNER, call, rest_emulator, vendor_signed

boto_notification = pytest.importorskip("boto.mturk.notification")


class Listener:
    """A real HTTP server on 127.0.0.1: every request it gets, in a queue. It answers
    with the statuses given (then 200)."""

    def __init__(self, statuses: tuple[int, ...] = ()):
        self.received: queue.Queue = queue.Queue()
        statuses_left = list(statuses)
        received = self.received

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                received.put((self.command, self.path, dict(self.headers), body))
                self.send_response(statuses_left.pop(0) if statuses_left else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST = _answer

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/mturk/notify"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def next(self):
        return self.received.get(timeout=15)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def listener():
    running = Listener()
    yield running
    running.close()


def signature_of(secret: str, timestamp: str) -> str:
    message = ("AWSMechanicalTurkRequesterNotification" + "Notify" + timestamp).encode()
    return base64.b64encode(hmac.new(secret.encode(), message, hashlib.sha1).digest()).decode()


def rest(running, operation: str, requester=OWNER, **params) -> etree._Element:
    status, _, root = call(running, vendor_signed(requester, operation, **params))
    assert status == 200
    return root


def spec(destination: str, transport: str = "REST", *events: str) -> dict:
    params = {
        "Notification.1.Destination": destination,
        "Notification.1.Transport": transport,
        "Notification.1.Version": "2006-05-05",
    }
    for n, event in enumerate(events, 1):
        params[f"Notification.1.EventType.{n}"] = event
    return params


def code_of(root: etree._Element) -> str | None:
    return root.findtext(".//Errors/Error/Code")


def new_hit_type(running) -> str:
    root = rest(
        running, "RegisterHITType", Title=f"n {uuid.uuid4()}", Description="d",
        AssignmentDurationInSeconds=3600,
        **{"Reward.1.Amount": "0.10", "Reward.1.CurrencyCode": "USD"},
    )  # fmt: skip
    return root.findtext("RegisterHITTypeResult/HITTypeId")


def settled(control: ControlClient, notification_id_of) -> dict:
    """The delivery once the deliverer is done with it (bounded; no sleeping)."""
    for _ in range(2000):
        found = [n for n in control.notifications() if notification_id_of(n)]
        if found and found[0]["Status"] != "Pending":
            return found[0]
    raise AssertionError("the delivery stayed Pending")


def test_a_submitted_assignment_is_notified_to_the_listener_signed(rest_emulator, listener):
    hit_type = new_hit_type(rest_emulator)
    answer = rest(
        rest_emulator, "SetHITTypeNotification", HITTypeId=hit_type,
        **spec(listener.url, "REST", "AssignmentSubmitted"),
    )  # fmt: skip
    assert answer.findtext("SetHITTypeNotificationResult/Request/IsValid") == "True"
    created = rest(
        rest_emulator, "CreateHIT", HITTypeId=hit_type, LifetimeInSeconds=3600,
        Question=QUESTION_FORM,
    )  # fmt: skip
    hit_id = created.findtext("HIT/HITId")
    control = ControlClient(rest_emulator.base_url)
    worker = Worker(control)
    assignment_id = worker.accept(hit_id)["AssignmentId"]  # not asked for: no message
    worker.submit(assignment_id)

    method, path, _, _ = listener.next()
    assert method == "GET" and urlsplit(path).path == "/mturk/notify"
    params = dict(parse_qsl(urlsplit(path).query))
    assert params["method"] == "Notify" and params["Version"] == "2006-05-05"
    assert params["Signature"] == signature_of(OWNER.secret_key, params["Timestamp"])
    assert params["Signature"] != signature_of(OTHER.secret_key, params["Timestamp"])
    assert (params["Event.1.EventType"], params["Event.1.HITTypeId"]) == (
        "AssignmentSubmitted",
        hit_type,
    )
    assert (params["Event.1.HITId"], params["Event.1.AssignmentId"]) == (hit_id, assignment_id)
    assert params["Event.1.EventTime"].endswith("Z")
    message = boto_notification.NotificationMessage(params)  # boto 2's own reader
    assert [e.event_type for e in message.events] == ["AssignmentSubmitted"]
    assert listener.received.empty()  # the accept was not asked for
    delivered = settled(control, lambda n: n["Events"][0].get("AssignmentId") == assignment_id)
    assert (delivered["Status"], delivered["Attempts"]) == ("Delivered", 1)


def test_an_inactive_notification_sends_nothing_until_active_again(rest_emulator, listener):
    hit_type = new_hit_type(rest_emulator)
    rest(rest_emulator, "SetHITTypeNotification", HITTypeId=hit_type,
         **spec(listener.url, "REST", "AssignmentAccepted"), Active="false")  # fmt: skip
    hit_id = rest(
        rest_emulator, "CreateHIT", HITTypeId=hit_type, LifetimeInSeconds=3600,
        Question=QUESTION_FORM, MaxAssignments=2,
    ).findtext("HIT/HITId")  # fmt: skip
    control = ControlClient(rest_emulator.base_url)
    Worker(control).accept(hit_id)
    rest(rest_emulator, "SetHITTypeNotification", HITTypeId=hit_type, Active="true")
    second = Worker(control).accept(hit_id)["AssignmentId"]
    _, path, _, _ = listener.next()
    assert dict(parse_qsl(urlsplit(path).query))["Event.1.AssignmentId"] == second
    assert listener.received.empty()


def test_send_test_event_over_soap_transport(rest_emulator, listener):
    root = rest(
        rest_emulator, "SendTestEventNotification", TestEventType="Ping",
        **spec(listener.url, "SOAP"),
    )  # fmt: skip
    assert root.findtext("SendTestEventNotificationResult/Request/IsValid") == "True"
    method, _, headers, body = listener.next()
    assert method == "POST" and headers["Content-Type"].startswith("text/xml")
    envelope = etree.fromstring(body)
    notify = envelope.find("{*}Body/{*}Notify")
    assert notify.findtext("{*}Event/{*}EventType") == "Ping"
    timestamp = notify.findtext("{*}Timestamp")
    assert notify.findtext("{*}Signature") == signature_of(OWNER.secret_key, timestamp)


def test_email_is_recorded_not_sent(rest_emulator):
    address = f"lab-{uuid.uuid4().hex[:8]}@example.com"
    root = rest(
        rest_emulator, "SendTestEventNotification", TestEventType="AssignmentSubmitted",
        **spec(address, "Email"),
    )  # fmt: skip
    assert root.findtext("SendTestEventNotificationResult/Request/IsValid") == "True"
    control = ControlClient(rest_emulator.base_url)
    (mail,) = [n for n in control.notifications() if n["Destination"] == address]
    assert (mail["Status"], mail["Transport"]) == ("Recorded", "Email")
    assert mail["Events"][0]["EventType"] == "AssignmentSubmitted"


def test_a_failing_destination_is_retried_then_reported():
    failing = Listener(statuses=(500, 503, 500))
    try:
        # its own emulator: the outcome is counted on a fresh store
        from soap_mturk.auth.requesters import RequesterRegistry
        from soap_mturk.auth.verify import SignatureVerifier
        from soap_mturk.server.app import EmulatorApp
        from soap_mturk.server.run import start_in_thread
        from soap_mturk.store import open_store

        store = open_store(":memory:")
        registry = RequesterRegistry([OWNER])
        running = start_in_thread(
            EmulatorApp(store, authenticator=SignatureVerifier(registry), requesters=registry)
        )
        try:
            rest(running, "SendTestEventNotification", TestEventType="Ping",
                 **spec(failing.url, "REST"))  # fmt: skip
            statuses = [failing.next() for _ in range(3)]
            assert len(statuses) == 3
            outcome = settled(ControlClient(running.base_url), lambda n: True)
            assert (outcome["Status"], outcome["Attempts"]) == ("Failed", 3)
            assert "HTTP 500" in outcome["LastError"]
        finally:
            running.stop()
            store.close()
    finally:
        failing.close()


@pytest.mark.parametrize(
    "operation,params,code",
    [
        ("SendTestEventNotification", {**spec("not a url", "REST"), "TestEventType": "Ping"},
         "AWS.MechanicalTurk.InvalidTransportEndpoint"),
        ("SendTestEventNotification", {**spec("nobody", "Email"), "TestEventType": "Ping"},
         "AWS.MechanicalTurk.InvalidTransportEndpoint"),
        ("SendTestEventNotification", {**spec("http://127.0.0.1:9/", "Carrier"),
         "TestEventType": "Ping"}, "AWS.MechanicalTurk.InvalidParameterValue"),
        ("SendTestEventNotification", spec("http://127.0.0.1:9/", "REST"),
         "AWS.MissingParameters"),
        ("SetHITTypeNotification", {"HITTypeId": "NOSUCHTYPE0000000000000000000A",
         **spec("http://127.0.0.1:9/", "REST", "HITExpired")},
         "AWS.MechanicalTurk.InvalidParameterValue"),
    ],
)  # fmt: skip
def test_notification_errors(rest_emulator, operation, params, code):
    assert code_of(rest(rest_emulator, operation, **params)) == code


def test_set_notification_rules_on_a_hit_type(rest_emulator):
    hit_type = new_hit_type(rest_emulator)
    url = "http://127.0.0.1:9/"
    assert code_of(rest(rest_emulator, "SetHITTypeNotification", HITTypeId=hit_type,
                        **spec(url, "REST", "Ping"))) == "AWS.MechanicalTurk.InvalidParameterValue"  # fmt: skip
    assert code_of(rest(rest_emulator, "SetHITTypeNotification", HITTypeId=hit_type,
                        **spec(url, "REST"))) == "AWS.MissingParameters"  # fmt: skip
    assert code_of(rest(rest_emulator, "SetHITTypeNotification", HITTypeId=hit_type,
                        Active="true")) == "AWS.MechanicalTurk.InvalidParameterValue"  # fmt: skip
    assert code_of(rest(rest_emulator, "SetHITTypeNotification", HITTypeId=hit_type)) == (
        "AWS.MissingParameters"
    )
    assert code_of(rest(rest_emulator, "SetHITTypeNotification", requester=OTHER,
                        HITTypeId=hit_type, **spec(url, "REST", "HITExpired"))) == (
        "AWS.MechanicalTurk.PermissionDeniedException"
    )  # fmt: skip


@pytest.mark.parametrize("kind", STORE_KINDS)
def test_deliverers_sharing_a_store_send_each_message_once(request, tmp_path, listener, kind):
    """`serve --workers N`: each process has a deliverer on the one store; a message
    is claimed in the store before it is sent, so it reaches the listener once."""
    url = fresh_store_url(request, kind, tmp_path / "shared.sqlite3")
    stores = [open_store(url), open_store(url)]  # as two processes would open it
    try:
        now = datetime.now(UTC)
        with stores[0].write() as session:
            for n in range(12):
                session.put_delivery(
                    NotificationDelivery(
                        id=f"D{n:02}", requester=OWNER.access_key, transport="REST",
                        destination=listener.url, version="2006-05-05",
                        events=[{"EventType": "Ping", "EventTime": "2026-01-01T00:00:00Z"}],
                        status="Pending", created_time=now,
                    )
                )  # fmt: skip
        deliverers = [Deliverer(store, lambda requester: "secret") for store in stores]
        threads = [threading.Thread(target=d.deliver_due) for d in deliverers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        sent = []
        while not listener.received.empty():
            _, path, _, _ = listener.received.get_nowait()
            sent.append(path)
        assert len(sent) == 12
        with stores[1].read() as session:
            outcomes = {(d.status, d.attempts) for d in session.list_deliveries(None)}
        assert outcomes == {("Delivered", 1)}
    finally:
        for store in stores:
            store.close()
