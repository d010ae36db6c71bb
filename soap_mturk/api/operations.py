"""The operation table: for each operation, which domain call answers a request and
which element carries its result. Requests and results are dicts keyed by the
vendor's element names; values are Python values (str, int, bool, datetime)."""

from __future__ import annotations

from soap_mturk.api import context as request_context
from soap_mturk.api.help import help_information
from soap_mturk.api.hit_operations import HIT_OPERATIONS
from soap_mturk.api.operation import Operation, Request, Result, page_fields
from soap_mturk.domain import Qualification, QualificationRequest, QualificationService
from soap_mturk.domain.model import QualificationType
from soap_mturk.domain.money import price

# --- domain entities as the vendor's structures -------------------------------------


def qualification_type_fields(qtype: QualificationType) -> Result:
    return {
        "QualificationTypeId": qtype.id,
        "CreationTime": qtype.creation_time,
        "Name": qtype.name,
        "Description": qtype.description,
        "Keywords": qtype.keywords,
        "QualificationTypeStatus": qtype.status,
        "Test": qtype.test,
        "TestDurationInSeconds": qtype.test_duration,
        "AnswerKey": qtype.answer_key,  # the domain hands it to its owner alone
        "RetryDelayInSeconds": qtype.retry_delay,
        "IsRequestable": qtype.is_requestable,
        "AutoGranted": qtype.auto_granted,
        "AutoGrantedValue": qtype.auto_granted_value,
    }


def qualification_fields(q: Qualification) -> Result:
    locale = None
    if q.locale is not None:
        locale = {"Country": q.locale.country, "Subdivision": q.locale.subdivision}
    return {
        "QualificationTypeId": q.type_id,
        "SubjectId": q.subject_id,
        "GrantTime": q.grant_time,
        "IntegerValue": q.integer_value,
        "LocaleValue": locale,
        "Status": q.status,
    }


def request_fields(r: QualificationRequest) -> Result:
    return {
        "QualificationRequestId": r.id,
        "QualificationTypeId": r.type_id,
        "SubjectId": r.subject_id,
        "Test": r.test,
        "Answer": r.answer,
        "SubmitTime": r.submit_time,
    }


# --- handlers ------------------------------------------------------------------------


def _create_type(d: QualificationService, caller: str, r: Request) -> Result:
    qtype = d.create_type(
        caller,
        name=r.get("Name"),
        description=r.get("Description"),
        status=r.get("QualificationTypeStatus"),
        keywords=r.get("Keywords"),
        retry_delay=r.get("RetryDelayInSeconds"),
        test=r.get("Test"),
        answer_key=r.get("AnswerKey"),
        test_duration=r.get("TestDurationInSeconds"),
        auto_granted=r.get("AutoGranted"),
        auto_granted_value=r.get("AutoGrantedValue"),
    )
    return qualification_type_fields(qtype)


def _get_type(d: QualificationService, caller: str, r: Request) -> Result:
    return qualification_type_fields(d.get_type(caller, r.get("QualificationTypeId")))


def _update_type(d: QualificationService, caller: str, r: Request) -> Result:
    qtype = d.update_type(
        caller,
        r.get("QualificationTypeId"),
        description=r.get("Description"),
        status=r.get("QualificationTypeStatus"),
        test=r.get("Test"),
        answer_key=r.get("AnswerKey"),
        test_duration=r.get("TestDurationInSeconds"),
        retry_delay=r.get("RetryDelayInSeconds"),
        auto_granted=r.get("AutoGranted"),
        auto_granted_value=r.get("AutoGrantedValue"),
    )
    return qualification_type_fields(qtype)


def _search_types(d: QualificationService, caller: str, r: Request) -> Result:
    page = d.search_types(
        caller,
        must_be_requestable=r.get("MustBeRequestable"),
        query=r.get("Query"),
        must_be_owned_by_caller=r.get("MustBeOwnedByCaller"),
        sort_property=r.get("SortProperty"),
        sort_direction=r.get("SortDirection"),
        page_number=r.get("PageNumber"),
        page_size=r.get("PageSize"),
    )
    items = [qualification_type_fields(t) for t in page.items]
    return page_fields(page, "QualificationType", items)


def _dispose_type(d: QualificationService, caller: str, r: Request) -> Result:
    d.dispose_type(caller, r.get("QualificationTypeId"))
    return {}


def _assign(d: QualificationService, caller: str, r: Request) -> Result:
    d.assign(
        caller,
        r.get("QualificationTypeId"),
        r.get("WorkerId"),
        r.get("IntegerValue"),
        r.get("SendNotification"),
    )
    return {}


def _revoke(d: QualificationService, caller: str, r: Request) -> Result:
    d.revoke(caller, r.get("QualificationTypeId"), r.get("SubjectId"), r.get("Reason"))
    return {}


def _get_score(d: QualificationService, caller: str, r: Request) -> Result:
    return qualification_fields(
        d.get_score(caller, r.get("QualificationTypeId"), r.get("SubjectId"))
    )


def _update_score(d: QualificationService, caller: str, r: Request) -> Result:
    d.update_score(caller, r.get("QualificationTypeId"), r.get("SubjectId"), r.get("IntegerValue"))
    return {}


def _list_qualifications(d: QualificationService, caller: str, r: Request) -> Result:
    page = d.list_qualifications(
        caller,
        r.get("QualificationTypeId"),
        r.get("Status"),
        r.get("PageNumber"),
        r.get("PageSize"),
    )
    return page_fields(page, "Qualification", [qualification_fields(q) for q in page.items])


def _list_requests(d: QualificationService, caller: str, r: Request) -> Result:
    page = d.list_requests(
        caller,
        r.get("QualificationTypeId"),
        r.get("SortProperty"),
        r.get("SortDirection"),
        r.get("PageNumber"),
        r.get("PageSize"),
    )
    return page_fields(page, "QualificationRequest", [request_fields(q) for q in page.items])


def _grant(d: QualificationService, caller: str, r: Request) -> Result:
    d.grant_request(caller, r.get("QualificationRequestId"), r.get("IntegerValue"))
    return {}


def _reject(d: QualificationService, caller: str, r: Request) -> Result:
    d.reject_request(caller, r.get("QualificationRequestId"), r.get("Reason"))
    return {}


# --- the account, workers, help -----------------------------------------------------


def _account_balance(d, caller: str, r: Request) -> Result:
    # AvailableBalance alone: OnHoldBalance is "Not used" (reference, GetAccountBalance)
    # and absent from the captured answer (captured-rest-responses/get_account_balance.xml).
    return {"AvailableBalance": price(d.accounts.balance(caller))}


def _block(d, caller: str, r: Request) -> Result:
    d.requester_workers.block(caller, r.get("WorkerId"), r.get("Reason"))
    return {}


def _unblock(d, caller: str, r: Request) -> Result:
    d.requester_workers.unblock(caller, r.get("WorkerId"), r.get("Reason"))
    return {}


def _blocked(d, caller: str, r: Request) -> Result:
    page = d.requester_workers.blocked(caller, r.get("PageNumber"), r.get("PageSize"))
    blocks = [{"WorkerId": b.worker_id, "Reason": b.reason} for b in page.items]
    return page_fields(page, "WorkerBlock", blocks)


def _notify(d, caller: str, r: Request) -> Result:
    d.requester_workers.notify(caller, r.get("Subject"), r.get("MessageText"), r.get("WorkerId"))
    return {}


def _grant_bonus(d, caller: str, r: Request) -> Result:
    d.bonuses.grant(
        caller,
        r.get("WorkerId"),
        r.get("AssignmentId"),
        r.get("BonusAmount"),
        r.get("Reason"),
        r.get("UniqueRequestToken"),
    )
    return {}


def _bonus_payments(d, caller: str, r: Request) -> Result:
    page = d.bonuses.payments(
        caller, r.get("HITId"), r.get("AssignmentId"), r.get("PageNumber"), r.get("PageSize")
    )
    payments = [
        {
            "WorkerId": p.worker_id,
            "BonusAmount": price(p.amount),
            "AssignmentId": p.assignment_id,
            "Reason": p.reason,
            "GrantTime": p.grant_time,
        }
        for p in page.items
    ]
    return page_fields(page, "BonusPayment", payments)


def _statistic_result(points, statistic, period, worker_id=None) -> Result:
    return {
        "DataPoint": [
            {"Date": p.date, "DoubleValue": p.value}
            if p.is_double
            else {"Date": p.date, "LongValue": p.value}
            for p in points
        ],
        "Statistic": statistic,
        "TimePeriod": period,
        "WorkerId": worker_id,
    }


def _requester_statistic(d, caller: str, r: Request) -> Result:
    points = d.statistics.requester(caller, r.get("Statistic"), r.get("TimePeriod"), r.get("Count"))
    return _statistic_result(points, r.get("Statistic"), r.get("TimePeriod"))


def _worker_statistic(d, caller: str, r: Request) -> Result:
    points = d.statistics.worker(
        caller, r.get("Statistic"), r.get("TimePeriod"), r.get("WorkerId"), r.get("Count")
    )
    return _statistic_result(points, r.get("Statistic"), r.get("TimePeriod"), r.get("WorkerId"))


def _set_notification(d, caller: str, r: Request) -> Result:
    d.notifications.set_for_hit_type(
        caller, r.get("HITTypeId"), r.get("Notification"), r.get("Active")
    )
    return {}


def _test_notification(d, caller: str, r: Request) -> Result:
    d.notifications.send_test(caller, r.get("Notification"), r.get("TestEventType"))
    return {}


def _help(d, caller: str, r: Request) -> Result:
    """The caller's version's operations, with its request fields."""
    version = request_context.version()
    fields = {
        name: version.types[op.request_type] for name, op in OPERATIONS.items() if version.has(name)
    }
    return help_information(r.get("About"), r.get("HelpType"), fields)


def _result(name: str) -> tuple[str, str]:
    return name + "Result", name + "Result"


OPERATIONS: dict[str, Operation] = {
    op.name: op
    for op in (
        Operation(
            "CreateQualificationType", "QualificationType", "QualificationType", _create_type
        ),
        Operation("GetQualificationType", "QualificationType", "QualificationType", _get_type),
        Operation(
            "UpdateQualificationType", "QualificationType", "QualificationType", _update_type
        ),
        Operation("SearchQualificationTypes", *_result("SearchQualificationTypes"), _search_types),
        Operation("DisposeQualificationType", *_result("DisposeQualificationType"), _dispose_type),
        Operation("AssignQualification", *_result("AssignQualification"), _assign),
        Operation("RevokeQualification", *_result("RevokeQualification"), _revoke),
        Operation("GetQualificationScore", "Qualification", "Qualification", _get_score),
        Operation("UpdateQualificationScore", *_result("UpdateQualificationScore"), _update_score),
        Operation(
            "GetQualificationsForQualificationType",
            *_result("GetQualificationsForQualificationType"),
            _list_qualifications,
        ),
        Operation("GetQualificationRequests", *_result("GetQualificationRequests"), _list_requests),
        Operation("GrantQualification", *_result("GrantQualification"), _grant),
        Operation("RejectQualificationRequest", *_result("RejectQualificationRequest"), _reject),
        Operation("GetAccountBalance", *_result("GetAccountBalance"), _account_balance),
        Operation("BlockWorker", *_result("BlockWorker"), _block),
        Operation("UnblockWorker", *_result("UnblockWorker"), _unblock),
        Operation("GetBlockedWorkers", *_result("GetBlockedWorkers"), _blocked),
        Operation("NotifyWorkers", *_result("NotifyWorkers"), _notify),
        Operation("Help", "Information", "Information", _help),
        Operation("GrantBonus", *_result("GrantBonus"), _grant_bonus),
        Operation(
            "GetRequesterStatistic",
            "GetStatisticResult",
            "GetStatisticResult",
            _requester_statistic,
        ),
        Operation(
            "GetRequesterWorkerStatistic",
            "GetStatisticResult",
            "GetStatisticResult",
            _worker_statistic,
        ),
        Operation("GetBonusPayments", *_result("GetBonusPayments"), _bonus_payments),
        Operation("SetHITTypeNotification", *_result("SetHITTypeNotification"), _set_notification),
        Operation(
            "SendTestEventNotification",
            *_result("SendTestEventNotification"),
            _test_notification,
        ),
    )
}

# The HIT and assignment operations (api/hit_operations.py).
OPERATIONS.update({op.name: op for op in HIT_OPERATIONS})
