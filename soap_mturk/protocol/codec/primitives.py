"""The XML Schema primitive types the WSDL uses: one parse and one format function
each, for SOAP and REST alike.

Parsing follows each type's lexical space (XML Schema part 2): surrounding
whitespace is collapsed away for every type but xs:string; digits are ASCII only
(`1_000` and non-ASCII digits are not xs:int, though Python's int() takes them);
a number is judged out of range by its digit count before anything converts it,
so a 5000-digit value costs no arithmetic. Formatting writes the form legacy
clients parse strictly: booleans `true`/`false`, times in whole seconds UTC with a
trailing `Z` (`2014-08-15T09:00:00Z`), as the vendor wrote CreationTime and
GrantTime (../shared/reference/captured-rest-responses/).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from soap_mturk.api.schema import BOOLEAN, DATETIME, DECIMAL, DOUBLE, ENUMS, INT, LONG, STRING
from soap_mturk.domain import MTurkError, errors


class BadValue(ValueError):
    """A text that is not in its type's lexical space, or out of its range."""

    def __init__(self, type_name: str, text: str, out_of_range: bool = False):
        super().__init__(text)
        self.type_name, self.text, self.out_of_range = type_name, text, out_of_range


_XML_SPACE = " \t\r\n"
_INTEGER = re.compile(r"([+-]?)0*([0-9]+)\Z", re.ASCII)
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)\Z", re.ASCII)
_DATETIME = re.compile(
    r"(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})T(?P<time>[0-9]{2}:[0-9]{2}:[0-9]{2})"
    r"(?:\.(?P<fraction>[0-9]+))?(?P<zone>Z|[+-][0-9]{2}:[0-9]{2})?\Z",
    re.ASCII,
)
_BOOLEANS = {"true": True, "1": True, "false": False, "0": False}
# xs:decimal has no range; an implementation must hold 18 digits. We hold 40, and
# refuse longer ones as out of range rather than compute with them.
MAX_DECIMAL_DIGITS = 40


def _integer(type_name: str, bits: int) -> Callable[[str], int]:
    low, high = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
    longest = len(str(high))

    def parse(text: str) -> int:
        match = _INTEGER.match(text.strip(_XML_SPACE))
        if match is None:
            raise BadValue(type_name, text)
        sign, digits = match.groups()
        if len(digits) > longest:  # decided before int() sees an unbounded string
            raise BadValue(type_name, text, out_of_range=True)
        value = int(sign + digits)
        if not low <= value <= high:
            raise BadValue(type_name, text, out_of_range=True)
        return value

    return parse


def _boolean(text: str) -> bool:
    # xs:boolean is true/false/1/0. Any letter case is taken too: boto 2 sends
    # Python's `True`/`False` (boto/mturk/connection.py) and the service served it.
    try:
        return _BOOLEANS[text.strip(_XML_SPACE).lower()]
    except KeyError:
        raise BadValue(BOOLEAN, text) from None


def _datetime(text: str) -> datetime:
    """Any xs:dateTime; a time without a zone is taken as UTC."""
    match = _DATETIME.match(text.strip(_XML_SPACE))
    if match is None:
        raise BadValue(DATETIME, text)
    fraction = (match["fraction"] or "")[:6].ljust(6, "0")
    zone = match["zone"]
    try:
        value = datetime.fromisoformat(f"{match['date']}T{match['time']}.{fraction}")
        if zone in (None, "Z"):
            return value.replace(tzinfo=UTC)
        hours, minutes = int(zone[1:3]), int(zone[4:6])
        if hours > 14 or minutes > 59 or (hours == 14 and minutes):
            raise ValueError(zone)
        offset = timedelta(hours=hours, minutes=minutes)
        value = value.replace(tzinfo=timezone(-offset if zone[0] == "-" else offset))
        value.astimezone(UTC)  # a time at the calendar's edge may not exist in UTC
        return value
    except (ValueError, OverflowError):
        raise BadValue(DATETIME, text) from None


def _decimal(text: str) -> Decimal:
    collapsed = text.strip(_XML_SPACE)
    if not _DECIMAL.match(collapsed):
        raise BadValue(DECIMAL, text)
    if sum(c.isdigit() for c in collapsed) > MAX_DECIMAL_DIGITS:
        raise BadValue(DECIMAL, text, out_of_range=True)
    return Decimal(collapsed)


_DOUBLE = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\Z", re.ASCII)
_DOUBLE_SPECIALS = {"INF": float("inf"), "-INF": float("-inf"), "NaN": float("nan")}


def _double(text: str) -> float:
    collapsed = text.strip(_XML_SPACE)
    if collapsed in _DOUBLE_SPECIALS:
        return _DOUBLE_SPECIALS[collapsed]
    if not _DOUBLE.match(collapsed) or len(collapsed) > MAX_DECIMAL_DIGITS + 8:
        raise BadValue(DOUBLE, text)
    return float(collapsed)


def format_double(value: float) -> str:
    """The shortest text that reads back as the same double (`0.5`, `281.0`), as
    spyne writes it; xs:double's INF, -INF and NaN."""
    value = float(value)
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "INF" if value > 0 else "-INF"
    return repr(value)


def format_datetime(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def as_mturk_error(name: str, bad: BadValue) -> MTurkError:
    """A bad value as the vendor answered it inside a request's result."""
    if bad.out_of_range:
        return errors.ParameterOutOfRange(
            f"The value {bad.text[:40]!r} for {name} is out of range for xs:{bad.type_name}.",
        )
    return MTurkError.invalid(name, bad.text[:40], f"expected an xs:{bad.type_name}")


@dataclass(frozen=True)
class Primitive:
    name: str
    parse: Callable[[str], Any]
    format: Callable[[Any], str]


PRIMITIVES: dict[str, Primitive] = {
    STRING: Primitive(STRING, str, str),
    INT: Primitive(INT, _integer(INT, 32), str),
    LONG: Primitive(LONG, _integer(LONG, 64), str),
    BOOLEAN: Primitive(BOOLEAN, _boolean, lambda value: "true" if value else "false"),
    DATETIME: Primitive(DATETIME, _datetime, format_datetime),
    DECIMAL: Primitive(DECIMAL, _decimal, lambda value: format(Decimal(value), "f")),
    DOUBLE: Primitive(DOUBLE, _double, format_double),
    # An enumeration restricts xs:string, whose whitespace is preserved. Which
    # values an operation takes is a rule of the domain (it answers the vendor's
    # InvalidParameterValue for others), so the text is passed on as sent.
    **{name: Primitive(name, str, str) for name in ENUMS},
}
