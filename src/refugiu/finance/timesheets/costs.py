"""Personnel costs from approved time (see the package's docstring): the lines statements, monitoring and
the ledger read, kept per approved month in `PersonnelCost`."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max, Q, Sum

from refugiu.finance.models import (
    CostCategory,
    Employment,
    Grant,
    GrantPartner,
    PersonnelCost,
    ReportingPeriod,
    TimeEntry,
    TimesheetMonth,
)
from refugiu.finance.money import ZERO, cents
from refugiu.finance.timesheets.rules import month_end, month_start
from refugiu.finance.vocabularies import SheetStatus, TimeBasis, TimeKind

# --- personnel costs from approved time (statements, monitoring, the ledger) ---


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
    when None), booked on the beneficiary that is us and on the template's timesheet category, in the order
    of staff member, month and work package. No lines when the grant has no such beneficiary or the
    template no such category. A month without an employment covering it gives a line of 0 with
    `has_rate` false (a statement lists it as a problem).

    The whole months come from the `PersonnelCost` rows written at approval; a month that `start` or `end`
    cuts is priced from its time entries, the same way. Without `detail` the lines leave out the
    timesheet's id and approval (`sheet_id` 0, `approved_at` and `approved_by_id` None) and their
    `last_day` is the month's end: the same lines and amounts, read faster, for statements and monitoring."""
    if period is not None:
        start, end = period.start, period.end
    booked = _booked_on(grant)
    if booked is None:
        return []
    partner_id, category_id = booked
    whole, cut = _months_of(start, end)
    rows = PersonnelCost.objects.filter(grant=grant)
    if whole[0] is not None:
        rows = rows.filter(month__gte=whole[0])
    if whole[1] is not None:
        rows = rows.filter(month__lte=whole[1])
    fields = ["user_id", "month", "work_package_id", "hours", "amount", "has_rate", "last_day"]
    if detail:
        fields += ["sheet_id", "sheet__approved_at", "sheet__approved_by_id"]
    lines = []
    for row in rows.values_list(*fields).order_by("user_id", "month", "work_package_id"):
        user, month, package, hours, amount, has, last_day = row[:7]
        sheet, approved_at, approver = row[7:] if detail else (0, None, None)
        lines.append(
            PersonnelCostLine(
                partner_id,
                category_id,
                package,
                amount,
                user,
                month,
                last_day if detail else month_end(month),
                sheet,
                hours,
                approved_at,
                approver,
                has,
            )
        )
    for first, last in cut:
        lines.extend(_lines_from_time(grant, partner_id, category_id, first, last, detail=detail))
    if cut:
        lines.sort(key=lambda line: (line.user_id, line.month, line.work_package_id or 0))
    return lines


@dataclass(frozen=True)
class PersonnelCostSums:
    """A grant's personnel costs summed in the database: to date, from a day on, and the months of
    approved time that no employment prices, as (staff member, month)."""

    to_date: Decimal
    since: Decimal
    unpriced: list[tuple[int, datetime.date]]


def personnel_cost_sums(
    grant: Grant, *, start: datetime.date | None, end: datetime.date | None, since: datetime.date | None
) -> tuple[tuple[int, int], PersonnelCostSums] | None:
    """The sum of `personnel_cost_lines(grant, None, start=start, end=end, detail=False)` (the beneficiary
    that is us and the category they are booked on, then the sums), and of those of its lines whose month
    ends on or after `since` (all when None), with the months no employment prices among the latter: the
    same rounded lines, added up by the database. None when the grant books no personnel costs."""
    booked = _booked_on(grant)
    if booked is None:
        return None
    whole, cut = _months_of(start, end)
    rows = PersonnelCost.objects.filter(grant=grant)
    if whole[0] is not None:
        rows = rows.filter(month__gte=whole[0])
    if whole[1] is not None:
        rows = rows.filter(month__lte=whole[1])
    recent = Q(month__gte=month_start(since)) if since is not None else Q()
    sums = rows.aggregate(
        to_date=Sum("amount"), since=Sum("amount", filter=recent) if since else Sum("amount")
    )
    # Sums of amounts already rounded; `cents` only takes back the float SQLite's SUM gives for decimals.
    to_date, recent_sum = cents(sums["to_date"] or ZERO), cents(sums["since"] or ZERO)
    unpriced = list(
        rows.filter(recent, has_rate=False)
        .values_list("user_id", "month")
        .order_by("user_id", "month", "work_package_id")
    )
    for first, last in cut:
        for line in _lines_from_time(grant, *booked, first, last, detail=False):
            to_date += line.amount
            if since is None or line.last_day >= since:
                recent_sum += line.amount
                if not line.has_rate:
                    unpriced.append((line.user_id, line.month))
    return booked, PersonnelCostSums(to_date, recent_sum, unpriced)


def _booked_on(grant: Grant) -> tuple[int, int] | None:
    """(the beneficiary that is us, the template's timesheet category) of `grant`, or None."""
    partner_id = GrantPartner.objects.filter(grant=grant, is_us=True).values_list("pk", flat=True).first()
    category_id = (
        CostCategory.objects.filter(template_id=grant.template_id, from_timesheets=True)
        .values_list("pk", flat=True)
        .first()
    )
    if partner_id is None or category_id is None:
        return None
    return partner_id, category_id


def _months_of(
    start: datetime.date | None, end: datetime.date | None
) -> tuple[tuple[datetime.date | None, datetime.date | None], list[tuple[datetime.date, datetime.date]]]:
    """The first and last whole month from `start` to `end` (None: open; the first after the last when
    there is none), and the spans of the months they cut (`start` not a month's first day, `end` not its
    last), at most two."""
    cut: list[tuple[datetime.date, datetime.date]] = []
    first = last = None
    if start is not None:
        first = start
        if start.day != 1:
            first = month_end(start) + datetime.timedelta(days=1)
            cut.append((start, month_end(start) if end is None else min(month_end(start), end)))
    if end is not None:
        last = month_start(end)
        if end != month_end(end):
            last = month_start(last - datetime.timedelta(days=1))
            if start is None or start.day == 1 or month_start(start) != month_start(end):
                cut.append((month_start(end) if start is None else max(month_start(end), start), end))
    return (first, last), cut


def _lines_from_time(
    grant: Grant,
    partner_id: int,
    category_id: int,
    start: datetime.date,
    end: datetime.date,
    *,
    detail: bool,
) -> list[PersonnelCostLine]:
    """The lines of the approved time from `start` to `end` (within one month), priced from its entries."""
    entries = TimeEntry.objects.filter(
        grant=grant,
        kind=TimeKind.PROJECT,
        sheet__status=SheetStatus.APPROVED,
        date__gte=start,
        date__lte=end,
    )
    keys = ["sheet__user_id", "sheet__month", "work_package_id", "sheet_id", "sheet__approved_at"]
    keys.append("sheet__approved_by_id")
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
            last_day if detail else month_end(month),
            sheet if detail else 0,
            hours,
            approved_at if detail else None,
            approver if detail else None,
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


def personnel_costs_write(sheet_ids: Iterable[int]) -> int:
    """(Re)write the `PersonnelCost` rows of the timesheets `sheet_ids`: their project time per grant and
    work package, priced as `personnel_cost_lines` prices it, for those that are approved; none for the
    others. In the caller's transaction. Returns the number of rows written."""
    ids = sorted(set(sheet_ids))
    if not ids:
        return 0
    PersonnelCost.objects.filter(sheet_id__in=ids).delete()
    written = 0
    for chunk_start in range(0, len(ids), 500):
        chunk = ids[chunk_start : chunk_start + 500]
        rows = list(
            TimeEntry.objects.filter(
                sheet_id__in=chunk, kind=TimeKind.PROJECT, sheet__status=SheetStatus.APPROVED
            )
            .values_list("grant_id", "sheet_id", "sheet__user_id", "sheet__month", "work_package_id")
            .annotate(Sum("hours"), Max("date"))
            .order_by("grant_id", "sheet_id", "work_package_id")
        )
        by_grant: dict[int, list[tuple[int, int, datetime.date, int | None, Decimal, datetime.date]]] = (
            defaultdict(list)
        )
        for grant_id, sheet, user, month, package, hours, last_day in rows:
            by_grant[grant_id].append((sheet, user, month, package, hours, last_day))
        costs: list[PersonnelCost] = []
        for grant in Grant.objects.filter(pk__in=by_grant).select_related("template"):
            grant_rows = by_grant[grant.pk]
            costed = _costed(
                grant, [(user, month, package, hours) for _s, user, month, package, hours, _d in grant_rows]
            )
            costs.extend(
                PersonnelCost(
                    sheet_id=sheet,
                    user_id=user,
                    month=month,
                    grant_id=grant.pk,
                    work_package_id=package,
                    hours=hours,
                    last_day=last_day,
                    amount=amount,
                    has_rate=has,
                )
                for (sheet, *_rest, last_day), (user, month, package, hours, amount, has) in zip(
                    grant_rows, costed, strict=True
                )
            )
        PersonnelCost.objects.bulk_create(costs, batch_size=1000)
        written += len(costs)
    return written


def personnel_costs_refresh(*, user_ids: Iterable[int] = (), grant_ids: Iterable[int] = ()) -> int:
    """Reprice the approved months of these staff members and of these grants (after an employment, a
    grant's template or a template changed): `personnel_costs_write` over them."""
    users, grants = set(user_ids), set(grant_ids)
    if not users and not grants:
        return 0
    sheets = TimesheetMonth.objects.filter(status=SheetStatus.APPROVED).filter(
        Q(user_id__in=users) | Q(pk__in=TimeEntry.objects.filter(grant_id__in=grants).values("sheet_id"))
    )
    return personnel_costs_write(sheets.values_list("pk", flat=True))


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


def _rate_of_month(employments: list[tuple[Employment, Decimal]], month: datetime.date) -> Decimal | None:
    """The hour's cost of the employment in force during `month` (the latest to start, when two are)."""
    end = month_end(month)
    for employment, cost in employments:  # latest start first
        if employment.start <= end and (employment.end is None or employment.end >= month):
            return cost
    return None
