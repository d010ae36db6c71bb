"""The emulator's control API: JSON over HTTP under /_emulator/, for test suites
and people, off the SOAP and REST paths.

    GET  /_emulator/                                     the dashboard (HTML)
    GET  /_emulator/state                                everything held, as JSON
    POST /_emulator/reset                                empty the store
    POST /_emulator/fixtures                             load a fixture (JSON body)
    GET  /_emulator/clock                                emulator time and its offset
    POST /_emulator/clock       {"AdvanceSeconds": n}    move emulator time forward
    GET  /_emulator/workers/{WorkerId}/hits              HITs the worker may see
    GET  /_emulator/workers/{WorkerId}/hits/{HITId}      preview one
    POST /_emulator/workers/{WorkerId}/hits/{HITId}/accept                 {}
    POST /_emulator/workers/{WorkerId}/assignments/{AssignmentId}/submit   {"Answer": ...}
    POST /_emulator/workers/{WorkerId}/assignments/{AssignmentId}/return   {}
    POST /_emulator/workers/{WorkerId}/assignments/{AssignmentId}/files
         {"QuestionIdentifier": ..., "Content": base64}  a file for a FileUploadAnswer
    GET  /_emulator/files/{token}                        a file, by GetFileUploadURL's link
    POST /_emulator/workers/{WorkerId}/qualification-requests
         {"QualificationTypeId": ..., "Answer": "<QuestionFormAnswers ...>"}
    GET  /_emulator/workers/{WorkerId}/messages          the worker's inbox (NotifyWorkers)
    GET  /_emulator/messages                             every message sent to workers
    POST /_emulator/requesters/{AccessKeyId}/balance     {"AvailableBalance": "123.45"}
    GET  /_emulator/notifications                        every notification message and its
                                                         outcome (Pending, Delivered, Failed;
                                                         Recorded for Email and SQS)

Only loopback clients (and networks allowed with --control-from) are served.
POST bodies must be application/json: a web page cannot send that cross-site
without a preflight we never answer, so a browser cannot be used to reset the
store from another origin.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import threading
from collections.abc import Iterable
from urllib.parse import unquote

from soap_mturk.auth.requesters import Requester, RequesterRegistry
from soap_mturk.control import dashboard, views
from soap_mturk.control.access import ClientFilter, HostFilter
from soap_mturk.control.fixtures import FixtureError, parse_fixture
from soap_mturk.domain import MTurkError, errors
from soap_mturk.domain.identity import format_time
from soap_mturk.domain.model import FIXTURE, PENDING, Locale
from soap_mturk.domain.money import amount_text, parse_balance
from soap_mturk.domain.ports import Store
from soap_mturk.domain.seeding import Seeder
from soap_mturk.domain.service import Domain
from soap_mturk.domain.workers import WorkerService

PREFIX = "/_emulator"
_WORKER_REQUESTS = re.compile(r"^/workers/(?P<worker>[^/]+)/qualification-requests$")
_WORKER_MESSAGES = re.compile(r"^/workers/(?P<worker>[^/]+)/messages$")
_BALANCE = re.compile(r"^/requesters/(?P<requester>[^/]+)/balance$")
_WORKER_HITS = re.compile(r"^/workers/(?P<worker>[^/]+)/hits$")
_WORKER_HIT = re.compile(r"^/workers/(?P<worker>[^/]+)/hits/(?P<hit>[^/]+)$")
_FILE = re.compile(r"^/files/(?P<token>[A-Z0-9]+)$")
_UPLOAD = re.compile(r"^/workers/(?P<worker>[^/]+)/assignments/(?P<assignment>[^/]+)/files$")
_WORKER_ACTION = re.compile(
    r"^/workers/(?P<worker>[^/]+)/(?:hits/(?P<hit>[^/]+)/(?P<hit_action>accept)"
    r"|assignments/(?P<assignment>[^/]+)/(?P<action>submit|return))$"
)
_WORKER_SYSTEM_VALUES = re.compile(r"^/workers/(?P<worker>[^/]+)/system-qualifications$")

_NOT_FOUND = (
    errors.HITDoesNotExist,
    errors.AssignmentDoesNotExist,
    errors.QualificationTypeDoesNotExist,
    errors.QualificationDoesNotExist,
    errors.QualificationRequestDoesNotExist,
)
_CONFLICT = (
    errors.InvalidHITState,
    errors.InvalidAssignmentState,
    errors.AssignmentAlreadyExists,
    errors.InvalidQualificationTypeState,
    errors.QualificationTypeRetryDelayNotElapsed,
    errors.QualificationTypeDoesNotAllowRetake,
    errors.QualificationTypeAlreadyExists,
    errors.QualificationAlreadyExists,
)


class _Reply(Exception):
    """Ends a request early with a JSON error."""

    def __init__(self, status: str, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _only(body, *fields: str) -> None:
    """A JSON object with no fields but these."""
    if not isinstance(body, dict):
        raise _Reply("400 Bad Request", "BadRequest", "The body must be a JSON object.")
    unknown = set(body) - set(fields)
    if unknown:
        raise _Reply(
            "400 Bad Request",
            "BadRequest",
            f"Unknown field(s) {', '.join(sorted(unknown))}; expected {', '.join(fields)}.",
        )


def _bounded_int(text: str) -> int:
    # No value the control API takes needs more than 64 bits; int() of a long digit
    # string costs quadratic time (and the store could not hold it anyway).
    if len(text.lstrip("-")) > 19:
        raise ValueError(f"the number {text[:30]}... is too large")
    return int(text)


def _no_constant(text: str):
    raise ValueError(f"{text} is not a JSON number")


def _path_text(environ: dict) -> str:
    # WSGI hands the path over as latin-1 decoded bytes; ids may be UTF-8.
    raw = environ.get("PATH_INFO", "") or ""
    try:
        return raw.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return raw


class ControlApi:
    def __init__(
        self,
        store: Store,
        requesters: RequesterRegistry,
        clients: ClientFilter | None = None,
        max_body: int = 1024 * 1024,
        hosts: HostFilter | None = None,
        domain: Domain | None = None,
    ):
        self.store = store
        self.hosts = hosts or HostFilter()
        self.requesters = requesters
        self.clients = clients or ClientFilter()
        self.max_body = max_body
        self.domain = domain or Domain(store)
        self.clock = self.domain.clock
        self.workers = WorkerService(store, self.clock)
        self.hit_workers = self.domain.hit_workers
        self.seeder = Seeder(store, self.clock)
        # One load or reset at a time: each reads the registry, writes the store, then
        # updates the registry, and two interleaved would leave them disagreeing.
        self._lock = threading.Lock()

    # --- WSGI -----------------------------------------------------------------------

    def __call__(self, environ: dict, start_response) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        path = _path_text(environ)[len(PREFIX) :]
        try:
            if not self.clients.allows(environ.get("REMOTE_ADDR")):
                raise _Reply(
                    "403 Forbidden",
                    "Forbidden",
                    f"The control API serves loopback clients only, not {environ.get('REMOTE_ADDR')};"
                    " start the server with --control-from to allow more.",
                )
            if not self.hosts.allows(environ.get("HTTP_HOST")):
                raise _Reply(
                    "403 Forbidden",
                    "Forbidden",
                    "The control API answers requests addressed to a loopback name, an IP "
                    "address or the name the server was started with, not "
                    f"{environ.get('HTTP_HOST', '')[:100]!r}.",
                )
            if path == "":
                return self._send(
                    start_response,
                    "308 Permanent Redirect",
                    b"",
                    "text/plain",
                    [("Location", PREFIX + "/")],
                )
            if path == "/" and method in ("GET", "HEAD"):
                return self._dashboard(start_response)
            if path == "/state" and method in ("GET", "HEAD"):
                return self._json(start_response, "200 OK", self.state())
            if path == "/notifications" and method in ("GET", "HEAD"):
                return self._json(start_response, "200 OK", self.notifications())
            if path == "/messages" and method in ("GET", "HEAD"):
                return self._json(start_response, "200 OK", self.messages(None))
            match = _WORKER_MESSAGES.match(path)
            if match and method in ("GET", "HEAD"):
                worker = unquote(match.group("worker"))
                return self._json(start_response, "200 OK", self.messages(worker))
            if path == "/clock" and method in ("GET", "HEAD"):
                return self._json(start_response, "200 OK", self.clock_state())
            file_link = _FILE.match(path)
            if file_link and method in ("GET", "HEAD"):
                data = self.domain.hits.linked_file(unquote(file_link.group("token")))
                return self._send(start_response, "200 OK", data, "application/octet-stream")
            worker_get = _WORKER_HITS.match(path) or _WORKER_HIT.match(path)
            if worker_get and method in ("GET", "HEAD"):
                return self._json(start_response, "200 OK", self.worker_view(worker_get))
            if method != "POST":
                raise _Reply(
                    "405 Method Not Allowed" if self._known(path) else "404 Not Found",
                    "NotFound",
                    f"{method} {PREFIX}{path} is not served.",
                )
            body = self._read_json(environ)
            if path == "/reset":
                self.reset()
                return self._json(start_response, "200 OK", {"Reset": True})
            if path == "/fixtures":
                return self._json(start_response, "201 Created", self.load(body))
            if path == "/clock":
                return self._json(start_response, "200 OK", self.advance_clock(body))
            match = _UPLOAD.match(path)
            if match:
                return self._json(start_response, "201 Created", self.upload(match, body))
            match = _WORKER_ACTION.match(path)
            if match:
                return self._json(start_response, *self.worker_action(match, body))
            match = _WORKER_SYSTEM_VALUES.match(path)
            if match:
                worker = unquote(match.group("worker"))
                result = self.set_system_qualification(worker, body)
                return self._json(start_response, "200 OK", result)
            match = _WORKER_REQUESTS.match(path)
            if match:
                worker = unquote(match.group("worker"))
                result = self.request_qualification(worker, body)
                return self._json(start_response, "201 Created", result)
            match = _BALANCE.match(path)
            if match:
                requester = unquote(match.group("requester"))
                return self._json(start_response, "200 OK", self.set_balance(requester, body))
            raise _Reply("404 Not Found", "NotFound", f"POST {PREFIX}{path} is not served.")
        except _Reply as reply:
            return self._json(
                start_response,
                reply.status,
                {"Error": {"Code": reply.code, "Message": reply.message}},
            )
        except MTurkError as error:
            if isinstance(error, _NOT_FOUND):
                status = "404 Not Found"
            elif isinstance(error, _CONFLICT):
                status = "409 Conflict"
            elif isinstance(error, errors.DoesNotMeetRequirements):
                status = "403 Forbidden"
            else:
                status = "400 Bad Request"
            return self._json(
                start_response, status, {"Error": {"Code": error.code, "Message": error.message}}
            )
        except FixtureError as error:
            return self._json(
                start_response,
                "400 Bad Request",
                {"Error": {"Code": "InvalidFixture", "Message": str(error)}},
            )

    @staticmethod
    def _known(path: str) -> bool:
        patterns = (
            _WORKER_REQUESTS, _WORKER_SYSTEM_VALUES, _WORKER_HITS, _WORKER_HIT, _WORKER_ACTION,
            _UPLOAD, _FILE, _WORKER_MESSAGES, _BALANCE,
        )  # fmt: skip
        known = ("/", "/state", "/reset", "/fixtures", "/clock", "/messages", "/notifications")
        return path in known or any(p.match(path) for p in patterns)

    def _read_json(self, environ: dict):
        content_type = (environ.get("CONTENT_TYPE") or "").split(";")[0].strip().lower()
        if content_type != "application/json":
            raise _Reply(
                "415 Unsupported Media Type",
                "UnsupportedMediaType",
                "Control API requests must be sent as application/json.",
            )
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if length < 0:
            raise _Reply("400 Bad Request", "BadRequest", "Content-Length is not a number.")
        if length > self.max_body:
            raise _Reply(
                "413 Content Too Large",
                "BodyTooLarge",
                f"The body is larger than {self.max_body} bytes.",
            )
        raw = environ["wsgi.input"].read(length) if length else b""
        if not raw.strip():
            return {}
        try:
            return json.loads(
                raw.decode("utf-8"), parse_int=_bounded_int, parse_constant=_no_constant
            )
        except RecursionError:
            raise _Reply(
                "400 Bad Request", "BadRequest", "The body is JSON nested too deeply."
            ) from None
        except ValueError as error:  # JSONDecodeError, UnicodeDecodeError, our own
            raise _Reply(
                "400 Bad Request", "BadRequest", f"The body is not JSON: {error}"
            ) from None

    @staticmethod
    def _send(start_response, status: str, body: bytes, content_type: str, extra=()) -> list[bytes]:
        start_response(
            status,
            [
                ("Content-Type", content_type),
                ("Content-Length", str(len(body))),
                ("Cache-Control", "no-store"),
                *extra,
            ],
        )
        return [body]

    def _json(self, start_response, status: str, payload) -> list[bytes]:
        body = json.dumps(payload, indent=1).encode("utf-8")
        return self._send(start_response, status, body, "application/json")

    def _hit_world(self) -> tuple:
        """(HIT types, HIT states, assignments) as they stand now, read-only."""
        with self.store.read() as session:
            now = self.clock.now(session)
            hits = session.list_hits(None)
            return (
                session.list_hit_types(None),
                self.domain.hits.states(session, hits, now),
                session.list_assignments(None),
            )

    def _dashboard(self, start_response) -> list[bytes]:
        with self.store.read() as session:
            types = session.all_types()
            qualifications = session.all_qualifications()
            pending = session.all_requests(PENDING)
            balances = session.all_balances()
            blocks = session.all_blocks()
            messages = session.list_messages(None)
        for r in self.requesters.all():
            balances.setdefault(r.access_key, self.domain.accounts.opening_balance(r.access_key))
        accounts = dashboard.account_sections(
            {key: amount_text(amount) for key, amount in sorted(balances.items())},
            blocks,
            messages,
            self.domain.notifications.deliveries(),
        )
        hit_parts = dashboard.hit_sections(*self._hit_world())
        types = [t for t in types if not t.is_system]  # the requesters' own
        page = dashboard.render(
            self.requesters.all(), types, qualifications, pending, [*hit_parts, *accounts]
        )
        return self._send(
            start_response,
            "200 OK",
            page.encode("utf-8"),
            "text/html; charset=utf-8",
            [
                ("Content-Security-Policy", dashboard.CONTENT_SECURITY_POLICY),
                ("X-Content-Type-Options", "nosniff"),
                ("X-Frame-Options", "DENY"),
            ],
        )

    # --- operations (also what the Python client and CLI reach) ----------------------

    def state(self) -> dict:
        with self.store.read() as session:
            types = session.all_types()
            qualifications = session.all_qualifications()
            pending = session.all_requests(PENDING)
            balances = session.all_balances()
            blocks = session.all_blocks()
        listed: list[dict] = []
        system: list[dict] = []
        for t in types:
            entry = views.qualification_type(t)
            entry["Qualifications"] = [
                views.qualification(q) for q in qualifications if q.type_id == t.id
            ]
            entry["QualificationRequests"] = [
                views.qualification_request(r) for r in pending if r.type_id == t.id
            ]
            (system if t.is_system else listed).append(entry)
        for r in self.requesters.all():
            balances.setdefault(r.access_key, self.domain.accounts.opening_balance(r.access_key))
        return {
            "Requesters": [
                {"AccessKeyId": r.access_key, "Name": r.name} for r in self.requesters.all()
            ],
            "QualificationTypes": listed,
            "Accounts": [
                {"AccessKeyId": key, "AvailableBalance": amount_text(amount)}
                for key, amount in sorted(balances.items())
            ],
            "WorkerBlocks": [views.worker_block(b) for b in blocks],
            # The types the service supplies, with the values tests gave workers.
            "SystemQualificationTypes": system,
            **self._hit_state(),
        }

    def _hit_state(self) -> dict:
        hit_types, states, assignments = self._hit_world()
        return {
            "HITTypes": [
                {"HITTypeId": t.id, "Title": t.title, "Owner": t.owner} for t in hit_types
            ],
            "HITs": [views.hit(s) for s in states],
            "Assignments": [views.assignment(a) for a in assignments],
        }

    def messages(self, worker_id: str | None) -> dict:
        return {
            "Messages": [
                views.worker_message(m) for m in self.domain.requester_workers.inbox(worker_id)
            ]
        }

    def notifications(self) -> dict:
        return {
            "Notifications": [views.notification(d) for d in self.domain.notifications.deliveries()]
        }

    def set_balance(self, requester: str, body) -> dict:
        if not isinstance(body, dict) or set(body) != {"AvailableBalance"}:
            raise _Reply(
                "400 Bad Request", "BadRequest", 'The body must be {"AvailableBalance": "123.45"}.'
            )
        value = body["AvailableBalance"]
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise _Reply("400 Bad Request", "BadRequest", "AvailableBalance must be a number.")
        try:
            amount = parse_balance(value, "AvailableBalance")
        except ValueError as error:
            raise _Reply("400 Bad Request", "BadRequest", str(error)) from None
        self.domain.accounts.set_balance(requester, amount)
        return {"AccessKeyId": requester, "AvailableBalance": amount_text(amount)}

    def reset(self) -> None:
        """Empty the store and forget requesters that fixtures added; requesters
        configured when the server started (and the development one) stay."""
        with self._lock:
            self.seeder.reset()
            for requester in self.requesters.all():
                if requester.origin == FIXTURE:
                    self.requesters.remove(requester.access_key)

    def load(self, data) -> dict:
        with self._lock:
            known = self.requesters.all()
            servers_own = [r for r in known if r.origin != FIXTURE]
            fixture = parse_fixture(data, servers_own[0].access_key if servers_own else None)
            added = self._fixture_requesters(fixture.requesters)
            owners = {r.access_key for r in known} | {r.access_key for r in fixture.requesters}
            for n, seed in enumerate(fixture.types):
                if seed.qtype.owner not in owners:
                    raise FixtureError(
                        f"QualificationTypes[{n}].Owner: {seed.qtype.owner} is not a requester"
                        " of this server; list it under Requesters or configure it at start"
                    )
            seeded = self.seeder.load(fixture.types, fixture.system_values, added)
            for requester in added:
                self.requesters.add(requester)
            for requester in fixture.requesters:
                if requester.balance is not None:
                    self.domain.accounts.set_balance(requester.access_key, requester.balance)
        return {
            "Loaded": {
                "Requesters": len(fixture.requesters),
                "QualificationTypes": seeded.qualification_types,
                "Qualifications": seeded.qualifications,
                "QualificationRequests": seeded.qualification_requests,
                "SystemQualifications": seeded.system_qualifications,
            },
            "QualificationTypeIds": [seed.qtype.id for seed in fixture.types],
        }

    def _fixture_requesters(self, requesters: list[Requester]) -> list[Requester]:
        """The fixture's requesters to add or replace. A requester the server was
        started with (configured, or the development one) is the user's: a fixture
        may name it with its own secret (nothing changes) but never replace it."""
        added = []
        for n, requester in enumerate(requesters):
            held = self.requesters.get(requester.access_key)
            if held is None or held.origin == FIXTURE:
                added.append(requester)
            elif held.secret_key != requester.secret_key:
                raise FixtureError(
                    f"Requesters[{n}]: {requester.access_key} is configured on this server;"
                    " a fixture cannot change its secret key"
                )
        return added

    def clock_state(self) -> dict:
        now = self.clock.now()
        return {"Now": format_time(now), "OffsetSeconds": self.clock.offset_seconds()}

    def advance_clock(self, body) -> dict:
        """Move emulator time forward: {"AdvanceSeconds": n}."""
        _only(body, "AdvanceSeconds")
        with self.store.write() as session:
            self.clock.advance(session, body.get("AdvanceSeconds"))
        self.domain.hits.settle_now()  # what the time that passed made due
        return self.clock_state()

    # --- workers and HITs -----------------------------------------------------------

    def worker_view(self, match: re.Match) -> dict:
        """The HITs a worker may see (each with CanAccept), or one HIT's preview."""
        worker = unquote(match.group("worker"))
        hit_id = match.groupdict().get("hit")
        if hit_id is None:
            listed = self.hit_workers.available_hits(worker)
            return {"HITs": [views.hit_for_worker(state, ok) for state, ok in listed]}
        return {"HIT": views.hit_for_worker(self.hit_workers.preview(worker, unquote(hit_id)))}

    def upload(self, match: re.Match, body) -> dict:
        """{"QuestionIdentifier": ..., "Content": base64} -> the key to answer with."""
        _only(body, "QuestionIdentifier", "Content")
        content = body.get("Content")
        if not isinstance(content, str):
            raise _Reply("400 Bad Request", "BadRequest", "Content must be base64 text.")
        try:
            data = base64.b64decode(content, validate=True)
        except (ValueError, binascii.Error):
            raise _Reply("400 Bad Request", "BadRequest", "Content is not base64.") from None
        return self.hit_workers.upload_file(
            unquote(match.group("worker")),
            unquote(match.group("assignment")),
            body.get("QuestionIdentifier"),
            data,
        )

    def worker_action(self, match: re.Match, body) -> tuple[str, dict]:
        worker = unquote(match.group("worker"))
        if match.group("hit_action") == "accept":
            _only(body)
            accepted = self.hit_workers.accept(worker, unquote(match.group("hit")))
            return "201 Created", {"Assignment": views.assignment(accepted)}
        assignment_id = unquote(match.group("assignment"))
        if match.group("action") == "submit":
            _only(body, "Answer")
            answer = body.get("Answer")
            if not isinstance(answer, (str, type(None))):
                raise _Reply("400 Bad Request", "BadRequest", "Answer must be a string.")
            done = self.hit_workers.submit(worker, assignment_id, answer)
        else:
            _only(body)
            done = self.hit_workers.return_assignment(worker, assignment_id)
        return "200 OK", {"Assignment": views.assignment(done)}

    def set_system_qualification(self, worker_id: str, body) -> dict:
        """The marketplace's part: a worker's value for a system qualification type
        (approval rate, locale, Masters, ...)."""
        if not isinstance(body, dict):
            raise _Reply("400 Bad Request", "BadRequest", "The body must be a JSON object.")
        fields = {"QualificationTypeId", "IntegerValue", "LocaleValue"}
        unknown = set(body) - fields
        if unknown:
            raise _Reply(
                "400 Bad Request",
                "BadRequest",
                f"Unknown field(s) {', '.join(sorted(unknown))}; expected {', '.join(sorted(fields))}.",
            )
        type_id, value, locale = (
            body.get(k) for k in ("QualificationTypeId", "IntegerValue", "LocaleValue")
        )
        if not isinstance(type_id, (str, type(None))) or not (
            value is None or (isinstance(value, int) and not isinstance(value, bool))
        ):
            raise _Reply(
                "400 Bad Request",
                "BadRequest",
                "QualificationTypeId must be a string and IntegerValue an integer.",
            )
        if locale is not None:
            if (
                not isinstance(locale, dict)
                or set(locale) - {"Country", "Subdivision"}
                or not all(isinstance(v, str) for v in locale.values())
            ):
                raise _Reply(
                    "400 Bad Request",
                    "BadRequest",
                    "LocaleValue must be an object with string Country and Subdivision.",
                )
            locale = Locale(locale.get("Country"), locale.get("Subdivision"))
        held = self.workers.set_system_value(worker_id, type_id, value, locale)
        return {"Qualification": views.qualification(held)}

    def request_qualification(self, worker_id: str, body) -> dict:
        if not isinstance(body, dict):
            raise _Reply("400 Bad Request", "BadRequest", "The body must be a JSON object.")
        unknown = set(body) - {"QualificationTypeId", "Answer"}
        if unknown:
            raise _Reply(
                "400 Bad Request",
                "BadRequest",
                f"Unknown field(s) {', '.join(sorted(unknown))}; expected QualificationTypeId, Answer.",
            )
        type_id, answer = body.get("QualificationTypeId"), body.get("Answer")
        if not isinstance(type_id, (str, type(None))) or not isinstance(answer, (str, type(None))):
            raise _Reply(
                "400 Bad Request", "BadRequest", "QualificationTypeId and Answer must be strings."
            )
        outcome = self.workers.request_qualification(worker_id, type_id, answer)
        return {
            "QualificationRequest": views.qualification_request(outcome.request),
            "Qualification": views.qualification(outcome.qualification)
            if outcome.qualification
            else None,
        }
