"""The endpoint's fast path answers exactly as spyne does.

Each call goes to the real server twice: as a client sends it (the fast path takes
it) and with an empty SOAP Header added (the fast path declines any header, so
spyne reads it; spyne itself ignores an empty header). The two answers must be
the same bytes apart from the fresh RequestId. The unit tests below pin which
messages the fast path declines."""

from __future__ import annotations

import http.client
import re
from datetime import UTC, datetime, timezone
from xml.sax.saxutils import escape

import pytest
from lxml import etree

from soap_mturk.domain.model import Locale, Qualification, QualificationRequest
from soap_mturk.protocol.soap.fastpath import Decline, FastPath
from soap_mturk.versions import VERSIONS
from tests.lifecycle_support import ANSWER_KEY, QUESTION_FORM

ENV = "http://schemas.xmlsoap.org/soap/envelope/"
UUID = re.compile(rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
STAMP = re.compile(rb" \(\d+ s\)</")  # the time an error message ends with
OWNER, OTHER = "AKIAFASTOWNER", "AKIAFASTOTHER"


def _leaf(name: str, value) -> str:
    values = value if isinstance(value, list) else [value]
    return "".join(f"<ns0:{name}>{v}</ns0:{name}>" for v in values)


def envelope(
    namespace, operation, requests, key=OWNER, header=False, stamp="2026-01-02T03:04:05.678Z"
):
    key_element = f"<ns0:AWSAccessKeyId>{key}</ns0:AWSAccessKeyId>" if key else ""
    body = "".join(
        "<ns0:Request>" + "".join(_leaf(k, v) for k, v in r.items()) + "</ns0:Request>"
        for r in requests
    )
    return (
        "<?xml version='1.0' encoding='utf-8'?>\n"
        f'<soap-env:Envelope xmlns:soap-env="{ENV}">'
        + ("<soap-env:Header/>" if header else "")
        + f'<soap-env:Body><ns0:{operation} xmlns:ns0="{namespace}">{key_element}'
        f"<ns0:Timestamp>{stamp}</ns0:Timestamp><ns0:Signature>sig</ns0:Signature>"
        f"{body}</ns0:{operation}></soap-env:Body></soap-env:Envelope>"
    ).encode("utf-8")


def post(running, body: bytes) -> tuple[int, str, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", running.port, timeout=30)
    try:
        conn.request(
            "POST",
            "/?Service=AWSMechanicalTurkRequester",
            body,
            {"Content-Type": "text/xml; charset=utf-8"},
        )
        response = conn.getresponse()
        return response.status, response.getheader("Content-Type"), response.read()
    finally:
        conn.close()


def both_paths(running, namespace, operation, requests, **kw):
    fast = post(running, envelope(namespace, operation, requests, **kw))
    spyne = post(running, envelope(namespace, operation, requests, header=True, **kw))
    return fast, spyne


def assert_same(fast, spyne):
    assert fast[:2] == spyne[:2] == (200, "text/xml; charset=utf-8")

    def same(body: bytes) -> bytes:
        return STAMP.sub(b" (STAMP s)</", UUID.sub(b"UUID", body))

    assert same(fast[2]) == same(spyne[2])
    assert UUID.search(fast[2])  # a RequestId was written


def _type_id(answer: bytes) -> str:
    return re.search(rb"QualificationTypeId>([A-Z0-9]+)<", answer).group(1).decode()


@pytest.fixture(scope="module", params=[v.namespace for v in VERSIONS])
def seeded(request, emulator):
    """A type with a test and answer key, some qualifications and requests, per namespace."""
    ns = request.param
    created = post(
        emulator,
        envelope(
            ns,
            "CreateQualificationType",
            [
                {
                    "Name": f"Fast &amp; spyne &lt;{ns[-10:]}&gt; caf\u00e9 \u2713",
                    "Description": "quotes \" and ' and a CR&#13; here",
                    "Keywords": "a,b",
                    "QualificationTypeStatus": "Active",
                    "Test": escape(QUESTION_FORM),
                    "TestDurationInSeconds": 300,
                    "AnswerKey": escape(ANSWER_KEY),
                    "RetryDelayInSeconds": 60,
                }
            ],
        ),
    )[2]
    type_id = _type_id(created)
    post(
        emulator,
        envelope(
            ns,
            "AssignQualification",
            [
                {"QualificationTypeId": type_id, "WorkerId": f"W{n}", "IntegerValue": n}
                for n in range(3)
            ],
        ),
    )
    with emulator.app.store.write() as session:
        session.put_qualification(
            Qualification(
                type_id,
                "WLOCALE",
                datetime(2025, 1, 2, 3, 4, 5, 678000, UTC),
                42,
                Locale("US", "NY"),
            )
        )
        for n in range(2):
            session.put_request(
                QualificationRequest(
                    f"REQ{n}{ns[-10:].replace('-', '')}".upper().ljust(30, "X"),
                    type_id,
                    f"W{n}",
                    datetime(2025, 1, 1 + n, tzinfo=UTC),
                    "<q/>",
                    "<a/>",
                )
            )
    return ns, type_id


CALLS = {
    "read by another requester": (
        "GetQualificationScore",
        OTHER,
        lambda t: [{"QualificationTypeId": t, "SubjectId": "W1"}],
    ),
    "read with locale, missing, echo": (
        "GetQualificationScore",
        OWNER,
        lambda t: [
            {"QualificationTypeId": t, "SubjectId": "WLOCALE"},
            {"QualificationTypeId": t, "SubjectId": "NOBODY"},
            {"QualificationTypeId": t, "SubjectId": "W2", "ResponseGroup": "Request"},
            {},
        ],
    ),
    "update to the same value": (
        "UpdateQualificationScore",
        OWNER,
        lambda t: [
            {"QualificationTypeId": t, "SubjectId": "W2", "IntegerValue": 2},
            {"QualificationTypeId": t, "SubjectId": "NEVERHELD", "IntegerValue": 70},
        ],
    ),
    "update by a non-owner": (
        "UpdateQualificationScore",
        OTHER,
        lambda t: [{"QualificationTypeId": t, "SubjectId": "W1", "IntegerValue": 70}],
    ),
    "type by owner, echoed": (
        "GetQualificationType",
        OWNER,
        lambda t: [{"QualificationTypeId": t, "ResponseGroup": ["Minimal", "Request"]}],
    ),
    "type by another": ("GetQualificationType", OTHER, lambda t: [{"QualificationTypeId": t}]),
    "search": (
        "SearchQualificationTypes",
        OWNER,
        lambda t: [
            {"MustBeOwnedByCaller": "true", "SortDirection": "Descending", "PageSize": 5},
            {"Query": "Fast", "MustBeRequestable": "false", "ResponseGroup": "Request"},
            {"PageSize": 0},
        ],
    ),
    "qualifications of a type": (
        "GetQualificationsForQualificationType",
        OWNER,
        lambda t: [
            {"QualificationTypeId": t, "PageSize": 2, "PageNumber": 2},
            {"QualificationTypeId": t, "Status": "Revoked"},
        ],
    ),
    "qualification requests": (
        "GetQualificationRequests",
        OWNER,
        lambda t: [
            {"QualificationTypeId": t, "SortProperty": "SubmitTime", "SortDirection": "Descending"},
            {"QualificationTypeId": t, "ResponseGroup": "Request"},
        ],
    ),
    "dispose by a non-owner": (
        "DisposeQualificationType",
        OTHER,
        lambda t: [{"QualificationTypeId": t}],
    ),
    "no requests at all": ("GetQualificationScore", OWNER, lambda t: []),
    "no access key": (
        "GetQualificationScore",
        None,
        lambda t: [{"QualificationTypeId": t, "SubjectId": "W1"}],
    ),
}


@pytest.mark.parametrize("case", CALLS)
def test_fast_path_answers_exactly_as_spyne(emulator, seeded, case):
    ns, type_id = seeded
    operation, key, requests = CALLS[case]
    fast, spyne = both_paths(emulator, ns, operation, requests(type_id), key=key)
    assert_same(fast, spyne)


def test_fast_path_writes_like_spyne(emulator, seeded):
    """Writes change state, so each path writes its own worker and the answers compare."""
    ns, type_id = seeded
    fast = post(
        emulator,
        envelope(
            ns,
            "AssignQualification",
            [{"QualificationTypeId": type_id, "WorkerId": "WFAST", "IntegerValue": 5}],
        ),
    )
    spyne = post(
        emulator,
        envelope(
            ns,
            "AssignQualification",
            [{"QualificationTypeId": type_id, "WorkerId": "WSPYNE", "IntegerValue": 5}],
            header=True,
        ),
    )
    assert_same(fast, spyne)
    for worker in ("WFAST", "WSPYNE"):
        read = post(
            emulator,
            envelope(
                ns, "GetQualificationScore", [{"QualificationTypeId": type_id, "SubjectId": worker}]
            ),
        )
        assert b"<tns:IntegerValue>5</tns:IntegerValue>" in read[2]


# --- which messages the fast path takes -----------------------------------------------


@pytest.fixture(scope="module")
def fast_path(emulator):
    version = VERSIONS[0]
    protocol = emulator.app.soap._apps[version.namespace].app.out_protocol
    return version.namespace, FastPath(version, emulator.app.domain, protocol)


def _operation(document: bytes) -> etree._Element:
    return etree.fromstring(document).find(f"{{{ENV}}}Body")[0]


UTF8 = {"CONTENT_TYPE": "text/xml; charset=utf-8"}


def test_plain_call_is_read_as_spyne_reads_it(fast_path):
    ns, fast = fast_path
    element = _operation(
        envelope(
            ns,
            "UpdateQualificationScore",
            [
                {
                    "QualificationTypeId": "T",
                    "SubjectId": "W",
                    "IntegerValue": -7,
                    "ResponseGroup": "Request",
                },
                {"SubjectId": "X"},
            ],
        )
    )
    assert fast.read(UTF8, element) == [
        {
            "QualificationTypeId": "T",
            "SubjectId": "W",
            "IntegerValue": -7,
            "ResponseGroup": ["Request"],
        },
        {
            "QualificationTypeId": None,
            "SubjectId": "X",
            "IntegerValue": None,
            "ResponseGroup": None,
        },
    ]


DECLINED = {
    "a SOAP header": dict(header=True),
    "an unknown element": dict(requests=[{"QualificationTypeId": "T", "Bogus": "1"}]),
    "a repeated single element": dict(requests=[{"QualificationTypeId": ["A", "B"]}]),
    "an integer spyne would coerce": dict(requests=[{"IntegerValue": "+5"}]),
    "an integer out of range": dict(requests=[{"IntegerValue": str(2**31)}]),
    "a value that is no integer": dict(requests=[{"IntegerValue": "abc"}]),
    "an empty element": dict(requests=[{"SubjectId": ""}]),
    "an impossible timestamp": dict(stamp="2026-13-01T00:00:00Z"),
    "a timestamp that is no time": dict(stamp="yesterday"),
}


@pytest.mark.parametrize("case", DECLINED)
def test_unusual_messages_are_left_to_spyne(fast_path, case):
    ns, fast = fast_path
    options = dict(DECLINED[case])
    requests = options.pop("requests", [{"QualificationTypeId": "T", "SubjectId": "W"}])
    element = _operation(envelope(ns, "UpdateQualificationScore", requests, **options))
    with pytest.raises(Decline):
        fast.read(UTF8, element)


def test_other_charsets_are_left_to_spyne(fast_path):
    ns, fast = fast_path
    element = _operation(envelope(ns, "GetQualificationScore", [{"SubjectId": "W"}]))
    assert fast.read({"CONTENT_TYPE": "text/xml"}, element) == [
        {"QualificationTypeId": None, "SubjectId": "W", "ResponseGroup": None}
    ]
    with pytest.raises(Decline):
        fast.read({"CONTENT_TYPE": "text/xml; charset=iso-8859-1"}, element)
    latin = envelope(ns, "GetQualificationScore", [{"SubjectId": "W"}]).replace(
        b"encoding='utf-8'", b"encoding='iso-8859-1'"
    )
    with pytest.raises(Decline):
        fast.read(UTF8, _operation(latin))
