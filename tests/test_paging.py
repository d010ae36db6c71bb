"""Searching, listing and paging over SOAP: SearchQualificationTypes,
GetQualificationsForQualificationType, and the owner's side of qualification
requests (GetQualificationRequests, GrantQualification, RejectQualificationRequest).
Requests are filed through the store, as the worker side will file them."""

from __future__ import annotations

import uuid

import pytest

from soap_mturk.domain import errors
from soap_mturk.domain.model import REJECTED
from tests.conftest import STORE_KINDS
from tests.lifecycle_support import (
    QUESTION_FORM,
    Caller,
    assert_error,
    file_request,
    minutes_ago,
    new_key,
)


@pytest.fixture(scope="module", params=STORE_KINDS)
def store_kind(request):
    """Every test here runs on SQLite and on PostgreSQL."""
    return request.param


@pytest.fixture
def caller(service):
    return Caller(service)


@pytest.fixture
def store(emulator):
    return emulator.app.store


def search(c: Caller, key=None, **params):
    params.setdefault("MustBeRequestable", False)
    return c.ok("SearchQualificationTypes", key=key, **params)


def names(result) -> list[str]:
    return [t.Name for t in result.QualificationType]


# --- SearchQualificationTypes ------------------------------------------------------------


@pytest.fixture
def catalogue(caller):
    """Five types of one owner, findable by a token in name, description or keywords."""
    token = "tok" + uuid.uuid4().hex[:10]
    made = {}
    for letter in "abcde":
        made[letter] = caller.new_type(Name=f"{token} {letter}", Description="plain")
    caller.new_type(Name="unrelated " + token[::-1], Description=f"mentions {token}xx")
    caller.new_type(Name="tagged " + token[::-1], Description="plain", Keywords=f"x, {token}yy")
    return token, made


def test_search_default_is_by_name_descending_and_counts(caller, catalogue):
    token, _ = catalogue
    found = search(caller, Query=token + " ", MustBeOwnedByCaller=True)
    assert names(found) == [f"{token} {x}" for x in "edcba"]
    assert (found.NumResults, found.TotalNumResults, found.PageNumber) == (5, 5, 1)


def test_search_ascending_and_pages(caller, catalogue):
    token, _ = catalogue
    pages = [
        search(
            caller,
            Query=token + " ",
            SortDirection="Ascending",
            SortProperty="Name",
            PageSize=2,
            PageNumber=n,
        )
        for n in (1, 2, 3, 4)
    ]
    assert [names(p) for p in pages] == [
        [f"{token} a", f"{token} b"],
        [f"{token} c", f"{token} d"],
        [f"{token} e"],
        [],
    ]
    assert [(p.NumResults, p.TotalNumResults, p.PageNumber) for p in pages] == [
        (2, 5, 1),
        (2, 5, 2),
        (1, 5, 3),
        (0, 5, 4),
    ]


def test_search_query_matches_name_description_and_keywords(caller, catalogue):
    token, _ = catalogue
    found = search(caller, Query=token.upper(), PageSize=100)  # case does not matter
    assert found.TotalNumResults == 7
    assert {"unrelated " + token[::-1], "tagged " + token[::-1]} <= set(names(found))
    assert search(caller, Query=token + "yy").TotalNumResults == 1
    assert search(caller, Query=token + "xx").TotalNumResults == 1


def test_search_without_query_considers_all_types(caller, catalogue):
    everything = search(caller, MustBeOwnedByCaller=True, PageSize=100)
    assert everything.TotalNumResults == 7


def test_search_must_be_requestable(caller):
    # Workers can request any active type a requester made, with or without a test
    # (without one, the request waits for the owner), as the vendor's samples show.
    token = "req" + uuid.uuid4().hex[:10]
    caller.new_type(Name=f"{token} plain")
    caller.new_type(Name=f"{token} auto", AutoGranted=True)
    caller.new_type(Name=f"{token} test", Test=QUESTION_FORM, TestDurationInSeconds=60)
    caller.new_type(Name=f"{token} asleep", AutoGranted=True, QualificationTypeStatus="Inactive")
    requestable = search(caller, Query=token, MustBeRequestable=True)
    assert names(requestable) == [f"{token} test", f"{token} plain", f"{token} auto"]
    assert all(t.IsRequestable for t in requestable.QualificationType)
    everything = search(caller, Query=token, MustBeRequestable=False)
    assert names(everything) == [f"{token} {n}" for n in ("test", "plain", "auto", "asleep")]


def test_search_must_be_owned_by_caller(caller):
    token = "own" + uuid.uuid4().hex[:10]
    other = new_key("other")
    caller.new_type(Name=f"{token} mine")
    caller.new_type(key=other, Name=f"{token} theirs")
    caller.new_type(key=other, Name=f"{token} theirs retired", QualificationTypeStatus="Inactive")
    assert names(search(caller, Query=token, MustBeOwnedByCaller=True)) == [f"{token} mine"]
    assert names(search(caller, Query=token, MustBeOwnedByCaller=False)) == [
        f"{token} theirs",
        f"{token} mine",
    ]
    assert names(search(caller, Query=token)) == [f"{token} theirs", f"{token} mine"]


# --- GetQualificationsForQualificationType -----------------------------------------------


def test_qualifications_for_type_filters_by_status_and_pages(caller):
    type_id = caller.new_type()
    workers = [f"AWORKER{n}" for n in range(5)]
    for n, worker in enumerate(workers):
        caller.assign(type_id, worker, n)
    for worker in workers[:2]:
        caller.ok("RevokeQualification", SubjectId=worker, QualificationTypeId=type_id)

    def listing(**params):
        return caller.ok(
            "GetQualificationsForQualificationType", QualificationTypeId=type_id, **params
        )

    granted = listing()
    assert (granted.NumResults, granted.TotalNumResults, granted.PageNumber) == (3, 3, 1)
    assert {q.SubjectId for q in granted.Qualification} == set(workers[2:])
    assert all(
        q.Status == "Granted" and q.QualificationTypeId == type_id for q in granted.Qualification
    )
    assert {q.SubjectId: q.IntegerValue for q in granted.Qualification} == {
        "AWORKER2": 2,
        "AWORKER3": 3,
        "AWORKER4": 4,
    }

    revoked = listing(Status="Revoked")
    assert {q.SubjectId for q in revoked.Qualification} == set(workers[:2])
    assert all(q.Status == "Revoked" for q in revoked.Qualification)

    first, second = listing(PageSize=2), listing(PageSize=2, PageNumber=2)
    assert (first.NumResults, second.NumResults, second.TotalNumResults) == (2, 1, 3)
    seen = [q.SubjectId for q in first.Qualification + second.Qualification]
    assert sorted(seen) == workers[2:]


# --- qualification requests ---------------------------------------------------------------


@pytest.fixture
def filed(caller, store):
    """Requests for two of the caller's types and one for another requester's type."""
    first, second = caller.new_type(), caller.new_type()
    theirs = caller.new_type(key=new_key("other"))
    ids = {
        "old": file_request(store, first, "AWORKEROLD", minutes_ago(30)),
        "mid": file_request(store, second, "AWORKERMID", minutes_ago(20)),
        "new": file_request(store, first, "AWORKERNEW", minutes_ago(10)),
        "theirs": file_request(store, theirs, "AWORKERTHEIRS", minutes_ago(25)),
    }
    return first, second, ids


def request_ids(result) -> list[str]:
    return [r.QualificationRequestId for r in result.QualificationRequest]


def test_requests_listed_oldest_first_for_all_the_callers_types(caller, filed):
    first, _second, ids = filed
    listed = caller.ok("GetQualificationRequests")
    assert request_ids(listed) == [ids["old"], ids["mid"], ids["new"]]
    assert (listed.NumResults, listed.TotalNumResults, listed.PageNumber) == (3, 3, 1)
    oldest = listed.QualificationRequest[0]
    assert (oldest.QualificationTypeId, oldest.SubjectId) == (first, "AWORKEROLD")
    assert minutes_ago(31) < oldest.SubmitTime < minutes_ago(29)
    assert oldest.SubmitTime.utcoffset().total_seconds() == 0


def test_requests_filter_sort_and_page(caller, filed):
    first, second, ids = filed
    only_first = caller.ok("GetQualificationRequests", QualificationTypeId=first)
    assert request_ids(only_first) == [ids["old"], ids["new"]]
    newest_first = caller.ok("GetQualificationRequests", SortDirection="Descending")
    assert request_ids(newest_first) == [ids["new"], ids["mid"], ids["old"]]
    by_type = caller.ok("GetQualificationRequests", SortProperty="QualificationTypeId")
    expected = sorted(
        [(first, ids["old"]), (first, ids["new"]), (second, ids["mid"])], key=lambda pair: pair[0]
    )
    assert [r.QualificationTypeId for r in by_type.QualificationRequest] == [t for t, _ in expected]
    page2 = caller.ok("GetQualificationRequests", PageSize=2, PageNumber=2)
    assert request_ids(page2) == [ids["new"]]
    assert (page2.NumResults, page2.TotalNumResults, page2.PageNumber) == (1, 3, 2)


def test_grant_creates_the_qualification_with_the_value_and_leaves_the_list(caller, filed):
    first, second, ids = filed
    caller.ok("GrantQualification", QualificationRequestId=ids["old"], IntegerValue=95)
    score = caller.score(first, "AWORKEROLD")
    assert (score.IntegerValue, score.Status) == (95, "Granted")
    caller.ok("GrantQualification", QualificationRequestId=ids["mid"])  # default value 1
    assert caller.score(second, "AWORKERMID").IntegerValue == 1
    assert request_ids(caller.ok("GetQualificationRequests")) == [ids["new"]]
    again = caller.one("GrantQualification", QualificationRequestId=ids["old"])
    assert_error(again, errors.InvalidQualificationRequestState.code)


def test_grant_regrants_a_revoked_qualification_with_a_new_grant_time(caller, store):
    type_id = caller.new_type()
    caller.assign(type_id, "AWORKERBACK", 3)
    before = caller.score(type_id, "AWORKERBACK").GrantTime
    caller.ok("RevokeQualification", SubjectId="AWORKERBACK", QualificationTypeId=type_id)
    request_id = file_request(store, type_id, "AWORKERBACK")
    caller.ok("GrantQualification", QualificationRequestId=request_id, IntegerValue=60)
    after = caller.score(type_id, "AWORKERBACK")
    assert (after.Status, after.IntegerValue) == ("Granted", 60)
    assert after.GrantTime > before


def test_reject_removes_the_request_and_leaves_held_qualifications(caller, filed, store):
    first, _second, ids = filed
    caller.assign(first, "AWORKERNEW", 40)
    caller.ok("RejectQualificationRequest", QualificationRequestId=ids["new"], Reason="not now")
    assert caller.score(first, "AWORKERNEW").IntegerValue == 40
    assert ids["new"] not in request_ids(caller.ok("GetQualificationRequests"))
    with store.read() as session:
        rejected = session.get_request(ids["new"])
    assert (rejected.status, rejected.reason) == (REJECTED, "not now")
    twice = caller.one("RejectQualificationRequest", QualificationRequestId=ids["new"])
    assert_error(twice, errors.InvalidQualificationRequestState.code)


def test_dispose_rejects_pending_requests(caller, filed, store):
    first, _second, ids = filed
    caller.ok("DisposeQualificationType", QualificationTypeId=first)
    assert request_ids(caller.ok("GetQualificationRequests")) == [ids["mid"]]
    with store.read() as session:
        statuses = {session.get_request(ids[k]).status for k in ("old", "new")}
    assert statuses == {REJECTED}
    late = caller.one("GrantQualification", QualificationRequestId=ids["old"])
    assert late.Request.IsValid == "False"
