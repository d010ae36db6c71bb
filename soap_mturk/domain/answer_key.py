"""Grading a qualification test: QuestionFormAnswers scored against an AnswerKey
(data schemas 2005-10-01), then mapped to the qualification value.

The rules are the reference's: an AnswerOption scores only when the worker chose
exactly its selections, otherwise the question's DefaultScore (0) counts; the sum
is the value unless a QualificationValueMapping (Percentage, Scale or Range) says
otherwise. Both documents arrive from clients, so they are parsed without DTDs,
entities or network access.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from lxml import etree

from soap_mturk.domain import errors
from soap_mturk.domain.documents import parse_document


def _parse(name: str, text: str, root_name: str) -> etree._Element:
    return parse_document(name, text, root_name)


def _children(element: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in element if isinstance(c.tag, str) and etree.QName(c).localname == name]


def _text(element: etree._Element, name: str) -> str | None:
    found = _children(element, name)
    return (found[0].text or "").strip() if found else None


# A qualification value is an xs:int (the WSDL's IntegerValue). Scores, bounds and
# multipliers are "a number" in the reference; we accept at most a billion in size
# and nine decimal places, far beyond any test, so that no arithmetic on them is ever
# slow (Decimal('1E+1000000') is a valid number that int() takes minutes to expand).
INT_MIN, INT_MAX = -(2**31), 2**31 - 1
NUMBER_LIMIT = Decimal(10**9)
DECIMAL_PLACES = 9


def _out_of_range(name: str, text: str | None, low: Decimal, high: Decimal) -> errors.MTurkError:
    shown = text if text is None or len(text) <= 40 else text[:40] + "..."
    return errors.MTurkError.out_of_range(f"AnswerKey {name}", shown, low, high)


def _number(
    name: str, text: str | None, low: Decimal = -NUMBER_LIMIT, high: Decimal = NUMBER_LIMIT
) -> Decimal:
    try:
        value = Decimal(text or "")
    except InvalidOperation:
        raise errors.XMLParseError(f"AnswerKey: {name} {text!r} is not a number.") from None
    if not value.is_finite():
        raise errors.XMLParseError(f"AnswerKey: {name} {text!r} is not a number.")
    # Comparisons and the digit tuple cost nothing whatever the exponent; nothing
    # else is computed before the value is known to be small.
    if not low <= value <= high:
        raise _out_of_range(name, text, low, high)
    _, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)  # a finite value's exponent (checked above)
    trailing_zeros = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    if value and exponent + trailing_zeros < -DECIMAL_PLACES:
        raise errors.ParameterOutOfRange(
            f"AnswerKey: {name} {(text or '')[:40]!r} has more than {DECIMAL_PLACES} decimal places."
        )
    return value


def _integer(name: str, text: str | None) -> int:
    value = _number(name, text, Decimal(INT_MIN), Decimal(INT_MAX))
    if value != value.to_integral_value():
        raise errors.XMLParseError(f"AnswerKey: {name} {text!r} is not an integer.")
    return int(value)


@dataclass(frozen=True)
class AnswerOption:
    selections: frozenset[str]
    score: Decimal


@dataclass(frozen=True)
class KeyQuestion:
    identifier: str
    options: tuple[AnswerOption, ...]
    default_score: Decimal = Decimal(0)


@dataclass(frozen=True)
class ScoreRange:
    low: Decimal
    high: Decimal
    value: int


@dataclass(frozen=True)
class AnswerKey:
    questions: tuple[KeyQuestion, ...]
    percentage_of: Decimal | None = None  # PercentageMapping/MaximumSummedScore
    multiplier: Decimal | None = None  # ScaleMapping/SummedScoreMultiplier
    ranges: tuple[ScoreRange, ...] = ()  # RangeMapping
    out_of_range_value: int | None = None

    def summed_score(self, answers: dict[str, frozenset[str]]) -> Decimal:
        total = Decimal(0)
        for question in self.questions:
            chosen = answers.get(question.identifier, frozenset())
            matching = [o for o in question.options if o.selections == chosen]
            # Only duplicated options can both match; the first one counts.
            total += matching[0].score if matching else question.default_score
        return total

    def value_for(self, summed: Decimal) -> int:
        if self.percentage_of is not None:
            return _round(summed / self.percentage_of * 100)
        if self.multiplier is not None:
            # The reference does not say how a fractional product is rounded; we round
            # to the nearest integer, halves away from zero, as for percentages.
            return _round(summed * self.multiplier)
        if self.out_of_range_value is not None:
            for score_range in self.ranges:
                if score_range.low <= summed <= score_range.high:
                    return score_range.value
            return self.out_of_range_value
        return _round(summed)

    def grade(self, answers: dict[str, frozenset[str]]) -> int:
        return self.value_for(self.summed_score(answers))

    def largest_value(self) -> Decimal:
        """How far from zero a grade can be: every question scoring its largest
        option or default, through the mapping. Bounded numbers, so cheap."""
        largest = Decimal(0)
        for question in self.questions:
            scores = [abs(o.score) for o in question.options] + [abs(question.default_score)]
            largest += max(scores)
        if self.percentage_of is not None:
            return largest / self.percentage_of * 100
        if self.multiplier is not None:
            return largest * abs(self.multiplier)
        if self.out_of_range_value is not None:
            return Decimal(0)  # the values are xs:ints themselves
        return largest


def _round(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def parse_answer_key(text: str) -> AnswerKey:
    root = _parse("AnswerKey", text, "AnswerKey")
    questions = []
    for question in _children(root, "Question"):
        identifier = _text(question, "QuestionIdentifier")
        if not identifier:
            raise errors.XMLParseError("AnswerKey: a Question has no QuestionIdentifier.")
        options = []
        for option in _children(question, "AnswerOption"):
            selections = frozenset(
                (s.text or "").strip() for s in _children(option, "SelectionIdentifier")
            )
            if not selections:
                raise errors.XMLParseError(
                    f"AnswerKey: an AnswerOption of {identifier} has no SelectionIdentifier.",
                )
            options.append(
                AnswerOption(selections, _number("AnswerScore", _text(option, "AnswerScore")))
            )
        default = _text(question, "DefaultScore")
        questions.append(
            KeyQuestion(
                identifier,
                tuple(options),
                _number("DefaultScore", default) if default else Decimal(0),
            )
        )
    key = AnswerKey(tuple(questions))
    mappings = _children(root, "QualificationValueMapping")
    if mappings:
        key = _with_mapping(key, mappings[0])
    largest = key.largest_value()
    if largest > INT_MAX:
        raise errors.ParameterOutOfRange(
            f"AnswerKey: a test graded with this key can score {largest:.0f}, beyond the "
            f"largest qualification value {INT_MAX}.",
        )
    return key


def _with_mapping(key: AnswerKey, mapping: etree._Element) -> AnswerKey:
    if _children(mapping, "PercentageMapping"):
        maximum = _number(
            "MaximumSummedScore",
            _text(_children(mapping, "PercentageMapping")[0], "MaximumSummedScore"),
        )
        if maximum <= 0:
            raise errors.XMLParseError("AnswerKey: MaximumSummedScore must be positive.")
        return AnswerKey(key.questions, percentage_of=maximum)
    if _children(mapping, "ScaleMapping"):
        scale = _children(mapping, "ScaleMapping")[0]
        return AnswerKey(
            key.questions,
            multiplier=_number("SummedScoreMultiplier", _text(scale, "SummedScoreMultiplier")),
        )
    if _children(mapping, "RangeMapping"):
        range_mapping = _children(mapping, "RangeMapping")[0]
        ranges = tuple(
            ScoreRange(
                _number("InclusiveLowerBound", _text(r, "InclusiveLowerBound")),
                _number("InclusiveUpperBound", _text(r, "InclusiveUpperBound")),
                _integer("QualificationValue", _text(r, "QualificationValue")),
            )
            for r in _children(range_mapping, "SummedScoreRange")
        )
        out = _integer(
            "OutOfRangeQualificationValue", _text(range_mapping, "OutOfRangeQualificationValue")
        )
        return AnswerKey(key.questions, ranges=ranges, out_of_range_value=out)
    raise errors.XMLParseError(
        "AnswerKey: QualificationValueMapping needs a PercentageMapping, ScaleMapping or RangeMapping.",
    )


def parse_answers(text: str | None) -> dict[str, frozenset[str]]:
    """QuestionFormAnswers as {QuestionIdentifier: the SelectionIdentifiers chosen}."""
    if text is None or not text.strip():
        return {}
    root = _parse("Answer", text, "QuestionFormAnswers")
    answers: dict[str, frozenset[str]] = {}
    for answer in _children(root, "Answer"):
        identifier = _text(answer, "QuestionIdentifier")
        if not identifier:
            raise errors.XMLParseError("Answer: an Answer has no QuestionIdentifier.")
        chosen = frozenset((s.text or "").strip() for s in _children(answer, "SelectionIdentifier"))
        answers[identifier] = answers.get(identifier, frozenset()) | chosen
    return answers


@dataclass
class Grade:
    summed_score: Decimal
    value: int
    answers: dict[str, frozenset[str]] = field(default_factory=dict)


def grade(answer_key: str, answer: str | None) -> Grade:
    key = parse_answer_key(answer_key)
    answers = parse_answers(answer)
    summed = key.summed_score(answers)
    return Grade(summed, key.value_for(summed), answers)
