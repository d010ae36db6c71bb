"""GetRequesterStatistic and GetRequesterWorkerStatistic, computed from the store
in emulator time: every period (OneDay with Count, SevenDays, ThirtyDays,
LifeToDate), counts as LongValue and amounts and percentages as DoubleValue, over
REST (plain HTTP) and SOAP (zeep), with their error codes. Each test is a
requester of its own, so the figures are exactly its activity."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from lxml import etree

from soap_mturk.auth.requesters import Requester
from soap_mturk.control.client import ControlClient
from tests.conftest import served_client
from tests.hit_support import QUESTION_FORM, Worker
from tests.lifecycle_support import Caller, new_key
from tests.rest_support import call, vendor_signed


class Requesting:
    """A fresh requester on the auth-off emulator, with a small HIT history:
    one HIT of 3 assignments at $0.10, one approved, one rejected, a $0.50 bonus."""

    def __init__(self, running):
        self.running = running
        self.me = Requester(new_key("stats"), "unchecked")
        self.control = ControlClient(running.base_url)
        hit_type = self.rest(
            "RegisterHITType", Title="stats", Description="d", AssignmentDurationInSeconds=600,
            **{"Reward.1.Amount": "0.10", "Reward.1.CurrencyCode": "USD"},
        ).findtext("RegisterHITTypeResult/HITTypeId")  # fmt: skip
        self.hit = self.rest(
            "CreateHIT", HITTypeId=hit_type, LifetimeInSeconds=3600, Question=QUESTION_FORM,
            MaxAssignments=3,
        ).findtext("HIT/HITId")  # fmt: skip
        self.good, self.poor = Worker(self.control), Worker(self.control)
        kept, refused = self.good.take(self.hit), self.poor.take(self.hit)
        self.rest("ApproveAssignment", AssignmentId=kept)
        self.rest("RejectAssignment", AssignmentId=refused)
        self.rest(
            "GrantBonus", WorkerId=self.good.id, AssignmentId=kept, Reason="r",
            **{"BonusAmount.1.Amount": "0.50", "BonusAmount.1.CurrencyCode": "USD"},
        )  # fmt: skip

    def rest(self, operation: str, **params) -> etree._Element:
        status, _, root = call(self.running, vendor_signed(self.me, operation, **params))
        assert status == 200
        return root

    def points(self, statistic: str, period: str, worker: str | None = None, **extra) -> list:
        operation = "GetRequesterWorkerStatistic" if worker else "GetRequesterStatistic"
        params = {"Statistic": statistic, "TimePeriod": period, **extra}
        if worker:
            params["WorkerId"] = worker
        result = self.rest(operation, **params).find("GetStatisticResult")
        assert result.findtext("Request/IsValid") == "True", etree.tostring(result)
        assert (result.findtext("Statistic"), result.findtext("TimePeriod")) == (statistic, period)
        return [
            (p.findtext("Date"), p.findtext("LongValue"), p.findtext("DoubleValue"))
            for p in result.findall("DataPoint")
        ]

    def value(self, statistic: str, period: str = "LifeToDate", worker: str | None = None):
        ((_, long_value, double_value),) = self.points(statistic, period, worker)
        return int(long_value) if long_value is not None else float(double_value)

    def error(self, operation: str, **params) -> str | None:
        return self.rest(operation, **params).findtext(".//Errors/Error/Code")


@pytest.fixture
def requester(emulator) -> Requesting:
    return Requesting(emulator)


@pytest.mark.parametrize(
    "statistic,value",
    [
        ("NumberHITsCreated", 1),
        ("NumberAssignmentsAccepted", 2),
        ("NumberAssignmentsApproved", 1),
        ("NumberAssignmentsRejected", 1),
        ("NumberAssignmentsPending", 0),
        ("NumberAssignmentsAvailable", 1),
        ("NumberHITsAssignable", 1),
        ("NumberHITsReviewable", 0),
        ("NumberHITsCompleted", 0),
        ("PercentAssignmentsApproved", 0.5),
        ("PercentAssignmentsRejected", 0.5),
        ("TotalRewardPayout", 0.1),
        ("TotalRewardFeePayout", 0.02),
        ("TotalBonusPayout", 0.5),
        ("TotalBonusFeePayout", 0.1),
        ("TotalFeePayout", 0.12),
        ("TotalRewardAndFeePayout", 0.12),
        ("AverageRewardAmount", 0.1),
        ("EstimatedRewardLiability", 0.1),
        ("EstimatedFeeLiability", 0.02),
        ("EstimatedTotalLiability", 0.12),
    ],
)
def test_every_requester_statistic_life_to_date(requester, statistic, value):
    got = requester.value(statistic)
    assert got == value and type(got) is type(value)


def test_periods_and_the_daily_series_follow_the_emulator_clock(requester):
    series = requester.points("NumberAssignmentsApproved", "OneDay", Count=3)
    assert [long for _, long, _ in series] == ["0", "0", "1"]
    days = [datetime.strptime(d, "%Y-%m-%dT%H:%M:%SZ") for d, _, _ in series]
    assert all(d.hour == d.minute == 0 for d in days) and days == sorted(days)
    assert requester.value("NumberAssignmentsApproved", "SevenDays") == 1
    requester.control.advance_clock(3 * 86400)
    assert requester.points("NumberAssignmentsApproved", "OneDay")[0][1] == "0"
    assert requester.value("NumberAssignmentsApproved", "SevenDays") == 1
    requester.control.advance_clock(8 * 86400)
    assert requester.value("NumberAssignmentsApproved", "SevenDays") == 0
    assert requester.value("NumberAssignmentsApproved", "ThirtyDays") == 1
    assert requester.value("NumberAssignmentsApproved", "LifeToDate") == 1
    (today, *_), *_ = requester.points("NumberHITsCreated", "OneDay")
    clock = datetime.fromisoformat(requester.control.clock()["Now"].replace("Z", "+00:00"))
    assert today == clock.astimezone(UTC).strftime("%Y-%m-%dT00:00:00Z")


def test_worker_statistics_are_the_workers_alone(requester):
    assert requester.value("NumberAssignmentsApproved", worker=requester.good.id) == 1
    assert requester.value("NumberAssignmentsRejected", worker=requester.good.id) == 0
    assert requester.value("PercentAssignmentsRejected", worker=requester.poor.id) == 1.0
    assert requester.value("NumberAssignmentsApproved", worker="ANEVERWORKED0001") == 0
    # review policy results are not kept per worker: 0 (README, "Statistics")
    assert requester.value("NumberKnownAnswersCorrect", worker=requester.good.id) == 0


@pytest.mark.parametrize(
    "operation,params,code",
    [
        ("GetRequesterStatistic", {"Statistic": "NumberHITsAssignable", "TimePeriod": "OneDay"},
         "AWS.MechanicalTurk.InvalidParameterValue"),
        ("GetRequesterStatistic", {"Statistic": "NumberOfCats", "TimePeriod": "OneDay"},
         "AWS.MechanicalTurk.InvalidParameterValue"),
        ("GetRequesterStatistic", {"Statistic": "NumberHITsCreated", "TimePeriod": "OneYear"},
         "AWS.MechanicalTurk.InvalidParameterValue"),
        ("GetRequesterStatistic", {"Statistic": "NumberHITsCreated"}, "AWS.MissingParameters"),
        ("GetRequesterStatistic", {"Statistic": "NumberHITsCreated", "TimePeriod": "OneDay",
         "Count": 0}, "AWS.ParameterOutOfRange"),
        ("GetRequesterWorkerStatistic", {"Statistic": "NumberAssignmentsApproved",
         "TimePeriod": "OneDay"}, "AWS.MissingParameters"),
        ("GetRequesterWorkerStatistic", {"Statistic": "NumberHITsCreated",
         "TimePeriod": "OneDay", "WorkerId": "A1"}, "AWS.MechanicalTurk.InvalidParameterValue"),
    ],
)  # fmt: skip
def test_statistic_errors(requester, operation, params, code):
    assert requester.error(operation, **params) == code


def test_statistics_over_soap(emulator, requester):
    caller = Caller(served_client(emulator, "2014-08-15").service, owner=requester.me.access_key)
    result = caller.ok(
        "GetRequesterStatistic", Statistic="TotalBonusPayout", TimePeriod="ThirtyDays"
    )
    assert result.DataPoint[0].DoubleValue == 0.5 and result.DataPoint[0].LongValue is None
    counted = caller.ok(
        "GetRequesterWorkerStatistic",
        Statistic="NumberAssignmentsApproved",
        TimePeriod="OneDay",
        WorkerId=requester.good.id,
        Count=2,
    )
    assert [p.LongValue for p in counted.DataPoint] == [0, 1]
    assert counted.WorkerId == requester.good.id
