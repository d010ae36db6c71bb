"""The domain as the API reaches it: one object holding each service, all over
one store. The operation table's handlers receive it."""

from __future__ import annotations

from dataclasses import dataclass, replace

from soap_mturk.domain.accounts import Accounts, StartingBalance
from soap_mturk.domain.ports import Store
from soap_mturk.domain.qualifications import QualificationService
from soap_mturk.domain.requester_workers import RequesterWorkers
from soap_mturk.domain.rules import Rules


@dataclass
class Domain:
    store: Store
    qualifications: QualificationService
    accounts: Accounts
    workers: RequesterWorkers

    @classmethod
    def over(cls, store: Store, starting_balance: StartingBalance | None = None) -> Domain:
        return cls(
            store,
            QualificationService(store),
            Accounts(store, starting_balance),
            RequesterWorkers(store),
        )

    def under(self, rules: Rules) -> Domain:
        """The same services and store, applying another API version's rules."""
        qualifications = self.qualifications.under(rules)
        if qualifications is self.qualifications:
            return self
        return replace(self, qualifications=qualifications)
