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

from django.db import models
from django.utils.translation import gettext as _

from refugiu.core.audit import audited_delete, audited_save
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
    audited_save(actor=actor, record=record, adding=adding, changed=changed, request=request)


def record_delete(*, actor: User, record: models.Model, request: HttpRequest | None = None) -> None:
    """Delete a record (what it protects refuses, as the database does: ProtectedError)."""
    _check(actor, record)
    audited_delete(actor=actor, record=record, request=request)
