"""Entities as JSON-ready dicts for the control API: the vendor's structures
(the same fields the Requester API answers with), plus what only the emulator's
own view shows (a type's owner, a request's status)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from soap_mturk.api.operations import (
    qualification_fields,
    qualification_type_fields,
    request_fields,
)
from soap_mturk.domain.identity import format_time
from soap_mturk.domain.model import (
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
