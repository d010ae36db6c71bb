"""An emulator started in-process for a test suite: a real HTTP server on a
free loopback port over a temporary SQLite file, a requester with known
credentials, and a handle to the control API."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from soap_mturk.auth import SERVICE
from soap_mturk.auth.requesters import Requester, RequesterRegistry
from soap_mturk.control.client import ControlClient
from soap_mturk.versions import LATEST


@dataclass
class EmulatorHandle:
    base_url: str
    access_key: str
    secret_key: str
    control: ControlClient
    database: Path

    @property
    def soap_url(self) -> str:
        return self.base_url + "/?Service=" + SERVICE

    @property
    def dashboard_url(self) -> str:
        return self.base_url + "/_emulator/"

    def advance_clock(self, seconds: float) -> dict:
        """Move emulator time forward (HIT expiry, deadlines, auto-approval)."""
        return self.control.advance_clock(seconds)

    def wsdl_url(self, date: str = LATEST.date) -> str:
        return f"{self.base_url}/AWSMechanicalTurk/{date}/AWSMechanicalTurkRequester.wsdl"

    def credentials(self, operation: str) -> dict:
        """AWSAccessKeyId, Timestamp and Signature for one SOAP call, signed the way
        the vendor's SDKs signed: HMAC-SHA1 over service + operation + timestamp."""
        timestamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        digest = hmac.new(
            self.secret_key.encode("utf-8"),
            (SERVICE + operation + timestamp).encode("utf-8"),
            hashlib.sha1,
        ).digest()
        return {
            "AWSAccessKeyId": self.access_key,
            "Timestamp": timestamp,
            "Signature": base64.b64encode(digest).decode("ascii"),
        }


@contextmanager
def running_emulator(access_key: str = "AKIAEMULATORTEST") -> Iterator[EmulatorHandle]:
    """Start the emulator; stop it and delete its database on exit."""
    from soap_mturk.auth.verify import SignatureVerifier
    from soap_mturk.server.app import EmulatorApp
    from soap_mturk.server.run import start_in_thread
    from soap_mturk.store import open_store

    with tempfile.TemporaryDirectory(prefix="soap-mturk-") as folder:
        database = Path(folder) / "emulator.sqlite3"
        store = open_store(str(database))
        secret_key = secrets.token_urlsafe(30)
        requesters = RequesterRegistry([Requester(access_key, secret_key, "pytest requester")])
        # Verify signatures, as `soap-mturk serve` does: a suite using this fixture
        # exercises its client's signing code too.
        app = EmulatorApp(store, authenticator=SignatureVerifier(requesters), requesters=requesters)
        running = start_in_thread(app)
        try:
            yield EmulatorHandle(
                base_url=running.base_url,
                access_key=access_key,
                secret_key=secret_key,
                control=ControlClient(running.base_url),
                database=database,
            )
        finally:
            running.stop()
            store.close()
