"""The requester's account: the balance GetAccountBalance reports, and where money
leaves it (`debit`: a HIT's assignments when it is created or extended, bonuses,
with their fees) and comes back (`credit`: rejected work, unused assignments).

A requester's account is opened at its first use with its starting balance: the
one configured for it (credentials file, fixture, control API) or DEFAULT_BALANCE.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING

from soap_mturk.domain import errors
from soap_mturk.domain.money import DEFAULT_BALANCE

if TYPE_CHECKING:
    from soap_mturk.domain.ports import Session, Store

StartingBalance = Callable[[str], Decimal | None]


class Accounts:
    def __init__(self, store: Store, starting_balance: StartingBalance | None = None):
        self.store = store
        self._starting = starting_balance or (lambda _requester: None)

    def opening_balance(self, requester: str) -> Decimal:
        configured = self._starting(requester)
        return DEFAULT_BALANCE if configured is None else configured

    def balance_in(self, session: Session, requester: str) -> Decimal:
        held = session.get_balance(requester)
        return self.opening_balance(requester) if held is None else held

    def balance(self, requester: str) -> Decimal:
        with self.store.read() as session:
            return self.balance_in(session, requester)

    def set_balance(self, requester: str, amount: Decimal) -> None:
        with self.store.write() as session:
            session.put_balance(requester, amount)

    def debit(self, session: Session, requester: str, amount: Decimal, what: str) -> None:
        """Take `amount` from the balance, or refuse with the vendor's error."""
        available = self.balance_in(session, requester)
        if amount > available:
            raise errors.InsufficientFunds(
                f"Your account balance is too low for {what}: it needs ${amount:.2f},"
                f" ${available:.2f} is available."
            )
        session.put_balance(requester, available - amount)

    def credit(self, session: Session, requester: str, amount: Decimal) -> None:
        session.put_balance(requester, self.balance_in(session, requester) + amount)
