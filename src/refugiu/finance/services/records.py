"""The admin's writes (`finance.admin`): grants with their beneficiaries, work packages and reporting periods,
and employments.

Django's admin builds each record from its form and hands it here: saved or deleted after checking that the
actor is a financial manager, and audited in the same transaction ("finance.<model>.created", ".changed"
naming the fields changed, never their values: an employment's are a salary, ".deleted"). A reporting period
whose statement was submitted is closed: it neither changes nor goes. Cost templates change only by
`refugiu finance_template_load`; budgets, expenses, rates and timesheets only through their own services.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import models, transaction
from django.utils.translation import gettext as _

from refugiu.core.audit import audit_record
from refugiu.finance.access import require_manager
from refugiu.finance.models import Employment, Grant, GrantPartner, ReportingPeriod, WorkPackage
from refugiu.finance.services.errors import PeriodClosed

if TYPE_CHECKING:
    from django.http import HttpRequest

    from refugiu.accounts.models import User

WRITTEN_HERE = (Grant, GrantPartner, WorkPackage, ReportingPeriod, Employment)


def _check(actor: User, record: models.Model) -> None:
    require_manager(actor)
    if not isinstance(record, WRITTEN_HERE):
        raise ValueError(f"{record._meta.label} is not written through finance.services.records")
    if isinstance(record, ReportingPeriod) and record.pk is not None:
        stored = ReportingPeriod.objects.filter(pk=record.pk).values_list("submitted_at", flat=True).first()
        if stored is not None:
            raise PeriodClosed(
                _("Reporting period %(number)s is closed: its statement was submitted.")
                % {"number": record.number}
            )


def _action(record: models.Model, verb: str) -> str:
    return f"finance.{record._meta.model_name}.{verb}"


def record_save(
    *,
    actor: User,
    record: models.Model,
    adding: bool,
    changed: Iterable[str] = (),
    request: HttpRequest | None = None,
) -> None:
    """Save a record the admin's form has filled in; `changed` names the fields the form changed."""
    _check(actor, record)
    with transaction.atomic():
        record.save()
        audit_record(
            actor=actor,
            action=_action(record, "created" if adding else "changed"),
            target=record,
            request=request,
            detail={} if adding else {"fields": sorted(changed)},
        )


def record_delete(*, actor: User, record: models.Model, request: HttpRequest | None = None) -> None:
    """Delete a record (what it protects refuses, as the database does: ProtectedError)."""
    _check(actor, record)
    with transaction.atomic():
        audit_record(actor=actor, action=_action(record, "deleted"), target=record, request=request)
        record.delete()
