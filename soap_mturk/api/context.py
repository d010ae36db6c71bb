"""What an operation may need to know about the HTTP request it came in: the
address the client used, so that a URL it answers (GetFileUploadURL) points back
at this emulator as the client reaches it (set by the server for each request),
and the RequestId the call is answered with (set by the batch runner), which
ExtendHIT remembers with its UniqueRequestToken."""

from __future__ import annotations

from contextvars import ContextVar

BASE_URL: ContextVar[str] = ContextVar("soap_mturk_base_url", default="http://127.0.0.1:8080")
REQUEST_ID: ContextVar[str] = ContextVar("soap_mturk_request_id", default="")
