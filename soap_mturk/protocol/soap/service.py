"""One spyne Application per API version, its operations generated from the
operation table. Each operation body is the same: take the caller the endpoint
authenticated, run the batch through the api layer, and return the results."""

from __future__ import annotations

import logging
import uuid

from spyne import Application, DateTime, ServiceBase, rpc
from spyne.protocol.soap import Soap11
from spyne.server.wsgi import WsgiApplication

from soap_mturk.api.batch import error_fields, run_batch
from soap_mturk.api.operations import OPERATIONS, Operation
from soap_mturk.auth import SERVICE
from soap_mturk.domain import MTurkError, QualificationService
from soap_mturk.protocol.soap.models import VersionModels, format_time, from_plain, to_plain
from soap_mturk.versions import ApiVersion

# Set by the endpoint on the WSGI environ: the caller's id, or the MTurkError that
# refused the call as a whole.
CALLER_KEY = "soap_mturk.caller"

# spyne logs every client fault with a traceback; the client already gets the
# fault, and our own failures are logged by the api layer.
logging.getLogger("spyne").setLevel(logging.CRITICAL)


class VendorSoap11(Soap11):
    """SOAP 1.1 writing times as the vendor did (UTC, milliseconds, trailing Z)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Soap11.__init__ installs its own isoformat() writer for DateTime, which
        # an override of _datetime_to_unicode never reaches.
        self._to_unicode_handlers[DateTime] = lambda cls, value, **_: format_time(value)


def _operation_method(op: Operation, models: VersionModels, domain: QualificationService):
    response_cls = models.response(op)
    ns = models.namespace

    def method(ctx, message):
        request_id = str(uuid.uuid4())
        caller = ctx.transport.req_env.get(CALLER_KEY)
        if isinstance(caller, MTurkError) or caller is None:
            error = caller or MTurkError("AWS.NotAuthorized", "The call was not authenticated.")
            return from_plain(
                response_cls,
                {"OperationRequest": {"RequestId": request_id, "Errors": error_fields(error)}},
            )
        requests = to_plain(message.Request or [])
        results = run_batch(op, domain, caller, requests)
        return from_plain(
            response_cls,
            {"OperationRequest": {"RequestId": request_id}, op.result_element: results},
        )

    method.__name__ = op.name
    return rpc(
        models.message(op),
        _returns=response_cls,
        _body_style="bare",
        _in_message_name=f"{{{ns}}}{op.name}",
        _out_message_name=f"{{{ns}}}{op.name}Response",
    )(method)


def build_application(version: ApiVersion, domain: QualificationService) -> Application:
    models = VersionModels(version.namespace, version.types)
    methods = {name: _operation_method(op, models, domain) for name, op in OPERATIONS.items()}
    service = type(SERVICE, (ServiceBase,), methods)
    return Application(
        [service],
        tns=version.namespace,
        name=SERVICE,
        in_protocol=VendorSoap11(validator=None),
        out_protocol=VendorSoap11(),
    )


def build_wsgi(version: ApiVersion, domain: QualificationService) -> WsgiApplication:
    return WsgiApplication(build_application(version, domain))
