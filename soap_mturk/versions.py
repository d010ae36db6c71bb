"""API versions, as data.

Each published version of the legacy Requester API is one `ApiVersion`: its date (the
REST `Version` value), its SOAP namespace, the operations it has, how its messages
differ from the current tables in `soap_mturk.api.schema` (`Shapes`: fields renamed,
absent, with other occurs or added; enumeration values absent), and the service
rules it answered by (`domain.Rules`). Nothing
else in the code asks which version it serves: the protocols read the version's
operations and types, the api layer renames fields with `to_wire`/`from_wire`, and
the domain applies the version's rules.

The evidence for each version is in `EVIDENCE` and in the README's table of served
versions. Where no source says what a version had, it keeps what the nearest older
documented version had, and README says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from soap_mturk.api.schema import ECHOED_REQUESTS, ENUMS, INT, TYPES, Field
from soap_mturk.domain.rules import Rules

NAMESPACE_PREFIX = "http://requester.mturk.amazonaws.com/doc/"

# The 13 qualification operations, grouped by the version that brought them.
FIRST_GENERATION_OPERATIONS = frozenset(
    {
        "CreateQualificationType",
        "GetQualificationType",
        "UpdateQualificationType",
        "SearchQualificationTypes",
        "GetQualificationRequests",
        "GrantQualification",
        "GetQualificationScore",
        "UpdateQualificationScore",
    }
)
# 2006-08-23 release notes: reject requests, revoke, query granted qualifications.
# AssignQualification is in the 2007-06-21 WSDL; no source dates it earlier, and
# we serve it from 2006-08-23 on (README, "Served API versions").
OPERATIONS_2006_08_23 = FIRST_GENERATION_OPERATIONS | {
    "RejectQualificationRequest",
    "RevokeQualification",
    "GetQualificationsForQualificationType",
    "AssignQualification",
}
# DisposeQualificationType is absent from the 2007-06-21 WSDL and used by rturk,
# which sends Version=2008-08-02.
OPERATIONS_2008_08_02 = OPERATIONS_2006_08_23 | {"DisposeQualificationType"}
# The account, worker and help operations of the 2007-06-21 WSDL; GetBlockedWorkers
# came with the 2012 WSDL (mechanicalturk.typepad.com/blog/2012/04; the 2013-11-15
# classes in ipeirotis/mturk-surveys, GetBlockedWorkers.java).
ACCOUNT_OPERATIONS_2007_06_21 = frozenset(
    {"GetAccountBalance", "BlockWorker", "UnblockWorker", "NotifyWorkers", "Help"}
)
ACCOUNT_OPERATIONS_2012_03_25 = ACCOUNT_OPERATIONS_2007_06_21 | {"GetBlockedWorkers"}
# Notifications, bonuses and statistics need HIT types and assignments: served
# where HITs are.
NOTIFICATION_OPERATIONS = frozenset(
    {
        "SetHITTypeNotification", "SendTestEventNotification", "GrantBonus", "GetBonusPayments",
        "GetRequesterStatistic", "GetRequesterWorkerStatistic",
    }
)  # fmt: skip
# HITs and assignments (issue 13): from 2012-03-25 on, the 19 of the 2014-08-15 WSDL
# (review policies, HIT layouts); 2007-06-21 to 2008-08-02, the 16 of the 2007-06-21
# WSDL with its shapes (SHAPES_2007_06_21). No source at hand gives the HIT
# messages of 2006-10-31 or older: those versions do not serve them.
HIT_OPERATIONS = frozenset(
    {
        "RegisterHITType",
        "CreateHIT",
        "GetHIT",
        "SearchHITs",
        "GetReviewableHITs",
        "GetHITsForQualificationType",
        "ChangeHITTypeOfHIT",
        "ExtendHIT",
        "ForceExpireHIT",
        "DisableHIT",
        "DisposeHIT",
        "SetHITAsReviewing",
        "GetAssignment",
        "GetAssignmentsForHIT",
        "ApproveAssignment",
        "RejectAssignment",
        "ApproveRejectedAssignment",
        "GetReviewResultsForHIT",
        "GetFileUploadURL",
    }
)
# The 2007-06-21 WSDL has 16 of them, and so has the vendor's 2008-08-02 API reference
# (mdp/rturk aws_docs/, its operation pages). GetAssignment and
# ApproveRejectedAssignment came with the 2012 WSDL (mechanicalturk.typepad.com/blog/
# 2012/04), GetReviewResultsForHIT with review policies.
HIT_OPERATIONS_2007_06_21 = HIT_OPERATIONS - {
    "GetAssignment", "ApproveRejectedAssignment", "GetReviewResultsForHIT"
}  # fmt: skip
OPERATIONS_2012_03_25 = OPERATIONS_2008_08_02 | HIT_OPERATIONS


Occurs = tuple[int, int | None]


@dataclass(frozen=True)
class Shapes:
    """How a version's messages differ from the tables in api.schema, as data: the
    codec, spyne's models (so the WSDL) and the answer writers read the result
    (`ApiVersion.types`, `ApiVersion.enums`), never the version's date."""

    # type name -> {field name in api.schema: the name this version gives it}
    renamed: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    # type name -> fields this version does not have
    absent: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # type name -> {field name in api.schema: (min occurs, max occurs; None unbounded)}
    occurs: Mapping[str, Mapping[str, Occurs]] = field(default_factory=dict)
    # type name -> fields this version has that api.schema does not, each after
    # the field (by its api.schema name) it follows on the wire
    added: Mapping[str, tuple[tuple[str, Field], ...]] = field(default_factory=dict)
    # enumeration name -> values this version's enumeration does not have
    enum_absent: Mapping[str, frozenset[str]] = field(default_factory=dict)


# The first generation's Qualification: CreationTime and Value (seed 001), and its
# score updates and grants took `Value` (the 2005-10-01 reference as quoted by the
# Intellispire PHP client, mturk.class.php).
FIRST_GENERATION_SHAPES = Shapes(
    renamed={
        "Qualification": {"GrantTime": "CreationTime", "IntegerValue": "Value"},
        "UpdateQualificationScoreRequest": {"IntegerValue": "Value"},
        "GrantQualificationRequest": {"IntegerValue": "Value"},
    },
    absent={
        "Qualification": frozenset({"SubjectId", "LocaleValue", "Status"}),
        "Locale": frozenset({"Subdivision"}),
    },
)
# Until 2014-08-15 a Locale was a Country only (2007-06-21 WSDL; the 2013-11-15
# classes in ipeirotis/mturk-surveys, Locale.java).
COUNTRY_ONLY_SHAPES = Shapes(absent={"Locale": frozenset({"Subdivision"})})
# The messages of the 2007-06-21 WSDL and XSD (vendor-wsdl/2007-06-21), which the
# vendor's 2008-08-02 reference (mdp/rturk aws_docs/) describes too: a `Locale` is a
# Country only; no review policies, HIT layouts or request tokens; a HIT reports
# NumberOfSimilarHITs (after AssignmentDurationInSeconds; the captured get_hit.xml
# has it there) and no HITGroupId or HITLayoutId; a
# QualificationRequirement holds one IntegerValue or LocaleValue and compares without
# DoesNotExist, In or NotIn; CreateHIT requires its Question; the `Request` echo names
# two slots without their suffix (GetAssignmentsForHIT, GetFileUploadURL, each holding
# that operation's request: 2007 WSDL lines 1932-1933); NotifyWorkersResult holds only
# its Request (no failure statuses; so does the 2008-08-02 NotifyWorkers page).
SHAPES_2007_06_21 = Shapes(
    renamed={
        "Request": {
            "GetAssignmentsForHITRequest": "GetAssignmentsForHIT",
            "GetFileUploadURLRequest": "GetFileUploadURL",
        }
    },
    absent={
        "Locale": frozenset({"Subdivision"}),
        "NotifyWorkersResult": frozenset({"NotifyWorkersFailureStatus"}),
        "CreateHITRequest": frozenset(
            {
                "UniqueRequestToken",
                "AssignmentReviewPolicy",
                "HITReviewPolicy",
                "HITLayoutId",
                "HITLayoutParameter",
            }
        ),
        "ExtendHITRequest": frozenset({"UniqueRequestToken"}),
        "HIT": frozenset({"HITGroupId", "HITLayoutId"}),
    },
    occurs={
        "CreateHITRequest": {"Question": (1, 1)},
        "QualificationRequirement": {"IntegerValue": (0, 1), "LocaleValue": (0, 1)},
    },
    added={"HIT": (("AssignmentDurationInSeconds", Field("NumberOfSimilarHITs", INT)),)},
    enum_absent={"Comparator": frozenset({"DoesNotExist", "In", "NotIn"})},
)
CURRENT_SHAPES = Shapes()

FIRST_GENERATION_RULES = Rules(anyone_may_read_scores=True)
CURRENT_RULES = Rules()


@dataclass(frozen=True)
class ApiVersion:
    date: str
    operations: frozenset[str]
    shapes: Shapes = CURRENT_SHAPES
    rules: Rules = CURRENT_RULES

    @property
    def namespace(self) -> str:
        return NAMESPACE_PREFIX + self.date

    @property
    def types(self) -> Mapping[str, list[Field]]:
        """The complex types of this version, by their api.schema names, with this
        version's field names and without the fields it lacks. The `Request` echo
        holds only the requests of this version's operations."""
        return _types(self)

    @property
    def written(self) -> Mapping[str, frozenset[str]]:
        """Each type's element names in this version (api.schema's type names)."""
        return _written(self)

    @property
    def enums(self) -> Mapping[str, tuple[str, ...]]:
        """The enumerations of this version: api.schema's without the values it lacks."""
        return _enums(self.shapes)

    def has(self, operation: str) -> bool:
        return operation in self.operations

    def wire_name(self, type_name: str, field_name: str) -> str:
        """The name this version gives a field of a type (api.schema names both)."""
        return self.shapes.renamed.get(type_name, {}).get(field_name, field_name)

    def to_wire(self, type_name: str, data: Mapping[str, Any]) -> dict[str, Any]:
        """A result keyed by api.schema names, as this version names its elements."""
        return _convert(self, type_name, data, outward=True)

    def from_wire(self, type_name: str, data: Mapping[str, Any]) -> dict[str, Any]:
        """A request as this version named it, keyed by api.schema names."""
        return _convert(self, type_name, data, outward=False)


_TYPES_CACHE: dict[tuple, Mapping[str, list[Field]]] = {}


def _types(version: ApiVersion) -> Mapping[str, list[Field]]:
    # Keyed by what the types depend on: a test may declare a narrower version.
    key = (version.date, frozenset(version.operations), id(version.shapes))
    if key in _TYPES_CACHE:
        return _TYPES_CACHE[key]
    shapes = version.shapes
    types: dict[str, list[Field]] = {}
    for name, fields in TYPES.items():
        renamed = shapes.renamed.get(name, {})
        absent = shapes.absent.get(name, frozenset())
        occurs = shapes.occurs.get(name, {})
        after: dict[str, list[Field]] = {}
        for previous, added in shapes.added.get(name, ()):
            after.setdefault(previous, []).append(added)
        shaped: list[Field] = []
        for fd in fields:
            if fd.name not in absent:
                low, high = occurs.get(fd.name, (fd.min, fd.max))
                shaped.append(fd._replace(name=renamed.get(fd.name, fd.name), min=low, max=high))
            shaped += after.pop(fd.name, [])
        # An added field must follow one of the type's own: a misspelt anchor
        # would silently drop it.
        assert not after, f"{name}: no field {sorted(after)} to add after"
        types[name] = shaped
    echoed = [r for r in ECHOED_REQUESTS if version.has(r.removesuffix("Request"))]
    types["Request"] = [
        fd for fd in types["Request"] if fd.name not in ECHOED_REQUESTS or fd.name in echoed
    ]
    _TYPES_CACHE[key] = MappingProxyType(types)
    return _TYPES_CACHE[key]


_WRITTEN_CACHE: dict[tuple, Mapping[str, frozenset[str]]] = {}


def _written(version: ApiVersion) -> Mapping[str, frozenset[str]]:
    key = (version.date, frozenset(version.operations), id(version.shapes))
    if key not in _WRITTEN_CACHE:
        _WRITTEN_CACHE[key] = MappingProxyType(
            {name: frozenset(fd.name for fd in fields) for name, fields in _types(version).items()}
        )
    return _WRITTEN_CACHE[key]


def _enums(shapes: Shapes) -> Mapping[str, tuple[str, ...]]:
    return MappingProxyType(
        {
            name: tuple(v for v in values if v not in shapes.enum_absent.get(name, ()))
            for name, values in ENUMS.items()
        }
    )


def _convert(
    version: ApiVersion, type_name: str, data: Mapping[str, Any], outward: bool
) -> dict[str, Any]:
    renamed = version.shapes.renamed.get(type_name, {})
    absent = version.shapes.absent.get(type_name, frozenset())
    if not outward:
        renamed = {wire: name for name, wire in renamed.items()}
    by_name = {fd.name: fd for fd in TYPES.get(type_name, ())}
    on_wire = {fd.name: fd for fd in version.types.get(type_name, ())}
    converted: dict[str, Any] = {}
    for key, value in data.items():
        if outward and key in absent:
            continue
        name = renamed.get(key, key)
        schema_field = by_name.get(key if outward else name)
        wire_field = on_wire.get(name if outward else key)
        if (
            schema_field is not None
            and wire_field is not None
            and value is not None
            and schema_field.repeated
            and not wire_field.repeated
        ):
            # A field this version holds once (2007's requirement IntegerValue): the
            # domain still sees a list; an answer writes the first value, all such a
            # version's client can read (a 2014 client may have set more).
            if outward:
                value = value[0] if isinstance(value, list) and value else value
            elif not isinstance(value, list):
                value = [value]
        if schema_field is not None and schema_field.type in TYPES and value is not None:
            value = (
                [_convert(version, schema_field.type, v, outward) for v in value]
                if isinstance(value, list)
                else _convert(version, schema_field.type, value, outward)
            )
        converted[name] = value
    return converted


VERSIONS: tuple[ApiVersion, ...] = (
    ApiVersion(
        "2014-08-15",
        OPERATIONS_2012_03_25 | ACCOUNT_OPERATIONS_2012_03_25 | NOTIFICATION_OPERATIONS,
    ),
    ApiVersion(
        "2013-11-15",
        OPERATIONS_2012_03_25 | ACCOUNT_OPERATIONS_2012_03_25 | NOTIFICATION_OPERATIONS,
        COUNTRY_ONLY_SHAPES,
    ),
    ApiVersion(
        "2012-03-25",
        OPERATIONS_2012_03_25 | ACCOUNT_OPERATIONS_2012_03_25 | NOTIFICATION_OPERATIONS,
        COUNTRY_ONLY_SHAPES,
    ),
    ApiVersion(
        "2008-08-02",
        OPERATIONS_2008_08_02 | ACCOUNT_OPERATIONS_2007_06_21 | HIT_OPERATIONS_2007_06_21,
        SHAPES_2007_06_21,
    ),
    ApiVersion(
        "2008-04-01",
        OPERATIONS_2006_08_23 | ACCOUNT_OPERATIONS_2007_06_21 | HIT_OPERATIONS_2007_06_21,
        SHAPES_2007_06_21,
    ),
    ApiVersion(
        "2007-06-21",
        OPERATIONS_2006_08_23 | ACCOUNT_OPERATIONS_2007_06_21 | HIT_OPERATIONS_2007_06_21,
        SHAPES_2007_06_21,
    ),
    ApiVersion("2006-10-31", OPERATIONS_2006_08_23, COUNTRY_ONLY_SHAPES),
    ApiVersion("2006-08-23", OPERATIONS_2006_08_23, COUNTRY_ONLY_SHAPES),
    ApiVersion(
        "2006-06-20", FIRST_GENERATION_OPERATIONS, FIRST_GENERATION_SHAPES, FIRST_GENERATION_RULES
    ),
    ApiVersion(
        "2005-10-01", FIRST_GENERATION_OPERATIONS, FIRST_GENERATION_SHAPES, FIRST_GENERATION_RULES
    ),
)
LATEST = VERSIONS[0]
BY_DATE = {v.date: v for v in VERSIONS}
BY_NAMESPACE = {v.namespace: v for v in VERSIONS}

# Where each version is attested (details in README, "Served API versions").
EVIDENCE: Mapping[str, str] = MappingProxyType(
    {
        "2014-08-15": "vendor WSDL (../shared/reference/vendor-wsdl/2014-08-15); the reference",
        "2013-11-15": "JAXB classes generated from its WSDL: ipeirotis/mturk-surveys, "
        "src/main/java/com/ipeirotis/mturk/requester/package-info.java",
        "2012-03-25": "API Reference API Version 2012-03-25; MTurkR R/request.R default version "
        "(R/CreateHIT.R: tokens, review policies, layouts); mechanicalturk.typepad.com/blog/2012/04",
        "2008-08-02": "its API reference as mdp/rturk ships it (aws_docs/); reference sample "
        "(legacy-api-reference-2014-08-15.txt line 4414); rturk; boto 2 "
        "(boto/mturk/connection.py APIVersion before 2.x)",
        "2008-04-01": "docs.amazonwebservices.com/AWSMechanicalTurkRequester/2008-04-01/"
        "ApiReference_WsdlLocationArticle.html",
        "2007-06-21": "vendor WSDL and XSD (../shared/reference/vendor-wsdl/2007-06-21); the "
        "Java SDK 1.2 (tc/java-aws-mturk etc/wsdl/2007-06-21)",
        "2006-10-31": "docs .../AWSMechanicalTurkRequester/2006-10-31/ (notification article); "
        "boto 2 create_hit docstring",
        "2006-08-23": "aws.amazon.com/releasenotes/Amazon-Mechanical-Turk/383",
        "2006-06-20": "aws.amazon.com/releasenotes/Amazon-Mechanical-Turk/270",
        "2005-10-01": "seed 001 = docs.amazonwebservices.com/AWSMechTurk/2005-10-01/ApiReference/"
        "GetQualificationScoreOperation.html",
    }
)
