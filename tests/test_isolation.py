"""Requesters are kept apart, operation by operation, over signed SOAP: requester B
may read scores and find A's requestable, active types, and nothing more; every
refusal is AWS.MechanicalTurk.PermissionDeniedException, and A's data is unchanged
afterwards."""

from __future__ import annotations

import uuid

import pytest
import zeep

from soap_mturk.domain.identity import new_id, utc_now
from soap_mturk.domain.model import QualificationRequest
from tests.conftest import SECRETS
from tests.signing import VendorSigner, signed

A, B = "AKIAREQUESTERA", "AKIAREQUESTERB"
WORKER, OTHER_WORKER = "AZ3456EXAMPLE", "AOTHERWORKER01"
DENIED = "AWS.MechanicalTurk.PermissionDeniedException"


@pytest.fixture(scope="module")
def service(signed_emulator):
    return zeep.Client(signed_emulator.wsdl_url(), plugins=[VendorSigner(SECRETS)]).service


class World:
    """A's types: plain (active, no test), auto (active, auto-granted), hidden
    (inactive, auto-granted); WORKER holds plain at 10; one pending request. Every
    type a requester makes is requestable (workers may ask for a plain one and wait
    for the owner), so what others may find is A's active types."""

    def __init__(self, service, store):
        self.marker = uuid.uuid4().hex
        self.plain = self._create(service, "plain", "Active")
        self.auto = self._create(service, "auto", "Active", AutoGranted=True)
        self.hidden = self._create(service, "hidden", "Inactive", AutoGranted=True)
        assigned = service.AssignQualification(
            **signed(A),
            Request=[{"QualificationTypeId": self.plain, "WorkerId": WORKER, "IntegerValue": 10}],
        )
        assert assigned.AssignQualificationResult[0].Request.IsValid == "True"
        # Workers ask for qualifications outside the Requester API: put the request in the store.
        self.request_id = new_id(40)
        with store.write() as session:
            session.put_request(
                QualificationRequest(self.request_id, self.auto, OTHER_WORKER, utc_now())
            )

    def _create(self, service, label, status, **extra):
        created = service.CreateQualificationType(
            **signed(A),
            Request=[
                {
                    "Name": f"Isolation {self.marker} {label}",
                    "Description": f"A's {label}",
                    "QualificationTypeStatus": status,
                    **extra,
                }
            ],
        )
        assert created.QualificationType[0].Request.IsValid == "True"
        return created.QualificationType[0].QualificationTypeId


@pytest.fixture(scope="module")
def world(service, signed_emulator):
    return World(service, signed_emulator.app.store)


def denied(result) -> None:
    assert result.Request.IsValid == "False"
    assert [e.Code for e in result.Request.Errors.Error] == [DENIED]


def a_score(service, type_id, worker=WORKER):
    read = service.GetQualificationScore(
        **signed(A), Request=[{"QualificationTypeId": type_id, "SubjectId": worker}]
    )
    return read.Qualification[0]


def a_pending(service, world) -> list[str]:
    listed = service.GetQualificationRequests(
        **signed(A), Request=[{"QualificationTypeId": world.auto}]
    )
    return [
        r.QualificationRequestId
        for r in listed.GetQualificationRequestsResult[0].QualificationRequest
    ]


def a_type(service, type_id):
    got = service.GetQualificationType(**signed(A), Request=[{"QualificationTypeId": type_id}])
    return got.QualificationType[0]


# --- what B may not do ------------------------------------------------------------------------


def test_b_cannot_update_a_type(service, world):
    response = service.UpdateQualificationType(
        **signed(B),
        Request=[
            {
                "QualificationTypeId": world.plain,
                "Description": "B was here",
                "QualificationTypeStatus": "Inactive",
            }
        ],
    )
    denied(response.QualificationType[0])
    after = a_type(service, world.plain)
    assert (after.Description, after.QualificationTypeStatus) == ("A's plain", "Active")


def test_b_cannot_dispose_a_type(service, world):
    response = service.DisposeQualificationType(
        **signed(B), Request=[{"QualificationTypeId": world.plain}]
    )
    denied(response.DisposeQualificationTypeResult[0])
    assert a_type(service, world.plain).Request.IsValid == "True"


def test_b_cannot_assign_a_qualification(service, world):
    response = service.AssignQualification(
        **signed(B),
        Request=[{"QualificationTypeId": world.plain, "WorkerId": OTHER_WORKER, "IntegerValue": 5}],
    )
    denied(response.AssignQualificationResult[0])
    missing = a_score(service, world.plain, OTHER_WORKER)
    assert [e.Code for e in missing.Request.Errors.Error] == [
        "AWS.MechanicalTurk.QualificationDoesNotExist"
    ]


def test_b_cannot_revoke_a_qualification(service, world):
    response = service.RevokeQualification(
        **signed(B),
        Request=[{"SubjectId": WORKER, "QualificationTypeId": world.plain, "Reason": "B says so"}],
    )
    denied(response.RevokeQualificationResult[0])
    assert a_score(service, world.plain).Status == "Granted"


def test_b_cannot_update_a_score(service, world):
    response = service.UpdateQualificationScore(
        **signed(B),
        Request=[{"QualificationTypeId": world.plain, "SubjectId": WORKER, "IntegerValue": 99}],
    )
    denied(response.UpdateQualificationScoreResult[0])
    assert a_score(service, world.plain).IntegerValue == 10


def test_b_cannot_grant_a_request(service, world):
    response = service.GrantQualification(
        **signed(B), Request=[{"QualificationRequestId": world.request_id, "IntegerValue": 7}]
    )
    denied(response.GrantQualificationResult[0])
    assert a_pending(service, world) == [world.request_id]
    missing = a_score(service, world.auto, OTHER_WORKER)
    assert missing.Request.IsValid == "False"


def test_b_cannot_reject_a_request(service, world):
    response = service.RejectQualificationRequest(
        **signed(B), Request=[{"QualificationRequestId": world.request_id, "Reason": "B says no"}]
    )
    denied(response.RejectQualificationRequestResult[0])
    assert a_pending(service, world) == [world.request_id]


def test_b_cannot_list_qualifications_of_a_type(service, world):
    response = service.GetQualificationsForQualificationType(
        **signed(B), Request=[{"QualificationTypeId": world.plain}]
    )
    result = response.GetQualificationsForQualificationTypeResult[0]
    denied(result)
    assert not result.Qualification
    own = service.GetQualificationsForQualificationType(
        **signed(A), Request=[{"QualificationTypeId": world.plain}]
    )
    assert [
        q.SubjectId for q in own.GetQualificationsForQualificationTypeResult[0].Qualification
    ] == [WORKER]


def test_b_does_not_see_a_requests(service, world):
    everything = service.GetQualificationRequests(**signed(B), Request=[{}])
    result = everything.GetQualificationRequestsResult[0]
    assert result.Request.IsValid == "True"
    assert result.TotalNumResults == 0 and not result.QualificationRequest
    one_type = service.GetQualificationRequests(
        **signed(B), Request=[{"QualificationTypeId": world.auto}]
    )
    denied(one_type.GetQualificationRequestsResult[0])
    assert a_pending(service, world) == [world.request_id]


# --- what B may do ------------------------------------------------------------------------------


def test_b_may_not_read_a_score(service, world):
    """Only the owner of a type reads its workers' scores (2014-08-15 reference; the
    first generation's rule, where anyone could, is in test_versions.py)."""
    read = service.GetQualificationScore(
        **signed(B), Request=[{"QualificationTypeId": world.plain, "SubjectId": WORKER}]
    )
    denied(read.Qualification[0])
    assert a_score(service, world.plain).IntegerValue == 10


def _found(service, key, world, **criteria) -> set[str]:
    found = service.SearchQualificationTypes(
        **signed(key), Request=[{"Query": world.marker, "PageSize": 100, **criteria}]
    )
    result = found.SearchQualificationTypesResult[0]
    assert result.Request.IsValid == "True"
    return {t.QualificationTypeId for t in result.QualificationType}


def test_b_finds_only_a_requestable_active_types(service, world):
    assert _found(service, B, world, MustBeRequestable=False) == {world.plain, world.auto}
    assert _found(service, B, world, MustBeRequestable=True) == {world.plain, world.auto}
    assert _found(service, B, world, MustBeRequestable=False, MustBeOwnedByCaller=True) == set()


def test_a_finds_all_its_types(service, world):
    assert _found(service, A, world, MustBeRequestable=False) == {
        world.plain,
        world.auto,
        world.hidden,
    }
    assert _found(service, A, world, MustBeRequestable=True) == {world.plain, world.auto}


def test_b_refused_for_a_type_and_served_for_its_own_in_one_batch(service, world):
    mine = service.CreateQualificationType(
        **signed(B),
        Request=[
            {
                # not under the world's marker: the searches above count A's types only
                "Name": f"Isolation B's own {uuid.uuid4()}",
                "Description": "B's own",
                "QualificationTypeStatus": "Active",
            }
        ],
    )
    own_type = mine.QualificationType[0].QualificationTypeId
    response = service.AssignQualification(
        **signed(B),
        Request=[
            {"QualificationTypeId": own_type, "WorkerId": WORKER},
            {"QualificationTypeId": world.plain, "WorkerId": OTHER_WORKER},
        ],
    )
    first, second = response.AssignQualificationResult
    assert first.Request.IsValid == "True"
    denied(second)
    # And A, in turn, cannot touch B's type.
    revoked = service.RevokeQualification(
        **signed(A), Request=[{"SubjectId": WORKER, "QualificationTypeId": own_type}]
    )
    denied(revoked.RevokeQualificationResult[0])
