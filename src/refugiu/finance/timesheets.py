"""The rules of staff time: what an hour (or day) of someone costs, how much of a year may be charged, and
what an auditor refuses in a month of a timesheet. The one home of these rules, for services, pages and
statements alike.

- **Units.** Timesheets record hours. A template counting days (`TimeBasis.DAY`) turns them into
  day-equivalents: hours ÷ the template's `hours_per_day`.
- **Rate.** The hourly (or daily) rate of an employment is its annual personnel costs ÷ (the template's
  productive time × the full-time equivalent): 24,080 a year at 1,720 hours is 14.00 an hour; 43,000 a year
  at 215 days is 200.00 a day. It is kept unrounded; money is rounded once, per line (below).
- **A day.** The contracted day is 8 hours × the full-time equivalent, unless the employment records a
  longer (or shorter) one (`Employment.day_hours`). A day's project time, other work and absence together
  must fit in it, so no more hours are charged to projects than were worked; a day marked absent for the
  whole contracted day carries no project time at all. Weekends and public holidays are not special: time
  on them follows the same rule.
- **The year's ceiling.** Project time charged in a calendar year (all grants, in the units of each
  template charged) may not exceed the template's productive time × the full-time equivalent, pro rata for
  the part of the year the employment covers (days covered ÷ days in the year; several employments in a
  year add up). The months counted are the signed and approved ones, with the month being checked.
- **Grants.** Project time lies within the grant's period and within an employment, on a work package of
  that grant, on a grant our organisation is a beneficiary of (`GrantPartner.is_us`, to whom the personnel
  costs go), and never in a reporting period whose statement was submitted (`finance.periods`).
- **Personnel costs** of a grant (`personnel_cost_lines`, below, which statements and monitoring read) are
  its approved project time × the hour's cost of the employment in force in the month, summed per (person,
  month, work package) line, booked on the beneficiary that is us and the template's timesheet category,
  and rounded once per line with `money.cents`; a grant's, a work package's or a beneficiary's total is the
  sum of its rounded lines.
- **Kept, not summed on each read.** The lines of an approved month are written once, priced, into
  `PersonnelCost` (`personnel_costs_write`, by the approval in the same transaction) and removed when a
  correction supersedes the month; `finance.signals` reprices them (`personnel_costs_refresh`) when an
  employment, a grant's template or a template changes, whatever saves it. So statements and monitoring read
  a row per person, month and work package (three queries; `personnel_cost_sums` lets the database add them
  up) instead of every approved hour; a month a period's start or end cuts is priced from its entries.
  Why a table rather than a cache keyed by a version: the approved time never changes (a correction is a new
  month) and what prices it changes on few, known paths; a version would have to be bumped on the same paths,
  and a missed bump would serve stale figures just as silently, while the table keeps each line's amount
  for an auditor to query.
"""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max, Q, Sum
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from refugiu.finance.models import (
    CostCategory,
    CostTemplate,
    Employment,
    Grant,
    GrantPartner,
    PersonnelCost,
    ReportingPeriod,
    TimeEntry,
    TimesheetMonth,
)
from refugiu.finance.money import ZERO, cents
from refugiu.finance.vocabularies import SheetStatus, TimeBasis, TimeKind

FULL_DAY_HOURS = Decimal("8")
# The months whose time counts against the year's ceiling (a draft or a returned month does not, yet).
COUNTED = (SheetStatus.SIGNED, SheetStatus.APPROVED)


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_end(month: datetime.date) -> datetime.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def month_days(month: datetime.date) -> list[datetime.date]:
    return [
        month.replace(day=number) for number in range(1, calendar.monthrange(month.year, month.month)[1] + 1)
    ]


def units(hours: Decimal, template: CostTemplate) -> Decimal:
    """`hours` in the template's units: hours, or day-equivalents (unrounded)."""
    if template.time_basis == TimeBasis.DAY:
        return hours / template.hours_per_day
    return hours


def unit_rate(employment: Employment, template: CostTemplate) -> Decimal:
    """What an hour (or a day) of `employment` costs under `template`, unrounded."""
    return employment.annual_cost / (template.productive_time * employment.fte)


def contracted_day(employment: Employment) -> Decimal:
    """The hours of a working day of `employment`: its own if entered, else 8 h × the full-time equivalent."""
    if employment.day_hours:
        return employment.day_hours
    return FULL_DAY_HOURS * employment.fte


def employments_of(user_id: int, start: datetime.date, end: datetime.date) -> list[Employment]:
    """The employments of a person that cover some of `start`–`end`."""
    return list(
        Employment.objects.filter(user_id=user_id, start__lte=end)
        .filter(Q(end__isnull=True) | Q(end__gte=start))
        .order_by("start")
    )


def employment_on(employments: Sequence[Employment], day: datetime.date) -> Employment | None:
    for employment in employments:
        if employment.start <= day and (employment.end is None or day <= employment.end):
            return employment
    return None


def year_ceiling(employments: Iterable[Employment], year: int, template: CostTemplate) -> Decimal:
    """The most project time (template units) that may be charged in `year`: productive time × fte, pro
    rata for the days of the year each employment covers."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    days_in_year = Decimal((last - first).days + 1)
    total = ZERO
    for employment in employments:
        start = max(employment.start, first)
        end = min(employment.end or last, last)
        if end < start:
            continue
        covered = Decimal((end - start).days + 1)
        total += template.productive_time * employment.fte * covered / days_in_year
    return total


def _hours(value: Decimal) -> str:
    """A number of hours or days for a message: at most two decimals, no trailing zeros."""
    text = f"{value.quantize(Decimal('0.01')):f}"
    return number_format(Decimal(text.rstrip("0").rstrip(".") if "." in text else text))


def _day(day: datetime.date) -> str:
    return date_format(day, "DATE_FORMAT")


def _unit_name(template: CostTemplate) -> str:
    return _("days") if template.time_basis == TimeBasis.DAY else _("hours")


@dataclass
class _Grants:
    """What the rules need of the grants a month charges, read once."""

    periods: dict[int, list[ReportingPeriod]]
    ours: set[int]

    @classmethod
    def load(cls, grant_ids: set[int]) -> _Grants:
        periods: dict[int, list[ReportingPeriod]] = defaultdict(list)
        for period in ReportingPeriod.objects.filter(grant_id__in=grant_ids):
            periods[period.grant_id].append(period)
        ours = set(
            GrantPartner.objects.filter(grant_id__in=grant_ids, is_us=True).values_list("grant_id", flat=True)
        )
        return cls(periods, ours)

    def closed(self, grant_id: int, day: datetime.date) -> ReportingPeriod | None:
        for period in self.periods.get(grant_id, []):
            if period.start <= day <= period.end and period.is_closed:
                return period
        return None


def sheet_problems(sheet: TimesheetMonth, entries: Sequence[TimeEntry]) -> list[str]:
    """Everything an auditor would refuse in `entries` as the time of `sheet`'s month, each problem once,
    in the user's language, naming its date or grant; empty when the month may be signed."""
    problems: list[str] = []
    first, last = sheet.month, month_end(sheet.month)
    employments = employments_of(
        sheet.user_id, datetime.date(first.year, 1, 1), datetime.date(last.year, 12, 31)
    )
    grants = {entry.grant.pk: entry.grant for entry in entries if entry.grant is not None}
    known = _Grants.load(set(grants))

    def add(message: str) -> None:
        if message not in problems:
            problems.append(message)

    by_day: dict[datetime.date, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for entry in sorted(entries, key=lambda entry: entry.date):
        day = entry.date
        if not first <= day <= last:
            add(_("%(date)s is not in this month.") % {"date": _day(day)})
            continue
        by_day[day][entry.kind] += entry.hours
        if employment_on(employments, day) is None:
            add(
                _("%(date)s: no employment covers this day, so no time can be recorded on it.")
                % {"date": _day(day)}
            )
        if entry.kind != TimeKind.PROJECT:
            continue
        grant = entry.grant
        if grant is None:
            add(_("%(date)s: project time needs a grant.") % {"date": _day(day)})
            continue
        name = grant.agreement_number
        if entry.work_package is not None and entry.work_package.grant_id != grant.pk:
            add(
                _("%(date)s: work package %(wp)s is not a work package of grant %(grant)s.")
                % {"date": _day(day), "wp": entry.work_package, "grant": name}
            )
        if not grant.start <= day <= grant.end:
            add(
                _("%(date)s is outside the period of grant %(grant)s (%(start)s – %(end)s).")
                % {"date": _day(day), "grant": name, "start": _day(grant.start), "end": _day(grant.end)}
            )
        if grant.pk not in known.ours:
            add(
                _(
                    "Our organisation is not a beneficiary of grant %(grant)s: its personnel costs cannot be "
                    "charged."
                )
                % {"grant": name}
            )
        period = known.closed(grant.pk, day)
        if period is not None:
            add(
                _(
                    "%(date)s lies in reporting period %(number)s of grant %(grant)s, which is closed: its "
                    "statement was submitted."
                )
                % {"date": _day(day), "number": period.number, "grant": name}
            )

    for day, kinds in sorted(by_day.items()):
        employment = employment_on(employments, day)
        if employment is None:
            continue
        working_day = contracted_day(employment)
        project = kinds[TimeKind.PROJECT]
        other = kinds[TimeKind.OTHER_WORK]
        absence = kinds[TimeKind.ABSENCE]
        if project and absence >= working_day:
            add(
                _("%(date)s is marked absent for the whole day: no project time can be charged on it.")
                % {"date": _day(day)}
            )
        elif project + other + absence > working_day:
            add(
                _(
                    "%(date)s: %(project)s h on projects, %(other)s h of other work and %(absence)s h of "
                    "absence do not fit in the working day of %(day)s h."
                )
                % {
                    "date": _day(day),
                    "project": _hours(project),
                    "other": _hours(other),
                    "absence": _hours(absence),
                    "day": _hours(working_day),
                }
            )

    problems.extend(ceiling_problems(sheet, entries, employments))
    return problems


def ceiling_problems(
    sheet: TimesheetMonth, entries: Sequence[TimeEntry], employments: Sequence[Employment]
) -> list[str]:
    """The year's ceiling: this month's project time with that of the person's other signed and approved
    months of the calendar year, in the units of each template the month charges."""
    project = [entry for entry in entries if entry.kind == TimeKind.PROJECT and entry.grant is not None]
    if not project:
        return []
    year = sheet.month.year
    templates = {entry.grant.template_id: entry.grant.template for entry in project if entry.grant}
    others = list(
        TimeEntry.objects.filter(
            sheet__user_id=sheet.user_id,
            sheet__status__in=COUNTED,
            sheet__month__year=year,
            kind=TimeKind.PROJECT,
        )
        .exclude(sheet_id=sheet.pk)
        .values_list("hours", flat=True)
    )
    hours = [entry.hours for entry in project if entry.date.year == year] + others
    problems = []
    for template in templates.values():
        charged = sum((units(value, template) for value in hours), ZERO)
        ceiling = year_ceiling(employments, year, template)
        if charged > ceiling:
            problems.append(
                _(
                    "In %(year)s, %(charged)s %(unit)s would be charged to projects, more than the year's "
                    "ceiling of %(ceiling)s %(unit)s (%(productive)s × the full-time equivalent, for the "
                    "part of the year employed)."
                )
                % {
                    "year": year,
                    "charged": _hours(charged),
                    "ceiling": _hours(ceiling),
                    "unit": _unit_name(template),
                    "productive": _hours(template.productive_time),
                }
            )
    return problems


def closed_time(sheet: TimesheetMonth) -> list[str]:
    """The problems of correcting `sheet`: its project time that lies in a closed reporting period."""
    entries = list(sheet.entries.filter(kind=TimeKind.PROJECT).select_related("grant"))
    known = _Grants.load({entry.grant_id for entry in entries if entry.grant_id})
    problems: list[str] = []
    for entry in entries:
        period = known.closed(entry.grant_id, entry.date) if entry.grant_id else None
        if period is not None:
            message = _(
                "Its time on grant %(grant)s lies in reporting period %(number)s, which is closed: its "
                "statement was submitted. Record an adjustment in an open period instead."
            ) % {"grant": entry.grant.agreement_number if entry.grant else "", "number": period.number}
            if message not in problems:
                problems.append(message)
    return problems


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
