"""HITs and assignments in the versions before 2012 (issue 13): a client generated from
the vendor's 2007-06-21 WSDL runs a whole HIT flow, a REST client sends
Version=2008-08-02, HITs cross between old and new versions, and every element the
vendor's schema gives a HIT or an assignment is written, in its order.

zeep is strict about answers: an element its WSDL does not declare, or one out of
order, fails the call. So every answer the 2007 client reads here is checked against
the vendor's 2007 schema by zeep itself (HITGroupId, say, would fail it)."""

from __future__ import annotations

import uuid
from decimal import Decimal
from xml.sax.saxutils import escape

import pytest
import zeep
from lxml import etree

from soap_mturk.api.schema import Field
from soap_mturk.control.client import ControlClient
from soap_mturk.versions import (
    BY_DATE,
    HIT_OPERATIONS,
    HIT_OPERATIONS_2007_06_21,
    LATEST,
    NAMESPACE_PREFIX,
    SHAPES_2007_06_21,
    ApiVersion,
    Shapes,
)
from tests.conftest import vendor_wsdl_2007_or_skip, vendor_wsdl_or_skip
from tests.hit_support import QUESTION_FORM, Worker, answers
from tests.rest_support import OWNER, call, rest_emulator, vendor_signed
from tests.signing import VendorSigner, java_timestamp, signed, vendor_signature
from tests.wsdl_compare import Content, Wsdl

__all__ = ["rest_emulator"]  # the fixture, used by name

NS_2007 = NAMESPACE_PREFIX + "2007-06-21"
SECRETS = {OWNER.access_key: OWNER.secret_key}


def ok(result):
    assert result.Request.IsValid == "True", result.Request.Errors
    return result


def refused(result) -> str:
    assert result.Request.IsValid == "False"
    return result.Request.Errors.Error[0].Code


@pytest.fixture
def control(rest_emulator) -> ControlClient:
    return ControlClient(rest_emulator.base_url)


@pytest.fixture
def clients(rest_emulator):
    """(signer, the vendor's 2007-06-21 client, our 2014-08-15 client)."""
    signer = VendorSigner(SECRETS)
    old = zeep.Client(str(vendor_wsdl_2007_or_skip()), plugins=[signer]).create_service(
        f"{{{NS_2007}}}AWSMechanicalTurkRequesterBinding", rest_emulator.soap_url
    )
    new = zeep.Client(rest_emulator.wsdl_url(LATEST.date), plugins=[signer]).service
    return signer, old, new


def as_owner() -> dict:
    return signed(OWNER.access_key, java_timestamp())


# --- the declarations ------------------------------------------------------------------


def test_a_version_declares_occurs_added_fields_and_enumeration_values_as_data():
    old = BY_DATE["2007-06-21"]
    hit = [fd.name for fd in old.types["HIT"]]
    assert "HITGroupId" not in hit and "HITLayoutId" not in hit
    assert hit[hit.index("AssignmentDurationInSeconds") + 1] == "NumberOfSimilarHITs"
    requirement = {fd.name: (fd.min, fd.max) for fd in old.types["QualificationRequirement"]}
    assert requirement["IntegerValue"] == requirement["LocaleValue"] == (0, 1)
    assert {fd.name: fd.min for fd in old.types["CreateHITRequest"]}["Question"] == 1
    assert "In" not in old.enums["Comparator"] and "In" in LATEST.enums["Comparator"]
    latest_hit = [fd.name for fd in LATEST.types["HIT"]]
    assert "NumberOfSimilarHITs" not in latest_hit and "HITGroupId" in latest_hit
    # A field added after one the type does not have is a mistake, said at once.
    misplaced = ApiVersion(
        "2099-01-01",
        frozenset(),
        Shapes(added={"HIT": (("NoSuchField", Field("Extra", "int")),)}),
    )
    with pytest.raises(AssertionError, match="NoSuchField"):
        misplaced.types  # noqa: B018 (the property builds the tables)


def test_the_versions_up_to_2008_08_02_serve_the_2007_hit_operations_with_its_shapes():
    assert len(HIT_OPERATIONS_2007_06_21) == 16
    assert HIT_OPERATIONS - HIT_OPERATIONS_2007_06_21 == {
        "GetAssignment", "ApproveRejectedAssignment", "GetReviewResultsForHIT",
    }  # fmt: skip
    for date in ("2007-06-21", "2008-04-01", "2008-08-02"):
        version = BY_DATE[date]
        assert version.operations & HIT_OPERATIONS == HIT_OPERATIONS_2007_06_21, date
        assert version.shapes is SHAPES_2007_06_21, date
    for date in ("2012-03-25", "2013-11-15", "2014-08-15"):
        assert HIT_OPERATIONS <= BY_DATE[date].operations, date
        # With the 2012 WSDL (blog, April 2012; 2013-11-15 GetBlockedWorkers.java).
        assert "GetBlockedWorkers" in BY_DATE[date].operations, date
    assert "GetBlockedWorkers" not in BY_DATE["2008-08-02"].operations
    for date in ("2006-10-31", "2006-08-23", "2006-06-20", "2005-10-01"):
        assert not BY_DATE[date].operations & HIT_OPERATIONS, date


# --- the vendor's 2007-06-21 client -------------------------------------------------------


def test_vendor_2007_client_runs_a_hit_flow(clients, control):
    signer, old, new = clients
    title = f"Old flow {uuid.uuid4()}"
    registered = old.RegisterHITType(
        **as_owner(),
        Request=[
            {"Title": title, "Description": "2007 client", "Keywords": "old, flow",
             "Reward": {"Amount": Decimal("0.25"), "CurrencyCode": "USD"},
             "AssignmentDurationInSeconds": 600, "AutoApprovalDelayInSeconds": 3600}
        ],
    )  # fmt: skip
    type_id = ok(registered.RegisterHITTypeResult[0]).HITTypeId

    def create(max_assignments: int = 1) -> str:
        created = old.CreateHIT(
            **as_owner(),
            Request=[
                {"HITTypeId": type_id, "Question": QUESTION_FORM, "LifetimeInSeconds": 3600,
                 "MaxAssignments": max_assignments, "RequesterAnnotation": "batch 7"}
            ],
        )  # fmt: skip
        hit = ok(created.HIT[0])
        assert hit.HITTypeId == type_id
        return hit.HITId

    hit_id, spare_id = create(2), create()
    got = ok(old.GetHIT(**as_owner(), Request=[{"HITId": hit_id}]).HIT[0])
    assert (got.Title, got.HITStatus, got.MaxAssignments) == (title, "Assignable", 2)
    assert got.NumberOfSimilarHITs == 2  # both HITs of the type can be taken
    assert got.Question.startswith("<QuestionForm")

    first, second = Worker(control), Worker(control)
    approved_id, rejected_id = first.take(hit_id), second.take(hit_id)
    searched = ok(old.SearchHITs(**as_owner(), Request=[{"PageSize": 100}]).SearchHITsResult[0])
    ours = {h.HITId: h for h in searched.HIT}
    assert ours[hit_id].NumberOfAssignmentsCompleted == 2
    assert ours[spare_id].NumberOfSimilarHITs == 1  # the other is no longer Assignable

    listed = old.GetAssignmentsForHIT(
        **as_owner(), Request=[{"HITId": hit_id, "ResponseGroup": ["Request", "Minimal"]}]
    )
    result = ok(listed.GetAssignmentsForHITResult[0])
    # The 2007 `Request` names this echo slot without the "Request" suffix.
    assert result.Request.GetAssignmentsForHIT.HITId == hit_id
    assert {a.AssignmentId for a in result.Assignment} == {approved_id, rejected_id}
    for assignment in result.Assignment:
        assert assignment.AssignmentStatus == "Submitted"
        assert assignment.Deadline is None  # answered: as every captured answer
        assert assignment.AcceptTime is not None and "tweet" in assignment.Answer

    ok(old.ApproveAssignment(**as_owner(), Request=[
        {"AssignmentId": approved_id, "RequesterFeedback": "thanks"}]).ApproveAssignmentResult[0])  # fmt: skip
    ok(old.RejectAssignment(**as_owner(), Request=[
        {"AssignmentId": rejected_id, "RequesterFeedback": "no"}]).RejectAssignmentResult[0])  # fmt: skip
    statuses = old.GetAssignmentsForHIT(
        **as_owner(),
        Request=[{"HITId": hit_id, "ResponseGroup": ["Minimal", "AssignmentFeedback"]}],
    )
    by_id = {a.AssignmentId: a for a in ok(statuses.GetAssignmentsForHITResult[0]).Assignment}
    assert (by_id[approved_id].AssignmentStatus, by_id[approved_id].RequesterFeedback) == (
        "Approved", "thanks",
    )  # fmt: skip
    assert by_id[rejected_id].AssignmentStatus == "Rejected"
    assert by_id[rejected_id].RejectionTime is not None
    upload = old.GetFileUploadURL(
        **as_owner(), Request=[{"AssignmentId": approved_id, "QuestionIdentifier": "tweet"}]
    )
    assert refused(upload.GetFileUploadURLResult[0]).startswith("AWS.MechanicalTurk.")

    reviewable = ok(old.GetReviewableHITs(
        **as_owner(), Request=[{"HITTypeId": type_id}]).GetReviewableHITsResult[0])  # fmt: skip
    assert [h.HITId for h in reviewable.HIT] == [hit_id]
    ok(old.SetHITAsReviewing(**as_owner(), Request=[{"HITId": hit_id}]).SetHITAsReviewingResult[0])
    reviewing = ok(old.GetReviewableHITs(**as_owner(), Request=[
        {"HITTypeId": type_id, "Status": "Reviewing"}]).GetReviewableHITsResult[0])  # fmt: skip
    assert [h.HITId for h in reviewing.HIT] == [hit_id]
    reverted = old.SetHITAsReviewing(**as_owner(), Request=[{"HITId": hit_id, "Revert": True}])
    ok(reverted.SetHITAsReviewingResult[0])  # Reviewable again: it may be disposed
    ok(old.DisposeHIT(**as_owner(), Request=[{"HITId": hit_id}]).DisposeHITResult[0])

    # The spare HIT: extended, moved to another type, disabled.
    ok(old.ExtendHIT(**as_owner(), Request=[
        {"HITId": spare_id, "MaxAssignmentsIncrement": 1}]).ExtendHITResult[0])  # fmt: skip
    other_type = ok(old.RegisterHITType(**as_owner(), Request=[
        {"Title": title + " b", "Description": "d", "AssignmentDurationInSeconds": 60,
         "Reward": {"Amount": Decimal("0.25"), "CurrencyCode": "USD"}}]).RegisterHITTypeResult[0]
    ).HITTypeId  # fmt: skip
    ok(old.ChangeHITTypeOfHIT(**as_owner(), Request=[
        {"HITId": spare_id, "HITTypeId": other_type}]).ChangeHITTypeOfHITResult[0])  # fmt: skip
    ok(old.DisableHIT(**as_owner(), Request=[{"HITId": spare_id}]).DisableHITResult[0])
    gone = ok(old.GetHIT(**as_owner(), Request=[{"HITId": spare_id}]).HIT[0])
    assert (gone.HITTypeId, gone.HITStatus) == (other_type, "Disposed")

    # A requirement holds one IntegerValue in 2007; GetHITsForQualificationType finds it.
    qualification = old.CreateQualificationType(**as_owner(), Request=[
        {"Name": f"Old req {uuid.uuid4()}", "Description": "d",
         "QualificationTypeStatus": "Active"}])  # fmt: skip
    qualification_id = ok(qualification.QualificationType[0]).QualificationTypeId
    required = old.CreateHIT(**as_owner(), Request=[
        {"Title": "req", "Description": "d", "Question": QUESTION_FORM, "LifetimeInSeconds": 600,
         "AssignmentDurationInSeconds": 60,
         "Reward": {"Amount": Decimal("0.05"), "CurrencyCode": "USD"},
         "QualificationRequirement": [{"QualificationTypeId": qualification_id,
                                       "Comparator": "GreaterThan", "IntegerValue": 10}]}])  # fmt: skip
    required_id = ok(required.HIT[0]).HITId
    found = old.GetHITsForQualificationType(
        **as_owner(), Request=[{"QualificationTypeId": qualification_id}]
    )
    (hit,) = ok(found.GetHITsForQualificationTypeResult[0]).HIT
    assert hit.HITId == required_id
    detail = ok(old.GetHIT(**as_owner(), Request=[{"HITId": required_id}]).HIT[0])
    assert detail.QualificationRequirement[0].IntegerValue == 10

    # One store: what the 2007 client made, the 2014 client reads, and back.
    latest = ok(new.GetHIT(**as_owner(), Request=[{"HITId": required_id}]).HIT[0])
    assert (latest.HITId, latest.Title) == (required_id, "req")
    assert latest.HITGroupId and latest.HITGroupId != latest.HITTypeId
    made_new = new.CreateHIT(**as_owner(), Request=[
        {"HITTypeId": type_id, "Question": QUESTION_FORM, "LifetimeInSeconds": 600,
         "UniqueRequestToken": str(uuid.uuid4())}])  # fmt: skip
    new_id = ok(made_new.HIT[0]).HITId
    seen_old = ok(old.GetHIT(**as_owner(), Request=[{"HITId": new_id}]).HIT[0])
    assert (seen_old.HITTypeId, seen_old.Title) == (type_id, title)

    ok(old.ForceExpireHIT(**as_owner(), Request=[{"HITId": new_id}]).ForceExpireHITResult[0])
    expired = ok(old.GetHIT(**as_owner(), Request=[{"HITId": new_id}]).HIT[0])
    assert (expired.HITStatus, expired.NumberOfSimilarHITs) == ("Reviewable", 0)

    assert HIT_OPERATIONS_2007_06_21 <= {operation for operation, _ in signer.signed}


def soap_2007(running, operation: str, request: str) -> tuple[int, etree._Element]:
    timestamp = java_timestamp()
    envelope = (
        '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>'
        f'<{operation} xmlns="{NS_2007}"><AWSAccessKeyId>{OWNER.access_key}</AWSAccessKeyId>'
        f"<Timestamp>{timestamp}</Timestamp>"
        f"<Signature>{vendor_signature(OWNER.secret_key, operation, timestamp)}</Signature>"
        f"<Request>{request}</Request></{operation}></s:Body></s:Envelope>"
    )
    status, _, root = call(running, [], method="POST", content_type="text/xml",
                           body=envelope.encode())  # fmt: skip
    return status, root


def test_2007_client_is_refused_what_its_wsdl_lacks(rest_emulator):
    """GetAssignment came with 2012: a 2007-06-21 message naming it is an unknown
    operation; a CreateHIT holding a 2014 element is refused, not half read."""
    status, root = soap_2007(rest_emulator, "GetAssignment", "<AssignmentId>A</AssignmentId>")
    assert status == 500
    assert "GetAssignment" in "".join(root.itertext())
    status, root = soap_2007(
        rest_emulator,
        "CreateHIT",
        "<Title>t</Title><Description>d</Description>"
        f"<Question>{escape(QUESTION_FORM)}</Question><LifetimeInSeconds>600</LifetimeInSeconds>"
        "<UniqueRequestToken>tok</UniqueRequestToken>",
    )
    assert status == 500  # a Client fault naming the element
    assert "CreateHIT/Request has no element 'UniqueRequestToken'" in "".join(root.itertext())


# --- REST with Version=2008-08-02 -------------------------------------------------------------


def rest(running, operation: str, version: str = "2008-08-02", **params) -> etree._Element:
    status, _, root = call(running, vendor_signed(OWNER, operation, Version=version, **params))
    assert status == 200, etree.tostring(root)
    return root


def valid(root: etree._Element, element: str) -> etree._Element:
    result = root.find(element)
    assert result is not None and result.findtext("Request/IsValid") == "True", etree.tostring(root)
    return result


def test_rest_2008_08_02_runs_a_hit_flow(rest_emulator, control):
    type_id = valid(
        rest(rest_emulator, "RegisterHITType", Title=f"REST 2008 {uuid.uuid4()}",
             Description="d", AssignmentDurationInSeconds=600,
             **{"Reward.1.Amount": "0.10", "Reward.1.CurrencyCode": "USD"}),
        "RegisterHITTypeResult",
    ).findtext("HITTypeId")  # fmt: skip
    hit_id = valid(
        rest(rest_emulator, "CreateHIT", HITTypeId=type_id, LifetimeInSeconds=600,
             Question=QUESTION_FORM),
        "HIT",
    ).findtext("HITId")  # fmt: skip
    # 2008-08-02 has no UniqueRequestToken: a parameter the version lacks is not read
    # (as any unknown REST parameter), so a repeated token creates again.
    token = str(uuid.uuid4())
    for _ in range(2):
        valid(rest(rest_emulator, "CreateHIT", HITTypeId=type_id, LifetimeInSeconds=600,
                   Question=QUESTION_FORM, UniqueRequestToken=token), "HIT")  # fmt: skip
    hit = valid(rest(rest_emulator, "GetHIT", HITId=hit_id), "HIT")
    tags = [e.tag for e in hit]
    assert "HITGroupId" not in tags and "HITLayoutId" not in tags
    assert hit.findtext("NumberOfSimilarHITs") == "3"
    assignment_id = Worker(control).take(hit_id, answers("2008"))
    listed = valid(rest(rest_emulator, "GetAssignmentsForHIT", HITId=hit_id),
                   "GetAssignmentsForHITResult")  # fmt: skip
    assert listed.findtext("Assignment/AssignmentId") == assignment_id
    assert listed.find("Assignment/Deadline") is None
    valid(rest(rest_emulator, "ApproveAssignment", AssignmentId=assignment_id),
          "ApproveAssignmentResult")  # fmt: skip
    # GetAssignment is a 2012 operation: unknown at 2008-08-02, answered at 2014-08-15.
    unknown = rest(rest_emulator, "GetAssignment", AssignmentId=assignment_id)
    assert "GetAssignment" in "".join(unknown.itertext())
    assert unknown.find("GetAssignmentResult") is None
    latest = valid(
        rest(rest_emulator, "GetAssignment", version=LATEST.date, AssignmentId=assignment_id),
        "GetAssignmentResult",
    )
    assert latest.findtext("Assignment/AssignmentStatus") == "Approved"
    assert latest.findtext("HIT/HITId") == hit_id


def hit_group_of(running, hit_id: str) -> str:
    return valid(rest(running, "GetHIT", version=LATEST.date, HITId=hit_id), "HIT").findtext(
        "HITGroupId"
    )


# --- the answer fields ------------------------------------------------------------------------


def test_hits_of_one_type_share_a_group_and_count_the_assignable_ones(rest_emulator, control):
    def register(title: str) -> str:
        return valid(
            rest(rest_emulator, "RegisterHITType", version=LATEST.date, Title=title,
                 Description="d", AssignmentDurationInSeconds=600,
                 **{"Reward.1.Amount": "0.10", "Reward.1.CurrencyCode": "USD"}),
            "RegisterHITTypeResult",
        ).findtext("HITTypeId")  # fmt: skip

    def create(**params) -> str:
        return valid(
            rest(rest_emulator, "CreateHIT", version=LATEST.date, LifetimeInSeconds=600,
                 Question=QUESTION_FORM, **params),
            "HIT",
        ).findtext("HITId")  # fmt: skip

    title = f"Group {uuid.uuid4()}"
    type_id = register(title)
    first, second = create(HITTypeId=type_id), create(HITTypeId=type_id)
    # The same properties without a HITTypeId: the same type, so the same group.
    third = create(Title=title, Description="d", AssignmentDurationInSeconds=600,
                   **{"Reward.1.Amount": "0.10", "Reward.1.CurrencyCode": "USD"})  # fmt: skip
    other = create(HITTypeId=register(title + " other"))
    groups = {h: hit_group_of(rest_emulator, h) for h in (first, second, third, other)}
    assert groups[first] == groups[second] == groups[third] != groups[other]
    assert len(groups[first]) == 30 and groups[first].isalnum() and groups[first].isupper()
    as_workers_see_them = {h["HITId"]: h for h in Worker(control).hits()}  # the control API
    assert as_workers_see_them[first]["HITGroupId"] == groups[first]
    assert "NumberOfSimilarHITs" not in as_workers_see_them[first]

    def similar(hit_id: str) -> str:
        return valid(rest(rest_emulator, "GetHIT", HITId=hit_id), "HIT").findtext(
            "NumberOfSimilarHITs"
        )

    assert [similar(h) for h in (first, second, third, other)] == ["3", "3", "3", "1"]
    Worker(control).take(first)  # its one assignment submitted: no longer Assignable
    assert [similar(h) for h in (first, second)] == ["2", "2"]
    searched = valid(rest(rest_emulator, "SearchHITs", PageSize=100), "SearchHITsResult")
    counts = {h.findtext("HITId"): h.findtext("NumberOfSimilarHITs") for h in searched.iter("HIT")}
    assert (counts[first], counts[second], counts[other]) == ("2", "2", "1")


def vendor_children(wsdl: Wsdl, type_name: str) -> list[str]:
    particles, unknown = wsdl.children(Content("complex", node=wsdl.complex_types[type_name]))
    assert unknown == []
    return [p.name for p in particles]


ALL_HIT_GROUPS = {
    f"ResponseGroup.{n}": g
    for n, g in enumerate(["Request", "Minimal", "HITDetail", "HITQuestion", "HITAssignmentSummary"], 1)
}  # fmt: skip


@pytest.mark.parametrize("date", ["2014-08-15", "2008-08-02"])
def test_every_element_the_vendor_gives_a_hit_and_an_assignment_is_written(
    rest_emulator, control, date
):
    """A HIT with every optional property set, asked for with every response group,
    holds every element of the vendor's HIT in its schema order (2014-08-15's WSDL;
    2007-06-21's for 2008-08-02); HITLayoutId where the HIT has a layout. An
    assignment, approved or rejected, every element of the vendor's Assignment but
    Deadline, which no captured answer about answered work holds."""
    vendor = Wsdl(vendor_wsdl_or_skip() if date == LATEST.date else vendor_wsdl_2007_or_skip())
    type_id = valid(
        rest(rest_emulator, "RegisterHITType", version=date, Title=f"All {uuid.uuid4()}",
             Description="d", Keywords="k", AssignmentDurationInSeconds=600,
             AutoApprovalDelayInSeconds=60,
             **{"Reward.1.Amount": "0.10", "Reward.1.CurrencyCode": "USD",
                "QualificationRequirement.1.QualificationTypeId": "00000000000000000071",
                "QualificationRequirement.1.Comparator": "EqualTo",
                "QualificationRequirement.1.LocaleValue.1.Country": "US"}),
        "RegisterHITTypeResult",
    ).findtext("HITTypeId")  # fmt: skip
    hit_id = valid(
        rest(rest_emulator, "CreateHIT", version=date, HITTypeId=type_id, MaxAssignments=2,
             LifetimeInSeconds=600, Question=QUESTION_FORM, RequesterAnnotation="note"),
        "HIT",
    ).findtext("HITId")  # fmt: skip
    hit = valid(rest(rest_emulator, "GetHIT", version=date, HITId=hit_id, **ALL_HIT_GROUPS), "HIT")
    expected = vendor_children(vendor, "HIT")
    layout_only = {"HITLayoutId"}  # a HIT has a Question or a layout, not both
    assert [e.tag for e in hit] == [n for n in expected if n not in layout_only]
    if "HITLayoutId" in expected:
        laid_out = valid(
            rest(rest_emulator, "CreateHIT", version=date, HITTypeId=type_id,
                 LifetimeInSeconds=600, HITLayoutId="LAYOUT1",
                 **{"HITLayoutParameter.1.Name": "image", "HITLayoutParameter.1.Value": "a"}),
            "HIT",
        ).findtext("HITId")  # fmt: skip
        hit = valid(rest(rest_emulator, "GetHIT", version=date, HITId=laid_out, **ALL_HIT_GROUPS),
                    "HIT")  # fmt: skip
        tags = [e.tag for e in hit]
        assert "HITLayoutId" in tags and tags == [n for n in expected if n in tags]
        assert set(expected) - set(tags) <= {"Question", "RequesterAnnotation"}

    workers = [Worker(control), Worker(control)]
    for worker in workers:
        control.set_system_qualification(
            worker.id, "00000000000000000071", locale={"Country": "US"}
        )
    approved, rejected = (worker.take(hit_id) for worker in workers)
    valid(rest(rest_emulator, "ApproveAssignment", version=date, AssignmentId=approved,
               RequesterFeedback="good"), "ApproveAssignmentResult")  # fmt: skip
    valid(rest(rest_emulator, "RejectAssignment", version=date, AssignmentId=rejected,
               RequesterFeedback="bad"), "RejectAssignmentResult")  # fmt: skip
    listed = valid(
        rest(rest_emulator, "GetAssignmentsForHIT", version=date, HITId=hit_id,
             **{"ResponseGroup.1": "Request", "ResponseGroup.2": "Minimal",
                "ResponseGroup.3": "AssignmentFeedback"}),
        "GetAssignmentsForHITResult",
    )  # fmt: skip
    expected = [
        n for n in vendor_children(vendor, "Assignment") if n not in ("Request", "Deadline")
    ]
    seen: set[str] = set()
    for assignment in listed.iter("Assignment"):
        tags = [e.tag for e in assignment]
        assert tags == [n for n in expected if n in tags]  # the schema's order
        seen |= set(tags)
    assert seen == set(expected)


def test_a_handler_knows_which_elements_the_callers_version_writes():
    """NumberOfSimilarHITs is counted (a query over the HIT's group) only where the
    version writes it; a handler called outside a request writes everything."""
    from soap_mturk.api import context

    assert context.written("HIT", "NumberOfSimilarHITs")  # no request: everything
    assert context.version() is LATEST
    for version, expected in ((BY_DATE["2008-08-02"], True), (LATEST, False)):
        token = context.VERSION.set(version)
        try:
            assert context.written("HIT", "NumberOfSimilarHITs") is expected
            assert context.written("HIT", "HITGroupId") is not expected
        finally:
            context.VERSION.reset(token)


def test_help_describes_the_callers_version(rest_emulator):
    """Help answers from the caller's version's tables: 2008-08-02's CreateHIT has
    no UniqueRequestToken and requires a Question; GetAssignment is not its own."""

    def about(operation: str, version: str) -> etree._Element:
        return rest(rest_emulator, "Help", version=version, About=operation)

    old = valid(about("CreateHIT", "2008-08-02"), "Information")
    available = [p.text for p in old.iterfind("OperationInformation/AvailableParameters/Parameter")]
    required = [p.text for p in old.iterfind("OperationInformation/RequiredParameters/Parameter")]
    assert "UniqueRequestToken" not in available and "Question" in required
    latest = valid(about("CreateHIT", LATEST.date), "Information")
    assert "UniqueRequestToken" in [
        p.text for p in latest.iterfind("OperationInformation/AvailableParameters/Parameter")
    ]
    refused = about("GetAssignment", "2008-08-02").find("Information")
    assert refused.findtext("Request/IsValid") == "False"
    assert valid(about("GetAssignment", LATEST.date), "Information") is not None
