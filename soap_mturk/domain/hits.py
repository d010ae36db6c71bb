"""HITs and assignments, the requester's side: RegisterHITType, CreateHIT, the
HIT state machine, and reviewing the work.

Every operation takes the caller (the requester's access key id) and plain values
and runs in one store transaction. Each first brings the store up to emulator time
(`settle`): assignments whose deadline passed are abandoned, submitted ones whose
auto-approval time passed are approved, HITs whose lifetime ended are expired. So
time rules hold whatever the clock did between calls, without a timer.

Two places others build on (issue 14, money): `_funded` is the one place a HIT is
created or given more assignments or time, and `approve` the one place an
assignment is approved (by the requester, by auto-approval, by DisableHIT).
Events (domain/events.py) are published after each transaction commits.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from soap_mturk.domain import errors
from soap_mturk.domain import events as ev
from soap_mturk.domain.accounts import Accounts
from soap_mturk.domain.clock import Clock
from soap_mturk.domain.errors import MTurkError
from soap_mturk.domain.events import Event, EventPublisher
from soap_mturk.domain.fees import assignment_cost
from soap_mturk.domain.hit_rules import (
    ASSIGNMENTS_FEE_THRESHOLD,
    MAX_ANNOTATION,
    MAX_ASSIGNMENTS,
    MAX_DURATION,
    MAX_TOKEN,
    MIN_DURATION,
    MIN_EXPIRATION_INCREMENT,
    TOKEN_LIFETIME_SECONDS,
    HITState,
    check_feedback,
    check_length,
    check_question,
    state_of,
    type_signature,
    validate_type_properties,
)
from soap_mturk.domain.identity import new_id
from soap_mturk.domain.model import (
    ABANDONED,
    ACCEPTED,
    APPROVED,
    ASSIGNABLE,
    HIT,
    REJECTED,
    REVIEWABLE,
    REVIEWING,
    SUBMITTED,
    Assignment,
    HITExtension,
    HITType,
    Page,
)
from soap_mturk.domain.qualifications import check_choice, is_descending, paging, require
from soap_mturk.domain.review_policies import (
    Outcome,
    action,
    load_policy,
    parse_policy,
    simple_plurality,
)

if TYPE_CHECKING:
    from soap_mturk.domain.ports import Session, Store


@dataclass
class Unit:
    """One operation's transaction: its session, its moment, the events it makes."""

    session: Session
    now: datetime
    events: list[Event] = field(default_factory=list)

    def emit(
        self,
        name: str,
        hit: HIT,
        at: datetime | None = None,
        assignment: Assignment | None = None,
    ) -> None:
        self.events.append(
            Event(
                name=name,
                time=at or self.now,
                owner=hit.owner,
                hit_type_id=hit.type_id,
                hit_id=hit.id,
                assignment_id=assignment.id if assignment else None,
                worker_id=assignment.worker_id if assignment else None,
            )
        )


# --- what every HIT operation shares ----------------------------------------------------


class HITCore:
    """The store, the clock, the events, and the lookups and time rules that the
    requester's and the workers' side share."""

    def __init__(
        self,
        store: Store,
        clock: Clock | None = None,
        publisher: EventPublisher | None = None,
        accounts: Accounts | None = None,
    ):
        self.store = store
        self.clock = clock or Clock(store)
        self.publisher = publisher or EventPublisher()
        # The requester's money: a HIT's assignments are paid for when it is funded
        # (created, extended) and refunded when they will never be done.
        self.accounts = accounts or Accounts(store)

    @contextmanager
    def unit(self) -> Iterator[Unit]:
        """A write transaction brought up to emulator time; its events are published
        once it commits."""
        with self.store.write() as session:
            unit = Unit(session, self.clock.now(session))
            self.settle(unit)
            yield unit
        self.publisher.publish(unit.events)

    def settle_now(self) -> None:
        """Apply every time rule that is due (after the clock moved)."""
        with self.unit():
            pass

    # lookups

    @staticmethod
    def hit_type(session: Session, type_id: str) -> HITType:
        found = session.get_hit_type(type_id)
        if found is None:
            raise errors.InvalidParameterValue(f"HIT type {type_id} does not exist.")
        return found

    @staticmethod
    def hit(session: Session, hit_id: str, caller: str | None = None) -> HIT:
        found = session.get_hit(hit_id)
        if found is None:
            raise errors.HITDoesNotExist(f"HIT {hit_id} does not exist.")
        if caller is not None and found.owner != caller:
            raise errors.PermissionDenied(f"HIT {hit_id} belongs to another requester.")
        return found

    def assignment(
        self, session: Session, assignment_id: str, caller: str
    ) -> tuple[Assignment, HIT]:
        """(assignment, its HIT), for the HIT's owner; a disposed HIT's assignment
        data is gone, as the vendor said of DisableHIT and DisposeHIT."""
        found = session.get_assignment(assignment_id)
        hit = session.get_hit(found.hit_id) if found else None
        if found is None or hit is None or hit.disposed or found.status not in _ANSWERED:
            raise errors.AssignmentDoesNotExist(f"Assignment {assignment_id} does not exist.")
        if hit.owner != caller:
            raise errors.PermissionDenied(
                f"Assignment {assignment_id} is for a HIT of another requester."
            )
        return found, hit

    def state(self, session: Session, hit: HIT, now: datetime) -> HITState:
        return self.states(session, [hit], now)[0]

    def states(self, session: Session, hits: list[HIT], now: datetime) -> list[HITState]:
        by_hit: dict[str, list[Assignment]] = {h.id: [] for h in hits}
        for a in session.list_assignments([h.id for h in hits]) if hits else []:
            by_hit[a.hit_id].append(a)
        types: dict[str, HITType] = {}
        result = []
        for h in hits:
            if h.type_id not in types:
                types[h.type_id] = self.hit_type(session, h.type_id)
            result.append(state_of(h, types[h.type_id], by_hit[h.id], now))
        return result

    def with_similar(self, states: list[HITState]) -> list[HITState]:
        """The states with their NumberOfSimilarHITs: the Assignable HITs of each one's
        group (its HIT type), itself included. The 2008-08-02 reference's GetHIT
        sample answers 1 for an Assignable HIT; the captured get_hit.xml, 0 for a
        Reviewable one. Asked for only where it is written (it reads the groups'
        other HITs: several times the cost of the HIT itself)."""
        if not states:
            return states
        known = {s.hit.id for s in states}
        groups = {(s.hit.owner, s.hit.type_id) for s in states}
        with self.unit() as unit:
            others = [
                h
                for owner in {owner for owner, _ in groups}
                for h in unit.session.list_hits(owner)
                if (owner, h.type_id) in groups and h.id not in known and not h.disposed
            ]
            other_states = self.states(unit.session, others, unit.now)
        counts: Counter[str] = Counter(
            s.hit.type_id for s in [*states, *other_states] if s.status == ASSIGNABLE
        )
        return [replace(s, similar=counts[s.hit.type_id]) for s in states]

    # time rules

    def settle(self, unit: Unit) -> None:
        session, now = unit.session, unit.now
        touched: dict[str, HIT] = {}
        for a in session.assignments_due(now):
            hit = touched.get(a.hit_id) or session.get_hit(a.hit_id)
            assert hit is not None  # an assignment's HIT is never deleted before it
            touched[hit.id] = hit
            if a.status == ACCEPTED:  # the deadline passed: abandoned
                a.status = ABANDONED
                session.put_assignment(a)
                unit.emit(ev.ASSIGNMENT_ABANDONED, hit, a.deadline, a)
            else:  # submitted, and the auto-approval delay passed
                self.approve(unit, a, hit, None, at=a.auto_approval_time)
        for hit in session.hits_newly_expired(now):
            hit.expiry_announced = True
            session.put_hit(hit)
            touched[hit.id] = hit
            unit.emit(ev.HIT_EXPIRED, hit, hit.expiration)
        for hit in touched.values():
            self.announce_reviewable(unit, hit)

    def announce_reviewable(self, unit: Unit, hit: HIT) -> None:
        """Publish HITReviewable once each time the HIT becomes Reviewable."""
        status = self.state(unit.session, hit, unit.now).status
        if status == REVIEWABLE and not hit.reviewable_announced:
            hit.reviewable_announced = True
            unit.session.put_hit(hit)
            unit.emit(ev.HIT_REVIEWABLE, hit)
            policy = load_policy(hit.hit_review_policy)
            if policy is not None:  # a HIT-level policy runs when the HIT becomes Reviewable
                assignments = unit.session.list_assignments([hit.id])
                outcome = simple_plurality(policy, hit.id, assignments, hit.max_assignments)
                self.apply_review(unit, hit, "HIT", outcome)
        elif status not in (REVIEWABLE, REVIEWING) and hit.reviewable_announced:
            hit.reviewable_announced = False
            unit.session.put_hit(hit)

    # money: what a HIT's assignments cost, paid when funded, refunded when undone

    def assignment_cost(self, session: Session, hit: HIT) -> Decimal:
        reward = self.hit_type(session, hit.type_id).reward.amount
        return assignment_cost(reward, hit.max_assignments)

    def pay_for(self, unit: Unit, hit: HIT, assignments: int, what: str) -> None:
        cost = self.assignment_cost(unit.session, hit) * assignments
        self.accounts.debit(unit.session, hit.owner, cost, what)

    def refund(self, unit: Unit, hit: HIT, assignments: int) -> None:
        if assignments > 0:
            cost = self.assignment_cost(unit.session, hit) * assignments
            self.accounts.credit(unit.session, hit.owner, cost)

    def refund_unused(self, unit: Unit, hit: HIT) -> None:
        """A HIT leaving the marketplace: the slots no work was submitted for
        (rejected ones were refunded when rejected)."""
        answered = [
            a
            for a in unit.session.list_assignments([hit.id])
            if a.status in (SUBMITTED, APPROVED, REJECTED)
        ]
        self.refund(unit, hit, hit.max_assignments - len(answered))

    def _funded(self, unit: Unit, hit: HIT, event: str, new_assignments: int = 0) -> None:
        """The one place a HIT is created, or given more assignments or time; its
        new assignments are paid for here (reward and fee each), or refused."""
        if new_assignments:
            self.pay_for(unit, hit, new_assignments, f"{new_assignments} assignment(s)")
        unit.session.put_hit(hit)
        unit.emit(event, hit)
        self.announce_reviewable(unit, hit)

    def apply_review(self, unit: Unit, hit: HIT, level: str, outcome: Outcome) -> None:
        """Carry out what a review policy decided, and keep its results and actions."""
        actions = list(outcome.actions)
        for assignment, reason in outcome.approve:
            if assignment.status == SUBMITTED:
                self.approve(unit, assignment, hit, reason)
                actions.append(action("approve", assignment, True, "Approved"))
            else:
                actions.append(action("approve", assignment, False,
                    "Assignment was in an invalid state for this operation.",
                    errors.InvalidAssignmentState.code))  # fmt: skip
        for assignment, reason in outcome.reject:
            if assignment.status == SUBMITTED:
                self.reject(unit, assignment, hit, reason)
                actions.append(action("reject", assignment, True, "Rejected"))
            else:
                actions.append(action("reject", assignment, False,
                    "Assignment was in an invalid state for this operation.",
                    errors.InvalidAssignmentState.code))  # fmt: skip
        if outcome.extend_by:
            try:  # the added assignments are paid for, as ExtendHIT's are
                self.pay_for(unit, hit, outcome.extend_by, "the review policy's extension")
            except errors.InsufficientFunds as refused:
                actions.append({"ActionName": "extend", "ObjectId": hit.id, "ObjectType": "HIT",
                                "Status": "Failed", "Result": refused.message,
                                "ErrorCode": refused.code})  # fmt: skip
            else:
                hit.max_assignments += outcome.extend_by
                hit.expiration = max(
                    hit.expiration, unit.now + timedelta(seconds=outcome.extend_seconds)
                )
                hit.reviewable_announced = hit.reviewing = False
                self._funded(unit, hit, ev.HIT_EXTENDED)
                actions.append({"ActionName": "extend", "ObjectId": hit.id, "ObjectType": "HIT",
                                "Status": "Succeeded", "Result": "Extended by one assignment"})  # fmt: skip
        for kind, items in (("Result", outcome.results), ("Action", actions)):
            for item in items:
                unit.session.add_review_item(
                    hit.id, level, kind, {**item, "ActionId": new_id()}, unit.now
                )

    def reject(self, unit: Unit, assignment: Assignment, hit: HIT, feedback: str | None) -> None:
        assignment.status = REJECTED
        assignment.rejection_time = unit.now
        self.refund(unit, hit, 1)  # the worker is not paid, nor the fee
        assignment.requester_feedback = feedback
        unit.session.put_assignment(assignment)
        unit.emit(ev.ASSIGNMENT_REJECTED, hit, assignment=assignment)

    # the one place an assignment is approved

    def approve(
        self,
        unit: Unit,
        assignment: Assignment,
        hit: HIT,
        feedback: str | None,
        at: datetime | None = None,
    ) -> None:
        if assignment.status == REJECTED:  # paid again: its money was refunded on rejection
            self.pay_for(unit, hit, 1, "approving a rejected assignment")
        assignment.status = APPROVED
        assignment.approval_time = at or unit.now
        if feedback is not None:
            assignment.requester_feedback = feedback
        unit.session.put_assignment(assignment)
        unit.emit(ev.ASSIGNMENT_APPROVED, hit, assignment.approval_time, assignment)


_ANSWERED = (SUBMITTED, APPROVED, REJECTED)  # the assignments a requester sees


# --- the requester's operations -----------------------------------------------------------


class HITService(HITCore):
    # HIT types

    def register_type(
        self,
        caller: str,
        *,
        title: str | None,
        description: str | None,
        reward: dict | None,
        assignment_duration: int | None,
        auto_approval_delay: int | None = None,
        keywords: str | None = None,
        qualification_requirements: list[dict] | None = None,
    ) -> HITType:
        properties = validate_type_properties(
            title=title,
            description=description,
            reward=reward,
            assignment_duration=assignment_duration,
            auto_approval_delay=auto_approval_delay,
            keywords=keywords,
            qualification_requirements=qualification_requirements,
        )
        with self.unit() as unit:
            return self._type_for(unit, caller, properties)

    def _type_for(self, unit: Unit, caller: str, properties: dict) -> HITType:
        """The caller's HIT type with these properties, registered if new."""
        signature = type_signature(caller, properties)
        existing = unit.session.find_hit_type_by_signature(signature)
        if existing is not None:
            return existing
        for r in properties["requirements"]:
            if unit.session.get_type(r.type_id) is None:
                raise MTurkError.no_such_type(r.type_id)
        hit_type = HITType(id=new_id(), owner=caller, creation_time=unit.now, **properties)
        unit.session.put_hit_type(hit_type, signature)
        return hit_type

    # HITs

    def create_hit(
        self,
        caller: str,
        *,
        hit_type_id: str | None = None,
        lifetime: int | None,
        max_assignments: int | None = None,
        question: str | None = None,
        layout_id: str | None = None,
        layout_parameters: list[dict] | None = None,
        requester_annotation: str | None = None,
        unique_request_token: str | None = None,
        assignment_review_policy: dict | None = None,
        hit_review_policy: dict | None = None,
        title: str | None = None,
        description: str | None = None,
        reward: dict | None = None,
        assignment_duration: int | None = None,
        auto_approval_delay: int | None = None,
        keywords: str | None = None,
        qualification_requirements: list[dict] | None = None,
    ) -> HITState:
        require(LifetimeInSeconds=lifetime)
        assert lifetime is not None  # require() refused None
        check_int_range("LifetimeInSeconds", lifetime, MIN_DURATION, MAX_DURATION)
        assignments = 1 if max_assignments is None else max_assignments
        check_int_range("MaxAssignments", assignments, 1, MAX_ASSIGNMENTS)
        check_length("RequesterAnnotation", requester_annotation, MAX_ANNOTATION)
        check_length("UniqueRequestToken", unique_request_token, MAX_TOKEN)
        if question is None and layout_id is None:
            raise MTurkError.missing("Question", "HITLayoutId")
        if question is not None and layout_id is not None:
            raise MTurkError.invalid("HITLayoutId", layout_id, "give a Question or a HITLayoutId")
        if question is not None:
            check_question(question)
        # Name and Value are required in the message (api/schema.py, HITLayoutParameter).
        parameters = tuple((p["Name"], p["Value"]) for p in layout_parameters or ())
        if layout_id is None and parameters:
            raise MTurkError.invalid("HITLayoutParameter", "(list)", "it needs a HITLayoutId")
        policies = (
            parse_policy("AssignmentReviewPolicy", assignment_review_policy),
            parse_policy("HITReviewPolicy", hit_review_policy),
        )
        properties: dict | None = None
        if hit_type_id is None:  # the type's properties inline
            properties = validate_type_properties(
                title=title,
                description=description,
                reward=reward,
                assignment_duration=assignment_duration,
                auto_approval_delay=auto_approval_delay,
                keywords=keywords,
                qualification_requirements=qualification_requirements,
            )
        with self.unit() as unit:
            session = unit.session
            if unique_request_token is not None:
                earlier = session.find_hit_by_token(caller, unique_request_token)
                if earlier is not None and unit.now - earlier.creation_time < timedelta(
                    seconds=TOKEN_LIFETIME_SECONDS
                ):
                    raise errors.HitAlreadyExists(
                        f"There is already a HIT with UniqueRequestToken "
                        f"{unique_request_token!r}: its HITId is {earlier.id}."
                    )
            if hit_type_id is not None:
                # With a HITTypeId the inline properties are ignored (reference, CreateHIT).
                hit_type = self.hit_type(session, hit_type_id)
                if hit_type.owner != caller:
                    raise errors.PermissionDenied(
                        f"HIT type {hit_type_id} belongs to another requester."
                    )
            else:
                assert properties is not None  # checked above, without a HITTypeId
                hit_type = self._type_for(unit, caller, properties)
            hit = HIT(
                id=new_id(),
                type_id=hit_type.id,
                owner=caller,
                creation_time=unit.now,
                expiration=unit.now + timedelta(seconds=lifetime),
                max_assignments=assignments,
                question=question,
                layout_id=layout_id,
                layout_parameters=parameters,
                requester_annotation=requester_annotation,
                unique_request_token=unique_request_token,
                assignment_review_policy=policies[0],
                hit_review_policy=policies[1],
            )
            self._funded(unit, hit, ev.HIT_CREATED, hit.max_assignments)
            return self.state(session, hit, unit.now)

    def get_hit(self, caller: str, hit_id: str | None) -> HITState:
        require(HITId=hit_id)
        assert hit_id is not None  # require() refused None
        with self.unit() as unit:
            return self.state(unit.session, self.hit(unit.session, hit_id, caller), unit.now)

    def search_hits(
        self,
        caller: str,
        *,
        sort_property: str | None = None,
        sort_direction: str | None = None,
        page_number: int | None = None,
        page_size: int | None = None,
    ) -> Page[HITState]:
        """The caller's HITs but disposed ones, by CreationTime ascending unless asked."""
        sort = sort_property or "CreationTime"
        check_choice("SortProperty", sort, SORTS)
        descending = is_descending(sort_direction)
        number, offset, limit = paging(page_number, page_size)
        with self.unit() as unit:
            hits = [h for h in unit.session.list_hits(caller) if not h.disposed]
            states = self.states(unit.session, hits, unit.now)
        return _page(states, sort, descending, number, offset, limit)

    def reviewable_hits(
        self,
        caller: str,
        *,
        hit_type_id: str | None = None,
        status: str | None = None,
        sort_property: str | None = None,
        sort_direction: str | None = None,
        page_number: int | None = None,
        page_size: int | None = None,
    ) -> Page[HITState]:
        """Reviewable (default) or Reviewing HITs, by Expiration descending unless
        asked (reference, GetReviewableHITs)."""
        wanted = status or REVIEWABLE
        check_choice("Status", wanted, (REVIEWABLE, REVIEWING))
        sort = sort_property or "Expiration"
        check_choice("SortProperty", sort, SORTS)
        descending = is_descending(sort_direction or "Descending")
        number, offset, limit = paging(page_number, page_size)
        with self.unit() as unit:
            hits = unit.session.list_hits(caller)
            if hit_type_id is not None:
                hits = [h for h in hits if h.type_id == hit_type_id]
            states = [s for s in self.states(unit.session, hits, unit.now) if s.status == wanted]
        return _page(states, sort, descending, number, offset, limit)

    def hits_for_qualification_type(
        self,
        caller: str,
        type_id: str | None,
        page_number: int | None = None,
        page_size: int | None = None,
    ) -> Page[HITState]:
        """The HITs that require a qualification type and that workers can still
        take (any requester's: workers see them all)."""
        require(QualificationTypeId=type_id)
        assert type_id is not None  # require() refused None
        number, offset, limit = paging(page_number, page_size)
        with self.unit() as unit:
            if unit.session.get_type(type_id) is None:
                raise MTurkError.no_such_type(type_id)
            types = {
                t.id
                for t in unit.session.list_hit_types(None)
                if any(r.type_id == type_id for r in t.requirements)
            }
            hits = [h for h in unit.session.list_hits(None) if h.type_id in types]
            states = [
                s for s in self.states(unit.session, hits, unit.now) if s.status == "Assignable"
            ]
        return _page(states, "CreationTime", False, number, offset, limit)

    def change_type(self, caller: str, hit_id: str | None, hit_type_id: str | None) -> None:
        require(HITId=hit_id, HITTypeId=hit_type_id)
        assert hit_id is not None and hit_type_id is not None  # require() refused None
        with self.unit() as unit:
            hit = self.hit(unit.session, hit_id, caller)
            hit_type = self.hit_type(unit.session, hit_type_id)
            if hit_type.owner != caller:
                raise errors.PermissionDenied(
                    f"HIT type {hit_type_id} belongs to another requester."
                )
            if hit.disposed:
                raise _state_error(hit, "Disposed", "change its HIT type")
            hit.type_id = hit_type.id
            unit.session.put_hit(hit)

    def extend(
        self,
        caller: str,
        hit_id: str | None,
        max_assignments_increment: int | None = None,
        expiration_increment: int | None = None,
        unique_request_token: str | None = None,
        request_id: str = "",
    ) -> None:
        """`request_id` is the RequestId this call is answered with: a retry with the
        same UniqueRequestToken within its lifetime is refused naming it, and does
        not extend again (reference, ExtendHIT)."""
        require(HITId=hit_id)
        assert hit_id is not None  # require() refused None
        check_length("UniqueRequestToken", unique_request_token, MAX_TOKEN)
        if max_assignments_increment is None and expiration_increment is None:
            raise MTurkError.missing("MaxAssignmentsIncrement", "ExpirationIncrementInSeconds")
        check_int_range("MaxAssignmentsIncrement", max_assignments_increment, 1, MAX_ASSIGNMENTS)
        check_int_range(
            "ExpirationIncrementInSeconds",
            expiration_increment,
            MIN_EXPIRATION_INCREMENT,
            MAX_DURATION,
        )
        added = 0
        with self.unit() as unit:
            hit = self.hit(unit.session, hit_id, caller)
            if unique_request_token is not None:
                self._once_per_token(unit, hit, unique_request_token, request_id)
            if hit.disposed:
                raise _state_error(hit, "Disposed", "extend it")
            if max_assignments_increment is not None:
                total = hit.max_assignments + max_assignments_increment
                if hit.max_assignments < ASSIGNMENTS_FEE_THRESHOLD <= total:
                    raise errors.InvalidMaximumAssignmentsIncrease(
                        f"HIT {hit_id} has {hit.max_assignments} assignments; a HIT created "
                        f"with fewer than {ASSIGNMENTS_FEE_THRESHOLD} cannot be extended to "
                        f"{ASSIGNMENTS_FEE_THRESHOLD} or more."
                    )
                if total > MAX_ASSIGNMENTS:
                    raise MTurkError.out_of_range("MaxAssignments", total, 1, MAX_ASSIGNMENTS)
                hit.max_assignments = total
                added = max_assignments_increment
            if expiration_increment is not None:
                # Not yet expired: added to the expiration; expired: from now (reference).
                base = max(hit.expiration, unit.now)
                hit.expiration = base + timedelta(seconds=expiration_increment)
                hit.expiry_announced = False
            hit.reviewing = False
            self._funded(unit, hit, ev.HIT_EXTENDED, added)

    def _once_per_token(self, unit: Unit, hit: HIT, token: str, request_id: str) -> None:
        """Refuse a token the caller extended with in its lifetime (24 hours of
        emulator time, as CreateHIT's), else remember it with this call's id. The
        reference: "an error with a message containing the request ID"; it names no
        code, so this is InvalidParameterValue, as for GrantBonus's token."""
        earlier = unit.session.find_extension_by_token(hit.owner, token)
        if earlier is not None and unit.now - earlier.time < timedelta(
            seconds=TOKEN_LIFETIME_SECONDS
        ):
            raise MTurkError.invalid(
                "UniqueRequestToken",
                token,
                f"HIT {earlier.hit_id} was already extended with it, by request "
                f"{earlier.request_id}",
            )
        unit.session.put_extension(
            HITExtension(hit.owner, token, hit.id, request_id or new_id(), unit.now)
        )

    def force_expire(self, caller: str, hit_id: str | None) -> None:
        require(HITId=hit_id)
        assert hit_id is not None  # require() refused None
        with self.unit() as unit:
            hit = self.hit(unit.session, hit_id, caller)
            if hit.disposed or hit.expiration <= unit.now:
                # Legacy scripts that make sure a HIT is expired catch exactly this
                # code from ForceExpireHIT on an expired HIT (README, "HITs").
                status = self.state(unit.session, hit, unit.now).status
                raise _state_error(hit, status, "expire it: it has already expired")
            hit.expiration = unit.now
            hit.expiry_announced = True
            unit.session.put_hit(hit)
            unit.emit(ev.HIT_EXPIRED, hit)
            self.announce_reviewable(unit, hit)

    def disable(self, caller: str, hit_id: str | None) -> None:
        """Off the marketplace at once; submitted work approved; the HIT disposed.
        Work in progress is approved when submitted. Not for a Reviewable HIT."""
        require(HITId=hit_id)
        assert hit_id is not None  # require() refused None
        with self.unit() as unit:
            hit = self.hit(unit.session, hit_id, caller)
            status = self.state(unit.session, hit, unit.now).status
            if status in (REVIEWABLE, REVIEWING, "Disposed"):
                raise _state_error(hit, status, "disable it (dispose of a Reviewable HIT)")
            for a in unit.session.list_assignments([hit.id]):
                if a.status == SUBMITTED:
                    self.approve(unit, a, hit, None)
            if hit.expiration > unit.now:
                hit.expiration = unit.now
            hit.expiry_announced = True
            hit.disabled = hit.disposed = True
            self.refund_unused(unit, hit)
            unit.session.put_hit(hit)
            unit.emit(ev.HIT_DISPOSED, hit)

    def dispose(self, caller: str, hit_id: str | None) -> None:
        """Only a Reviewable HIT whose submitted work is all approved or rejected."""
        require(HITId=hit_id)
        assert hit_id is not None  # require() refused None
        with self.unit() as unit:
            hit = self.hit(unit.session, hit_id, caller)
            status = self.state(unit.session, hit, unit.now).status
            if status != REVIEWABLE:
                raise _state_error(hit, status, "dispose of it (it must be Reviewable)")
            waiting = [a for a in unit.session.list_assignments([hit.id]) if a.status == SUBMITTED]
            if waiting:
                raise errors.InvalidHITState(
                    f"HIT {hit_id} has {len(waiting)} submitted assignment(s) to approve or "
                    "reject before it can be disposed of."
                )
            hit.disposed = True
            self.refund_unused(unit, hit)
            unit.session.put_hit(hit)
            unit.emit(ev.HIT_DISPOSED, hit)

    def set_reviewing(self, caller: str, hit_id: str | None, revert: bool | None = None) -> None:
        require(HITId=hit_id)
        assert hit_id is not None  # require() refused None
        with self.unit() as unit:
            hit = self.hit(unit.session, hit_id, caller)
            status = self.state(unit.session, hit, unit.now).status
            wanted = REVIEWING if revert else REVIEWABLE
            if status != wanted:
                action = "revert it to Reviewable" if revert else "mark it Reviewing"
                raise _state_error(hit, status, action)
            hit.reviewing = not revert
            unit.session.put_hit(hit)

    # assignments

    def get_assignment(self, caller: str, assignment_id: str | None) -> tuple[Assignment, HITState]:
        """(assignment, the state of its HIT)."""
        require(AssignmentId=assignment_id)
        assert assignment_id is not None  # require() refused None
        with self.unit() as unit:
            assignment, hit = self.assignment(unit.session, assignment_id, caller)
            return assignment, self.state(unit.session, hit, unit.now)

    def assignments_for_hit(
        self,
        caller: str,
        hit_id: str | None,
        *,
        statuses: list[str] | None = None,
        sort_property: str | None = None,
        sort_direction: str | None = None,
        page_number: int | None = None,
        page_size: int | None = None,
    ) -> Page[Assignment]:
        """Submitted, approved and rejected assignments (all three unless filtered),
        by SubmitTime ascending unless asked."""
        require(HITId=hit_id)
        assert hit_id is not None  # require() refused None
        for status in statuses or ():
            check_choice("AssignmentStatus", status, _ANSWERED)
        sort = sort_property or "SubmitTime"
        check_choice("SortProperty", sort, ASSIGNMENT_SORTS)
        descending = is_descending(sort_direction)
        number, offset, limit = paging(page_number, page_size)
        wanted = set(statuses or _ANSWERED)
        with self.unit() as unit:
            hit = self.hit(unit.session, hit_id, caller)
            found = [] if hit.disposed else unit.session.list_assignments([hit.id])
        found = [a for a in found if a.status in wanted]
        found.sort(key=lambda a: (_assignment_key(a, sort), a.id), reverse=descending)
        return Page(found[offset : offset + limit], len(found), number)

    def approve_assignment(
        self, caller: str, assignment_id: str | None, feedback: str | None = None
    ) -> None:
        self._decide(caller, assignment_id, feedback, SUBMITTED, "approve it", self.approve)

    def reject_assignment(
        self, caller: str, assignment_id: str | None, feedback: str | None = None
    ) -> None:
        self._decide(caller, assignment_id, feedback, SUBMITTED, "reject it", self.reject)

    def approve_rejected(
        self, caller: str, assignment_id: str | None, feedback: str | None = None
    ) -> None:
        """A rejected assignment submitted within the last 30 days, of a HIT not
        disposed (reference, ApproveRejectedAssignment)."""
        self._decide(
            caller,
            assignment_id,
            feedback,
            REJECTED,
            "approve it as a rejected one",
            self._approve_rejected,
        )

    def _decide(
        self,
        caller: str,
        assignment_id: str | None,
        feedback: str | None,
        wanted: str,
        action: str,
        apply: Callable[[Unit, Assignment, HIT, str | None], None],
    ) -> None:
        """The requester's verdict on one of its assignments, which must be in state
        `wanted`: what the three review operations share."""
        require(AssignmentId=assignment_id)
        assert assignment_id is not None  # require() refused None
        check_feedback(feedback)
        with self.unit() as unit:
            assignment, hit = self.assignment(unit.session, assignment_id, caller)
            if assignment.status != wanted:
                raise _assignment_state(assignment, action)
            apply(unit, assignment, hit, feedback)

    def _approve_rejected(
        self, unit: Unit, assignment: Assignment, hit: HIT, feedback: str | None
    ) -> None:
        assert assignment.submit_time is not None  # a rejected assignment was submitted
        if unit.now - assignment.submit_time > timedelta(days=30):
            raise errors.InvalidAssignmentState(
                f"Assignment {assignment.id} was submitted more than 30 days ago."
            )
        self.approve(unit, assignment, hit, feedback)

    # files workers uploaded

    def file_upload_url(
        self, caller: str, assignment_id: str | None, question: str | None
    ) -> tuple[str, datetime]:
        """A token for a temporary link to the file the worker uploaded for a
        question, and when the link expires: 60 seconds on (reference)."""
        require(AssignmentId=assignment_id, QuestionIdentifier=question)
        assert assignment_id is not None and question is not None  # require() refused None
        with self.unit() as unit:
            assignment, _ = self.assignment(unit.session, assignment_id, caller)
            key = unit.session.uploaded_file_key(assignment.id, question)
            if key is None:
                raise MTurkError.invalid(
                    "QuestionIdentifier", question, "no file was uploaded for this question"
                )
            token, expires = new_id(40), unit.now + timedelta(seconds=FILE_LINK_SECONDS)
            unit.session.put_file_link(token, key, expires)
            return token, expires

    def linked_file(self, token: str) -> bytes:
        """The file a temporary link names, while the link lasts (emulator time)."""
        with self.store.read() as session:
            found = session.linked_file(token)
            now = self.clock.now(session)
        if found is None or found[0] < now:
            raise MTurkError.invalid("file link", token[:8] + "...", "unknown or expired")
        return found[1]

    # review policies

    def review_results(
        self,
        caller: str,
        hit_id: str | None,
        *,
        levels: list[str] | None = None,
        retrieve_actions: bool | None = None,
        retrieve_results: bool | None = None,
        page_number: int | None = None,
        page_size: int | None = None,
    ) -> tuple[HIT, tuple, dict[str, Page[tuple[str, dict]]]]:
        """(HIT, its two policies, {level: a page of its report}). A report is the
        level's results and actions in the order they were made (reference: "in
        chronological order"), each a (kind, item) with kind "Result" or "Action";
        each level's report is paged on its own, PageSize 100-65535, default 400
        (reference, GetReviewResultsForHIT)."""
        require(HITId=hit_id)
        assert hit_id is not None  # require() refused None
        for level in levels or ():
            check_choice("PolicyLevel", level, ("Assignment", "HIT"))
        wanted = set(levels or ("Assignment", "HIT"))
        number, offset, limit = paging(
            page_number,
            page_size,
            REVIEW_PAGE_MAX,
            min_size=REVIEW_PAGE_MIN,
            default_size=REVIEW_PAGE_DEFAULT,
        )
        with self.unit() as unit:
            hit = self.hit(unit.session, hit_id, caller)
            items = unit.session.list_review_items(hit.id)
        skipped = {"Action": retrieve_actions is False, "Result": retrieve_results is False}
        by_level: dict[str, list[tuple[str, dict]]] = {}
        for level, kind, item in items:
            if level in wanted and not skipped[kind]:
                by_level.setdefault(level, []).append((kind, item))
        reports = {
            level: Page(found[offset : offset + limit], len(found), number)
            for level, found in by_level.items()
        }
        policies = (load_policy(hit.assignment_review_policy), load_policy(hit.hit_review_policy))
        return hit, policies, reports


FILE_LINK_SECONDS = 60
REVIEW_PAGE_MIN, REVIEW_PAGE_MAX, REVIEW_PAGE_DEFAULT = 100, 65535, 400
SORTS = ("Title", "Reward", "Expiration", "CreationTime", "Enumeration")
ASSIGNMENT_SORTS = ("AcceptTime", "SubmitTime", "Answer", "AssignmentStatus")


def check_int_range(name: str, value: int | None, low: int, high: int) -> None:
    if value is not None and not low <= value <= high:
        raise MTurkError.out_of_range(name, value, low, high)


def _sort_key(state: HITState, sort: str) -> str | Decimal | datetime:
    if sort == "Title":
        return state.hit_type.title.lower()
    if sort == "Reward":
        return state.hit_type.reward.amount
    if sort == "Expiration":
        return state.hit.expiration
    return state.hit.creation_time  # CreationTime; Enumeration: any stable order


def _page(
    states: list[HITState], sort: str, descending: bool, number: int, offset: int, limit: int
) -> Page[HITState]:
    ordered = sorted(states, key=lambda s: (_sort_key(s, sort), s.hit.id), reverse=descending)
    return Page(ordered[offset : offset + limit], len(ordered), number)


def _assignment_key(a: Assignment, sort: str) -> str | datetime:
    if sort == "AcceptTime":
        return a.accept_time
    if sort == "Answer":
        return a.answer or ""
    if sort == "AssignmentStatus":
        return a.status
    return a.submit_time or a.accept_time


def _state_error(hit: HIT, status: str, action: str) -> MTurkError:
    return errors.InvalidHITState(f"HIT {hit.id} is {status}: you cannot {action}.")


def _assignment_state(assignment: Assignment, action: str) -> MTurkError:
    return errors.InvalidAssignmentState(
        f"Assignment {assignment.id} is {assignment.status}: you cannot {action}."
    )
