"""The rules of QualificationService on a store (SQLite in memory, and PostgreSQL):
no XML, no server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from soap_mturk.domain import MTurkError, QualificationService, Rules, errors
from soap_mturk.domain.documents import MAX_XML_BYTES
from soap_mturk.domain.identity import later_than, new_id
from soap_mturk.domain.model import GRANTED, PENDING, REJECTED, REVOKED, QualificationRequest
from soap_mturk.domain.qualifications import MAX_PAGE_SIZE
from soap_mturk.store import open_store
from tests.lifecycle_support import ANSWER_KEY, QUESTION_FORM

OWNER, OTHER, WORKER = "AKIAOWNER", "AKIAOTHER", "AWORKER"


@pytest.fixture
def store(any_store):
    """Each test runs on SQLite and on PostgreSQL."""
    return any_store


@pytest.fixture
def domain(store) -> QualificationService:
    return QualificationService(store)


def make_type(domain, owner=OWNER, name="Type", **fields):
    fields.setdefault("description", "a type")
    fields.setdefault("status", "Active")
    return domain.create_type(owner, name=name, **fields)


def raises(error: type[MTurkError], call, *args, **kwargs) -> MTurkError:
    with pytest.raises(error) as caught:
        call(*args, **kwargs)
    return caught.value


def file_request(store, type_id, worker=WORKER, minutes_ago=0) -> str:
    request = QualificationRequest(
        id=new_id(),
        type_id=type_id,
        subject_id=worker,
        submit_time=datetime.now(UTC) - timedelta(minutes=minutes_ago),
    )
    with store.write() as session:
        session.put_request(request)
    return request.id


def request_status(store, request_id) -> str:
    with store.read() as session:
        return session.get_request(request_id).status


# --- identity ---------------------------------------------------------------------------


def test_ids_look_like_the_vendors():
    ids = {new_id() for _ in range(100)}
    assert len(ids) == 100
    assert all(len(i) == 30 and i.isalnum() and i.upper() == i for i in ids)


def test_later_than_is_strictly_later_within_one_millisecond():
    now = datetime(2020, 1, 1, tzinfo=UTC)
    assert later_than(now, now) > now
    assert later_than(now + timedelta(seconds=1), now) > now + timedelta(seconds=1)
    assert later_than(now - timedelta(seconds=1), now) == now
    assert later_than(None, now) == now


# --- types ------------------------------------------------------------------------------


def test_create_requires_name_description_and_status(domain):
    for missing in ("name", "description", "status"):
        fields = {"name": "n", "description": "d", "status": "Active", missing: None}
        error = raises(errors.MissingParameters, domain.create_type, OWNER, **fields)
        assert {"name": "Name", "description": "Description", "status": "QualificationTypeStatus"}[
            missing
        ] in error.message


def test_create_names_are_unique_per_owner(domain):
    make_type(domain, name="Same")
    raises(errors.QualificationTypeAlreadyExists, make_type, domain, name="Same")
    assert make_type(domain, owner=OTHER, name="Same").owner == OTHER


def test_auto_granted_value_defaults_to_one_and_belongs_to_auto_granted_types(domain):
    assert make_type(domain, name="a", auto_granted=True).auto_granted_value == 1
    chosen = make_type(domain, name="b", auto_granted=True, auto_granted_value=5)
    assert chosen.auto_granted_value == 5
    assert make_type(domain, name="c", auto_granted_value=5).auto_granted_value is None


def test_update_keeps_auto_granted_value_only_with_auto_grant(domain):
    qtype = make_type(domain)
    updated = domain.update_type(OWNER, qtype.id, auto_granted_value=7)
    assert (updated.auto_granted, updated.auto_granted_value) == (False, None)
    updated = domain.update_type(OWNER, qtype.id, auto_granted=True)
    assert updated.auto_granted_value == 1
    updated = domain.update_type(OWNER, qtype.id, auto_granted_value=9)
    assert (updated.auto_granted, updated.auto_granted_value) == (True, 9)
    updated = domain.update_type(OWNER, qtype.id, auto_granted=False)
    assert updated.auto_granted_value is None


def test_test_rules(domain):
    raises(errors.MissingParameters, make_type, domain, test=QUESTION_FORM)
    raises(
        errors.InvalidParameterValue,
        make_type,
        domain,
        test=QUESTION_FORM,
        test_duration=60,
        auto_granted=True,
    )
    raises(errors.InvalidParameterValue, make_type, domain, answer_key=ANSWER_KEY)
    raises(errors.XMLParseError, make_type, domain, test="<QuestionForm>", test_duration=60)
    raises(errors.XMLParseError, make_type, domain, test="<QuestionForm/>", test_duration=60)
    raises(errors.XMLParseError, make_type, domain, test=ANSWER_KEY, test_duration=60)
    raises(
        errors.XMLParseError,
        make_type,
        domain,
        test=QUESTION_FORM,
        test_duration=60,
        answer_key=QUESTION_FORM,
    )
    raises(errors.ParameterOutOfRange, make_type, domain, test=QUESTION_FORM, test_duration=0)
    make_type(domain, test=QUESTION_FORM, test_duration=60, answer_key=ANSWER_KEY)


def test_test_and_answer_key_are_at_most_65535_bytes(domain):
    def padded(document: str, size: int) -> str:
        comment = "<!-- " + "x" * (size - len(document) - 9) + " -->"
        return document.replace("<Question>", comment + "<Question>", 1)

    largest = padded(QUESTION_FORM, MAX_XML_BYTES)
    assert len(largest.encode()) == MAX_XML_BYTES
    assert make_type(domain, name="largest", test=largest, test_duration=60).test == largest
    too_large = largest.replace("x", "é", 1)  # one more byte in UTF-8
    raises(errors.InvalidParameterValue, make_type, domain, test=too_large, test_duration=60)
    key = padded(ANSWER_KEY, MAX_XML_BYTES + 1)
    raises(
        errors.InvalidParameterValue,
        make_type,
        domain,
        name="key",
        test=QUESTION_FORM,
        test_duration=60,
        answer_key=key,
    )


def test_every_requester_type_is_requestable(domain):
    # With neither test nor auto-grant a worker's request waits for the owner.
    assert make_type(domain, name="plain").is_requestable
    assert make_type(domain, name="auto", auto_granted=True).is_requestable


def test_update_of_the_test(domain):
    qtype = make_type(domain, test=QUESTION_FORM, test_duration=60, answer_key=ANSWER_KEY)
    # A key or a duration only comes with the test it describes.
    raises(errors.MissingParameters, domain.update_type, OWNER, qtype.id, answer_key=ANSWER_KEY)
    raises(errors.MissingParameters, domain.update_type, OWNER, qtype.id, test_duration=30)
    # Resending the test without a key leaves it without one.
    updated = domain.update_type(OWNER, qtype.id, test=QUESTION_FORM, test_duration=30)
    assert (updated.test_duration, updated.answer_key) == (30, None)
    # A type with a test never becomes auto-granted.
    raises(errors.InvalidParameterValue, domain.update_type, OWNER, qtype.id, auto_granted=True)
    # Omitted fields are left as they were.
    updated = domain.update_type(OWNER, qtype.id, description="new words")
    assert (updated.test, updated.test_duration, updated.description) == (
        QUESTION_FORM,
        30,
        "new words",
    )
    assert domain.get_type(OTHER, qtype.id).description == "new words"


def test_a_failed_update_changes_nothing(domain):
    qtype = make_type(domain, auto_granted=True)
    raises(
        errors.InvalidParameterValue,
        domain.update_type,
        OWNER,
        qtype.id,
        description="changed",
        test=QUESTION_FORM,
        test_duration=60,
    )
    assert domain.get_type(OWNER, qtype.id).description == "a type"


def test_only_the_owner_updates_or_disposes(domain):
    qtype = make_type(domain)
    raises(errors.PermissionDenied, domain.update_type, OTHER, qtype.id, description="x")
    raises(errors.PermissionDenied, domain.dispose_type, OTHER, qtype.id)
    domain.dispose_type(OWNER, qtype.id)
    raises(errors.QualificationTypeDoesNotExist, domain.get_type, OWNER, qtype.id)


def test_retry_delay_can_be_added_but_not_negative(domain):
    qtype = make_type(domain)
    assert domain.update_type(OWNER, qtype.id, retry_delay=3600).retry_delay == 3600
    raises(errors.ParameterOutOfRange, domain.update_type, OWNER, qtype.id, retry_delay=-1)


# --- search ------------------------------------------------------------------------------


def test_search(domain):
    for name in ("alpha", "bravo", "charlie"):
        make_type(domain, name=name)
    make_type(domain, name="delta", auto_granted=True, keywords="greek")
    make_type(domain, name="echo", auto_granted=True, status="Inactive")
    make_type(domain, owner=OTHER, name="foxtrot", auto_granted=True)
    make_type(domain, owner=OTHER, name="golf", status="Inactive")  # hidden from others

    def found(**kwargs):
        kwargs.setdefault("must_be_requestable", False)
        page = domain.search_types(OWNER, **kwargs)
        return [t.name for t in page.items], page.total, page.number

    # The system's types are found too (MustBeRequestable false), by name like the rest.
    system = ["Worker_PercentAssignmentsApproved", "Worker_NumberHITsApproved", "Worker_Locale",
              "Worker_Adult", "Masters (Sandbox)", "Masters"]  # fmt: skip
    mine = ["foxtrot", "echo", "delta", "charlie", "bravo", "alpha"]
    assert found(page_size=100) == (system + mine, 12, 1)
    assert found(sort_direction="Ascending", page_size=4, page_number=2) == (
        ["echo", "foxtrot", "Masters", "Masters (Sandbox)"],
        12,
        2,
    )
    active = ["foxtrot", "delta", "charlie", "bravo", "alpha"]
    assert found(must_be_requestable=True) == (active, 5, 1)
    assert found(must_be_owned_by_caller=True, must_be_requestable=True)[1] == 4
    assert found(query="GREEK") == (["delta"], 1, 1)
    assert found(query="a type", must_be_owned_by_caller=True)[1] == 5
    assert found(query="100%") == ([], 0, 1)  # LIKE wildcards are literal
    raises(errors.MissingParameters, domain.search_types, OWNER, must_be_requestable=None)
    raises(errors.InvalidParameterValue, found, sort_property="CreationTime")
    raises(errors.ParameterOutOfRange, found, page_size=101)
    raises(errors.ParameterOutOfRange, found, page_number=0)


# --- qualifications ----------------------------------------------------------------------


def test_assign_defaults_to_one_and_refuses_a_held_qualification(domain):
    qtype = make_type(domain)
    assert domain.assign(OWNER, qtype.id, WORKER).integer_value == 1
    raises(errors.QualificationAlreadyExists, domain.assign, OWNER, qtype.id, WORKER, 5)
    raises(errors.PermissionDenied, domain.assign, OTHER, qtype.id, "AANOTHER")
    raises(errors.ParameterOutOfRange, domain.assign, OWNER, qtype.id, "AANOTHER", 2**31)
    raises(errors.MissingParameters, domain.assign, OWNER, qtype.id, "")


def test_revoke_then_assign_again_grants_with_a_later_time(domain):
    qtype = make_type(domain)
    first = domain.assign(OWNER, qtype.id, WORKER, 10)
    revoked = domain.revoke(OWNER, qtype.id, WORKER, "reason")
    assert revoked.status == REVOKED
    assert domain.get_score(OWNER, qtype.id, WORKER).status == REVOKED
    raises(errors.InvalidQualificationState, domain.revoke, OWNER, qtype.id, WORKER)
    raises(errors.InvalidQualificationState, domain.update_score, OWNER, qtype.id, WORKER, 3)
    again = domain.assign(OWNER, qtype.id, WORKER, 20)
    assert (again.status, again.integer_value) == (GRANTED, 20)
    assert again.grant_time > first.grant_time
    assert again.grant_time.utcoffset() == timedelta(0)


def test_scores_are_updated_and_read_by_the_owner(domain):
    qtype = make_type(domain)
    domain.assign(OWNER, qtype.id, WORKER, 10)
    domain.update_score(OWNER, qtype.id, WORKER, 70)
    assert domain.get_score(OWNER, qtype.id, WORKER).integer_value == 70
    raises(errors.PermissionDenied, domain.update_score, OTHER, qtype.id, WORKER, 1)
    raises(errors.PermissionDenied, domain.get_score, OTHER, qtype.id, WORKER)
    raises(errors.QualificationDoesNotExist, domain.update_score, OWNER, qtype.id, "ANEVER", 1)
    raises(errors.QualificationDoesNotExist, domain.get_score, OWNER, qtype.id, "ANEVER")
    raises(errors.MissingParameters, domain.update_score, OWNER, qtype.id, WORKER, None)
    raises(errors.QualificationTypeDoesNotExist, domain.get_score, OTHER, "NOPE", WORKER)
    assert domain.get_score(OWNER, qtype.id, WORKER).integer_value == 70


def test_under_first_generation_rules_anyone_with_the_ids_reads_a_score(domain):
    """Seed 001: anyone who knows the type and worker ids may read the score; only
    the owner may still change it. The same store, under other rules."""
    qtype = make_type(domain)
    domain.assign(OWNER, qtype.id, WORKER, 10)
    first_generation = domain.under(Rules(anyone_may_read_scores=True))
    assert first_generation.store is domain.store
    assert first_generation.get_score(OTHER, qtype.id, WORKER).integer_value == 10
    raises(errors.PermissionDenied, first_generation.update_score, OTHER, qtype.id, WORKER, 1)
    raises(errors.PermissionDenied, domain.get_score, OTHER, qtype.id, WORKER)
    assert domain.under(domain.rules) is domain


def test_list_qualifications_by_status_for_the_owner_only(domain):
    qtype = make_type(domain)
    for n in range(12):
        domain.assign(OWNER, qtype.id, f"AW{n:02d}", n)
    for n in range(3):
        domain.revoke(OWNER, qtype.id, f"AW{n:02d}")
    granted = domain.list_qualifications(OWNER, qtype.id)
    assert (len(granted.items), granted.total) == (9, 9)
    assert all(q.status == GRANTED for q in granted.items)
    revoked = domain.list_qualifications(OWNER, qtype.id, "Revoked")
    assert sorted(q.subject_id for q in revoked.items) == ["AW00", "AW01", "AW02"]
    page2 = domain.list_qualifications(OWNER, qtype.id, page_size=5, page_number=2)
    assert (len(page2.items), page2.total, page2.number) == (4, 9, 2)
    raises(errors.PermissionDenied, domain.list_qualifications, OTHER, qtype.id)


# --- qualification requests -----------------------------------------------------------


def test_requests_pending_only_sorted_and_owned(domain, store):
    first, second = make_type(domain, name="one"), make_type(domain, name="two")
    theirs = make_type(domain, owner=OTHER, name="theirs")
    old = file_request(store, first.id, "AOLD", minutes_ago=3)
    mid = file_request(store, second.id, "AMID", minutes_ago=2)
    new = file_request(store, first.id, "ANEW", minutes_ago=1)
    file_request(store, theirs.id, "ATHEIRS")

    def listed(**kwargs):
        return [r.id for r in domain.list_requests(OWNER, **kwargs).items]

    assert listed() == [old, mid, new]
    assert listed(sort_direction="Descending") == [new, mid, old]
    assert listed(type_id=first.id) == [old, new]
    assert listed(page_size=1, page_number=3) == [new]
    domain.reject_request(OWNER, mid, "no")
    assert listed() == [old, new]
    raises(errors.PermissionDenied, domain.list_requests, OWNER, theirs.id)


def test_grant_and_reject(domain, store):
    qtype = make_type(domain)
    granted = file_request(store, qtype.id, "AGRANTED")
    rejected = file_request(store, qtype.id, "AREJECTED")
    domain.grant_request(OWNER, granted, 95)
    assert domain.get_score(OWNER, qtype.id, "AGRANTED").integer_value == 95
    assert request_status(store, granted) == GRANTED
    raises(errors.InvalidQualificationRequestState, domain.grant_request, OWNER, granted)
    raises(errors.InvalidQualificationRequestState, domain.reject_request, OWNER, granted)
    raises(errors.PermissionDenied, domain.reject_request, OTHER, rejected)
    domain.reject_request(OWNER, rejected)
    assert request_status(store, rejected) == REJECTED
    raises(errors.QualificationDoesNotExist, domain.get_score, OWNER, qtype.id, "AREJECTED")
    raises(errors.QualificationRequestDoesNotExist, domain.grant_request, OWNER, "NOPE")


def test_granting_a_request_changes_an_assigned_score(domain, store):
    # The vendor's tip: assigning leaves pending requests; granting one later changes the score.
    qtype = make_type(domain)
    request_id = file_request(store, qtype.id)
    assigned = domain.assign(OWNER, qtype.id, WORKER, 50)
    domain.grant_request(OWNER, request_id)
    now = domain.get_score(OWNER, qtype.id, WORKER)
    assert (now.integer_value, now.status) == (1, GRANTED)
    assert now.grant_time > assigned.grant_time


def test_dispose_rejects_every_pending_request(domain, store):
    qtype = make_type(domain)
    keep = make_type(domain, name="kept")
    ids = [file_request(store, qtype.id, f"AW{n}") for n in range(MAX_PAGE_SIZE + 5)]
    kept = file_request(store, keep.id)
    domain.dispose_type(OWNER, qtype.id)
    assert {request_status(store, i) for i in ids} == {REJECTED}
    assert request_status(store, kept) == PENDING
    raises(errors.QualificationRequestDoesNotExist, domain.grant_request, OWNER, ids[0])
