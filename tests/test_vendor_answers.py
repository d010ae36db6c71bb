"""Answers in the vendor's words, and rules the reference states.

Messages: where a real answer was recorded (the evidence is listed in README,
"Error messages"), its text is the vendor's, then the time stamp the vendor ended
every message with, " (<epoch milliseconds> s)"; a duplicate name also carries the
existing type's id as Error/Data. Rules: UpdateQualificationType's Test needs
TestDurationInSeconds in the same call; DisposeQualificationType leaves granted
qualifications on record; the search filters and IsRequestable agree."""

from __future__ import annotations

import re
import time

import pytest

from soap_mturk.domain import MTurkError, QualificationService, errors
from soap_mturk.store import open_store
from tests.lifecycle_support import QUESTION_FORM, Caller, assert_error, new_key, unique
from tests.rest_support import OWNER, call, rest_emulator, vendor_signed

STAMP = re.compile(r" \((\d{13}) s\)$")


@pytest.fixture
def caller(service):
    return Caller(service)


def message(result) -> str:
    (error,) = result.Request.Errors.Error
    stamp = STAMP.search(error.Message)
    assert stamp, error.Message
    assert abs(int(stamp.group(1)) / 1000 - time.time()) < 60
    return error.Message[: stamp.start()]


def test_a_duplicate_name_is_answered_in_the_vendors_words_with_the_existing_id(caller):
    name = unique("dup")
    first = caller.new_type(Name=name)
    result = caller.one(
        "CreateQualificationType", Name=name, Description="again", QualificationTypeStatus="Active"
    )
    assert_error(result, errors.QualificationTypeAlreadyExists.code)
    assert message(result) == (
        "You have already created a QualificationType with this name. A QualificationType's "
        "name must be unique among all of the QualificationTypes created by the same user."
    )
    (error,) = result.Request.Errors.Error
    assert [(d.Key, d.Value) for d in error.Data] == [("QualificationTypeId", first)]


def test_the_duplicate_names_data_reaches_a_rest_client(rest_emulator):
    name = unique("dup")
    params = dict(Name=name, Description="d", QualificationTypeStatus="Active")
    _, _, created = call(rest_emulator, vendor_signed(OWNER, "CreateQualificationType", **params))
    _, _, again = call(rest_emulator, vendor_signed(OWNER, "CreateQualificationType", **params))

    def find(root, path):  # as rturk and MTurkR read answers: namespace-unaware
        return root.xpath("string(//*[local-name()='" + "']/*[local-name()='".join(path) + "'])")

    assert find(again, ["Error", "Data", "Key"]) == "QualificationTypeId"
    assert find(again, ["Error", "Data", "Value"]) == find(created, ["QualificationTypeId"])


def test_missing_things_in_the_vendors_words(caller):
    type_id = caller.new_type()
    assert message(caller.score(type_id, "ANEVERQUALIFIED")) == (
        "You requested a Qualification that does not exist."
    )
    missing = caller.one("GetQualificationType", QualificationTypeId="NOSUCHTYPE0000000000")
    assert message(missing) == "QualificationType [NOSUCHTYPE0000000000] does not exist."


def test_another_requesters_change_is_refused_naming_the_type(caller):
    type_id = caller.new_type()
    result = caller.one(
        "UpdateQualificationType", key=new_key("other"), QualificationTypeId=type_id,
        Description="not mine",
    )  # fmt: skip
    assert_error(result, errors.PermissionDenied.code)
    assert message(result) == (
        f"You do not own QualificationType [{type_id}]: only its owner may do this."
    )


def test_an_invalid_value_in_the_vendors_words(rest_emulator):
    params = vendor_signed(
        OWNER, "SearchQualificationTypes", MustBeRequestable="false", SortDirection="Sideways"
    )
    _, _, root = call(rest_emulator, params)
    text = root.xpath("string(//*[local-name()='Message'])")
    assert text.startswith('The value "Sideways" is not valid for the parameter SortDirection')


# --- UpdateQualificationType: a new Test comes with its duration ---------------------


def test_a_new_test_without_its_duration_is_refused_even_if_the_type_had_one(caller):
    type_id = caller.new_type(Test=QUESTION_FORM, TestDurationInSeconds=600)
    changed = QUESTION_FORM.replace("1+1?", "2+2?")
    result = caller.one("UpdateQualificationType", QualificationTypeId=type_id, Test=changed)
    assert_error(result, errors.MissingParameters.code)
    assert "TestDurationInSeconds" in message(result)
    kept = caller.ok("GetQualificationType", QualificationTypeId=type_id)
    assert (kept.Test, kept.TestDurationInSeconds) == (QUESTION_FORM, 600)
    updated = caller.ok(
        "UpdateQualificationType", QualificationTypeId=type_id, Test=changed,
        TestDurationInSeconds=300,
    )  # fmt: skip
    assert (updated.Test, updated.TestDurationInSeconds) == (changed, 300)


# --- DisposeQualificationType keeps what was granted ------------------------------


def test_dispose_keeps_granted_qualifications_on_record(tmp_path):
    """Reference: "This operation does not revoke Qualifications already assigned to
    Workers". They stay, granted, in the store (where HITs will read them), across a
    restart; the requester's reads through the disposed type answer that it does not
    exist."""
    path = str(tmp_path / "dispose.sqlite3")
    store = open_store(path)
    domain = QualificationService(store)
    qtype = domain.create_type("AKIAOWNER", name="gone", description="d", status="Active")
    domain.assign("AKIAOWNER", qtype.id, "A1WORKER", 7)
    domain.dispose_type("AKIAOWNER", qtype.id)
    store.close()
    store = open_store(path)
    try:
        with store.read() as session:
            kept = session.get_qualification(qtype.id, "A1WORKER")
            assert session.get_type(qtype.id) is None
        assert (kept.status, kept.integer_value) == ("Granted", 7)
        domain = QualificationService(store)
        for read in (
            lambda: domain.get_score("AKIAOWNER", qtype.id, "A1WORKER"),
            lambda: domain.list_qualifications("AKIAOWNER", qtype.id),
        ):
            with pytest.raises(MTurkError) as refused:
                read()
            assert refused.value.code == errors.QualificationTypeDoesNotExist.code
    finally:
        store.close()


# --- search filters and IsRequestable agree --------------------------------------


def test_must_be_requestable_finds_exactly_the_types_that_say_they_are(caller):
    other = new_key("other")
    token = unique("agree").split()[1]
    active = caller.new_type(Name=f"active {token}", AutoGranted=True)
    inactive = caller.new_type(Name=f"inactive {token}", QualificationTypeStatus="Inactive")
    others_active = caller.new_type(key=other, Name=f"others active {token}")
    caller.new_type(key=other, Name=f"others inactive {token}", QualificationTypeStatus="Inactive")

    def search(**request):
        (result,) = caller.results(
            "SearchQualificationTypes", {"Query": token, "PageSize": 100, **request}
        )
        return {t.QualificationTypeId: t.IsRequestable for t in result.QualificationType}

    everything = search(MustBeRequestable=False)
    # Others' Inactive types are not found; the caller's own are, not requestable.
    assert everything == {active: True, inactive: False, others_active: True}
    assert search(MustBeRequestable=True) == {active: True, others_active: True}
    assert search(MustBeRequestable=False, MustBeOwnedByCaller=True) == {
        active: True, inactive: False,
    }  # fmt: skip
    assert search(MustBeRequestable=True, MustBeOwnedByCaller=True) == {active: True}
    alone = caller.ok("GetQualificationType", QualificationTypeId=inactive)
    assert alone.IsRequestable is False
