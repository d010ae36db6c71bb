"""soap-mturk: a faithful local emulator of the legacy Mechanical Turk Requester API.

Layout:
  domain/    qualification types, qualifications, requests and their rules (no XML)
  store/     persistence behind a narrow interface (SQLite today)
  api/       the Requester API as data: message shapes, operations, batches
  protocol/  wire formats (SOAP via spyne) translating to and from the api layer
  server/    the WSGI application, routing, and the process that serves it
  versions   API versions, as declarations
"""

# Before anything reaches spyne: its vendored six and cgi need help on 3.11-3.13.
from soap_mturk import _compat  # noqa: F401  (imported for its effect)

__version__ = "0.2.0"
