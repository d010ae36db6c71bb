"""The service's fees on what a requester pays workers.

The reference names the fees without their rates ("Amazon Mechanical Turk fees
are debited" on approval; "an additional fee" for HITs with 10 or more
assignments; a fee on bonuses "similar to the HIT listing fee") and points to the
pricing page. That page, from July 2015 (the pricing with the 10-assignment
surcharge the reference describes), charged 20% of the reward or bonus, 20% more
on the reward of a HIT with 10 or more assignments, at least $0.01 per
assignment or bonus, rounded half up to the cent (quoted by
turkrequesters.blogspot.com, 2015-07 and 2016-01).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from soap_mturk.domain.hit_rules import ASSIGNMENTS_FEE_THRESHOLD
from soap_mturk.domain.money import CENT

COMMISSION = Decimal("0.20")
LARGE_HIT_SURCHARGE = Decimal("0.20")
MINIMUM_FEE = Decimal("0.01")


def service_fee(amount: Decimal, rate: Decimal = COMMISSION) -> Decimal:
    """The fee on an amount paid to a worker: at least a cent, rounded half up."""
    return max(MINIMUM_FEE, (amount * rate).quantize(CENT, rounding=ROUND_HALF_UP))


def assignment_cost(reward: Decimal, max_assignments: int) -> Decimal:
    """What one assignment of a HIT costs its requester: the reward and its fee."""
    rate = COMMISSION
    if max_assignments >= ASSIGNMENTS_FEE_THRESHOLD:
        rate += LARGE_HIT_SURCHARGE
    return reward + service_fee(reward, rate)
