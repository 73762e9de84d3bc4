"""Expenses: recorded and edited by a financial manager while waiting for approval and while their reporting
period is open, approved or rejected, marked ineligible with a reason; a closed period's expense is corrected
by an adjustment, a new expense that `adjusts` it, booked in the first open period. Every save converts the
expense to euro (`services.rates`) when the rates are known. The template's timesheet category takes no
expense of the beneficiary that is us (`GrantPartner.is_us`): our staff costs are the approved time × rate
(`finance.timesheets`), the other beneficiaries' are declared as expenses."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from refugiu.core.audit import audit_record
from refugiu.finance import access, periods
from refugiu.finance.budget import leaf_categories
from refugiu.finance.models import CostCategory, Expense, Grant, GrantPartner, ReportingPeriod, WorkPackage
from refugiu.finance.money import DECIMAL_PLACES, MAX_DIGITS
from refugiu.finance.services.errors import FinanceError, PeriodClosed
from refugiu.finance.services.rates import expense_conversion_apply
from refugiu.finance.vocabularies import ExpenseStatus

if TYPE_CHECKING:
    from django.http import HttpRequest

    from refugiu.finance.access import Actor

CURRENCY = re.compile(r"^[A-Z]{3}$")


@dataclass
class ExpenseFields:
    """What a financial manager types for an expense."""

    date: datetime.date
    partner: GrantPartner
    category: CostCategory
    work_package: WorkPackage | None
    supplier: str
    description: str
    reference: str
    currency: str
    amount: Decimal
    vat_amount: Decimal
    vat_eligible: bool


FIELD_NAMES = tuple(f.name for f in fields(ExpenseFields))


def _check(grant: Grant, data: ExpenseFields, *, adjustment: bool) -> list[str]:
    """Every problem of `data` for an expense of `grant` (the dates' periods are checked by the callers)."""
    problems = []
    if data.partner.grant_id != grant.pk:
        problems.append(_("The beneficiary is not one of this grant's."))
    if data.category.pk not in {category.pk for category in leaf_categories(grant)}:
        problems.append(
            _(
                "Book the expense on a category of this grant's template without subcategories, not on "
                "indirect costs."
            )
        )
    if data.partner.is_us and data.category.from_timesheets and not (adjustment and data.amount < 0):
        # Our personnel costs on this category are the approved time × rate: an expense would count them
        # twice. Other beneficiaries declare theirs as expenses; a negative adjustment may take back one
        # booked before this rule.
        problems.append(
            _(
                "Our staff costs come from the approved timesheets: %(category)s cannot also take an expense "
                "of our organisation. Book it for another beneficiary, or on another category."
            )
            % {"category": f"{data.category.code} {data.category.name}"}
        )
    has_work_packages = grant.work_packages.exists()
    if data.work_package is not None and data.work_package.grant_id != grant.pk:
        problems.append(_("The work package is not one of this grant's."))
    elif data.work_package is None and has_work_packages:
        problems.append(_("This grant has work packages: say which one the expense belongs to."))
    if not data.supplier.strip():
        problems.append(_("Name the supplier."))
    if not data.description.strip():
        problems.append(_("Describe the expense."))
    if not CURRENCY.match(data.currency):
        problems.append(_("The currency is a three-letter ISO code, e.g. EUR or USD."))
    limit = Decimal(10) ** (MAX_DIGITS - DECIMAL_PLACES)
    if abs(data.amount) >= limit or abs(data.vat_amount) >= limit:
        problems.append(_("The amount is too large."))
    if adjustment:
        if data.amount == 0:
            problems.append(_("An adjustment changes the amount: give the difference, positive or negative."))
    elif data.amount <= 0:
        problems.append(
            _("The amount is greater than zero (a correction of a closed period is an adjustment).")
        )
    if data.vat_amount < 0:
        problems.append(_("The VAT is zero or more."))
    elif data.vat_amount > abs(data.amount):
        problems.append(_("The VAT cannot be more than the amount paid."))
    return problems


def _changed_fields(expense: Expense, data: ExpenseFields) -> list[str]:
    changed = []
    for name in FIELD_NAMES:
        new = getattr(data, name)
        old = getattr(expense, name)
        if isinstance(new, GrantPartner | CostCategory | WorkPackage) or new is None:
            new = getattr(new, "pk", None)
            old = getattr(expense, f"{name}_id")
        if new != old:
            changed.append(name)
    return changed


def _apply(expense: Expense, data: ExpenseFields) -> None:
    for name in FIELD_NAMES:
        value = getattr(data, name)
        setattr(expense, name, value.strip() if isinstance(value, str) else value)


def _period_for(grant: Grant, day: datetime.date, *, adjustment: bool) -> ReportingPeriod:
    if not adjustment:
        return periods.require_open(grant, day)
    periods.require_within_grant(grant, day)
    period = periods.first_open_period(grant)
    if period is None:
        raise PeriodClosed(_("Every reporting period of this grant is closed: there is none to book it in."))
    return period


def _period_checked(grant: Grant, data: ExpenseFields, *, adjustment: bool) -> ReportingPeriod:
    """The period the expense goes in, or FinanceError with every problem of `data` (PeriodClosed when its
    date's period is closed)."""
    problems = _check(grant, data, adjustment=adjustment)
    try:
        period = _period_for(grant, data.date, adjustment=adjustment)
    except PeriodClosed as error:
        raise PeriodClosed(*problems, *error.messages) from None
    except FinanceError as error:
        raise FinanceError(*problems, *error.messages) from None
    if problems:
        raise FinanceError(*problems)
    return period


def _save_converted(expense: Expense) -> None:
    expense_conversion_apply(expense)
    expense.save()


def expense_record(
    *, actor: Actor, grant: Grant, data: ExpenseFields, request: HttpRequest | None = None
) -> Expense:
    """Record an expense of `grant` in the open reporting period holding its date."""
    actor = access.manager_required(actor)
    period = _period_checked(grant, data, adjustment=False)
    expense = Expense(grant=grant, period=period, created_by=actor)
    _apply(expense, data)
    with transaction.atomic():
        _save_converted(expense)
        audit_record(
            actor=actor,
            action="finance.expense.created",
            target=expense,
            request=request,
            detail={"grant": grant.pk, "period": period.number, "converted": expense.amount_eur is not None},
        )
    return expense


def expense_adjust(
    *, actor: Actor, original: Expense, data: ExpenseFields, request: HttpRequest | None = None
) -> Expense:
    """Correct an expense of a closed period: a new expense adjusting it (the difference, positive or
    negative), booked in the first open period; the original stays as it was reported."""
    actor = access.manager_required(actor)
    grant = original.grant
    if not original.period.is_closed:
        raise FinanceError(_("This expense's period is still open: change the expense itself."))
    period = _period_checked(grant, data, adjustment=True)
    expense = Expense(grant=grant, period=period, created_by=actor, adjusts=original)
    _apply(expense, data)
    with transaction.atomic():
        _save_converted(expense)
        audit_record(
            actor=actor,
            action="finance.expense.adjusted",
            target=expense,
            request=request,
            detail={"adjusts": original.pk, "period": period.number},
        )
    return expense


def _require_changeable(expense: Expense) -> None:
    if expense.period.is_closed:
        raise PeriodClosed(
            _(
                "Reporting period %(number)s is closed: its statement was submitted. Record a correction "
                "as an adjustment in an open period."
            )
            % {"number": expense.period.number}
        )


def expense_update(
    *, actor: Actor, expense: Expense, data: ExpenseFields, request: HttpRequest | None = None
) -> Expense:
    """Change an expense still waiting for approval, in an open period (its new date's period open too)."""
    actor = access.manager_required(actor)
    _require_changeable(expense)
    if expense.status != ExpenseStatus.RECORDED:
        raise FinanceError(
            _("Only an expense waiting for approval can be changed; this one is %(status)s.")
            % {"status": expense.get_status_display()}
        )
    period = _period_checked(expense.grant, data, adjustment=expense.adjusts_id is not None)
    changed = _changed_fields(expense, data)
    if not changed:
        return expense
    _apply(expense, data)
    expense.period = period
    with transaction.atomic():
        _save_converted(expense)
        audit_record(
            actor=actor,
            action="finance.expense.changed",
            target=expense,
            request=request,
            detail={"fields": changed},
        )
    return expense


def expense_approve(*, actor: Actor, expense: Expense, request: HttpRequest | None = None) -> Expense:
    actor = access.manager_required(actor)
    _require_changeable(expense)
    if expense.status != ExpenseStatus.RECORDED:
        raise FinanceError(_("Only an expense waiting for approval can be approved."))
    with transaction.atomic():
        expense.status = ExpenseStatus.APPROVED
        expense.approved_by = actor
        expense.approved_at = timezone.now()
        expense.save(update_fields=["status", "approved_by", "approved_at"])
        audit_record(actor=actor, action="finance.expense.approved", target=expense, request=request)
    return expense


def expense_reject(*, actor: Actor, expense: Expense, request: HttpRequest | None = None) -> Expense:
    actor = access.manager_required(actor)
    _require_changeable(expense)
    if expense.status != ExpenseStatus.RECORDED:
        raise FinanceError(_("Only an expense waiting for approval can be rejected."))
    with transaction.atomic():
        expense.status = ExpenseStatus.REJECTED
        expense.approved_by = actor
        expense.approved_at = timezone.now()
        expense.save(update_fields=["status", "approved_by", "approved_at"])
        audit_record(actor=actor, action="finance.expense.rejected", target=expense, request=request)
    return expense


def expense_eligibility_set(
    *, actor: Actor, expense: Expense, eligible: bool, reason: str = "", request: HttpRequest | None = None
) -> Expense:
    """Mark an expense ineligible (a reason required) or eligible again, while its period is open."""
    actor = access.manager_required(actor)
    _require_changeable(expense)
    reason = reason.strip()
    if not eligible and not reason:
        raise FinanceError(_("Say why the expense is not eligible."))
    if len(reason) > 300:
        raise FinanceError(_("Keep the reason to 300 characters."))
    with transaction.atomic():
        expense.eligible = eligible
        expense.ineligible_reason = "" if eligible else reason
        expense.save(update_fields=["eligible", "ineligible_reason"])
        audit_record(
            actor=actor,
            action="finance.expense.eligible" if eligible else "finance.expense.ineligible",
            target=expense,
            request=request,
        )
    return expense
