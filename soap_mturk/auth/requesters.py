"""The requesters the emulator knows: access key, secret key, display name."""

from __future__ import annotations

import secrets
import string
import threading
import tomllib
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from soap_mturk.domain.identity import new_id
from soap_mturk.domain.model import CONFIGURED, DEVELOPMENT, FIXTURE, Requester
from soap_mturk.domain.money import parse_balance

if TYPE_CHECKING:
    from soap_mturk.domain.ports import Store

__all__ = ["Requester", "RequesterConfigError", "RequesterRegistry"]


class RequesterRegistry:
    """Thread-safe: what the verifier and the control API consult. Filled at start
    from configuration and the store (see `requesters_at_start`).

    Configured requesters and the development one are held in memory (every process
    reads the same configuration at start). Once an application shares it through
    its store (`share_through`), the requesters fixtures add live in the store
    alone, so every `--workers` process (and host) knows those another added or a
    reset forgot; configuration still wins over a kept requester of the same key."""

    def __init__(self, requesters: list[Requester] | None = None):
        self._lock = threading.Lock()
        self._by_key: dict[str, Requester] = {}
        self._store: Store | None = None
        for requester in requesters or []:
            self.add(requester)

    def share_through(self, store: Store) -> None:
        """Keep fixtures' requesters in `store` from now on (those held so far too)."""
        with self._lock:
            added = [r for r in self._by_key.values() if r.origin == FIXTURE]
            for requester in added:
                del self._by_key[requester.access_key]
            self._store = store
        if not added:
            return
        with store.read() as session:
            kept = set(session.kept_requesters())
        missing = [r for r in added if r not in kept]
        if missing:  # none when they came from this store (a read-only one included)
            with store.write() as session:
                for requester in missing:
                    session.keep_requester(requester)

    def add(self, requester: Requester) -> None:
        store = self._store
        if store is not None and requester.origin == FIXTURE:
            with store.write() as session:  # the seeder has usually kept it already
                session.keep_requester(requester)
            return
        with self._lock:
            self._by_key[requester.access_key] = requester

    def remove(self, access_key: str) -> None:
        """Forget a requester held in memory (a reset forgets the kept ones itself)."""
        with self._lock:
            self._by_key.pop(access_key, None)

    def held(self, access_key: str) -> Requester | None:
        """The requester held in memory (configured, or the development one), without
        reading the store: safe inside one of the store's transactions."""
        with self._lock:
            return self._by_key.get(access_key)

    def get(self, access_key: str) -> Requester | None:
        with self._lock:
            held = self._by_key.get(access_key)
        if held is not None or self._store is None:
            return held
        with self._store.read() as session:
            kept = session.kept_requester(access_key)
        return kept if kept is not None and kept.origin == FIXTURE else None

    def all(self) -> list[Requester]:
        with self._lock:
            by_key = dict(self._by_key)
        if self._store is not None:
            with self._store.read() as session:
                kept = session.kept_requesters()
            for requester in kept:
                if requester.origin == FIXTURE:
                    by_key.setdefault(requester.access_key, requester)
        return sorted(by_key.values(), key=lambda r: r.access_key)

    def __len__(self) -> int:
        return len(self.all())


class RequesterConfigError(ValueError):
    """Configuration that names no usable requester. Messages never quote a secret."""


def checked_requester(
    access_key: object,
    secret_key: object,
    name: object,
    where: str,
    origin: str = CONFIGURED,
    fields: tuple[str, str, str] = ("access_key", "secret_key", "name"),
) -> Requester:
    """A requester from untrusted text, under the rules every source obeys (command
    line, credentials file, fixture). `fields` names the keys in the source's terms."""
    key_field, secret_field, name_field = fields
    if not isinstance(access_key, str) or not access_key.strip():
        raise RequesterConfigError(f"{where}: {key_field} must be a non-empty string")
    if any(c.isspace() for c in access_key) or ":" in access_key:
        raise RequesterConfigError(f"{where}: {key_field} must not contain spaces or colons")
    if not isinstance(secret_key, str) or not secret_key:
        raise RequesterConfigError(f"{where}: {secret_field} must be a non-empty string")
    if name is not None and not isinstance(name, str):
        raise RequesterConfigError(f"{where}: {name_field} must be a string")
    return Requester(access_key, secret_key, name or None, origin)


def parse_requester_option(text: str) -> Requester:
    """`ACCESS_KEY:SECRET_KEY` or `ACCESS_KEY:SECRET_KEY:NAME` (AWS keys hold no colon)."""
    parts = text.split(":", 2)
    if len(parts) < 2:
        raise RequesterConfigError("--requester expects ACCESS_KEY:SECRET_KEY[:NAME]")
    return checked_requester(
        parts[0], parts[1], parts[2] if len(parts) == 3 else None, "--requester"
    )


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
        requester = checked_requester(
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
    return Requester("AKIA" + new_id(16), secret, "development requester", DEVELOPMENT)


def requesters_at_start(configured: list[Requester], store: Store) -> RequesterRegistry:
    """The requesters a server starts with: the configured ones, or when there are
    none the database's development requester (made on its first start, then kept);
    and the requesters fixtures added, kept in the store, unless configuration now
    names the same access key (configuration wins)."""
    registry = registry_of(configured)
    with store.read() as session:  # a write only on a database's first start
        kept = session.kept_requesters()
    if not configured:
        development = next((r for r in kept if r.origin == DEVELOPMENT), None)
        if development is None:
            with store.write() as session:
                kept = session.kept_requesters()  # another process may have made one
                development = next((r for r in kept if r.origin == DEVELOPMENT), None)
                if development is None:
                    development = development_requester()
                    session.keep_requester(development)
        registry.add(development)
    for requester in kept:
        if requester.origin == FIXTURE and registry.get(requester.access_key) is None:
            registry.add(requester)
    return registry
