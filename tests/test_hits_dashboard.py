"""The dashboard's HIT tables, read as a browser would get them (plain HTTP, HTML
parsed): HIT types, HITs with status and assignment counts, assignments with their
worker and state, each table counted, every value escaped, no scripts. The state
JSON lists the same."""

from __future__ import annotations

import urllib.request
from decimal import Decimal

import pytest
from lxml import html

from soap_mturk.control.client import ControlClient
from tests.conftest import served_client
from tests.hit_support import QUESTION_FORM, Worker
from tests.test_hits_soap import Requester

HOSTILE = '<script>alert("x")</script> & <b>bold</b>'


@pytest.fixture
def control(emulator):
    client = ControlClient(emulator.base_url)
    client.reset()
    return client


def page(emulator) -> html.HtmlElement:
    with urllib.request.urlopen(emulator.base_url + "/_emulator/", timeout=30) as response:
        assert "default-src 'none'" in response.headers["Content-Security-Policy"]
        return html.fromstring(response.read())


def rows(document, section: str) -> list[list[str]]:
    found = document.xpath(f"//section[@id='{section}']//tbody/tr")
    return [[td.text_content() for td in tr.xpath("td")] for tr in found
            if not tr.xpath("td[@class='empty']")]  # fmt: skip


def count(document, section: str) -> int:
    return int(document.xpath(f"//section[@id='{section}']/h2/span[@class='count']")[0].text)


def test_hit_tables_show_types_hits_and_assignments(emulator, control):
    requester = Requester(served_client(emulator, "2014-08-15").service)
    hit_type = requester.hit_type(
        Title=HOSTILE, Reward={"Amount": Decimal("0.25"), "CurrencyCode": "USD"}
    )
    hit = requester.hit(hit_type, MaxAssignments=3, RequesterAnnotation=HOSTILE)
    done, working = Worker(control), Worker(control)
    submitted = done.take(hit)
    accepted = working.accept(hit)["AssignmentId"]

    document = page(emulator)
    assert not document.xpath("//script")
    assert (
        count(document, "hit-types"),
        count(document, "hits"),
        count(document, "assignments"),
    ) == (1, 1, 2)
    (type_row,) = rows(document, "hit-types")
    assert type_row[:2] == [hit_type, HOSTILE] and type_row[3] == "$0.25"
    (hit_row,) = rows(document, "hits")
    assert hit_row[:2] == [hit, HOSTILE]
    assert hit_row[3:8] == [
        "Assignable",
        "1",
        "1",
        "1",
        "3",
    ]  # status, available, pending, completed, max
    assert hit_row[9] == HOSTILE
    states = {r[0]: (r[2], r[3]) for r in rows(document, "assignments")}
    assert states == {submitted: (done.id, "Submitted"), accepted: (working.id, "Accepted")}

    state = control.state()
    assert [h["HITId"] for h in state["HITs"]] == [hit]
    assert state["HITs"][0]["NumberOfAssignmentsPending"] == 1
    assert {a["AssignmentId"] for a in state["Assignments"]} == {submitted, accepted}
    assert QUESTION_FORM == state["HITs"][0]["Question"]
