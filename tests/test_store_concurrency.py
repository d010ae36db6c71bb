"""Read-modify-write units from many processes at once lose no update, on both
stores: each process adds one to a score, many times; the total is exact."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import UTC, datetime

import pytest

from soap_mturk.domain.model import Qualification, QualificationType
from soap_mturk.store import open_store
from tests.conftest import STORE_KINDS, fresh_store_url

PROCESSES, INCREMENTS = 4, 25

INCREMENTER = textwrap.dedent(
    """
    import dataclasses, sys
    from soap_mturk.store import open_store

    store = open_store(sys.argv[1])
    for _ in range(int(sys.argv[2])):
        with store.write() as session:
            held = session.get_qualification("TCOUNTER", "AWORKER")
            session.put_qualification(
                dataclasses.replace(held, integer_value=held.integer_value + 1)
            )
    store.close()
    """
)


@pytest.mark.parametrize("kind", STORE_KINDS)
def test_concurrent_increments_from_many_processes_lose_none(request, kind, tmp_path):
    url = fresh_store_url(request, kind, tmp_path / "shared.sqlite3")
    now = datetime.now(UTC)
    store = open_store(url)
    try:
        with store.write() as session:
            session.put_type(
                QualificationType(
                    id="TCOUNTER", owner="AKIAOWNER", name="Counter", creation_time=now,
                    description="counts", status="Active",
                )
            )  # fmt: skip
            session.put_qualification(Qualification("TCOUNTER", "AWORKER", now, 0))
        children = [
            subprocess.Popen([sys.executable, "-c", INCREMENTER, url, str(INCREMENTS)])
            for _ in range(PROCESSES)
        ]
        assert [child.wait(timeout=120) for child in children] == [0] * PROCESSES
        with store.read() as session:
            total = session.get_qualification("TCOUNTER", "AWORKER").integer_value
        assert total == PROCESSES * INCREMENTS
    finally:
        store.close()
