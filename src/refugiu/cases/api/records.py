"""What happens in a case, through the API: sessions, notes, consents, needs assessments, tasks, referrals
and legal proceedings. Each writes through one service, which checks and audits."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Status

from refugiu.accounts.models import User
from refugiu.cases import services
from refugiu.cases.api import schemas as s
from refugiu.cases.api.common import (
    CaseId,
    RecordId,
    caller,
    case_for_writing,
    given_dates,
    operation_id,
    record_of,
    responses,
    router,
)
from refugiu.cases.api.output import (
    assessment_out,
    consent_out,
    note_out,
    proceeding_out,
    referral_out,
    session_out,
    task_out,
)
from refugiu.cases.errors import CaseError
from refugiu.cases.models import Consent, Proceeding, Referral, Task
from refugiu.directory.models import Organization
from refugiu.directory.selectors import organization_public_list, service_public_list
from refugiu.organisation.models import Department


@router.post(
    "/cases/{case_id}/sessions",
    response=responses(201, s.SessionOut, 400, 404, 409, 413),
    summary="Record a session",
    operation_id=operation_id("session_record"),
)
def session_record(request: HttpRequest, case_id: CaseId, payload: s.SessionIn) -> Status[dict[str, Any]]:
    """A session delivered to the beneficiary, by the caller."""
    case = case_for_writing(request, case_id)
    entry = services.service_record(
        user=caller(request), request=request, case=case, **given_dates(payload.dict(), "delivered_on")
    )
    return Status(201, session_out(entry))


@router.post(
    "/cases/{case_id}/notes",
    response=responses(201, s.NoteOut, 400, 404, 409, 413),
    summary="Write a note",
    operation_id=operation_id("note_write"),
)
def note_write(request: HttpRequest, case_id: CaseId, payload: s.NoteIn) -> Status[dict[str, Any]]:
    """A team note, or a note sealed for the psychologists / lawyers on the team (only they may seal one)."""
    case = case_for_writing(request, case_id)
    note = services.note_write(
        user=caller(request), request=request, case=case, text=payload.text, seal=payload.seal
    )
    return Status(201, note_out(note))


@router.post(
    "/cases/{case_id}/consents",
    response=responses(201, s.ConsentOut, 400, 404, 409, 413),
    summary="Record a consent",
    operation_id=operation_id("consent_record"),
)
def consent_record(request: HttpRequest, case_id: CaseId, payload: s.ConsentIn) -> Status[dict[str, Any]]:
    """The person's consent for a purpose; sharing names its recipient and the data it covers."""
    case = case_for_writing(request, case_id)
    fields = given_dates(payload.dict(exclude={"organization_id"}), "given_on")
    organization = None
    if payload.organization_id is not None:
        organization = Organization.objects.filter(pk=payload.organization_id).first()
        if organization is None:
            raise CaseError("unknown_organization", _("No organisation of the directory has this id."))
    if payload.purpose == "sharing" and organization is None and not payload.recipient_name.strip():
        raise CaseError("recipient_required", _("Name who the person agreed to share their data with."))
    consent = services.consent_record(
        user=caller(request), request=request, case=case, organization=organization, **fields
    )
    return Status(201, consent_out(consent))


@router.post(
    "/cases/{case_id}/consents/{consent_id}/withdraw",
    response=responses(200, s.ConsentOut, 400, 404, 409, 413),
    summary="Record the withdrawal of a consent",
    operation_id=operation_id("consent_withdraw"),
)
def consent_withdraw(
    request: HttpRequest, case_id: CaseId, consent_id: RecordId, payload: s.ConsentWithdrawIn
) -> dict[str, Any]:
    case = case_for_writing(request, case_id)
    consent = record_of(request, case, Consent.objects.select_related("organization"), consent_id)
    consent = services.consent_withdraw(
        user=caller(request), request=request, consent=consent, withdrawn_on=payload.withdrawn_on
    )
    return consent_out(consent)


@router.post(
    "/cases/{case_id}/assessments",
    response=responses(201, s.AssessmentOut, 400, 404, 409, 413),
    summary="Record a needs assessment",
    operation_id=operation_id("assessment_record"),
)
def assessment_record(
    request: HttpRequest, case_id: CaseId, payload: s.AssessmentIn
) -> Status[dict[str, Any]]:
    """The individual assessment of protection and support needs (Victims' Rights Directive art. 22)."""
    case = case_for_writing(request, case_id)
    assessment = services.assessment_record(
        user=caller(request), request=request, case=case, **given_dates(payload.dict(), "assessed_on")
    )
    return Status(201, assessment_out(assessment))


@router.post(
    "/cases/{case_id}/tasks",
    response=responses(201, s.TaskOut, 400, 404, 409, 413),
    summary="Create a task",
    operation_id=operation_id("task_create"),
)
def task_create(request: HttpRequest, case_id: CaseId, payload: s.TaskIn) -> Status[dict[str, Any]]:
    """A follow-up with a due date, for the caller or for someone else who works on the case."""
    case = case_for_writing(request, case_id)
    assignee = None
    if payload.assignee_id is not None:
        assignee = User.objects.filter(pk=payload.assignee_id).first()
        if assignee is None:
            raise CaseError("assignee_cannot_see", _("The person you assign must work on this case."))
    task = services.task_create(
        user=caller(request),
        request=request,
        case=case,
        title=payload.title,
        due_on=payload.due_on,
        assignee=assignee,
    )
    return Status(201, task_out(task, case))


@router.post(
    "/cases/{case_id}/tasks/{task_id}/complete",
    response=responses(200, s.TaskOut, 400, 404, 409, 413),
    summary="Complete a task",
    operation_id=operation_id("task_complete"),
)
def task_complete(
    request: HttpRequest, case_id: CaseId, task_id: RecordId, payload: s.NoBody = s.UNSENT
) -> dict[str, Any]:
    """No body (or `null`, as ninja reads it), or an empty object."""
    case = case_for_writing(request, case_id)
    task = record_of(request, case, Task.objects.select_related("assignee"), task_id)
    return task_out(services.task_complete(user=caller(request), request=request, task=task), case)


@router.post(
    "/cases/{case_id}/referrals",
    response=responses(201, s.ReferralOut, 400, 404, 409, 413),
    summary="Send a referral",
    operation_id=operation_id("referral_send"),
)
def referral_send(request: HttpRequest, case_id: CaseId, payload: s.ReferralIn) -> Status[dict[str, Any]]:
    """Refer the person to a directory service or a directory organisation itself (external), or to a
    department (internal): exactly one of `service_id`, `organization_id`, `department_id`. Refused (code
    "no_consent") without the matching consent, unless the department's coordinator gives a reason;
    refused ("beyond_consent") if the data shared goes beyond what the consent covers."""
    case = case_for_writing(request, case_id)
    service = organization = department = None
    if payload.service_id is not None:
        service = service_public_list().select_related("organization").filter(pk=payload.service_id).first()
        if service is None:
            raise CaseError("unknown_service", _("No published service of the directory has this id."))
    if payload.organization_id is not None:
        organization = organization_public_list().filter(pk=payload.organization_id).first()
        if organization is None:
            raise CaseError(
                "unknown_organization", _("No published organisation of the directory has this id.")
            )
    if payload.department_id is not None:
        department = Department.objects.filter(pk=payload.department_id).first()
        if department is None:
            raise CaseError("unknown_department", _("No department has this id."))
    referral = services.referral_send(
        user=caller(request),
        request=request,
        case=case,
        reason=payload.reason,
        shared_fields=list(payload.shared_fields),
        service=service,
        organization=organization,
        department=department,
        override_reason=payload.override_reason,
    )
    return Status(201, referral_out(referral))


@router.patch(
    "/cases/{case_id}/referrals/{referral_id}",
    response=responses(200, s.ReferralOut, 400, 404, 409, 413),
    summary="Record a referral's answer",
    operation_id=operation_id("referral_update"),
)
def referral_update(
    request: HttpRequest, case_id: CaseId, referral_id: RecordId, payload: s.ReferralUpdateIn
) -> dict[str, Any]:
    """Accepted, completed or declined (with the reason), and the feedback; `version` as read."""
    case = case_for_writing(request, case_id)
    referral = record_of(
        request,
        case,
        Referral.objects.select_related("service__organization", "organization", "department"),
        referral_id,
    )
    referral = services.referral_update(
        user=caller(request),
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
    response=responses(201, s.ProceedingOut, 400, 404, 409, 413),
    summary="Record a legal proceeding",
    operation_id=operation_id("proceeding_record"),
)
def proceeding_record(
    request: HttpRequest, case_id: CaseId, payload: s.ProceedingIn
) -> Status[dict[str, Any]]:
    """A criminal case, protection order, compensation claim, asylum procedure, reflection period or
    residence permit; its deadline appears in the work list of the people on the case."""
    case = case_for_writing(request, case_id)
    proceeding = services.proceeding_record(
        user=caller(request), request=request, case=case, **payload.dict()
    )
    return Status(201, proceeding_out(proceeding))


@router.patch(
    "/cases/{case_id}/proceedings/{proceeding_id}",
    response=responses(200, s.ProceedingOut, 400, 404, 409, 413),
    summary="Change a legal proceeding",
    operation_id=operation_id("proceeding_update"),
)
def proceeding_update(
    request: HttpRequest, case_id: CaseId, proceeding_id: RecordId, payload: s.ProceedingUpdateIn
) -> dict[str, Any]:
    """Change the fields sent; `version` as read."""
    case = case_for_writing(request, case_id)
    proceeding = record_of(request, case, Proceeding.objects.all(), proceeding_id)
    fields = payload.dict(exclude_unset=True)
    version = fields.pop("version")
    proceeding = services.proceeding_update(
        user=caller(request), request=request, proceeding=proceeding, expected_version=version, **fields
    )
    return proceeding_out(proceeding)
