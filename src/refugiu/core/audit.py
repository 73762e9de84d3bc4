"""The one entry point that writes the audit log.

Every read, create, change, export, download and break-glass of protected data calls `audit_record`
inside the same transaction as the change, so a change never lands without its record. The record
names the action (a namespaced code such as "cases.case.viewed"), the record touched and, for
searching, the case and beneficiary it belongs to; `detail` may name fields that changed, never
their values.

The same log holds the security trail (`security_events()`, the DPO's "security events" filter): sign-ins
and their failures, second factors, passwords, accounts and roles ("accounts.*"), case teams, break-glass,
and every refused access to a record that exists (`refused_access_record`, "<app>.<model>.access_refused").

Core knows no domain: each domain registers, from its AppConfig.ready, the action prefixes that belong to
the security trail (`security_actions_register`) and, for the models whose records are searched by case and
beneficiary, how to find those of a record (`audit_scope_register`). A record of any other model is filed
under the `case_id` and `beneficiary_id` attributes it has, if any.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import models, transaction
from django.db.models import Q
from django.http import HttpRequest

from refugiu.core.addresses import request_address
from refugiu.core.models import AuditEntry


def _address(request: HttpRequest | None) -> str | None:
    # The address every limit counts by too (core.addresses): REMOTE_ADDR unless behind trusted proxies.
    if request is None:
        return None
    return request_address(request) or None


def audit_record(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: str,
    target: models.Model | None = None,
    case_id: int | None = None,
    beneficiary_id: int | None = None,
    request: HttpRequest | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    user = actor if actor is not None and actor.is_authenticated else None
    if target is not None:
        target_case, target_beneficiary = _scope_of(target)
        case_id = case_id if case_id is not None else target_case
        beneficiary_id = beneficiary_id if beneficiary_id is not None else target_beneficiary
    return AuditEntry.objects.create(
        # By its id: the user model is the project's (AUTH_USER_MODEL), which core does not name.
        actor_id=user.pk if user else None,
        actor_name=user.get_username() if user else "",
        action=action,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        case_id=case_id,
        beneficiary_id=beneficiary_id,
        address=_address(request),
        detail=detail or {},
    )


# Action codes of the security trail, by prefix, as the domains register them. Refused accesses end in
# REFUSED_ACCESS whatever their record.
SECURITY_ACTION_PREFIXES: list[str] = []
REFUSED_ACCESS = ".access_refused"

# Model label → function giving (case id, beneficiary id) of one of its records.
Scope = Callable[[models.Model], tuple[int | None, int | None]]
AUDIT_SCOPES: dict[str, Scope] = {}


def security_actions_register(*prefixes: str) -> None:
    for prefix in prefixes:
        if prefix not in SECURITY_ACTION_PREFIXES:
            SECURITY_ACTION_PREFIXES.append(prefix)


def audit_scope_register(
    model_label: str, scope: Callable[[models.Model], tuple[int | None, int | None]]
) -> None:
    AUDIT_SCOPES[model_label] = scope


def security_events() -> Q:
    """A filter on AuditEntry keeping the security trail."""
    condition = Q(action__endswith=REFUSED_ACCESS)
    for prefix in SECURITY_ACTION_PREFIXES:
        condition |= Q(action__startswith=prefix)
    return condition


def refused_access_record(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    request: HttpRequest | None,
    queryset: models.QuerySet[Any],
    pk: int | str,
) -> None:
    """Called where a lookup is about to answer 404: if the record `pk` exists in `queryset` (which must
    not be narrowed to what `actor` may see), the refusal is audited as "<app>.<model>.access_refused",
    naming the record. The caller then raises Http404 as it would have: the answer is the same, byte for
    byte, as for a record that does not exist; only the log tells them apart.

    Anonymous visitors never get this far (they are sent to sign in), and are not recorded."""
    if actor is None or not actor.is_authenticated:
        return
    try:
        number = int(pk)
    except (TypeError, ValueError):
        return
    model = queryset.model
    fields = [
        model._meta.pk.attname,
        *(name for name in ("case_id", "beneficiary_id") if _has_field(model, name)),
    ]
    record = queryset.select_related(None).prefetch_related(None).filter(pk=number).only(*fields).first()
    if record is None:
        return
    audit_record(
        actor=actor, action=f"{record._meta.label_lower}{REFUSED_ACCESS}", target=record, request=request
    )


def _has_field(model: type[models.Model], name: str) -> bool:
    return any(field.attname == name for field in model._meta.concrete_fields)


def _scope_of(target: models.Model) -> tuple[int | None, int | None]:
    scope = AUDIT_SCOPES.get(target._meta.label_lower)
    if scope is not None:
        return scope(target)
    return getattr(target, "case_id", None), getattr(target, "beneficiary_id", None)


# --- Writes of Django's admin ------------------------------------------------------------------------------


def audited_save(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    record: models.Model,
    adding: bool,
    changed: Iterable[str] = (),
    request: HttpRequest | None = None,
    save: Callable[[], None] | None = None,
) -> None:
    """Save a record an admin form filled in, and audit it in the same transaction: "<app>.<model>.created",
    or ".changed" naming the fields the form changed (`changed`), never their values. `save` replaces
    `record.save()` where a domain saves only some columns. The caller checked that `actor` may."""
    with transaction.atomic():
        (save or record.save)()
        audit_record(
            actor=actor,
            action=f"{record._meta.label_lower}.{'created' if adding else 'changed'}",
            target=record,
            request=request,
            detail={} if adding else {"fields": sorted(changed)},
        )


def audited_delete(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    record: models.Model,
    request: HttpRequest | None = None,
) -> None:
    """Delete a record, audited "<app>.<model>.deleted" in the same transaction (what it protects refuses, as
    the database does: ProtectedError). The caller checked that `actor` may."""
    with transaction.atomic():
        audit_record(
            actor=actor, action=f"{record._meta.label_lower}.deleted", target=record, request=request
        )
        record.delete()
