"""The emulator's one clock: every time rule (HIT expiry, assignment deadlines,
auto-approval, a qualification's retry delay, the times written on records) reads
it.

Emulator time is wall-clock time plus an offset kept in the store, so it survives a
restart and every process serving one database shares it. The offset only grows:
tests move time forward to see a HIT expire or an assignment auto-approve without
sleeping (control API `POST /_emulator/clock`). Resetting the store resets it.

Signatures are not judged by it: a client signs with its own wall clock, so the
Timestamp window (auth/verify.py) stays on wall-clock time.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from soap_mturk.domain.errors import MTurkError
from soap_mturk.domain.identity import utc_now

if TYPE_CHECKING:
    from soap_mturk.domain.ports import Session, Store

MAX_ADVANCE = 10 * 365 * 24 * 3600  # ten years in one step is plenty for any test


class Clock:
    def __init__(self, store: Store):
        self.store = store

    def now(self, session: Session | None = None) -> datetime:
        """Emulator time, to the millisecond. Inside a transaction, pass its session
        (a store session cannot be opened within another)."""
        if session is not None:
            return utc_now() + timedelta(milliseconds=session.clock_offset_ms())
        with self.store.read() as reading:
            return utc_now() + timedelta(milliseconds=reading.clock_offset_ms())

    def offset_seconds(self) -> float:
        with self.store.read() as session:
            return session.clock_offset_ms() / 1000

    def advance(self, session: Session, seconds: float) -> datetime:
        """Move emulator time forward by `seconds` (never back: records would go out
        of order) and return the new now."""
        if not isinstance(seconds, int | float) or isinstance(seconds, bool):
            raise MTurkError.invalid("Seconds", seconds, "a number of seconds")
        if not 0 <= seconds <= MAX_ADVANCE:
            raise MTurkError.out_of_range("Seconds", seconds, 0, MAX_ADVANCE)
        session.set_clock_offset_ms(session.clock_offset_ms() + round(seconds * 1000))
        return self.now(session)
