"""The persistence interface the domain needs, and nothing more.

A `Store` hands out `Session`s: `read()` for a consistent snapshot, `write()` for a
serialised read-modify-write unit that is committed, durably, when the block exits
without error and rolled back otherwise. Any database with transactions (SQLite,
PostgreSQL) can implement it without the domain changing.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Protocol

from soap_mturk.domain.model import Qualification, QualificationRequest, QualificationType


class Session(Protocol):
    # qualification types
    def get_type(self, type_id: str) -> QualificationType | None: ...
    def find_type_by_name(self, owner: str, name: str) -> QualificationType | None: ...
    def put_type(self, qtype: QualificationType) -> None: ...
    def delete_type(self, type_id: str) -> None: ...
    def search_types(
        self,
        *,
        caller: str,
        query: str | None,
        requestable_only: bool,
        owned_only: bool,
        descending: bool,
        offset: int,
        limit: int,
    ) -> tuple[list[QualificationType], int]:
        """Types `caller` may see (its own, or others' active ones), by name; `query`
        matches name, description or keywords, ignoring case; `requestable_only`
        keeps those whose `is_requestable` is true. A disposed type's qualifications
        stay: `delete_type` removes the type alone."""

    # qualifications
    def get_qualification(self, type_id: str, subject_id: str) -> Qualification | None: ...
    def put_qualification(self, qualification: Qualification) -> None: ...
    def list_qualifications(
        self, type_id: str, status: str, offset: int, limit: int
    ) -> tuple[list[Qualification], int]: ...

    # qualification requests
    def get_request(self, request_id: str) -> QualificationRequest | None: ...
    def put_request(self, request: QualificationRequest) -> None: ...
    def list_requests(
        self,
        *,
        owner: str,
        type_id: str | None,
        status: str,
        sort_by: str,
        descending: bool,
        offset: int,
        limit: int,
    ) -> tuple[list[QualificationRequest], int]:
        """Requests in `status` for types owned by `owner` (optionally one type)."""

    def latest_request(self, type_id: str, subject_id: str) -> QualificationRequest | None: ...

    # whole-store views and reset, for the emulator's control API and dashboard
    def all_types(self) -> list[QualificationType]: ...
    def all_qualifications(self) -> list[Qualification]: ...
    def all_requests(self, status: str) -> list[QualificationRequest]: ...
    def clear_all(self) -> None: ...


class Store(Protocol):
    def read(self) -> AbstractContextManager[Session]: ...
    def write(self) -> AbstractContextManager[Session]: ...
    def close(self) -> None: ...
