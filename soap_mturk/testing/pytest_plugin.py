"""pytest plugin (entry point `pytest11`): the `mturk_emulator` fixture.

One emulator serves the whole session (starting a server per test would only cost
time); each test gets it emptied first, so state is fresh per test.

    def test_flow(mturk_emulator):
        client = zeep.Client(mturk_emulator.wsdl_url())
        client.service.CreateQualificationType(
            **mturk_emulator.credentials("CreateQualificationType"), Request=[...])
        mturk_emulator.control.request_qualification("A1WORKER", type_id)
"""

from __future__ import annotations

import pytest

from soap_mturk.testing.emulator import EmulatorHandle, running_emulator


@pytest.fixture(scope="session")
def mturk_emulator_session():
    """The session's emulator; prefer `mturk_emulator`, which resets it per test."""
    with running_emulator() as handle:
        yield handle


@pytest.fixture
def mturk_emulator(mturk_emulator_session: EmulatorHandle) -> EmulatorHandle:
    """A running emulator with an empty store: URLs, credentials, control API."""
    mturk_emulator_session.control.reset()
    return mturk_emulator_session
