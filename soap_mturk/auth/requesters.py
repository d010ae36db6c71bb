"""The requesters the emulator knows: access key, secret key, display name."""

from __future__ import annotations

import secrets
import string
import threading
import tomllib
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

from soap_mturk.domain.identity import new_id
from soap_mturk.domain.money import parse_balance


@dataclass(frozen=True)
class Requester:
    access_key: str
    secret_key: str
    name: str | None = None
    # Made up at start because none was configured: its secret is printed once, at start-up.
    development: bool = False
    # The account's balance when it is first used (None: the default, money.DEFAULT_BALANCE).
    balance: Decimal | None = None

    def __repr__(self) -> str:  # never let a secret reach a log line
        return f"Requester(access_key={self.access_key!r}, name={self.name!r})"


class RequesterRegistry:
    """Thread-safe, in memory: requesters come from configuration or fixtures at start."""

    def __init__(self, requesters: list[Requester] | None = None):
        self._lock = threading.Lock()
        self._by_key: dict[str, Requester] = {}
        for requester in requesters or []:
            self.add(requester)

    def add(self, requester: Requester) -> None:
        with self._lock:
            self._by_key[requester.access_key] = requester

    def remove(self, access_key: str) -> None:
        with self._lock:
            self._by_key.pop(access_key, None)

    def get(self, access_key: str) -> Requester | None:
        with self._lock:
            return self._by_key.get(access_key)

    def all(self) -> list[Requester]:
        with self._lock:
            return sorted(self._by_key.values(), key=lambda r: r.access_key)

    def __len__(self) -> int:
        with self._lock:
            return len(self._by_key)


class RequesterConfigError(ValueError):
    """Configuration that names no usable requester. Messages never quote a secret."""


def _requester(access_key: object, secret_key: object, name: object, where: str) -> Requester:
    if not isinstance(access_key, str) or not access_key.strip():
        raise RequesterConfigError(f"{where}: access_key must be a non-empty string")
    if any(c.isspace() for c in access_key):
        raise RequesterConfigError(f"{where}: access_key must not contain spaces")
    if not isinstance(secret_key, str) or not secret_key:
        raise RequesterConfigError(f"{where}: secret_key must be a non-empty string")
    if name is not None and not isinstance(name, str):
        raise RequesterConfigError(f"{where}: name must be a string")
    return Requester(access_key, secret_key, name or None)


def parse_requester_option(text: str) -> Requester:
    """`ACCESS_KEY:SECRET_KEY` or `ACCESS_KEY:SECRET_KEY:NAME` (AWS keys hold no colon)."""
    parts = text.split(":", 2)
    if len(parts) < 2:
        raise RequesterConfigError("--requester expects ACCESS_KEY:SECRET_KEY[:NAME]")
    return _requester(parts[0], parts[1], parts[2] if len(parts) == 3 else None, "--requester")


def load_credentials(path: str | Path) -> list[Requester]:
    """Requesters from a TOML file: one `[[requester]]` table each, with `access_key`,
    `secret_key` and an optional `name`."""
    try:
        with open(path, "rb") as handle:
            document = tomllib.load(handle)
    except OSError as error:
        raise RequesterConfigError(f"{path}: cannot read: {error.strerror}") from None
    except tomllib.TOMLDecodeError as error:
        # The decoder's message names a line and column, never the text there.
        raise RequesterConfigError(f"{path}: not valid TOML: {error}") from None
    tables = document.get("requester")
    if not isinstance(tables, list) or not tables:
        raise RequesterConfigError(f"{path}: expected one or more [[requester]] tables")
    found = []
    for number, table in enumerate(tables, 1):
        where = f"{path}: requester {number}"
        if not isinstance(table, dict):
            raise RequesterConfigError(f"{where}: expected a table")
        unknown = sorted(set(table) - {"access_key", "secret_key", "name", "balance"})
        if unknown:
            raise RequesterConfigError(f"{where}: unknown keys {', '.join(unknown)}")
        requester = _requester(
            table.get("access_key"), table.get("secret_key"), table.get("name"), where
        )
        if "balance" in table:
            balance = table["balance"]
            if isinstance(balance, bool) or not isinstance(balance, (int, float, str)):
                raise RequesterConfigError(f"{where}: balance must be a number of dollars")
            try:
                amount = parse_balance(balance, where)
            except ValueError as error:
                raise RequesterConfigError(str(error)) from None
            requester = replace(requester, balance=amount)
        found.append(requester)
    return found


def registry_of(requesters: list[Requester]) -> RequesterRegistry:
    """A registry of `requesters`, refusing one access key configured twice."""
    seen: set[str] = set()
    for requester in requesters:
        if requester.access_key in seen:
            raise RequesterConfigError(f"access key {requester.access_key} is configured twice")
        seen.add(requester.access_key)
    return RequesterRegistry(requesters)


def development_requester() -> Requester:
    """Random keys shaped like AWS's: a 20-character access key id, a 40-character secret."""
    alphabet = string.ascii_letters + string.digits + "+/"
    secret = "".join(secrets.choice(alphabet) for _ in range(40))
    return Requester("AKIA" + new_id(16), secret, "development requester", development=True)
