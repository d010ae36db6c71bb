"""The REST endpoint: reads the parameters, finds the version and the operation,
authenticates the call, and runs its one request through the api layer.

Failures of the call as a whole are answered in `OperationRequest/Errors`, with
these codes where the reference names none:
- `Service` other than AWSMechanicalTurkRequester: AWS.InvalidServiceParameter.
  An absent Service is accepted: boto 2 never sends it, and it was served.
- no `Operation`: AWS.MissingParameters; an unknown one: AWS.InvalidOperationParameter
  (the codes of the AWS-wide family that AWS.MissingParameters belongs to).
- a `Version` not served: AWS.MechanicalTurk.InvalidParameterValue, which the
  vendor's SDKs map to an exception.
A malformed parameter fails the request, not the call: it is reported in the
result's `Request/Errors`, as the domain's own rejections are.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable

from soap_mturk.api.batch import Unreadable, run_batch
from soap_mturk.api.operations import OPERATIONS
from soap_mturk.auth import SERVICE, Authenticator, rest_claims
from soap_mturk.domain import MTurkError, errors
from soap_mturk.domain.service import Domain
from soap_mturk.protocol.codec import VersionCodec
from soap_mturk.protocol.rest.document import CONTENT_TYPE, call_error_document, response_document
from soap_mturk.protocol.rest.parameters import FORM, content_type, read_parameters
from soap_mturk.protocol.xmlguard import BodyTooLarge
from soap_mturk.versions import BY_DATE, LATEST, VERSIONS, ApiVersion

StartResponse = Callable[..., object]
log = logging.getLogger(__name__)


def is_rest_request(environ: dict) -> bool:
    """GET /?Service=… or /onca/xml, and form POSTs to either; a POST of XML to /
    is SOAP."""
    method = environ.get("REQUEST_METHOD", "GET")
    path = environ.get("PATH_INFO", "/") or "/"
    if path == "/onca/xml":
        return method in ("GET", "POST")
    if path != "/":
        return False
    if method == "GET":
        query = environ.get("QUERY_STRING", "")
        return any(part.split("=", 1)[0] in ("Service", "Operation") for part in query.split("&"))
    return method == "POST" and content_type(environ) == FORM


class RestEndpoint:
    def __init__(
        self,
        domain: Domain,
        authenticator: Authenticator,
        max_body: int,
        default_version: ApiVersion = LATEST,
    ):
        self.domain = domain
        # The version of a call that names none: the latest, as the reference says
        # of the service; another to replay old samples written without `Version`.
        self.default_version = default_version
        self.authenticator = authenticator
        self.max_body = max_body
        self._codecs = {v.date: VersionCodec(v) for v in VERSIONS}

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        request_id = str(uuid.uuid4())
        try:
            return self._handle(environ, start_response, request_id)
        except Exception:  # a bug of ours must answer as the vendor did, not with a trace
            log.exception("REST call failed")
            failure = errors.ServiceUnavailable("The request could not be processed.")
            body = call_error_document(self._codecs[LATEST.date], None, request_id, failure)
            return self._answer(start_response, body, "503 Service Unavailable")

    def _handle(
        self, environ: dict, start_response: StartResponse, request_id: str
    ) -> Iterable[bytes]:
        codec = self._codecs[LATEST.date]
        operation = None
        try:
            parameters = read_parameters(environ, self.max_body)
            operation = parameters.get("Operation")
            version = self._version(parameters)
            codec = self._codecs[version.date]
            op = self._operation(parameters, operation, version)
            # Everything exactly as received: signatures are computed over this text.
            claims = rest_claims(
                parameters,
                http_method=environ.get("REQUEST_METHOD", "GET"),
                host=environ.get("HTTP_HOST", ""),
                path=environ.get("SCRIPT_NAME", "") + (environ.get("PATH_INFO") or "/"),
            )
            caller = self.authenticator.authenticate(claims)
        except BodyTooLarge as error:
            failure = errors.InvalidParameterValue(str(error))
            return self._answer(
                start_response,
                call_error_document(codec, operation, request_id, failure),
                "413 Request Entity Too Large",
            )
        except MTurkError as error:
            return self._answer(
                start_response, call_error_document(codec, operation, request_id, error)
            )

        try:
            request = codec.rest_reader.read(op.request_type, parameters)
        except MTurkError as error:
            request = Unreadable(error)
        results = run_batch(op, self.domain, caller, [request], version, request_id)
        data = {"OperationRequest": {"RequestId": request_id}, op.result_element: results}
        return self._answer(start_response, response_document(codec, op, data))

    def _version(self, parameters: dict[str, str]) -> ApiVersion:
        date = parameters.get("Version") or self.default_version.date
        if date not in BY_DATE:
            served = ", ".join(BY_DATE)
            raise errors.InvalidParameterValue(
                f"The API version {date!r} is not served; served: {served}.",
            )
        return BY_DATE[date]

    @staticmethod
    def _operation(parameters: dict[str, str], operation: str | None, version: ApiVersion):
        service = parameters.get("Service")
        if service is not None and service != SERVICE:
            raise errors.InvalidServiceParameter(
                f"The Service {service!r} is not served; use {SERVICE}.",
            )
        if not operation:
            raise MTurkError.missing("Operation")
        if operation not in OPERATIONS:
            raise errors.InvalidOperationParameter(f"The operation {operation!r} is not served.")
        if operation not in version.operations:
            # To an older version a later operation is as unknown as any other.
            raise errors.InvalidOperationParameter(
                f"The operation {operation!r} is not part of API version {version.date}."
            )
        return OPERATIONS[operation]

    @staticmethod
    def _answer(start_response: StartResponse, body: bytes, status: str = "200 OK") -> list[bytes]:
        start_response(status, [("Content-Type", CONTENT_TYPE), ("Content-Length", str(len(body)))])
        return [body]
