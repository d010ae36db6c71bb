"""The vendor's errors: one class per error code, each with its code and a default
message (as moto models AWS errors), so that code and tests pick an error by its
class. Legacy SDKs map the code strings to exception classes, so they must match
the vendor's spelling exactly.

Messages are the vendor's words where a real answer was recorded (README, "Error
messages", lists which and where from); the others are ours."""

from __future__ import annotations

from typing import ClassVar

_MT = "AWS.MechanicalTurk."


class MTurkError(Exception):
    """A failure the vendor reported with a code and a message."""

    code: ClassVar[str]
    default_message: ClassVar[str] = "The request failed."

    def __init__(self, message: str | None = None, data: tuple[tuple[str, str], ...] = ()):
        self.message = message or self.default_message
        # The vendor's Error/Data key-value pairs, e.g. the id of the type that a
        # duplicate name belongs to.
        self.data = data
        super().__init__(f"{self.code}: {self.message}")

    # The messages the domain and the protocols give most often, in one place each.

    @staticmethod
    def missing(*names: str) -> MissingParameters:
        return MissingParameters(
            "Your request is missing required parameters. Required parameters include "
            + ", ".join(names)
            + "."
        )

    @staticmethod
    def invalid(name: str, value: object, why: str) -> InvalidParameterValue:
        # The vendor's words (cloudyr/MTurkR issue #118 quotes one), then why, in ours.
        return InvalidParameterValue(
            f'The value "{value}" is not valid for the parameter {name}: {why}.'
        )

    @staticmethod
    def out_of_range(name: str, value: object, low: object, high: object) -> ParameterOutOfRange:
        return ParameterOutOfRange(
            f"The value {value} for {name} is out of range: it must be between {low} and {high}."
        )

    @staticmethod
    def no_such_type(type_id: str) -> QualificationTypeDoesNotExist:
        # The vendor's words (human-nature-lab/breadboard issue #204 quotes one).
        return QualificationTypeDoesNotExist(f"QualificationType [{type_id}] does not exist.")

    @staticmethod
    def name_taken(existing_type_id: str) -> QualificationTypeAlreadyExists:
        # The vendor's Data with its message (a 2015 REST answer quoted in public code).
        return QualificationTypeAlreadyExists(data=(("QualificationTypeId", existing_type_id),))

    @staticmethod
    def not_owner(type_id: str) -> PermissionDenied:
        # Ours: no recorded answer of the vendor's for this code. (rturk issue #33 quotes
        # "This user is not authorized to perform the requested operation." under the
        # different code AWS.MechanicalTurk.PermissionDenied, an account-level refusal.)
        return PermissionDenied(
            f"You do not own QualificationType [{type_id}]: only its owner may do this."
        )


# --- credentials ---------------------------------------------------------------------


class NotAuthorized(MTurkError):
    code = "AWS.NotAuthorized"
    default_message = "The call was not authenticated."


class BadClaimsSupplied(MTurkError):
    code = "AWS.BadClaimsSupplied"
    default_message = "The request's credentials are incomplete."


# --- input ---------------------------------------------------------------------------


class MissingParameters(MTurkError):
    code = "AWS.MissingParameters"
    default_message = "Your request is missing required parameters."


class InvalidServiceParameter(MTurkError):  # REST: Service
    code = "AWS.InvalidServiceParameter"


class InvalidOperationParameter(MTurkError):  # REST: Operation
    code = "AWS.InvalidOperationParameter"


class ParameterOutOfRange(MTurkError):
    code = "AWS.ParameterOutOfRange"


class InvalidParameterValue(MTurkError):
    code = _MT + "InvalidParameterValue"


class XMLParseError(MTurkError):
    code = _MT + "XMLParseError"


# --- missing objects -----------------------------------------------------------------


class QualificationTypeDoesNotExist(MTurkError):
    code = _MT + "QualificationTypeDoesNotExist"


class QualificationDoesNotExist(MTurkError):
    code = _MT + "QualificationDoesNotExist"
    # The vendor's words (boto/boto issue #3171, Dallinger/Dallinger issue #3331).
    default_message = "You requested a Qualification that does not exist."


class QualificationRequestDoesNotExist(MTurkError):
    code = _MT + "QualificationRequestDoesNotExist"


# --- wrong state ---------------------------------------------------------------------


class InvalidQualificationTypeState(MTurkError):
    code = _MT + "InvalidQualificationTypeState"


class InvalidQualificationState(MTurkError):
    code = _MT + "InvalidQualificationState"


class InvalidQualificationRequestState(MTurkError):
    code = _MT + "InvalidQualificationRequestState"


# --- duplicates ----------------------------------------------------------------------


class QualificationTypeAlreadyExists(MTurkError):
    code = _MT + "QualificationTypeAlreadyExists"
    # The vendor's words (Dallinger/Dallinger issue #3331).
    default_message = (
        "You have already created a QualificationType with this name. A QualificationType's "
        "name must be unique among all of the QualificationTypes created by the same user."
    )


class QualificationAlreadyExists(MTurkError):
    code = _MT + "QualificationAlreadyExists"


# --- permission and retakes ----------------------------------------------------------


class PermissionDenied(MTurkError):
    code = _MT + "PermissionDeniedException"


class QualificationTypeRetryDelayNotElapsed(MTurkError):
    code = _MT + "QualificationTypeRetryDelayNotElapsed"


class QualificationTypeDoesNotAllowRetake(MTurkError):
    code = _MT + "QualificationTypeDoesNotAllowRetake"


# --- money ---------------------------------------------------------------------------


class InsufficientFunds(MTurkError):
    # The code the vendor's Java SDK maps to InsufficientFundsException (tc/java-aws-mturk).
    code = _MT + "InsufficientFunds"


# --- notifications -----------------------------------------------------------------


class InvalidTransportEndpoint(MTurkError):
    # The code the vendor's Java SDK maps to InvalidTransportEndpointException
    # (tc/java-aws-mturk).
    code = _MT + "InvalidTransportEndpoint"


# --- the service itself --------------------------------------------------------------


class ServiceUnavailable(MTurkError):
    code = "AWS.ServiceUnavailable"
    default_message = "The request could not be processed."


# --- HITs and assignments ----------------------------------------------------------
# Codes: the reference (HitAlreadyExists, InvalidMaximumAssignmentsIncrease,
# InvalidAssignmentState) and the vendor's Java SDK, which maps HITDoesNotExist,
# AssignmentDoesNotExist, InvalidHITState and InvalidAssignmentState to exceptions.


class HITDoesNotExist(MTurkError):
    code = _MT + "HITDoesNotExist"


class AssignmentDoesNotExist(MTurkError):
    code = _MT + "AssignmentDoesNotExist"


class InvalidHITState(MTurkError):
    code = _MT + "InvalidHITState"


class InvalidAssignmentState(MTurkError):
    code = _MT + "InvalidAssignmentState"


class HitAlreadyExists(MTurkError):
    code = _MT + "HitAlreadyExists"


class InvalidMaximumAssignmentsIncrease(MTurkError):
    code = _MT + "InvalidMaximumAssignmentsIncrease"


class DoesNotMeetRequirements(MTurkError):  # a worker who may not take a HIT
    code = _MT + "DoesNotMeetRequirements"


class NoHITsAvailable(MTurkError):  # a worker accepting a HIT with no free slot
    code = _MT + "NoHITsAvailableInGroupException"


class AssignmentAlreadyExists(MTurkError):  # a worker accepting a HIT twice
    code = _MT + "AssignmentAlreadyExists"
