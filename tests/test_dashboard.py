"""The dashboard at /_emulator/, rendered by headless Chromium, shows what was just
written over SOAP and done by scripted workers (qualifications; HIT types, HITs in
every state, assignments in every state), counts each table, escapes what it shows
and never shows a secret."""

from __future__ import annotations

import os
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import zeep

from tests.hit_support import QUESTION_FORM, Worker
from tests.hit_support import answers as tweet
from tests.worker_docs import CHESS_TEST, answers

DOCS_PICTURE = Path(__file__).resolve().parents[1] / "docs" / "dashboard.png"
# CI installs Chromium (.ci/run); there a missing browser is a failure, not a skip.
REQUIRED = bool(os.environ.get("SOAP_MTURK_REQUIRE_BROWSER"))


def _missing(reason: str):
    if REQUIRED:
        pytest.fail(reason + " (SOAP_MTURK_REQUIRE_BROWSER is set)")
    pytest.skip(reason + ": install the Debian packages chromium and chromium-driver, and selenium")


@pytest.fixture(scope="module")
def browser():
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _missing("selenium is not installed")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    if not chromium or not driver_path:
        _missing("headless Chromium is not available (no chromium or chromedriver on PATH)")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1400,900",
    ):
        options.add_argument(flag)
    import tempfile

    with tempfile.TemporaryDirectory(prefix="soap-mturk-chromium-") as profile:
        options.add_argument(f"--user-data-dir={profile}")
        driver = webdriver.Chrome(service=Service(driver_path), options=options)
        try:
            yield driver
        finally:
            driver.quit()


def _counts(browser) -> dict[str, int]:
    from selenium.webdriver.common.by import By

    counts = {}
    for section in browser.find_elements(By.CSS_SELECTOR, "section"):
        badge = section.find_element(By.CSS_SELECTOR, "h2 .count")
        rows = section.find_elements(By.CSS_SELECTOR, "tbody tr:not(:has(td.empty))")
        assert int(badge.text) == len(rows), section.get_attribute("id")
        counts[section.get_attribute("id")] = len(rows)
    return counts


def _cells(browser, section_id: str) -> list[list[str]]:
    from selenium.webdriver.common.by import By

    rows = browser.find_elements(By.CSS_SELECTOR, f"#{section_id} tbody tr")
    return [[c.text for c in row.find_elements(By.TAG_NAME, "td")] for row in rows]


def test_dashboard_shows_what_was_just_written_over_soap(mturk_emulator, browser, tmp_path):
    from selenium.webdriver.common.by import By

    mturk_emulator.control.load(
        {
            "Requesters": [
                {
                    "AccessKeyId": "AKIADASHBOARDDEMO",
                    "SecretAccessKey": "s3cr3t-never-on-the-page",
                    "Name": "Demo lab",
                },
            ]
        }
    )
    service = zeep.Client(mturk_emulator.wsdl_url()).service

    def call(operation, **request):
        return getattr(service, operation)(
            **mturk_emulator.credentials(operation), Request=[request]
        )

    english = (
        call(
            "CreateQualificationType",
            Name="English writing <b>test</b>",
            Description="d",
            QualificationTypeStatus="Active",
            AutoGranted=True,
            Keywords="english",
        )
        .QualificationType[0]
        .QualificationTypeId
    )
    chess = (
        call(
            "CreateQualificationType",
            Name="Chess",
            Description="graded by hand",
            QualificationTypeStatus="Active",
            Test=CHESS_TEST,
            TestDurationInSeconds=600,
        )
        .QualificationType[0]
        .QualificationTypeId
    )
    call("AssignQualification", QualificationTypeId=english, WorkerId="A1ALICE", IntegerValue=95)
    call("AssignQualification", QualificationTypeId=english, WorkerId="A2BOB", IntegerValue=40)
    call("RevokeQualification", SubjectId="A2BOB", QualificationTypeId=english, Reason="spam")
    filed = mturk_emulator.control.request_qualification("A3CAROL", chess, answers(nextmove="D"))
    hits, assignments = _hits_in_every_state(call, mturk_emulator.control, english)

    browser.get(mturk_emulator.dashboard_url)
    assert browser.title == "soap-mturk dashboard"
    assert _counts(browser) == {
        "requesters": 2,
        "qualification-types": 2,
        "qualifications": 2,
        "pending-requests": 1,
        "hit-types": 2,
        "hits": 5,
        "assignments": 5,
        "notifications": 0,
        "balances": 2,
        "blocked-workers": 0,
        "inbox": 0,
    }
    requesters = [row[0] for row in _cells(browser, "requesters")]
    assert requesters == sorted(["AKIADASHBOARDDEMO", mturk_emulator.access_key])
    assert "s3cr3t-never-on-the-page" not in browser.page_source
    assert mturk_emulator.secret_key not in browser.page_source

    # The markup in the name is shown as text, not obeyed.
    names = [row[1] for row in _cells(browser, "qualification-types")]
    assert "English writing <b>test</b>" in names
    assert browser.find_elements(By.CSS_SELECTOR, "#qualification-types b") == []

    held = {row[2]: row for row in _cells(browser, "qualifications")}
    assert held["A1ALICE"][3:5] == ["95", "Granted"]
    assert held["A2BOB"][3:5] == ["40", "Revoked"]
    assert held["A1ALICE"][5].endswith("Z")  # grant time
    [pending] = _cells(browser, "pending-requests")
    assert pending[:3] == [
        filed["QualificationRequest"]["QualificationRequestId"],
        "Chess",
        "A3CAROL",
    ]

    types = {row[1]: row for row in _cells(browser, "hit-types")}
    assert types[TWEET][3:] == ["$0.10", "600", "86400", "0"]  # the markup shown as text
    assert types["Tag photos"][3:] == ["$0.05", "300", "3600", "1"]
    assert browser.find_elements(By.CSS_SELECTOR, "#hit-types b, #hits b, #hits i") == []
    shown = {row[0]: row for row in _cells(browser, "hits")}
    # status, available, pending, completed, max
    assert {name: shown[hit][3:8] for name, hit in hits.items()} == {
        "open": ["Assignable", "1", "1", "1", "3"],
        "rejected": ["Reviewable", "0", "0", "1", "1"],
        "taken": ["Unassignable", "0", "1", "0", "1"],
        "reviewing": ["Reviewing", "0", "0", "0", "1"],
        "disabled": ["Disposed", "0", "0", "0", "1"],
    }
    assert shown[hits["open"]][1] == TWEET
    assert shown[hits["open"]][9] == "batch <7> & co"
    work = {row[0]: row for row in _cells(browser, "assignments")}
    assert {name: work[a][2:4] for name, a in assignments.items()} == {
        "approved": ["A1ALICE", "Approved"],
        "working": ["A4DAVE", "Accepted"],
        "returned": ["A5ERIN", "Returned"],
        "rejected": ["A6FRANK", "Rejected"],
        "taken": ["A1ALICE", "Accepted"],
    }
    assert work[assignments["working"]][5].endswith("Z")  # a deadline while accepted
    assert work[assignments["approved"]][7].endswith("Z")  # the approval time

    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(1400, max(600, int(height) + 40))
    picture = tmp_path / "dashboard.png"
    assert browser.save_screenshot(str(picture))
    data = picture.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
    if os.environ.get("SOAP_MTURK_WRITE_DOCS"):  # refresh README's picture on request only
        DOCS_PICTURE.parent.mkdir(exist_ok=True)
        DOCS_PICTURE.write_bytes(data)


TWEET = "Write a tweet about <b>cats</b>"


def _hits_in_every_state(call, control, english: str) -> tuple[dict, dict]:
    """Two HIT types, five HITs (Assignable, Reviewable, Unassignable, Reviewing,
    Disposed) and five assignments (Approved, Accepted, Returned, Rejected), over
    SOAP and through scripted workers. ({name: HITId}, {name: AssignmentId})."""

    def register(title, amount, duration, delay, *requirements):
        return call(
            "RegisterHITType", Title=title, Description="d", AssignmentDurationInSeconds=duration,
            AutoApprovalDelayInSeconds=delay, Reward={"Amount": amount, "CurrencyCode": "USD"},
            QualificationRequirement=list(requirements),
        ).RegisterHITTypeResult[0].HITTypeId  # fmt: skip

    def create(type_id, assignments=1, **more):
        return call(
            "CreateHIT", HITTypeId=type_id, LifetimeInSeconds=86400, Question=QUESTION_FORM,
            MaxAssignments=assignments, **more,
        ).HIT[0].HITId  # fmt: skip

    tweet_type = register(TWEET, Decimal("0.10"), 600, 86400)
    photos = register("Tag photos", Decimal("0.05"), 300, 3600,
                      {"QualificationTypeId": english, "Comparator": "GreaterThan",
                       "IntegerValue": [50]})  # fmt: skip
    hits = {
        "open": create(tweet_type, 3, RequesterAnnotation="batch <7> & co"),
        "rejected": create(tweet_type),
        "taken": create(photos),
        "reviewing": create(tweet_type),
        "disabled": create(tweet_type),
    }
    alice, dave, erin = (Worker(control, w) for w in ("A1ALICE", "A4DAVE", "A5ERIN"))
    assignments = {
        "approved": alice.take(hits["open"], tweet("Cats rule &amp; dogs drool")),
        "working": dave.accept(hits["open"])["AssignmentId"],
        "returned": erin.accept(hits["open"])["AssignmentId"],
        "rejected": Worker(control, "A6FRANK").take(hits["rejected"]),
        "taken": alice.accept(hits["taken"])["AssignmentId"],  # holds English above 50
    }
    control.return_assignment(erin.id, assignments["returned"])
    call("ApproveAssignment", AssignmentId=assignments["approved"], RequesterFeedback="Great")
    call("RejectAssignment", AssignmentId=assignments["rejected"], RequesterFeedback="Off topic")
    call("ForceExpireHIT", HITId=hits["reviewing"])
    call("SetHITAsReviewing", HITId=hits["reviewing"])
    call("DisableHIT", HITId=hits["disabled"])
    return hits, assignments


def test_empty_dashboard_says_none_and_counts_zero(mturk_emulator, browser):
    browser.get(mturk_emulator.dashboard_url)
    counts = _counts(browser)
    assert counts == {
        "requesters": 1,
        "qualification-types": 0,
        "qualifications": 0,
        "pending-requests": 0,
        "hit-types": 0,
        "hits": 0,
        "assignments": 0,
        "notifications": 0,
        "balances": 1,
        "blocked-workers": 0,
        "inbox": 0,
    }
    assert _cells(browser, "pending-requests") == [["none"]]
