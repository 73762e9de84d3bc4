"""The coordinators' dashboard: this year's figures against last year's, counts only.

Three periods: this year to date (1 January – today), the same period last year (1 January – the same
day last year) and the whole of last year. The difference compares the first two. Case figures are for
the departments the user coordinates (their coordinator roles' departments) and nothing else; the
programme's events and participants are the organisation's.

Counts only: no names, no references, no links to cases. The page is for use inside the organisation,
so counts are exact (nothing here is published).

Cost: a fixed number of queries whatever the number of cases or events (one per kind of figure, plus the
programme's statistics).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from refugiu.cases import vocabularies as v
from refugiu.cases.access import coordinated_department_ids
from refugiu.cases.models import Case, Proceeding, Referral, ServiceEntry
from refugiu.organisation.models import Department
from refugiu.programmes import statistics
from refugiu.programmes.selectors import date_range_display

if TYPE_CHECKING:
    from refugiu.accounts.models import User

# This year to date, the same period last year, the whole of last year.
PERIODS = ("current", "previous", "previous_year")


@dataclass(frozen=True)
class Period:
    key: str
    start: datetime.date
    end: datetime.date

    def contains(self, day: datetime.date | None) -> bool:
        return day is not None and self.start <= day <= self.end

    @property
    def label(self) -> str:
        return date_range_display(self.start, self.end)


def _same_day(day: datetime.date, year: int) -> datetime.date:
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February in a year that has none
        return datetime.date(year, 2, 28)


def dashboard_periods(today: datetime.date) -> dict[str, Period]:
    last = today.year - 1
    return {
        "current": Period("current", datetime.date(today.year, 1, 1), today),
        "previous": Period("previous", datetime.date(last, 1, 1), _same_day(today, last)),
        "previous_year": Period("previous_year", datetime.date(last, 1, 1), datetime.date(last, 12, 31)),
    }


@dataclass(frozen=True)
class Figure:
    """One line of the dashboard: a label and its count in each period."""

    label: str
    current: int
    previous: int
    previous_year: int
    level: int = 0  # 1 for a breakdown line under the one before
    charted: bool = True  # drawn in the chart (participants are not: they would dwarf everything else)

    @property
    def difference(self) -> int:
        return self.current - self.previous

    @property
    def difference_display(self) -> str:
        """ "+3", "−2" (a real minus sign), "0"."""
        if self.difference > 0:
            return f"+{self.difference}"
        if self.difference < 0:
            return f"\u2212{-self.difference}"
        return "0"


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    figures: list[Figure] = field(default_factory=list)


CHART_BAR_SPACE = 330  # the longest bar's length, in SVG units
CHART_ROW_HEIGHT = 34


@dataclass(frozen=True)
class ChartBar:
    label: str
    current: int
    previous: int
    y: int  # top of the row, in SVG units
    current_width: int
    previous_width: int


@dataclass(frozen=True)
class Chart:
    """A server-made bar chart: this year to date against the same period last year. The dashboard's
    tables carry the same figures (the chart's text equivalent)."""

    bars: list[ChartBar]
    height: int
    width: int = 640
    label_width: int = 250


def comparison_chart(figures: list[Figure]) -> Chart:
    longest = max([max(figure.current, figure.previous) for figure in figures] + [1])
    bars = []
    for index, figure in enumerate(figures):
        bars.append(
            ChartBar(
                label=figure.label,
                current=figure.current,
                previous=figure.previous,
                y=10 + index * CHART_ROW_HEIGHT,
                current_width=round(CHART_BAR_SPACE * figure.current / longest),
                previous_width=round(CHART_BAR_SPACE * figure.previous / longest),
            )
        )
    return Chart(bars=bars, height=20 + len(figures) * CHART_ROW_HEIGHT)


@dataclass(frozen=True)
class Dashboard:
    today: datetime.date
    periods: dict[str, Period]
    departments: list[str]
    open_now: int | None  # None when the user coordinates no department
    sections: list[Section]

    @property
    def chart(self) -> Chart:
        """The main lines of every section (not their breakdowns)."""
        return comparison_chart(
            [
                figure
                for section in self.sections
                for figure in section.figures
                if figure.charted and not figure.level
            ]
        )

    def section(self, key: str) -> Section:
        return next(section for section in self.sections if section.key == key)

    def figure(self, section: str, label: str) -> Figure:
        return next(figure for figure in self.section(section).figures if figure.label == label)


def _in(field_name: str, period: Period) -> Q:
    return Q(**{f"{field_name}__gte": period.start, f"{field_name}__lte": period.end})


def _counts(
    field_name: str, periods: dict[str, Period], expression: str = "pk", **kwargs: Any
) -> dict[str, Count]:
    return {
        key: Count(expression, filter=_in(field_name, period), **kwargs) for key, period in periods.items()
    }


def _figure(
    label: str, row: Mapping[str, Any], level: int = 0, prefix: str = "", charted: bool = True
) -> Figure:
    current, previous, previous_year = (row.get(f"{prefix}{key}", 0) or 0 for key in PERIODS)
    return Figure(label, current, previous, previous_year, level=level, charted=charted)


def _case_sections(department_ids: list[int], periods: dict[str, Period]) -> tuple[int, list[Section]]:
    cases = Case.objects.filter(department_id__in=department_ids)
    # One query: opened, closed, new beneficiaries per period, and the cases open now.
    aggregates = {}
    for key, period in periods.items():
        aggregates[f"opened_{key}"] = Count("pk", filter=_in("opened_on", period))
        aggregates[f"closed_{key}"] = Count("pk", filter=_in("closed_on", period))
        aggregates[f"beneficiaries_{key}"] = Count(
            "beneficiary", distinct=True, filter=_in("beneficiary__created_at__date", period)
        )
    aggregates["open_now"] = Count("pk", filter=~Q(status=v.CaseStatus.CLOSED))
    case_row = cases.aggregate(**aggregates)
    section_cases = Section(
        "cases",
        _("Cases"),
        [
            _figure(_("Cases opened"), case_row, prefix="opened_"),
            _figure(_("Cases closed"), case_row, prefix="closed_"),
            _figure(_("New beneficiaries"), case_row, prefix="beneficiaries_"),
        ],
    )

    # One query: services by kind.
    services = {
        row["kind"]: row
        for row in ServiceEntry.objects.filter(case__department_id__in=department_ids)
        .values("kind")
        .annotate(**_counts("delivered_on", periods))
        .order_by()
    }
    service_figures = [_figure(_("All services"), _sum(services.values()))]
    service_figures += [
        _figure(str(kind.label), services[kind.value], level=1)
        for kind in v.ServiceKind
        if kind.value in services
    ]
    section_services = Section("services", _("Services delivered"), service_figures)

    # One query: referrals sent, by domestic or cross-border, and by outcome.
    referral_rows = list(
        Referral.objects.filter(case__department_id__in=department_ids)
        .values("is_cross_border", "status")
        .annotate(**_counts("sent_on", periods))
        .order_by()
    )
    referral_figures = [_figure(_("Referrals sent"), _sum(referral_rows))]
    for cross_border, label in ((False, _("Domestic")), (True, _("Cross-border"))):
        rows = [row for row in referral_rows if row["is_cross_border"] is cross_border]
        referral_figures.append(_figure(label, _sum(rows), level=1))
    for status in v.ReferralStatus:
        rows = [row for row in referral_rows if row["status"] == status.value]
        if status == v.ReferralStatus.SENT:
            label = _("Outcome: no answer yet")
        else:
            label = _("Outcome: %(outcome)s") % {"outcome": status.label}
        referral_figures.append(_figure(label, _sum(rows), level=1))
    section_referrals = Section("referrals", _("Referrals"), referral_figures)

    # One query: protection orders and compensation claims started in the period (or recorded, when
    # the start is not known), by their stage now.
    kinds = (v.ProceedingKind.PROTECTION_ORDER, v.ProceedingKind.COMPENSATION_CLAIM)
    proceeding_rows = list(
        Proceeding.objects.filter(case__department_id__in=department_ids, kind__in=kinds)
        .annotate(began=Coalesce("started_on", TruncDate("created_at")))
        .values("kind", "stage")
        .annotate(**_counts("began", periods))
        .order_by()
    )
    proceeding_figures = []
    for kind in kinds:
        kind_rows = [row for row in proceeding_rows if row["kind"] == kind.value]
        proceeding_figures.append(_figure(str(kind.label), _sum(kind_rows)))
        for stage in v.PROCEEDING_STAGES.get(kind, []):
            stage_rows = [row for row in kind_rows if row["stage"] == stage]
            if stage_rows:
                label = _("Stage now: %(stage)s") % {"stage": v.ProceedingStage(stage).label}
                proceeding_figures.append(_figure(label, _sum(stage_rows), level=1))
    section_proceedings = Section(
        "proceedings", _("Protection orders and compensation claims"), proceeding_figures
    )
    return case_row["open_now"], [section_cases, section_services, section_referrals, section_proceedings]


def _sum(rows: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    return {key: sum(row.get(key, 0) or 0 for row in rows) for key in PERIODS}


def _programme_section(periods: dict[str, Period]) -> Section:
    start = min(period.start for period in periods.values())
    end = max(period.end for period in periods.values())
    stats = statistics.statistics_compute(statistics.scope_events(date_from=start, date_to=end))
    held, participants, unknown = {}, {}, {}
    for key, period in periods.items():
        events = [event for event in stats.events if period.contains(event.first_date)]
        figures = [stats.figures[event.pk] for event in events]
        held[key] = len(events)
        participants[key] = sum(figure.participants for figure in figures if figure.participants is not None)
        unknown[key] = sum(1 for figure in figures if figure.participants is None)
    return Section(
        "programme",
        _("The organisation's programme"),
        [
            _figure(_("Events held"), held),
            _figure(_("Participants (events whose number is known)"), participants, charted=False),
            _figure(_("Events whose number of participants is not known"), unknown, charted=False),
        ],
    )


def dashboard_compute(user: User, today: datetime.date | None = None) -> Dashboard:
    """The dashboard of `user`: case figures of the departments they coordinate only."""
    today = today or timezone.localdate()
    periods = dashboard_periods(today)
    department_ids = sorted(coordinated_department_ids(user))
    sections: list[Section] = []
    open_now = None
    departments: list[str] = []
    if department_ids:
        departments = list(
            Department.objects.filter(pk__in=department_ids).order_by("name").values_list("name", flat=True)
        )
        open_now, sections = _case_sections(department_ids, periods)
    sections.append(_programme_section(periods))
    return Dashboard(today, periods, departments, open_now, sections)
