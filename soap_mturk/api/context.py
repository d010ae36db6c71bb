"""What an operation may need to know about the HTTP request it came in: the
address the client used, so that a URL it answers (GetFileUploadURL) points back
at this emulator as the client reaches it. Set by the server for each request."""

from __future__ import annotations

from contextvars import ContextVar

BASE_URL: ContextVar[str] = ContextVar("soap_mturk_base_url", default="http://127.0.0.1:8080")
