"""The suite runs whole in a clone: only the comparisons with the vendor's WSDL (and
the tests proving that WSDL drives the emulator) and the seeds' samples read
../shared, which a clone lacks. Everything else builds its clients from the WSDL
the emulator serves. (Checked on the source, so that a new test reaching for the
reference is caught here even where ../shared is present.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests import conftest

TESTS = Path(__file__).resolve().parent
MAY_NEED_THE_REFERENCE = {
    "test_wsdl_contract.py",  # compares our WSDL with the vendor's
    "test_vendor_wsdl_drives.py",  # a client generated from the vendor's WSDL
    "test_auth_soap.py",  # one test: the vendor-generated client signs its calls
    "test_rest_seeds.py",  # the seeds' sample requests, as written
    "test_versions.py",  # the vendor's 2007-06-21 WSDL, seed 001's sample request
    "test_wsdl_generator.py",  # Axis WSDL2Java's classes from ours and from the vendor's
    "test_money_with_hits.py",  # captured REST answers
    "test_account_and_workers.py",  # captured REST answers
    "test_old_hits.py",  # the vendor's 2007-06-21 WSDL drives HITs; its HIT and Assignment
}
_REACHES = re.compile(
    r"\b(vendor_wsdl_or_skip|vendor_service|reference_absent|REFERENCE|VENDOR_WSDL)\b"
)


def test_only_the_comparisons_reach_for_the_reference():
    reaching = {
        path.name
        for path in TESTS.glob("*.py")
        if path.name not in ("conftest.py", Path(__file__).name)
        and _REACHES.search(path.read_text(encoding="utf-8"))
    }
    assert reaching <= MAY_NEED_THE_REFERENCE


def test_the_shared_service_fixture_uses_the_served_wsdl():
    source = (TESTS / "conftest.py").read_text(encoding="utf-8")
    body = source[source.index("def service(") :].split("\n\n\n")[0]
    assert "served_client" in body and "vendor" not in body.split('"""')[-1]


def test_a_missing_reference_fails_where_it_is_required(monkeypatch):
    monkeypatch.setenv("SOAP_MTURK_REQUIRE_REFERENCE", "1")
    with pytest.raises(pytest.fail.Exception, match="SOAP_MTURK_REQUIRE_REFERENCE"):
        conftest.reference_absent("the reference is not here")
    monkeypatch.delenv("SOAP_MTURK_REQUIRE_REFERENCE")
    with pytest.raises(pytest.skip.Exception):
        conftest.reference_absent("the reference is not here")
