"""An HTTP/1.1 front that reads whole requests before the application sees them.

One asyncio loop reads every connection: a connection that is silent, or sends a
byte every few seconds, costs a buffer and a timer, never a thread. Only a complete
request (head and body, within the limits below) is handed to the application
threads, which therefore never wait on a client. Answers are written back by the
loop. Why this design and not more cheroot threads: bench/README.md.

Limits are checked while reading, so no request costs more than its limit:
the request line (414), the header section and the number of headers (431), the
body (413), and a timeout for each phase (request line, headers, body) after which
the connection is closed. A malformed request gets 400 with a one-line body.
"""

from __future__ import annotations

import asyncio
import collections
import io
import logging
import queue
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import formatdate
from typing import Any
from urllib.parse import unquote_to_bytes

from soap_mturk.store import durability

log = logging.getLogger("soap_mturk.server")


@dataclass(frozen=True)
class Limits:
    """How much of a request the server reads, and how long it waits for it."""

    max_request_line: int = 16 * 1024
    max_header_bytes: int = 64 * 1024
    max_headers: int = 100
    max_body: int = 2 * 1024 * 1024
    request_line_timeout: float = 10.0
    header_timeout: float = 10.0
    body_timeout: float = 30.0
    max_connections: int = 512
    # Request bytes held across all connections before the biggest holders wait.
    max_buffered: int = 64 * 1024 * 1024


class _Refused(Exception):
    """A request the front answers itself; the connection is closed afterwards."""

    def __init__(self, status: str, text: str):
        super().__init__(text)
        self.status = status
        self.text = text


_REASONS = {
    100: "Continue",
    200: "OK",
    400: "Bad Request",
    404: "Not Found",
    408: "Request Timeout",
    413: "Content Too Large",
    414: "URI Too Long",
    431: "Request Header Fields Too Large",
    500: "Internal Server Error",
    501: "Not Implemented",
    503: "Service Unavailable",
    505: "HTTP Version Not Supported",
}
_TOKEN = frozenset(b"!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_HEX = frozenset(b"0123456789abcdefABCDEF")
_CHUNK_LINE = 1024  # a chunk-size line with its extensions
# A connection holding less than this is never paused for the shared budget: small
# requests are served whatever big ones do.
_FAIR_SHARE = 64 * 1024


def _status(code: int) -> str:
    return f"{code} {_REASONS[code]}"


def _plain_response(status: str, text: str, close: bool = True) -> bytes:
    body = text.encode("utf-8")
    head = (
        f"HTTP/1.1 {status}\r\nContent-Type: text/plain; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\nServer: soap-mturk\r\nDate: {_http_date()}\r\n"
        + ("Connection: close\r\n" if close else "")
        + "\r\n"
    )
    return head.encode("latin-1") + body


_date_cache: list[Any] = [0, ""]  # [second, its HTTP date]


def _http_date() -> str:
    now = int(time.time())
    if _date_cache[0] != now:
        _date_cache[:] = [now, formatdate(now, usegmt=True)]
    return _date_cache[1]


@dataclass
class _Request:
    method: str
    target: str
    version: str
    headers: list[tuple[str, str]]
    body: bytes
    keep_alive: bool
    content_length: int | None  # as announced; the body may be shorter if the client quit


class _Connection(asyncio.Protocol):
    """One client connection: reads requests one at a time, within the limits."""

    def __init__(self, front: HttpFront):
        self.front = front
        self.limits = front.limits
        self.buffer = bytearray()
        # Set by connection_made, cleared by connection_lost; used only in between.
        self.transport: asyncio.Transport = None  # type: ignore[assignment]
        self.timer: asyncio.TimerHandle | None = None
        self.phase = "line"  # line, headers, body, chunked, app, closing
        self.head: Any = None  # (method, target, version, headers, keep_alive)
        self.body_length = 0
        self.chunks = bytearray()
        self.chunk_left = -1  # bytes of the current chunk's data still to come; -1: a size line
        self.trailer = False
        self.eof = False
        self.writing_paused = False
        self.pending_next = False
        self.held = 0  # request bytes this connection holds, counted in front.buffered
        self.in_app = 0  # of which: the body handed to the application
        self.waiting = False  # paused until the shared budget has room
        self.scanned = 0  # how far the head has been searched for its end

    # --- asyncio callbacks ------------------------------------------------------------

    def connection_made(self, transport):
        self.transport = transport
        self.peer = ("", 0)
        if len(self.front.connections) >= self.limits.max_connections:
            self.phase = "closing"
            transport.write(_plain_response(_status(503), "Too many connections.\n"))
            transport.close()
            return
        self.front.connections.add(self)
        self.peer = transport.get_extra_info("peername") or ("", 0)
        self._deadline(self.limits.request_line_timeout)

    def connection_lost(self, exc):
        self.front.connections.discard(self)
        self._cancel_timer()
        self.phase = "closing"
        self.buffer = bytearray()
        self.chunks = bytearray()
        self.in_app = 0
        self._account()
        self.transport = None  # type: ignore[assignment]

    def data_received(self, data):
        if self.phase == "closing":
            return  # draining what a refused client still sends
        self.buffer += data
        if self.phase != "app":
            self._advance()
        self._account()

    def _account(self):
        """Keep the shared count of held request bytes; pause this connection while
        the budget is spent and it holds more than its fair share."""
        held = len(self.buffer) + len(self.chunks) + self.in_app
        change, self.held = held - self.held, held
        self.front.buffered += change
        if change < 0 and self.front.waiting:
            self.front.release()
        if (
            self.front.buffered > self.limits.max_buffered
            and held > _FAIR_SHARE
            and self.phase in ("line", "headers", "body", "chunked")
            and not self.waiting
            and self.transport is not None
        ):
            self.waiting = True
            self.transport.pause_reading()
            self.front.waiting.append(self)

    def eof_received(self):
        self.eof = True
        if self.phase == "body" and self.head is not None:
            # Hand over what came: the application answers precisely that the body
            # ended early, rather than acting on it.
            body, self.buffer = bytes(self.buffer), bytearray()
            self._dispatch(body)
            return True
        if self.phase in ("line",) and not self.buffer:
            return False  # closes
        if self.phase == "app":
            return True  # answer, then close
        if self.phase == "closing":
            return False
        self._refuse(_status(400), "The connection ended before the request was complete.\n")
        return True

    def pause_writing(self):
        self.writing_paused = True

    def resume_writing(self):
        self.writing_paused = False
        if self.pending_next:
            self.pending_next = False
            self._next_request()

    # --- reading ---------------------------------------------------------------------

    def _deadline(self, seconds: float):
        self._cancel_timer()
        self.timer = self.front.loop.call_later(seconds, self._timed_out, self.phase)

    def _cancel_timer(self):
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

    def _timed_out(self, phase: str):
        self.timer = None
        if self.transport is None or self.phase == "closing":
            return
        if (phase == "line" and not self.buffer) or self.phase == "app":
            # An idle keep-alive connection (nothing to answer), or a client that does
            # not read its answer.
            self.transport.abort()
            return
        log.info("closing a connection from %s: %s not received in time", self.peer[0], phase)
        self._refuse(_status(408), f"The request's {phase} did not arrive in time.\n")

    def _advance(self):
        try:
            if self.phase == "line":
                self._read_line()
            if self.phase == "headers":
                self._read_headers()
            if self.phase == "body":
                self._read_body()
            if self.phase == "chunked":
                self._read_chunks()
        except _Refused as refused:
            log.info("refused a request from %s: %s", self.peer[0], refused.text.strip())
            self._refuse(refused.status, refused.text)

    def _read_line(self):
        # Blank lines before a request line are allowed (RFC 9112, 2.2).
        while self.buffer[:2] == b"\r\n":
            del self.buffer[:2]
        end = self.buffer.find(b"\n")
        if end < 0:
            if len(self.buffer) > self.limits.max_request_line:
                raise _Refused(
                    _status(414),
                    f"The request line exceeds {self.limits.max_request_line} bytes.\n",
                )
            return
        if end > self.limits.max_request_line:
            raise _Refused(
                _status(414), f"The request line exceeds {self.limits.max_request_line} bytes.\n"
            )
        self.phase = "headers"
        self._deadline(self.limits.header_timeout)

    def _read_headers(self):
        # Search only what arrived since the last look: a head sent a byte at a time
        # is scanned once, not once per byte.
        start = max(0, self.scanned - 3)
        end = self.buffer.find(b"\r\n\r\n", start)
        size = end + 4
        if end < 0:
            end = self.buffer.find(b"\n\n", start)
            size = end + 2
        if end < 0:
            self.scanned = len(self.buffer)
            if len(self.buffer) > self.limits.max_request_line + self.limits.max_header_bytes:
                raise _Refused(
                    _status(431),
                    f"The header section exceeds {self.limits.max_header_bytes} bytes.\n",
                )
            return
        raw = bytes(self.buffer[:end])
        del self.buffer[:size]
        self.scanned = 0
        line, _, rest = raw.partition(b"\n")
        if len(rest) > self.limits.max_header_bytes:
            raise _Refused(
                _status(431), f"The header section exceeds {self.limits.max_header_bytes} bytes.\n"
            )
        method, target, version = self._parse_line(line.rstrip(b"\r"))
        headers = self._parse_headers(rest)
        self._start_body(method, target, version, headers)

    def _parse_line(self, line: bytes) -> tuple[str, str, str]:
        parts = line.split(b" ")
        if len(parts) != 3 or not parts[0] or not parts[1] or not set(parts[0]) <= _TOKEN:
            raise _Refused(_status(400), "Malformed request line.\n")
        method, target, version = parts
        if not version.startswith(b"HTTP/") or version[5:] not in (b"1.0", b"1.1"):
            if version.startswith(b"HTTP/") and version[5:6].isdigit():
                raise _Refused(_status(505), "Only HTTP/1.0 and HTTP/1.1 are served.\n")
            raise _Refused(_status(400), "Malformed request line.\n")
        if any(c < 0x21 or c == 0x7F for c in target):
            raise _Refused(_status(400), "Malformed request target.\n")
        return method.decode("ascii"), target.decode("latin-1"), version.decode("ascii")

    def _parse_headers(self, raw: bytes) -> list[tuple[str, str]]:
        headers: list[tuple[str, str]] = []
        if not raw:
            return headers
        lines = raw.split(b"\n")
        if len(lines) > self.limits.max_headers:
            raise _Refused(
                _status(431), f"A request may carry at most {self.limits.max_headers} headers.\n"
            )
        for line in lines:
            line = line.rstrip(b"\r")
            name, colon, value = line.partition(b":")
            if not colon or not name or not set(name) <= _TOKEN:
                # Also refuses obsolete line folding (a line starting with a space).
                raise _Refused(_status(400), "Malformed header line.\n")
            headers.append((name.decode("ascii").lower(), value.strip(b" \t").decode("latin-1")))
        return headers

    def _start_body(self, method, target, version, headers):
        get: dict[str, str] = {}
        for name, value in headers:
            if name in ("content-length", "transfer-encoding") and name in get:
                if name == "transfer-encoding" or get[name] != value:
                    raise _Refused(_status(400), f"Repeated {name} header.\n")
            get[name] = value
        connection = get.get("connection", "").lower()
        if version == "HTTP/1.1":
            keep_alive = "close" not in connection
        else:
            keep_alive = "keep-alive" in connection
        self.head = (method, target, version, headers, keep_alive)
        self.body_length = -1
        encoding = get.get("transfer-encoding")
        length_text = get.get("content-length")
        if encoding is not None:
            if encoding.lower() != "chunked":
                raise _Refused(_status(501), f"Transfer-Encoding {encoding!r} is not served.\n")
            if length_text is not None:
                raise _Refused(
                    _status(400), "A request may not carry both Content-Length and chunks.\n"
                )
            self.phase = "chunked"
            self.chunks = bytearray()
            self.chunk_left = -1
            self.trailer = False
        elif length_text is not None:
            if not length_text.isdigit() or not length_text.isascii() or len(length_text) > 18:
                raise _Refused(_status(400), f"Invalid Content-Length {length_text[:40]!r}.\n")
            self.body_length = int(length_text)
            if self.body_length > self.limits.max_body:
                raise _Refused(
                    _status(413),
                    f"The request body of {self.body_length} bytes exceeds the limit of "
                    f"{self.limits.max_body} bytes.\n",
                )
            self.phase = "body"
        else:
            self.body_length = 0
            self.phase = "body"
        if get.get("expect", "").lower() == "100-continue" and version == "HTTP/1.1":
            if self.body_length != 0 and not self.buffer:
                self.transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        self._deadline(self.limits.body_timeout)

    def _read_body(self):
        if len(self.buffer) < self.body_length:
            return
        body = bytes(self.buffer[: self.body_length])
        del self.buffer[: self.body_length]
        self._dispatch(body)

    def _read_chunks(self):
        limit = self.limits.max_body
        while True:
            if self.trailer:
                # Trailer fields, dropped; up to the empty line that ends them.
                end = self.buffer.find(b"\n")
                if end < 0:
                    if len(self.buffer) > self.limits.max_header_bytes:
                        raise _Refused(_status(431), "The chunked trailer is too large.\n")
                    return
                line = bytes(self.buffer[:end]).rstrip(b"\r")
                del self.buffer[: end + 1]
                if not line:
                    body, self.chunks = bytes(self.chunks), bytearray()
                    self._dispatch(body)
                    return
                continue
            if self.chunk_left < 0:
                end = self.buffer.find(b"\n")
                if end < 0:
                    if len(self.buffer) > _CHUNK_LINE:
                        raise _Refused(_status(400), "Malformed chunk size line.\n")
                    return
                line = bytes(self.buffer[:end]).rstrip(b"\r")
                del self.buffer[: end + 1]
                size = line.split(b";", 1)[0].strip(b" \t")
                if not size or len(size) > 16 or not set(size) <= _HEX:
                    raise _Refused(_status(400), f"Invalid chunk size {size[:20]!r}.\n")
                self.chunk_left = int(size, 16)
                if self.chunk_left == 0:
                    self.trailer = True
                    continue
                if len(self.chunks) + self.chunk_left > limit:
                    raise _Refused(
                        _status(413), f"The request body exceeds the limit of {limit} bytes.\n"
                    )
            # Chunk data, then its CRLF.
            if len(self.buffer) < self.chunk_left + 1:
                return
            data = self.buffer[: self.chunk_left]
            rest = self.buffer[self.chunk_left : self.chunk_left + 2]
            if rest[:1] == b"\n":
                skip = 1
            elif rest == b"\r\n":
                skip = 2
            elif rest == b"\r":
                return  # the \n is on its way
            else:
                raise _Refused(_status(400), "A chunk is longer than its size says.\n")
            self.chunks += data
            del self.buffer[: self.chunk_left + skip]
            self.chunk_left = -1

    # --- handing over, answering -----------------------------------------------------

    def _dispatch(self, body: bytes):
        self._cancel_timer()
        method, target, version, headers, keep_alive = self.head
        if self.eof:
            keep_alive = False
        length = self.body_length if self.body_length >= 0 else len(body)
        self.phase = "app"
        self.in_app = len(body)
        self._account()
        if not self.waiting:
            self.transport.pause_reading()
        request = _Request(method, target, version, headers, body, keep_alive, length)
        self.front.submit(self, request)

    def respond(self, data: bytes, keep_alive: bool):
        """Called in the loop with a whole answer."""
        self.in_app = 0
        self._account()
        if self.transport is None or self.transport.is_closing():
            return
        self.transport.write(data)
        if not keep_alive or self.eof:
            # The whole request was read: closing loses nothing the client sent. A client
            # that does not read its answer is cut off after the body timeout.
            self.phase = "closing"
            self._cancel_timer()
            self.timer = self.front.loop.call_later(self.limits.body_timeout, self.transport.abort)
            self.transport.close()
            return
        if self.writing_paused:
            self.pending_next = True
            self._deadline(self.limits.request_line_timeout)  # a client that never reads
            return
        self._next_request()

    def _next_request(self):
        self.phase = "line"
        self.head = None
        self._deadline(self.limits.request_line_timeout)
        if self.waiting:
            return  # resumed by the front when the budget has room
        self.transport.resume_reading()
        if self.buffer:
            self._advance()
            self._account()

    def resume(self):
        """The shared budget has room again."""
        self.waiting = False
        if self.transport is None or self.phase == "app":
            return
        self.transport.resume_reading()

    def _refuse(self, status: str, text: str):
        """Answer without the application and close (after reading what the client is
        still sending for a moment, so the answer is not lost to a connection reset)."""
        if self.transport is None or self.phase == "closing":
            return
        self.phase = "closing"
        self.buffer = bytearray()
        self.chunks = bytearray()
        self._account()
        self.transport.write(_plain_response(status, text))
        self._close_soon()

    def _close_soon(self):
        transport = self.transport
        if transport.can_write_eof():
            transport.write_eof()
        # Reading on (and dropping) for a short while lets the client read the answer
        # before the kernel would reset a connection closed with unread data.
        transport.resume_reading()
        self._cancel_timer()
        self.timer = self.front.loop.call_later(2.0, transport.abort)
        if self.eof:
            transport.close()


class HttpFront:
    """The server: an asyncio loop reading connections, `app_threads` threads running
    the WSGI application on complete requests."""

    def __init__(self, app: Callable, sock: socket.socket, limits: Limits, app_threads: int = 1):
        self.app = app
        self.sock = sock
        self.limits = limits
        self.app_threads = max(1, app_threads)
        self.loop = asyncio.new_event_loop()
        self.connections: set[_Connection] = set()
        self.buffered = 0  # request bytes held by all connections
        self.waiting: collections.deque[_Connection] = collections.deque()
        self.jobs: queue.SimpleQueue = queue.SimpleQueue()
        self.server_name, self.server_port = sock.getsockname()[:2]
        self._stopped = threading.Event()
        self._started = False
        self._stop_requested = False
        self._stop_future: asyncio.Future | None = None
        self._server: asyncio.base_events.Server | None = None

    def release(self):
        """Resume paused connections while the budget has room."""
        while self.waiting and self.buffered <= self.limits.max_buffered:
            self.waiting.popleft().resume()

    # --- the application threads -----------------------------------------------------

    def submit(self, connection: _Connection, request: _Request):
        self.jobs.put((connection, request))

    # Answers held for their writes' flush, at most this many before flushing.
    HELD_ANSWERS = 16

    def _work(self):
        # A write's answer leaves once the write is on disk. The answers are held
        # while other requests wait, and flushed together when none does: one
        # flush then covers every write committed meanwhile (store/durability.py).
        held: list[tuple[list, _Connection, bytes, bool]] = []
        while True:
            try:
                job = self.jobs.get_nowait() if held else self.jobs.get()
            except queue.Empty:
                job = False  # nothing waits: flush now
            if job is False or job is None or len(held) >= self.HELD_ANSWERS:
                self._release(held)
                held = []
                if job is None:
                    return
                if job is False:
                    continue
            connection, request = job
            with durability.deferring() as flushes:
                data, keep_alive = self._run(request, connection.peer)
            if flushes:
                held.append((flushes, connection, data, keep_alive))
            else:
                self._send(connection, data, keep_alive)

    def _release(self, held: list[tuple[list, _Connection, bytes, bool]]) -> None:
        for flushes, connection, data, keep_alive in held:
            if not durability.run_all(flushes):
                log.error("a write could not be flushed to disk; its answer is a 503")
                data = _plain_response(_status(503), "The write could not be made durable.\n")
                keep_alive = False
            self._send(connection, data, keep_alive)

    def _send(self, connection: _Connection, data: bytes, keep_alive: bool):
        try:
            self.loop.call_soon_threadsafe(connection.respond, data, keep_alive)
        except RuntimeError:
            pass  # the loop is closed: stopping

    def _environ(self, request: _Request, peer) -> dict:
        path, _, query = request.target.partition("?")
        if path.startswith(("http://", "https://")):  # absolute form
            path = "/" + path.split("://", 1)[1].partition("/")[2]
        environ: dict[str, Any] = {
            "REQUEST_METHOD": request.method,
            "SCRIPT_NAME": "",
            "PATH_INFO": unquote_to_bytes(path).decode("latin-1"),
            "QUERY_STRING": query,
            "SERVER_NAME": str(self.server_name),
            "SERVER_PORT": str(self.server_port),
            "SERVER_PROTOCOL": request.version,
            "REMOTE_ADDR": str(peer[0]),
            "REMOTE_PORT": str(peer[1]) if len(peer) > 1 else "",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(request.body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": self.app_threads > 1,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        for name, value in request.headers:
            if name == "content-type":
                environ["CONTENT_TYPE"] = value
            elif name == "content-length" or name == "transfer-encoding":
                continue  # the body is whole: its length is set below
            else:
                key = "HTTP_" + name.upper().replace("-", "_")
                environ[key] = environ[key] + "," + value if key in environ else value
        if request.body or request.content_length:
            environ["CONTENT_LENGTH"] = str(request.content_length)
        return environ

    def _run(self, request: _Request, peer) -> tuple[bytes, bool]:
        """The application's answer as bytes, and whether the connection stays open."""
        answered: list = []

        def start_response(status, headers, exc_info=None):
            if exc_info and answered:
                raise exc_info[1].with_traceback(exc_info[2])
            answered[:] = [status, headers]
            return lambda _data: None  # write() is not used by our applications

        try:
            environ = self._environ(request, peer)
            result = self.app(environ, start_response)
            try:
                body = b"".join(result)
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
            status, headers = answered
        except Exception:
            log.exception("the application failed on %s %s", request.method, request.target[:200])
            return _plain_response(_status(500), "Internal server error; logged.\n"), False
        keep_alive = request.keep_alive
        lines = [f"HTTP/1.1 {status}"]
        for name, value in headers:
            lowered = name.lower()
            if lowered in ("content-length", "connection", "transfer-encoding"):
                continue
            lines.append(f"{name}: {value}")
        lines.append(f"Content-Length: {len(body)}")
        lines.append("Server: soap-mturk")
        lines.append(f"Date: {_http_date()}")
        if not keep_alive:
            lines.append("Connection: close")
        elif request.version == "HTTP/1.0":
            lines.append("Connection: keep-alive")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        if request.method == "HEAD":
            return head, keep_alive
        return head + body, keep_alive

    # --- running ---------------------------------------------------------------------

    def serve(self):
        """Serve until stop(); in the calling thread."""
        self._started = True
        workers = [
            threading.Thread(target=self._work, name=f"soap-mturk-app-{n}", daemon=True)
            for n in range(self.app_threads)
        ]
        for worker in workers:
            worker.start()
        asyncio.set_event_loop(self.loop)
        try:
            self._server = self.loop.run_until_complete(
                self.loop.create_server(
                    lambda: _Connection(self), sock=self.sock, backlog=1024, start_serving=True
                )
            )
            self.loop.run_until_complete(self._until_stopped())
        finally:
            for _ in workers:
                self.jobs.put(None)
            for connection in list(self.connections):
                if connection.transport is not None:
                    connection.transport.abort()
            if self._server is not None:
                self._server.close()
            self.loop.run_until_complete(asyncio.sleep(0))
            self.loop.close()
            for worker in workers:
                worker.join(timeout=5)
            self._stopped.set()

    async def _until_stopped(self):
        self._stop_future = self.loop.create_future()
        if not self._stop_requested:
            await self._stop_future

    def stop(self):
        """Stop serving (from any thread) and wait until the loop has ended."""
        self._stop_requested = True
        if not self._started:
            self.sock.close()
            return
        if self.loop.is_closed():
            return

        def finish():
            if self._stop_future is not None and not self._stop_future.done():
                self._stop_future.set_result(None)

        try:
            self.loop.call_soon_threadsafe(finish)
        except RuntimeError:
            return
        self._stopped.wait(10)
