"""A client generated from the vendor's own WSDL drives the emulator unchanged.

The core suites build their clients from the WSDL the emulator serves, so they run
in a clone. This module reruns a share of them (the whole lifecycle, every error
code, the echo slots, paging, the seeds' story) with a zeep client generated from
the vendor's WSDL in ../shared/reference, for each served version: the module's
`service` fixture replaces conftest's. Without the reference it skips (or fails
under SOAP_MTURK_REQUIRE_REFERENCE=1, as in CI)."""

from __future__ import annotations

import pytest

from tests.conftest import ALL_OPERATION_VERSIONS, vendor_service
from tests.test_error_codes import test_error_case
from tests.test_lifecycle import (
    caller,
    test_response_group_request_echoes_the_request,
    test_whole_lifecycle,
)
from tests.test_paging import (
    catalogue,
    filed,
    store,
    test_requests_filter_sort_and_page,
    test_search_ascending_and_pages,
)
from tests.test_smoke import test_owner_updates_and_reads_a_score_another_requester_may_not_read


@pytest.fixture(
    params=[v.date for v in ALL_OPERATION_VERSIONS], ids=lambda date: f"{date}-vendor-wsdl"
)
def service(request, emulator):
    return vendor_service(emulator, request.param)
