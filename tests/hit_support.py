"""Documents and helpers shared by the HIT tests: a QuestionForm and answers to it,
an ExternalQuestion, and a worker driven through the control API."""

from __future__ import annotations

import uuid

from soap_mturk.control.client import ControlClient, ControlError

DATA = "http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas"

QUESTION_FORM = f"""<QuestionForm xmlns="{DATA}/2005-10-01/QuestionForm.xsd">
  <Question>
    <QuestionIdentifier>tweet</QuestionIdentifier>
    <IsRequired>true</IsRequired>
    <QuestionContent><Text>Write a tweet.</Text></QuestionContent>
    <AnswerSpecification><FreeTextAnswer/></AnswerSpecification>
  </Question>
</QuestionForm>"""

EXTERNAL_QUESTION = f"""<ExternalQuestion xmlns="{DATA}/2006-07-14/ExternalQuestion.xsd">
  <ExternalURL>https://example.com/task?id=1</ExternalURL>
  <FrameHeight>400</FrameHeight>
</ExternalQuestion>"""

HTML_QUESTION = f"""<HTMLQuestion xmlns="{DATA}/2011-11-11/HTMLQuestion.xsd">
  <HTMLContent><![CDATA[<!DOCTYPE html><html><body><form></form></body></html>]]></HTMLContent>
  <FrameHeight>300</FrameHeight>
</HTMLQuestion>"""


def answers(text: str = "This is my tweet!", identifier: str = "tweet") -> str:
    return (
        f'<QuestionFormAnswers xmlns="{DATA}/2005-10-01/QuestionFormAnswers.xsd">'
        f"<Answer><QuestionIdentifier>{identifier}</QuestionIdentifier>"
        f"<FreeText>{text}</FreeText></Answer></QuestionFormAnswers>"
    )


def worker_id() -> str:
    """A worker id shaped like the vendor's: A and 13 upper-case letters and digits."""
    return "A" + uuid.uuid4().hex[:13].upper()


class Worker:
    """One scripted worker."""

    def __init__(self, control: ControlClient, worker: str | None = None):
        self.control, self.id = control, worker or worker_id()

    def hits(self) -> list[dict]:
        return self.control.worker_hits(self.id)

    def accept(self, hit_id: str) -> dict:
        return self.control.accept_hit(self.id, hit_id)

    def submit(self, assignment_id: str, answer: str | None = None) -> dict:
        return self.control.submit_assignment(self.id, assignment_id, answer or answers())

    def take(self, hit_id: str, answer: str | None = None) -> str:
        """Accept and submit at once; the assignment's id."""
        assignment_id = self.accept(hit_id)["AssignmentId"]
        self.submit(assignment_id, answer)
        return assignment_id


def refused_code(call, *args) -> str:
    try:
        call(*args)
    except ControlError as error:
        return error.code
    raise AssertionError("the control API accepted it")
