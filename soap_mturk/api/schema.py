"""The shapes of the messages the emulator serves, written as data.

Each complex type is an ordered list of fields (name, type, min occurs, max occurs;
max None means unbounded). Types are the XML Schema primitives below, the names of
enumerations in ENUMS, or the names of other complex types. The order of fields is
the order of elements on the wire, which legacy clients depend on. The codec (protocol/codec: SOAP and REST, reading and writing), spyne's models
and so the WSDL are all built from these tables.
"""

from __future__ import annotations

from typing import NamedTuple

from soap_mturk.domain.hit_rules import COMPARATORS
from soap_mturk.domain.notifications import EVENT_TYPES

STRING, INT, LONG, BOOLEAN, DATETIME = "string", "int", "long", "boolean", "dateTime"
DOUBLE = "double"  # DataPoint/DoubleValue
DECIMAL = "decimal"  # the vendor's Price/Amount; no qualification message uses it yet
PRIMITIVES = (STRING, INT, LONG, BOOLEAN, DATETIME, DECIMAL, DOUBLE)


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
    "RequesterStatistic": (
        "NumberHITsAssignable",
        "NumberHITsReviewable",
        "NumberHITsCreated",
        "NumberHITsCompleted",
        "TotalRewardPayout",
        "TotalRewardFeePayout",
        "TotalFeePayout",
        "TotalRewardAndFeePayout",
        "TotalBonusPayout",
        "TotalBonusFeePayout",
        "EstimatedFeeLiability",
        "EstimatedRewardLiability",
        "EstimatedTotalLiability",
        "NumberAssignmentsAvailable",
        "NumberAssignmentsAccepted",
        "NumberAssignmentsPending",
        "NumberAssignmentsApproved",
        "NumberAssignmentsRejected",
        "NumberAssignmentsReturned",
        "NumberAssignmentsAbandoned",
        "AverageRewardAmount",
        "PercentAssignmentsApproved",
        "PercentAssignmentsRejected",
        "NumberKnownAnswersCorrect",
        "NumberKnownAnswersIncorrect",
        "NumberKnownAnswersEvaluated",
        "PercentKnownAnswersCorrect",
        "NumberPluralityAnswersCorrect",
        "NumberPluralityAnswersIncorrect",
        "NumberPluralityAnswersEvaluated",
        "PercentPluralityAnswersCorrect",
    ),
    "TimePeriod": ("OneDay", "SevenDays", "ThirtyDays", "LifeToDate"),
    "NotifyWorkersFailureCode": ("SoftFailure", "HardFailure"),
    "NotificationTransport": ("SOAP", "REST", "Email", "SQS"),
    "EventType": EVENT_TYPES,  # the domain's list (domain/notifications.py)
    "HITStatus": ("Assignable", "Unassignable", "Reviewable", "Reviewing", "Disposed"),
    "HITReviewStatus": (
        "NotReviewed",
        "MarkedForReview",
        "ReviewedAppropriate",
        "ReviewedInappropriate",
    ),
    "Comparator": COMPARATORS,  # the domain's list (domain/hit_rules.py)
    "AssignmentStatus": ("Submitted", "Approved", "Rejected"),
    "ReviewableHITStatus": ("Reviewable", "Reviewing"),
    "GetReviewableHITsSortProperty": (
        "Title",
        "Reward",
        "Expiration",
        "CreationTime",
        "Enumeration",
    ),
    "SearchHITsSortProperty": ("Title", "Reward", "Expiration", "CreationTime", "Enumeration"),
    "GetAssignmentsForHITSortProperty": ("AcceptTime", "SubmitTime", "Answer", "AssignmentStatus"),
    "ReviewPolicyLevel": ("Assignment", "HIT"),
    "ReviewActionStatus": ("Intended", "Succeeded", "Failed", "Cancelled"),
}

# Enumerations the vendor declares inline, in the one element that has them.
ANONYMOUS_ENUMS = frozenset({"HelpType"})

# Structures that requests and results share (HITs, prices, requirements, policies).
SHARED_TYPES: dict[str, list[Field]] = {
    "Price": [required("Amount", DECIMAL), required("CurrencyCode"), f("FormattedPrice")],
    "Locale": [f("Country"), f("Subdivision")],
    "QualificationRequirement": [
        required("QualificationTypeId"),
        required("Comparator", "Comparator"),
        many("IntegerValue", INT),
        many("LocaleValue", "Locale"),
        f("RequiredToPreview", BOOLEAN),
    ],
    "HITLayoutParameter": [required("Name"), required("Value")],
    "ParameterMapEntry": [required("Key"), many("Value")],
    "PolicyParameter": [required("Key"), many("Value"), many("MapEntry", "ParameterMapEntry")],
    "ReviewPolicy": [required("PolicyName"), many("Parameter", "PolicyParameter")],
    "NotificationSpecification": [
        required("Destination"),
        required("Transport", "NotificationTransport"),
        required("Version"),
        many("EventType", "EventType"),
    ],
}

_PAGE = [f("PageNumber", INT), f("PageSize", INT)]

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
    # --- HITs and assignments
    "RegisterHITTypeRequest": [
        f("AutoApprovalDelayInSeconds", LONG),
        required("AssignmentDurationInSeconds", LONG),
        required("Reward", "Price"),
        required("Title"),
        f("Keywords"),
        required("Description"),
        many("QualificationRequirement", "QualificationRequirement"),
        RESPONSE_GROUP,
    ],
    "CreateHITRequest": [
        f("HITTypeId"),
        f("MaxAssignments", INT),
        f("AutoApprovalDelayInSeconds", LONG),
        required("LifetimeInSeconds", LONG),
        f("AssignmentDurationInSeconds", LONG),
        f("Reward", "Price"),
        f("Title"),
        f("Keywords"),
        f("Description"),
        f("Question"),
        f("RequesterAnnotation"),
        many("QualificationRequirement", "QualificationRequirement"),
        f("UniqueRequestToken"),
        f("AssignmentReviewPolicy", "ReviewPolicy"),
        f("HITReviewPolicy", "ReviewPolicy"),
        f("HITLayoutId"),
        many("HITLayoutParameter", "HITLayoutParameter"),
        RESPONSE_GROUP,
    ],
    "GetHITRequest": [required("HITId"), RESPONSE_GROUP],
    "SearchHITsRequest": [
        f("SortDirection", "SortDirection"),
        f("SortProperty", "SearchHITsSortProperty"),
        *_PAGE,
        RESPONSE_GROUP,
    ],
    "GetReviewableHITsRequest": [
        f("HITTypeId"),
        f("Status", "ReviewableHITStatus"),
        f("SortDirection", "SortDirection"),
        f("SortProperty", "GetReviewableHITsSortProperty"),
        *_PAGE,
        RESPONSE_GROUP,
    ],
    "GetHITsForQualificationTypeRequest": [
        required("QualificationTypeId"),
        *_PAGE,
        RESPONSE_GROUP,
    ],
    "ChangeHITTypeOfHITRequest": [required("HITId"), required("HITTypeId"), RESPONSE_GROUP],
    "ExtendHITRequest": [
        required("HITId"),
        f("MaxAssignmentsIncrement", INT),
        f("ExpirationIncrementInSeconds", LONG),
        f("UniqueRequestToken"),
        RESPONSE_GROUP,
    ],
    "ForceExpireHITRequest": [required("HITId"), RESPONSE_GROUP],
    "DisableHITRequest": [required("HITId"), RESPONSE_GROUP],
    "DisposeHITRequest": [required("HITId"), RESPONSE_GROUP],
    "SetHITAsReviewingRequest": [required("HITId"), f("Revert", BOOLEAN), RESPONSE_GROUP],
    "GetAssignmentRequest": [required("AssignmentId"), RESPONSE_GROUP],
    "GetAssignmentsForHITRequest": [
        required("HITId"),
        f("SortDirection", "SortDirection"),
        f("SortProperty", "GetAssignmentsForHITSortProperty"),
        *_PAGE,
        many("AssignmentStatus", "AssignmentStatus"),
        RESPONSE_GROUP,
    ],
    "ApproveAssignmentRequest": [required("AssignmentId"), RESPONSE_GROUP, f("RequesterFeedback")],
    "RejectAssignmentRequest": [required("AssignmentId"), RESPONSE_GROUP, f("RequesterFeedback")],
    "ApproveRejectedAssignmentRequest": [
        required("AssignmentId"),
        RESPONSE_GROUP,
        f("RequesterFeedback"),
    ],
    "GetFileUploadURLRequest": [required("AssignmentId"), required("QuestionIdentifier")],
    "GetReviewResultsForHITRequest": [
        required("HITId"),
        many("PolicyLevel", "ReviewPolicyLevel"),
        f("RetrieveActions", BOOLEAN),
        f("RetrieveResults", BOOLEAN),
        *_PAGE,
        RESPONSE_GROUP,
    ],
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
    "GetRequesterStatisticRequest": [
        required("Statistic", "RequesterStatistic"),
        f("TimePeriod", "TimePeriod"),
        f("Count", INT),
        RESPONSE_GROUP,
    ],
    "GetRequesterWorkerStatisticRequest": [
        required("Statistic", "RequesterStatistic"),
        f("TimePeriod", "TimePeriod"),
        required("WorkerId"),
        f("Count", INT),
        RESPONSE_GROUP,
    ],
    "GrantBonusRequest": [
        required("WorkerId"),
        required("BonusAmount", "Price"),
        required("AssignmentId"),
        required("Reason"),
        f("UniqueRequestToken"),
        RESPONSE_GROUP,
    ],
    "GetBonusPaymentsRequest": [
        f("HITId"),
        f("AssignmentId"),
        f("PageNumber", INT),
        f("PageSize", INT),
        RESPONSE_GROUP,
    ],
    "SetHITTypeNotificationRequest": [
        required("HITTypeId"),
        f("Notification", "NotificationSpecification"),
        f("Active", BOOLEAN),
    ],
    "SendTestEventNotificationRequest": [
        required("Notification", "NotificationSpecification"),
        f("TestEventType", "EventType"),
    ],
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

# The requests the vendor's `Request` element can echo, in its order (2014-08-15
# WSDL, element Request). GetQualificationScore, UpdateQualificationScore and a few
# others have no slot there. We declare the slots of the operations we serve.
_VENDOR_ECHO_ORDER = (
    "CreateHIT", "RegisterHITType", "DisposeHIT", "DisableHIT", "GetHIT", "GetAssignment",
    "GetReviewResultsForHIT", "GetReviewableHITs", "GetHITsForQualificationType",
    "GetQualificationsForQualificationType", "SetHITAsReviewing", "SearchHITs", "ExtendHIT",
    "ForceExpireHIT", "ChangeHITTypeOfHIT", "CreateQualificationType",
    "DisposeQualificationType", "GrantQualification", "AssignQualification",
    "RevokeQualification", "GetQualificationRequests", "RejectQualificationRequest",
    "GetQualificationType", "SearchQualificationTypes", "UpdateQualificationType",
    "ApproveAssignment", "RejectAssignment", "ApproveRejectedAssignment", "GetAssignmentsForHIT",
    "GetFileUploadURL", "GrantBonus", "GetBonusPayments", "GetAccountBalance", "NotifyWorkers",
    "GetBlockedWorkers", "BlockWorker", "UnblockWorker", "GetRequesterStatistic",
    "GetRequesterWorkerStatistic", "Help",
)  # fmt: skip
ECHOED_REQUESTS = tuple(
    name + "Request" for name in _VENDOR_ECHO_ORDER if name + "Request" in REQUEST_TYPES
)

_STATUS_ONLY = [f("Request", "Request")]


def _hit_page() -> list[Field]:
    return [
        f("Request", "Request"),
        f("PageNumber", INT),
        f("NumResults", INT),
        f("TotalNumResults", INT),
        many("HIT", "HIT"),
    ]


# Response-side types.
RESULT_TYPES: dict[str, list[Field]] = {
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
    "SetHITTypeNotificationResult": _STATUS_ONLY,
    "GrantBonusResult": _STATUS_ONLY,
    "DataPoint": [required("Date", DATETIME), f("LongValue", LONG), f("DoubleValue", DOUBLE)],
    "GetStatisticResult": [
        f("Request", "Request"),
        many("DataPoint", "DataPoint"),
        f("Statistic", "RequesterStatistic"),
        f("TimePeriod", "TimePeriod"),
        f("WorkerId"),
    ],
    "BonusPayment": [
        f("Request", "Request"),
        f("WorkerId"),
        f("BonusAmount", "Price"),
        f("AssignmentId"),
        f("Reason"),
        f("GrantTime", DATETIME),
    ],
    "GetBonusPaymentsResult": [
        f("Request", "Request"),
        f("NumResults", INT),
        f("PageNumber", INT),
        f("TotalNumResults", INT),
        many("BonusPayment", "BonusPayment"),
    ],
    "SendTestEventNotificationResult": _STATUS_ONLY,
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
    "HIT": [
        f("Request", "Request"),
        f("HITId"),
        f("HITTypeId"),
        f("HITGroupId"),
        f("HITLayoutId"),
        f("CreationTime", DATETIME),
        f("Title"),
        f("Description"),
        f("Question"),
        f("Keywords"),
        f("HITStatus", "HITStatus"),
        f("MaxAssignments", INT),
        f("Reward", "Price"),
        f("AutoApprovalDelayInSeconds", LONG),
        f("Expiration", DATETIME),
        f("AssignmentDurationInSeconds", LONG),
        f("RequesterAnnotation"),
        many("QualificationRequirement", "QualificationRequirement"),
        f("HITReviewStatus", "HITReviewStatus"),
        f("NumberOfAssignmentsPending", INT),
        f("NumberOfAssignmentsAvailable", INT),
        f("NumberOfAssignmentsCompleted", INT),
    ],
    "Assignment": [
        f("Request", "Request"),
        f("AssignmentId"),
        f("WorkerId"),
        f("HITId"),
        f("AssignmentStatus", "AssignmentStatus"),
        f("AutoApprovalTime", DATETIME),
        f("AcceptTime", DATETIME),
        f("SubmitTime", DATETIME),
        f("ApprovalTime", DATETIME),
        f("RejectionTime", DATETIME),
        f("Deadline", DATETIME),
        f("Answer"),
        f("RequesterFeedback"),
    ],
    "ReviewResultDetail": [
        required("ActionId"),
        required("SubjectId"),
        required("SubjectType"),
        f("QuestionId"),
        required("Key"),
        required("Value"),
    ],
    "ReviewActionDetail": [
        required("ActionId"),
        required("ActionName"),
        required("ObjectId"),
        required("ObjectType"),
        required("Status", "ReviewActionStatus"),
        f("CompleteTime", DATETIME),
        f("Result"),
        f("ErrorCode"),
    ],
    "ReviewReport": [
        f("PageNumber", INT),
        f("NumResults", INT),
        f("TotalNumResults", INT),
        many("ReviewResult", "ReviewResultDetail"),
        many("ReviewAction", "ReviewActionDetail"),
    ],
    "RegisterHITTypeResult": [f("Request", "Request"), f("HITTypeId")],
    "SearchHITsResult": _hit_page(),
    "GetReviewableHITsResult": _hit_page(),
    "GetHITsForQualificationTypeResult": _hit_page(),
    "ChangeHITTypeOfHITResult": _STATUS_ONLY,
    "ExtendHITResult": _STATUS_ONLY,
    "ForceExpireHITResult": _STATUS_ONLY,
    "DisableHITResult": _STATUS_ONLY,
    "DisposeHITResult": _STATUS_ONLY,
    "SetHITAsReviewingResult": _STATUS_ONLY,
    "GetAssignmentResult": [
        f("Request", "Request"),
        f("Assignment", "Assignment"),
        f("HIT", "HIT"),
    ],
    "GetAssignmentsForHITResult": [
        f("Request", "Request"),
        f("PageNumber", INT),
        f("NumResults", INT),
        f("TotalNumResults", INT),
        many("Assignment", "Assignment"),
    ],
    "ApproveAssignmentResult": _STATUS_ONLY,
    "RejectAssignmentResult": _STATUS_ONLY,
    "ApproveRejectedAssignmentResult": _STATUS_ONLY,
    "GetFileUploadURLResult": [f("Request", "Request"), required("FileUploadURL")],
    "GetReviewResultsForHITResult": [
        f("Request", "Request"),
        required("HITId"),
        f("AssignmentReviewPolicy", "ReviewPolicy"),
        f("HITReviewPolicy", "ReviewPolicy"),
        f("AssignmentReviewReport", "ReviewReport"),
        f("HITReviewReport", "ReviewReport"),
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
