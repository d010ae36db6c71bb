"""The qualification domain: entities, rules and error codes. No wire formats here."""

from soap_mturk.domain import errors
from soap_mturk.domain.errors import MTurkError
from soap_mturk.domain.model import (
    Locale,
    Page,
    Qualification,
    QualificationRequest,
    QualificationType,
)
from soap_mturk.domain.qualifications import QualificationService
from soap_mturk.domain.rules import Rules

__all__ = [
    "Locale",
    "MTurkError",
    "Page",
    "Qualification",
    "QualificationRequest",
    "QualificationService",
    "QualificationType",
    "Rules",
    "errors",
]
