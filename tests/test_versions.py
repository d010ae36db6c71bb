"""Every legacy API version, served from one store.

The declarations (namespace, operations, message shapes, rules) are checked as data
and then through real clients on a real server: a zeep client generated from the
vendor's 2007-06-21 WSDL and signed as the vendor SDKs signed, reading back what a
2014-08-15 client wrote; REST clients sending Version=2008-08-02, and the seed-001
sample request of the first generation."""

from __future__ import annotations

import itertools
import re
import urllib.error
import urllib.request
import uuid
from datetime import UTC, datetime

import pytest
import zeep
from lxml import etree

from soap_mturk.api.operations import OPERATIONS
from soap_mturk.auth.requesters import Requester, RequesterRegistry
from soap_mturk.auth.verify import SignatureVerifier
from soap_mturk.control.client import ControlClient
from soap_mturk.server.app import EmulatorApp
from soap_mturk.server.run import start_in_thread
from soap_mturk.store import open_store
from soap_mturk.versions import (
    BY_DATE,
    BY_NAMESPACE,
    HIT_OPERATIONS,
    LATEST,
    NAMESPACE_PREFIX,
    NOTIFICATION_OPERATIONS,
    VERSIONS,
)
from tests.conftest import REFERENCE, SECRETS, reference_absent, vendor_wsdl_2007_or_skip
from tests.rest_support import call as rest_call
from tests.rest_support import vendor_signed
from tests.signing import SOAP_ENV, VendorSigner, java_timestamp, signed, vendor_signature
from tests.wsdl_compare import Wsdl

A, B = "AKIAREQUESTERA", "AKIAREQUESTERB"
REQUESTER_A, REQUESTER_B = Requester(A, SECRETS[A]), Requester(B, SECRETS[B])
DENIED = "AWS.MechanicalTurk.PermissionDeniedException"
NS_2007 = NAMESPACE_PREFIX + "2007-06-21"
FIRST_GENERATION = BY_DATE["2005-10-01"]


def shipped(date: str) -> Wsdl:
    from tests.test_wsdl_contract import shipped as shipped_bytes

    return Wsdl(shipped_bytes(date))


# --- the declarations ----------------------------------------------------------------


def test_every_version_is_declared_once_newest_first_in_its_own_namespace():
    dates = [v.date for v in VERSIONS]
    assert dates == sorted(set(dates), reverse=True)
    assert LATEST.date == "2014-08-15"
    assert {"2005-10-01", "2007-06-21", "2008-08-02", "2012-03-25", "2014-08-15"} <= set(dates)
    for version in VERSIONS:
        assert re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", version.date)
        assert version.namespace == "http://requester.mturk.amazonaws.com/doc/" + version.date
        assert BY_NAMESPACE[version.namespace] is version is BY_DATE[version.date]
        assert version.operations <= set(OPERATIONS)


def test_operations_grow_with_the_versions_as_the_sources_show():
    first = {
        "CreateQualificationType", "GetQualificationType", "UpdateQualificationType",
        "SearchQualificationTypes", "GetQualificationRequests", "GrantQualification",
        "GetQualificationScore", "UpdateQualificationScore",
    }  # fmt: skip
    assert FIRST_GENERATION.operations == first
    # 2006-08-23 release notes: reject requests, revoke, list granted qualifications.
    assert BY_DATE["2006-08-23"].operations == first | {
        "RejectQualificationRequest", "RevokeQualification",
        "GetQualificationsForQualificationType", "AssignQualification",
    }  # fmt: skip
    assert not BY_DATE["2007-06-21"].has("DisposeQualificationType")
    assert BY_DATE["2008-08-02"].has("DisposeQualificationType")  # rturk uses it
    assert LATEST.operations == set(OPERATIONS)
    ordered = sorted(VERSIONS, key=lambda v: v.date)
    for older, newer in itertools.pairwise(ordered):
        assert older.operations <= newer.operations, (older.date, newer.date)


def test_2007_06_21_has_the_operations_of_the_vendors_2007_wsdl():
    vendor = Wsdl(vendor_wsdl_2007_or_skip())
    # All the vendor's 2007 operations we serve, the 16 HIT operations among them, but
    # the notification, bonus and statistics ones (their 2007 shapes differ: README,
    # "Served API versions").
    served = {
        n for n in vendor.operations() if n in OPERATIONS and n not in NOTIFICATION_OPERATIONS
    }
    assert len(served & HIT_OPERATIONS) == 16
    assert BY_DATE["2007-06-21"].operations == served
    assert set(shipped("2007-06-21").operations()) == served


def test_shapes_of_qualification_and_locale_per_version():
    first = FIRST_GENERATION.types
    assert [fd.name for fd in first["Qualification"]] == [
        "Request", "QualificationTypeId", "CreationTime", "Value",
    ]  # fmt: skip
    assert [fd.name for fd in first["UpdateQualificationScoreRequest"]] == [
        "QualificationTypeId", "SubjectId", "Value", "ResponseGroup",
    ]  # fmt: skip
    for date in ("2007-06-21", "2008-08-02", "2012-03-25", "2013-11-15"):
        types = BY_DATE[date].types
        assert [fd.name for fd in types["Locale"]] == ["Country"], date
        assert [fd.name for fd in types["Qualification"]][2:5] == [
            "SubjectId", "GrantTime", "IntegerValue",
        ]  # fmt: skip
    assert [fd.name for fd in LATEST.types["Locale"]] == ["Country", "Subdivision"]
    echo = [fd.name for fd in BY_DATE["2007-06-21"].types["Request"]]
    assert "DisposeQualificationTypeRequest" not in echo
    assert "DisposeQualificationTypeRequest" in [fd.name for fd in LATEST.types["Request"]]


def test_fields_are_renamed_both_ways_and_absent_ones_left_out():
    moment = datetime(2005, 12, 1, 8, 30, tzinfo=UTC)
    qualification = {
        "QualificationTypeId": "T", "SubjectId": "W", "GrantTime": moment,
        "IntegerValue": 95, "LocaleValue": {"Country": "US", "Subdivision": "WA"},
        "Status": "Granted",
    }  # fmt: skip
    assert FIRST_GENERATION.to_wire("Qualification", qualification) == {
        "QualificationTypeId": "T", "CreationTime": moment, "Value": 95,
    }  # fmt: skip
    assert BY_DATE["2007-06-21"].to_wire("Qualification", qualification)["LocaleValue"] == {
        "Country": "US"
    }
    assert LATEST.to_wire("Qualification", qualification) == qualification
    sent = {"QualificationTypeId": "T", "SubjectId": "W", "Value": 7}
    assert FIRST_GENERATION.from_wire("UpdateQualificationScoreRequest", sent) == {
        "QualificationTypeId": "T", "SubjectId": "W", "IntegerValue": 7,
    }  # fmt: skip


def test_rules_differ_only_where_a_source_says_so():
    assert FIRST_GENERATION.rules.anyone_may_read_scores
    assert not BY_DATE["2006-08-23"].rules.anyone_may_read_scores
    assert not LATEST.rules.anyone_may_read_scores


def test_shipped_first_generation_wsdl_has_its_shapes():
    ours = shipped("2005-10-01")
    assert ours.target_namespace == FIRST_GENERATION.namespace
    assert set(ours.operations()) == FIRST_GENERATION.operations
    score = ours.global_element("GetQualificationScoreResponse")
    (_, qualification), _ = ours.children(score.content)
    names, _ = ours.children(qualification.content)
    assert [p.name for p in names] == ["Request", "QualificationTypeId", "CreationTime", "Value"]


# --- one server, many versions --------------------------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Signatures verified; requesters A and B. REST calls naming no Version are
    answered in the latest version, as the service did."""
    store = open_store(str(tmp_path_factory.mktemp("db") / "versions.sqlite3"))
    registry = RequesterRegistry([REQUESTER_A, REQUESTER_B])
    running = start_in_thread(
        EmulatorApp(store, authenticator=SignatureVerifier(registry), requesters=registry)
    )
    yield running
    running.stop()
    store.close()


def ok(result):
    assert result.Request.IsValid == "True", result.Request.Errors
    return result


def test_vendor_2007_client_drives_every_operation_and_reads_a_2014_score(server):
    """The vendor's 2007-06-21 WSDL (the Java SDK 1.2's) as generated by zeep, bound to
    the emulator, signed with the vendor's scheme over millisecond timestamps."""
    signer = VendorSigner(SECRETS)
    old = zeep.Client(str(vendor_wsdl_2007_or_skip()), plugins=[signer]).create_service(
        f"{{{NS_2007}}}AWSMechanicalTurkRequesterBinding", server.soap_url
    )
    new = zeep.Client(server.wsdl_url(LATEST.date), plugins=[signer]).service
    control = ControlClient(server.base_url)

    def as_a():
        return signed(A, java_timestamp())

    name = f"Versions {uuid.uuid4()}"
    created = old.CreateQualificationType(
        **as_a(),
        Request=[{"Name": name, "Description": "2007", "QualificationTypeStatus": "Active"}],
    )
    type_id = ok(created.QualificationType[0]).QualificationTypeId
    got = old.GetQualificationType(**as_a(), Request=[{"QualificationTypeId": type_id}])
    assert ok(got.QualificationType[0]).Name == name
    updated = old.UpdateQualificationType(
        **as_a(), Request=[{"QualificationTypeId": type_id, "Description": "changed"}]
    )
    assert ok(updated.QualificationType[0]).Description == "changed"
    found = old.SearchQualificationTypes(
        **as_a(), Request=[{"Query": name, "MustBeRequestable": False, "MustBeOwnedByCaller": True}]
    )
    result = ok(found.SearchQualificationTypesResult[0])
    assert [t.QualificationTypeId for t in result.QualificationType] == [type_id]

    worker = "AVERSIONS2007WORKER1"
    assigned = old.AssignQualification(
        **as_a(),
        Request=[
            {"QualificationTypeId": type_id, "WorkerId": worker, "IntegerValue": 10,
             "SendNotification": False}
        ],
    )  # fmt: skip
    ok(assigned.AssignQualificationResult[0])
    scored = old.UpdateQualificationScore(
        **as_a(),
        Request=[{"QualificationTypeId": type_id, "SubjectId": worker, "IntegerValue": 42}],
    )
    ok(scored.UpdateQualificationScoreResult[0])

    # A 2014-08-15 client writes; the 2007-06-21 client reads it back: one store.
    rewritten = new.UpdateQualificationScore(
        **as_a(),
        Request=[{"QualificationTypeId": type_id, "SubjectId": worker, "IntegerValue": 77}],
    )
    ok(rewritten.UpdateQualificationScoreResult[0])
    read = old.GetQualificationScore(
        **as_a(), Request=[{"QualificationTypeId": type_id, "SubjectId": worker}]
    )
    qualification = ok(read.Qualification[0])
    assert (qualification.SubjectId, qualification.IntegerValue, qualification.Status) == (
        worker, 77, "Granted",
    )  # fmt: skip
    listed = old.GetQualificationsForQualificationType(
        **as_a(), Request=[{"QualificationTypeId": type_id}]
    )
    held = ok(listed.GetQualificationsForQualificationTypeResult[0]).Qualification
    assert [(q.SubjectId, q.IntegerValue) for q in held] == [(worker, 77)]
    revoked = old.RevokeQualification(
        **as_a(), Request=[{"QualificationTypeId": type_id, "SubjectId": worker, "Reason": "t"}]
    )
    ok(revoked.RevokeQualificationResult[0])

    granted_worker, rejected_worker = "AVERSIONS2007WORKER2", "AVERSIONS2007WORKER3"
    control.request_qualification(granted_worker, type_id)
    control.request_qualification(rejected_worker, type_id)
    pending = old.GetQualificationRequests(**as_a(), Request=[{"QualificationTypeId": type_id}])
    requests = ok(pending.GetQualificationRequestsResult[0]).QualificationRequest
    by_worker = {r.SubjectId: r.QualificationRequestId for r in requests}
    assert set(by_worker) == {granted_worker, rejected_worker}
    grant = old.GrantQualification(
        **as_a(), Request=[{"QualificationRequestId": by_worker[granted_worker], "IntegerValue": 5}]
    )
    ok(grant.GrantQualificationResult[0])
    reject = old.RejectQualificationRequest(
        **as_a(), Request=[{"QualificationRequestId": by_worker[rejected_worker], "Reason": "no"}]
    )
    ok(reject.RejectQualificationRequestResult[0])

    # The 2014-08-15 client sees what the 2007-06-21 one did.
    seen = new.GetQualificationScore(
        **as_a(), Request=[{"QualificationTypeId": type_id, "SubjectId": granted_worker}]
    )
    assert ok(seen.Qualification[0]).IntegerValue == 5

    # The account, worker and help operations of the 2007-06-21 WSDL.
    balance = old.GetAccountBalance(**as_a(), Request=[{}])
    assert ok(balance.GetAccountBalanceResult[0]).AvailableBalance.CurrencyCode == "USD"
    blocked = old.BlockWorker(**as_a(), Request=[{"WorkerId": worker, "Reason": "2007"}])
    ok(blocked.BlockWorkerResult[0])
    unblocked = old.UnblockWorker(**as_a(), Request=[{"WorkerId": worker}])
    ok(unblocked.UnblockWorkerResult[0])
    notified = old.NotifyWorkers(
        **as_a(), Request=[{"Subject": "s", "MessageText": "m", "WorkerId": [worker]}]
    )
    ok(notified.NotifyWorkersResult[0])
    assert [m["Subject"] for m in control.messages(worker)] == ["s"]
    helped = old.Help(**as_a(), Request=[{"About": ["NotifyWorkers"]}])
    assert ok(helped.Information[0]).OperationInformation[0].Name == "NotifyWorkers"
    driven = {operation for operation, _ in signer.signed}
    # The HIT operations are driven by tests/test_old_hits.py.
    assert BY_DATE["2007-06-21"].operations - HIT_OPERATIONS <= driven
    assert all(re.fullmatch(r".*T.*\.[0-9]{3}Z", stamp) for _, stamp in signer.signed)


def soap_call(server, namespace: str, operation: str, key: str, request: str) -> etree._Element:
    stamp = java_timestamp()
    body = (
        f'<e:Envelope xmlns:e="{SOAP_ENV}"><e:Body><{operation} xmlns="{namespace}">'
        f"<AWSAccessKeyId>{key}</AWSAccessKeyId><Timestamp>{stamp}</Timestamp>"
        f"<Signature>{vendor_signature(SECRETS[key], operation, stamp)}</Signature>"
        f"<Request>{request}</Request></{operation}></e:Body></e:Envelope>"
    ).encode()
    http = urllib.request.Request(
        server.soap_url, data=body, headers={"Content-Type": "text/xml; charset=utf-8"}
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(http, timeout=30) as response:
            return etree.fromstring(response.read())
    except urllib.error.HTTPError as error:  # a SOAP fault comes with HTTP 500
        return etree.fromstring(error.read())


def test_an_operation_a_version_lacks_is_unknown_to_it(server):
    type_id = new_type(server, A)
    answer = soap_call(
        server, NS_2007, "DisposeQualificationType", A,
        f"<QualificationTypeId>{type_id}</QualificationTypeId>",
    )  # fmt: skip
    assert answer.findtext(".//faultcode").endswith("Client")
    assert "Unknown operation 'DisposeQualificationType'" in answer.findtext(".//faultstring")
    params = vendor_signed(
        REQUESTER_A, "DisposeQualificationType", Version="2007-06-21", QualificationTypeId=type_id
    )
    _, _, root = rest_call(server, params)
    codes = [e.text for e in root.iter() if etree.QName(e).localname == "Code"]
    assert codes == ["AWS.InvalidOperationParameter"]
    # The type is still there: nothing ran.
    assert rest_text(server, "GetQualificationType", QualificationTypeId=type_id)["IsValid"] == (
        "True"
    )


def new_type(server, key: str) -> str:
    requester = REQUESTER_A if key == A else REQUESTER_B
    params = vendor_signed(
        requester, "CreateQualificationType", Name=f"V {uuid.uuid4()}", Description="d",
        QualificationTypeStatus="Active",
    )  # fmt: skip
    _, _, root = rest_call(server, params)
    return local_texts(root)["QualificationTypeId"]


def local_texts(root: etree._Element) -> dict[str, str]:
    """Element texts by local name (the last one wins), as a namespace-unaware reader
    such as rturk's or MTurkR's finds them."""
    return {
        etree.QName(e).localname: e.text for e in root.iter() if isinstance(e.tag, str) and e.text
    }


def rest_text(server, operation: str, requester=REQUESTER_A, **params) -> dict[str, str]:
    _, _, root = rest_call(server, vendor_signed(requester, operation, **params))
    return local_texts(root)


def namespace_of(root: etree._Element) -> str | None:
    return etree.QName(root).namespace


def test_rest_version_2008_08_02_is_answered_in_its_version(server):
    type_id = new_type(server, A)
    worker = "AVERSIONS2008WORKER1"
    assigned = rest_text(
        server, "AssignQualification", Version="2008-08-02", QualificationTypeId=type_id,
        WorkerId=worker, IntegerValue=64,
    )  # fmt: skip
    assert assigned["IsValid"] == "True"
    _, _, root = rest_call(
        server,
        vendor_signed(
            REQUESTER_A, "GetQualificationScore", Version="2008-08-02",
            QualificationTypeId=type_id, SubjectId=worker,
        ),
    )  # fmt: skip
    # REST answers are in the version's namespace or, as the vendor's were, in none.
    assert namespace_of(root) in (None, BY_DATE["2008-08-02"].namespace)
    assert {etree.QName(e).namespace for e in root.iter()} == {namespace_of(root)}
    texts = local_texts(root)
    assert (texts["IntegerValue"], texts["SubjectId"], texts["Status"]) == ("64", worker, "Granted")
    assert re.fullmatch(r"[0-9-]{10}T[0-9:]{8}(\.[0-9]+)?Z", texts["GrantTime"])
    assert "CreationTime" not in texts and "Value" not in texts
    disposed = rest_text(
        server, "DisposeQualificationType", Version="2008-08-02", QualificationTypeId=type_id
    )
    assert disposed["IsValid"] == "True"


def test_first_generation_reads_a_score_as_creation_time_and_value_for_anyone(server):
    type_id = new_type(server, A)
    worker = "AVERSIONS2005WORKER1"
    assert rest_text(
        server, "AssignQualification", QualificationTypeId=type_id, WorkerId=worker,
        IntegerValue=70,
    )["IsValid"] == "True"  # fmt: skip
    # First generation: UpdateQualificationScore takes `Value`.
    assert rest_text(
        server, "UpdateQualificationScore", Version="2005-10-01", QualificationTypeId=type_id,
        SubjectId=worker, Value=95,
    )["IsValid"] == "True"  # fmt: skip
    _, _, root = rest_call(
        server,
        vendor_signed(
            REQUESTER_B, "GetQualificationScore", Version="2005-10-01",
            QualificationTypeId=type_id, SubjectId=worker,
        ),
        path="/onca/xml",
    )  # fmt: skip
    assert namespace_of(root) in (None, FIRST_GENERATION.namespace)
    qualification = next(e for e in root.iter() if etree.QName(e).localname == "Qualification")
    assert [etree.QName(c).localname for c in qualification] == [
        "Request", "QualificationTypeId", "CreationTime", "Value",
    ]  # fmt: skip
    texts = local_texts(qualification)
    assert (texts["IsValid"], texts["QualificationTypeId"], texts["Value"]) == (
        "True",
        type_id,
        "95",
    )
    # Under the 2014-08-15 rules the same read by B is refused; the owner's is not.
    refused = rest_text(
        server, "GetQualificationScore", REQUESTER_B, QualificationTypeId=type_id, SubjectId=worker
    )
    assert (refused["IsValid"], refused["Code"]) == ("False", DENIED)
    latest = rest_text(
        server, "GetQualificationScore", QualificationTypeId=type_id, SubjectId=worker
    )
    assert (latest["IntegerValue"], latest["Status"]) == ("95", "Granted")


def test_first_generation_soap_answer_has_its_shape(server):
    """Over SOAP too, in the first generation's namespace; B reads, as anyone could.
    (The codec and spyne write these shapes alike: tests/test_codec_oracle.py.)"""
    type_id = new_type(server, A)
    rest_text(server, "AssignQualification", QualificationTypeId=type_id, WorkerId="AW1",
              IntegerValue=3)  # fmt: skip
    request = f"<QualificationTypeId>{type_id}</QualificationTypeId><SubjectId>AW1</SubjectId>"
    namespace = FIRST_GENERATION.namespace
    answer = soap_call(server, namespace, "GetQualificationScore", B, request)
    response = answer.find(f".//{{{namespace}}}GetQualificationScoreResponse")
    qualification = response.find(f"{{{namespace}}}Qualification")
    assert qualification.findtext(f"{{{namespace}}}Request/{{{namespace}}}IsValid") == "True"
    shape = [(etree.QName(c).localname, c.text) for c in qualification][1:]
    assert [name for name, _ in shape] == ["QualificationTypeId", "CreationTime", "Value"]
    assert shape[2] == ("Value", "3")
    assert re.fullmatch(r"[0-9-]{10}T[0-9:]{8}(\.[0-9]+)?Z", shape[1][1])


# --- the seed-001 sample request --------------------------------------------------------


def seed_001_sample() -> str:
    seeds = REFERENCE.parent / "seeds"
    found = list(seeds.glob("001_*.txt")) if seeds.is_dir() else []
    if not found:
        reference_absent(f"seed 001 is not here ({seeds})")
    text = found[0].read_text(encoding="utf-8")
    return re.search(r"http://mechanicalturk\.amazonaws\.com/onca/xml\?[^\n]+", text).group(0)


@pytest.fixture(scope="module")
def first_generation_server(tmp_path_factory):
    """`soap-mturk serve --rest-default-version 2005-10-01`: REST calls naming no
    Version are the first generation's, as they were when seed 001 was written."""
    store = open_store(str(tmp_path_factory.mktemp("db") / "first.sqlite3"))
    registry = RequesterRegistry([REQUESTER_A, REQUESTER_B])
    running = start_in_thread(
        EmulatorApp(
            store,
            authenticator=SignatureVerifier(registry),
            requesters=registry,
            rest_default_version="2005-10-01",
        )
    )
    yield running
    running.stop()
    store.close()


@pytest.mark.parametrize("default", ["latest", "first generation"])
def test_seed_001_sample_request_is_answered_in_its_generations_shape(
    server, first_generation_server, default
):
    running = first_generation_server if default == "first generation" else server
    type_id = new_type(running, A)
    worker = "AZ3456EXAMPLE"
    assert rest_text(
        running, "AssignQualification", Version="2014-08-15", QualificationTypeId=type_id,
        WorkerId=worker, IntegerValue=95,
    )["IsValid"] == "True"  # fmt: skip
    # The sample as written: /onca/xml, no Version; our ids, B's key (anyone may read).
    sample = seed_001_sample()
    path, _, query = sample.removeprefix("http://mechanicalturk.amazonaws.com").partition("?")
    names = [part.strip().split("=", 1)[0] for part in query.split("&")]
    assert "Version" not in names
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    values = {
        "Service": "AWSMechanicalTurkRequester",
        "AWSAccessKeyId": B,
        "Operation": "GetQualificationScore",
        "Signature": vendor_signature(SECRETS[B], "GetQualificationScore", stamp),
        "Timestamp": stamp,
        "QualificationTypeId": type_id,
        "SubjectId": worker,
    }
    assert set(names) == set(values)
    _, _, root = rest_call(running, [(name, values[name]) for name in names], path=path)
    texts = local_texts(root)
    if default == "latest":
        # Without Version the service answered its latest version, whose rule is
        # that only the owner reads a score.
        assert (texts["IsValid"], texts["Code"]) == ("False", DENIED)
    else:
        assert namespace_of(root) in (None, FIRST_GENERATION.namespace)
        assert (texts["IsValid"], texts["Value"]) == ("True", "95")
        assert re.fullmatch(r"[0-9-]{10}T[0-9:]{8}(\.[0-9]+)?Z", texts["CreationTime"])
        assert "GrantTime" not in texts and "IntegerValue" not in texts


def test_first_generation_grants_with_value(server):
    type_id = new_type(server, A)
    worker = "AVERSIONS2005WORKER2"
    ControlClient(server.base_url).request_qualification(worker, type_id)
    pending = rest_text(
        server, "GetQualificationRequests", Version="2005-10-01", QualificationTypeId=type_id
    )
    granted = rest_text(
        server, "GrantQualification", Version="2005-10-01",
        QualificationRequestId=pending["QualificationRequestId"], Value=55,
    )  # fmt: skip
    assert granted["IsValid"] == "True"
    read = rest_text(server, "GetQualificationScore", QualificationTypeId=type_id, SubjectId=worker)
    assert (read["IntegerValue"], read["Status"]) == ("55", "Granted")


def test_a_version_not_served_is_refused_naming_the_served_ones(server):
    params = vendor_signed(
        REQUESTER_A, "GetQualificationType", Version="2010-01-01", QualificationTypeId="T"
    )
    texts = rest_text_of(server, params)
    assert texts["Code"] == "AWS.MechanicalTurk.InvalidParameterValue"
    assert all(v.date in texts["Message"] for v in VERSIONS)
    namespace = NAMESPACE_PREFIX + "2010-01-01"
    fault = soap_call(
        server, namespace, "GetQualificationType", A, "<QualificationTypeId>T</QualificationTypeId>"
    )
    faultstring = fault.findtext(".//faultstring")
    assert "Unknown namespace" in faultstring
    assert all(v.namespace in faultstring for v in VERSIONS)


def rest_text_of(server, params: dict) -> dict[str, str]:
    _, _, root = rest_call(server, params)
    return local_texts(root)
