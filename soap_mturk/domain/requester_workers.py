"""A requester's dealings with workers outside a HIT: blocking and unblocking them
(BlockWorker, UnblockWorker, GetBlockedWorkers) and writing to them (NotifyWorkers).

The reference's rules: blocking a blocked worker, or unblocking one who is not
blocked, succeeds; a missing or invalid WorkerId is "WorkerId is invalid."; a
Reason is required to block and optional to unblock; GetBlockedWorkers pages with
PageSize 1-65535 (default 10). NotifyWorkers takes a Subject of up to 200
characters, a MessageText of up to 4096, and 1 to 100 WorkerIds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from soap_mturk.domain.clock import Clock
from soap_mturk.domain.errors import InvalidParameterValue, MTurkError
from soap_mturk.domain.identity import new_id
from soap_mturk.domain.model import Page, WorkerBlock, WorkerMessage
from soap_mturk.domain.qualifications import paging, require
from soap_mturk.domain.workers import MAX_WORKER_ID

if TYPE_CHECKING:
    from soap_mturk.domain.ports import Session, Store

MAX_BLOCKED_PAGE_SIZE = 65535
MAX_SUBJECT, MAX_MESSAGE, MAX_RECIPIENTS = 200, 4096, 100
MAX_REASON = 4096  # the reference gives none; a bound keeps rows reasonable


def valid_worker_id(worker_id: str | None) -> str:
    """The worker's id, or the reference's refusal: "WorkerId is invalid."."""
    if (
        not worker_id
        or len(worker_id) > MAX_WORKER_ID
        or not worker_id.isprintable()
        or worker_id.strip() != worker_id
    ):
        raise InvalidParameterValue(f"WorkerId is invalid. ({worker_id!r})")
    return worker_id


def _check_length(name: str, text: str | None, limit: int) -> None:
    if text is not None and len(text) > limit:
        raise MTurkError.invalid(name, f"({len(text)} characters)", f"at most {limit} characters")


class RequesterWorkers:
    def __init__(self, store: Store, clock: Clock | None = None):
        self.store = store
        self.clock = clock or Clock(store)

    # --- blocks ----------------------------------------------------------------------

    def block(self, caller: str, worker_id: str | None, reason: str | None) -> None:
        worker_id = valid_worker_id(worker_id)
        require(Reason=reason)
        assert reason is not None  # require() refused None
        _check_length("Reason", reason, MAX_REASON)
        with self.store.write() as session:
            # Blocking again succeeds (reference): the reason is the latest, the block
            # keeps its place in GetBlockedWorkers.
            existing = session.get_block(caller, worker_id)
            since = existing.block_time if existing else self.clock.now(session)
            session.put_block(WorkerBlock(caller, worker_id, reason, since))

    def unblock(self, caller: str, worker_id: str | None, reason: str | None) -> None:
        worker_id = valid_worker_id(worker_id)
        _check_length("Reason", reason, MAX_REASON)
        with self.store.write() as session:
            session.delete_block(caller, worker_id)

    def is_blocked(self, session: Session, requester: str, worker_id: str) -> bool:
        return session.get_block(requester, worker_id) is not None

    def blocked(
        self, caller: str, page_number: int | None, page_size: int | None
    ) -> Page[WorkerBlock]:
        number, offset, limit = paging(page_number, page_size, MAX_BLOCKED_PAGE_SIZE)
        with self.store.read() as session:
            items, total = session.list_blocks(caller, offset, limit)
        return Page(items, total, number)

    # --- messages --------------------------------------------------------------------

    def notify(
        self,
        caller: str,
        subject: str | None,
        text: str | None,
        worker_ids: list[str] | None,
    ) -> list[WorkerMessage]:
        # The WSDL makes Subject optional, the reference requires it; the service
        # followed the reference (a mail needs a subject).
        require(Subject=subject, MessageText=text, WorkerId=worker_ids or None)
        assert subject is not None and text is not None and worker_ids  # require() refused None
        _check_length("Subject", subject, MAX_SUBJECT)
        _check_length("MessageText", text, MAX_MESSAGE)
        if len(worker_ids) > MAX_RECIPIENTS:
            raise MTurkError.invalid(
                "WorkerId", f"({len(worker_ids)} workers)", f"at most {MAX_RECIPIENTS} workers"
            )
        for worker_id in worker_ids:
            valid_worker_id(worker_id)
        with self.store.write() as session:
            now = self.clock.now(session)
            sent = [
                WorkerMessage(new_id(30), caller, worker_id, subject, text, now)
                for worker_id in dict.fromkeys(worker_ids)  # one mail per worker, in order
            ]
            for message in sent:
                session.put_message(message)
        return sent

    def inbox(self, worker_id: str | None = None) -> list[WorkerMessage]:
        with self.store.read() as session:
            return session.list_messages(worker_id)
