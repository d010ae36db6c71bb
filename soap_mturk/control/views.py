"""Entities as JSON-ready dicts for the control API, keyed by the vendor's names."""

from __future__ import annotations

from datetime import datetime, timezone

from soap_mturk.domain.model import Qualification, QualificationRequest, QualificationType


def iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def qualification_type(t: QualificationType) -> dict:
    return {
        "QualificationTypeId": t.id,
        "Owner": t.owner,
        "Name": t.name,
        "Description": t.description,
        "Keywords": t.keywords,
        "QualificationTypeStatus": t.status,
        "CreationTime": iso(t.creation_time),
        "RetryDelayInSeconds": t.retry_delay,
        "Test": t.test,
        "TestDurationInSeconds": t.test_duration,
        "AnswerKey": t.answer_key,
        "AutoGranted": t.auto_granted,
        "AutoGrantedValue": t.auto_granted_value,
        "IsRequestable": t.is_requestable,
    }


def qualification(q: Qualification) -> dict:
    locale = None
    if q.locale is not None:
        locale = {"Country": q.locale.country, "Subdivision": q.locale.subdivision}
    return {
        "QualificationTypeId": q.type_id,
        "SubjectId": q.subject_id,
        "GrantTime": iso(q.grant_time),
        "IntegerValue": q.integer_value,
        "LocaleValue": locale,
        "Status": q.status,
    }


def qualification_request(r: QualificationRequest) -> dict:
    return {
        "QualificationRequestId": r.id,
        "QualificationTypeId": r.type_id,
        "SubjectId": r.subject_id,
        "Test": r.test,
        "Answer": r.answer,
        "SubmitTime": iso(r.submit_time),
        "Status": r.status,
    }
