"""A legacy client's test suite, written only with the package's pytest plugin:
the `mturk_emulator` fixture gives URLs, signed credentials and the control API."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import zeep

from tests.worker_docs import CHESS_KEY, CHESS_TEST, answers


def test_whole_qualification_flow(mturk_emulator):
    service = zeep.Client(mturk_emulator.wsdl_url("2014-08-15")).service

    def call(operation, **request):
        return getattr(service, operation)(
            **mturk_emulator.credentials(operation), Request=[request]
        )

    # A requester offers a hand-graded test and a self-graded one.
    by_hand = (
        call(
            "CreateQualificationType",
            Name="Chess by hand",
            Description="Graded by the owner",
            QualificationTypeStatus="Active",
            Test=CHESS_TEST,
            TestDurationInSeconds=300,
            RetryDelayInSeconds=0,
        )
        .QualificationType[0]
        .QualificationTypeId
    )
    by_key = (
        call(
            "CreateQualificationType",
            Name="Chess by key",
            Description="Graded by its key",
            QualificationTypeStatus="Active",
            Test=CHESS_TEST,
            AnswerKey=CHESS_KEY,
            TestDurationInSeconds=300,
        )
        .QualificationType[0]
        .QualificationTypeId
    )

    # Workers take them.
    control = mturk_emulator.control
    filed = control.request_qualification(
        "A1ALICE", by_hand, answers(nextmove="D", favoritefruit="apples")
    )
    control.request_qualification("A2BOB", by_hand, answers(nextmove="A"))
    graded = control.request_qualification("A1ALICE", by_key, answers(nextmove="D"))
    assert graded["Qualification"]["IntegerValue"] == 33

    # The requester polls, grants Alice, rejects Bob.
    polled = call("GetQualificationRequests", SortProperty="SubmitTime", SortDirection="Ascending")
    result = polled.GetQualificationRequestsResult[0]
    assert result.TotalNumResults == 2
    alice, bob = result.QualificationRequest
    assert (alice.SubjectId, bob.SubjectId) == ("A1ALICE", "A2BOB")
    assert alice.QualificationRequestId == filed["QualificationRequest"]["QualificationRequestId"]
    assert alice.Answer == answers(nextmove="D", favoritefruit="apples")
    call("GrantQualification", QualificationRequestId=alice.QualificationRequestId, IntegerValue=90)
    call(
        "RejectQualificationRequest",
        QualificationRequestId=bob.QualificationRequestId,
        Reason="Try again",
    )

    listed = call("GetQualificationsForQualificationType", QualificationTypeId=by_hand)
    holders = {
        q.SubjectId: q.IntegerValue
        for q in listed.GetQualificationsForQualificationTypeResult[0].Qualification
    }
    assert holders == {"A1ALICE": 90}
    assert call("GetQualificationRequests").GetQualificationRequestsResult[0].TotalNumResults == 0

    # Bob retakes (the type allows it at once) and is granted this time.
    control.request_qualification("A2BOB", by_hand, answers(nextmove="D"))
    [retake] = (
        call("GetQualificationRequests", QualificationTypeId=by_hand)
        .GetQualificationRequestsResult[0]
        .QualificationRequest
    )
    call("GrantQualification", QualificationRequestId=retake.QualificationRequestId)
    score = call(
        "GetQualificationScore", QualificationTypeId=by_hand, SubjectId="A2BOB"
    ).Qualification[0]
    assert (score.IntegerValue, score.Status) == (1, "Granted")

    state = control.state()
    assert sorted(t["Name"] for t in state["QualificationTypes"]) == [
        "Chess by hand",
        "Chess by key",
    ]


PLUGIN_USER = textwrap.dedent(
    """
    def test_first_leaves_a_type_behind(mturk_emulator):
        mturk_emulator.control.load({"QualificationTypes": [{"Name": "left over", "Description": "d", "AutoGranted": True}]})
        assert len(mturk_emulator.control.state()["QualificationTypes"]) == 1

    def test_second_starts_empty(mturk_emulator):
        assert mturk_emulator.control.state()["QualificationTypes"] == []
        assert mturk_emulator.soap_url.startswith("http://127.0.0.1:")
    """
)


def test_plugin_is_found_by_entry_point_and_state_is_fresh_per_test(tmp_path):
    """Another project's suite, run by a separate pytest that finds the plugin only
    through the installed package's `pytest11` entry point, with every warning an
    error from the interpreter's start (spyne's import included: see _compat.py)."""
    (tmp_path / "test_user.py").write_text(PLUGIN_USER, encoding="utf-8")
    done = subprocess.run(
        [
            *(sys.executable, "-W", "error", "-m", "pytest", "-W", "error"),
            *("-q", "-p", "no:cacheprovider", str(tmp_path)),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 passed" in done.stdout


def test_importing_everything_is_warning_free():
    """No ImportWarning (spyne's six) or DeprecationWarning (cgi) on any supported
    Python, as a `-W error` suite or `soap-mturk --version` would see it."""
    code = (
        "import soap_mturk.cli, soap_mturk.server.app, soap_mturk.testing.pytest_plugin;"
        "import soap_mturk.protocol.soap.service, soap_mturk.protocol.rest.document;"
        "import soap_mturk.testing.boto2, boto.mturk.connection;"
        "import importlib; importlib.import_module('spyne.util.six.moves.urllib')"
    )
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", code], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    version = subprocess.run(
        [sys.executable, "-W", "error", "-m", "soap_mturk", "--version"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert version.returncode == 0 and version.stdout.startswith("soap-mturk "), version


def test_plugin_moves_the_clock_for_a_hit_flow(mturk_emulator):
    """Signed calls (HMAC-SHA1) through the plugin's credentials, a scripted worker,
    and time moved by the plugin: the submitted work auto-approves."""
    from decimal import Decimal

    from tests.hit_support import QUESTION_FORM, Worker

    service = zeep.Client(mturk_emulator.wsdl_url("2014-08-15")).service

    def call(operation, **request):
        return getattr(service, operation)(
            **mturk_emulator.credentials(operation), Request=[request]
        )

    created = call(
        "CreateHIT", Title="t", Description="d", LifetimeInSeconds=600,
        AssignmentDurationInSeconds=300, AutoApprovalDelayInSeconds=3600,
        Reward={"Amount": Decimal("0.05"), "CurrencyCode": "USD"}, Question=QUESTION_FORM,
    ).HIT[0]  # fmt: skip
    assignment = Worker(mturk_emulator.control).take(created.HITId)
    mturk_emulator.advance_clock(3601)
    got = call("GetAssignment", AssignmentId=assignment).GetAssignmentResult[0]
    assert got.Assignment.AssignmentStatus == "Approved"
    assert call("GetHIT", HITId=created.HITId).HIT[0].HITStatus == "Reviewable"
