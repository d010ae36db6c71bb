"""Help: what the service said about its own operations and response groups.

No captured Help answer survives and the reference does not describe the
operation, so the emulator answers from its own tables, which are the contract:
an operation's required and available parameters are its request type's fields
(api.schema), and the response groups are those this emulator honours.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from soap_mturk.api.schema import Field
from soap_mturk.domain import MTurkError

# Every operation answers Minimal by default and echoes its request with Request.
DEFAULT_RESPONSE_GROUPS = ["Minimal"]
RESPONSE_GROUPS = {
    "Minimal": "The result's own elements.",
    "Request": "The result's Request element also echoes the request.",
}


def operation_information(name: str, fields: Sequence[Field]) -> dict:
    parameters = [fd.name for fd in fields if fd.name != "ResponseGroup"]
    return {
        "Name": name,
        "Description": f"The {name} operation of the Requester API.",
        "RequiredParameters": {"Parameter": [fd.name for fd in fields if fd.min >= 1]} or None,
        "AvailableParameters": {"Parameter": parameters} if parameters else None,
        "DefaultResponseGroups": {"ResponseGroup": DEFAULT_RESPONSE_GROUPS},
        "AvailableResponseGroups": {"ResponseGroup": list(RESPONSE_GROUPS)},
    }


def response_group_information(name: str, operations: Sequence[str]) -> dict:
    return {"Name": name, "ValidOperations": {"Operation": list(operations)}}


def help_information(
    about: Sequence[str] | None,
    help_type: str | None,
    operations: Mapping[str, Sequence[Field]],
) -> dict:
    """The Information element for one Help request. `operations` maps each
    operation the caller's version serves to its request fields."""
    if not about:
        raise MTurkError.missing("About")
    kind = help_type or "Operation"
    if kind not in ("Operation", "ResponseGroup"):
        raise MTurkError.invalid("HelpType", kind, "expected Operation or ResponseGroup")
    if kind == "Operation":
        found = []
        for name in about:
            if name not in operations:
                raise MTurkError.invalid("About", name, "not an operation of the Requester API")
            info = operation_information(name, operations[name])
            if not info["RequiredParameters"]["Parameter"]:
                info["RequiredParameters"] = None
            found.append(info)
        return {"OperationInformation": found}
    groups = []
    for name in about:
        if name not in RESPONSE_GROUPS:
            raise MTurkError.invalid("About", name, "not a response group")
        groups.append(response_group_information(name, sorted(operations)))
    return {"ResponseGroupInformation": groups}
