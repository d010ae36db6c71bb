"""Who is calling. Every protocol gathers the caller's claims and asks one
`Authenticator`, before any operation runs; failures of the call as a whole are
answered in `OperationRequest/Errors` with no results."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from soap_mturk.domain import errors

SERVICE = "AWSMechanicalTurkRequester"


@dataclass(frozen=True)
class Claims:
    operation: str
    access_key: str | None
    timestamp: str | None  # exactly as received: signatures are computed over this text
    signature: str | None
    # REST only: every parameter as received, and the parts of the HTTP request
    # that AWS signature version 2 signs.
    parameters: Mapping[str, str] = field(default_factory=dict)
    http_method: str = "POST"
    host: str = ""
    path: str = "/"


class Authenticator(Protocol):
    def authenticate(self, claims: Claims) -> str:
        """The caller's identity (its access key id), or raise MTurkError."""


class AccessKeyIdentity:
    """Takes the access key as the caller's identity without checking a signature."""

    description = "off (the access key is the identity; signatures are not checked)"

    def authenticate(self, claims: Claims) -> str:
        # Even unchecked, a call must carry the claims every legacy client sent,
        # with the code the verifier gives for their absence.
        if not claims.access_key:
            raise errors.BadClaimsSupplied("The request carries no AWSAccessKeyId.")
        if not claims.timestamp:
            raise errors.BadClaimsSupplied("The request carries no Timestamp.")
        return claims.access_key


def rest_claims(parameters: Mapping[str, str], http_method: str, host: str, path: str) -> Claims:
    """The claims of a REST call: every query or form parameter as received (one value
    each), the HTTP method, the Host header as sent (with its port, if any) and the
    request path. Pass them to the app's authenticator, as the SOAP endpoint does."""
    return Claims(
        operation=parameters.get("Operation", ""),
        access_key=parameters.get("AWSAccessKeyId"),
        timestamp=parameters.get("Timestamp"),
        signature=parameters.get("Signature"),
        parameters=dict(parameters),
        http_method=http_method,
        host=host,
        path=path or "/",
    )
