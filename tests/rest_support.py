"""Helpers for the REST tests: an emulator that knows its requesters' secret keys,
requests signed the ways legacy clients signed them, and plain-HTTP calls."""

from __future__ import annotations

import base64
import hashlib
import hmac
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timezone

import pytest
from lxml import etree

from soap_mturk.auth.requesters import Requester, RequesterRegistry
from soap_mturk.auth.verify import SignatureVerifier
from soap_mturk.server.app import EmulatorApp
from soap_mturk.server.run import start_in_thread
from soap_mturk.store import open_store
from tests.signing import vendor_signature

SERVICE = "AWSMechanicalTurkRequester"
OWNER = Requester("AKIARESTOWNER0000001", "owner-secret-key/with+signs=")
OTHER = Requester("AKIARESTOTHER0000002", "other-secret-key")
FORM = "application/x-www-form-urlencoded"
# Loopback only: never through a proxy from the environment.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@pytest.fixture(scope="module")
def rest_emulator(request, store_kind, tmp_path_factory):
    """A running emulator verifying signatures, with OWNER and OTHER as requesters:
    boto 2's version 1 signatures and the tests' vendor and version 2 ones are checked.
    On SQLite, or on both stores where the module overrides `store_kind`."""
    from tests.conftest import fresh_store_url

    sqlite_path = tmp_path_factory.mktemp("db") / "rest.sqlite3"
    store = open_store(fresh_store_url(request, store_kind, sqlite_path))
    registry = RequesterRegistry([OWNER, OTHER])
    running = start_in_thread(
        EmulatorApp(store, authenticator=SignatureVerifier(registry), requesters=registry)
    )
    yield running
    running.stop()
    store.close()


def now_text() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def sigv2_signature(secret: str, method: str, host: str, path: str, params: dict) -> str:
    """AWS signature version 2 (HmacSHA256) over the canonical query string."""
    quote = lambda s: urllib.parse.quote(s, safe="-_.~")  # noqa: E731
    query = "&".join(f"{quote(k)}={quote(params[k])}" for k in sorted(params))
    message = f"{method}\n{host.lower()}\n{path}\n{query}".encode()
    return base64.b64encode(hmac.new(secret.encode(), message, hashlib.sha256).digest()).decode()


def vendor_signed(requester: Requester, operation: str, **params) -> dict:
    timestamp = now_text()
    return {
        "Service": SERVICE,
        "AWSAccessKeyId": requester.access_key,
        "Operation": operation,
        "Timestamp": timestamp,
        "Signature": vendor_signature(requester.secret_key, operation, timestamp),
        **{k: str(v) for k, v in params.items()},
    }


def boto_connection(running, requester: Requester = OWNER):
    """boto 2's MTurkConnection to a running emulator, signing every REST call as
    `requester`, as a legacy program does. The port must go in `port=`: given
    host="127.0.0.1:PORT", boto 2.49 still connects to port 80. (A test that uses it
    takes `http_proxy` out of the environment: boto would go through it.)"""
    from boto.mturk.connection import MTurkConnection

    import soap_mturk.testing.boto2

    return MTurkConnection(
        aws_access_key_id=requester.access_key,
        aws_secret_access_key=requester.secret_key,
        host=running.host,
        port=running.port,
        is_secure=False,
    )


def host_of(running) -> str:
    return f"{running.host}:{running.port}"


def call(
    running,
    params: dict | list,
    method: str = "GET",
    path: str = "/",
    content_type: str = FORM,
    body: bytes | None = None,
):
    """(status, headers, parsed document) of one plain-HTTP REST call."""
    encoded = urllib.parse.urlencode(params)
    url = running.base_url + path
    if method == "GET":
        request = urllib.request.Request(url + "?" + encoded, method="GET")
    else:
        data = encoded.encode("ascii") if body is None else body
        request = urllib.request.Request(
            url, data=data, method="POST", headers={"Content-Type": content_type}
        )
    try:
        with _OPENER.open(request, timeout=30) as response:
            return response.status, response.headers, etree.fromstring(response.read())
    except urllib.error.HTTPError as error:
        return error.code, error.headers, etree.fromstring(error.read())


def text(root: etree._Element, path: str) -> str | None:
    """The text at a slash-separated path of local names below root, in root's namespace."""
    ns = etree.QName(root).namespace
    element = root.find("/".join(f"{{{ns}}}{part}" if ns else part for part in path.split("/")))
    return None if element is None else element.text


def local_paths(element: etree._Element, prefix: str = "") -> set[str]:
    """Every element path below element, by local names: the document's shape."""
    paths = set()
    for child in element:
        if isinstance(child.tag, str):
            path = prefix + etree.QName(child).localname
            paths.add(path)
            paths |= local_paths(child, path + "/")
    return paths
