"""The Authenticator on its own: the three signature schemes, the Timestamp forms
and window, and which code each failure gets. Expected signatures are computed
here the way the clients compute them (boto 2's code for versions 1 and 2), not
with the emulator's functions."""

from __future__ import annotations

import base64
import hashlib
import hmac
import urllib.parse
from datetime import UTC, datetime, timedelta, timezone

import pytest

from soap_mturk.auth import Claims, rest_claims
from soap_mturk.auth.requesters import Requester, RequesterRegistry
from soap_mturk.auth.timestamps import parse_timestamp
from soap_mturk.auth.verify import SignatureVerifier
from soap_mturk.domain import MTurkError
from tests.signing import vendor_signature

KEY, SECRET = "AKIAREQUESTERA", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
NOW = datetime(2014, 8, 15, 12, 0, 0, 500000, tzinfo=UTC)
NOW_TEXT = "2014-08-15T12:00:00.500Z"


def verifier(skew: timedelta = timedelta(minutes=15)) -> SignatureVerifier:
    return SignatureVerifier(RequesterRegistry([Requester(KEY, SECRET)]), skew, clock=lambda: NOW)


def refused(claims: Claims, skew: timedelta = timedelta(minutes=15)) -> MTurkError:
    with pytest.raises(MTurkError) as caught:
        verifier(skew).authenticate(claims)
    assert SECRET not in caught.value.message
    return caught.value


def soap(
    operation="GetQualificationScore", key=KEY, timestamp=NOW_TEXT, signature=None, secret=SECRET
):
    if signature is None:
        signature = vendor_signature(secret, operation, timestamp)
    return Claims(operation, key, timestamp, signature)


# --- boto 2's algorithms, restated -----------------------------------------------------


def boto_v1(secret: str, params: dict) -> str:
    mac = hmac.new(secret.encode(), digestmod=hashlib.sha1)
    for key in sorted(params, key=lambda k: k.lower()):
        mac.update(key.encode("utf-8"))
        mac.update(params[key].encode("utf-8"))
    return base64.b64encode(mac.digest()).decode()


def boto_v2(
    secret: str, params: dict, verb: str, server_name: str, path: str, digest=hashlib.sha256
) -> str:
    pairs = [
        urllib.parse.quote(k, safe="") + "=" + urllib.parse.quote(params[k], safe="-_~")
        for k in sorted(params)
    ]
    string_to_sign = f"{verb}\n{server_name.lower()}\n{path}\n" + "&".join(pairs)
    mac = hmac.new(secret.encode(), string_to_sign.encode("utf-8"), digest)
    return base64.b64encode(mac.digest()).decode()


def rest_params(**extra) -> dict:
    params = {
        "Service": "AWSMechanicalTurkRequester",
        "AWSAccessKeyId": KEY,
        "Operation": "GetQualificationScore",
        "Version": "2014-08-15",
        "Timestamp": NOW_TEXT,
        "QualificationTypeId": "789RVWYBAZW00EXAMPLE",
        "SubjectId": "AZ3456EXAMPLE",
    }
    params.update(extra)
    return params


# --- Timestamp forms ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2008-01-31T23:59:59.123Z",  # the vendor's Java SDK
        "2008-01-31T23:59:59.123000Z",  # zeep
        "2008-01-31T23:59:59.123+00:00",
        "2008-02-01T00:59:59.123+01:00",
        "2008-01-31T18:59:59.123-0500",
        "2008-01-31T23:59:59.123",  # no zone: UTC, as the vendor documented Timestamp to be
        " 2008-01-31T23:59:59.123Z\n",  # xs:dateTime collapses whitespace
    ],
)
def test_timestamp_forms_name_the_same_instant(text):
    assert parse_timestamp(text) == datetime(2008, 1, 31, 23, 59, 59, 123000, tzinfo=UTC)


def test_timestamp_without_fraction():
    assert parse_timestamp("2005-01-31T23:59:59Z") == datetime(2005, 1, 31, 23, 59, 59, tzinfo=UTC)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "yesterday",
        "2008-01-31",
        "2008-01-31 23:59:59Z",
        "2008-13-01T00:00:00Z",
        "2008-02-30T00:00:00Z",
        "2008-01-31T24:00:01Z",
        "2008-01-31T23:59:59+15:00",
        "2008-01-31T23:59:59.Z",
        "1201823999",
    ],
)
def test_malformed_timestamps_are_refused(text):
    with pytest.raises(ValueError):
        parse_timestamp(text)


# --- the vendor's scheme -------------------------------------------------------------------


def test_vendor_signature_is_accepted():
    assert verifier().authenticate(soap()) == KEY


@pytest.mark.parametrize(
    "timestamp",
    [
        "2014-08-15T12:00:00.500Z",
        "2014-08-15T12:00:00.5Z",
        "2014-08-15T14:00:00.500+02:00",
        "2014-08-15T12:00:00Z",
        "2014-08-15T12:00:00.500000",
    ],
)
def test_vendor_signature_over_each_timestamp_form(timestamp):
    assert verifier().authenticate(soap(timestamp=timestamp)) == KEY


def test_signature_is_checked_against_the_text_as_received():
    # Signed over one spelling of the instant, sent with another: not the same request.
    claims = soap(
        signature=vendor_signature(SECRET, "GetQualificationScore", "2014-08-15T12:00:00.5Z")
    )
    assert refused(claims).code == "AWS.NotAuthorized"


def test_wrong_secret_is_not_authorized():
    error = refused(soap(secret="not the secret"))
    assert error.code == "AWS.NotAuthorized"
    # The message shows what was signed, which helps a client author and reveals nothing.
    assert (
        "AWSMechanicalTurkRequesterGetQualificationScore2014-08-15T12:00:00.500Z" in error.message
    )


def test_expected_signature_is_never_revealed():
    error = refused(soap(secret="not the secret"))
    assert vendor_signature(SECRET, "GetQualificationScore", NOW_TEXT) not in error.message


def test_unknown_key_is_not_authorized():
    error = refused(soap(key="AKIAUNKNOWN"))
    assert error.code == "AWS.NotAuthorized"
    assert "AKIAUNKNOWN" in error.message


def test_signature_for_another_operation_is_not_authorized():
    replayed = vendor_signature(SECRET, "GetQualificationScore", NOW_TEXT)
    assert refused(soap("UpdateQualificationScore", signature=replayed)).code == "AWS.NotAuthorized"


@pytest.mark.parametrize("field", ["access_key", "timestamp", "signature"])
@pytest.mark.parametrize("value", [None, ""])
def test_missing_claims_are_bad_claims(field, value):
    claims = soap()
    parts = {
        "operation": claims.operation,
        "access_key": claims.access_key,
        "timestamp": claims.timestamp,
        "signature": claims.signature,
        field: value,
    }
    assert refused(Claims(**parts)).code == "AWS.BadClaimsSupplied"


def test_malformed_timestamp_is_bad_claims():
    assert refused(soap(timestamp="last Tuesday")).code == "AWS.BadClaimsSupplied"


def test_timestamp_window_edges():
    at_edge = (NOW - timedelta(minutes=15)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    assert verifier().authenticate(soap(timestamp=at_edge)) == KEY
    future_edge = (NOW + timedelta(minutes=15)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    assert verifier().authenticate(soap(timestamp=future_edge)) == KEY


@pytest.mark.parametrize(
    "offset",
    [
        timedelta(minutes=-15, milliseconds=-1),
        timedelta(minutes=15, milliseconds=1),
        timedelta(days=-400),
        timedelta(hours=3),
    ],
)
def test_timestamp_outside_the_window_is_bad_claims(offset):
    text = (NOW + offset).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    error = refused(soap(timestamp=text))
    assert error.code == "AWS.BadClaimsSupplied"
    assert text in error.message


def test_clock_skew_is_configurable():
    text = (NOW - timedelta(seconds=61)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert refused(soap(timestamp=text), skew=timedelta(seconds=60)).code == "AWS.BadClaimsSupplied"
    assert verifier(timedelta(seconds=62)).authenticate(soap(timestamp=text)) == KEY


def test_bad_signature_wins_over_stale_timestamp():
    stale = (NOW - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert refused(soap(timestamp=stale, secret="wrong")).code == "AWS.NotAuthorized"


# --- REST: signature versions 0, 1 and 2 --------------------------------------------------


def test_rest_without_signature_version_uses_the_vendor_scheme():
    params = rest_params(Signature=vendor_signature(SECRET, "GetQualificationScore", NOW_TEXT))
    assert verifier().authenticate(rest_claims(params, "GET", "localhost:8080", "/")) == KEY


def test_v1_as_boto_2_signs_it():
    params = rest_params(SignatureVersion="1", ResponseGroup="Minimal", Reason="Größe & more")
    params["Signature"] = boto_v1(SECRET, params)
    assert verifier().authenticate(rest_claims(params, "POST", "localhost:8080", "/")) == KEY


def test_v1_orders_names_without_regard_to_case():
    # Sorted case-sensitively, "aLPHA" would follow "Version"; boto 2 puts it first.
    params = rest_params(SignatureVersion="1", aLPHA="x", zulu="y")
    params["Signature"] = boto_v1(SECRET, params)
    assert verifier().authenticate(rest_claims(params, "GET", "h", "/")) == KEY


def test_v1_with_a_tampered_parameter_is_not_authorized():
    params = rest_params(SignatureVersion="1")
    params["Signature"] = boto_v1(SECRET, params)
    params["SubjectId"] = "ANOTHERWORKER"
    assert refused(rest_claims(params, "GET", "h", "/")).code == "AWS.NotAuthorized"


def test_v2_known_vector_from_aws_documentation():
    # AWS General Reference, "Signature Version 2 signing process", worked example.
    params = {
        "AWSAccessKeyId": "AKIAIOSFODNN7EXAMPLE",
        "Action": "DescribeJobFlows",
        "SignatureMethod": "HmacSHA256",
        "SignatureVersion": "2",
        "Timestamp": "2011-10-03T15:19:30",
        "Version": "2009-03-31",
    }
    expected = "i91nKc4PWAt0JJIdXwz9HxZCJDdiy6cf/Mj6vPxyYIs="
    assert boto_v2(SECRET, params, "GET", "elasticmapreduce.amazonaws.com", "/") == expected
    registry = RequesterRegistry([Requester("AKIAIOSFODNN7EXAMPLE", SECRET)])
    then = SignatureVerifier(registry, clock=lambda: datetime(2011, 10, 3, 15, 20, tzinfo=UTC))
    claims = rest_claims(
        {**params, "Signature": expected}, "GET", "elasticmapreduce.amazonaws.com", "/"
    )
    assert then.authenticate(claims) == "AKIAIOSFODNN7EXAMPLE"


@pytest.mark.parametrize(
    "method,digest", [("HmacSHA256", hashlib.sha256), ("HmacSHA1", hashlib.sha1)]
)
def test_v2_as_boto_2_signs_it(method, digest):
    params = rest_params(
        SignatureVersion="2",
        SignatureMethod=method,
        Reason="needs ~ encoding * and spaces",
        Unicode="ü",
    )
    params["Signature"] = boto_v2(SECRET, params, "POST", "mturk.example.com", "/onca/xml", digest)
    claims = rest_claims(params, "POST", "mturk.example.com", "/onca/xml")
    assert verifier().authenticate(claims) == KEY


def test_v2_host_with_or_without_port():
    params = rest_params(SignatureVersion="2", SignatureMethod="HmacSHA256")
    without_port = dict(params, Signature=boto_v2(SECRET, params, "GET", "localhost", "/"))
    with_port = dict(params, Signature=boto_v2(SECRET, params, "GET", "localhost:8080", "/"))
    for signed_params in (without_port, with_port):
        assert (
            verifier().authenticate(rest_claims(signed_params, "GET", "localhost:8080", "/")) == KEY
        )
    elsewhere = dict(params, Signature=boto_v2(SECRET, params, "GET", "otherhost", "/"))
    assert refused(rest_claims(elsewhere, "GET", "localhost:8080", "/")).code == "AWS.NotAuthorized"


def test_v2_signs_method_and_path():
    params = rest_params(SignatureVersion="2", SignatureMethod="HmacSHA256")
    params["Signature"] = boto_v2(SECRET, params, "GET", "h", "/")
    assert refused(rest_claims(params, "POST", "h", "/")).code == "AWS.NotAuthorized"
    assert refused(rest_claims(params, "GET", "h", "/onca/xml")).code == "AWS.NotAuthorized"


@pytest.mark.parametrize(
    "extra",
    [
        {"SignatureVersion": "2"},
        {"SignatureVersion": "2", "SignatureMethod": "HmacMD5"},
        {"SignatureVersion": "3"},
        {"SignatureVersion": "4"},
    ],
)
def test_unsupported_signature_schemes_are_bad_claims(extra):
    params = rest_params(Signature="anything", **extra)
    assert refused(rest_claims(params, "GET", "h", "/")).code == "AWS.BadClaimsSupplied"


def test_rest_stale_timestamp_is_bad_claims():
    stale = (NOW - timedelta(minutes=20)).strftime("%Y-%m-%dT%H:%M:%SZ")
    params = rest_params(SignatureVersion="1", Timestamp=stale)
    params["Signature"] = boto_v1(SECRET, params)
    assert refused(rest_claims(params, "GET", "h", "/")).code == "AWS.BadClaimsSupplied"
