"""The seeds' core story, end to end over SOAP: an owner updates a worker's score
to 70 and anyone may read it back."""

import uuid

from tests.conftest import credentials


def test_owner_updates_and_reads_a_score_another_requester_may_not_read(service):
    created = service.CreateQualificationType(
        **credentials("AKIAOWNER"),
        Request=[
            {
                "Name": f"Seed {uuid.uuid4()}",
                "Description": "seed 000",
                "QualificationTypeStatus": "Active",
            }
        ],
    )
    type_id = created.QualificationType[0].QualificationTypeId
    assigned = service.AssignQualification(
        **credentials("AKIAOWNER"),
        Request=[{"QualificationTypeId": type_id, "WorkerId": "AZ3456EXAMPLE", "IntegerValue": 10}],
    )
    assert assigned.AssignQualificationResult[0].Request.IsValid == "True"
    updated = service.UpdateQualificationScore(
        **credentials("AKIAOWNER"),
        Request=[
            {"QualificationTypeId": type_id, "SubjectId": "AZ3456EXAMPLE", "IntegerValue": 70}
        ],
    )
    assert updated.UpdateQualificationScoreResult[0].Request.IsValid == "True"
    read = service.GetQualificationScore(
        **credentials("AKIAOWNER"),
        Request=[{"QualificationTypeId": type_id, "SubjectId": "AZ3456EXAMPLE"}],
    )
    refused = service.GetQualificationScore(
        **credentials("AKIASOMEONEELSE"),
        Request=[{"QualificationTypeId": type_id, "SubjectId": "AZ3456EXAMPLE"}],
    )
    assert refused.Qualification[0].Request.IsValid == "False"
    assert [e.Code for e in refused.Qualification[0].Request.Errors.Error] == [
        "AWS.MechanicalTurk.PermissionDeniedException"
    ]
    qualification = read.Qualification[0]
    assert qualification.Request.IsValid == "True"
    assert qualification.IntegerValue == 70
    assert qualification.Status == "Granted"
    assert qualification.SubjectId == "AZ3456EXAMPLE"
