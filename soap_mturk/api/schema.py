"""The shapes of the messages the emulator serves, written as data.

Each complex type is an ordered list of fields (name, type, min occurs, max occurs;
max None means unbounded). Types are the XML Schema primitives below, the names of
enumerations in ENUMS, or the names of other complex types. The order of fields is
the order of elements on the wire, which legacy clients depend on. The codec (protocol/codec: SOAP and REST, reading and writing), spyne's models
and so the WSDL are all built from these tables.
"""

from __future__ import annotations

from typing import NamedTuple

STRING, INT, LONG, BOOLEAN, DATETIME = "string", "int", "long", "boolean", "dateTime"
DECIMAL = "decimal"  # the vendor's Price/Amount; no qualification message uses it yet
PRIMITIVES = (STRING, INT, LONG, BOOLEAN, DATETIME, DECIMAL)


class Field(NamedTuple):
    name: str
    type: str
    min: int = 0
    max: int | None = 1
    attribute: bool = False  # an XML attribute rather than a child element

    @property
    def repeated(self) -> bool:
        return self.max is None or self.max > 1


def f(name: str, type_: str = STRING, min_: int = 0, max_: int | None = 1) -> Field:
    return Field(name, type_, min_, max_)


def required(name: str, type_: str = STRING) -> Field:
    return Field(name, type_, 1, 1)


def many(name: str, type_: str = STRING, min_: int = 0) -> Field:
    return Field(name, type_, min_, None)


def attribute(name: str) -> Field:
    return Field(name, STRING, 1, 1, attribute=True)


RESPONSE_GROUP = many("ResponseGroup")

ENUMS: dict[str, tuple[str, ...]] = {
    "SortDirection": ("Ascending", "Descending"),
    "QualificationTypeStatus": ("Active", "Inactive"),
    "QualificationStatus": ("Granted", "Revoked"),
    "GetQualificationRequestsSortProperty": ("QualificationTypeId", "SubmitTime"),
    "SearchQualificationTypesSortProperty": ("Name",),
    "HelpType": ("Operation", "ResponseGroup"),
    "NotifyWorkersFailureCode": ("SoftFailure", "HardFailure"),
    "NotificationTransport": ("SOAP", "REST", "Email", "SQS"),
    "EventType": (
        "AssignmentAccepted",
        "AssignmentAbandoned",
        "AssignmentReturned",
        "AssignmentSubmitted",
        "AssignmentRejected",
        "AssignmentApproved",
        "HITCreated",
        "HITExpired",
        "HITReviewable",
        "HITExtended",
        "HITDisposed",
        "Ping",
    ),
}

# Structures that requests and results share.
SHARED_TYPES: dict[str, list[Field]] = {
    "Price": [required("Amount", DECIMAL), required("CurrencyCode"), f("FormattedPrice")],
    "NotificationSpecification": [
        required("Destination"),
        required("Transport", "NotificationTransport"),
        required("Version"),
        many("EventType", "EventType"),
    ],
}

# Request types: the contents of each `Request` element of an operation's message.
REQUEST_TYPES: dict[str, list[Field]] = {
    "GetQualificationsForQualificationTypeRequest": [
        required("QualificationTypeId"),
        f("Status", "QualificationStatus"),
        f("PageNumber", INT),
        f("PageSize", INT),
        RESPONSE_GROUP,
    ],
    "CreateQualificationTypeRequest": [
        required("Name"),
        f("Keywords"),
        f("Description"),
        f("QualificationTypeStatus", "QualificationTypeStatus"),
        f("RetryDelayInSeconds", LONG),
        f("Test"),
        f("AnswerKey"),
        f("TestDurationInSeconds", LONG),
        f("AutoGranted", BOOLEAN),
        f("AutoGrantedValue", INT),
        RESPONSE_GROUP,
    ],
    "DisposeQualificationTypeRequest": [f("QualificationTypeId")],
    "GetQualificationRequestsRequest": [
        f("QualificationTypeId"),
        f("SortDirection", "SortDirection"),
        f("SortProperty", "GetQualificationRequestsSortProperty"),
        f("PageNumber", INT),
        f("PageSize", INT),
        RESPONSE_GROUP,
    ],
    "RejectQualificationRequestRequest": [
        required("QualificationRequestId"),
        f("Reason"),
        RESPONSE_GROUP,
    ],
    "GrantQualificationRequest": [
        required("QualificationRequestId"),
        f("IntegerValue", INT),
        RESPONSE_GROUP,
    ],
    "AssignQualificationRequest": [
        required("QualificationTypeId"),
        required("WorkerId"),
        f("IntegerValue", INT),
        f("SendNotification", BOOLEAN),
        RESPONSE_GROUP,
    ],
    "RevokeQualificationRequest": [
        required("SubjectId"),
        required("QualificationTypeId"),
        f("Reason"),
        RESPONSE_GROUP,
    ],
    "UpdateQualificationScoreRequest": [
        required("QualificationTypeId"),
        required("SubjectId"),
        f("IntegerValue", INT),
        RESPONSE_GROUP,
    ],
    "GetQualificationTypeRequest": [required("QualificationTypeId"), RESPONSE_GROUP],
    "GetQualificationScoreRequest": [
        required("QualificationTypeId"),
        required("SubjectId"),
        RESPONSE_GROUP,
    ],
    "SearchQualificationTypesRequest": [
        f("Query"),
        required("MustBeRequestable", BOOLEAN),
        f("MustBeOwnedByCaller", BOOLEAN),
        f("SortDirection", "SortDirection"),
        f("SortProperty", "SearchQualificationTypesSortProperty"),
        f("PageNumber", INT),
        f("PageSize", INT),
        RESPONSE_GROUP,
    ],
    "GetAccountBalanceRequest": [RESPONSE_GROUP, f("Unused")],
    "HelpRequest": [many("About", min_=1), f("HelpType", "HelpType"), RESPONSE_GROUP],
    "BlockWorkerRequest": [required("WorkerId"), required("Reason"), RESPONSE_GROUP],
    "UnblockWorkerRequest": [required("WorkerId"), f("Reason"), RESPONSE_GROUP],
    "GetBlockedWorkersRequest": [f("PageNumber", INT), f("PageSize", INT), RESPONSE_GROUP],
    "NotifyWorkersRequest": [
        f("Subject"),
        required("MessageText"),
        Field("WorkerId", STRING, 1, 100),
        RESPONSE_GROUP,
    ],
    "UpdateQualificationTypeRequest": [
        required("QualificationTypeId"),
        f("Description"),
        f("QualificationTypeStatus", "QualificationTypeStatus"),
        f("Test"),
        f("AnswerKey"),
        f("TestDurationInSeconds", LONG),
        f("RetryDelayInSeconds", LONG),
        f("AutoGranted", BOOLEAN),
        f("AutoGrantedValue", INT),
        RESPONSE_GROUP,
    ],
}

# The request types that the vendor's `Request` element can echo, in its order.
# (GetQualificationScore and UpdateQualificationScore have no slot there.)
ECHOED_REQUESTS = (
    "GetQualificationsForQualificationTypeRequest",
    "CreateQualificationTypeRequest",
    "DisposeQualificationTypeRequest",
    "GrantQualificationRequest",
    "AssignQualificationRequest",
    "RevokeQualificationRequest",
    "GetQualificationRequestsRequest",
    "RejectQualificationRequestRequest",
    "GetQualificationTypeRequest",
    "SearchQualificationTypesRequest",
    "UpdateQualificationTypeRequest",
    # money, workers, statistics, help (after the assignment echoes, in the vendor's order)
    "GetAccountBalanceRequest",
    "NotifyWorkersRequest",
    "GetBlockedWorkersRequest",
    "BlockWorkerRequest",
    "UnblockWorkerRequest",
    "HelpRequest",
)

_STATUS_ONLY = [f("Request", "Request")]

# Response-side types.
RESULT_TYPES: dict[str, list[Field]] = {
    "Locale": [f("Country"), f("Subdivision")],
    "KeyValuePair": [required("Key"), required("Value")],
    "Error": [required("Code"), required("Message"), many("Data", "KeyValuePair")],
    "Errors": [many("Error", "Error", min_=1)],
    "Header": [attribute("Name"), attribute("Value")],
    "HTTPHeaders": [many("Header", "Header")],
    "Argument": [attribute("Name"), attribute("Value")],
    "Arguments": [many("Argument", "Argument", min_=1)],
    "OperationRequest": [
        f("HTTPHeaders", "HTTPHeaders"),
        f("RequestId"),
        f("Arguments", "Arguments"),
        f("Errors", "Errors"),
    ],
    "Request": [f("IsValid")]
    + [f(name, name) for name in ECHOED_REQUESTS]
    + [f("Errors", "Errors")],
    "QualificationType": [
        f("Request", "Request"),
        f("QualificationTypeId"),
        f("CreationTime", DATETIME),
        f("Name"),
        f("Description"),
        f("Keywords"),
        f("QualificationTypeStatus", "QualificationTypeStatus"),
        f("Test"),
        f("TestDurationInSeconds", LONG),
        f("AnswerKey"),
        f("RetryDelayInSeconds", LONG),
        f("IsRequestable", BOOLEAN),
        f("AutoGranted", BOOLEAN),
        f("AutoGrantedValue", INT),
    ],
    "QualificationRequest": [
        required("QualificationRequestId"),
        required("QualificationTypeId"),
        required("SubjectId"),
        f("Test"),
        f("Answer"),
        required("SubmitTime", DATETIME),
    ],
    "Qualification": [
        f("Request", "Request"),
        f("QualificationTypeId"),
        f("SubjectId"),
        f("GrantTime", DATETIME),
        f("IntegerValue", INT),
        f("LocaleValue", "Locale"),
        f("Status", "QualificationStatus"),
    ],
    "GetAccountBalanceResult": [
        f("Request", "Request"),
        f("AvailableBalance", "Price"),
        f("OnHoldBalance", "Price"),
    ],
    "Parameters": [many("Parameter", min_=1)],
    "ResponseGroups": [many("ResponseGroup", min_=1)],
    "Operations": [many("Operation", min_=1)],
    "Elements": [many("Element", min_=1)],
    "OperationInformation": [
        f("Name"),
        f("Description"),
        f("RequiredParameters", "Parameters"),
        f("AvailableParameters", "Parameters"),
        f("DefaultResponseGroups", "ResponseGroups"),
        f("AvailableResponseGroups", "ResponseGroups"),
    ],
    "ResponseGroupInformation": [
        f("Name"),
        f("CreationDate"),
        f("ValidOperations", "Operations"),
        f("Elements", "Elements"),
    ],
    "Information": [
        f("Request", "Request"),
        many("OperationInformation", "OperationInformation"),
        many("ResponseGroupInformation", "ResponseGroupInformation"),
    ],
    "BlockWorkerResult": _STATUS_ONLY,
    "UnblockWorkerResult": _STATUS_ONLY,
    "WorkerBlock": [required("WorkerId"), required("Reason")],
    "GetBlockedWorkersResult": [
        f("Request", "Request"),
        f("PageNumber", INT),
        f("NumResults", INT),
        f("TotalNumResults", INT),
        many("WorkerBlock", "WorkerBlock"),
    ],
    "NotifyWorkersFailureStatus": [
        required("NotifyWorkersFailureCode", "NotifyWorkersFailureCode"),
        required("NotifyWorkersFailureMessage"),
        required("WorkerId"),
    ],
    "NotifyWorkersResult": [
        f("Request", "Request"),
        Field("NotifyWorkersFailureStatus", "NotifyWorkersFailureStatus", 0, 100),
    ],
    "DisposeQualificationTypeResult": _STATUS_ONLY,
    "RejectQualificationRequestResult": _STATUS_ONLY,
    "GrantQualificationResult": _STATUS_ONLY,
    "AssignQualificationResult": _STATUS_ONLY,
    "RevokeQualificationResult": _STATUS_ONLY,
    "UpdateQualificationScoreResult": _STATUS_ONLY,
    "GetQualificationsForQualificationTypeResult": [
        f("Request", "Request"),
        f("PageNumber", INT),
        f("NumResults", INT),
        f("TotalNumResults", INT),
        many("Qualification", "Qualification"),
    ],
    "GetQualificationRequestsResult": [
        f("Request", "Request"),
        f("NumResults", INT),
        f("TotalNumResults", INT),
        f("PageNumber", INT),
        many("QualificationRequest", "QualificationRequest"),
    ],
    "SearchQualificationTypesResult": [
        f("Request", "Request"),
        f("NumResults", INT),
        f("TotalNumResults", INT),
        f("PageNumber", INT),
        many("QualificationType", "QualificationType"),
    ],
}

TYPES: dict[str, list[Field]] = {**SHARED_TYPES, **REQUEST_TYPES, **RESULT_TYPES}


def message_fields(operation: str) -> list[Field]:
    """The body element of a call: credentials, then the batch of requests."""
    if operation == "Help":
        # The vendor's Help element alone declares the credentials optional and has
        # no Credential.
        return [
            f("AWSAccessKeyId"),
            f("Timestamp", DATETIME),
            f("Signature"),
            f("Validate"),
            many("Request", "HelpRequest"),
        ]
    return [
        required("AWSAccessKeyId"),
        required("Timestamp", DATETIME),
        required("Signature"),
        f("Validate"),
        f("Credential"),
        many("Request", operation + "Request", 1 if operation in REQUEST_REQUIRED else 0),
    ]


# The operations whose message the vendor's WSDL declares with at least one Request
# (the others, minOccurs 0). Only the WSDL says so: a call without any is answered
# like one empty request either way (api.batch).
REQUEST_REQUIRED = frozenset(
    {
        "CreateHIT", "RegisterHITType", "SetHITTypeNotification", "SendTestEventNotification",
        "ExtendHIT", "GrantBonus", "GetBonusPayments", "ChangeHITTypeOfHIT", "NotifyWorkers",
        "GetAccountBalance", "GetBlockedWorkers", "BlockWorker", "UnblockWorker",
    }
)  # fmt: skip


def response_fields(operation: str, result_element: str, result_type: str) -> list[Field]:
    return [f("OperationRequest", "OperationRequest"), many(result_element, result_type)]
