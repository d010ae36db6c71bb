"""Grading rules of the AnswerKey (data schema 2005-10-01), as the reference states them."""

from decimal import Decimal

import pytest

from soap_mturk.domain import MTurkError, errors
from soap_mturk.domain.answer_key import grade, parse_answer_key, parse_answers
from tests.worker_docs import CHESS_KEY, SCHEMAS, answer_key, answers, key_question


def value(key: str, answer: str | None) -> int:
    return grade(key, answer).value


def test_reference_example_percentage_of_maximum():
    assert value(CHESS_KEY, answers(nextmove="D", favoritefruit="apples")) == 100
    assert value(CHESS_KEY, answers(nextmove="D", favoritefruit="pears")) == 33  # 5/15 -> 33.3
    assert value(CHESS_KEY, answers(nextmove="A", favoritefruit="apples")) == 67  # 10/15 -> 66.7
    assert value(CHESS_KEY, answers()) == 0


def test_option_scores_only_on_an_exact_set_of_selections():
    key = answer_key(key_question("q", (("a", "b"), 4), (("a",), 1)))
    assert value(key, answers(q=("b", "a"))) == 4
    assert value(key, answers(q="a")) == 1
    assert value(key, answers(q=("a", "b", "c"))) == 0  # a superset is no match
    assert value(key, answers(q="b")) == 0  # a subset is no match


def test_default_score_when_no_option_matches_and_negative_scores():
    key = answer_key(
        key_question("q1", (("yes",), 3), default=-1) + key_question("q2", (("no",), -2))
    )
    assert value(key, answers(q1="yes", q2="no")) == 1
    assert value(key, answers(q1="maybe", q2="yes")) == -1
    assert value(key, None) == -1  # nothing answered: q1's default, q2's implicit 0


def test_without_mapping_the_sum_is_the_value():
    key = answer_key(key_question("q1", (("x",), 7)) + key_question("q2", (("y",), 8)))
    summed = grade(key, answers(q1="x", q2="y"))
    assert (summed.summed_score, summed.value) == (Decimal(15), 15)


def test_scale_mapping_multiplies_and_rounds_to_nearest():
    scaled = lambda m: answer_key(  # noqa: E731
        key_question("q", (("x",), 5)),
        f"<QualificationValueMapping><ScaleMapping><SummedScoreMultiplier>{m}"
        "</SummedScoreMultiplier></ScaleMapping></QualificationValueMapping>",
    )
    assert value(scaled("3"), answers(q="x")) == 15
    assert value(scaled("0.5"), answers(q="x")) == 3  # 2.5 rounds half away from zero
    assert value(scaled("0.45"), answers(q="x")) == 2  # 2.25


def test_percentage_rounds_half_up():
    key = answer_key(
        key_question("q", (("x",), 1)),
        "<QualificationValueMapping><PercentageMapping><MaximumSummedScore>8"
        "</MaximumSummedScore></PercentageMapping></QualificationValueMapping>",
    )
    assert value(key, answers(q="x")) == 13  # 12.5


RANGES = (
    "<QualificationValueMapping><RangeMapping>"
    "<SummedScoreRange><InclusiveLowerBound>5</InclusiveLowerBound><InclusiveUpperBound>7"
    "</InclusiveUpperBound><QualificationValue>5</QualificationValue></SummedScoreRange>"
    "<SummedScoreRange><InclusiveLowerBound>8</InclusiveLowerBound><InclusiveUpperBound>10"
    "</InclusiveUpperBound><QualificationValue>10</QualificationValue></SummedScoreRange>"
    "<OutOfRangeQualificationValue>0</OutOfRangeQualificationValue></RangeMapping>"
    "</QualificationValueMapping>"
)


@pytest.mark.parametrize(
    "chosen, expected",
    [(("a",), 5), (("a", "b"), 5), (("c",), 10), (("d",), 10), (("e",), 0), ((), 0)],
)
def test_range_mapping_with_inclusive_bounds(chosen, expected):
    # scores: a=5, a+b=7, c=8, d=10, e=11
    key = answer_key(
        key_question("q", (("a",), 5), (("a", "b"), 7), (("c",), 8), (("d",), 10), (("e",), 11)),
        RANGES,
    )
    assert value(key, answers(q=chosen)) == expected


@pytest.mark.parametrize(
    "document",
    [
        "<AnswerKey>",  # not well-formed
        f'<Other xmlns="{SCHEMAS}AnswerKey.xsd"/>',
        '<AnswerKey xmlns="urn:someone-else"/>',
        answer_key(key_question("q", (("x",), "ten"))),
        answer_key(
            "<Question><AnswerOption><AnswerScore>1</AnswerScore></AnswerOption></Question>"
        ),
        answer_key(key_question("q", (("x",), 1)), "<QualificationValueMapping/>"),
        answer_key(
            key_question("q", (("x",), 1)),
            "<QualificationValueMapping><PercentageMapping><MaximumSummedScore>0"
            "</MaximumSummedScore></PercentageMapping></QualificationValueMapping>",
        ),
        '<!DOCTYPE AnswerKey [<!ENTITY x "boom">]><AnswerKey>&x;</AnswerKey>',
    ],
    ids=[
        "malformed",
        "wrong-root",
        "wrong-namespace",
        "score-not-number",
        "no-identifier",
        "empty-mapping",
        "zero-maximum",
        "dtd",
    ],
)
def test_bad_answer_keys_are_refused_with_xml_parse_error(document):
    with pytest.raises(errors.XMLParseError):
        parse_answer_key(document)


def test_answers_with_external_entity_are_refused_without_reading_files():
    hostile = (
        '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        f'<QuestionFormAnswers xmlns="{SCHEMAS}QuestionFormAnswers.xsd">'
        "<Answer><QuestionIdentifier>&x;</QuestionIdentifier></Answer></QuestionFormAnswers>"
    )
    with pytest.raises(errors.XMLParseError) as refused:
        parse_answers(hostile)
    assert "root:" not in refused.value.message


def test_answers_are_read_as_selection_sets_per_question():
    parsed = parse_answers(answers(q1=("b", "a"), q2=()))
    assert parsed == {"q1": frozenset({"a", "b"}), "q2": frozenset()}
