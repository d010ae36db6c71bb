"""How one call's batch of requests becomes its results.

Each request runs on its own: a failure becomes that result's `Request/Errors` with
IsValid=False, and the other requests still run. Every result starts with a
`Request` element; it echoes the request when the ResponseGroup asks for `Request`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from soap_mturk.api.operations import Operation, Request, Result
from soap_mturk.api.schema import ECHOED_REQUESTS
from soap_mturk.domain import Code, MTurkError, QualificationService
from soap_mturk.domain.identity import utc_now

log = logging.getLogger(__name__)


def error_fields(*errors: MTurkError) -> Result:
    # The vendor ended every message with the time of the failure in epoch
    # milliseconds, " (1431966452419 s)" (boto issues #3171 and #3565, vatic #113).
    stamp = f" ({int(utc_now().timestamp() * 1000)} s)"
    return {
        "Error": [
            {
                "Code": e.code,
                "Message": e.message + stamp,
                "Data": [{"Key": key, "Value": value} for key, value in e.data] or None,
            }
            for e in errors
        ]
    }


def run_one(op: Operation, domain: QualificationService, caller: str, request: Request) -> Result:
    try:
        body = op.handler(domain, caller, request)
        status: Result = {"IsValid": "True"}
    except MTurkError as error:
        body = {}
        status = {"IsValid": "False", "Errors": error_fields(error)}
    except Exception:  # a bug of ours must not take the batch or the server down
        log.exception("%s failed", op.name)
        error = MTurkError(Code.SERVICE_UNAVAILABLE, "The request could not be processed.")
        body = {}
        status = {"IsValid": "False", "Errors": error_fields(error)}
    if "Request" in (request.get("ResponseGroup") or ()) and op.request_type in ECHOED_REQUESTS:
        status[op.request_type] = dict(request)
    return {"Request": status, **body}


def run_batch(
    op: Operation, domain: QualificationService, caller: str, requests: Sequence[Request]
) -> list[Result]:
    # A call without any Request element is answered like one empty request, which
    # reports the missing parameters rather than answering nothing.
    return [run_one(op, domain, caller, r) for r in (requests or [{}])]
