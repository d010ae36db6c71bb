"""One entry of the operation table: which domain call answers a request and
which element carries its result. Requests and results are dicts keyed by the
vendor's element names; values are Python values (str, int, bool, datetime)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from soap_mturk.domain import Page, QualificationService

Request = Mapping[str, Any]
Result = dict[str, Any]
Handler = Callable[[QualificationService, str, Request], Result]


@dataclass(frozen=True)
class Operation:
    name: str
    result_element: str  # the element each request's result is written in
    result_type: str  # its type in api.schema
    handler: Handler

    @property
    def request_type(self) -> str:
        return self.name + "Request"


def page_fields(page: Page, element: str, items: list[Result]) -> Result:
    return {
        "NumResults": len(page.items),
        "TotalNumResults": page.total,
        "PageNumber": page.number,
        element: items,
    }
