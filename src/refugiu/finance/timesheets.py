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
  sum of its rounded lines. Four queries, however much time.
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


def _rate_of_month(employments: list[tuple[Employment, Decimal]], month: datetime.date) -> Decimal | None:
    """The hour's cost of the employment in force during `month` (the latest to start, when two are)."""
    end = month_end(month)
    for employment, cost in employments:  # latest start first
        if employment.start <= end and (employment.end is None or employment.end >= month):
            return cost
    return None
