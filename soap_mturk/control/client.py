"""A small Python client for a running emulator's control API (standard library only).

control = ControlClient("http://127.0.0.1:8080")
control.reset()
control.load("fixture.yaml")
outcome = control.request_qualification("AZ3456EXAMPLE", type_id, answer=xml)
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

from soap_mturk.control.fixtures import read_fixture_file, to_json_ready


class ControlError(Exception):
    """The control API refused a call: `code` is the vendor's error code where one applies."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.status, self.code, self.message = status, code, message


class ControlClient:
    def __init__(self, base_url: str, timeout: float = 30.0):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def _call(self, method: str, path: str, payload=None):
        data = None if payload is None else json.dumps(payload).encode("utf-8")
        request = urllib.request.Request(
            f"{self.base_url}/_emulator{path}",
            data=data,
            method=method,
            headers={"Content-Type": "application/json", "Accept": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as error:
            body = error.read().decode("utf-8", "replace")
            try:
                detail = json.loads(body)["Error"]
                raise ControlError(error.code, detail["Code"], detail["Message"]) from None
            except (ValueError, KeyError, TypeError):
                raise ControlError(error.code, "HTTPError", body.strip() or str(error)) from None

    def state(self) -> dict:
        return self._call("GET", "/state")

    def dashboard_url(self) -> str:
        return f"{self.base_url}/_emulator/"

    def reset(self) -> None:
        self._call("POST", "/reset", {})

    def load(self, fixture: dict | str | Path) -> dict:
        """Load a fixture given as data, or as a path to a .json / .yaml file."""
        data = (
            read_fixture_file(fixture)
            if isinstance(fixture, (str, Path))
            else to_json_ready(fixture)
        )
        return self._call("POST", "/fixtures", data)

    def clock(self) -> dict:
        """{"Now": emulator time (ISO 8601), "OffsetSeconds": its lead over wall-clock time}."""
        return self._call("GET", "/clock")

    def advance_clock(self, seconds: float) -> dict:
        """Move emulator time forward: HITs expire, deadlines pass, assignments
        auto-approve as if that much time had gone by."""
        return self._call("POST", "/clock", {"AdvanceSeconds": seconds})

    # --- scripted workers and HITs ---------------------------------------------------

    def _worker(self, worker_id: str) -> str:
        return f"/workers/{quote(worker_id, safe='')}"

    def worker_hits(self, worker_id: str) -> list[dict]:
        """The Assignable HITs the worker may see, each with "CanAccept"."""
        return self._call("GET", self._worker(worker_id) + "/hits")["HITs"]

    def preview_hit(self, worker_id: str, hit_id: str) -> dict:
        """The HIT as the worker previews it (Question included)."""
        return self._call("GET", f"{self._worker(worker_id)}/hits/{quote(hit_id, safe='')}")["HIT"]

    def accept_hit(self, worker_id: str, hit_id: str) -> dict:
        """The worker accepts the HIT: the new assignment (with its Deadline)."""
        path = f"{self._worker(worker_id)}/hits/{quote(hit_id, safe='')}/accept"
        return self._call("POST", path, {})["Assignment"]

    def submit_assignment(self, worker_id: str, assignment_id: str, answer: str) -> dict:
        """The worker submits a QuestionFormAnswers document."""
        path = f"{self._worker(worker_id)}/assignments/{quote(assignment_id, safe='')}/submit"
        return self._call("POST", path, {"Answer": answer})["Assignment"]

    def return_assignment(self, worker_id: str, assignment_id: str) -> dict:
        path = f"{self._worker(worker_id)}/assignments/{quote(assignment_id, safe='')}/return"
        return self._call("POST", path, {})["Assignment"]

    def upload_file(self, worker_id: str, assignment_id: str, question: str, data: bytes) -> dict:
        """The worker uploads a file for a FileUploadAnswer question:
        {"UploadedFileKey", "UploadedFileSizeInBytes"}, to put in its answer."""
        path = f"{self._worker(worker_id)}/assignments/{quote(assignment_id, safe='')}/files"
        body = {"QuestionIdentifier": question, "Content": base64.b64encode(data).decode("ascii")}
        return self._call("POST", path, body)

    def set_system_qualification(
        self,
        worker_id: str,
        type_id: str,
        integer_value: int | None = None,
        locale: dict | None = None,
    ) -> dict:
        """Give a worker a value for a system qualification type, e.g.
        ("A1WORKER", "000000000000000000L0", 97) or
        ("A1WORKER", "00000000000000000071", locale={"Country": "US", "Subdivision": "CA"}).
        Returns {"Qualification": {...}}."""
        body: dict = {"QualificationTypeId": type_id}
        if integer_value is not None:
            body["IntegerValue"] = integer_value
        if locale is not None:
            body["LocaleValue"] = locale
        return self._call(
            "POST", f"/workers/{quote(worker_id, safe='')}/system-qualifications", body
        )

    def request_qualification(
        self, worker_id: str, type_id: str, answer: str | None = None
    ) -> dict:
        """A worker asks for a qualification, with answers to the type's test if it has one.
        Returns {"QualificationRequest": {...}, "Qualification": {...} or None}."""
        body = {"QualificationTypeId": type_id}
        if answer is not None:
            body["Answer"] = answer
        return self._call(
            "POST", f"/workers/{quote(worker_id, safe='')}/qualification-requests", body
        )

    def messages(self, worker_id: str | None = None) -> list[dict]:
        """The messages NotifyWorkers sent: to one worker (its inbox), or to anyone."""
        path = (
            "/messages" if worker_id is None else f"/workers/{quote(worker_id, safe='')}/messages"
        )
        return self._call("GET", path)["Messages"]

    def set_balance(self, access_key: str, amount) -> dict:
        """Set a requester's AvailableBalance (dollars, as a number or text)."""
        return self._call(
            "POST",
            f"/requesters/{quote(access_key, safe='')}/balance",
            {"AvailableBalance": str(amount)},
        )

    def notifications(self) -> list[dict]:
        """Every notification message with its outcome: Pending, Delivered or Failed
        (REST, SOAP), Recorded (Email, SQS)."""
        return self._call("GET", "/notifications")["Notifications"]
