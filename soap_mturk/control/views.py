"""Entities as JSON-ready dicts for the control API: the vendor's structures
(the same fields the Requester API answers with), plus what only the emulator's
own view shows (a type's owner, a request's status)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from soap_mturk.api.hit_operations import assignment_fields, hit_fields
from soap_mturk.api.operations import (
    qualification_fields,
    qualification_type_fields,
    request_fields,
)
from soap_mturk.domain.hit_rules import HITState
from soap_mturk.domain.identity import format_time
from soap_mturk.domain.model import (
    Assignment,
    NotificationDelivery,
    Qualification,
    QualificationRequest,
    QualificationType,
    WorkerBlock,
    WorkerMessage,
)


def _json(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: format_time(v) if isinstance(v, datetime) else v for k, v in fields.items()}


def qualification_type(t: QualificationType) -> dict:
    # The control API is the operator's view: it shows the AnswerKey, as to the owner.
    return {**_json(qualification_type_fields(t)), "Owner": t.owner}


def qualification(q: Qualification) -> dict:
    return _json(qualification_fields(q))


def qualification_request(r: QualificationRequest) -> dict:
    return {**_json(request_fields(r)), "Status": r.status}


def worker_block(b: WorkerBlock) -> dict:
    return {
        "Requester": b.requester,
        "WorkerId": b.worker_id,
        "Reason": b.reason,
        "BlockTime": format_time(b.block_time),
    }


def worker_message(m: WorkerMessage) -> dict:
    return {
        "MessageId": m.id,
        "Requester": m.requester,
        "WorkerId": m.worker_id,
        "Subject": m.subject,
        "MessageText": m.text,
        "SendTime": format_time(m.send_time),
    }


def hit(state: HITState) -> dict:
    """A HIT with everything the Requester API can show of it, and its owner."""
    fields = hit_fields(state, {"Minimal", "HITDetail", "HITQuestion", "HITAssignmentSummary"})
    fields["Reward"] = {**fields["Reward"], "Amount": str(fields["Reward"]["Amount"])}
    return {**_json(fields), "Owner": state.hit.owner}


def hit_for_worker(state: HITState, can_accept: bool | None = None) -> dict:
    """A HIT as a worker sees it: no RequesterAnnotation (only its requester sees that)."""
    view = hit(state)
    view.pop("RequesterAnnotation", None)
    view.pop("Owner", None)
    if can_accept is not None:
        view["CanAccept"] = can_accept
    return view


def assignment(a: Assignment) -> dict:
    # Accepted, Returned and Abandoned are the emulator's own states (the API's
    # AssignmentStatus has only Submitted, Approved, Rejected); Deadline shows too.
    return {**_json(assignment_fields(a, feedback=True)), "Deadline": format_time(a.deadline)}


def notification(d: NotificationDelivery) -> dict:
    return {
        "NotificationId": d.id,
        "Requester": d.requester,
        "Transport": d.transport,
        "Destination": d.destination,
        "Version": d.version,
        "Events": d.events,
        "Status": d.status,
        "Attempts": d.attempts,
        "LastError": d.last_error,
        "CreatedTime": format_time(d.created_time),
    }
