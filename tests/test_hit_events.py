"""The events the HIT domain publishes for others (notifications, money): each
change once, after its transaction commits, in emulator time, naming the HIT type,
HIT, assignment and worker; time rules publish theirs when the clock moves."""

from __future__ import annotations

import pytest

from soap_mturk.control.client import ControlClient
from soap_mturk.domain import events as ev
from tests.conftest import served_client
from tests.hit_support import Worker
from tests.test_hits_soap import MT, Requester


@pytest.fixture
def heard(emulator):
    events: list = []
    publisher = emulator.app.domain.events
    publisher.subscribe(events.append)
    yield events
    publisher.unsubscribe(events.append)


@pytest.fixture
def control(emulator):
    client = ControlClient(emulator.base_url)
    yield client
    client.reset()  # the clock moves in these tests


def test_a_hits_life_as_events(emulator, heard, control):
    requester = Requester(served_client(emulator, "2014-08-15").service)
    hit_type = requester.hit_type(AssignmentDurationInSeconds=60, AutoApprovalDelayInSeconds=600)
    hit = requester.hit(hit_type, MaxAssignments=2, LifetimeInSeconds=300)
    done, idle = Worker(control), Worker(control)
    assignment = done.take(hit)
    idle_assignment = idle.accept(hit)["AssignmentId"]
    assert requester.error("DisposeHIT", HITId=hit) == MT + "InvalidHITState"  # rolled back
    control.advance_clock(301)  # the idle one is abandoned, the HIT expires
    control.advance_clock(600)  # the submitted one auto-approves
    mine = [(e.name, e.assignment_id, e.worker_id) for e in heard if e.hit_id == hit]
    assert mine == [
        (ev.HIT_CREATED, None, None),
        (ev.ASSIGNMENT_ACCEPTED, assignment, done.id),
        (ev.ASSIGNMENT_SUBMITTED, assignment, done.id),
        (ev.ASSIGNMENT_ACCEPTED, idle_assignment, idle.id),
        (ev.ASSIGNMENT_ABANDONED, idle_assignment, idle.id),
        (ev.HIT_EXPIRED, None, None),
        (ev.HIT_REVIEWABLE, None, None),
        (ev.ASSIGNMENT_APPROVED, assignment, done.id),
    ]
    by_name = {e.name: e for e in heard if e.hit_id == hit}
    assert {e.hit_type_id for e in heard if e.hit_id == hit} == {hit_type}
    assert {e.owner for e in heard if e.hit_id == hit} == {requester.key}
    accepted = by_name[ev.ASSIGNMENT_ACCEPTED]
    abandoned = by_name[ev.ASSIGNMENT_ABANDONED]
    assert (abandoned.time - accepted.time).total_seconds() == pytest.approx(60, abs=1)
    approved = by_name[ev.ASSIGNMENT_APPROVED]
    submitted = by_name[ev.ASSIGNMENT_SUBMITTED]
    assert (approved.time - submitted.time).total_seconds() == pytest.approx(600, abs=1)
