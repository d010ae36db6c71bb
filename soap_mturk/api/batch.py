"""How one call's batch of requests becomes its results.

Each request runs on its own: a failure becomes that result's `Request/Errors` with
IsValid=False, and the other requests still run. Every result starts with a
`Request` element; it echoes the request when the ResponseGroup asks for `Request`.

Two bounds keep one call from taking the server over. A call holds at most
MAX_BATCH requests (the vendor's documents give no number; every legacy SDK sends
one request per call, and 100 is the largest page the API serves). And once the
results written so far pass MAX_ANSWER_BYTES, the requests still waiting are not
run: each is answered AWS.ServiceUnavailable, which the vendor's SDKs retry, and
rightly, as nothing of them was done.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from datetime import datetime

from soap_mturk.api import context as request_context
from soap_mturk.api.operations import Operation, Request, Result
from soap_mturk.api.schema import ECHOED_REQUESTS
from soap_mturk.domain import MTurkError, errors
from soap_mturk.domain.identity import utc_now
from soap_mturk.domain.service import Domain
from soap_mturk.versions import LATEST, ApiVersion

log = logging.getLogger(__name__)

MAX_BATCH = 100
MAX_ANSWER_BYTES = 8 * 1024 * 1024


def error_fields(*failures: MTurkError) -> Result:
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
            for e in failures
        ]
    }


class Unreadable(dict):
    """A request the codec could not read (a value out of its type's range): it is
    answered with its error, and the batch's other requests still run."""

    def __init__(self, error: MTurkError):
        super().__init__()
        self.error = error


def _handle(
    op: Operation, domain: Domain, caller: str, request: Request, version: ApiVersion
) -> Result:
    """The handler's answer, the handler knowing the caller's version."""
    token = request_context.VERSION.set(version)
    try:
        return op.handler(domain, caller, request)
    finally:
        request_context.VERSION.reset(token)


def run_one(
    op: Operation,
    domain: Domain,
    caller: str,
    request: Request,
    version: ApiVersion = LATEST,
) -> Result:
    """One request as the version named it (its field names, its rules), answered
    the same way."""
    try:
        if isinstance(request, Unreadable):
            raise request.error
        body = _handle(op, domain, caller, version.from_wire(op.request_type, request), version)
        body = version.to_wire(op.result_type, body)
        status: Result = {"IsValid": "True"}
    except MTurkError as error:
        body = {}
        status = {"IsValid": "False", "Errors": error_fields(error)}
    except Exception:  # a bug of ours must not take the batch or the server down
        log.exception("%s failed", op.name)
        failure = errors.ServiceUnavailable("The request could not be processed.")
        body = {}
        status = {"IsValid": "False", "Errors": error_fields(failure)}
    if "Request" in (request.get("ResponseGroup") or ()) and op.request_type in ECHOED_REQUESTS:
        # The request as the caller sent it, in the slot the version names for it.
        status[version.wire_name("Request", op.request_type)] = dict(request)
    return {"Request": status, **body}


def _size(value: object) -> int:
    """About how many bytes a value takes once written as XML (names twice, text)."""
    if isinstance(value, dict):
        return sum(2 * len(k) + 5 + _size(v) for k, v in value.items() if v is not None)
    if isinstance(value, list):
        return sum(_size(v) for v in value)
    if isinstance(value, str):
        return len(value)
    if isinstance(value, datetime):
        return 20
    return 12


_NOT_RUN = errors.ServiceUnavailable(
    f"This request was not run: the answer to the batch had reached {MAX_ANSWER_BYTES} bytes. "
    "Send it again in another call.",
)


def run_batch(
    op: Operation,
    domain: Domain,
    caller: str,
    requests: Sequence[Request],
    version: ApiVersion = LATEST,
    request_id: str = "",
) -> list[Result]:
    request_context.REQUEST_ID.set(request_id)  # the id this call is answered with
    domain = domain.under(version.rules)
    # A call without any Request element is answered like one empty request, which
    # reports the missing parameters rather than answering nothing.
    if len(requests) <= 1:  # one request is always answered
        return [run_one(op, domain, caller, r, version) for r in (requests or [{}])]
    results, written = [], 0
    for request in requests:
        if written > MAX_ANSWER_BYTES:
            results.append({"Request": {"IsValid": "False", "Errors": error_fields(_NOT_RUN)}})
            continue
        result = run_one(op, domain, caller, request, version)
        written += _size(result)
        results.append(result)
    return results


def answer_call(
    op: Operation,
    domain: Domain,
    caller: str | MTurkError,
    requests: Sequence[Request],
    version: ApiVersion = LATEST,
) -> dict:
    """An operation's answer as plain data, in the version's names and by its rules:
    the call's RequestId, then a result for each request, or only the error that
    refused the call as a whole."""
    request_id = str(uuid.uuid4())
    if isinstance(caller, MTurkError):
        return {"OperationRequest": {"RequestId": request_id, "Errors": error_fields(caller)}}
    results = run_batch(op, domain, caller, requests, version, request_id)
    return {"OperationRequest": {"RequestId": request_id}, op.result_element: results}
