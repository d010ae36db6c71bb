"""Money with HITs: GrantBonus (a worker who did an assignment of the caller's,
UniqueRequestToken, the fee, InsufficientFunds), GetBonusPayments (by HIT or
assignment, paging) over REST (plain HTTP, answers shaped like the captured ones,
and boto 2) and SOAP (zeep); and a blocked worker cannot accept the requester's HITs."""

from __future__ import annotations

import uuid

import pytest
from lxml import etree

from soap_mturk.control.client import ControlClient, ControlError
from tests.conftest import REFERENCE, STORE_KINDS, served_client
from tests.hit_support import QUESTION_FORM, Worker
from tests.lifecycle_support import Caller, codes
from tests.rest_support import (
    OTHER,
    OWNER,
    boto_connection,
    call,
    local_paths,
    rest_emulator,
    vendor_signed,
)

boto_mturk = pytest.importorskip("boto.mturk.connection")
CAPTURED = REFERENCE / "captured-rest-responses"


@pytest.fixture(scope="module", params=STORE_KINDS)
def store_kind(request):
    """Every test here runs on SQLite and on PostgreSQL (the money tables' SQL is shared)."""
    return request.param


def rest(running, operation: str, requester=OWNER, **params) -> etree._Element:
    status, _, root = call(running, vendor_signed(requester, operation, **params))
    assert status == 200
    return root


def code_of(root) -> str | None:
    return root.findtext(".//Errors/Error/Code")


def balance(running, requester=OWNER) -> str:
    return rest(running, "GetAccountBalance", requester).findtext(
        "GetAccountBalanceResult/AvailableBalance/Amount"
    )


class Job:
    """A HIT of OWNER's with one submitted assignment."""

    def __init__(self, running):
        self.running = running
        self.control = ControlClient(running.base_url)
        self.control.set_balance(OWNER.access_key, "1000.00")  # tests share OWNER's account
        hit_type = rest(
            running, "RegisterHITType", Title=f"m {uuid.uuid4()}", Description="d",
            AssignmentDurationInSeconds=3600,
            **{"Reward.1.Amount": "0.10", "Reward.1.CurrencyCode": "USD"},
        ).findtext("RegisterHITTypeResult/HITTypeId")  # fmt: skip
        self.hit = rest(
            running, "CreateHIT", HITTypeId=hit_type, LifetimeInSeconds=3600,
            Question=QUESTION_FORM, MaxAssignments=3,
        ).findtext("HIT/HITId")  # fmt: skip
        self.worker = Worker(self.control)
        self.assignment = self.worker.take(self.hit)

    def bonus(self, amount: str = "0.50", requester=OWNER, **extra) -> etree._Element:
        params = {
            "WorkerId": self.worker.id, "AssignmentId": self.assignment,
            "BonusAmount.1.Amount": amount, "BonusAmount.1.CurrencyCode": "USD",
            "Reason": "Great work", **extra,
        }  # fmt: skip
        return rest(self.running, "GrantBonus", requester, **params)


@pytest.fixture
def job(rest_emulator) -> Job:
    return Job(rest_emulator)


def test_a_bonus_is_paid_with_its_fee_and_listed(rest_emulator, job):
    job.control.set_balance(OWNER.access_key, "100.00")
    granted = job.bonus("0.50")
    assert granted.findtext("GrantBonusResult/Request/IsValid") == "True"
    assert balance(rest_emulator) == "99.40"  # 0.50 and a 20% fee of 0.10
    job.bonus("0.01")  # the fee is at least a cent
    assert balance(rest_emulator) == "99.38"
    for key, value in (("HITId", job.hit), ("AssignmentId", job.assignment)):
        listed = rest(rest_emulator, "GetBonusPayments", **{key: value, "PageSize": 1})
        result = listed.find("GetBonusPaymentsResult")
        assert (result.findtext("NumResults"), result.findtext("TotalNumResults")) == ("1", "2")
        payment = result.find("BonusPayment")
        assert payment.findtext("WorkerId") == job.worker.id
        assert payment.findtext("BonusAmount/FormattedPrice") == "$0.50"
        assert payment.findtext("GrantTime").endswith("Z")


def test_answers_have_the_captured_shapes(rest_emulator, job):
    for name, root, result in (
        ("grant_bonus.xml", job.bonus(), "GrantBonusResult"),
        ("get_bonus_payments.xml", rest(rest_emulator, "GetBonusPayments", HITId=job.hit),
         "GetBonusPaymentsResult"),
    ):  # fmt: skip
        path = CAPTURED / name
        if not path.exists():
            pytest.skip("no captured answers here")
        captured = etree.fromstring(path.read_bytes())
        captured = captured if captured.tag == result else captured.find(result)
        assert local_paths(root.find(result)) == local_paths(captured)


def test_unique_request_token_grants_once(rest_emulator, job):
    job.control.set_balance(OWNER.access_key, "10.00")
    token = uuid.uuid4().hex
    assert code_of(job.bonus(UniqueRequestToken=token)) is None
    before = balance(rest_emulator)
    repeated = job.bonus(UniqueRequestToken=token)
    assert code_of(repeated) == "AWS.MechanicalTurk.InvalidParameterValue"
    assert balance(rest_emulator) == before


def test_insufficient_funds_pays_nothing(rest_emulator, job):
    job.control.set_balance(OWNER.access_key, "0.55")
    assert code_of(job.bonus("0.50")) == "AWS.MechanicalTurk.InsufficientFunds"
    assert balance(rest_emulator) == "0.55"
    assert code_of(job.bonus("0.45")) is None  # 0.45 + 0.09


@pytest.mark.parametrize(
    "change,code",
    [
        ({"WorkerId": "AOTHERWORKER000"}, "AWS.MechanicalTurk.InvalidParameterValue"),
        ({"AssignmentId": "NOSUCHASSIGNMENT00000000000000"}, "AWS.MechanicalTurk.AssignmentDoesNotExist"),
        ({"BonusAmount.1.Amount": "-1"}, "AWS.MechanicalTurk.InvalidParameterValue"),
        ({"BonusAmount.1.CurrencyCode": "EUR"}, "AWS.MechanicalTurk.InvalidParameterValue"),
        ({"Reason": ""}, "AWS.MissingParameters"),
    ],
)  # fmt: skip
def test_grant_bonus_errors(rest_emulator, job, change, code):
    params = {
        "WorkerId": job.worker.id, "AssignmentId": job.assignment,
        "BonusAmount.1.Amount": "0.10", "BonusAmount.1.CurrencyCode": "USD", "Reason": "r",
        **change,
    }  # fmt: skip
    assert code_of(rest(rest_emulator, "GrantBonus", **params)) == code


def test_only_the_hits_requester_grants_and_lists(rest_emulator, job):
    assert code_of(job.bonus(requester=OTHER)) == "AWS.MechanicalTurk.AssignmentDoesNotExist"
    listed = rest(rest_emulator, "GetBonusPayments", OTHER, HITId=job.hit)
    assert code_of(listed) == "AWS.MechanicalTurk.HITDoesNotExist"
    assert code_of(rest(rest_emulator, "GetBonusPayments")) == "AWS.MissingParameters"


def test_boto2_grants_and_lists_bonuses(rest_emulator, job, monkeypatch):
    monkeypatch.delenv("http_proxy", raising=False)
    mturk = boto_connection(rest_emulator)
    from boto.mturk.price import Price

    job.control.set_balance(OWNER.access_key, "10.00")
    mturk.grant_bonus(job.worker.id, job.assignment, Price(0.25), "thanks")
    # boto 2.49 has no GetBonusPayments method: read what it granted over plain REST.
    listed = rest(rest_emulator, "GetBonusPayments", AssignmentId=job.assignment)
    assert listed.findtext(".//BonusPayment/BonusAmount/Amount") == "0.25"
    assert listed.findtext(".//BonusPayment/Reason") == "thanks"


def test_grant_bonus_over_soap(emulator):
    caller = Caller(served_client(emulator, "2014-08-15").service)
    result = caller.one(
        "GrantBonus",
        WorkerId="AWORKER00000001",
        AssignmentId="NOSUCHASSIGNMENT00000000000000",
        BonusAmount={"Amount": "0.10", "CurrencyCode": "USD"},
        Reason="r",
    )
    assert codes(result) == ["AWS.MechanicalTurk.AssignmentDoesNotExist"]
    listed = caller.one("GetBonusPayments", AssignmentId="NOSUCHASSIGNMENT00000000000000")
    assert codes(listed) == ["AWS.MechanicalTurk.AssignmentDoesNotExist"]


def test_a_blocked_worker_cannot_accept_the_requesters_hits(rest_emulator, job):
    blocked = Worker(job.control)
    rest(rest_emulator, "BlockWorker", WorkerId=blocked.id, Reason="spam")
    with pytest.raises(ControlError) as refused:
        blocked.accept(job.hit)
    assert refused.value.code == "AWS.MechanicalTurk.PermissionDeniedException"
    rest(rest_emulator, "UnblockWorker", WorkerId=blocked.id)
    assert blocked.accept(job.hit)["AssignmentId"]


# --- what HITs cost ---------------------------------------------------------------------


def new_hit(running, reward: str = "0.10", assignments: int = 3) -> etree._Element:
    hit_type = rest(
        running, "RegisterHITType", Title=f"c {uuid.uuid4()}", Description="d",
        AssignmentDurationInSeconds=3600,
        **{"Reward.1.Amount": reward, "Reward.1.CurrencyCode": "USD"},
    ).findtext("RegisterHITTypeResult/HITTypeId")  # fmt: skip
    return rest(
        running, "CreateHIT", HITTypeId=hit_type, LifetimeInSeconds=3600,
        Question=QUESTION_FORM, MaxAssignments=assignments,
    )  # fmt: skip


@pytest.mark.parametrize(
    "reward,assignments,cost",
    [
        ("0.10", 3, "0.36"),  # 20% fee: 0.02 each
        ("0.01", 2, "0.04"),  # the fee is at least a cent
        ("1.00", 10, "14.00"),  # 10 or more assignments: 20% more
        ("0.03", 1, "0.04"),  # 0.006 rounds half up to 0.01
    ],
)
def test_creating_a_hit_reserves_reward_and_fee(rest_emulator, reward, assignments, cost):
    ControlClient(rest_emulator.base_url).set_balance(OWNER.access_key, "100.00")
    assert new_hit(rest_emulator, reward, assignments).findtext("HIT/HITId")
    assert balance(rest_emulator) == f"{100 - float(cost):.2f}"


def test_insufficient_funds_creates_no_hit(rest_emulator):
    ControlClient(rest_emulator.base_url).set_balance(OWNER.access_key, "0.35")
    refused = new_hit(rest_emulator, "0.10", 3)
    assert code_of(refused) == "AWS.MechanicalTurk.InsufficientFunds"
    assert balance(rest_emulator) == "0.35"
    assert new_hit(rest_emulator, "0.10", 2).findtext("HIT/HITId")  # 0.24 is affordable


def test_extend_rejection_approval_and_disposal_move_money(rest_emulator):
    control = ControlClient(rest_emulator.base_url)
    control.set_balance(OWNER.access_key, "10.00")
    hit = new_hit(rest_emulator, "0.10", 3).findtext("HIT/HITId")
    assert balance(rest_emulator) == "9.64"
    rest(rest_emulator, "ExtendHIT", HITId=hit, MaxAssignmentsIncrement=2)
    assert balance(rest_emulator) == "9.40"
    kept, refused = Worker(control).take(hit), Worker(control).take(hit)
    rest(rest_emulator, "ApproveAssignment", AssignmentId=kept)
    assert balance(rest_emulator) == "9.40"  # approving pays what was reserved
    rest(rest_emulator, "RejectAssignment", AssignmentId=refused)
    assert balance(rest_emulator) == "9.52"  # the rejected one's reward and fee come back
    rest(rest_emulator, "ApproveRejectedAssignment", AssignmentId=refused)
    assert balance(rest_emulator) == "9.40"
    rest(rest_emulator, "ForceExpireHIT", HITId=hit)
    rest(rest_emulator, "DisposeHIT", HITId=hit)
    assert balance(rest_emulator) == "9.76"  # three assignments never done
