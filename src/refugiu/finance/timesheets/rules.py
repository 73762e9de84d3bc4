"""The rules of staff time (see the package's docstring): units, rates, the contracted day, the year's
ceiling, and what an auditor refuses in a month of a timesheet."""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from refugiu.finance.models import (
    CostTemplate,
    Employment,
    GrantPartner,
    ReportingPeriod,
    TimeEntry,
    TimesheetMonth,
)
from refugiu.finance.money import ZERO
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
