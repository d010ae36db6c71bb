"""Helpers for driving the qualification operations over SOAP as a legacy zeep
client does, while checking what every response must carry: the namespace of the
request, `{Op}Response` as its element, and a fresh UUID as its RequestId."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone

from lxml import etree
from zeep.plugins import HistoryPlugin

from soap_mturk.api.operations import OPERATIONS
from soap_mturk.domain.identity import new_id
from soap_mturk.domain.model import QualificationRequest
from tests.conftest import credentials

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
TYPE_ID = r"^[A-Z0-9]{20,30}$"


def body_element(envelope: etree._Element) -> etree._Element:
    body = envelope.find(f"{{{SOAP_ENV}}}Body")
    return next(child for child in body if isinstance(child.tag, str))


def new_key(label: str = "") -> str:
    """A requester of its own, so tests sharing one database don't see each other."""
    return "AKIA" + label.upper() + uuid.uuid4().hex[:12].upper()


def unique(label: str) -> str:
    return f"{label} {uuid.uuid4().hex}"


class Caller:
    """Calls operations through a zeep service and checks the envelope of each answer."""

    def __init__(self, service, owner: str | None = None):
        self.service = service
        self.history = HistoryPlugin(maxlen=1)
        service._client.plugins.append(self.history)
        self.owner = owner or new_key("owner")
        self.request_ids: set[str] = set()
        self.calls = 0

    def call(self, op: str, *requests: dict, key: str | None = None, **extra):
        response = getattr(self.service, op)(
            **credentials(key or self.owner), Request=list(requests), **extra
        )
        sent = body_element(self.history.last_sent["envelope"])
        answered = body_element(self.history.last_received["envelope"])
        assert etree.QName(answered).namespace == etree.QName(sent).namespace
        assert etree.QName(answered).localname == op + "Response"
        self.calls += 1
        request_id = response.OperationRequest.RequestId
        assert str(uuid.UUID(request_id)) == request_id.lower()
        assert request_id not in self.request_ids, "RequestId reused"
        self.request_ids.add(request_id)
        return response

    def results(self, op: str, *requests: dict, key: str | None = None) -> list:
        return list(getattr(self.call(op, *requests, key=key), OPERATIONS[op].result_element))

    def one(self, op: str, key: str | None = None, **request):
        (result,) = self.results(op, request, key=key)
        return result

    def ok(self, op: str, key: str | None = None, **request):
        result = self.one(op, key=key, **request)
        assert result.Request.IsValid == "True", codes(result)
        return result

    def last_response_xml(self) -> etree._Element:
        return body_element(self.history.last_received["envelope"])

    # shortcuts for the story most tests start from
    def new_type(self, key: str | None = None, **fields) -> str:
        request = {
            "Name": unique("type"),
            "Description": "a qualification type made by a test",
            "QualificationTypeStatus": "Active",
            **fields,
        }
        return self.ok("CreateQualificationType", key=key, **request).QualificationTypeId

    def assign(self, type_id: str, worker: str, value: int | None = None, key=None):
        request = {"QualificationTypeId": type_id, "WorkerId": worker}
        if value is not None:
            request["IntegerValue"] = value
        return self.ok("AssignQualification", key=key, **request)

    def score(self, type_id: str, worker: str, key: str | None = None):
        return self.one(
            "GetQualificationScore", key=key, QualificationTypeId=type_id, SubjectId=worker
        )


def codes(result) -> list[str]:
    errors = result.Request.Errors
    return [e.Code for e in errors.Error] if errors is not None else []


def assert_error(result, code: str) -> None:
    assert result.Request.IsValid == "False"
    assert codes(result) == [code]
    assert all(e.Message for e in result.Request.Errors.Error)


def file_request(store, type_id: str, worker: str, submitted: datetime | None = None) -> str:
    """A pending qualification request, filed through the store as the worker side will."""
    request = QualificationRequest(
        id=new_id(),
        type_id=type_id,
        subject_id=worker,
        submit_time=submitted or datetime.now(UTC).replace(microsecond=0),
    )
    with store.write() as session:
        session.put_request(request)
    return request.id


def minutes_ago(n: int) -> datetime:
    return datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=n)


QUESTION_FORM = (
    '<QuestionForm xmlns="http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/'
    '2005-10-01/QuestionForm.xsd"><Question><QuestionIdentifier>q1</QuestionIdentifier>'
    "<QuestionContent><Text>1+1?</Text></QuestionContent><AnswerSpecification>"
    "<SelectionAnswer><Selections><Selection><SelectionIdentifier>two</SelectionIdentifier>"
    "<Text>2</Text></Selection><Selection><SelectionIdentifier>three</SelectionIdentifier>"
    "<Text>3</Text></Selection></Selections></SelectionAnswer></AnswerSpecification>"
    "</Question></QuestionForm>"
)

ANSWER_KEY = (
    '<AnswerKey xmlns="http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/'
    '2005-10-01/AnswerKey.xsd"><Question><QuestionIdentifier>q1</QuestionIdentifier>'
    "<AnswerOption><SelectionIdentifier>two</SelectionIdentifier><AnswerScore>1</AnswerScore>"
    "</AnswerOption></Question></AnswerKey>"
)
