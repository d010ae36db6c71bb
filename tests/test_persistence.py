"""State outlives the process, and concurrent writers lose nothing.

The restart test runs the real command (`soap-mturk serve --port 0 --db FILE`),
stops it with SIGTERM, and starts it again on the same file."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import zeep

from soap_mturk.domain import errors
from tests.conftest import ALL_OPERATION_VERSIONS, served_client
from tests.lifecycle_support import QUESTION_FORM, Caller, file_request, new_key, unique

LISTENING = re.compile(r"listening on (http://\S+)")
STARTUP_LINES = 50


class Served:
    """`soap-mturk serve` in a child process."""

    def __init__(self, db: Path):
        self.process = subprocess.Popen(
            # Signing is tested elsewhere; here the access key is the identity.
            [
                sys.executable,
                "-m",
                "soap_mturk",
                "serve",
                "--port",
                "0",
                "--db",
                str(db),
                "--auth",
                "off",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self.base_url = None
        self.banner = []
        for _ in range(STARTUP_LINES):
            line = self.process.stdout.readline()
            if not line:
                break
            self.banner.append(line)
            match = LISTENING.search(line)
            if match:
                self.base_url = match.group(1)
            if line.startswith("Press Ctrl+C"):
                break
        if self.base_url is None:
            self.process.kill()
            pytest.fail(
                "the server printed no URL:\n" + "".join(self.banner) + self.process.stderr.read()
            )

    def client(self, date: str) -> zeep.Client:
        path = f"/AWSMechanicalTurk/{date}/AWSMechanicalTurkRequester.wsdl"
        return zeep.Client(self.base_url + path)

    def stop(self) -> tuple[int, str]:
        self.process.send_signal(signal.SIGTERM)
        out, err = self.process.communicate(timeout=30)
        return self.process.returncode, out + err


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "persist.sqlite3"


def test_state_survives_sigterm_and_restart(db):
    owner = new_key("owner")
    first = Served(db)
    try:
        caller = Caller(first.client(ALL_OPERATION_VERSIONS[0].date).service, owner)
        type_id = caller.new_type(Name=unique("Persisted"), Keywords="kept")
        caller.assign(type_id, "AWORKERKEPT", 10)
        caller.ok(
            "UpdateQualificationScore",
            QualificationTypeId=type_id,
            SubjectId="AWORKERKEPT",
            IntegerValue=70,
        )
        caller.assign(type_id, "AWORKERGONE", 3)
        caller.ok("RevokeQualification", SubjectId="AWORKERGONE", QualificationTypeId=type_id)
        granted_at = caller.score(type_id, "AWORKERKEPT").GrantTime
    finally:
        code, output = first.stop()
    assert code == 0, output
    assert "soap-mturk stopped." in output
    assert "Traceback" not in output

    second = Served(db)
    try:
        # Read back through the other namespace, by the owner (who alone reads scores).
        reader = Caller(second.client(ALL_OPERATION_VERSIONS[-1].date).service, owner)
        kept = reader.score(type_id, "AWORKERKEPT")
        assert (kept.IntegerValue, kept.Status, kept.GrantTime) == (70, "Granted", granted_at)
        assert reader.score(type_id, "AWORKERGONE").Status == "Revoked"
        read = reader.ok("GetQualificationType", QualificationTypeId=type_id)
        assert read.Keywords == "kept"
        # The name is still taken for its owner.
        owner_again = Caller(second.client(ALL_OPERATION_VERSIONS[0].date).service, owner)
        dup = owner_again.one(
            "CreateQualificationType",
            Name=read.Name,
            Description="d",
            QualificationTypeStatus="Active",
        )
        assert dup.Request.IsValid == "False"
    finally:
        code, output = second.stop()
    assert code == 0, output


THREADS, WORKERS_PER_THREAD = 8, 6


def test_concurrent_writes_and_reads_on_distinct_workers(emulator):
    owner = new_key("busy")
    setup = Caller(served_client(emulator, ALL_OPERATION_VERSIONS[0].date).service, owner)
    type_id = setup.new_type()
    failures: list[str] = []
    lock = threading.Lock()

    def work(thread: int) -> dict[str, int]:
        caller = Caller(
            served_client(emulator, ALL_OPERATION_VERSIONS[thread % 2].date).service, owner
        )
        acknowledged = {}
        for n in range(WORKERS_PER_THREAD):
            worker = f"AWORKER{thread}X{n}"
            steps = [
                caller.one(
                    "AssignQualification",
                    QualificationTypeId=type_id,
                    WorkerId=worker,
                    IntegerValue=n,
                ),
                caller.one(
                    "UpdateQualificationScore",
                    QualificationTypeId=type_id,
                    SubjectId=worker,
                    IntegerValue=1000 * thread + n,
                ),
            ]
            read = caller.score(type_id, worker)
            steps.append(read)
            bad = [s for s in steps if s.Request.IsValid != "True"]
            if bad or read.IntegerValue != 1000 * thread + n:
                with lock:
                    failures.append(f"{worker}: {bad or read.IntegerValue}")
            else:
                acknowledged[worker] = 1000 * thread + n
        return acknowledged

    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(work, range(THREADS)))
    assert failures == []
    written = {w: v for r in results for w, v in r.items()}
    assert len(written) == THREADS * WORKERS_PER_THREAD

    listing = setup.ok(
        "GetQualificationsForQualificationType", QualificationTypeId=type_id, PageSize=100
    )
    assert listing.TotalNumResults == len(written)
    assert {q.SubjectId: q.IntegerValue for q in listing.Qualification} == written


def test_concurrent_grants_of_one_request_grant_it_once(emulator):
    owner = new_key("race")
    setup = Caller(served_client(emulator, ALL_OPERATION_VERSIONS[0].date).service, owner)
    type_id = setup.new_type()
    request_id = file_request(emulator.app.store, type_id, "AWORKERRACE")

    def grant(value: int) -> str:
        caller = Caller(served_client(emulator, ALL_OPERATION_VERSIONS[0].date).service, owner)
        return caller.one(
            "GrantQualification", QualificationRequestId=request_id, IntegerValue=value
        ).Request.IsValid

    with ThreadPoolExecutor(THREADS) as pool:
        outcomes = list(pool.map(grant, range(THREADS)))
    assert sorted(outcomes) == ["False"] * (THREADS - 1) + ["True"]
    winner = outcomes.index("True")
    assert setup.score(type_id, "AWORKERRACE").IntegerValue == winner


def test_concurrent_assigns_of_one_worker_and_creates_of_one_name_succeed_once(emulator):
    owner = new_key("twins")
    setup = Caller(served_client(emulator, ALL_OPERATION_VERSIONS[0].date).service, owner)
    type_id = setup.new_type()
    name = unique("Contended")

    def both(value: int) -> tuple[list[str], list[str]]:
        caller = Caller(
            served_client(emulator, ALL_OPERATION_VERSIONS[value % 2].date).service, owner
        )
        assigned = caller.one(
            "AssignQualification",
            QualificationTypeId=type_id,
            WorkerId="AWORKERTWIN",
            IntegerValue=value,
        )
        created = caller.one(
            "CreateQualificationType", Name=name, Description="d", QualificationTypeStatus="Active"
        )
        return [assigned.Request.IsValid, created.Request.IsValid], [
            e.Code
            for r in (assigned, created)
            for e in (r.Request.Errors.Error if r.Request.Errors else [])
        ]

    with ThreadPoolExecutor(THREADS) as pool:
        outcomes = list(pool.map(both, range(THREADS)))
    assert sorted(o[0][0] for o in outcomes) == ["False"] * (THREADS - 1) + ["True"]
    assert sorted(o[0][1] for o in outcomes) == ["False"] * (THREADS - 1) + ["True"]
    assert {code for _, errors in outcomes for code in errors} == {
        errors.QualificationAlreadyExists.code,
        errors.QualificationTypeAlreadyExists.code,
    }
    winner = [o[0][0] for o in outcomes].index("True")
    assert setup.score(type_id, "AWORKERTWIN").IntegerValue == winner


def test_concurrent_creates_with_tests_each_get_their_own_answer(emulator):
    owner = new_key("tests")

    def create(n: int) -> tuple[str, list[str]]:
        caller = Caller(served_client(emulator, ALL_OPERATION_VERSIONS[0].date).service, owner)
        outcomes = []
        for round_ in range(4):
            broken = (n + round_) % 2 == 1
            test = QUESTION_FORM.replace("</QuestionForm>", "") if broken else QUESTION_FORM
            result = caller.one(
                "CreateQualificationType",
                Name=unique("t"),
                Description="d",
                QualificationTypeStatus="Active",
                Test=test,
                TestDurationInSeconds=60,
            )
            expected = "False" if broken else "True"
            outcomes.append(
                result.Request.IsValid == expected
                and (not broken or result.Request.Errors.Error[0].Code == errors.XMLParseError.code)
            )
        return outcomes

    with ThreadPoolExecutor(THREADS) as pool:
        outcomes = [ok for batch in pool.map(create, range(THREADS)) for ok in batch]
    assert outcomes == [True] * THREADS * 4
