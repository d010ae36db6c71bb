"""What an operation may need to know about the request it came in: the address
the client used, so that a URL it answers (GetFileUploadURL) points back at this
emulator as the client reaches it (set by the server for each request); the
RequestId the call is answered with (set by the batch runner), which ExtendHIT
remembers with its UniqueRequestToken; and the caller's API version (set by
api.batch), so that Help describes that version's operations and an answer
computes an element that costs a query only where the version writes it."""

from __future__ import annotations

from contextvars import ContextVar

from soap_mturk.versions import LATEST, ApiVersion

BASE_URL: ContextVar[str] = ContextVar("soap_mturk_base_url", default="http://127.0.0.1:8080")
REQUEST_ID: ContextVar[str] = ContextVar("soap_mturk_request_id", default="")
# The API version of the request being answered (unset outside one).
VERSION: ContextVar[ApiVersion] = ContextVar("soap_mturk_version")


def version() -> ApiVersion:
    """The caller's API version; the latest outside a request."""
    return VERSION.get(LATEST)


def written(type_name: str, element: str) -> bool:
    """Whether the caller's version writes this element of the type (every element,
    outside a request: a direct call of a handler)."""
    current = VERSION.get(None)
    return current is None or element in current.written[type_name]
