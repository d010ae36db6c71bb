"""A REST call's parameters as the request dict the api layer takes, read by the
message tables and the primitives table alone, so no operation has parameter code
of its own.

The vendor's REST naming: a scalar is `Name=value`; a repeated scalar is
`Name.1=…&Name.2=…` (a single one may also come unnumbered, `ResponseGroup=Request`);
a structure is `Name.1.Field=…`, repeated ones counting up `Name.2.Field=…`, nested
lists indexed the same way inside (`Name.1.IntegerValue.1=…`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from soap_mturk.api.schema import Field
from soap_mturk.domain.errors import MTurkError
from soap_mturk.protocol.codec.primitives import PRIMITIVES, BadValue, as_mturk_error

# Sequence numbers: a batch is at most MAX_BATCH long, so nine digits are plenty,
# and int() never sees a longer string.
_INDEX = r"([0-9]{1,9})"


def _scalar(field: Field, name: str, text: str) -> Any:
    try:
        return PRIMITIVES[field.type].parse(text)
    except BadValue as bad:
        raise as_mturk_error(name, bad) from None


def _indexes(parameters: Mapping[str, str], stem: str, structured: bool) -> list[int]:
    pattern = re.compile(re.escape(stem) + (rf"\.{_INDEX}\." if structured else rf"\.{_INDEX}$"))
    found = set()
    for key in parameters:
        match = pattern.match(key)
        if match:
            index = int(match.group(1))
            if index < 1:
                raise MTurkError.invalid(key, parameters[key], "sequence numbers start at 1")
            found.add(index)
    return sorted(found)


class ParameterReader:
    def __init__(self, types: Mapping[str, list[Field]]):
        self.types = types

    def read(self, type_name: str, parameters: Mapping[str, str]) -> dict[str, Any]:
        return self._fields(self.types[type_name], parameters, "")

    def _fields(
        self, fields: list[Field], parameters: Mapping[str, str], prefix: str
    ) -> dict[str, Any]:
        request: dict[str, Any] = {}
        for field in fields:
            stem = prefix + field.name
            value = (
                self._repeated(field, parameters, stem)
                if field.repeated
                else self._single(field, parameters, stem)
            )
            if value not in (None, [], {}):
                request[field.name] = value
        return request

    def _structured(self, field: Field) -> bool:
        return field.type in self.types

    def _single(self, field: Field, parameters: Mapping[str, str], stem: str) -> Any:
        if not self._structured(field):
            return _scalar(field, stem, parameters[stem]) if stem in parameters else None
        # A single structure is written `Name.1.Field`, or plainly `Name.Field`.
        numbered = stem + ".1."
        prefix = numbered if any(k.startswith(numbered) for k in parameters) else stem + "."
        return self._fields(self.types[field.type], parameters, prefix) or None

    def _repeated(self, field: Field, parameters: Mapping[str, str], stem: str) -> list[Any]:
        if self._structured(field):
            return [
                self._fields(self.types[field.type], parameters, f"{stem}.{i}.")
                for i in _indexes(parameters, stem, structured=True)
            ]
        values = [_scalar(field, stem, parameters[stem])] if stem in parameters else []
        for i in _indexes(parameters, stem, structured=False):
            key = f"{stem}.{i}"
            values.append(_scalar(field, key, parameters[key]))
        return values
