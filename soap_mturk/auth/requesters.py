"""The requesters the emulator knows: access key, secret key, display name."""

from __future__ import annotations

import threading
from dataclasses import dataclass


@dataclass(frozen=True)
class Requester:
    access_key: str
    secret_key: str
    name: str | None = None

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
