"""Records of the cases module as the API gives them (the shapes of `schemas`).

Plain functions from loaded records to dicts: they read only what the caller loaded (select_related by
the selectors), so serialising a page never runs a query per row. No beneficiary identity here: that has
its own endpoint.
"""

import datetime as dt
from typing import Any

from django.db import models

from refugiu.accounts.models import User
from refugiu.cases import due
from refugiu.cases.models import (
    Beneficiary,
    Case,
    Consent,
    Document,
    NeedsAssessment,
    Note,
    Proceeding,
    Referral,
    ServiceEntry,
    StatusChange,
    Task,
)
from refugiu.cases.selectors import TimelineItem
from refugiu.cases.services import PROCEEDING_EDITABLE
from refugiu.directory.models import Organization
from refugiu.organisation.models import Department

PROCEEDING_FIELDS = ("kind", *PROCEEDING_EDITABLE)
NEED_AREAS = ("legal", "social", "psychological", "medical", "shelter", "interpretation", "safety")


def staff_out(user: User | None) -> dict[str, Any] | None:
    return {"id": user.pk, "name": str(user)} if user is not None else None


def department_out(department: Department | None) -> dict[str, Any] | None:
    return {"id": department.pk, "name": department.name} if department is not None else None


def beneficiary_out(beneficiary: Beneficiary) -> dict[str, Any]:
    return {
        "id": beneficiary.pk,
        "code": beneficiary.code,
        "gender": beneficiary.gender,
        "age_band": beneficiary.age_band,
        "nationality": str(beneficiary.nationality),
        "languages": list(beneficiary.languages),
        "migration_status": beneficiary.migration_status,
        "version": beneficiary.version,
    }


def case_summary_out(case: Case) -> dict[str, Any]:
    """A row of the case list: the case and its beneficiary's code, nothing that names the person."""
    return {
        "id": case.pk,
        "reference": case.reference,
        "beneficiary_code": case.beneficiary.code,
        "department": department_out(case.department),
        "category": case.category,
        "status": case.status,
        "risk_level": case.risk_level,
        "flags": list(case.flags),
        "opened_on": case.opened_on,
        "updated_at": case.updated_at,
        "is_overdue": bool(getattr(case, "is_overdue", False)),
        "closure_requested": case.closure_requested_at is not None,
    }


def case_out(case: Case) -> dict[str, Any]:
    return {
        "id": case.pk,
        "reference": case.reference,
        "version": case.version,
        "beneficiary": beneficiary_out(case.beneficiary),
        "department": department_out(case.department),
        "category": case.category,
        "status": case.status,
        "risk_level": case.risk_level,
        "flags": list(case.flags),
        "trafficking_status": case.trafficking_status,
        "exploitation_types": list(case.exploitation_types),
        "control_methods": list(case.control_methods),
        "recruitment_methods": list(case.recruitment_methods),
        "exploitation_country": str(case.exploitation_country),
        "summary": case.summary,
        "opened_on": case.opened_on,
        "updated_at": case.updated_at,
        "closure_requested_at": case.closure_requested_at,
        "closure_outcome": case.closure_outcome,
        "closed_on": case.closed_on,
    }


def assessment_out(assessment: NeedsAssessment) -> dict[str, Any]:
    return {
        "id": assessment.pk,
        "assessed_on": assessment.assessed_on,
        "author": staff_out(assessment.author),
        "notes": assessment.notes,
        **{area: getattr(assessment, area) for area in NEED_AREAS},
    }


def organization_out(organization: Organization | None) -> dict[str, Any] | None:
    return {"id": organization.pk, "name": organization.display_name} if organization is not None else None


def consent_out(consent: Consent) -> dict[str, Any]:
    return {
        "id": consent.pk,
        "case_id": consent.case_id,
        "purpose": consent.purpose,
        "form": consent.form,
        "given_on": consent.given_on,
        "organization": organization_out(consent.organization),
        "recipient_name": consent.recipient_name,
        "shared_fields": list(consent.shared_fields),
        "withdrawn_on": consent.withdrawn_on,
        "is_active": consent.is_active,
    }


def proceeding_out(proceeding: Proceeding) -> dict[str, Any]:
    return {
        "id": proceeding.pk,
        "version": proceeding.version,
        **{field: getattr(proceeding, field) for field in PROCEEDING_FIELDS},
    }


def task_out(task: Task, case: Case) -> dict[str, Any]:
    return {
        "id": task.pk,
        "title": task.title,
        "due_on": task.due_on,
        "assignee": staff_out(task.assignee),
        "done_at": task.done_at,
        "is_overdue": due.record_is_overdue(case, task),
    }


def session_out(entry: ServiceEntry) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "kind": entry.kind,
        "delivered_on": entry.delivered_on,
        "duration_minutes": entry.duration_minutes,
        "staff": staff_out(entry.staff),
        "mediator": entry.mediator,
        "language": entry.language,
        "note": entry.note,
    }


def note_out(note: Note) -> dict[str, Any]:
    return {
        "id": note.pk,
        "seal": note.seal,
        "text": note.text,
        "author": staff_out(note.author),
        "written_at": note.written_at,
    }


def referral_out(referral: Referral) -> dict[str, Any]:
    service = referral.service
    return {
        "id": referral.pk,
        "version": referral.version,
        "kind": referral.kind,
        "status": referral.status,
        "service": (
            {
                "id": service.pk,
                "name": service.display_name,
                "organization": organization_out(service.organization),
            }
            if service is not None
            else None
        ),
        "organization": organization_out(referral.organization),
        "department": department_out(referral.department),
        "country": str(referral.country),
        "is_cross_border": referral.is_cross_border,
        "reason": referral.reason,
        "shared_fields": list(referral.shared_fields),
        "consent_id": referral.consent_id,
        "consent_overridden": referral.consent_overridden_by_id is not None,
        "sent_on": referral.sent_on,
        "responded_on": referral.responded_on,
        "completed_on": referral.completed_on,
        "decline_reason": referral.decline_reason,
        "feedback": referral.feedback,
    }


def _destination(referral: Referral) -> str:
    if referral.service is not None:
        return referral.service.display_name
    if referral.organization is not None:
        return referral.organization.display_name
    return referral.department.name if referral.department is not None else ""


def timeline_entry_out(item: TimelineItem, *, staff_by_id: dict[int, User]) -> dict[str, Any]:
    """One timeline event. A sealed note the caller may not read keeps its author and date, not its text.

    `staff_by_id` holds the people behind referrals and consents, which the timeline does not load."""
    record = item.record
    # The selector pairs each kind with one model; the asserts tell the type checker which.
    assert isinstance(record, models.Model)
    # In UTC: a day long ago made a moment in local time has an offset in seconds (Bucharest's mean time
    # before 1891, +01:44:24), which RFC 3339's date-time cannot write.
    at = item.at.astimezone(dt.UTC)
    entry: dict[str, Any] = {"kind": item.kind, "at": at, "id": record.pk, "by": None, "text": None}
    if item.kind == "service":
        assert isinstance(record, ServiceEntry)
        entry |= {
            "by": staff_out(record.staff),
            "text": record.note,
            "service_kind": record.kind,
            "duration_minutes": record.duration_minutes,
            "language": record.language,
            "mediator": record.mediator,
        }
    elif item.kind == "note":
        assert isinstance(record, Note)
        entry |= {"by": staff_out(record.author), "text": record.text, "seal": record.seal}
    elif item.kind == "sealed_note":
        assert isinstance(record, Note)
        entry |= {"by": staff_out(record.author), "seal": record.seal}
    elif item.kind == "status":
        assert isinstance(record, StatusChange)
        entry |= {
            "by": staff_out(record.by),
            "text": record.note,
            "from_status": record.from_status,
            "to_status": record.to_status,
        }
    elif item.kind == "referral":
        assert isinstance(record, Referral)
        entry |= {
            "by": staff_out(staff_by_id.get(record.created_by_id)),
            "text": record.reason,
            "referral_kind": record.kind,
            "referral_status": record.status,
            "destination": _destination(record),
        }
    elif item.kind == "assessment":
        assert isinstance(record, NeedsAssessment)
        entry |= {"by": staff_out(record.author), "text": record.notes}
    elif item.kind == "consent":
        assert isinstance(record, Consent)
        entry |= {
            "by": staff_out(staff_by_id.get(record.recorded_by_id)),
            "consent_purpose": record.purpose,
            "consent_active": record.is_active,
            "destination": record.organization.display_name if record.organization else record.recipient_name,
        }
    elif item.kind == "document":
        assert isinstance(record, Document)
        entry |= {"by": staff_out(record.uploaded_by), "title": record.title}
    return entry
