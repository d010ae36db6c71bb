"""Verifying a call's claims: the one place every protocol asks who is calling.

SOAP claims carry no `parameters` and are checked with the vendor's scheme. REST
claims (see `rest_claims`) carry every parameter; their `SignatureVersion` picks the
scheme: absent or 0 the vendor's, 1 or 2 AWS's (see signing.py).

Which code for which failure: the reference's one captured authentication failure
answers `AWS.NotAuthorized`, for a key the service would not accept; so an unknown
access key and a signature that does not match get that code. Claims that cannot be
checked at all (absent, unparseable, an unknown signature method) and a Timestamp
outside the allowed window are `AWS.BadClaimsSupplied`: the identity may be fine,
the claims about the request are not.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from soap_mturk.auth import AccessKeyIdentity, Authenticator, Claims
from soap_mturk.auth.requesters import RequesterRegistry
from soap_mturk.auth.signing import (
    V2_METHODS,
    hmac_base64,
    same_signature,
    v1_string_to_sign,
    v2_string_to_sign,
    vendor_string_to_sign,
)
from soap_mturk.auth.timestamps import parse_timestamp
from soap_mturk.domain import MTurkError, errors
from soap_mturk.domain.identity import utc_now

DEFAULT_CLOCK_SKEW = timedelta(minutes=15)

# Checked against when the key is unknown, so that case costs what a wrong signature costs.
_NO_SECRET = "soap-mturk: no such requester"


def _bad_claims(message: str) -> MTurkError:
    return errors.BadClaimsSupplied(message)


class SignatureVerifier:
    def __init__(
        self,
        requesters: RequesterRegistry,
        clock_skew: timedelta = DEFAULT_CLOCK_SKEW,
        clock: Callable[[], datetime] = utc_now,
    ):
        self.requesters = requesters
        self.clock_skew = clock_skew
        self.clock = clock

    @property
    def description(self) -> str:
        seconds = int(self.clock_skew.total_seconds())
        return f"verify (signatures checked; Timestamp within {seconds} s of the server clock)"

    def authenticate(self, claims: Claims) -> str:
        access_key = claims.access_key or claims.parameters.get("AWSAccessKeyId")
        if not access_key:
            raise _bad_claims("The request carries no AWSAccessKeyId.")
        if not claims.signature:
            raise _bad_claims("The request carries no Signature.")
        if not claims.timestamp:
            raise _bad_claims("The request carries no Timestamp.")
        try:
            sent_at = parse_timestamp(claims.timestamp)
        except ValueError:
            raise _bad_claims(
                f"Timestamp {claims.timestamp!r} is not a dateTime such as 2008-01-31T23:59:59.123Z."
            ) from None

        requester = self.requesters.get(access_key)
        secret = requester.secret_key if requester else _NO_SECRET
        matched, string_to_sign = self._check_signature(claims, secret)
        if requester is None:
            raise errors.NotAuthorized(
                f"The identity contained in the request is not authorized to use this "
                f"AWSAccessKeyId ({access_key}).",
            )
        if not matched:
            raise errors.NotAuthorized(
                "The request signature does not match the one computed with the secret key of "
                f"AWSAccessKeyId {access_key}. The string signed was {string_to_sign!r}.",
            )

        now = self.clock()
        if abs(now - sent_at) > self.clock_skew:
            seconds = int(self.clock_skew.total_seconds())
            raise _bad_claims(
                f"Timestamp {claims.timestamp!r} is more than {seconds} seconds from the "
                f"server's time {now.isoformat()}."
            )
        return access_key

    def _check_signature(self, claims: Claims, secret: str) -> tuple[bool, str]:
        """Whether the signature matches, and the string that was signed."""
        version = claims.parameters.get("SignatureVersion") if claims.parameters else None
        if version in (None, "0"):
            signed = vendor_string_to_sign(claims.operation, claims.timestamp or "")
            return same_signature(hmac_base64(secret, signed), claims.signature or ""), signed
        if version == "1":
            signed = v1_string_to_sign(claims.parameters)
            return same_signature(hmac_base64(secret, signed), claims.signature or ""), signed
        if version == "2":
            method = claims.parameters.get("SignatureMethod")
            digest = V2_METHODS.get(method or "")
            if digest is None:
                raise _bad_claims(
                    f"SignatureMethod {method!r} is not supported with SignatureVersion 2; "
                    "use HmacSHA256 or HmacSHA1."
                )
            # Clients disagree on whether a non-default port is part of the signed host
            # (boto 2 leaves it out, the AWS Java SDK puts it in): accept either.
            hosts = [claims.host]
            if ":" in claims.host and not claims.host.endswith("]"):
                hosts.append(claims.host.rsplit(":", 1)[0])
            matched, first = False, ""
            for host in hosts:
                signed = v2_string_to_sign(claims.http_method, host, claims.path, claims.parameters)
                first = first or signed
                matched |= same_signature(
                    hmac_base64(secret, signed, digest), claims.signature or ""
                )
            return matched, first
        raise _bad_claims(f"SignatureVersion {version!r} is not supported; use 0, 1 or 2.")


def authenticator_for(
    mode: str, requesters: RequesterRegistry, clock_skew: timedelta = DEFAULT_CLOCK_SKEW
) -> Authenticator:
    """The authenticator `--auth verify|off` names."""
    if mode == "verify":
        return SignatureVerifier(requesters, clock_skew)
    if mode == "off":
        return AccessKeyIdentity()
    raise ValueError(f"unknown auth mode {mode!r}")
