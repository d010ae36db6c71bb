"""One spyne Application per API version, its operations generated from the
operation table. spyne declares the operations and complex types, from which it
produces the WSDL (wsdl.py); the endpoint never hands it a request (the codec
reads and writes every message). With a `handler`, the application also runs:
tests use that to hold the codec to spyne's reading and writing (spyne as the
oracle, tests/test_codec_oracle.py)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from spyne import Application, ServiceBase, rpc
from spyne.protocol.soap import Soap11

from soap_mturk.api.operations import OPERATIONS, Operation
from soap_mturk.auth import SERVICE
from soap_mturk.protocol.soap.models import VersionModels, from_plain, to_plain
from soap_mturk.versions import ApiVersion

# spyne logs every client fault with a traceback.
logging.getLogger("spyne").setLevel(logging.CRITICAL)

# (operation, the message as plain data) -> the answer as plain data
Handler = Callable[[Operation, dict], dict]


def _describe_only(op: Operation, message: dict) -> dict:
    raise RuntimeError("this spyne application only describes the service")


def _operation_method(op: Operation, models: VersionModels, handler: Handler):
    response_cls = models.response(op)
    ns = models.namespace

    def method(ctx, message):
        return from_plain(response_cls, handler(op, to_plain(message)))

    method.__name__ = op.name
    return rpc(
        models.message(op),
        _returns=response_cls,
        _body_style="bare",
        _in_message_name=f"{{{ns}}}{op.name}",
        _out_message_name=f"{{{ns}}}{op.name}Response",
    )(method)


def build_application(
    version: ApiVersion,
    handler: Handler = _describe_only,
    in_protocol: Soap11 | None = None,
    out_protocol: Soap11 | None = None,
) -> Application:
    models = VersionModels(version.namespace, version.types, version.enums)
    methods = {
        name: _operation_method(op, models, handler)
        for name, op in OPERATIONS.items()
        if name in version.operations
    }
    service = type(SERVICE, (ServiceBase,), methods)
    return Application(
        [service],
        tns=version.namespace,
        name=SERVICE,
        in_protocol=in_protocol or Soap11(validator=None, parse_xsi_type=False),
        out_protocol=out_protocol or Soap11(),
    )
