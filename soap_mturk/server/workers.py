"""`soap-mturk serve --workers N`: N processes serving one listening socket.

The parent binds the socket, then forks the workers; each opens the store itself
(database connections never cross a fork) and serves the inherited socket, so the
kernel hands each new connection to whichever worker accepts first, and a worker
that dies loses only its own connections, never the ones queued on the socket.
Every piece of state is in the store (SQLite in WAL mode, or PostgreSQL), so every
worker answers the same.

The parent only supervises: it starts a new worker for one that died (kill -9, a
crash; after a pause if it could not even start), and on SIGINT/SIGTERM stops
them all and waits for them. Workers ask the
kernel to stop them when the parent dies (Linux), so killing the parent with -9
does not leave workers serving alone.
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import socket
import sys
import time
from collections.abc import Callable

log = logging.getLogger("soap_mturk.server")

# A worker that exits on its own this soon after starting could not start (the
# store unreachable, say): the next is started after a pause that doubles up to
# the maximum, so a database that comes back is served again without a spin.
# One killed by a signal is started again at once.
_MIN_LIFETIME_SECONDS = 1.0
_MAX_RETRY_DELAY_SECONDS = 10.0
_PR_SET_PDEATHSIG = 1


def default_workers() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    return hasattr(os, "fork")


def _die_with_parent(parent: int) -> None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        return  # not Linux: a worker outlives a parent killed with -9
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(0)


def _worker(sock: socket.socket, serve_one: Callable[[socket.socket], None], parent: int) -> None:
    """In the child: serve until SIGTERM, then leave without running the parent's
    cleanup (atexit handlers, buffered output) a second time."""
    code = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C reaches the parent, which stops us
        signal.signal(signal.SIGTERM, signal.default_int_handler)
        _die_with_parent(parent)
        serve_one(sock)
    except KeyboardInterrupt:
        pass
    except BaseException:
        log.exception("worker %d failed", os.getpid())
        code = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


class Supervisor:
    def __init__(self, count: int, sock: socket.socket, serve_one: Callable[[socket.socket], None]):
        self.count = count
        self.sock = sock
        self.serve_one = serve_one
        self.children: dict[int, float] = {}  # pid -> when it started
        self._stopping = False

    def _spawn(self) -> None:
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:
            _worker(self.sock, self.serve_one, parent)
        self.children[pid] = time.monotonic()

    def _pause(self, seconds: float) -> None:
        """Wait, but no longer than it takes to be asked to stop."""
        until = time.monotonic() + seconds
        while not self._stopping and time.monotonic() < until:
            time.sleep(min(0.2, until - time.monotonic()))

    def _stop(self, signum, _frame) -> None:
        self._stopping = True
        for pid in list(self.children):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    def run(self) -> int:
        """Start the workers and keep `count` of them running until asked to stop."""
        previous = {s: signal.signal(s, self._stop) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            for _ in range(self.count):
                self._spawn()
            failures = 0
            while self.children:
                try:
                    pid, status = os.wait()
                except ChildProcessError:
                    break
                except InterruptedError:
                    continue
                started = self.children.pop(pid, None)
                if started is None or self._stopping:
                    continue
                how = (
                    f"signal {-os.waitstatus_to_exitcode(status)}"
                    if os.WIFSIGNALED(status)
                    else f"exit code {os.waitstatus_to_exitcode(status)}"
                )
                early = time.monotonic() - started < _MIN_LIFETIME_SECONDS
                if early and not os.WIFSIGNALED(status):
                    # It could not start (the database unreachable, say): try
                    # again, waiting longer each time, rather than spin or give up.
                    failures += 1
                    delay = min(_MAX_RETRY_DELAY_SECONDS, 2.0 ** (failures - 1))
                    log.error("worker %d stopped at start (%s); another in %.0f s", pid, how, delay)
                    self._pause(delay)
                    if self._stopping:
                        continue
                else:
                    failures = 0
                    log.warning("worker %d stopped (%s); starting another", pid, how)
                self._spawn()
            return 0
        finally:
            for s, handler in previous.items():
                signal.signal(s, handler)
