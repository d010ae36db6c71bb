"""GetRequesterStatistic and GetRequesterWorkerStatistic, computed from the store
in emulator time (reference, both operations).

A time period is OneDay (Count data points, one per calendar day in UTC up to and
including today, each that day's activity), SevenDays or ThirtyDays (one data
point: the activity of that many days up to now), or LifeToDate (one data point:
all of it). A data point's Date is its day's start for OneDay, else now. Counts
are LongValue, amounts and percentages DoubleValue (the reference's table).
Statistics that describe the present (NumberHITsAssignable, NumberHITsReviewable,
NumberAssignmentsAvailable, NumberAssignmentsPending, the Estimated liabilities)
are the present value for every period, and NumberHITsAssignable only LifeToDate,
as the reference says. Percentages are over the assignments approved or rejected
in the period (0 when none were).

What the store does not keep is estimated from what it does: a returned
assignment counts on the day it was accepted, an abandoned one at its deadline, a
completed (disposed) HIT at its expiration. Known-answer and plurality statistics
are 0: review policy results are not kept per worker.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from soap_mturk.domain.errors import MTurkError
from soap_mturk.domain.fees import assignment_cost
from soap_mturk.domain.model import (
    ABANDONED,
    ACCEPTED,
    APPROVED,
    REJECTED,
    RETURNED,
    SUBMITTED,
)
from soap_mturk.domain.qualifications import check_choice, check_int, require
from soap_mturk.domain.requester_workers import valid_worker_id

if TYPE_CHECKING:
    from soap_mturk.domain.clock import Clock
    from soap_mturk.domain.ports import Store

PERIODS = {"OneDay": 1, "SevenDays": 7, "ThirtyDays": 30, "LifeToDate": None}
REQUESTER_STATISTICS = (
    "NumberHITsAssignable", "NumberHITsReviewable", "NumberHITsCreated", "NumberHITsCompleted",
    "TotalRewardPayout", "TotalRewardFeePayout", "TotalFeePayout", "TotalRewardAndFeePayout",
    "TotalBonusPayout", "TotalBonusFeePayout", "EstimatedFeeLiability",
    "EstimatedRewardLiability", "EstimatedTotalLiability", "NumberAssignmentsAvailable",
    "NumberAssignmentsAccepted", "NumberAssignmentsPending", "NumberAssignmentsApproved",
    "NumberAssignmentsRejected", "NumberAssignmentsReturned", "NumberAssignmentsAbandoned",
    "AverageRewardAmount", "PercentAssignmentsApproved", "PercentAssignmentsRejected",
)  # fmt: skip
WORKER_STATISTICS = (
    "NumberAssignmentsApproved", "NumberAssignmentsRejected", "PercentAssignmentsApproved",
    "PercentAssignmentsRejected", "NumberKnownAnswersCorrect", "NumberKnownAnswersIncorrect",
    "NumberKnownAnswersEvaluated", "PercentKnownAnswersCorrect",
    "NumberPluralityAnswersCorrect", "NumberPluralityAnswersIncorrect",
    "NumberPluralityAnswersEvaluated", "PercentPluralityAnswersCorrect",
)  # fmt: skip
PRESENT = {
    "NumberHITsAssignable", "NumberHITsReviewable", "NumberAssignmentsAvailable",
    "NumberAssignmentsPending", "EstimatedFeeLiability", "EstimatedRewardLiability",
    "EstimatedTotalLiability",
}  # fmt: skip
DOUBLES = {
    "TotalRewardPayout", "TotalRewardFeePayout", "TotalFeePayout", "TotalRewardAndFeePayout",
    "TotalBonusPayout", "TotalBonusFeePayout", "EstimatedFeeLiability",
    "EstimatedRewardLiability", "EstimatedTotalLiability", "AverageRewardAmount",
    "PercentAssignmentsApproved", "PercentAssignmentsRejected", "PercentKnownAnswersCorrect",
    "PercentPluralityAnswersCorrect",
}  # fmt: skip
MAX_COUNT = 365


@dataclass(frozen=True)
class DataPoint:
    date: datetime
    value: int | float

    @property
    def is_double(self) -> bool:
        return isinstance(self.value, float)


@dataclass
class _Facts:
    """What happened, as (time, amount) pairs per kind, and what is true now."""

    happened: dict[str, list[tuple[datetime, float]]]
    present: dict[str, float]


def _window(start: datetime | None, end: datetime) -> Callable[[datetime | None], bool]:
    return lambda t: t is not None and (start is None or start <= t) and t < end


class Statistics:
    def __init__(self, store: Store, clock: Clock):
        self.store, self.clock = store, clock

    def requester(
        self, caller: str, statistic: str | None, period: str | None, count: int | None
    ) -> list[DataPoint]:
        self._check(statistic, period, count, REQUESTER_STATISTICS)
        if statistic == "NumberHITsAssignable" and period != "LifeToDate":
            raise MTurkError.invalid(
                "TimePeriod", period, "NumberHITsAssignable is only given as LifeToDate"
            )
        with self.store.read() as session:
            now = self.clock.now(session)
            facts = self._facts(session, caller, None, now)
        return self._points(facts, statistic, period, count, now)

    def worker(
        self,
        caller: str,
        statistic: str | None,
        period: str | None,
        worker_id: str | None,
        count: int | None,
    ) -> list[DataPoint]:
        self._check(statistic, period, count, WORKER_STATISTICS)
        require(WorkerId=worker_id)
        valid_worker_id(worker_id)
        with self.store.read() as session:
            now = self.clock.now(session)
            facts = self._facts(session, caller, worker_id, now)
        return self._points(facts, statistic, period, count, now)

    @staticmethod
    def _check(statistic, period, count, known: tuple[str, ...]) -> None:
        require(Statistic=statistic, TimePeriod=period)
        check_choice("Statistic", statistic, known)
        check_choice("TimePeriod", period, tuple(PERIODS))
        check_int("Count", count, 1, MAX_COUNT)

    # --- what the store knows --------------------------------------------------------

    def _facts(self, session, caller: str, worker_id: str | None, now: datetime) -> _Facts:
        hits = {h.id: h for h in session.list_hits(caller)}
        costs = {}
        for hit in hits.values():
            reward = session.get_hit_type(hit.type_id).reward.amount
            costs[hit.id] = (reward, assignment_cost(reward, hit.max_assignments) - reward)
        assignments = [
            a
            for a in session.list_assignments(list(hits))
            if worker_id is None or a.worker_id == worker_id
        ]
        happened: dict[str, list[tuple[datetime, float]]] = {}

        def add(kind: str, when: datetime | None, amount: float = 1) -> None:
            if when is not None:
                happened.setdefault(kind, []).append((when, amount))

        for hit in hits.values():
            add("NumberHITsCreated", hit.creation_time)
            if hit.disposed:
                add("NumberHITsCompleted", min(hit.expiration, now))
        for a in assignments:
            reward, fee = costs[a.hit_id]
            add("NumberAssignmentsAccepted", a.accept_time)
            if a.status == APPROVED:
                add("NumberAssignmentsApproved", a.approval_time)
                add("TotalRewardPayout", a.approval_time, float(reward))
                add("TotalRewardFeePayout", a.approval_time, float(fee))
            elif a.status == REJECTED:
                add("NumberAssignmentsRejected", a.rejection_time)
            elif a.status == RETURNED:
                add("NumberAssignmentsReturned", a.accept_time)
            elif a.status == ABANDONED:
                add("NumberAssignmentsAbandoned", a.deadline)
        if worker_id is None:
            for bonus in self._bonuses(session, caller):
                add("TotalBonusPayout", bonus.grant_time, float(bonus.amount))
                add("TotalBonusFeePayout", bonus.grant_time, float(bonus.fee))
        return _Facts(happened, self._present(session, hits, costs, assignments, now))

    @staticmethod
    def _bonuses(session, caller: str) -> Iterable:
        items, _ = session.list_bonuses(
            caller, hit_id=None, assignment_id=None, offset=0, limit=2**31 - 1
        )
        return items

    def _present(self, session, hits, costs, assignments, now) -> dict[str, float]:
        by_hit: dict[str, list] = {}
        for a in assignments:
            by_hit.setdefault(a.hit_id, []).append(a)
        assignable = reviewable = available = pending = 0
        reward_liability = fee_liability = Decimal(0)
        for hit in hits.values():
            held = by_hit.get(hit.id, [])
            taken = sum(a.status in (ACCEPTED, SUBMITTED, APPROVED, REJECTED) for a in held)
            waiting = sum(a.status == SUBMITTED for a in held)
            in_progress = sum(a.status == ACCEPTED for a in held)
            free = 0 if hit.disposed or hit.expiration <= now else hit.max_assignments - taken
            assignable += free > 0
            reviewable += (
                not hit.disposed
                and not hit.reviewing
                and (hit.expiration <= now or hit.max_assignments == taken)
                and in_progress == 0
            )
            available += free
            pending += waiting
            reward, fee = costs[hit.id]
            open_ = free + in_progress + waiting
            reward_liability += reward * open_
            fee_liability += fee * open_
        return {
            "NumberHITsAssignable": assignable,
            "NumberHITsReviewable": reviewable,
            "NumberAssignmentsAvailable": available,
            "NumberAssignmentsPending": pending,
            "EstimatedRewardLiability": float(reward_liability),
            "EstimatedFeeLiability": float(fee_liability),
            "EstimatedTotalLiability": float(reward_liability + fee_liability),
        }

    # --- the data points ---------------------------------------------------------------

    def _points(self, facts, statistic, period, count, now) -> list[DataPoint]:
        if period == "OneDay":
            today = now.replace(hour=0, minute=0, second=0, microsecond=0)
            days = [today - timedelta(days=n) for n in reversed(range(count or 1))]
            return [
                DataPoint(day, self._value(facts, statistic, day, day + timedelta(days=1)))
                for day in days
            ]
        length = PERIODS[period]
        start = None if length is None else now - timedelta(days=length)
        return [DataPoint(now, self._value(facts, statistic, start, now + timedelta(seconds=1)))]

    def _value(self, facts: _Facts, statistic: str, start, end) -> int | float:
        double = statistic in DOUBLES
        if statistic in PRESENT:
            value = facts.present[statistic]
            return float(value) if double else int(value)
        inside = _window(start, end)

        def total(kind: str) -> float:
            return sum(amount for when, amount in facts.happened.get(kind, ()) if inside(when))

        if statistic in ("PercentAssignmentsApproved", "PercentAssignmentsRejected"):
            approved, rejected = (
                total("NumberAssignmentsApproved"),
                total("NumberAssignmentsRejected"),
            )
            decided = approved + rejected
            part = approved if statistic.endswith("Approved") else rejected
            return round(part / decided, 4) if decided else 0.0
        if statistic == "AverageRewardAmount":
            approved = total("NumberAssignmentsApproved")
            return round(total("TotalRewardPayout") / approved, 4) if approved else 0.0
        if statistic == "TotalFeePayout":
            value = total("TotalRewardFeePayout") + total("TotalBonusFeePayout")
        elif statistic == "TotalRewardAndFeePayout":
            value = total("TotalRewardPayout") + total("TotalRewardFeePayout")
        else:
            value = total(statistic)  # 0 for what is not kept (known answers, plurality)
        return round(float(value), 2) if double else int(value)
