"""Reading a REST call's parameters off the HTTP request: the query string, and
for a POST its form body, as one flat mapping of names to the text received."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl

from soap_mturk.domain import errors
from soap_mturk.protocol.xmlguard import IncompleteBody, read_body

FORM = "application/x-www-form-urlencoded"
# Far more than any operation has; bounds the work a hostile request can cause.
MAX_PARAMETERS = 1000
# Characters XML 1.0 cannot carry: a value holding one could be neither echoed nor
# stored and later answered, over REST or SOAP.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def content_type(environ: dict) -> str:
    return (environ.get("CONTENT_TYPE") or "").split(";")[0].strip().lower()


def _pairs(text: str, where: str) -> list[tuple[str, str]]:
    try:
        return parse_qsl(
            text,
            keep_blank_values=True,
            strict_parsing=False,
            encoding="utf-8",
            errors="strict",
            max_num_fields=MAX_PARAMETERS,
        )
    except UnicodeDecodeError:
        raise errors.InvalidParameterValue(f"The {where} is not valid UTF-8.") from None
    except ValueError:
        raise errors.InvalidParameterValue(
            f"The {where} has more than {MAX_PARAMETERS} parameters."
        ) from None


def read_parameters(environ: dict, max_body: int) -> dict[str, str]:
    """Raises BodyTooLarge, or MTurkError for parameters that cannot be read."""
    pairs = _pairs(environ.get("QUERY_STRING", ""), "query string")
    if environ.get("REQUEST_METHOD") == "POST":
        try:
            body = read_body(environ, max_body)
        except IncompleteBody as error:
            raise errors.InvalidParameterValue(str(error)) from None
        if content_type(environ) == FORM:
            try:
                text = body.decode("ascii")
            except UnicodeDecodeError:  # a form body is percent-encoded ASCII
                raise errors.InvalidParameterValue("The form body is not URL-encoded.") from None
            pairs += _pairs(text, "form body")
        elif body.strip():
            raise errors.InvalidParameterValue(
                f"A REST request's body must be {FORM}, not {content_type(environ) or 'untyped'}.",
            )
    parameters: dict[str, str] = {}
    for name, value in pairs:
        if _NOT_XML.search(name) or _NOT_XML.search(value):
            raise errors.InvalidParameterValue(
                f"The parameter {name!r} holds a character XML cannot carry.",
            )
        # The same name in the query and the form (e.g. Service) is harmless when it
        # agrees; two different values leave no way to know what was meant.
        if parameters.setdefault(name, value) != value:
            raise errors.InvalidParameterValue(
                f"The parameter {name!r} is given twice with different values.",
            )
    return parameters
