"""Personnel costs from timesheets: approved time × the staff member's rate.

The rate of an employment is its annual personnel costs ÷ (the template's productive time × `fte`): an hourly
rate under a template counting hours (1,720 h), a daily rate under one counting days (215 d), whose hours are
turned into day-equivalents by the template's `hours_per_day`. Only project time of approved months counts
(`TimeEntry.kind` project, `TimesheetMonth.status` approved; a superseded month is never approved).

Time is summed in the database per month, staff member and work package; a month's cost is rounded to the
cent (`money.cents`) and is a line of its own (the ledger shows it; a statement sums such lines). The rate is
that of the employment in force during the month (the latest to start, when one ends and another begins in
it). Four queries, however much time.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max, Q, Sum

from refugiu.finance.models import CostCategory, Employment, Grant, GrantPartner, ReportingPeriod, TimeEntry
from refugiu.finance.money import ZERO, cents
from refugiu.finance.vocabularies import SheetStatus, TimeBasis, TimeKind


@dataclass(frozen=True)
class PersonnelCostLine:
    """The cost of one staff member's approved project time on one work package in one month."""

    partner_id: int
    category_id: int
    work_package_id: int | None
    amount: Decimal
    user_id: int
    month: datetime.date
    last_day: datetime.date
    sheet_id: int
    hours: Decimal
    approved_at: datetime.datetime | None
    approved_by_id: int | None
    has_rate: bool = True


def hour_cost(grant: Grant, employment: Employment) -> Decimal:
    """What an hour of `employment` costs under `grant`'s template, unrounded."""
    template = grant.template
    divisor = template.productive_time * employment.fte
    if template.time_basis == TimeBasis.DAY:
        divisor *= template.hours_per_day
    return employment.annual_cost / divisor


def personnel_cost_lines(
    grant: Grant,
    period: ReportingPeriod | None,
    *,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    detail: bool = True,
) -> list[PersonnelCostLine]:
    """The personnel cost lines of `grant` for the days of `period` (or from `start` to `end`, each open
    when None), booked on the beneficiary that is us and on the template's timesheet category. No lines when
    the grant has no such beneficiary or the template no such category. A month without an employment
    covering it gives a line of 0 with `has_rate` false (a statement lists it as a problem).

    Without `detail` the lines leave out the timesheet's id and approval (`sheet_id` 0, `approved_at` and
    `approved_by_id` None): the same lines and amounts, read faster, for statements and monitoring. A month
    has one current (not superseded) sheet, so its lines are the same whether grouped by sheet or by month."""
    if period is not None:
        start, end = period.start, period.end
    partner_id = GrantPartner.objects.filter(grant=grant, is_us=True).values_list("pk", flat=True).first()
    category_id = (
        CostCategory.objects.filter(template_id=grant.template_id, from_timesheets=True)
        .values_list("pk", flat=True)
        .first()
    )
    if partner_id is None or category_id is None:
        return []
    entries = TimeEntry.objects.filter(grant=grant, kind=TimeKind.PROJECT, sheet__status=SheetStatus.APPROVED)
    if start is not None:
        entries = entries.filter(date__gte=start)
    if end is not None:
        entries = entries.filter(date__lte=end)
    keys = ["sheet__user_id", "sheet__month", "work_package_id"]
    if not detail:
        rows = entries.values_list(*keys).annotate(Sum("hours")).order_by()
        return [
            PersonnelCostLine(
                partner_id,
                category_id,
                package,
                amount,
                user,
                month,
                month_end(month),
                0,
                hours,
                None,
                None,
                has,
            )
            for user, month, package, hours, amount, has in _costed(grant, list(rows))
        ]
    keys += ["sheet_id", "sheet__approved_at", "sheet__approved_by_id"]
    detailed = list(entries.values_list(*keys).annotate(Sum("hours"), Max("date")).order_by(*keys[:3]))
    costed = _costed(
        grant, [(user, month, package, hours) for user, month, package, _s, _a, _b, hours, _d in detailed]
    )
    return [
        PersonnelCostLine(
            partner_id,
            category_id,
            package,
            amount,
            user,
            month,
            last_day,
            sheet,
            hours,
            approved_at,
            approver,
            has,
        )
        for (user, month, package, hours, amount, has), (
            _u,
            _m,
            _p,
            sheet,
            approved_at,
            approver,
            _h,
            last_day,
        ) in zip(costed, detailed, strict=True)
    ]


def _costed(
    grant: Grant, rows: list[tuple[int, datetime.date, int | None, Decimal]]
) -> list[tuple[int, datetime.date, int | None, Decimal, Decimal, bool]]:
    """(staff member, month, work package, hours) rows with their cost, rounded, and whether a rate was
    found: one query for the employments, the rate looked up once per person and month."""
    if not rows:
        return []
    users = {row[0] for row in rows}
    first, last = min(row[1] for row in rows), month_end(max(row[1] for row in rows))
    employments: dict[int, list[tuple[Employment, Decimal]]] = {}
    for employment in (
        Employment.objects.filter(user_id__in=users, start__lte=last)
        .filter(Q(end__isnull=True) | Q(end__gte=first))
        .order_by("-start")
    ):
        employments.setdefault(employment.user_id, []).append((employment, hour_cost(grant, employment)))
    rates: dict[tuple[int, datetime.date], Decimal | None] = {}
    costed = []
    for user, month, package, hours in rows:
        key = (user, month)
        if key not in rates:
            rates[key] = _rate_of_month(employments.get(user, []), month)
        rate = rates[key]
        costed.append(
            (user, month, package, hours, cents(hours * rate) if rate is not None else ZERO, rate is not None)
        )
    return costed


def month_end(month: datetime.date) -> datetime.date:
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)


def _rate_of_month(employments: list[tuple[Employment, Decimal]], month: datetime.date) -> Decimal | None:
    """The hour's cost of the employment in force during `month` (the latest to start, when two are)."""
    end = month_end(month)
    for employment, cost in employments:  # latest start first
        if employment.start <= end and (employment.end is None or employment.end >= month):
            return cost
    return None
