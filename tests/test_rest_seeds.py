"""The seed documents' sample requests, sent as written (signed, with a type id
that exists), get answers of the shape their sample responses show: seed 000's
UpdateQualificationScore (Version=2012-03-25, at /) and seed 001's
GetQualificationScore (no Version, at the older /onca/xml)."""

from __future__ import annotations

import re
import uuid

import pytest
from lxml import etree

from tests.conftest import REFERENCE, reference_absent
from tests.rest_support import (
    OWNER,
    call,
    local_paths,
    now_text,
    rest_emulator,
    text,
    vendor_signature,
)

SEEDS = REFERENCE.parent / "seeds"
SAMPLE_TYPE_ID = "789RVWYBAZW00EXAMPLE"
SAMPLE_WORKER = "AZ3456EXAMPLE"


def seed(prefix: str) -> str:
    found = sorted(SEEDS.glob(prefix + "_*.txt")) if SEEDS.is_dir() else []
    if not found:
        reference_absent(
            f"seed {prefix} is not here ({SEEDS}): the seeds ship beside the repository, not in a clone"
        )
    return found[0].read_text(encoding="utf-8")


_URL = re.compile(r"https?://mechanicalturk\.amazonaws\.com(/[^?\s]*)\?")
_PARAMETER = re.compile(r"\s*(&?)\s*([A-Za-z][\w.]*)=(\[[^\]]*\]|[^\s&]+)")


def sample_request(document: str) -> tuple[str, dict[str, str]]:
    """The path and parameters of the document's sample REST URL, which the seeds
    wrap over several lines or space out on one, followed by prose."""
    url = _URL.search(document)
    assert url, "no sample request in the seed"
    params: dict[str, str] = {}
    position = url.end()
    while (match := _PARAMETER.match(document, position)) and (match.group(1) or not params):
        params[match.group(2)] = match.group(3)
        position = match.end()
    return url.group(1), params


def as_sent(params: dict[str, str], type_id: str) -> dict[str, str]:
    """The sample's placeholders filled in the way a client fills them."""
    sent = dict(params)
    sent["AWSAccessKeyId"] = OWNER.access_key
    sent["Timestamp"] = now_text()
    sent["Signature"] = vendor_signature(OWNER.secret_key, sent["Operation"], sent["Timestamp"])
    sent["QualificationTypeId"] = type_id
    assert not [v for v in sent.values() if v.startswith("[")], "a placeholder is left"
    return sent


@pytest.fixture(scope="module")
def type_id(rest_emulator) -> str:
    """A type of OWNER's, held by the samples' worker."""
    base = {"Service": "AWSMechanicalTurkRequester", "AWSAccessKeyId": OWNER.access_key}

    def signed(operation, **params):
        timestamp = now_text()
        return {
            **base,
            "Operation": operation,
            "Timestamp": timestamp,
            "Signature": vendor_signature(OWNER.secret_key, operation, timestamp),
            **params,
        }

    _, _, created = call(
        rest_emulator,
        signed(
            "CreateQualificationType",
            Name=f"seed {uuid.uuid4()}",
            Description="seeds",
            QualificationTypeStatus="Active",
        ),
    )
    new_id = text(created, "QualificationType/QualificationTypeId")
    _, _, assigned = call(
        rest_emulator,
        signed(
            "AssignQualification",
            QualificationTypeId=new_id,
            WorkerId=SAMPLE_WORKER,
            IntegerValue="1",
        ),
    )
    assert text(assigned, "AssignQualificationResult/Request/IsValid") == "True"
    return new_id


def test_seed_000_update_qualification_score(rest_emulator, type_id):
    document = seed("000")
    path, params = sample_request(document)
    assert (path, params["Operation"], params["Version"]) == (
        "/",
        "UpdateQualificationScore",
        "2012-03-25",
    )
    assert (params["QualificationTypeId"], params["SubjectId"]) == (SAMPLE_TYPE_ID, SAMPLE_WORKER)

    status, headers, root = call(rest_emulator, as_sent(params, type_id), path=path)

    assert status == 200
    assert headers["Content-Type"].startswith("text/xml")
    assert root.tag == "UpdateQualificationScoreResponse"
    sample = etree.fromstring(
        document[document.index("<UpdateQualificationScoreResult>") :].strip().encode()
    )
    results = [
        child for child in root if etree.QName(child).localname == etree.QName(sample).localname
    ]
    assert len(results) == 1
    assert local_paths(sample) <= local_paths(results[0])
    assert text(root, "UpdateQualificationScoreResult/Request/IsValid") == "True"


def test_seed_001_get_qualification_score_at_onca_xml(rest_emulator, type_id):
    # Seed 000 sets the score to 70; seed 001 reads it back.
    _, params_000 = sample_request(seed("000"))
    call(rest_emulator, as_sent(params_000, type_id))
    path, params = sample_request(seed("001"))
    assert (path, params["Operation"], "Version" in params) == (
        "/onca/xml",
        "GetQualificationScore",
        False,
    )

    status, headers, root = call(rest_emulator, as_sent(params, type_id), path=path)

    assert status == 200
    assert headers["Content-Type"].startswith("text/xml")
    # No Version: the latest is answered.
    assert root.tag == "GetQualificationScoreResponse"
    # Seed 001 describes a Qualification of its older generation (CreationTime,
    # Value); the versions served name them GrantTime and IntegerValue.
    assert text(root, "Qualification/Request/IsValid") == "True"
    assert text(root, "Qualification/QualificationTypeId") == type_id
    assert text(root, "Qualification/SubjectId") == SAMPLE_WORKER
    assert text(root, "Qualification/IntegerValue") == "70"
    assert text(root, "Qualification/GrantTime").endswith("Z")
