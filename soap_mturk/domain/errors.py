"""The vendor's error codes. Legacy SDKs map these strings to exception classes, so
they must match the vendor's spelling exactly."""

from __future__ import annotations

_MT = "AWS.MechanicalTurk."


class Code:
    # credentials
    NOT_AUTHORIZED = "AWS.NotAuthorized"
    BAD_CLAIMS_SUPPLIED = "AWS.BadClaimsSupplied"
    BAD_CREDENTIAL_SUPPLIED = "AWS.BadCredentialSupplied"
    # input
    MISSING_PARAMETERS = "AWS.MissingParameters"
    INVALID_SERVICE_PARAMETER = "AWS.InvalidServiceParameter"  # REST: Service
    INVALID_OPERATION_PARAMETER = "AWS.InvalidOperationParameter"  # REST: Operation
    PARAMETER_OUT_OF_RANGE = "AWS.ParameterOutOfRange"
    INVALID_PARAMETER_VALUE = _MT + "InvalidParameterValue"
    XML_PARSE_ERROR = _MT + "XMLParseError"
    # missing objects
    QUALIFICATION_TYPE_DOES_NOT_EXIST = _MT + "QualificationTypeDoesNotExist"
    QUALIFICATION_DOES_NOT_EXIST = _MT + "QualificationDoesNotExist"
    QUALIFICATION_REQUEST_DOES_NOT_EXIST = _MT + "QualificationRequestDoesNotExist"
    # wrong state
    INVALID_QUALIFICATION_TYPE_STATE = _MT + "InvalidQualificationTypeState"
    INVALID_QUALIFICATION_STATE = _MT + "InvalidQualificationState"
    INVALID_QUALIFICATION_REQUEST_STATE = _MT + "InvalidQualificationRequestState"
    # duplicates
    QUALIFICATION_TYPE_ALREADY_EXISTS = _MT + "QualificationTypeAlreadyExists"
    QUALIFICATION_ALREADY_EXISTS = _MT + "QualificationAlreadyExists"
    # permission
    PERMISSION_DENIED = _MT + "PermissionDeniedException"
    # retakes
    RETRY_DELAY_NOT_ELAPSED = _MT + "QualificationTypeRetryDelayNotElapsed"
    DOES_NOT_ALLOW_RETAKE = _MT + "QualificationTypeDoesNotAllowRetake"
    # other
    SERVICE_UNAVAILABLE = "AWS.ServiceUnavailable"


class MTurkError(Exception):
    """A failure the vendor reported with a code and a message."""

    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message

    @classmethod
    def missing(cls, *names: str) -> MTurkError:
        return cls(
            Code.MISSING_PARAMETERS,
            "Your request is missing required parameters. Required parameters include "
            + ", ".join(names)
            + ".",
        )

    @classmethod
    def invalid(cls, name: str, value: object, why: str) -> MTurkError:
        return cls(
            Code.INVALID_PARAMETER_VALUE, f"{value!r} is not a valid value for {name}: {why}."
        )

    @classmethod
    def out_of_range(cls, name: str, value: object, low: int, high: int) -> MTurkError:
        return cls(
            Code.PARAMETER_OUT_OF_RANGE,
            f"The value {value} for {name} is out of range: it must be between {low} and {high}.",
        )

    @classmethod
    def no_such_type(cls, type_id: str) -> MTurkError:
        return cls(
            Code.QUALIFICATION_TYPE_DOES_NOT_EXIST,
            f"Qualification type {type_id} does not exist.",
        )

    @classmethod
    def not_owner(cls, type_id: str) -> MTurkError:
        return cls(
            Code.PERMISSION_DENIED,
            f"You do not have permission to modify qualifications of type {type_id}: "
            "only the owner of a qualification type may.",
        )
