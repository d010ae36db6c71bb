"""API versions, as data.

A version is a date, from which its namespace follows, plus any differences in
message shapes from the current tables in `soap_mturk.api.schema`. From 2007-06-21
to 2014-08-15 the qualification messages kept one shape, so the versions served
differ only in namespace. Adding a version is one more line in VERSIONS; its
`operations` and `type_overrides` say where it differs, as data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from soap_mturk.api.operations import OPERATIONS
from soap_mturk.api.schema import TYPES, Field

NAMESPACE_PREFIX = "http://requester.mturk.amazonaws.com/doc/"


@dataclass(frozen=True)
class ApiVersion:
    date: str
    # complex type name -> its fields in this version, where they differ from TYPES
    type_overrides: Mapping[str, list[Field]] = field(default_factory=dict)
    # the operations this version has; the codecs refuse any other
    operations: tuple[str, ...] = tuple(OPERATIONS)

    @property
    def namespace(self) -> str:
        return NAMESPACE_PREFIX + self.date

    @property
    def types(self) -> Mapping[str, list[Field]]:
        return MappingProxyType({**TYPES, **self.type_overrides})


VERSIONS: tuple[ApiVersion, ...] = (
    ApiVersion("2014-08-15"),
    ApiVersion("2012-03-25"),
)
LATEST = VERSIONS[0]
BY_DATE = {v.date: v for v in VERSIONS}
