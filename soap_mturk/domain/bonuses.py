"""Bonuses: GrantBonus pays a worker who did an assignment of the caller's, from
the caller's balance, with the service's fee; GetBonusPayments lists them by HIT
or by assignment.

Rules (reference, GrantBonus and GetBonusPayments): WorkerId, AssignmentId,
BonusAmount and Reason are required; the account must hold the bonus and its fee;
a UniqueRequestToken (at most 64 characters) already used for a bonus in the last
24 hours is refused, naming the bonus; GetBonusPayments needs a HITId or an
AssignmentId and pages with PageSize 1-100 (default 10).

The fee is the service's (domain/fees.py).
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from soap_mturk.domain import errors
from soap_mturk.domain.errors import MTurkError
from soap_mturk.domain.fees import service_fee
from soap_mturk.domain.identity import new_id
from soap_mturk.domain.model import APPROVED, REJECTED, SUBMITTED, BonusPayment, Page
from soap_mturk.domain.money import parse_price
from soap_mturk.domain.qualifications import paging, require
from soap_mturk.domain.requester_workers import valid_worker_id

if TYPE_CHECKING:
    from soap_mturk.domain.accounts import Accounts
    from soap_mturk.domain.clock import Clock
    from soap_mturk.domain.ports import Store

MAX_TOKEN, TOKEN_LIFETIME = 64, timedelta(hours=24)
MAX_REASON = 4096


class Bonuses:
    def __init__(self, store: Store, clock: Clock, accounts: Accounts):
        self.store, self.clock, self.accounts = store, clock, accounts

    def grant(
        self,
        caller: str,
        worker_id: str | None,
        assignment_id: str | None,
        bonus: dict | None,
        reason: str | None,
        token: str | None,
    ) -> BonusPayment:
        require(WorkerId=worker_id, AssignmentId=assignment_id, BonusAmount=bonus, Reason=reason)
        valid_worker_id(worker_id)
        amount = parse_price("BonusAmount", bonus)
        if amount <= 0:
            raise MTurkError.invalid("BonusAmount.Amount", amount, "a bonus must be positive")
        if len(reason) > MAX_REASON:
            raise MTurkError.invalid("Reason", "(text)", f"at most {MAX_REASON} characters")
        if token is not None and not 1 <= len(token) <= MAX_TOKEN:
            raise MTurkError.invalid("UniqueRequestToken", token, f"1 to {MAX_TOKEN} characters")
        with self.store.write() as session:
            now = self.clock.now(session)
            assignment = session.get_assignment(assignment_id)
            hit = session.get_hit(assignment.hit_id) if assignment else None
            if assignment is None or hit is None or hit.owner != caller:
                raise errors.AssignmentDoesNotExist(
                    f"Assignment {assignment_id} does not exist among your HITs' assignments."
                )
            if assignment.worker_id != worker_id:
                raise MTurkError.invalid(
                    "WorkerId", worker_id, f"assignment {assignment_id} is another worker's"
                )
            if assignment.status not in (SUBMITTED, APPROVED, REJECTED):
                raise errors.InvalidAssignmentState(
                    f"Assignment {assignment_id} is {assignment.status}: a bonus is paid for"
                    " submitted work."
                )
            if token is not None:
                earlier = session.find_bonus_by_token(caller, token)
                if earlier is not None and now - earlier.grant_time < TOKEN_LIFETIME:
                    raise MTurkError.invalid(
                        "UniqueRequestToken",
                        token,
                        f"a bonus was already granted with it: {earlier.id}",
                    )
            fee = service_fee(amount)
            self.accounts.debit(session, caller, amount + fee, "this bonus and its fee")
            payment = BonusPayment(
                new_id(30), caller, worker_id, assignment_id, hit.id, amount, fee, reason, now,
                token,
            )  # fmt: skip
            session.put_bonus(payment)
            return payment

    def payments(
        self,
        caller: str,
        hit_id: str | None,
        assignment_id: str | None,
        page_number: int | None,
        page_size: int | None,
    ) -> Page[BonusPayment]:
        if not hit_id and not assignment_id:
            raise MTurkError.missing("HITId", "AssignmentId")
        number, offset, limit = paging(page_number, page_size)
        with self.store.read() as session:
            if assignment_id:
                assignment = session.get_assignment(assignment_id)
                hit = session.get_hit(assignment.hit_id) if assignment else None
                if hit is None or hit.owner != caller:
                    raise errors.AssignmentDoesNotExist(
                        f"Assignment {assignment_id} does not exist among your HITs' assignments."
                    )
            else:
                hit = session.get_hit(hit_id)
                if hit is None or hit.owner != caller:
                    raise errors.HITDoesNotExist(f"HIT {hit_id} does not exist among your HITs.")
            items, total = session.list_bonuses(
                caller, hit_id=None if assignment_id else hit_id, assignment_id=assignment_id,
                offset=offset, limit=limit,
            )  # fmt: skip
        return Page(items, total, number)
