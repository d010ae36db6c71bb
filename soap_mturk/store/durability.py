"""Answers that wait for the disk, flushed together.

A write is acknowledged only once it is flushed. By default a store flushes before
`write()` returns. A server that can hold answers back instead opens `deferring()`
around the application call: the store then hands it one flush per write, a
callable that makes that write durable and says whether it could. The server runs
those flushes when it has no other request waiting (or holds too many answers),
and sends the held answers after them. The first flush covers every commit made
before it (store/sqlite.py), so the rest return at once: writes that arrived
together share one flush, a group commit, without a thread of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

# Makes one write durable; True once it is on disk, False if the flush failed.
Flush = Callable[[], bool]

_flushes: ContextVar[list[Flush] | None] = ContextVar("soap_mturk_flushes", default=None)


@contextmanager
def deferring() -> Iterator[list[Flush]]:
    """Within: writes hand their flush to the returned list instead of flushing."""
    flushes: list[Flush] = []
    token = _flushes.set(flushes)
    try:
        yield flushes
    finally:
        _flushes.reset(token)


def defer(flush: Flush) -> bool:
    """Hand a write's flush to the server, if it is deferring; False: flush now."""
    flushes = _flushes.get()
    if flushes is None:
        return False
    flushes.append(flush)
    return True


def run_all(flushes: list[Flush]) -> bool:
    """Run every flush; True if every write is on disk."""
    ok = True
    for flush in flushes:
        ok = flush() and ok
    return ok
