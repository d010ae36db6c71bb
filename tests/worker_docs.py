"""Qualification test documents (data schemas 2005-10-01) for the worker-side tests."""

from __future__ import annotations

SCHEMAS = "http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/2005-10-01/"


def question_form(*questions: tuple[str, tuple[str, ...]]) -> str:
    """A QuestionForm of multiple-choice questions: (identifier, selection identifiers)."""
    parts = []
    for identifier, selections in questions:
        choices = "".join(
            f"<Selection><SelectionIdentifier>{s}</SelectionIdentifier><Text>{s}</Text></Selection>"
            for s in selections
        )
        parts.append(
            f"<Question><QuestionIdentifier>{identifier}</QuestionIdentifier>"
            f"<QuestionContent><Text>{identifier}?</Text></QuestionContent>"
            "<AnswerSpecification><SelectionAnswer><StyleSuggestion>radiobutton</StyleSuggestion>"
            f"<Selections>{choices}</Selections></SelectionAnswer></AnswerSpecification></Question>"
        )
    return f'<QuestionForm xmlns="{SCHEMAS}QuestionForm.xsd">{"".join(parts)}</QuestionForm>'


CHESS_TEST = question_form(
    ("nextmove", ("A", "B", "C", "D")), ("favoritefruit", ("apples", "pears"))
)


def answer_key(questions: str, mapping: str = "") -> str:
    return f'<AnswerKey xmlns="{SCHEMAS}AnswerKey.xsd">{questions}{mapping}</AnswerKey>'


def key_question(identifier: str, *options: tuple[tuple[str, ...], object], default=None) -> str:
    body = "".join(
        "<AnswerOption>"
        + "".join(f"<SelectionIdentifier>{s}</SelectionIdentifier>" for s in selections)
        + f"<AnswerScore>{score}</AnswerScore></AnswerOption>"
        for selections, score in options
    )
    tail = "" if default is None else f"<DefaultScore>{default}</DefaultScore>"
    return f"<Question><QuestionIdentifier>{identifier}</QuestionIdentifier>{body}{tail}</Question>"


# The reference's own example key: 5 for D, 10 for apples, as a percentage of 15.
CHESS_KEY = answer_key(
    key_question("nextmove", (("D",), 5)) + key_question("favoritefruit", (("apples",), 10)),
    "<QualificationValueMapping><PercentageMapping><MaximumSummedScore>15</MaximumSummedScore>"
    "</PercentageMapping></QualificationValueMapping>",
)


def answers(**chosen: tuple[str, ...] | str) -> str:
    parts = []
    for identifier, selections in chosen.items():
        if isinstance(selections, str):
            selections = (selections,)
        picks = "".join(f"<SelectionIdentifier>{s}</SelectionIdentifier>" for s in selections)
        parts.append(
            f"<Answer><QuestionIdentifier>{identifier}</QuestionIdentifier>{picks}</Answer>"
        )
    return f'<QuestionFormAnswers xmlns="{SCHEMAS}QuestionFormAnswers.xsd">{"".join(parts)}</QuestionFormAnswers>'
