"""The signature schemes legacy clients used, as pure functions of the request.

- the vendor's own (every SOAP client, and the vendor SDKs over REST):
  Base64(HMAC-SHA1(secret, "AWSMechanicalTurkRequester" + Operation + Timestamp));
- AWS signature version 1 (boto 2 over REST): HMAC-SHA1 over every parameter's
  name and value, concatenated in case-insensitive name order, Signature excluded;
- AWS signature version 2 (generic AWS query clients): HMAC-SHA256 or HMAC-SHA1 over
  METHOD, host, path and the canonical query, one per line.

Each `*_string_to_sign` is what the secret is applied to; errors may show it,
since it holds nothing secret and is what a client author needs to debug.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

SERVICE = "AWSMechanicalTurkRequester"

V2_METHODS = {"HmacSHA256": hashlib.sha256, "HmacSHA1": hashlib.sha1}


def hmac_base64(secret: str, message: str, digest: Callable[..., Any] = hashlib.sha1) -> str:
    mac = hmac.new(secret.encode("utf-8"), message.encode("utf-8"), digest)
    return base64.b64encode(mac.digest()).decode("ascii")


def vendor_string_to_sign(operation: str, timestamp: str) -> str:
    return SERVICE + operation + timestamp


def v1_string_to_sign(parameters: Mapping[str, str]) -> str:
    names = sorted((n for n in parameters if n != "Signature"), key=str.lower)
    return "".join(name + parameters[name] for name in names)


def _rfc3986(text: str) -> str:
    # AWS's canonical form: only unreserved characters stay as they are; space is %20.
    return quote(text, safe="-_.~")


def v2_string_to_sign(method: str, host: str, path: str, parameters: Mapping[str, str]) -> str:
    pairs = sorted(
        (_rfc3986(name), _rfc3986(value))
        for name, value in parameters.items()
        if name != "Signature"
    )
    query = "&".join(f"{name}={value}" for name, value in pairs)
    return "\n".join([method.upper(), host.lower(), path or "/", query])


def same_signature(expected: str, received: str) -> bool:
    """Constant time, so the comparison does not reveal how much of a guess was right."""
    return hmac.compare_digest(expected.encode("utf-8"), received.encode("utf-8"))
