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

    def __init__(self, code: str, message: str, data: tuple[tuple[str, str], ...] = ()):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        # The vendor's Error/Data key-value pairs, e.g. the id of the type that a
        # duplicate name belongs to.
        self.data = data

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
        # The vendor's words (MTurkR issue #118 quotes one), then why, in ours.
        return cls(
            Code.INVALID_PARAMETER_VALUE,
            f'The value "{value}" is not valid for the parameter {name}: {why}.',
        )

    @classmethod
    def out_of_range(cls, name: str, value: object, low: int, high: int) -> MTurkError:
        return cls(
            Code.PARAMETER_OUT_OF_RANGE,
            f"The value {value} for {name} is out of range: it must be between {low} and {high}.",
        )

    @classmethod
    def no_such_type(cls, type_id: str) -> MTurkError:
        # The vendor's words (human-nature-lab/breadboard issue #204 quotes one).
        return cls(
            Code.QUALIFICATION_TYPE_DOES_NOT_EXIST,
            f"QualificationType [{type_id}] does not exist.",
        )

    @classmethod
    def no_qualification(cls) -> MTurkError:
        # The vendor's words (boto issue #3171, Dallinger issue #3331).
        return cls(
            Code.QUALIFICATION_DOES_NOT_EXIST, "You requested a Qualification that does not exist."
        )

    @classmethod
    def name_taken(cls, existing_type_id: str) -> MTurkError:
        # The vendor's words and Data (Dallinger issue #3331; a 2015 REST answer quoted in
        # public code, see README "Error messages").
        return cls(
            Code.QUALIFICATION_TYPE_ALREADY_EXISTS,
            "You have already created a QualificationType with this name. A "
            "QualificationType's name must be unique among all of the QualificationTypes "
            "created by the same user.",
            data=(("QualificationTypeId", existing_type_id),),
        )

    @classmethod
    def not_owner(cls, type_id: str) -> MTurkError:
        # Ours: no recorded answer of the vendor's for this code. (rturk issue #33 quotes
        # "This user is not authorized to perform the requested operation." under the
        # different code AWS.MechanicalTurk.PermissionDenied, an account-level refusal.)
        return cls(
            Code.PERMISSION_DENIED,
            f"You do not own QualificationType [{type_id}]: only its owner may do this.",
        )
