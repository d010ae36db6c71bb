"""Figures for the codec's hostile cases (issue 10, cases 1, 6 and 7): each attack
is sent to a real server on loopback, alone and then with a normal call made while
it is in flight. Bounded: three requests of at most 1 MiB. Run from the
repository: `python bench/hostile_codec.py`."""

import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import tests.test_hostile_codec as h
from soap_mturk.auth.requesters import Requester, RequesterRegistry
from soap_mturk.auth.verify import SignatureVerifier
from soap_mturk.server.app import EmulatorApp
from soap_mturk.server.run import start_in_thread
from soap_mturk.store import open_store
from tests.conftest import SECRETS


def main() -> None:
    store = open_store(os.path.join(tempfile.mkdtemp(), "hostile.sqlite3"))
    registry = RequesterRegistry([Requester(key, secret) for key, secret in SECRETS.items()])
    server = start_in_thread(
        EmulatorApp(store, authenticator=SignatureVerifier(registry), requesters=registry)
    )
    try:
        cases = {
            "90,000 attributes, unknown key": h.message(
                "GetQualificationScore",
                "",
                key="AKIAUNKNOWN",
                attributes="".join(f' a{i}="x"' for i in range(90_000)),
            ),
            "104,797 empty Requests, signed": h.message(
                "GetQualificationType", "<Request/>" * 104_797
            ),
            "href recursion, unauthenticated": h.message(
                "GetQualificationScore",
                '<Request href="#r"/><Request id="r"><x href="#r"/></Request>',
                key="AKIAUNKNOWN",
                head='<s:Header><h id="a"><i href="#a"/></h></s:Header>',
            ),
        }
        for name, body in cases.items():
            (status, answer), waited = h.under_attack(server, body)
            started = time.perf_counter()
            h.raw_post(server, body)
            alone = time.perf_counter() - started
            print(
                f"{name}: request {len(body)} B -> HTTP {status}, answer {len(answer)} B "
                f"in {alone * 1000:.0f} ms; a normal call meanwhile waited {waited * 1000:.0f} ms"
            )
    finally:
        server.stop()
        store.close()


if __name__ == "__main__":
    main()
