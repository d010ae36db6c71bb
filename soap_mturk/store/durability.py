"""Answers that wait for the disk without holding up the next request.

A write is acknowledged only once it is flushed. By default a store flushes before
`write()` returns. A server that can hold an answer back instead opens `deferring()`
around the application call: the store then hands it one waiter per write, and the
server sends the answer when every waiter has called back. Meanwhile its
application thread goes on with the next request, whose commit the same flush may
cover: a group commit (store/sqlite.py), with no change to the application.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

# `waiter(done)` calls `done(flushed: bool)` once the write it stands for is on disk
# (True) or the flush failed (False), from any thread.
Waiter = Callable[[Callable[[bool], None]], None]

_waiters: ContextVar[list[Waiter] | None] = ContextVar("soap_mturk_flush_waiters", default=None)


@contextmanager
def deferring() -> Iterator[list[Waiter]]:
    """Within: writes hand their flush to the returned list instead of waiting."""
    waiters: list[Waiter] = []
    token = _waiters.set(waiters)
    try:
        yield waiters
    finally:
        _waiters.reset(token)


def defer(waiter: Waiter) -> bool:
    """Hand a write's flush to the server, if it is deferring; False: flush now."""
    waiters = _waiters.get()
    if waiters is None:
        return False
    waiters.append(waiter)
    return True


def when_all_flushed(waiters: list[Waiter], done: Callable[[bool], None]) -> None:
    """Call `done(ok)` once, after every waiter has called back."""
    if not waiters:
        done(True)
        return
    import threading

    lock = threading.Lock()
    state = {"left": len(waiters), "ok": True}

    def one(ok: bool) -> None:
        with lock:
            state["ok"] = state["ok"] and ok
            state["left"] -= 1
            finished = state["left"] == 0
        if finished:
            done(bool(state["ok"]))

    for waiter in waiters:
        waiter(one)
