"""Scripted workers from the command line: `soap-mturk worker hits|preview|accept|
submit|return` against a running emulator, with the exit statuses of the other
commands (0 done, 1 refused with the vendor's code)."""

from __future__ import annotations

import json

import pytest

from tests.conftest import served_client
from tests.hit_support import QUESTION_FORM, answers, worker_id
from tests.test_hits_soap import MT, Requester
from tests.worker_drivers import run_cli


@pytest.fixture
def hit(emulator):
    return Requester(served_client(emulator, "2014-08-15").service).hit(MaxAssignments=2)


def cli(emulator, *args: str, stdin: str | None = None):
    return run_cli("worker", *args, "--url", emulator.base_url, stdin=stdin)


def test_a_worker_takes_a_hit_from_the_command_line(emulator, hit):
    worker = worker_id()
    listed = cli(emulator, "hits", worker)
    assert listed.returncode == 0, listed.stderr
    assert hit in {h["HITId"] for h in json.loads(listed.stdout)}
    preview = json.loads(cli(emulator, "preview", worker, hit).stdout)
    assert preview["Question"] == QUESTION_FORM
    accepted = cli(emulator, "accept", worker, hit)
    assignment = json.loads(accepted.stdout)["AssignmentId"]
    submitted = cli(emulator, "submit", worker, assignment, "--answer", "-", stdin=answers())
    assert json.loads(submitted.stdout)["AssignmentStatus"] == "Submitted"
    again = cli(emulator, "return", worker, assignment)
    assert again.returncode == 1
    assert f"{MT}InvalidAssignmentState" in again.stderr
    other = worker_id()
    held = json.loads(cli(emulator, "accept", other, hit).stdout)["AssignmentId"]
    assert json.loads(cli(emulator, "return", other, held).stdout)["AssignmentStatus"] == "Returned"
