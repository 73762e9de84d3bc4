"""The cases JSON API, at /api/cases/: what the staff pages do, for programs.

Each endpoint does what the matching page does, in the same order: parse the input (a schema) → fetch
through the one visibility scope (`access.case_get`: 404 alike for a case that does not exist and one the
caller may not see) → one service call, which checks what the caller may do (through `access`, as the
pages do) and writes the audit record → the output schema. A read of case content is audited here, once,
through `read_audit`, as the pages audit theirs; never skipped. A refused operation answers 400 with the
service's `code`; a save over a version someone else saved answers 409, code "stale" (refugiu.api turns
`CaseError` into these). Beneficiaries appear by their code; the identity has its own audited endpoint,
and searches that carry names are POSTs, so no name ever lands in a URL or an access log.

Who may call: see `api_tokens` (a personal token, or the browser session with its CSRF token).
"""

import math
from typing import Annotated, Any

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status
from pydantic import BeforeValidator

from refugiu.accounts.models import User
from refugiu.cases import access, read_audit, selectors, services
from refugiu.cases import api_schemas as s
from refugiu.cases.api_output import (
    assessment_out,
    beneficiary_out,
    case_out,
    case_summary_out,
    consent_out,
    department_out,
    note_out,
    proceeding_out,
    referral_out,
    session_out,
    staff_out,
    task_out,
    timeline_entry_out,
)
from refugiu.cases.api_tokens import api_authentication
from refugiu.cases.models import Case, Consent, Proceeding, Referral, Task
from refugiu.cases.services import IDENTITY_FIELDS, CaseError
from refugiu.directory.models import Organization, Service
from refugiu.organisation.models import Department

router = Router(auth=api_authentication(), tags=["Cases"])

DEFAULT_PER_PAGE = 25
MAX_PER_PAGE = 100  # larger requests get this many
MAX_PAGE = 1_000_000


def _responses(status: int, schema: Any, *errors: int) -> dict:
    """The documented answers of an endpoint: its success, then 401/403 (who is calling) and `errors`.
    Whatever may answer 400 for its input may also answer 422 for text no database can store."""
    if 400 in errors:
        errors = (*errors, 422)
    return {status: schema, 401: s.Problem, 403: s.Problem, **{code: s.Problem for code in errors}}


CaseId = Annotated[int, Path(ge=1, le=s.MAX_ID)]
RecordId = Annotated[int, Path(ge=1, le=s.MAX_ID)]


def _caller(request: HttpRequest) -> User:
    return request.auth  # set by the authentication classes: a signed-in user holding "cases.access"


def _case_for_writing(request: HttpRequest, case_id: int) -> Case:
    """The case the write is about, through the visibility scope; the service audits the write itself."""
    return access.case_get(
        user=_caller(request),
        case_id=case_id,
        queryset=Case.objects.select_related("beneficiary", "department"),
        request=request,
    )


def _case_for_reading(request: HttpRequest, case_id: int) -> Case:
    """The case a read is about, with its beneficiary and department, through the visibility scope; the
    handler audits the read (`read_audit`)."""
    return access.case_get(
        user=_caller(request), case_id=case_id, queryset=selectors.cases_for_reading(), request=request
    )


def _record_of(request: HttpRequest, case: Case, queryset, record_id: int):
    """A record of this case (404 if it belongs to another case or none), bound to the scoped case."""
    record = access.record_of_case(
        user=_caller(request), case=case, queryset=queryset, record_id=record_id, request=request
    )
    record.case = case
    return record


def _blank_is_absent(value: Any) -> Any:
    """`?status=` (an empty form field) means no filter."""
    return None if isinstance(value, str) and not value.strip() else value


def _filter(kind: Any, description: str) -> Any:
    return Annotated[kind | None, BeforeValidator(_blank_is_absent), Query(None, description=description)]


# --- cases ----------------------------------------------------------------------------------------------


@router.get("/cases", response=_responses(200, s.CasePage, 400), summary="My cases")
def cases_list(
    request: HttpRequest,
    status: _filter(s.CaseStatus, "Only cases in this status (default: every status but closed).") = None,
    category: _filter(s.CaseCategory, "Only cases of this category.") = None,
    department: _filter(s.Id, "Only cases of this department (id).") = None,
    overdue: Annotated[bool, Query(description="Only cases with an overdue task or deadline.")] = False,
    page: Annotated[int, Query(description="Page number, from 1.", ge=1, le=MAX_PAGE)] = 1,
    per_page: Annotated[int, Query(description=f"Cases per page, at most {MAX_PER_PAGE}.", ge=1)] = (
        DEFAULT_PER_PAGE
    ),
):
    """The cases the caller may see, most recently active first. Beneficiaries by their code only. The
    page is audited, naming the cases shown; it costs the same number of queries whatever its size."""
    user = _caller(request)
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


@router.post("/cases", response=_responses(201, s.CaseOut, 400, 404), summary="Open a case")
def case_open(request: HttpRequest, payload: s.CaseOpenIn):
    """Open a case for a beneficiary the caller can reach (404 otherwise), in a department they work in."""
    user = _caller(request)
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


@router.get("/cases/{case_id}", response=_responses(200, s.CaseDetail, 404), summary="A case")
def case_detail(request: HttpRequest, case_id: CaseId):
    """The case with its team, latest needs assessment, consents, proceedings and open tasks; the
    beneficiary by code, without identity. Audited as "cases.case.viewed"."""
    user = _caller(request)
    case = _case_for_reading(request, case_id)
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
        "open_tasks": [task_out(task) for task in sidebar["tasks"]],
        "can_edit": access.can_edit(user, case),
        "can_coordinate": access.can_coordinate(user, case),
    }


@router.patch("/cases/{case_id}", response=_responses(200, s.CaseOut, 400, 404, 409), summary="Change a case")
def case_change(request: HttpRequest, case_id: CaseId, payload: s.CaseUpdateIn):
    """Change the fields sent, and/or move the status; `version` is the one the caller read. Both in one
    transaction: if the status cannot move, the fields are not saved either."""
    user = _caller(request)
    case = _case_for_writing(request, case_id)
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
    response=_responses(200, list[s.TimelineEntry], 404),
    summary="A case's timeline",
)
def case_timeline(request: HttpRequest, case_id: CaseId):
    """The latest events of every kind, newest first. A sealed note the caller may not read appears with
    its author and date, without its text. Audited as "cases.case.timeline_viewed"."""
    user = _caller(request)
    case = _case_for_reading(request, case_id)
    read_audit.case_read(user=user, request=request, case=case, action="cases.case.timeline_viewed")
    items = selectors.case_timeline(user=user, case=case)
    staff_ids = {
        getattr(item.record, "created_by_id" if item.kind == "referral" else "recorded_by_id")
        for item in items
        if item.kind in ("referral", "consent")
    }
    staff_by_id = User.objects.in_bulk(staff_ids) if staff_ids else {}
    return [timeline_entry_out(item, staff_by_id=staff_by_id) for item in items]


# --- what happens in a case -----------------------------------------------------------------------------


def _given(fields: dict, *dates: str) -> dict:
    """Leave out dates the caller did not give, so the service's default (today) applies."""
    return {key: value for key, value in fields.items() if key not in dates or value is not None}


@router.post(
    "/cases/{case_id}/sessions", response=_responses(201, s.SessionOut, 400, 404), summary="Record a session"
)
def session_record(request: HttpRequest, case_id: CaseId, payload: s.SessionIn):
    """A session delivered to the beneficiary, by the caller."""
    case = _case_for_writing(request, case_id)
    entry = services.service_record(
        user=_caller(request), request=request, case=case, **_given(payload.dict(), "delivered_on")
    )
    return Status(201, session_out(entry))


@router.post("/cases/{case_id}/notes", response=_responses(201, s.NoteOut, 400, 404), summary="Write a note")
def note_write(request: HttpRequest, case_id: CaseId, payload: s.NoteIn):
    """A team note, or a note sealed for the psychologists / lawyers on the team (only they may seal one)."""
    case = _case_for_writing(request, case_id)
    note = services.note_write(
        user=_caller(request), request=request, case=case, text=payload.text, seal=payload.seal
    )
    return Status(201, note_out(note))


@router.post(
    "/cases/{case_id}/consents", response=_responses(201, s.ConsentOut, 400, 404), summary="Record a consent"
)
def consent_record(request: HttpRequest, case_id: CaseId, payload: s.ConsentIn):
    """The person's consent for a purpose; sharing names its recipient and the data it covers."""
    case = _case_for_writing(request, case_id)
    fields = _given(payload.dict(exclude={"organization_id"}), "given_on")
    organization = None
    if payload.organization_id is not None:
        organization = Organization.objects.filter(pk=payload.organization_id).first()
        if organization is None:
            raise CaseError("unknown_organization", _("No organisation of the directory has this id."))
    if payload.purpose == "sharing" and organization is None and not payload.recipient_name.strip():
        raise CaseError("recipient_required", _("Name who the person agreed to share their data with."))
    consent = services.consent_record(
        user=_caller(request), request=request, case=case, organization=organization, **fields
    )
    return Status(201, consent_out(consent))


@router.post(
    "/cases/{case_id}/consents/{consent_id}/withdraw",
    response=_responses(200, s.ConsentOut, 400, 404),
    summary="Record the withdrawal of a consent",
)
def consent_withdraw(
    request: HttpRequest, case_id: CaseId, consent_id: RecordId, payload: s.ConsentWithdrawIn
):
    case = _case_for_writing(request, case_id)
    consent = _record_of(request, case, Consent.objects.select_related("organization"), consent_id)
    consent = services.consent_withdraw(
        user=_caller(request), request=request, consent=consent, withdrawn_on=payload.withdrawn_on
    )
    return consent_out(consent)


@router.post(
    "/cases/{case_id}/assessments",
    response=_responses(201, s.AssessmentOut, 400, 404),
    summary="Record a needs assessment",
)
def assessment_record(request: HttpRequest, case_id: CaseId, payload: s.AssessmentIn):
    """The individual assessment of protection and support needs (Victims' Rights Directive art. 22)."""
    case = _case_for_writing(request, case_id)
    assessment = services.assessment_record(
        user=_caller(request), request=request, case=case, **_given(payload.dict(), "assessed_on")
    )
    return Status(201, assessment_out(assessment))


@router.post("/cases/{case_id}/tasks", response=_responses(201, s.TaskOut, 400, 404), summary="Create a task")
def task_create(request: HttpRequest, case_id: CaseId, payload: s.TaskIn):
    """A follow-up with a due date, for the caller or for someone else who works on the case."""
    case = _case_for_writing(request, case_id)
    assignee = None
    if payload.assignee_id is not None:
        assignee = User.objects.filter(pk=payload.assignee_id).first()
        if assignee is None:
            raise CaseError("assignee_cannot_see", _("The person you assign must work on this case."))
    task = services.task_create(
        user=_caller(request),
        request=request,
        case=case,
        title=payload.title,
        due_on=payload.due_on,
        assignee=assignee,
    )
    return Status(201, task_out(task))


@router.post(
    "/cases/{case_id}/tasks/{task_id}/complete",
    response=_responses(200, s.TaskOut, 400, 404),
    summary="Complete a task",
)
def task_complete(request: HttpRequest, case_id: CaseId, task_id: RecordId):
    case = _case_for_writing(request, case_id)
    task = _record_of(request, case, Task.objects.select_related("assignee"), task_id)
    return task_out(services.task_complete(user=_caller(request), request=request, task=task))


@router.post(
    "/cases/{case_id}/referrals", response=_responses(201, s.ReferralOut, 400, 404), summary="Send a referral"
)
def referral_send(request: HttpRequest, case_id: CaseId, payload: s.ReferralIn):
    """Refer the person to a directory service (external) or a department (internal). Refused (code
    "no_consent") without the matching consent, unless the department's coordinator gives a reason;
    refused ("beyond_consent") if the data shared goes beyond what the consent covers."""
    case = _case_for_writing(request, case_id)
    service = department = None
    if payload.service_id is not None:
        service = (
            Service.objects.select_related("organization")
            .filter(pk=payload.service_id, is_published=True, organization__is_published=True)
            .first()
        )
        if service is None:
            raise CaseError("unknown_service", _("No published service of the directory has this id."))
    if payload.department_id is not None:
        department = Department.objects.filter(pk=payload.department_id).first()
        if department is None:
            raise CaseError("unknown_department", _("No department has this id."))
    referral = services.referral_send(
        user=_caller(request),
        request=request,
        case=case,
        reason=payload.reason,
        shared_fields=list(payload.shared_fields),
        service=service,
        department=department,
        override_reason=payload.override_reason,
    )
    return Status(201, referral_out(referral))


@router.patch(
    "/cases/{case_id}/referrals/{referral_id}",
    response=_responses(200, s.ReferralOut, 400, 404, 409),
    summary="Record a referral's answer",
)
def referral_update(
    request: HttpRequest, case_id: CaseId, referral_id: RecordId, payload: s.ReferralUpdateIn
):
    """Accepted, completed or declined (with the reason), and the feedback; `version` as read."""
    case = _case_for_writing(request, case_id)
    referral = _record_of(
        request, case, Referral.objects.select_related("service__organization", "department"), referral_id
    )
    referral = services.referral_update(
        user=_caller(request),
        request=request,
        referral=referral,
        expected_version=payload.version,
        status=payload.status,
        decline_reason=payload.decline_reason,
        feedback=payload.feedback,
    )
    return referral_out(referral)


@router.post(
    "/cases/{case_id}/proceedings",
    response=_responses(201, s.ProceedingOut, 400, 404),
    summary="Record a legal proceeding",
)
def proceeding_record(request: HttpRequest, case_id: CaseId, payload: s.ProceedingIn):
    """A criminal case, protection order, compensation claim, asylum procedure, reflection period or
    residence permit; its deadline appears in the work list of the people on the case."""
    case = _case_for_writing(request, case_id)
    proceeding = services.proceeding_record(
        user=_caller(request), request=request, case=case, **payload.dict()
    )
    return Status(201, proceeding_out(proceeding))


@router.patch(
    "/cases/{case_id}/proceedings/{proceeding_id}",
    response=_responses(200, s.ProceedingOut, 400, 404, 409),
    summary="Change a legal proceeding",
)
def proceeding_update(
    request: HttpRequest, case_id: CaseId, proceeding_id: RecordId, payload: s.ProceedingUpdateIn
):
    """Change the fields sent; `version` as read."""
    case = _case_for_writing(request, case_id)
    proceeding = _record_of(request, case, Proceeding.objects.all(), proceeding_id)
    fields = payload.dict(exclude_unset=True)
    version = fields.pop("version")
    proceeding = services.proceeding_update(
        user=_caller(request), request=request, proceeding=proceeding, expected_version=version, **fields
    )
    return proceeding_out(proceeding)


# --- beneficiaries --------------------------------------------------------------------------------------


def _own_without_cases(user: User, matches: list[selectors.PossibleMatch]) -> set[int]:
    """Of the matches, the people the caller registered who have no case yet (they may open the first:
    `access.beneficiaries_open_to`)."""
    mine = [
        m.beneficiary.pk for m in matches if not m.visible_cases and m.beneficiary.created_by_id == user.pk
    ]
    if not mine:
        return set()
    return set(access.beneficiaries_open_to(user).filter(pk__in=mine).values_list("pk", flat=True))


def _matches_out(user, matches: list[selectors.PossibleMatch]) -> list[dict]:
    """Each match by its code; its id and cases only where the caller already works with the person."""
    own = _own_without_cases(user, matches)
    return [
        {
            "code": match.beneficiary.code,
            "matched_on": list(match.matched_on),
            "beneficiary_id": match.beneficiary.pk
            if match.visible_cases or match.beneficiary.pk in own
            else None,
            "cases": [
                {
                    "id": c.pk,
                    "reference": c.reference,
                    "department": department_out(c.department),
                    "status": c.status,
                }
                for c in match.visible_cases
            ],
        }
        for match in matches
    ]


@router.post(
    "/beneficiaries/search",
    response=_responses(200, list[s.BeneficiaryMatch], 400),
    summary="Search before registering",
)
def beneficiary_search(request: HttpRequest, payload: s.BeneficiarySearchIn):
    """Existing records sharing two name words, the phone, the document number or the code. A POST, so
    no name reaches a URL. Audited without what was searched for."""
    user = _caller(request)
    matches = selectors.beneficiary_search(user=user, **payload.dict())
    read_audit.beneficiaries_searched(user=user, request=request, matches=matches)
    return _matches_out(user, matches)


@router.post(
    "/beneficiaries",
    response=_responses(201, s.BeneficiaryOut, 400, 409) | {409: s.PossibleDuplicates},
    summary="Register a beneficiary",
)
def beneficiary_register(request: HttpRequest, payload: s.BeneficiaryIn):
    """Search-before-register: the identity is searched first; possible duplicates answer 409 (code
    "possible_duplicate") with their codes, unless `register_despite_matches` is true."""
    user = _caller(request)
    identity = payload.identity.dict()
    matches = selectors.beneficiary_search(
        user=user,
        names=" ".join((identity["given_names"], identity["family_names"], identity["other_names"])),
        phone=identity["phone"],
        document=identity["document_number"],
    )
    read_audit.beneficiaries_searched(user=user, request=request, matches=matches)
    if matches and not payload.register_despite_matches:
        return Status(
            409,
            {
                "detail": _(
                    "This person may already be registered. Check the records found before registering."
                ),
                "code": "possible_duplicate",
                "matches": _matches_out(user, matches),
            },
        )
    beneficiary = services.beneficiary_register(
        user=user,
        request=request,
        identity=identity,
        **payload.dict(exclude={"identity", "register_despite_matches"}),
    )
    return Status(201, beneficiary_out(beneficiary))


@router.get(
    "/cases/{case_id}/beneficiary/identity",
    response=_responses(200, s.IdentityOut, 404),
    summary="Who the beneficiary of a case is",
)
def beneficiary_identity(request: HttpRequest, case_id: CaseId):
    """Names, date of birth, contact and documents. Audited as "cases.beneficiary.identity_viewed"."""
    case = _case_for_reading(request, case_id)
    read_audit.case_read(user=_caller(request), request=request, case=case, action=read_audit.IDENTITY_VIEWED)
    beneficiary = case.beneficiary
    identity = getattr(beneficiary, "identity", None)
    return {
        "beneficiary_id": beneficiary.pk,
        "code": beneficiary.code,
        **{field: getattr(identity, field, "") if identity else "" for field in IDENTITY_FIELDS},
    }


# --- my work --------------------------------------------------------------------------------------------


@router.get("/work", response=_responses(200, list[s.WorkItem]), summary="My work")
def my_work(request: HttpRequest):
    """The caller's open tasks and the deadlines of proceedings in their cases, overdue first. Audited,
    naming the cases shown."""
    user = _caller(request)
    items = selectors.my_work(user=user)
    case_ids = sorted({item.case.pk for item in items})
    codes = (
        dict(Case.objects.filter(pk__in=case_ids).values_list("pk", "beneficiary__code")) if case_ids else {}
    )
    read_audit.cases_listed(user=user, request=request, case_ids=case_ids, action=read_audit.WORK_LISTED)
    return [
        {
            "kind": item.kind,
            "due_on": item.due_on,
            "is_overdue": item.is_overdue,
            "case": {
                "id": item.case.pk,
                "reference": item.case.reference,
                "beneficiary_code": codes[item.case.pk],
            },
            "title": item.record.title if item.kind == "task" else item.record.deadline_label,
            "task_id": item.record.pk if item.kind == "task" else None,
            "proceeding_id": item.record.pk if item.kind == "deadline" else None,
            "proceeding_kind": item.record.kind if item.kind == "deadline" else None,
        }
        for item in items
    ]
