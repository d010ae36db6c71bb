"""The rules about HITs that do not need the store: what a valid HIT type, HIT,
Question document and QualificationRequirement are, which state a HIT is in, and
whether a worker's qualifications meet a requirement.

Limits are the reference's (legacy-api-reference-2014-08-15.txt, CreateHIT and
RegisterHITType): Title at most 128 characters, Description 2,000, Keywords 1,000,
RequesterAnnotation 255, UniqueRequestToken 64; LifetimeInSeconds and
AssignmentDurationInSeconds 30 to 31,536,000; AutoApprovalDelayInSeconds 0 to
2,592,000 (default 2,592,000); MaxAssignments 1 to 1,000,000,000 (default 1); at
most 10 QualificationRequirements; a Question at most 65,535 bytes.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from lxml import etree

from soap_mturk.domain import errors
from soap_mturk.domain.documents import parse_document
from soap_mturk.domain.errors import MTurkError
from soap_mturk.domain.identity import ID_ALPHABET
from soap_mturk.domain.model import (
    ABANDONED,
    ACCEPTED,
    APPROVED,
    ASSIGNABLE,
    DISPOSED,
    GRANTED,
    HIT,
    REJECTED,
    RETURNED,
    REVIEWABLE,
    REVIEWING,
    SUBMITTED,
    UNASSIGNABLE,
    Assignment,
    HITType,
    Locale,
    Price,
    Qualification,
    QualificationRequirement,
)
from soap_mturk.domain.qualifications import check_choice, check_int, require

MAX_TITLE, MAX_DESCRIPTION, MAX_KEYWORDS = 128, 2000, 1000
MAX_ANNOTATION, MAX_TOKEN, MAX_FEEDBACK = 255, 64, 1024
MIN_DURATION, MAX_DURATION = 30, 31_536_000
MAX_AUTO_APPROVAL_DELAY = 2_592_000
DEFAULT_AUTO_APPROVAL_DELAY = MAX_AUTO_APPROVAL_DELAY
MAX_ASSIGNMENTS = 1_000_000_000
MAX_REQUIREMENTS = 10
MIN_EXPIRATION_INCREMENT = 3600  # ExtendHIT
# "HITs created with fewer than 10 assignments cannot be extended to have 10 or more"
ASSIGNMENTS_FEE_THRESHOLD = 10
TOKEN_LIFETIME_SECONDS = 24 * 3600  # a UniqueRequestToken is remembered this long

COMPARATORS = (
    "LessThan",
    "LessThanOrEqualTo",
    "GreaterThan",
    "GreaterThanOrEqualTo",
    "EqualTo",
    "NotEqualTo",
    "Exists",
    "DoesNotExist",
    "In",
    "NotIn",
)
_ORDERED = {
    "LessThan": lambda v, w: v < w,
    "LessThanOrEqualTo": lambda v, w: v <= w,
    "GreaterThan": lambda v, w: v > w,
    "GreaterThanOrEqualTo": lambda v, w: v >= w,
}
QUESTION_ROOTS = ("QuestionForm", "ExternalQuestion", "HTMLQuestion")
CURRENCIES = ("USD",)


def check_length(name: str, value: str | None, limit: int) -> None:
    if value is not None and len(value) > limit:
        raise MTurkError.invalid(name, "(text)", f"at most {limit} characters")


def check_feedback(value: str | None) -> None:
    """RequesterFeedback: at most 1,024 characters and none of ASCII 0-8, 11, 12,
    14-31 (reference, ApproveAssignment)."""
    check_length("RequesterFeedback", value, MAX_FEEDBACK)
    if value is not None and any(ord(c) < 32 and c not in "\t\n\r" for c in value):
        raise MTurkError.invalid(
            "RequesterFeedback", "(text)", "control characters are not allowed"
        )


# --- HIT type properties --------------------------------------------------------------


def price(reward: dict | None) -> Price:
    require(Reward=reward)
    assert reward is not None  # require() refused None
    amount, currency = reward.get("Amount"), reward.get("CurrencyCode")
    require(**{"Reward.Amount": amount, "Reward.CurrencyCode": currency})
    if not isinstance(amount, Decimal) or amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise MTurkError.invalid("Reward.Amount", amount, "a non-negative amount in cents")
    check_choice("Reward.CurrencyCode", currency, CURRENCIES)
    assert currency is not None  # require() refused None
    return Price(amount.quantize(Decimal("0.01")), currency)


def requirement(data: dict) -> QualificationRequirement:
    type_id, comparator = data.get("QualificationTypeId"), data.get("Comparator")
    require(
        **{
            "QualificationRequirement.QualificationTypeId": type_id,
            "QualificationRequirement.Comparator": comparator,
        }
    )
    check_choice("QualificationRequirement.Comparator", comparator, COMPARATORS)
    assert type_id is not None and comparator is not None  # require() refused None
    integers = tuple(data.get("IntegerValue") or ())
    locales = tuple(
        Locale(v.get("Country"), v.get("Subdivision")) for v in data.get("LocaleValue") or ()
    )
    where = f"QualificationRequirement {type_id}"
    if comparator in ("Exists", "DoesNotExist"):
        if integers or locales:
            raise MTurkError.invalid(where, comparator, "Exists and DoesNotExist take no value")
    else:
        if bool(integers) == bool(locales):
            raise MTurkError.invalid(
                where, comparator, "give either IntegerValue or LocaleValue, not both or neither"
            )
        many = len(integers) + len(locales) > 1
        if many and comparator not in ("In", "NotIn"):
            raise MTurkError.invalid(where, comparator, "only In and NotIn take several values")
        if locales and comparator not in ("EqualTo", "NotEqualTo", "In", "NotIn"):
            raise MTurkError.invalid(
                where, comparator, "a LocaleValue is compared with EqualTo, NotEqualTo, In, NotIn"
            )
        if any(not loc.country for loc in locales):
            raise MTurkError.missing("LocaleValue.Country")
    return QualificationRequirement(
        type_id, comparator, integers, locales, bool(data.get("RequiredToPreview"))
    )


def requirements(items: list[dict] | None) -> tuple[QualificationRequirement, ...]:
    items = items or []
    if len(items) > MAX_REQUIREMENTS:
        raise MTurkError.invalid(
            "QualificationRequirement", len(items), f"at most {MAX_REQUIREMENTS} per HIT"
        )
    return tuple(requirement(item) for item in items)


def validate_type_properties(
    *,
    title: str | None,
    description: str | None,
    reward: dict | None,
    assignment_duration: int | None,
    auto_approval_delay: int | None,
    keywords: str | None,
    qualification_requirements: list[dict] | None,
) -> dict:
    """The properties of a HIT type, checked, as HITType's fields."""
    require(
        Title=title,
        Description=description,
        Reward=reward,
        AssignmentDurationInSeconds=assignment_duration,
    )
    check_length("Title", title, MAX_TITLE)
    check_length("Description", description, MAX_DESCRIPTION)
    check_length("Keywords", keywords, MAX_KEYWORDS)
    check_int("AssignmentDurationInSeconds", assignment_duration, MIN_DURATION, MAX_DURATION)
    delay = DEFAULT_AUTO_APPROVAL_DELAY if auto_approval_delay is None else auto_approval_delay
    check_int("AutoApprovalDelayInSeconds", delay, 0, MAX_AUTO_APPROVAL_DELAY)
    return {
        "title": title,
        "description": description,
        "reward": price(reward),
        "assignment_duration": assignment_duration,
        "auto_approval_delay": delay,
        "keywords": keywords,
        "requirements": requirements(qualification_requirements),
    }


def type_signature(owner: str, properties: dict) -> str:
    """What makes two HIT types the same: RegisterHITType answers the same id for
    the same owner and properties."""
    reward: Price = properties["reward"]
    return json.dumps(
        [
            owner,
            properties["title"],
            properties["description"],
            str(reward.amount),
            reward.currency_code,
            properties["assignment_duration"],
            properties["auto_approval_delay"],
            properties["keywords"],
            [
                [r.type_id, r.comparator, list(r.integer_values),
                 [[loc.country, loc.subdivision] for loc in r.locale_values],
                 r.required_to_preview]
                for r in properties["requirements"]
            ],
        ]
    )  # fmt: skip


# --- the Question -----------------------------------------------------------------------


def check_question(text: str) -> str:
    """A Question is a QuestionForm, an ExternalQuestion or an HTMLQuestion in its
    data schema's namespace, well-formed, at most 65,535 bytes. Returns its kind."""
    root_name = _root_name(text)
    root = parse_document("Question", text, root_name)
    if root_name == "ExternalQuestion":
        _one_child(root, "ExternalURL")
        _frame_height(root)
    elif root_name == "HTMLQuestion":
        _one_child(root, "HTMLContent")
        _frame_height(root)
    elif not [c for c in root if _local(c) == "Question"]:
        raise errors.XMLParseError("Question: a QuestionForm holds at least one Question.")
    return root_name


def _root_name(text: str) -> str:
    """The root element's local name, read without building the tree (the full check
    is parse_document's)."""
    try:
        for _, element in etree.iterparse(
            _Bytes(text.encode("utf-8")),
            events=("start",),
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
        ):
            name = _local(element)
            if name in QUESTION_ROOTS:
                return name
            break
    except etree.XMLSyntaxError:
        return "QuestionForm"  # parse_document reports the syntax error
    raise errors.XMLParseError(
        "Question must be a QuestionForm, an ExternalQuestion or an HTMLQuestion."
    )


class _Bytes:
    def __init__(self, data: bytes):
        self._data, self._at = data, 0

    def read(self, size: int = -1) -> bytes:
        end = len(self._data) if size < 0 else self._at + size
        chunk, self._at = self._data[self._at : end], min(end, len(self._data))
        return chunk


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _one_child(root: etree._Element, name: str) -> str:
    found = [c for c in root if _local(c) == name]
    if len(found) != 1 or not (found[0].text or "").strip():
        raise errors.XMLParseError(f"Question: {_local(root)} needs one non-empty {name}.")
    return found[0].text.strip()


def _frame_height(root: etree._Element) -> None:
    text = _one_child(root, "FrameHeight")
    if not text.isdigit():
        raise errors.XMLParseError(f"Question: FrameHeight {text!r} is not a whole number.")


# --- states ---------------------------------------------------------------------------


@dataclass(frozen=True)
class HITState:
    """A HIT as it stands at one moment of emulator time."""

    hit: HIT
    hit_type: HITType
    status: str
    pending: int
    available: int
    completed: int
    # NumberOfSimilarHITs: the Assignable HITs of this one's group, itself included;
    # None until HITService.with_similar counts it (it reads the group's other HITs).
    similar: int | None = None

    @property
    def group_id(self) -> str:
        return group_id_of(self.hit.type_id)


def group_id_of(hit_type_id: str) -> str:
    """A HIT's HITGroupId. Workers see HITs in groups: the HITs of one HIT type (one
    requester, title, description, reward, keywords, durations and requirements; the
    service gives HITs registered with the same properties the same type). A real
    answer (2012-03-25 SearchHITs) shows a group id shaped like the other ids and
    unlike its HITTypeId; derived from the type id, it is the same in every process
    and after every restart, with nothing stored."""
    digest = int.from_bytes(hashlib.sha256(b"HITGroup:" + hit_type_id.encode()).digest(), "big")
    letters = []
    for _ in range(30):
        digest, index = divmod(digest, len(ID_ALPHABET))
        letters.append(ID_ALPHABET[index])
    return "".join(letters)


def state_of(hit: HIT, hit_type: HITType, assignments: list[Assignment], now: datetime) -> HITState:
    """Which state a HIT is in. Assignable: not expired and a slot is free.
    Reviewable: nobody is working on it and either every slot's work is submitted
    or it has expired (DisableHIT's description in the reference). Unassignable:
    otherwise (workers hold every free slot, or it expired with work in progress).
    Reviewing and Disposed are set by the requester."""
    pending = sum(1 for a in assignments if a.status == ACCEPTED)
    completed = sum(1 for a in assignments if a.status in (SUBMITTED, APPROVED, REJECTED))
    expired = hit.expiration <= now
    free = max(0, hit.max_assignments - pending - completed)
    if hit.disposed:
        status = DISPOSED
    elif hit.reviewing:
        status = REVIEWING
    elif pending == 0 and (expired or free == 0):
        status = REVIEWABLE
    elif not expired and free > 0:
        status = ASSIGNABLE
    else:
        status = UNASSIGNABLE
    available = free if status == ASSIGNABLE else 0
    return HITState(hit, hit_type, status, pending, available, completed)


def holds_slot(assignment: Assignment) -> bool:
    return assignment.status not in (RETURNED, ABANDONED)


# --- requirements and a worker's qualifications ----------------------------------------


def meets(requirement: QualificationRequirement, held: Qualification | None) -> bool:
    """Whether a worker's qualification (None: has none, or it is revoked) meets a
    requirement. Every comparator but DoesNotExist needs the qualification."""
    if held is not None and held.status != GRANTED:
        held = None
    if requirement.comparator == "DoesNotExist":
        return held is None
    if held is None:
        return False
    if requirement.comparator == "Exists":
        return True
    if requirement.locale_values:
        locale = held.locale
        if locale is None:
            return False
        matches = any(
            wanted.country == locale.country
            and (wanted.subdivision is None or wanted.subdivision == locale.subdivision)
            for wanted in requirement.locale_values
        )
        return matches if requirement.comparator in ("EqualTo", "In") else not matches
    value = held.integer_value
    if value is None:
        return False
    wanted = requirement.integer_values
    if requirement.comparator in _ORDERED:
        return _ORDERED[requirement.comparator](value, wanted[0])
    if requirement.comparator in ("EqualTo", "In"):
        return value in wanted
    return value not in wanted  # NotEqualTo, NotIn
