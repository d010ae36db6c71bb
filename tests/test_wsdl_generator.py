"""A real client generator on both WSDLs: Apache Axis 1.4 WSDL2Java (Debian
`libaxis-java`, run by the JDK's `java`) must generate from ours only classes and
service methods it also generates from the vendor's, with the same names, so that
code written against vendor-generated stubs compiles against ours.

Needs `java`, the Axis jars and the vendor WSDL; skipped with the reason when one is
missing, except under CI (`CI` set), where `.ci/run` installs them and a missing
generator is a failure."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from soap_mturk.versions import LATEST
from tests.conftest import vendor_wsdl_or_skip

REPO = Path(__file__).resolve().parents[1]
OURS = REPO / "wsdl" / "2014-08-15" / "AWSMechanicalTurkRequester.wsdl"
JARS = ("axis", "axis-jaxrpc", "axis-saaj", "wsdl4j", "commons-discovery", "commons-logging")
JAVA_DIR = Path("/usr/share/java")
PACKAGE = Path("com/amazonaws/mturk/requester/doc/_2014_08_15")


def _classpath_or_skip() -> str:
    jars = [JAVA_DIR / f"{name}.jar" for name in JARS]
    missing = [str(j) for j in jars if not j.exists()]
    if shutil.which("java") is None:
        missing.append("java")
    if missing:
        reason = f"Axis WSDL2Java is not installed (missing {', '.join(missing)}): apt-get install libaxis-java default-jdk-headless"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return os.pathsep.join(str(j) for j in jars)


def generate(wsdl: Path, out: Path, *options: str) -> Path:
    """Run WSDL2Java; the directory of the generated package."""
    command = ["java", "-cp", _classpath_or_skip(), "org.apache.axis.wsdl.WSDL2Java"]
    result = subprocess.run(
        [*command, *options, "-o", str(out), str(wsdl)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return out / PACKAGE


def classes(package: Path) -> set[str]:
    return {
        p.relative_to(package).as_posix().removesuffix(".java") for p in package.rglob("*.java")
    }


def port_type_methods(package: Path) -> set[str]:
    """Each service method's signature, as one normalized line."""
    text = (package / "AWSMechanicalTurkRequesterPortType.java").read_text()
    body = text.split("{", 1)[1]  # after the interface's own declaration
    return {" ".join(m.split()) for m in re.findall(r"public [^;{]+;", body)}


# Axis unwraps document/literal wrapped operations by default, and with -W
# (--noWrapped) generates a class per message element: both are how legacy
# projects generated their stubs.
MODES = {"wrapped": (), "noWrapped": ("-W",)}


@pytest.fixture(scope="module", params=list(MODES))
def generated(request, tmp_path_factory):
    vendor_wsdl = vendor_wsdl_or_skip()
    _classpath_or_skip()
    root = tmp_path_factory.mktemp(f"axis-{request.param}")
    options = MODES[request.param]
    return (
        request.param,
        generate(OURS, root / "ours", *options),
        generate(vendor_wsdl, root / "vendor", *options),
    )


def test_every_class_generated_from_ours_is_one_the_vendors_generates(generated):
    _mode, ours, vendor = generated
    assert classes(ours) - classes(vendor) == set()


def test_the_vendors_classes_for_our_operations_are_all_generated(generated):
    mode, ours, vendor = generated
    expected = {"ErrorsError", "OperationRequest", "Request", "Qualification", "Locale",
                "QualificationType", "QualificationRequest", "KeyValuePair",
                "GetQualificationScoreRequest", "SearchQualificationTypesResult"}  # fmt: skip
    if mode == "noWrapped":
        expected |= {"GetQualificationScore", "GetQualificationScoreResponse",
                     "CreateQualificationType", "CreateQualificationTypeResponse"}  # fmt: skip
    assert expected <= classes(vendor)
    assert expected <= classes(ours)


def test_service_methods_have_the_vendors_signatures(generated):
    _mode, ours, vendor = generated
    methods = port_type_methods(ours)
    assert len(methods) == len(LATEST.operations)  # 13 qualification + 19 HIT operations
    assert methods - port_type_methods(vendor) == set()
