"""Personnel costs from timesheets: approved time × the staff member's rate.

The rate of an employment is its annual personnel costs ÷ (the template's productive time × `fte`): an hourly
rate under a template counting hours (1,720 h), a daily rate under one counting days (215 d), whose hours are
turned into day-equivalents by the template's `hours_per_day`. Only project time of approved months counts
(`TimeEntry.kind` project, `TimesheetMonth.status` approved; a superseded month is never approved).

Time is summed in the database per month, staff member and work package; a month's cost is rounded to the
cent (`money.cents`) and is a line of its own (the ledger shows it; a statement sums such lines). The rate is
that of the employment in force on the month's first project day. Four queries, however much time.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max, Min, Q, Sum

from refugiu.finance.models import CostCategory, Employment, Grant, GrantPartner, ReportingPeriod, TimeEntry
from refugiu.finance.money import cents
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
) -> list[PersonnelCostLine]:
    """The personnel cost lines of `grant` for the days of `period` (or from `start` to `end`, each open
    when None), booked on the beneficiary that is us and on the template's timesheet category. No lines when
    the grant has no such beneficiary or the template no such category. A month without an employment
    covering it gives a line of 0 with `has_rate` false (a statement lists it as a problem)."""
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
    rows = list(
        entries.values(
            "sheet_id",
            "sheet__user_id",
            "sheet__month",
            "sheet__approved_at",
            "sheet__approved_by_id",
            "work_package_id",
        )
        .annotate(hours_sum=Sum("hours"), first_day=Min("date"), last_day=Max("date"))
        .order_by("sheet__month", "sheet__user_id", "work_package_id")
    )
    if not rows:
        return []
    users = {row["sheet__user_id"] for row in rows}
    first, last = min(row["first_day"] for row in rows), max(row["last_day"] for row in rows)
    employments: dict[int, list[Employment]] = {}
    for employment in Employment.objects.filter(user_id__in=users, start__lte=last).filter(
        Q(end__isnull=True) | Q(end__gte=first)
    ):
        employments.setdefault(employment.user_id, []).append(employment)
    lines = []
    for row in rows:
        day = row["first_day"]
        found = next(
            (
                e
                for e in employments.get(row["sheet__user_id"], [])
                if e.start <= day and (e.end is None or e.end >= day)
            ),
            None,
        )
        hours = Decimal(row["hours_sum"])
        amount = cents(hours * hour_cost(grant, found)) if found else cents(0)
        lines.append(
            PersonnelCostLine(
                partner_id=partner_id,
                category_id=category_id,
                work_package_id=row["work_package_id"],
                amount=amount,
                user_id=row["sheet__user_id"],
                month=row["sheet__month"],
                last_day=row["last_day"],
                sheet_id=row["sheet_id"],
                hours=hours,
                approved_at=row["sheet__approved_at"],
                approved_by_id=row["sheet__approved_by_id"],
                has_rate=found is not None,
            )
        )
    return lines
