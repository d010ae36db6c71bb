"""The control API's test tooling: reset, fixtures, state; who may use it; how it
answers bad input. Through the Python client, the CLI and raw HTTP."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from soap_mturk.control.access import parse_networks
from soap_mturk.control.client import ControlError
from soap_mturk.server.app import EmulatorApp
from soap_mturk.server.run import start_in_thread
from soap_mturk.store import open_store
from tests.worker_docs import CHESS_TEST, answers
from tests.worker_drivers import ApiDriver, CliDriver, run_cli

YAML_FIXTURE = """\
Requesters:
  - AccessKeyId: AKIAFIXTUREOWNER
    SecretAccessKey: fixture-secret-never-shown
    Name: Fixture owner
QualificationTypes:
  - QualificationTypeId: 3TQJZD4FEXAMPLE00001
    Name: English writing
    Description: Writes clear English.
    Keywords: english, writing
    AutoGranted: true
    AutoGrantedValue: 5
    Qualifications:
      - SubjectId: AWORKERWITHSCORE
        IntegerValue: 90
        GrantTime: 2014-08-15T10:00:00Z
      - SubjectId: AREVOKEDWORKER
        IntegerValue: 10
        Status: Revoked
  - QualificationTypeId: 3TQJZD4FEXAMPLE00002
    Name: Location
    Description: Where the worker lives.
    QualificationTypeStatus: Inactive
    Qualifications:
      - SubjectId: AWORKERINCA
        LocaleValue: {{Country: US, Subdivision: CA}}
  - QualificationTypeId: 3TQJZD4FEXAMPLE00003
    Name: Chess test
    Description: Graded by hand.
    TestDurationInSeconds: 600
    Test: |
      {}
    QualificationRequests:
      - SubjectId: APENDINGWORKER
        QualificationRequestId: 3TQJZD4FEXAMPLE00003REQUEST0000000000001
        Answer: '{}'
""".format(CHESS_TEST, answers(nextmove="D"))


@pytest.fixture
def yaml_fixture(tmp_path) -> Path:
    path = tmp_path / "fixture.yaml"
    path.write_text(YAML_FIXTURE, encoding="utf-8")
    return path


def by_id(state: dict) -> dict:
    return {t["QualificationTypeId"]: t for t in state["QualificationTypes"]}


def check_loaded(state: dict) -> None:
    assert "AKIAFIXTUREOWNER" in [r["AccessKeyId"] for r in state["Requesters"]]
    assert "fixture-secret-never-shown" not in json.dumps(state)
    types = by_id(state)
    english = types["3TQJZD4FEXAMPLE00001"]
    assert english["Owner"] == "AKIAFIXTUREOWNER"  # the first requester owns by default
    assert english["AutoGrantedValue"] == 5
    held = {q["SubjectId"]: q for q in english["Qualifications"]}
    assert held["AWORKERWITHSCORE"]["IntegerValue"] == 90
    assert held["AWORKERWITHSCORE"]["GrantTime"] == "2014-08-15T10:00:00.000Z"
    assert held["AREVOKEDWORKER"]["Status"] == "Revoked"
    location = types["3TQJZD4FEXAMPLE00002"]
    assert location["QualificationTypeStatus"] == "Inactive"
    assert location["Qualifications"][0]["LocaleValue"] == {"Country": "US", "Subdivision": "CA"}
    chess = types["3TQJZD4FEXAMPLE00003"]
    [pending] = chess["QualificationRequests"]
    assert pending["QualificationRequestId"] == "3TQJZD4FEXAMPLE00003REQUEST0000000000001"
    assert pending["Test"].strip() == CHESS_TEST
    assert pending["Answer"] == answers(nextmove="D")


def test_yaml_fixture_loads_through_the_python_client(mturk_emulator, yaml_fixture):
    loaded = mturk_emulator.control.load(yaml_fixture)
    assert loaded["Loaded"] == {
        "Requesters": 1,
        "QualificationTypes": 3,
        "Qualifications": 3,
        "QualificationRequests": 1,
        "SystemQualifications": 0,
    }
    check_loaded(mturk_emulator.control.state())


def test_yaml_fixture_loads_and_resets_through_the_cli(mturk_emulator, yaml_fixture):
    url = mturk_emulator.base_url
    loaded = run_cli("load", str(yaml_fixture), "--url", url)
    assert loaded.returncode == 0, loaded.stderr
    assert json.loads(loaded.stdout)["Loaded"]["QualificationTypes"] == 3
    shown = run_cli("state", "--url", url)
    check_loaded(json.loads(shown.stdout))

    emptied = run_cli("reset", "--url", url)
    assert emptied.returncode == 0, emptied.stderr
    state = json.loads(run_cli("state", "--url", url).stdout)
    assert state["QualificationTypes"] == []
    # Fixture requesters go with a reset; the one configured at start stays.
    assert [r["AccessKeyId"] for r in state["Requesters"]] == [mturk_emulator.access_key]


@pytest.mark.parametrize("driver", [ApiDriver, CliDriver], ids=lambda d: d.name)
def test_reset_empties_the_store(mturk_emulator, driver):
    drive = driver(mturk_emulator)
    drive.load(
        {"QualificationTypes": [{"Name": "Gone soon", "Description": "d", "AutoGranted": True}]}
    )
    assert len(mturk_emulator.control.state()["QualificationTypes"]) == 1
    drive.reset()
    assert mturk_emulator.control.state()["QualificationTypes"] == []


@pytest.mark.parametrize(
    "fixture, complaint",
    [
        ({"QualificationTypes": [{"Name": "x", "Colour": "red"}]}, "unknown key(s) Colour"),
        ({"QualificationTypes": [{"Description": "no name"}]}, "Name is required"),
        ({"QualificationTypes": [{"Name": "x", "RetryDelayInSeconds": "soon"}]}, "expected int"),
        ({"QualificationTypes": [{"Name": "x", "CreationTime": "yesterday"}]}, "ISO 8601"),
        ({"Requesters": [{"AccessKeyId": "AKIA"}]}, "SecretAccessKey must be a non-empty string"),
        ([1, 2], "expected a mapping"),
    ],
)
def test_malformed_fixtures_are_refused_with_where_and_why(mturk_emulator, fixture, complaint):
    with pytest.raises(ControlError) as refused:
        mturk_emulator.control.load(fixture)
    assert refused.value.status == 400
    assert refused.value.code == "InvalidFixture"
    assert complaint in refused.value.message


def test_fixture_types_without_owner_belong_to_the_configured_requester(mturk_emulator):
    mturk_emulator.control.load(
        {"QualificationTypes": [{"Name": "Mine", "Description": "d", "AutoGranted": True}]}
    )
    [loaded] = mturk_emulator.control.state()["QualificationTypes"]
    assert loaded["Owner"] == mturk_emulator.access_key


def test_fixture_breaking_a_rule_loads_nothing(mturk_emulator):
    fixture = {
        "QualificationTypes": [
            {"Name": "Fine", "Description": "d", "AutoGranted": True},
            {
                "Name": "Test and auto-grant",
                "Description": "d",
                "AutoGranted": True,
                "Test": CHESS_TEST,
                "TestDurationInSeconds": 5,
            },
        ]
    }
    with pytest.raises(ControlError) as refused:
        mturk_emulator.control.load(fixture)
    assert refused.value.code == "AWS.MechanicalTurk.InvalidParameterValue"
    assert mturk_emulator.control.state()["QualificationTypes"] == []


def test_fixture_with_a_duplicate_name_is_refused(mturk_emulator):
    fixture = {"QualificationTypes": [{"Name": "Twice", "Description": "d", "AutoGranted": True}]}
    mturk_emulator.control.load(fixture)
    with pytest.raises(ControlError) as refused:
        mturk_emulator.control.load(fixture)
    assert refused.value.code == "AWS.MechanicalTurk.QualificationTypeAlreadyExists"
    assert refused.value.status == 409


def test_cli_reports_an_unreachable_emulator_and_a_missing_file(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free_port = probe.getsockname()[1]
    down = run_cli("reset", "--url", f"http://127.0.0.1:{free_port}")
    assert down.returncode == 2
    assert "refused" in down.stderr.lower()
    missing = run_cli("load", str(tmp_path / "nope.yaml"), "--url", f"http://127.0.0.1:{free_port}")
    assert missing.returncode == 2
    assert "nope.yaml" in missing.stderr


def http(url: str, method: str = "GET", body: bytes | None = None, content_type: str | None = None):
    headers = {"Content-Type": content_type} if content_type else {}
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_control_posts_must_be_json(mturk_emulator):
    status, _, body = http(
        mturk_emulator.base_url + "/_emulator/reset",
        "POST",
        b"x=1",
        "application/x-www-form-urlencoded",
    )
    assert status == 415
    assert json.loads(body)["Error"]["Code"] == "UnsupportedMediaType"
    status, _, body = http(
        mturk_emulator.base_url + "/_emulator/fixtures", "POST", b"{not json", "application/json"
    )
    assert status == 400


def test_unknown_control_paths_and_methods(mturk_emulator):
    assert http(mturk_emulator.base_url + "/_emulator/nothing-here")[0] == 404
    assert http(mturk_emulator.base_url + "/_emulator/reset")[0] == 405
    status, headers, _ = http(mturk_emulator.base_url + "/_emulator")
    assert status == 200  # redirected to the dashboard
    assert headers["Content-Type"].startswith("text/html")


def test_request_body_with_unknown_fields_is_refused(mturk_emulator):
    status, _, body = http(
        mturk_emulator.base_url + "/_emulator/workers/W1/qualification-requests",
        "POST",
        json.dumps({"QualificationTypeId": "X", "Score": 100}).encode(),
        "application/json",
    )
    assert status == 400
    assert "Score" in json.loads(body)["Error"]["Message"]


def _outside_address() -> str:
    """An address of this machine other than loopback, if it has one."""
    address = ""
    for target in ("10.255.255.255", "192.0.2.1", "198.51.100.1"):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            try:
                probe.connect((target, 9))  # UDP connect sends nothing; it picks a route
                address = probe.getsockname()[0]
                break
            except OSError:
                continue
    if not address or address.startswith("127."):
        pytest.skip("this machine has no non-loopback IPv4 address to call the control API from")
    return address


@pytest.mark.parametrize("control_from, expected", [(None, 403), ("ADDRESS/32", 200)])
def test_control_api_refuses_non_loopback_clients_unless_allowed(tmp_path, control_from, expected):
    address = _outside_address()
    networks = parse_networks(control_from.replace("ADDRESS", address) if control_from else None)
    store = open_store(str(tmp_path / "db.sqlite3"))
    running = start_in_thread(EmulatorApp(store, control_from=networks), host=address)
    try:
        outside = f"http://{address}:{running.port}"
        assert http(outside + "/_emulator/state")[0] == expected
        assert http(outside + "/_emulator/")[0] == expected
        # The SOAP side is not the control API's business: it still answers.
        assert http(outside + "/AWSMechanicalTurk/AWSMechanicalTurkRequester.wsdl")[0] == 200
    finally:
        running.stop()
        store.close()


def test_control_from_refuses_a_bad_network_at_start():
    done = run_cli(
        "serve", "--port", "0", "--db", ":memory:", "--control-from", "10.0.0.0/8,not-a-net"
    )
    assert done.returncode == 2
    assert "'not-a-net' is not an IP address or CIDR network" in done.stderr


def test_dashboard_html_is_escaped_locked_down_and_secret_free(mturk_emulator):
    """The same page without a browser: what the HTTP response itself carries."""
    mturk_emulator.control.load(
        {
            "Requesters": [
                {
                    "AccessKeyId": "AKIA<i>X</i>",
                    "SecretAccessKey": "hush-hush",
                    "Name": "<script>alert(1)</script>",
                }
            ],
            "QualificationTypes": [
                {
                    "Name": '"quoted" & <img src=x onerror=alert(1)>',
                    "Description": "<b>bold</b>",
                    "AutoGranted": True,
                    "Qualifications": [{"SubjectId": "W<1>", "IntegerValue": 3}],
                }
            ],
        }
    )
    status, headers, body = http(mturk_emulator.base_url + "/_emulator/")
    page = body.decode("utf-8")
    assert status == 200
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert "<script" not in page and "<img" not in page and "<i>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&quot;quoted&quot; &amp; &lt;img" in page
    assert "W&lt;1&gt;" in page
    assert "hush-hush" not in page
    assert 'data-count="1"' in page and 'data-count="2"' in page  # types/quals: 1; requesters: 2


def test_cli_worker_request_reads_the_answer_from_stdin(mturk_emulator):
    from tests.worker_docs import CHESS_KEY

    loaded = mturk_emulator.control.load(
        {
            "QualificationTypes": [
                {
                    "Name": "Graded",
                    "Description": "A chess test graded by its key",
                    "Test": CHESS_TEST,
                    "TestDurationInSeconds": 60,
                    "AnswerKey": CHESS_KEY,
                }
            ]
        }
    )
    type_id = loaded["QualificationTypeIds"][0]
    done = run_cli(
        "worker",
        "request",
        "A1STDIN",
        type_id,
        "--answer",
        "-",
        "--url",
        mturk_emulator.base_url,
        stdin=answers(nextmove="D", favoritefruit="apples"),
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["Qualification"]["IntegerValue"] == 100
