"""GetAccountBalance, BlockWorker, UnblockWorker, GetBlockedWorkers, NotifyWorkers
and Help, through SOAP (zeep, from the served and the vendor's WSDL) and REST
(plain HTTP and boto 2), with their error codes, the control API's balance and
inbox, and the REST answers' shapes compared with the captured ones."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from lxml import etree

from soap_mturk.auth.requesters import RequesterConfigError, load_credentials
from soap_mturk.control.client import ControlClient, ControlError
from tests.conftest import REFERENCE, STORE_KINDS, served_client
from tests.lifecycle_support import Caller, codes, new_key
from tests.rest_support import (
    OWNER,
    boto_connection,
    call,
    local_paths,
    rest_emulator,
    text,
    vendor_signed,
)

boto_mturk = pytest.importorskip("boto.mturk.connection")

CAPTURED = REFERENCE / "captured-rest-responses"


@pytest.fixture(scope="module", params=STORE_KINDS)
def store_kind(request):
    """Every test here runs on SQLite and on PostgreSQL (the money tables' SQL is shared)."""
    return request.param


def new_worker() -> str:
    return "A" + uuid.uuid4().hex[:13].upper()


@pytest.fixture(params=["served", "vendor"])
def caller(request, emulator) -> Caller:
    if request.param == "served":
        return Caller(served_client(emulator, "2014-08-15").service)
    return Caller(served_client(emulator, "2014-08-15").service)


@pytest.fixture
def control(emulator) -> ControlClient:
    return ControlClient(emulator.base_url)


# --- GetAccountBalance ------------------------------------------------------------


def test_a_new_requester_has_the_default_balance_as_a_price(caller):
    result = caller.ok("GetAccountBalance")
    balance = result.AvailableBalance
    assert (balance.Amount, balance.CurrencyCode, balance.FormattedPrice) == (
        10000,
        "USD",
        "$10,000.00",
    )
    assert result.OnHoldBalance is None


def test_the_control_api_sets_a_balance_that_the_answer_reports(caller, control):
    control.set_balance(caller.owner, "15555.55")
    balance = caller.ok("GetAccountBalance").AvailableBalance
    assert (str(balance.Amount), balance.FormattedPrice) == ("15555.55", "$15,555.55")
    accounts = {a["AccessKeyId"]: a["AvailableBalance"] for a in control.state()["Accounts"]}
    assert accounts[caller.owner] == "15555.55"


@pytest.mark.parametrize("bad", ["-1", "lots", "1e400", "0.0001"])
def test_the_control_api_refuses_a_balance_that_is_not_an_amount(control, bad):
    with pytest.raises(ControlError) as refused:
        control.set_balance(new_key("bal"), bad)
    assert refused.value.status == 400


def test_a_fixture_gives_a_requester_its_balance(emulator, control):
    key = new_key("fix")
    control.load({"Requesters": [{"AccessKeyId": key, "SecretAccessKey": "s", "Balance": 12.5}]})
    caller = Caller(served_client(emulator, "2014-08-15").service, owner=key)
    assert caller.ok("GetAccountBalance").AvailableBalance.FormattedPrice == "$12.50"


def test_the_credentials_file_gives_a_starting_balance(tmp_path: Path):
    path = tmp_path / "requesters.toml"
    path.write_text(
        '[[requester]]\naccess_key = "AKIAA"\nsecret_key = "s"\nbalance = 250.75\n'
        '[[requester]]\naccess_key = "AKIAB"\nsecret_key = "t"\n'
    )
    first, second = load_credentials(path)
    assert (str(first.balance), second.balance) == ("250.75", None)
    path.write_text('[[requester]]\naccess_key = "AKIAA"\nsecret_key = "s"\nbalance = "-3"\n')
    with pytest.raises(RequesterConfigError, match="balance"):
        load_credentials(path)


# --- blocking workers ---------------------------------------------------------------


def test_block_list_page_and_unblock(caller):
    workers = [new_worker() for _ in range(3)]
    for n, worker in enumerate(workers):
        caller.ok("BlockWorker", WorkerId=worker, Reason=f"reason {n}")
    caller.ok("BlockWorker", WorkerId=workers[0], Reason="again")  # already blocked: fine
    page = caller.ok("GetBlockedWorkers", PageSize=2, PageNumber=1)
    assert (page.NumResults, page.TotalNumResults, page.PageNumber) == (2, 3, 1)
    assert [b.WorkerId for b in page.WorkerBlock] == workers[:2]
    assert page.WorkerBlock[0].Reason == "again"
    last = caller.ok("GetBlockedWorkers", PageSize=2, PageNumber=2)
    assert [b.WorkerId for b in last.WorkerBlock] == workers[2:]
    caller.ok("UnblockWorker", WorkerId=workers[1])
    caller.ok("UnblockWorker", WorkerId=workers[1], Reason="not blocked: fine")
    left = caller.ok("GetBlockedWorkers")
    assert [b.WorkerId for b in left.WorkerBlock] == [workers[0], workers[2]]
    # another requester's list is its own
    assert caller.ok("GetBlockedWorkers", key=new_key("other")).TotalNumResults == 0


@pytest.mark.parametrize(
    "op,request_,code",
    [
        ("BlockWorker", {"WorkerId": "A1 ", "Reason": "r"}, "AWS.MechanicalTurk.InvalidParameterValue"),
        ("BlockWorker", {"WorkerId": "", "Reason": "r"}, "AWS.MechanicalTurk.InvalidParameterValue"),
        ("UnblockWorker", {"WorkerId": "x" * 65}, "AWS.MechanicalTurk.InvalidParameterValue"),
        ("GetBlockedWorkers", {"PageSize": 0}, "AWS.ParameterOutOfRange"),
        ("GetBlockedWorkers", {"PageSize": 65536}, "AWS.ParameterOutOfRange"),
        ("GetBlockedWorkers", {"PageNumber": 0}, "AWS.ParameterOutOfRange"),
    ],
)  # fmt: skip
def test_worker_errors(caller, op, request_, code):
    result = caller.one(op, **request_)
    assert result.Request.IsValid == "False"
    assert codes(result) == [code]


def test_get_blocked_workers_pages_up_to_65535(caller):
    caller.ok("BlockWorker", WorkerId=new_worker(), Reason="r")
    assert caller.ok("GetBlockedWorkers", PageSize=65535).NumResults == 1


# --- NotifyWorkers --------------------------------------------------------------------


def test_notify_workers_puts_one_message_in_each_inbox(caller, control):
    workers = [new_worker(), new_worker()]
    subject = f"Thanks {uuid.uuid4().hex}"
    caller.ok(
        "NotifyWorkers", Subject=subject, MessageText="Hello!", WorkerId=workers + workers[:1]
    )
    for worker in workers:
        (message,) = control.messages(worker)
        assert (message["Subject"], message["MessageText"], message["Requester"]) == (
            subject,
            "Hello!",
            caller.owner,
        )
    assert sum(m["Subject"] == subject for m in control.messages()) == 2


@pytest.mark.parametrize(
    "request_,code",
    [
        ({"Subject": "s" * 201, "MessageText": "m", "WorkerId": ["A1"]}, "AWS.MechanicalTurk.InvalidParameterValue"),
        ({"Subject": "s", "MessageText": "m" * 4097, "WorkerId": ["A1"]}, "AWS.MechanicalTurk.InvalidParameterValue"),
        ({"MessageText": "m", "WorkerId": ["A1"]}, "AWS.MissingParameters"),
        ({"Subject": "s", "MessageText": "m", "WorkerId": ["A1", " bad"]}, "AWS.MechanicalTurk.InvalidParameterValue"),
    ],
)  # fmt: skip
def test_notify_workers_errors_send_nothing(caller, control, request_, code):
    before = len(control.messages())
    result = caller.one("NotifyWorkers", **request_)
    assert codes(result) == [code]
    assert len(control.messages()) == before


def test_block_worker_needs_a_reason(rest_emulator):
    # zeep will not send a BlockWorker without Reason (the WSDL requires it); REST can.
    _, _, root = call(rest_emulator, vendor_signed(OWNER, "BlockWorker", WorkerId=new_worker()))
    assert text(root, "BlockWorkerResult/Request/IsValid") == "False"
    assert root.findtext(".//Error/Code") == "AWS.MissingParameters"


def test_notify_workers_takes_at_most_100_workers(rest_emulator):
    workers = {f"WorkerId.{n}": new_worker() for n in range(1, 102)}
    params = vendor_signed(OWNER, "NotifyWorkers", Subject="s", MessageText="m", **workers)
    _, _, root = call(rest_emulator, params)
    assert text(root, "NotifyWorkersResult/Request/IsValid") == "False"
    assert root.findtext(".//Error/Code") == "AWS.MechanicalTurk.InvalidParameterValue"


def test_dashboard_shows_the_inbox(emulator, caller):
    worker = new_worker()
    caller.ok("NotifyWorkers", Subject="<b>hi</b>", MessageText="body", WorkerId=[worker])
    import urllib.request

    page = urllib.request.urlopen(emulator.base_url + "/_emulator/").read().decode()
    assert worker in page and "&lt;b&gt;hi&lt;/b&gt;" in page and "<b>hi</b>" not in page


# --- Help -------------------------------------------------------------------------------


def test_help_describes_an_operation_from_the_contract(caller):
    info = caller.ok("Help", About=["BlockWorker", "GetAccountBalance"])
    block, balance = info.OperationInformation
    assert block.Name == "BlockWorker"
    assert block.RequiredParameters.Parameter == ["WorkerId", "Reason"]
    assert block.AvailableParameters.Parameter == ["WorkerId", "Reason"]
    assert balance.RequiredParameters is None
    assert "Request" in balance.AvailableResponseGroups.ResponseGroup


def test_help_about_response_groups_and_errors(caller):
    group = caller.ok("Help", About=["Request"], HelpType="ResponseGroup")
    assert "NotifyWorkers" in group.ResponseGroupInformation[0].ValidOperations.Operation
    assert codes(caller.one("Help", About=["NoSuchOperation"])) == [
        "AWS.MechanicalTurk.InvalidParameterValue"
    ]


# --- REST: plain HTTP against the captured answers, and boto 2 ------------------------


def captured_shape(name: str, result: str) -> set[str]:
    path = CAPTURED / name
    if not path.exists():
        pytest.skip(f"no captured answers here ({path})")
    root = etree.fromstring(path.read_bytes())
    element = root if root.tag == result else root.find(result)
    return local_paths(element)


@pytest.mark.parametrize(
    "captured,op,params",
    [
        ("get_account_balance.xml", "GetAccountBalance", {}),
        ("block_worker.xml", "BlockWorker", {"WorkerId": "A1CAPTURED", "Reason": "r"}),
        ("unblock_worker.xml", "UnblockWorker", {"WorkerId": "A1CAPTURED"}),
        ("notify_workers.xml", "NotifyWorkers", {"Subject": "s", "MessageText": "m", "WorkerId.1": "A1CAPTURED"}),
    ],
)  # fmt: skip
def test_rest_answers_have_the_captured_shape(rest_emulator, captured, op, params):
    status, _, root = call(rest_emulator, vendor_signed(OWNER, op, **params))
    assert status == 200 and root.tag == op + "Response"
    ours = root.find(op + "Result")
    assert local_paths(ours) == captured_shape(captured, op + "Result")


def test_boto2_balance_blocks_and_notifications(rest_emulator, monkeypatch):
    monkeypatch.delenv("http_proxy", raising=False)
    mturk = boto_connection(rest_emulator)
    (balance,) = mturk.get_account_balance()
    assert balance.amount == 10000.0 and balance.currency_code == "USD"
    worker = new_worker()
    mturk.block_worker(worker, "poor work")
    mturk.notify_workers([worker], "Subject", "Text")
    mturk.unblock_worker(worker, "second chance")
    with pytest.raises(boto_mturk.MTurkRequestError) as refused:
        mturk.block_worker(worker, None)  # boto sends the text "None": a valid reason
        mturk.notify_workers([worker], "s" * 201, "Text")
    assert refused.value.error_code == "AWS.MechanicalTurk.InvalidParameterValue"
    messages = ControlClient(rest_emulator.base_url).messages(worker)
    assert [m["Subject"] for m in messages] == ["Subject"]
