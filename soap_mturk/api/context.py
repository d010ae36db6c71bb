"""What an operation may need to know about the request it came in: the address
the client used, so that a URL it answers (GetFileUploadURL) points back at this
emulator as the client reaches it (set by the server for each request); and the
element names of the caller's API version, so that an answer computes an element
that costs a query only where the version writes it (set by api.batch)."""

from __future__ import annotations

from collections.abc import Mapping
from contextvars import ContextVar

BASE_URL: ContextVar[str] = ContextVar("soap_mturk_base_url", default="http://127.0.0.1:8080")
# type name (api.schema's) -> the names of its elements in the caller's version
WRITTEN: ContextVar[Mapping[str, frozenset[str]]] = ContextVar("soap_mturk_written")


def written(type_name: str, element: str) -> bool:
    """Whether the caller's version writes this element of the type (every element,
    outside a request: a direct call of a handler)."""
    try:
        return element in WRITTEN.get()[type_name]
    except LookupError:
        return True
