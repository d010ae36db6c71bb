"""The dashboard at /_emulator/, rendered by headless Chromium, shows what was just
written over SOAP, counts each table, escapes what it shows and never shows a secret."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import zeep

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

    browser.get(mturk_emulator.dashboard_url)
    assert browser.title == "soap-mturk dashboard"
    assert _counts(browser) == {
        "requesters": 2,
        "qualification-types": 2,
        "qualifications": 2,
        "pending-requests": 1,
        "hit-types": 0,
        "hits": 0,
        "assignments": 0,
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

    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(1400, max(600, int(height) + 40))
    picture = tmp_path / "dashboard.png"
    assert browser.save_screenshot(str(picture))
    data = picture.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
    if os.environ.get("SOAP_MTURK_WRITE_DOCS"):  # refresh README's picture on request only
        DOCS_PICTURE.parent.mkdir(exist_ok=True)
        DOCS_PICTURE.write_bytes(data)


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
