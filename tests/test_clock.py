"""The emulator clock: wall-clock time by default, moved forward only on request,
kept in the store (shared by processes, surviving a restart), emptied by a reset,
and read by the qualification retry delay. Through the Python client, the CLI and
the store itself."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from soap_mturk.control.client import ControlClient, ControlError
from soap_mturk.domain.clock import Clock
from soap_mturk.store import open_store
from tests.worker_drivers import run_cli


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.fixture
def control(emulator):
    client = ControlClient(emulator.base_url)
    client.reset()
    return client


def test_emulator_time_is_wall_clock_time_until_moved(control):
    before = datetime.now(UTC)
    state = control.clock()
    assert state["OffsetSeconds"] == 0
    assert before - timedelta(seconds=1) <= _time(state["Now"]) <= datetime.now(UTC)


def test_advancing_moves_emulator_time_and_a_reset_brings_it_back(control):
    moved = control.advance_clock(3 * 24 * 3600)
    assert moved["OffsetSeconds"] == 3 * 24 * 3600
    assert _time(moved["Now"]) >= datetime.now(UTC) + timedelta(days=3) - timedelta(seconds=1)
    assert control.advance_clock(0.5)["OffsetSeconds"] == 3 * 24 * 3600 + 0.5
    control.reset()
    assert control.clock()["OffsetSeconds"] == 0


@pytest.mark.parametrize(
    "seconds,code",
    [(-1, "AWS.ParameterOutOfRange"), ("soon", "AWS.MechanicalTurk.InvalidParameterValue")],
)
def test_time_never_moves_back_and_moves_by_numbers_only(control, seconds, code):
    with pytest.raises(ControlError) as refused:
        control.advance_clock(seconds)
    assert (refused.value.status, refused.value.code) == (400, code)
    assert control.clock()["OffsetSeconds"] == 0


def test_the_offset_survives_a_restart_and_is_shared_by_stores_on_one_file(tmp_path):
    path = str(tmp_path / "clock.sqlite3")
    first, second = open_store(path), open_store(path)
    try:
        with first.write() as session:
            Clock(first).advance(session, 7200)
        assert Clock(second).offset_seconds() == 7200
    finally:
        first.close()
        second.close()
    reopened = open_store(path)
    try:
        assert Clock(reopened).offset_seconds() == 7200
        assert Clock(reopened).now() >= datetime.now(UTC) + timedelta(seconds=7199)
    finally:
        reopened.close()


def test_the_retry_delay_of_a_qualification_reads_the_emulator_clock(control):
    loaded = control.load(
        {
            "Requesters": [{"AccessKeyId": "AKIACLOCKOWNER", "SecretAccessKey": "s"}],
            "QualificationTypes": [
                {"Name": "Retry hourly", "RetryDelayInSeconds": 3600, "Description": "d"}
            ],
        }
    )
    (type_id,) = loaded["QualificationTypeIds"]
    control.request_qualification("A1CLOCKWORKER", type_id)
    with pytest.raises(ControlError) as refused:
        control.request_qualification("A1CLOCKWORKER", type_id)
    assert refused.value.code == "AWS.MechanicalTurk.QualificationTypeRetryDelayNotElapsed"
    control.advance_clock(3601)
    again = control.request_qualification("A1CLOCKWORKER", type_id)
    assert again["QualificationRequest"]["Status"] == "Pending"


def test_the_cli_prints_and_moves_the_clock(control, emulator):
    moved = run_cli("clock", "--advance", "90", "--url", emulator.base_url)
    assert moved.returncode == 0, moved.stderr
    assert '"OffsetSeconds": 90' in moved.stdout
    refused = run_cli("clock", "--advance", "-5", "--url", emulator.base_url)
    assert refused.returncode == 1
    assert "AWS.ParameterOutOfRange" in refused.stderr


def test_fixtures_and_system_type_grants_carry_emulator_time(control):
    """What a fixture leaves out (a type's CreationTime, a grant's or a request's
    time) and a system type's GrantTime happen now in emulator time, not on the
    wall clock."""
    control.advance_clock(5 * 24 * 3600)
    moved_now = _time(control.clock()["Now"])
    control.load(
        {
            "Requesters": [{"AccessKeyId": "AKIACLOCKFIXTURE", "SecretAccessKey": "s"}],
            "QualificationTypes": [
                {
                    "Name": "Loaded later",
                    "Description": "d",
                    "Qualifications": [{"SubjectId": "A1CLOCKHELD", "IntegerValue": 5}],
                    "QualificationRequests": [{"SubjectId": "A1CLOCKASKER"}],
                }
            ],
            "SystemQualifications": [
                {"SubjectId": "A1CLOCKSYS", "QualificationTypeId": "000000000000000000L0",
                 "IntegerValue": 97}
            ],
        }
    )  # fmt: skip
    granted = control.set_system_qualification("A1CLOCKLIVE", "00000000000000000040", 120)
    state = control.state()
    (loaded,) = [t for t in state["QualificationTypes"] if t["Name"] == "Loaded later"]
    times = {
        "type CreationTime": loaded["CreationTime"],
        "fixture GrantTime": _one(loaded, "Qualifications", "A1CLOCKHELD")["GrantTime"],
        "fixture SubmitTime": _one(loaded, "QualificationRequests", "A1CLOCKASKER")["SubmitTime"],
        "fixture system GrantTime": _system(state, "A1CLOCKSYS")["GrantTime"],
        "live system GrantTime": granted["Qualification"]["GrantTime"],
    }
    for what, text in times.items():
        assert _time(text) >= moved_now - timedelta(seconds=1), what
        assert _time(text) >= datetime.now(UTC) + timedelta(days=5) - timedelta(seconds=5), what


def _one(qualification_type: dict, table: str, worker_id: str) -> dict:
    (found,) = [row for row in qualification_type[table] if row["SubjectId"] == worker_id]
    return found


def _system(state: dict, worker_id: str) -> dict:
    (found,) = [
        q
        for t in state["SystemQualificationTypes"]
        for q in t["Qualifications"]
        if q["SubjectId"] == worker_id
    ]
    return found


def test_blocks_and_worker_messages_carry_emulator_time(control, emulator):
    from tests.conftest import served_client

    service = served_client(emulator, "2014-08-15").service
    control.advance_clock(3 * 24 * 3600)
    moved_now = _time(control.clock()["Now"])

    def call(operation, **request):
        answer = getattr(service, operation)(
            AWSAccessKeyId="AKIACLOCKBLOCKER", Timestamp=datetime.now(UTC),
            Signature="unchecked", Request=[request],
        )  # fmt: skip
        (result,) = answer[operation + "Result"]
        assert result.Request.IsValid == "True", result.Request.Errors

    call("BlockWorker", WorkerId="A1CLOCKBLOCKED", Reason="spam")
    call("NotifyWorkers", Subject="Hi", MessageText="Thanks", WorkerId=["A1CLOCKTOLD"])
    (block,) = [b for b in control.state()["WorkerBlocks"] if b["WorkerId"] == "A1CLOCKBLOCKED"]
    (message,) = control.messages("A1CLOCKTOLD")
    for what, text in (("BlockTime", block["BlockTime"]), ("SendTime", message["SendTime"])):
        assert _time(text) >= moved_now - timedelta(seconds=1), what
