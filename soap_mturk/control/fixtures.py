"""Fixture documents: requesters, qualification types, their qualifications and
pending requests, as JSON or YAML. Keys use the vendor's element names, so a
fixture reads like the API's own structures. The format is in README."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from soap_mturk.auth.requesters import Requester, RequesterConfigError, checked_requester
from soap_mturk.domain.identity import new_id
from soap_mturk.domain.model import ACTIVE, FIXTURE, GRANTED, Locale, QualificationType
from soap_mturk.domain.money import parse_balance
from soap_mturk.domain.seeding import (
    AT_LOAD,
    SeedQualification,
    SeedRequest,
    SeedSystemValue,
    SeedType,
)


class FixtureError(ValueError):
    """The fixture is not in the documented format; the message says where."""


@dataclass
class Fixture:
    requesters: list[Requester]
    types: list[SeedType]
    system_values: list[SeedSystemValue] = field(default_factory=list)


def read_fixture_file(path: str | Path) -> dict:
    """A fixture file as plain data. YAML is a superset of JSON, so one reader serves
    both; without PyYAML, JSON still works."""
    text = Path(path).read_text(encoding="utf-8")
    if str(path).endswith((".yaml", ".yml")):
        try:
            import yaml
        except ImportError:  # pragma: no cover - PyYAML is a dependency
            raise FixtureError("reading YAML fixtures needs PyYAML (pip install pyyaml)") from None
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as error:
            raise FixtureError(f"{path}: not valid YAML: {error}") from None
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise FixtureError(f"{path}: not valid JSON: {error}") from None
    return to_json_ready(data or {})


def to_json_ready(data: Any) -> Any:
    """YAML turns timestamps into datetimes; JSON carries them as ISO 8601 text."""
    if isinstance(data, dict):
        return {str(k): to_json_ready(v) for k, v in data.items()}
    if isinstance(data, list):
        return [to_json_ready(v) for v in data]
    if isinstance(data, datetime):
        if data.tzinfo is None:
            data = data.replace(tzinfo=UTC)
        return data.isoformat()
    if isinstance(data, date):
        return data.isoformat()
    return data


class _Reader:
    """Typed access to one mapping of the fixture, naming the place of any mistake."""

    def __init__(self, data: Any, where: str, allowed: tuple[str, ...]):
        if not isinstance(data, dict):
            raise FixtureError(f"{where}: expected a mapping, got {type(data).__name__}")
        unknown = sorted(set(data) - set(allowed))
        if unknown:
            raise FixtureError(
                f"{where}: unknown key(s) {', '.join(unknown)}; allowed: {', '.join(allowed)}"
            )
        self.data, self.where = data, where

    def _get(self, key: str, kinds: tuple[type, ...], required: bool):
        value = self.data.get(key)
        if value is None:
            if required:
                raise FixtureError(f"{self.where}: {key} is required")
            return None
        if not isinstance(value, kinds) or (bool not in kinds and isinstance(value, bool)):
            names = " or ".join(k.__name__ for k in kinds)
            raise FixtureError(f"{self.where}.{key}: expected {names}, got {type(value).__name__}")
        return value

    def text(self, key: str) -> str | None:
        return self._get(key, (str,), False)

    def required_text(self, key: str) -> str:
        return self._get(key, (str,), True)

    def integer(self, key: str) -> int | None:
        return self._get(key, (int,), False)

    def flag(self, key: str) -> bool | None:
        return self._get(key, (bool,), False)

    def items(self, key: str) -> list:
        return self._get(key, (list,), False) or []

    def time(self, key: str) -> datetime | None:
        text = self.text(key)
        if text is None:
            return None
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            raise FixtureError(f"{self.where}.{key}: {text!r} is not an ISO 8601 time") from None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def parse_fixture(data: Any, default_owner: str | None = None) -> Fixture:
    """Types without an Owner belong to the fixture's first requester, else to
    `default_owner` (the server's first configured requester). Requesters obey the
    command line's rules; whether an Owner is known is the control API's check."""
    top = _Reader(data, "fixture", ("Requesters", "QualificationTypes", "SystemQualifications"))
    requesters = []
    for n, item in enumerate(top.items("Requesters")):
        where = f"Requesters[{n}]"
        r = _Reader(item, where, ("AccessKeyId", "SecretAccessKey", "Name", "Balance"))
        balance = r._get("Balance", (int, float, str), False)
        if balance is not None:
            try:
                balance = parse_balance(balance, f"{where}.Balance")
            except ValueError as error:
                raise FixtureError(str(error)) from None
        try:
            requester = checked_requester(
                r.data.get("AccessKeyId"),
                r.data.get("SecretAccessKey"),
                r.data.get("Name"),
                where,
                FIXTURE,
                fields=("AccessKeyId", "SecretAccessKey", "Name"),
            )
        except RequesterConfigError as error:
            raise FixtureError(str(error)) from None
        requesters.append(replace(requester, balance=balance))
    keys = [r.access_key for r in requesters]
    twice = sorted({key for key in keys if keys.count(key) > 1})
    if twice:
        raise FixtureError(f"Requesters: access key {twice[0]} appears twice")
    if requesters:
        default_owner = requesters[0].access_key
    types = [
        _seed_type(item, f"QualificationTypes[{n}]", default_owner)
        for n, item in enumerate(top.items("QualificationTypes"))
    ]
    system_values = [
        _system_value(item, f"SystemQualifications[{n}]")
        for n, item in enumerate(top.items("SystemQualifications"))
    ]
    return Fixture(requesters, types, system_values)


def _locale(data: Any, where: str) -> Locale | None:
    if data is None:
        return None
    loc = _Reader(data, f"{where}.LocaleValue", ("Country", "Subdivision"))
    return Locale(loc.required_text("Country"), loc.text("Subdivision"))


def _system_value(item: Any, where: str) -> SeedSystemValue:
    """A worker's value for a system type (approval rate, locale, Masters, ...)."""
    v = _Reader(item, where, ("SubjectId", "QualificationTypeId", "IntegerValue", "LocaleValue"))
    return SeedSystemValue(
        worker_id=v.required_text("SubjectId"),
        type_id=v.required_text("QualificationTypeId"),
        integer_value=v.integer("IntegerValue"),
        locale=_locale(v.data.get("LocaleValue"), where),
    )


_TYPE_KEYS = (
    "QualificationTypeId",
    "Owner",
    "Name",
    "Description",
    "Keywords",
    "QualificationTypeStatus",
    "RetryDelayInSeconds",
    "Test",
    "TestDurationInSeconds",
    "AnswerKey",
    "AutoGranted",
    "AutoGrantedValue",
    "CreationTime",
    "Qualifications",
    "QualificationRequests",
)


def _seed_type(item: Any, where: str, default_owner: str | None) -> SeedType:
    t = _Reader(item, where, _TYPE_KEYS)
    owner = t.text("Owner") or default_owner
    if owner is None:
        raise FixtureError(f"{where}: Owner is required (the server has no requester)")
    qtype = QualificationType(
        id=t.text("QualificationTypeId") or new_id(),
        owner=owner,
        name=t.required_text("Name"),
        creation_time=t.time("CreationTime") or AT_LOAD,  # emulator time, at load
        description=t.text("Description"),
        keywords=t.text("Keywords"),
        status=t.text("QualificationTypeStatus") or ACTIVE,
        test=t.text("Test"),
        test_duration=t.integer("TestDurationInSeconds"),
        answer_key=t.text("AnswerKey"),
        retry_delay=t.integer("RetryDelayInSeconds"),
        auto_granted=bool(t.flag("AutoGranted")),
        auto_granted_value=t.integer("AutoGrantedValue"),
    )
    qualifications = []
    for n, held in enumerate(t.items("Qualifications")):
        q = _Reader(
            held,
            f"{where}.Qualifications[{n}]",
            ("SubjectId", "IntegerValue", "LocaleValue", "Status", "GrantTime"),
        )
        locale = None
        if q.data.get("LocaleValue") is not None:
            loc = _Reader(
                q.data["LocaleValue"], f"{q.where}.LocaleValue", ("Country", "Subdivision")
            )
            locale = Locale(loc.required_text("Country"), loc.text("Subdivision"))
        qualifications.append(
            SeedQualification(
                worker_id=q.required_text("SubjectId"),
                integer_value=q.integer("IntegerValue"),
                locale=locale,
                status=q.text("Status") or GRANTED,
                grant_time=q.time("GrantTime"),
            )
        )
    requests = []
    for n, pending in enumerate(t.items("QualificationRequests")):
        r = _Reader(
            pending,
            f"{where}.QualificationRequests[{n}]",
            ("SubjectId", "Answer", "SubmitTime", "QualificationRequestId"),
        )
        requests.append(
            SeedRequest(
                worker_id=r.required_text("SubjectId"),
                answer=r.text("Answer"),
                submit_time=r.time("SubmitTime"),
                request_id=r.text("QualificationRequestId"),
            )
        )
    return SeedType(qtype, qualifications, requests)
