"""How naive clients read answers (issue 11, items 1 and 2).

REST answers are plain elements with no namespace, as every captured REST answer
(../shared/reference/captured-rest-responses/) shows, so namespace-unaware XPath
finds them: rturk reads `//Request/IsValid` with Nokogiri, MTurkR
`//QualificationTypeId` with R's XML package. SOAP answers keep their namespace.
Times are whole seconds, UTC, `Z`, in both, as strict parsers such as
`strptime("%Y-%m-%dT%H:%M:%SZ")` expect."""

from __future__ import annotations

import re
import urllib.request
import uuid
from datetime import UTC, datetime

import pytest
from lxml import etree

from soap_mturk.api.operations import OPERATIONS
from soap_mturk.control.client import ControlClient
from soap_mturk.versions import HIT_OPERATIONS, LATEST
from tests.rest_support import OWNER, call, rest_emulator, vendor_signed
from tests.signing import vendor_signature

WORKER = "APLAINWORKER1"
WHOLE_SECONDS = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


@pytest.fixture(scope="module")
def scene(rest_emulator):
    """A type with a granted worker and a pending request, made over REST."""

    def rest(operation, **params):
        status, _, root = call(rest_emulator, vendor_signed(OWNER, operation, **params))
        assert status == 200
        return root

    root = rest(
        "CreateQualificationType",
        Name=f"Plain {uuid.uuid4()}",
        Description="read naively",
        QualificationTypeStatus="Active",
    )
    type_id = root.xpath("//QualificationType/QualificationTypeId/text()")[0]
    rest("AssignQualification", QualificationTypeId=type_id, WorkerId=WORKER, IntegerValue=5)
    control = ControlClient(rest_emulator.base_url)
    pending = []
    for n in range(2):
        outcome = control.request_qualification(f"APLAINASKER{n}", type_id)
        pending.append(outcome["QualificationRequest"]["QualificationRequestId"])
    return rest, type_id, pending


def _parameters(operation: str, type_id: str, pending: list[str]) -> dict:
    return {
        "CreateQualificationType": {
            "Name": f"Plain {uuid.uuid4()}",
            "Description": "d",
            "QualificationTypeStatus": "Active",
        },
        "GetQualificationType": {"QualificationTypeId": type_id},
        "UpdateQualificationType": {"QualificationTypeId": type_id, "Description": "new"},
        "SearchQualificationTypes": {"MustBeRequestable": "false", "Query": "Plain"},
        "DisposeQualificationType": None,  # made and disposed in its own test below
        "AssignQualification": {"QualificationTypeId": type_id, "WorkerId": "APLAINOTHER"},
        "RevokeQualification": None,
        "GetQualificationScore": {"QualificationTypeId": type_id, "SubjectId": WORKER},
        "UpdateQualificationScore": {
            "QualificationTypeId": type_id,
            "SubjectId": WORKER,
            "IntegerValue": 9,
        },
        "GetQualificationsForQualificationType": {"QualificationTypeId": type_id},
        "GetQualificationRequests": {"QualificationTypeId": type_id},
        "GrantQualification": {"QualificationRequestId": pending[0]},
        "RejectQualificationRequest": {"QualificationRequestId": pending[1]},
        "GetAccountBalance": {},
        "BlockWorker": {"WorkerId": "APLAINBLOCKED", "Reason": "r"},
        "UnblockWorker": {"WorkerId": "APLAINBLOCKED"},
        "GetBlockedWorkers": {},
        "NotifyWorkers": {"Subject": "s", "MessageText": "m", "WorkerId": WORKER},
        "Help": {"About": "GetAccountBalance"},
        "GetRequesterStatistic": {"Statistic": "NumberHITsCreated", "TimePeriod": "LifeToDate"},
        "GetRequesterWorkerStatistic": {
            "Statistic": "NumberAssignmentsApproved",
            "TimePeriod": "OneDay",
            "WorkerId": WORKER,
        },
        "SendTestEventNotification": {
            "Notification.1.Destination": "lab@example.com",
            "Notification.1.Transport": "Email",
            "Notification.1.Version": "2006-05-05",
            "TestEventType": "Ping",
        },
    }[operation]


def _revoke_and_dispose(rest, operation: str) -> etree._Element:
    root = rest(
        "CreateQualificationType",
        Name=f"Plain {uuid.uuid4()}",
        Description="d",
        QualificationTypeStatus="Active",
    )
    type_id = root.xpath("//QualificationTypeId/text()")[0]
    if operation == "DisposeQualificationType":
        return rest(operation, QualificationTypeId=type_id)
    rest("AssignQualification", QualificationTypeId=type_id, WorkerId=WORKER)
    return rest(operation, QualificationTypeId=type_id, SubjectId=WORKER, Reason="r")


# The HIT operations' REST answers are compared with captured ones (test_hits_rest.py),
# and so are those that need a HIT (test_money_with_hits.py, test_notifications.py).
NEED_A_HIT = {"SetHITTypeNotification", "GrantBonus", "GetBonusPayments"}


@pytest.mark.parametrize("operation", sorted(set(OPERATIONS) - HIT_OPERATIONS - NEED_A_HIT))
def test_every_rest_answer_is_read_by_namespace_unaware_xpath(scene, operation):
    rest, type_id, pending = scene
    parameters = _parameters(operation, type_id, pending)
    if parameters is None:
        root = _revoke_and_dispose(rest, operation)
    else:
        root = rest(operation, **parameters)
    document = etree.tostring(root)
    assert b"xmlns" not in document
    # rturk: every result's validity
    assert root.xpath("//Request/IsValid/text()") == ["True"], document[:600]
    assert root.xpath(f"/{operation}Response/OperationRequest/RequestId/text()")
    if operation in ("GetQualificationType", "GetQualificationScore", "SearchQualificationTypes"):
        # MTurkR: the ids it pages through
        assert type_id in root.xpath("//QualificationTypeId/text()")
    for moment in root.xpath("//CreationTime/text() | //GrantTime/text() | //SubmitTime/text()"):
        assert WHOLE_SECONDS.fullmatch(moment), moment
        datetime.strptime(moment, "%Y-%m-%dT%H:%M:%SZ")


def test_rest_refusals_are_plain_too(scene, rest_emulator):
    params = vendor_signed(OWNER, "NoSuchOperation")
    _, _, root = call(rest_emulator, params)
    assert root.xpath("//OperationRequest/Errors/Error/Code/text()") == [
        "AWS.InvalidOperationParameter"
    ]


def _soap(running, operation: str, request: str) -> etree._Element:
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    body = (
        '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>'
        f'<{operation} xmlns="{LATEST.namespace}"><AWSAccessKeyId>{OWNER.access_key}'
        f"</AWSAccessKeyId><Timestamp>{stamp}</Timestamp><Signature>"
        f"{vendor_signature(OWNER.secret_key, operation, stamp)}</Signature>"
        f"<Request>{request}</Request></{operation}></s:Body></s:Envelope>"
    ).encode()
    request = urllib.request.Request(
        running.soap_url, data=body, headers={"Content-Type": "text/xml"}
    )
    with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(request) as answer:
        return etree.fromstring(answer.read())


def test_soap_answers_keep_their_namespace_and_write_whole_seconds(scene, rest_emulator):
    _, type_id, _ = scene
    root = _soap(
        rest_emulator,
        "GetQualificationType",
        f"<QualificationTypeId>{type_id}</QualificationTypeId>",
    )
    ns = {"t": LATEST.namespace}
    assert root.xpath("//Request/IsValid") == []  # namespaced: a naive XPath finds nothing
    assert root.xpath("//t:Request/t:IsValid/text()", namespaces=ns) == ["True"]
    (moment,) = root.xpath("//t:CreationTime/text()", namespaces=ns)
    assert WHOLE_SECONDS.fullmatch(moment), moment
