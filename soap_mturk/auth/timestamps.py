"""Reading a request's Timestamp the way clients actually wrote it.

Legacy clients disagree on the form: the vendor's Java SDK sends milliseconds and
`Z` (`2008-01-31T23:59:59.123Z`), zeep and .NET send microseconds or an offset
(`+00:00`), Perl and Ruby clients whole seconds. All are xs:dateTime; a time without
a zone is taken as UTC, as the vendor documented every Timestamp to be.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

_DATETIME = re.compile(
    r"^(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
    r"T(?P<hour>\d{2}):(?P<minute>\d{2}):(?P<second>\d{2})"
    r"(?:\.(?P<fraction>\d{1,12}))?"
    r"(?P<zone>Z|z|[+-]\d{2}:?\d{2})?$"
)


def parse_timestamp(text: str) -> datetime:
    """The instant `text` names, in UTC; ValueError if it is not an xs:dateTime."""
    match = _DATETIME.match(text.strip())
    if match is None:
        raise ValueError(f"not an xs:dateTime: {text!r}")
    parts = match.groupdict()
    fraction = parts["fraction"] or "0"
    micro = int(fraction[:6].ljust(6, "0"))
    moment = datetime(
        int(parts["year"]),
        int(parts["month"]),
        int(parts["day"]),
        int(parts["hour"]),
        int(parts["minute"]),
        int(parts["second"]),
        micro,
        tzinfo=UTC,
    )  # raises ValueError for a day or hour that does not exist
    zone = parts["zone"]
    if zone and zone not in "Zz":
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:])
        if hours > 14 or minutes > 59:
            raise ValueError(f"not a time zone offset: {zone!r}")
        try:
            moment -= sign * timedelta(hours=hours, minutes=minutes)
        except OverflowError:  # 9999-12-31T23:59:59-14:00 is past datetime's last day
            raise ValueError(f"outside the years 1 to 9999: {text!r}") from None
    return moment
