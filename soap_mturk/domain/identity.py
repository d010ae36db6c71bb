"""Identifiers and the clock, shaped like the vendor's."""

from __future__ import annotations

import secrets
import string
from datetime import UTC, datetime, timedelta

ID_ALPHABET = string.ascii_uppercase + string.digits


def new_id(length: int = 30) -> str:
    """An id like the vendor's: upper-case letters and digits."""
    return "".join(secrets.choice(ID_ALPHABET) for _ in range(length))


def utc_now() -> datetime:
    """Now, in UTC, to the millisecond: kept so, it orders what happens within one
    second (requests by SubmitTime); answers write whole seconds."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def later_than(previous: datetime | None, now: datetime) -> datetime:
    """`now`, or the start of the second after `previous` if `now` falls in the
    same whole second or before it.

    A re-grant must carry a new GrantTime as clients see it, in whole seconds.
    """
    if previous is not None:
        floor = previous.replace(microsecond=0)
        if now.replace(microsecond=0) <= floor:
            return floor + timedelta(seconds=1)
    return now


def format_time(value: datetime) -> str:
    """A time as the vendor wrote it: UTC with a trailing Z, to the millisecond."""
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"
