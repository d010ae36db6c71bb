"""Configuring requesters: the --requester option, the TOML credentials file, the
development requester, and the real `soap-mturk serve` process, which must
accept calls signed with the keys it was given and never show a secret."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import uuid

import pytest
import zeep

from soap_mturk.auth.requesters import (
    Requester,
    RequesterConfigError,
    development_requester,
    load_credentials,
    parse_requester_option,
    registry_of,
)
from tests.signing import OMIT, VendorSigner, java_timestamp, signed, vendor_signature

SECRET = "s3cr3t/Key+With/Slashes0123456789abcdefg"


def test_requester_option():
    assert parse_requester_option(f"AKIAONE:{SECRET}") == Requester("AKIAONE", SECRET)
    assert parse_requester_option(f"AKIAONE:{SECRET}:Lab one") == Requester(
        "AKIAONE", SECRET, "Lab one"
    )


@pytest.mark.parametrize("text", ["AKIAONLY", f":{SECRET}", "AKIAONE:", f"AKIA ONE:{SECRET}"])
def test_bad_requester_option_does_not_echo_it(text):
    with pytest.raises(RequesterConfigError) as caught:
        parse_requester_option(text)
    assert SECRET not in str(caught.value)


def test_requester_repr_hides_the_secret():
    requester = Requester("AKIAONE", SECRET, "Lab")
    assert SECRET not in repr(requester) and SECRET not in str([requester])


def test_credentials_file(tmp_path):
    path = tmp_path / "requesters.toml"
    path.write_text(f"""
[[requester]]
access_key = "AKIAONE"
secret_key = "{SECRET}"
name = "Lab one"

[[requester]]
access_key = "AKIATWO"
secret_key = "another"
""")
    assert load_credentials(path) == [
        Requester("AKIAONE", SECRET, "Lab one"),
        Requester("AKIATWO", "another"),
    ]


@pytest.mark.parametrize(
    "text,complaint",
    [
        ("", "[[requester]]"),
        ('[[requester]]\naccess_key = "AKIAONE"\n', "secret_key"),
        (f'[[requester]]\nsecret_key = "{SECRET}"\n', "access_key"),
        (
            f'[[requester]]\naccess_key = "AKIAONE"\nsecret_key = "{SECRET}"\nsecret = "x"\n',
            "unknown keys secret",
        ),
        (f'[[requester]]\naccess_key = "AKIAONE"\nsecret_key = {SECRET}\n', "not valid TOML"),
        (f'[[requester]]\naccess_key = 7\nsecret_key = "{SECRET}"\n', "access_key"),
    ],
)
def test_bad_credentials_file_is_refused_without_showing_the_secret(tmp_path, text, complaint):
    path = tmp_path / "requesters.toml"
    path.write_text(text)
    with pytest.raises(RequesterConfigError) as caught:
        load_credentials(path)
    assert complaint in str(caught.value)
    assert SECRET not in str(caught.value)


def test_one_access_key_configured_twice_is_refused():
    with pytest.raises(RequesterConfigError, match="AKIAONE"):
        registry_of([Requester("AKIAONE", "a"), Requester("AKIAONE", "b")])


def test_development_requesters_differ():
    first, second = development_requester(), development_requester()
    assert first.development and first.access_key != second.access_key
    assert (
        len(first.access_key) == 20 and len(first.secret_key) == 40 and ":" not in first.secret_key
    )


# --- the real process --------------------------------------------------------------------


class Server:
    """`soap-mturk serve` in a child process, on a free port."""

    def __init__(self, tmp_path, *args):
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "soap_mturk",
                "serve",
                "--port",
                "0",
                "--db",
                str(tmp_path / "served.sqlite3"),
                *args,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        self.banner = []
        for line in self.process.stdout:
            self.banner.append(line)
            if line.startswith("Press Ctrl+C"):
                break
        text = "".join(self.banner)
        match = re.search(r"listening on (http://\S+)", text)
        assert match, f"no start-up banner: {text!r} {self.process.stderr.read()!r}"
        self.base_url = match.group(1)

    def client(self, secrets):
        wsdl = f"{self.base_url}/AWSMechanicalTurk/2014-08-15/AWSMechanicalTurkRequester.wsdl"
        return zeep.Client(wsdl, plugins=[VendorSigner(secrets)]).service

    def stop(self) -> str:
        """Everything the process wrote."""
        self.process.send_signal(signal.SIGTERM)
        out, err = self.process.communicate(timeout=60)
        return "".join(self.banner) + out + err


def create(service, common):
    return service.CreateQualificationType(
        **common,
        Request=[
            {
                "Name": f"Config {uuid.uuid4()}",
                "Description": "d",
                "QualificationTypeStatus": "Active",
            }
        ],
    )


def test_server_without_requesters_makes_a_development_requester(tmp_path):
    server = Server(tmp_path)
    try:
        banner = "".join(server.banner)
        key = re.search(r"requester: (\S+) \(development requester\)", banner).group(1)
        secret = re.search(r"secret key: (\S+)", banner).group(1)
        assert "auth: verify" in banner
        service = server.client({key: secret})
        accepted = create(service, signed(key))
        assert accepted.QualificationType[0].Request.IsValid == "True"
        forged = create(service, dict(signed(key, "2030-01-01T00:00:00Z"), Signature="forged"))
        assert forged.OperationRequest.Errors.Error[0].Code == "AWS.NotAuthorized"
    finally:
        server.stop()


def test_configured_secrets_are_never_shown(tmp_path):
    path = tmp_path / "requesters.toml"
    path.write_text(
        f'[[requester]]\naccess_key = "AKIAFILE"\nsecret_key = "{SECRET}"\nname = "From file"\n'
    )
    other_secret = "0therSecretFromTheCommandLine0123456789"
    server = Server(
        tmp_path,
        "--credentials",
        str(path),
        "--requester",
        f"AKIAOPTION:{other_secret}",
        "--clock-skew",
        "60",
    )
    try:
        banner = "".join(server.banner)
        assert "requester: AKIAFILE (From file)" in banner and "requester: AKIAOPTION" in banner
        assert "within 60 s" in banner and "development" not in banner
        service = server.client({"AKIAFILE": SECRET, "AKIAOPTION": other_secret})
        assert create(service, signed("AKIAFILE")).QualificationType[0].Request.IsValid == "True"
        assert create(service, signed("AKIAOPTION")).QualificationType[0].Request.IsValid == "True"
        # Failures of every kind, to give the server every chance to log something.
        stamp = java_timestamp()
        for common in (
            dict(
                AWSAccessKeyId="AKIAFILE",
                Timestamp=stamp,
                Signature=vendor_signature("wrong", "CreateQualificationType", stamp),
            ),
            dict(signed("AKIAFILE"), Signature=OMIT),
            signed("AKIAFILE", "2001-01-01T00:00:00.000Z"),
            dict(AWSAccessKeyId="AKIANOBODY", Timestamp=stamp, Signature="x"),
        ):
            assert create(service, common).OperationRequest.Errors is not None
    finally:
        output = server.stop()
    assert SECRET not in output and other_secret not in output


def test_auth_off_takes_the_access_key_as_identity(tmp_path):
    server = Server(tmp_path, "--auth", "off")
    try:
        assert "auth: off" in "".join(server.banner)
        service = server.client({})
        unsigned = dict(
            AWSAccessKeyId="AKIAANYONE", Timestamp=java_timestamp(), Signature="unchecked"
        )
        assert create(service, unsigned).QualificationType[0].Request.IsValid == "True"
    finally:
        server.stop()


def test_bad_requester_option_exits_without_echoing_the_secret(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "soap_mturk", "serve", "--requester", f"{SECRET}"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "ACCESS_KEY:SECRET_KEY" in result.stderr and SECRET not in result.stderr + result.stdout
