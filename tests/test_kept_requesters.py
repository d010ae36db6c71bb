"""Requesters across restarts, and who may change them.

- The development requester is made once per database and kept in it.
- Requesters a fixture adds are kept too, so the types they own stay manageable.
- Configured requesters come from the command line and files at every start; a
  fixture cannot replace their secret, and reset does not forget them.
- Fixture requesters obey the command line's rules; a type's Owner must be known.
"""

from __future__ import annotations

import re
import uuid

import pytest

from soap_mturk.auth.requesters import Requester, requesters_at_start
from soap_mturk.control.api import ControlApi
from soap_mturk.control.client import ControlClient, ControlError
from soap_mturk.control.fixtures import FixtureError
from soap_mturk.domain.model import CONFIGURED, DEVELOPMENT, FIXTURE
from soap_mturk.store import open_store
from tests.signing import signed
from tests.test_auth_config import Server, create

FIXTURE_KEY, FIXTURE_SECRET = "AKIAFIXTUREKEPT", "fixture-secret-0123456789"


def banner_keys(server: Server) -> tuple[str, str]:
    banner = "".join(server.banner)
    key = re.search(r"requester: (\S+) \(development requester\)", banner).group(1)
    secret = re.search(r"secret key: (\S+)", banner).group(1)
    return key, secret


def test_development_requester_is_kept_in_its_database(tmp_path):
    first = Server(tmp_path)
    try:
        key, secret = banner_keys(first)
        made = create(first.client({key: secret}), signed(key))
        type_id = made.QualificationType[0].QualificationTypeId
    finally:
        first.stop()
    again = Server(tmp_path)  # same --db
    try:
        assert banner_keys(again) == (key, secret)  # printed at every start
        service = again.client({key: secret})
        got = service.GetQualificationType(
            **signed(key),
            Request=[{"QualificationTypeId": type_id}],
        )
        assert got.QualificationType[0].Request.IsValid == "True"
    finally:
        again.stop()


def test_fixture_requesters_survive_a_restart(tmp_path):
    first = Server(tmp_path)
    try:
        ControlClient(first.base_url).load(
            {
                "Requesters": [{"AccessKeyId": FIXTURE_KEY, "SecretAccessKey": FIXTURE_SECRET}],
                "QualificationTypes": [{"Name": "Kept", "Description": "owned by the fixture"}],
            }
        )
    finally:
        first.stop()
    again = Server(tmp_path)
    try:
        state = ControlClient(again.base_url).state()
        assert FIXTURE_KEY in [r["AccessKeyId"] for r in state["Requesters"]]
        assert [t["Owner"] for t in state["QualificationTypes"]] == [FIXTURE_KEY]
        assert (
            state["QualificationTypes"][0]["Owner"]
            if "Owner" in state["QualificationTypes"][0]
            else True
        )
        service = again.client({FIXTURE_KEY: FIXTURE_SECRET})
        accepted = create(service, signed(FIXTURE_KEY))
        assert accepted.QualificationType[0].Request.IsValid == "True"
    finally:
        again.stop()


# --- the same rules, on the objects the server is built from (a real SQLite file) --------


@pytest.fixture
def control(tmp_path):
    store = open_store(str(tmp_path / "kept.sqlite3"))
    configured = [Requester("AKIACONFIGURED", "configured-secret")]
    api = ControlApi(store, requesters_at_start(configured, store))
    yield api
    store.close()


def restarted(control: ControlApi, configured: list[Requester]):
    return requesters_at_start(configured, control.store)


def test_reset_forgets_fixture_requesters_in_memory_and_on_disk(control):
    control.load({"Requesters": [{"AccessKeyId": FIXTURE_KEY, "SecretAccessKey": "s"}]})
    assert control.requesters.get(FIXTURE_KEY).origin == FIXTURE
    assert restarted(control, []).get(FIXTURE_KEY) is not None
    control.reset()
    assert control.requesters.get(FIXTURE_KEY) is None
    assert control.requesters.get("AKIACONFIGURED").origin == CONFIGURED
    assert restarted(control, []).get(FIXTURE_KEY) is None


def test_configuration_wins_over_a_kept_fixture_requester(control):
    control.load({"Requesters": [{"AccessKeyId": "AKIALATERCONF", "SecretAccessKey": "old"}]})
    registry = restarted(control, [Requester("AKIALATERCONF", "new")])
    assert registry.get("AKIALATERCONF").secret_key == "new"


def test_development_requester_only_without_configuration(control):
    registry = restarted(control, [])
    (development,) = [r for r in registry.all() if r.origin == DEVELOPMENT]
    assert restarted(control, []).get(development.access_key) == development
    assert restarted(control, [Requester("AKIAOTHER", "x")]).get(development.access_key) is None


def test_a_fixture_cannot_replace_a_configured_secret(mturk_emulator):
    with pytest.raises(ControlError) as refused:
        mturk_emulator.control.load(
            {
                "Requesters": [
                    {"AccessKeyId": mturk_emulator.access_key, "SecretAccessKey": "attacker"}
                ]
            }
        )
    assert refused.value.status == 400 and refused.value.code == "InvalidFixture"
    assert "configured" in refused.value.message and "attacker" not in refused.value.message
    mturk_emulator.control.reset()
    # The real secret still signs; the attacker's never did.
    state = mturk_emulator.control.state()
    assert [r["AccessKeyId"] for r in state["Requesters"]] == [mturk_emulator.access_key]
    import zeep

    service = zeep.Client(mturk_emulator.wsdl_url()).service
    made = service.CreateQualificationType(
        **mturk_emulator.credentials("CreateQualificationType"),
        Request=[
            {
                "Name": f"Still mine {uuid.uuid4()}",
                "Description": "d",
                "QualificationTypeStatus": "Active",
            }
        ],
    )
    assert made.QualificationType[0].Request.IsValid == "True"


def test_a_fixture_may_name_a_configured_requester_with_its_own_secret(mturk_emulator):
    loaded = mturk_emulator.control.load(
        {
            "Requesters": [
                {
                    "AccessKeyId": mturk_emulator.access_key,
                    "SecretAccessKey": mturk_emulator.secret_key,
                }
            ],
            "QualificationTypes": [{"Name": "Mine", "Description": "d"}],
        }
    )
    assert loaded["Loaded"]["QualificationTypes"] == 1
    mturk_emulator.control.reset()
    state = mturk_emulator.control.state()
    assert [r["AccessKeyId"] for r in state["Requesters"]] == [mturk_emulator.access_key]


@pytest.mark.parametrize(
    "requester, complaint",
    [
        ({"AccessKeyId": "", "SecretAccessKey": "s"}, "AccessKeyId must be a non-empty string"),
        ({"AccessKeyId": "   ", "SecretAccessKey": "s"}, "AccessKeyId must be a non-empty string"),
        ({"AccessKeyId": "AKIA X", "SecretAccessKey": "s"}, "spaces or colons"),
        ({"AccessKeyId": "AKIA:X", "SecretAccessKey": "s"}, "spaces or colons"),
        ({"AccessKeyId": "AKIAX", "SecretAccessKey": ""}, "SecretAccessKey must be a non-empty"),
        ({"AccessKeyId": "AKIAX", "SecretAccessKey": 7}, "SecretAccessKey must be a non-empty"),
        ({"AccessKeyId": "AKIAX", "SecretAccessKey": "s", "Name": 3}, "Name must be a string"),
    ],
)
def test_fixture_requesters_obey_the_command_lines_rules(mturk_emulator, requester, complaint):
    with pytest.raises(ControlError) as refused:
        mturk_emulator.control.load({"Requesters": [requester]})
    assert refused.value.code == "InvalidFixture" and complaint in refused.value.message


def test_one_access_key_twice_in_a_fixture_is_refused(control):
    twice = {"AccessKeyId": "AKIATWICE", "SecretAccessKey": "s"}
    with pytest.raises(FixtureError, match="AKIATWICE appears twice"):
        control.load({"Requesters": [twice, dict(twice, SecretAccessKey="t")]})


def test_unknown_owner_is_refused_and_nothing_loads(mturk_emulator):
    with pytest.raises(ControlError) as refused:
        mturk_emulator.control.load(
            {
                "QualificationTypes": [
                    {"Name": "Fine", "Description": "d"},
                    {"Name": "Orphan", "Description": "d", "Owner": "AKIAMISTYPED"},
                ]
            }
        )
    assert refused.value.code == "InvalidFixture"
    assert "QualificationTypes[1].Owner: AKIAMISTYPED" in refused.value.message
    assert mturk_emulator.control.state()["QualificationTypes"] == []


@pytest.mark.parametrize(
    "qtype, field",
    [
        ({"Name": "x" * 129, "Description": "d"}, "Name"),
        ({"Name": "No description"}, "Description"),
        ({"Name": "Long", "Description": "d" * 2001}, "Description"),
        ({"Name": "Keywords", "Description": "d", "Keywords": "k" * 1001}, "Keywords"),
        (
            {"Name": "Status", "Description": "d", "QualificationTypeStatus": "Sleeping"},
            "QualificationTypeStatus",
        ),
    ],
)
def test_fixture_types_obey_create_qualification_types_rules(mturk_emulator, qtype, field):
    with pytest.raises(ControlError) as refused:
        mturk_emulator.control.load({"QualificationTypes": [qtype]})
    assert refused.value.code in (
        "AWS.MissingParameters",
        "AWS.MechanicalTurk.InvalidParameterValue",
    )
    assert field in refused.value.message
    assert mturk_emulator.control.state()["QualificationTypes"] == []


def test_every_worker_process_knows_the_requesters_another_added(tmp_path):
    """`serve --workers N`: each process has its own application, registry and store
    connections on one database; a fixture loaded through one is seen by the others,
    and so is a reset."""
    from soap_mturk.server.app import EmulatorApp

    path = str(tmp_path / "shared.sqlite3")
    stores = [open_store(path), open_store(path)]
    apps = [EmulatorApp(store, requesters=requesters_at_start([], store)) for store in stores]
    try:
        one, other = apps
        one.control.load(
            {"Requesters": [{"AccessKeyId": FIXTURE_KEY, "SecretAccessKey": FIXTURE_SECRET}]}
        )
        assert other.requesters.get(FIXTURE_KEY).secret_key == FIXTURE_SECRET
        assert FIXTURE_KEY in [r.access_key for r in other.requesters.all()]
        one.control.reset()
        assert other.requesters.get(FIXTURE_KEY) is None
        assert FIXTURE_KEY not in [r.access_key for r in other.requesters.all()]
    finally:
        for app, store in zip(apps, stores, strict=True):
            app.close()
            store.close()
