"""A worker's request never silently replaces a qualification its owner set.

The reference (AssignQualification, "Tip") gives the owner the choice: granting the
worker's request may change the score, rejecting it leaves the qualification as it
is. So an automatic grant (AutoGranted, or a test graded by its AnswerKey) does not
touch a qualification the owner assigned, revoked or seeded; the request waits for
the owner instead. A retake of the worker's own granted request still replaces it
(tests/test_worker_requests.py::test_a_retake_can_improve_a_graded_score)."""

from __future__ import annotations

import zeep

WORKER = "A1WORKERWITHSCORE"


def load_auto_granted(mturk_emulator, **extra) -> str:
    fixture = {
        "QualificationTypes": [
            {
                "Owner": mturk_emulator.access_key,
                "Name": "English writing",
                "Description": "Writes clear English",
                "AutoGranted": True,
                "AutoGrantedValue": 5,
                **extra,
            }
        ]
    }
    return mturk_emulator.control.load(fixture)["QualificationTypeIds"][0]


def held(mturk_emulator, type_id: str) -> dict:
    (qtype,) = mturk_emulator.control.state()["QualificationTypes"]
    assert qtype["QualificationTypeId"] == type_id
    return qtype


def test_auto_grant_leaves_the_owners_score_and_waits_for_the_owner(mturk_emulator):
    type_id = load_auto_granted(
        mturk_emulator, Qualifications=[{"SubjectId": WORKER, "IntegerValue": 90}]
    )
    outcome = mturk_emulator.control.request_qualification(WORKER, type_id)
    assert outcome["QualificationRequest"]["Status"] == "Pending"
    assert outcome["Qualification"] is None
    qtype = held(mturk_emulator, type_id)
    assert [q["IntegerValue"] for q in qtype["Qualifications"]] == [90]
    (pending,) = qtype["QualificationRequests"]

    # The owner decides, over SOAP: granting the request sets the value it gives.
    service = zeep.Client(mturk_emulator.wsdl_url()).service
    granted = service.GrantQualification(
        **mturk_emulator.credentials("GrantQualification"),
        Request=[{"QualificationRequestId": pending["QualificationRequestId"], "IntegerValue": 7}],
    )
    assert granted.GrantQualificationResult[0].Request.IsValid == "True"
    assert [q["IntegerValue"] for q in held(mturk_emulator, type_id)["Qualifications"]] == [7]


def test_auto_grant_does_not_undo_a_revocation(mturk_emulator):
    type_id = load_auto_granted(
        mturk_emulator,
        Qualifications=[{"SubjectId": WORKER, "IntegerValue": 90, "Status": "Revoked"}],
    )
    outcome = mturk_emulator.control.request_qualification(WORKER, type_id)
    assert outcome["QualificationRequest"]["Status"] == "Pending"
    (qualification,) = held(mturk_emulator, type_id)["Qualifications"]
    assert qualification["Status"] == "Revoked" and qualification["IntegerValue"] == 90
