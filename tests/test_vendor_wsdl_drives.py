"""A client generated from the vendor's own WSDL drives the emulator unchanged.

The core suites build their clients from the WSDL the emulator serves, so they run
in a clone. This module reruns a share of them (the whole lifecycle, every error
code, the echo slots, paging, the seeds' story, and issue 13's HIT flow: register,
create, accept and submit, review, approve, reject, approve the rejected, extend,
expire, dispose, each HIT state) with a zeep client generated from
the vendor's WSDL in ../shared/reference, for each served version: the module's
`service` fixture replaces conftest's. Without the reference it skips (or fails
under SOAP_MTURK_REQUIRE_REFERENCE=1, as in CI)."""

from __future__ import annotations

import pytest

from tests.conftest import ALL_OPERATION_VERSIONS, vendor_service
from tests.test_error_codes import test_error_case
from tests.test_hits_soap import (
    clock,
    control,
    requester,
    test_a_legacy_programs_whole_flow,
    test_a_returned_or_abandoned_assignment_frees_its_slot,
    test_assignable_unassignable_reviewable_reviewing_disposed,
    test_disable_approves_submitted_work_and_disposes,
    test_expiry_by_the_clock_and_extension_after_it,
    test_the_worker_side_refusals,
    test_unique_request_token_answers_the_existing_hits_id,
)
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
