"""Shared fixtures: a real emulator on a free port (SQLite file), and
zeep clients built the way legacy clients were, from the WSDL the emulator serves
(the project's own, wsdl/). A clone runs every core suite with them.

The vendor's WSDL lives beside the repository in ../shared/reference, not in a
clone: only the tests that compare with it or prove that it drives the emulator
(test_wsdl_contract.py, test_vendor_wsdl_drives.py) use it, and they skip without
it, unless SOAP_MTURK_REQUIRE_REFERENCE=1 (set by .ci/run where ../shared is
present) turns the skip into a failure."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest
import zeep

import soap_mturk.testing.boto2  # every test may drive boto 2, on Python 3.12+ too
from soap_mturk.auth import AccessKeyIdentity
from soap_mturk.auth.requesters import Requester, RequesterRegistry
from soap_mturk.auth.verify import SignatureVerifier
from soap_mturk.server.app import EmulatorApp
from soap_mturk.server.run import start_in_thread
from soap_mturk.store import open_store
from soap_mturk.versions import BY_DATE, LATEST
from tests.postgres_support import start_server

# The versions the general suite drives every operation through: the latest and
# 2012-03-25, both with all 13 operations and the vendor's current message shapes
# but for Locale. What differs in the other versions is tested in test_versions.py.
ALL_OPERATION_VERSIONS = (LATEST, BY_DATE["2012-03-25"])


def _find_reference() -> Path:
    """../shared/reference beside the repository (or beside any folder above it),
    or wherever SOAP_MTURK_REFERENCE points."""
    if os.environ.get("SOAP_MTURK_REFERENCE"):
        return Path(os.environ["SOAP_MTURK_REFERENCE"])
    for folder in Path(__file__).resolve().parents[1:]:
        candidate = folder / "shared" / "reference"
        if candidate.is_dir():
            return candidate
    return Path(__file__).resolve().parents[2] / "shared" / "reference"


REFERENCE = _find_reference()
VENDOR_WSDL = REFERENCE / "vendor-wsdl" / "2014-08-15" / "AWSMechanicalTurkRequester.wsdl"
VENDOR_WSDL_2007 = REFERENCE / "vendor-wsdl" / "2007-06-21" / "AWSMechanicalTurkRequester.wsdl"
BINDING = "{%s}AWSMechanicalTurkRequesterBinding"


def reference_absent(reason: str) -> None:
    """Skip a test that needs ../shared (fail instead where it is required)."""
    if os.environ.get("SOAP_MTURK_REQUIRE_REFERENCE") == "1":
        pytest.fail(f"SOAP_MTURK_REQUIRE_REFERENCE=1 but {reason}")
    pytest.skip(reason)


def vendor_wsdl_or_skip() -> Path:
    if not VENDOR_WSDL.exists():
        reference_absent(
            f"the vendor WSDL is not here ({VENDOR_WSDL}): it ships beside the project's "
            "repository in ../shared/reference, not in a clone of it"
        )
    return VENDOR_WSDL


def vendor_wsdl_2007_or_skip() -> Path:
    """The vendor's 2007-06-21 WSDL, the one the Java SDK 1.2 was generated from."""
    if not VENDOR_WSDL_2007.exists():
        reference_absent(f"the vendor's 2007-06-21 WSDL is not here ({VENDOR_WSDL_2007})")
    return VENDOR_WSDL_2007


STORE_KINDS = ("sqlite", "postgresql")


@pytest.fixture(scope="session")
def postgres_server():
    """A real PostgreSQL server for the session (tests/postgres_support.py), started
    on first use; skips (or, in CI, fails) where PostgreSQL is not installed."""
    server = start_server()
    yield server
    server.stop()


def fresh_store_url(request, kind: str, sqlite_path) -> str:
    """Where a fresh, empty store of this kind lives."""
    if kind == "postgresql":
        return request.getfixturevalue("postgres_server").fresh_url()
    return str(sqlite_path)


@pytest.fixture(params=STORE_KINDS)
def any_store(request):
    """A fresh store, once on SQLite (in memory) and once on PostgreSQL: for
    store-level tests that must hold on both."""
    store = open_store(fresh_store_url(request, request.param, ":memory:"))
    yield store
    store.close()


@pytest.fixture(scope="module")
def store_kind():
    """The store `emulator` runs on. A module runs its tests on both stores by
    overriding this fixture with `params=STORE_KINDS`."""
    return "sqlite"


@pytest.fixture(scope="module")
def emulator(request, store_kind, tmp_path_factory):
    """A running emulator on a fresh store (a SQLite file unless the module asks
    for both stores); shared by one test module.
    Signatures are not checked (`--auth off`): the access key is the identity."""
    sqlite_path = tmp_path_factory.mktemp("db") / "emulator.sqlite3"
    store = open_store(fresh_store_url(request, store_kind, sqlite_path))
    running = start_in_thread(EmulatorApp(store, authenticator=AccessKeyIdentity()))
    yield running
    running.stop()
    store.close()


# The requesters `signed_emulator` knows, by access key: their secret keys.
SECRETS = {
    "AKIAREQUESTERA": "secretA/0123456789abcdefghijklmnopqrstu",
    "AKIAREQUESTERB": "secretB+0123456789abcdefghijklmnopqrstu",
}


@pytest.fixture(scope="module")
def signed_emulator(tmp_path_factory):
    """A running emulator that verifies signatures (`--auth verify`, the default),
    knowing requesters AKIAREQUESTERA and AKIAREQUESTERB (see SECRETS)."""
    store = open_store(str(tmp_path_factory.mktemp("db") / "signed.sqlite3"))
    registry = RequesterRegistry([Requester(key, secret) for key, secret in SECRETS.items()])
    app = EmulatorApp(store, authenticator=SignatureVerifier(registry), requesters=registry)
    running = start_in_thread(app)
    yield running
    running.stop()
    store.close()


def credentials(access_key: str = "AKIAREQUESTERA") -> dict:
    return {
        "AWSAccessKeyId": access_key,
        "Timestamp": datetime.datetime.now(datetime.UTC),
        "Signature": "unchecked",
    }


def served_client(running, date: str) -> zeep.Client:
    return zeep.Client(running.wsdl_url(date))


def vendor_service(running, date: str):
    """A client generated from the vendor's 2014-08-15 WSDL. For 2012-03-25 the
    namespace and Locale's Subdivision are the only differences in the qualification
    messages, so the WSDL is rewritten to that namespace (no request holds a Locale)."""
    path = vendor_wsdl_or_skip()
    namespace = BY_DATE[date].namespace
    if date != "2014-08-15":
        text = path.read_text(encoding="utf-8").replace(
            "http://requester.mturk.amazonaws.com/doc/2014-08-15", namespace
        )
        copy = Path(__import__("tempfile").mkdtemp()) / f"vendor-{date}.wsdl"
        copy.write_text(text, encoding="utf-8")
        path = copy
    client = zeep.Client(str(path))
    return client.create_service(BINDING % namespace, running.soap_url)


@pytest.fixture(
    params=[v.date for v in ALL_OPERATION_VERSIONS], ids=lambda date: f"{date}-served-wsdl"
)
def service(request, emulator):
    """The SOAP service as a legacy client sees it, for each version, from the WSDL
    the emulator serves. (test_vendor_wsdl_drives.py reruns a share of the suites
    with a client generated from the vendor's WSDL.)"""
    return served_client(emulator, request.param).service
