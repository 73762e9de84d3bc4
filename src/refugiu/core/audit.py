"""The one entry point that writes the audit log.

Every read, create, change, export, download and break-glass of protected data calls `audit_record`
inside the same transaction as the change, so a change never lands without its record. The record
names the action (a namespaced code such as "cases.case.viewed"), the record touched and, for
searching, the case and beneficiary it belongs to; `detail` may name fields that changed, never
their values.
"""

from django.db import models

from refugiu.core.models import AuditEntry


def client_address(request) -> str | None:
    # REMOTE_ADDR only: a client can forge X-Forwarded-For.
    return request.META.get("REMOTE_ADDR") if request is not None else None


def audit_record(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    case_id: int | None = None,
    beneficiary_id: int | None = None,
    request=None,
    detail: dict | None = None,
) -> AuditEntry:
    actor = actor if actor is not None and actor.is_authenticated else None
    if target is not None:
        case_id = case_id if case_id is not None else _case_of(target)
        beneficiary_id = beneficiary_id if beneficiary_id is not None else _beneficiary_of(target)
    return AuditEntry.objects.create(
        actor=actor,
        actor_name=actor.get_username() if actor else "",
        action=action,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        case_id=case_id,
        beneficiary_id=beneficiary_id,
        address=client_address(request),
        detail=detail or {},
    )


def _case_of(target) -> int | None:
    if target._meta.label_lower == "cases.case":
        return target.pk
    return getattr(target, "case_id", None)


def _beneficiary_of(target) -> int | None:
    if target._meta.label_lower == "cases.beneficiary":
        return target.pk
    return getattr(target, "beneficiary_id", None)
