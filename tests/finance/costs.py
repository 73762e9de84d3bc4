"""Costs for the statement and monitoring tests: approved expenses and approved time, made directly (the
services of F1 and F2 are tested on their own). Fake figures only."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from refugiu.finance.models import (
    CostCategory,
    Expense,
    Grant,
    GrantPartner,
    TimeEntry,
    TimesheetMonth,
)
from refugiu.finance.periods import period_of
from refugiu.finance.timesheets import personnel_costs_write
from refugiu.finance.vocabularies import ExpenseStatus, SheetStatus, TimeKind
from tests.factories import UserFactory


def category(grant: Grant, code: str) -> CostCategory:
    return CostCategory.objects.get(template_id=grant.template_id, code=code)


def expense(
    grant: Grant,
    partner: GrantPartner,
    code: str,
    amount_eur: str | Decimal | None,
    *,
    day: dt.date | None = None,
    status: str = ExpenseStatus.APPROVED,
    eligible: bool = True,
    currency: str = "EUR",
    amount: str | Decimal | None = None,
    by=None,
    **fields,
) -> Expense:
    day = day or grant.start + dt.timedelta(days=30)
    by = by or UserFactory()
    value = Decimal(amount) if amount is not None else Decimal(amount_eur or "100.00")
    return Expense.objects.create(
        grant=grant,
        partner=partner,
        period=period_of(grant, day),
        category=category(grant, code),
        date=day,
        supplier=fields.pop("supplier", "Example supplier SRL"),
        description=fields.pop("description", "Example cost"),
        reference=fields.pop("reference", "INV-1"),
        currency=currency,
        amount=value,
        amount_eur=None if amount_eur is None else Decimal(amount_eur),
        eligible=eligible,
        ineligible_reason="" if eligible else "Not in the budget",
        status=status,
        approved_by=by if status == ExpenseStatus.APPROVED else None,
        approved_at=timezone.now() if status == ExpenseStatus.APPROVED else None,
        created_by=by,
        **fields,
    )


def approved_time(
    user,
    grant: Grant,
    day: dt.date,
    hours: str,
    *,
    work_package=None,
    status: str = SheetStatus.APPROVED,
    approver=None,
) -> TimeEntry:
    """`hours` of project time on `day` in the user's month, which is (made) `status`."""
    month = day.replace(day=1)
    sheet = TimesheetMonth.objects.filter(user=user, month=month).first()
    if sheet is None:
        approver = approver or UserFactory()
        sheet = TimesheetMonth.objects.create(
            user=user,
            month=month,
            status=status,
            signed_at=timezone.now() if status != SheetStatus.DRAFT else None,
            approved_by=approver if status == SheetStatus.APPROVED else None,
            approved_at=timezone.now() if status == SheetStatus.APPROVED else None,
        )
    entry = TimeEntry.objects.create(
        sheet=sheet,
        date=day,
        kind=TimeKind.PROJECT,
        grant=grant,
        work_package=work_package,
        hours=Decimal(hours),
    )
    personnel_costs_write([sheet.pk])  # as approval does (none unless the month is approved)
    return entry
