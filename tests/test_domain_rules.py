"""Rules that live once, in the domain, whatever calls them: the store only
stores (search filters, row writes), the api only maps fields."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from soap_mturk.domain import QualificationService, errors
from soap_mturk.domain.model import Qualification, QualificationType
from soap_mturk.domain.ports import TypeFilter
from soap_mturk.domain.qualifications import as_seen_by, validate_type, visible_types

NOW = datetime(2014, 8, 15, 9, tzinfo=UTC)
KEY = (
    '<AnswerKey xmlns="http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/'
    '2005-10-01/AnswerKey.xsd"/>'
)


def qtype(**fields) -> QualificationType:
    values = {"id": "T1", "owner": "AKIAOWNER", "name": "Name", "creation_time": NOW}
    return QualificationType(**{**values, **fields})


@pytest.fixture
def store(any_store):
    """Each test runs on SQLite and on PostgreSQL."""
    return any_store


@pytest.mark.parametrize(
    "fields",
    [{"name": "n" * 129}, {"description": "d" * 2001}, {"keywords": "k" * 1001}],
    ids=["name", "description", "keywords"],
)
def test_length_rules_hold_for_every_way_a_type_is_made(fields):
    """validate_type is what create, update and fixtures (seeding.py) all call."""
    with pytest.raises(errors.InvalidParameterValue):
        validate_type(qtype(**fields))


def test_the_answer_key_is_read_by_its_owner_alone():
    secret = qtype(answer_key=KEY)
    assert as_seen_by("AKIAOWNER", secret).answer_key == KEY
    assert as_seen_by("AKIAOTHER", secret).answer_key is None
    assert secret.answer_key == KEY  # the stored type is untouched


def test_search_sees_own_types_and_others_active_ones(store):
    with store.write() as session:
        for n, (owner, status) in enumerate(
            [
                ("AKIAME", "Active"),
                ("AKIAME", "Inactive"),
                ("AKIAYOU", "Active"),
                ("AKIAYOU", "Inactive"),
            ]
        ):
            session.put_type(
                qtype(id=f"T{n}", owner=owner, name=f"{owner} {status}", status=status)
            )

    def names(**rule):
        with store.read() as session:
            found, total = session.search_types(
                any_of=visible_types("AKIAME", **rule),
                query=None,
                descending=False,
                offset=0,
                limit=10,
            )
        assert total == len(found)
        return [t.name for t in found]

    assert names(requestable_only=False, owned_only=False) == [
        "AKIAME Active",
        "AKIAME Inactive",
        "AKIAYOU Active",
    ]
    assert names(requestable_only=True, owned_only=False) == ["AKIAME Active", "AKIAYOU Active"]
    assert names(requestable_only=False, owned_only=True) == ["AKIAME Active", "AKIAME Inactive"]
    assert visible_types("AKIAME", True, True) == [TypeFilter(owner="AKIAME", status="Active")]


def test_dispose_removes_the_type_and_keeps_its_qualifications(store):
    """Reference, DisposeQualificationType: it "does not revoke Qualifications already
    assigned to Workers"."""
    domain = QualificationService(store)
    made = domain.create_type("AKIAME", name="Gone", description="d", status="Active")
    domain.assign("AKIAME", made.id, "AWORKER", 5)
    domain.dispose_type("AKIAME", made.id)
    with store.read() as session:
        assert session.get_type(made.id) is None
        kept = session.get_qualification(made.id, "AWORKER")
    assert (kept.status, kept.integer_value) == ("Granted", 5)


def test_a_row_write_never_deletes_another_row(store):
    """put_type is an upsert on the primary key: a write that would break the
    (owner, name) uniqueness fails, where INSERT OR REPLACE deleted the other type."""
    with store.write() as session:
        session.put_type(qtype(id="T1", name="Same"))
        session.put_qualification(Qualification("T1", "AWORKER", NOW, 3))
    with pytest.raises(store.IntegrityError), store.write() as session:
        session.put_type(qtype(id="T2", name="Same"))
    with store.write() as session:
        session.put_type(qtype(id="T1", name="Renamed"))  # its own row: updated in place
    with store.read() as session:
        assert session.get_type("T1").name == "Renamed"
        assert session.get_type("T2") is None
        assert session.get_qualification("T1", "AWORKER").integer_value == 3


def test_the_store_port_declares_the_path_the_server_reports(store):
    assert store.path == ":memory:" or store.path.startswith("postgresql://")
