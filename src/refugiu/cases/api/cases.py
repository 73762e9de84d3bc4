"""The cases themselves: the list, opening one, a case with its sidebar, changing it, its timeline."""

from __future__ import annotations

import math
from typing import Annotated, Any

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Status

from refugiu.accounts.models import User
from refugiu.cases import access, read_audit, selectors, services
from refugiu.cases.api import schemas as s
from refugiu.cases.api.common import (
    DEFAULT_PER_PAGE,
    MAX_PAGE,
    MAX_PER_PAGE,
    CaseId,
    caller,
    case_for_reading,
    case_for_writing,
    operation_id,
    responses,
    router,
)
from refugiu.cases.api.fields import QueryBool, QueryInt
from refugiu.cases.api.output import (
    assessment_out,
    case_out,
    case_summary_out,
    consent_out,
    proceeding_out,
    staff_out,
    task_out,
    timeline_entry_out,
)
from refugiu.cases.errors import CaseError
from refugiu.organisation.models import Department


@router.get(
    "/cases",
    response=responses(200, s.CasePage, 400),
    summary="My cases",
    operation_id=operation_id("cases_list"),
)
def cases_list(
    request: HttpRequest,
    # Optional, never null: the document offers no empty value (`?status=` answers 400). `UNSENT`: not sent.
    status: Annotated[
        s.CaseStatus,
        Query(None, description="Only cases in this status (default: every status but closed)."),
    ] = s.UNSENT,
    category: Annotated[s.CaseCategory, Query(None, description="Only cases of this category.")] = s.UNSENT,
    department: Annotated[
        QueryInt, Query(None, description="Only cases of this department (id).", ge=1, le=s.MAX_ID)
    ] = s.UNSENT,
    overdue: Annotated[
        QueryBool, Query(False, description="Only cases with an overdue task or deadline.")
    ] = False,
    page: Annotated[QueryInt, Query(1, description="Page number, from 1.", ge=1, le=MAX_PAGE)] = 1,
    per_page: Annotated[
        QueryInt, Query(DEFAULT_PER_PAGE, description=f"Cases per page, at most {MAX_PER_PAGE}.", ge=1)
    ] = DEFAULT_PER_PAGE,
) -> dict[str, Any]:
    """The cases the caller may see, most recently active first. Beneficiaries by their code only. The
    page is audited, naming the cases shown; it costs the same number of queries whatever its size."""
    user = caller(request)
    filters = selectors.CaseFilters(
        status=status or "", category=category or "", department=department, overdue=overdue
    )
    cases = selectors.case_list(user=user, filters=filters)
    per_page = min(per_page, MAX_PER_PAGE)
    offset = (page - 1) * per_page
    total = cases.count()
    rows = list(cases[offset : offset + per_page]) if offset < total else []
    read_audit.cases_listed(user=user, request=request, case_ids=[case.pk for case in rows])
    return {
        "total_items": total,
        "total_pages": math.ceil(total / per_page),
        "page_number": page,
        "size": len(rows),
        "contents": [case_summary_out(case) for case in rows],
    }


def _team(user: User, department: Department, payload: s.CaseOpenIn) -> list[tuple[User, str, bool]]:
    """The team as the caller chose it; empty lets the service decide (the caller leads it, unless they
    coordinate the department)."""
    members = payload.team
    if not members:
        if payload.my_function and not access.coordinates(user, department.pk):
            return [(user, payload.my_function, True)]
        return []
    access.require_may_choose_team(user, department.pk)
    people = User.objects.in_bulk([member.user_id for member in members])
    if len(people) != len({member.user_id for member in members}):
        raise CaseError("not_caseworker", _("Only caseworkers and coordinators can join a case team."))
    return [(people[member.user_id], member.function, member.is_lead) for member in members]


@router.post(
    "/cases",
    response=responses(201, s.CaseOut, 400, 404, 409, 413),
    summary="Open a case",
    operation_id=operation_id("case_open"),
)
def case_open(request: HttpRequest, payload: s.CaseOpenIn) -> Status[dict[str, Any]]:
    """Open a case for a beneficiary the caller can reach (404 otherwise), in a department they work in."""
    user = caller(request)
    access.require_works_in(user, payload.department_id)
    department = Department.objects.get(pk=payload.department_id)
    beneficiary = access.beneficiary_for_new_case(
        user=user, beneficiary_id=payload.beneficiary_id, request=request
    )
    attributes = payload.dict(exclude={"beneficiary_id", "department_id", "category", "team", "my_function"})
    case = services.case_open(
        user=user,
        request=request,
        beneficiary=beneficiary,
        department=department,
        category=payload.category,
        team=_team(user, department, payload),
        **attributes,
    )
    return Status(201, case_out(case))


@router.get(
    "/cases/{case_id}",
    response=responses(200, s.CaseDetail, 404),
    summary="A case",
    operation_id=operation_id("case_detail"),
)
def case_detail(request: HttpRequest, case_id: CaseId) -> dict[str, Any]:
    """The case with its team, latest needs assessment, consents, proceedings and open tasks; the
    beneficiary by code, without identity. Audited as "cases.case.viewed"."""
    user = caller(request)
    case = case_for_reading(request, case_id)
    read_audit.case_read(user=user, request=request, case=case)
    sidebar = selectors.case_sidebar(case=case)
    assessment = sidebar["assessment"]
    return {
        **case_out(case),
        "team": [
            {"user": staff_out(m.user), "function": m.function, "is_lead": m.is_lead} for m in sidebar["team"]
        ],
        "latest_assessment": assessment_out(assessment) if assessment else None,
        "consents": [consent_out(consent) for consent in sidebar["consents"]],
        "proceedings": [proceeding_out(proceeding) for proceeding in sidebar["proceedings"]],
        "open_tasks": [task_out(task, case) for task in sidebar["tasks"]],
        "can_edit": access.can_edit(user, case),
        "can_coordinate": access.can_coordinate(user, case),
    }


@router.patch(
    "/cases/{case_id}",
    response=responses(200, s.CaseOut, 400, 404, 409, 413),
    summary="Change a case",
    operation_id=operation_id("case_change"),
)
def case_change(request: HttpRequest, case_id: CaseId, payload: s.CaseUpdateIn) -> dict[str, Any]:
    """Change the fields sent, and/or move the status; `version` is the one the caller read. Both in one
    transaction: if the status cannot move, the fields are not saved either."""
    user = caller(request)
    case = case_for_writing(request, case_id)
    fields = payload.dict(exclude_unset=True)
    version = fields.pop("version")
    to_status = fields.pop("status", None)
    note = fields.pop("status_note", "")
    if to_status == case.status:
        to_status = None
    if not fields and to_status is None:
        raise CaseError("nothing_to_change", _("Nothing to change."))
    with transaction.atomic():
        if fields:
            services.case_update(user=user, request=request, case=case, expected_version=version, **fields)
            version = case.version
        if to_status is not None:
            services.case_status_change(
                user=user,
                request=request,
                case=case,
                expected_version=version,
                to_status=to_status,
                note=note,
            )
    return case_out(case)


@router.get(
    "/cases/{case_id}/timeline",
    response=responses(200, list[s.TimelineEntry], 404),
    summary="A case's timeline",
    operation_id=operation_id("case_timeline"),
)
def case_timeline(request: HttpRequest, case_id: CaseId) -> list[dict[str, Any]]:
    """The latest events of every kind, newest first. A sealed note the caller may not read appears with
    its author and date, without its text. Audited as "cases.case.timeline_viewed"."""
    user = caller(request)
    case = case_for_reading(request, case_id)
    read_audit.case_read(user=user, request=request, case=case, action="cases.case.timeline_viewed")
    items = selectors.case_timeline(user=user, case=case)
    staff_ids = {
        getattr(item.record, "created_by_id" if item.kind == "referral" else "recorded_by_id")
        for item in items
        if item.kind in ("referral", "consent")
    }
    staff_by_id = User.objects.in_bulk(staff_ids) if staff_ids else {}
    return [timeline_entry_out(item, staff_by_id=staff_by_id) for item in items]
