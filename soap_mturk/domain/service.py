"""The whole domain behind the API: the qualification system, HITs and the
workers' side of HITs, sharing one store, one clock and one event publisher."""

from __future__ import annotations

from typing import TYPE_CHECKING

from soap_mturk.domain.accounts import Accounts, StartingBalance
from soap_mturk.domain.bonuses import Bonuses
from soap_mturk.domain.clock import Clock
from soap_mturk.domain.events import EventPublisher
from soap_mturk.domain.hit_workers import WorkerHITService
from soap_mturk.domain.hits import HITService
from soap_mturk.domain.notifications import Notifications
from soap_mturk.domain.qualifications import QualificationService
from soap_mturk.domain.requester_workers import RequesterWorkers
from soap_mturk.domain.rules import CURRENT, Rules
from soap_mturk.domain.statistics import Statistics

if TYPE_CHECKING:
    from soap_mturk.domain.ports import Store


class Domain(QualificationService):
    """The qualification operations (inherited), `hits` for the requester's HIT and
    assignment operations, `hit_workers` for the scripted workers, `events` to
    subscribe to what happens to HITs and assignments, `accounts` for balances,
    `requester_workers` for blocking and notifying workers."""

    def __init__(
        self,
        store: Store,
        rules: Rules = CURRENT,
        clock: Clock | None = None,
        events: EventPublisher | None = None,
        starting_balance: StartingBalance | None = None,
    ):
        super().__init__(store, rules, clock)
        self.events = events or EventPublisher()
        self.accounts = Accounts(store, starting_balance)
        self.hits = HITService(store, self.clock, self.events, self.accounts)
        self.hit_workers = WorkerHITService(store, self.clock, self.events, self.accounts)
        self.bonuses = Bonuses(store, self.clock, self.accounts)
        self.notifications = Notifications(store, self.clock)
        self.statistics = Statistics(store, self.clock)
        self.events.subscribe(self.notifications.on_event)
        self.requester_workers = RequesterWorkers(store, self.clock)
