"""The HIT and assignment operations of the operation table, and how the vendor's
ResponseGroups shape a HIT or an assignment in an answer.

Response groups (reference, "Response Groups" and the HIT data structure):

| group | elements |
|---|---|
| Minimal | HITId, HITTypeId (captured create_hit.xml); GetReviewableHITs: HITId alone (captured get_reviewable_hits.xml) |
| HITDetail | HITGroupId, HITLayoutId, CreationTime, Title, Description, Keywords, HITStatus, MaxAssignments, Reward, AutoApprovalDelayInSeconds, Expiration, AssignmentDurationInSeconds, NumberOfSimilarHITs (versions up to 2008-08-02; 2008-08-02 reference's GetHIT sample), RequesterAnnotation, QualificationRequirement, HITReviewStatus |
| HITQuestion | Question |
| HITAssignmentSummary | NumberOfAssignmentsPending, -Available, -Completed |
| AssignmentFeedback | an assignment's RequesterFeedback |

Defaults: CreateHIT, GetAssignment, GetAssignmentsForHIT Minimal; GetHIT Minimal,
HITDetail, HITQuestion; SearchHITs Minimal, HITDetail, HITAssignmentSummary. A
ResponseGroup list naming none of an operation's groups (only `Request`, say) gets
the defaults.
"""

from __future__ import annotations

from soap_mturk.api import context as request_context
from soap_mturk.api.operation import Operation, Request, Result, page_fields
from soap_mturk.domain.hit_rules import HITState
from soap_mturk.domain.model import ACCEPTED, Assignment, QualificationRequirement

MINIMAL, DETAIL, QUESTION, SUMMARY, FEEDBACK = (
    "Minimal",
    "HITDetail",
    "HITQuestion",
    "HITAssignmentSummary",
    "AssignmentFeedback",
)
HIT_GROUPS = (MINIMAL, DETAIL, QUESTION, SUMMARY)


def groups(request: Request, allowed: tuple[str, ...], defaults: tuple[str, ...]) -> set[str]:
    asked = {g for g in request.get("ResponseGroup") or () if g in allowed}
    return (asked or set(defaults)) | {MINIMAL}


# --- domain entities as the vendor's structures -----------------------------------------


def requirement_fields(r: QualificationRequirement) -> Result:
    return {
        "QualificationTypeId": r.type_id,
        "Comparator": r.comparator,
        "IntegerValue": list(r.integer_values) or None,
        "LocaleValue": [
            {"Country": v.country, "Subdivision": v.subdivision} for v in r.locale_values
        ]
        or None,
        "RequiredToPreview": r.required_to_preview,
    }


def hit_fields(state: HITState, shown: set[str], minimal_type_id: bool = True) -> Result:
    hit, hit_type = state.hit, state.hit_type
    fields: Result = {"HITId": hit.id}
    if minimal_type_id or DETAIL in shown:
        fields["HITTypeId"] = hit.type_id
    if DETAIL in shown:
        reward = hit_type.reward
        fields.update(
            {
                "HITGroupId": state.group_id,
                "HITLayoutId": hit.layout_id,
                "CreationTime": hit.creation_time,
                "Title": hit_type.title,
                "Description": hit_type.description,
                "Keywords": hit_type.keywords,
                "HITStatus": state.status,
                "MaxAssignments": hit.max_assignments,
                "Reward": {
                    "Amount": reward.amount,
                    "CurrencyCode": reward.currency_code,
                    "FormattedPrice": reward.formatted,
                },
                "AutoApprovalDelayInSeconds": hit_type.auto_approval_delay,
                "Expiration": hit.expiration,
                "AssignmentDurationInSeconds": hit_type.assignment_duration,
                # Counted (None otherwise) where the version has it: _counted below.
                "NumberOfSimilarHITs": state.similar,
                "RequesterAnnotation": hit.requester_annotation,
                "QualificationRequirement": [requirement_fields(r) for r in hit_type.requirements],
                "HITReviewStatus": hit.review_status,
            }
        )
        if state.similar is None:
            del fields["NumberOfSimilarHITs"]
    if QUESTION in shown:
        fields["Question"] = hit.question
    if SUMMARY in shown:
        fields.update(
            {
                "NumberOfAssignmentsPending": state.pending,
                "NumberOfAssignmentsAvailable": state.available,
                "NumberOfAssignmentsCompleted": state.completed,
            }
        )
    return fields


def assignment_fields(a: Assignment, feedback: bool) -> Result:
    return {
        "AssignmentId": a.id,
        "WorkerId": a.worker_id,
        "HITId": a.hit_id,
        "AssignmentStatus": a.status,
        "AutoApprovalTime": a.auto_approval_time,
        "AcceptTime": a.accept_time,
        "SubmitTime": a.submit_time,
        "ApprovalTime": a.approval_time,
        "RejectionTime": a.rejection_time,
        # AcceptTime + AssignmentDurationInSeconds, while the worker may still submit:
        # every captured answer about a submitted, approved or rejected assignment
        # (captured get_assignment*.xml, get_*_assignments.xml) has no Deadline.
        "Deadline": a.deadline if a.status == ACCEPTED else None,
        "Answer": a.answer,
        "RequesterFeedback": a.requester_feedback if feedback else None,
    }


# --- handlers (d is the Domain: d.hits is the HITService) ---------------------------------


def _type_properties(r: Request) -> dict:
    """A HIT type's properties as RegisterHITType and CreateHIT (inline) send them."""
    return {
        "title": r.get("Title"),
        "description": r.get("Description"),
        "reward": r.get("Reward"),
        "assignment_duration": r.get("AssignmentDurationInSeconds"),
        "auto_approval_delay": r.get("AutoApprovalDelayInSeconds"),
        "keywords": r.get("Keywords"),
        "qualification_requirements": r.get("QualificationRequirement"),
    }


def _register_type(d, caller: str, r: Request) -> Result:
    hit_type = d.hits.register_type(caller, **_type_properties(r))
    return {"HITTypeId": hit_type.id}


def _create_hit(d, caller: str, r: Request) -> Result:
    state = d.hits.create_hit(
        caller,
        hit_type_id=r.get("HITTypeId"),
        lifetime=r.get("LifetimeInSeconds"),
        max_assignments=r.get("MaxAssignments"),
        question=r.get("Question"),
        layout_id=r.get("HITLayoutId"),
        layout_parameters=r.get("HITLayoutParameter"),
        requester_annotation=r.get("RequesterAnnotation"),
        unique_request_token=r.get("UniqueRequestToken"),
        assignment_review_policy=r.get("AssignmentReviewPolicy"),
        hit_review_policy=r.get("HITReviewPolicy"),
        **_type_properties(r),
    )
    shown = groups(r, HIT_GROUPS, (MINIMAL,))
    return hit_fields(_counted(d, [state], shown)[0], shown)


def _get_hit(d, caller: str, r: Request) -> Result:
    state = d.hits.get_hit(caller, r.get("HITId"))
    shown = groups(r, HIT_GROUPS, (MINIMAL, DETAIL, QUESTION))
    return hit_fields(_counted(d, [state], shown)[0], shown)


def _counted(d, states: list[HITState], shown: set[str]) -> list[HITState]:
    """The states, with NumberOfSimilarHITs counted where the answer writes it."""
    if DETAIL in shown and request_context.written("HIT", "NumberOfSimilarHITs"):
        return d.hits.with_similar(states)
    return states


def _hit_page(d, page, shown: set[str], minimal_type_id: bool = True) -> Result:
    items = [hit_fields(s, shown, minimal_type_id) for s in _counted(d, page.items, shown)]
    return page_fields(page, "HIT", items)


def _search_hits(d, caller: str, r: Request) -> Result:
    page = d.hits.search_hits(
        caller,
        sort_property=r.get("SortProperty"),
        sort_direction=r.get("SortDirection"),
        page_number=r.get("PageNumber"),
        page_size=r.get("PageSize"),
    )
    return _hit_page(d, page, groups(r, HIT_GROUPS, (MINIMAL, DETAIL, SUMMARY)))


def _reviewable_hits(d, caller: str, r: Request) -> Result:
    page = d.hits.reviewable_hits(
        caller,
        hit_type_id=r.get("HITTypeId"),
        status=r.get("Status"),
        sort_property=r.get("SortProperty"),
        sort_direction=r.get("SortDirection"),
        page_number=r.get("PageNumber"),
        page_size=r.get("PageSize"),
    )
    # "Currently, the GetReviewableHITs operation only supports the Minimal response group."
    return _hit_page(d, page, {MINIMAL}, minimal_type_id=False)


def _hits_for_qualification_type(d, caller: str, r: Request) -> Result:
    page = d.hits.hits_for_qualification_type(
        caller, r.get("QualificationTypeId"), r.get("PageNumber"), r.get("PageSize")
    )
    return _hit_page(d, page, {MINIMAL})


def _change_type(d, caller: str, r: Request) -> Result:
    d.hits.change_type(caller, r.get("HITId"), r.get("HITTypeId"))
    return {}


def _extend(d, caller: str, r: Request) -> Result:
    d.hits.extend(
        caller,
        r.get("HITId"),
        r.get("MaxAssignmentsIncrement"),
        r.get("ExpirationIncrementInSeconds"),
        r.get("UniqueRequestToken"),
        request_context.REQUEST_ID.get(),
    )
    return {}


def _on_hit(method: str):
    """A handler that hands the HITId to the HITService method and answers nothing
    but the request's status (ForceExpireHIT, DisableHIT, DisposeHIT)."""

    def handler(d, caller: str, r: Request) -> Result:
        getattr(d.hits, method)(caller, r.get("HITId"))
        return {}

    return handler


def _verdict(method: str):
    """A handler for a requester's verdict on an assignment (ApproveAssignment,
    RejectAssignment, ApproveRejectedAssignment): status only."""

    def handler(d, caller: str, r: Request) -> Result:
        getattr(d.hits, method)(caller, r.get("AssignmentId"), r.get("RequesterFeedback"))
        return {}

    return handler


def _set_reviewing(d, caller: str, r: Request) -> Result:
    d.hits.set_reviewing(caller, r.get("HITId"), r.get("Revert"))
    return {}


def _get_assignment(d, caller: str, r: Request) -> Result:
    assignment, state = d.hits.get_assignment(caller, r.get("AssignmentId"))
    shown = groups(r, (MINIMAL, FEEDBACK, DETAIL, QUESTION), (MINIMAL,))
    return {
        "Assignment": assignment_fields(assignment, FEEDBACK in shown),
        "HIT": hit_fields(_counted(d, [state], shown)[0], shown),
    }


def _assignments_for_hit(d, caller: str, r: Request) -> Result:
    page = d.hits.assignments_for_hit(
        caller,
        r.get("HITId"),
        statuses=r.get("AssignmentStatus"),
        sort_property=r.get("SortProperty"),
        sort_direction=r.get("SortDirection"),
        page_number=r.get("PageNumber"),
        page_size=r.get("PageSize"),
    )
    feedback = FEEDBACK in groups(r, (MINIMAL, FEEDBACK), (MINIMAL,))
    items = [assignment_fields(a, feedback) for a in page.items]
    return page_fields(page, "Assignment", items)


def _policy_fields(policy) -> Result | None:
    if policy is None:
        return None
    parameters = []
    for key, value in policy.parameters.items():
        if isinstance(value, dict):
            entries = [{"Key": k, "Value": list(v)} for k, v in value.items()]
            parameters.append({"Key": key, "MapEntry": entries})
        else:
            parameters.append({"Key": key, "Value": list(value)})
    return {"PolicyName": policy.name, "Parameter": parameters}


def _report(page) -> Result | None:
    if page is None:
        return None
    return {
        "PageNumber": page.number,
        "NumResults": len(page.items),
        "TotalNumResults": page.total,
        "ReviewResult": [item for kind, item in page.items if kind == "Result"],
        "ReviewAction": [item for kind, item in page.items if kind == "Action"],
    }


def _review_results(d, caller: str, r: Request) -> Result:
    hit, (assignment_policy, hit_policy), reports = d.hits.review_results(
        caller,
        r.get("HITId"),
        levels=r.get("PolicyLevel"),
        retrieve_actions=r.get("RetrieveActions"),
        retrieve_results=r.get("RetrieveResults"),
        page_number=r.get("PageNumber"),
        page_size=r.get("PageSize"),
    )
    return {
        "HITId": hit.id,
        "AssignmentReviewPolicy": _policy_fields(assignment_policy),
        "HITReviewPolicy": _policy_fields(hit_policy),
        "AssignmentReviewReport": _report(reports.get("Assignment")),
        "HITReviewReport": _report(reports.get("HIT")),
    }


def _file_upload_url(d, caller: str, r: Request) -> Result:
    token, _ = d.hits.file_upload_url(caller, r.get("AssignmentId"), r.get("QuestionIdentifier"))
    # The file is served by the control API, at the address the client used.
    return {"FileUploadURL": f"{request_context.BASE_URL.get()}/_emulator/files/{token}"}


def _result(name: str) -> tuple[str, str]:
    return name + "Result", name + "Result"


HIT_OPERATIONS: tuple[Operation, ...] = (
    Operation("RegisterHITType", *_result("RegisterHITType"), _register_type),
    Operation("CreateHIT", "HIT", "HIT", _create_hit),
    Operation("GetHIT", "HIT", "HIT", _get_hit),
    Operation("SearchHITs", *_result("SearchHITs"), _search_hits),
    Operation("GetReviewableHITs", *_result("GetReviewableHITs"), _reviewable_hits),
    Operation(
        "GetHITsForQualificationType",
        *_result("GetHITsForQualificationType"),
        _hits_for_qualification_type,
    ),
    Operation("ChangeHITTypeOfHIT", *_result("ChangeHITTypeOfHIT"), _change_type),
    Operation("ExtendHIT", *_result("ExtendHIT"), _extend),
    Operation("ForceExpireHIT", *_result("ForceExpireHIT"), _on_hit("force_expire")),
    Operation("DisableHIT", *_result("DisableHIT"), _on_hit("disable")),
    Operation("DisposeHIT", *_result("DisposeHIT"), _on_hit("dispose")),
    Operation("SetHITAsReviewing", *_result("SetHITAsReviewing"), _set_reviewing),
    Operation("GetAssignment", *_result("GetAssignment"), _get_assignment),
    Operation("GetAssignmentsForHIT", *_result("GetAssignmentsForHIT"), _assignments_for_hit),
    Operation("ApproveAssignment", *_result("ApproveAssignment"), _verdict("approve_assignment")),
    Operation("RejectAssignment", *_result("RejectAssignment"), _verdict("reject_assignment")),
    Operation(
        "ApproveRejectedAssignment",
        *_result("ApproveRejectedAssignment"),
        _verdict("approve_rejected"),
    ),
    Operation("GetReviewResultsForHIT", *_result("GetReviewResultsForHIT"), _review_results),
    Operation("GetFileUploadURL", *_result("GetFileUploadURL"), _file_upload_url),
)
