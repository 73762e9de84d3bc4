"""Submitting a reporting period's statement, which closes the period (`finance.periods` then refuses any
change to its costs and time)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from refugiu.core.audit import audit_record
from refugiu.finance.access import require_manager
from refugiu.finance.models import Expense, ReportingPeriod, TimesheetMonth
from refugiu.finance.services.errors import FinanceError, PeriodClosed
from refugiu.finance.vocabularies import ExpenseStatus, SheetStatus, TimeKind

if TYPE_CHECKING:
    from refugiu.finance.access import Actor


def submission_problems(period: ReportingPeriod) -> list[str]:
    """Everything that keeps `period`'s statement from being submitted: expenses waiting for approval,
    approved eligible expenses without a euro amount, timesheets with time on the grant in the period that
    are signed but not approved. Three queries."""
    problems = []
    expenses = Expense.objects.filter(grant_id=period.grant_id, period=period).order_by("date", "pk")
    for date, supplier, reference in expenses.filter(status=ExpenseStatus.RECORDED).values_list(
        "date", "supplier", "reference"
    ):
        problems.append(
            _("The expense of %(date)s, %(supplier)s %(reference)s, waits for approval.")
            % {"date": date.isoformat(), "supplier": supplier, "reference": reference}
        )
    unconverted = expenses.filter(status=ExpenseStatus.APPROVED, eligible=True, amount_eur__isnull=True)
    for date, supplier, reference, currency in unconverted.values_list(
        "date", "supplier", "reference", "currency"
    ):
        problems.append(
            _(
                "The expense of %(date)s, %(supplier)s %(reference)s, has no amount in euro "
                "(no %(currency)s rate)."
            )
            % {"date": date.isoformat(), "supplier": supplier, "reference": reference, "currency": currency}
        )
    signed = (
        TimesheetMonth.objects.filter(
            status=SheetStatus.SIGNED,
            entries__grant_id=period.grant_id,
            entries__kind=TimeKind.PROJECT,
            entries__date__gte=period.start,
            entries__date__lte=period.end,
        )
        .distinct()
        .select_related("user")
        .order_by("month", "user_id")
    )
    for sheet in signed:
        problems.append(
            _("The timesheet of %(person)s for %(month)s is signed but not approved.")
            % {"person": str(sheet.user), "month": sheet.month.strftime("%Y-%m")}
        )
    return problems


def statement_submit(
    *, actor: Actor, period: ReportingPeriod, request: HttpRequest | None = None
) -> ReportingPeriod:
    """Record that `period`'s statement was submitted by `actor` (a financial manager), closing the period.
    FinanceError listing every problem when the period is not ready; PeriodClosed when already submitted."""
    require_manager(actor)
    with transaction.atomic():
        locked = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
        if locked.is_closed:
            raise PeriodClosed(
                _("The statement of reporting period %(number)s was already submitted.")
                % {"number": locked.number}
            )
        problems = submission_problems(locked)
        if problems:
            raise FinanceError(*problems, code="not_ready")
        locked.submitted_at = timezone.now()
        locked.submitted_by_id = actor.pk if actor is not None else None
        locked.save(update_fields=["submitted_at", "submitted_by"])
        audit_record(
            actor=actor,
            action="finance.statement.submit",
            target=locked,
            request=request,
            detail={
                "grant": locked.grant_id,
                "period": locked.number,
                "fields": ["submitted_at", "submitted_by"],
            },
        )
    period.submitted_at, period.submitted_by_id = locked.submitted_at, locked.submitted_by_id
    return locked
