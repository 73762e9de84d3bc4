"""The funder report's builder: one project's indicators for a period, every count of people suppressed,
read into the dataclasses below (the view model its XLSX and PDF renderers write).

Indicators: the project's events in the period by type; their participants by profession, country and
gender (refugiu.programmes.statistics: attendance, else headcount, else not known); events whose number
of participants is not known, listed as such (never 0); the project's publications (those dated in the
period, and the undated ones); its deliverables. The summary names the project, funder, funding
programme, grant number, period, our role and the partners with their countries.

Everything here leaves the organisation: every count of people is suppressed (1 to threshold - 1 shown
as "<threshold"), totals included, in the XLSX, in the PDF and in the staff page's preview. Counts of
events and publications are not counts of people and are shown as they are.

Cost: `funder_report` runs a fixed number of queries whatever the number of events (the project, its
partners, the events and their two statistics queries, the publications, the deliverables).
"""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _
from django_countries import countries

from refugiu.programmes import statistics
from refugiu.programmes.models import Deliverable, Event, Project, ProjectPartner, Publication
from refugiu.programmes.selectors import date_range_display, event_dates_display
from refugiu.programmes.vocabularies import EventType
from refugiu.reports.models import ReportRun
from refugiu.reports.rendering import Progress

Cell = int | str


@dataclass(frozen=True)
class PartnerLine:
    name: str
    country: str  # the country's name ("" when not known)
    role: str


@dataclass(frozen=True)
class EventLine:
    title: str
    type: str
    dates: str
    place: str
    participants: Cell | None  # suppressed; None when not known
    basis: str


@dataclass(frozen=True)
class PublicationLine:
    title: str
    type: str
    date: str
    link: str


@dataclass(frozen=True)
class DeliverableLine:
    kind: str
    title: str
    description: str
    link: str


@dataclass(frozen=True)
class CountLine:
    label: str
    count: Cell


@dataclass(frozen=True)
class FunderReport:
    """One project's indicators for a period, every count of people already suppressed."""

    project: Project
    date_from: datetime.date | None
    date_to: datetime.date | None
    funder: str
    funder_programme: str
    partners: list[PartnerLine]
    events_by_type: list[CountLine]
    events: list[EventLine]
    events_unknown: list[EventLine]
    participant_rows: list[list[Cell]]  # profession, country, gender, count (suppressed)
    totals_by: dict[str, list[CountLine]]  # per dimension (suppressed)
    participants_total: Cell
    unknown_note: str
    suppression_note: str
    publications: list[PublicationLine]
    deliverables: list[DeliverableLine]
    threshold: int
    statistics: statistics.Statistics

    @property
    def title(self) -> str:
        return self.project.title

    @property
    def acronym(self) -> str:
        return self.project.acronym

    @property
    def period_display(self) -> str:
        return period_display(self.project, self.date_from, self.date_to)

    @property
    def our_role(self) -> str:
        return str(self.project.get_our_role_display()) if self.project.our_role else ""

    @property
    def events_total(self) -> int:
        return len(self.events)

    def filename(self, format: str) -> str:
        return report_filename(self.project, self.date_from, self.date_to, format)


def period_display(project: Project, date_from: datetime.date | None, date_to: datetime.date | None) -> str:
    """ "1 January 2019 – 31 December 2019", or the project's whole life when no period is chosen."""
    if not date_from and not date_to:
        life = project.period_display
        return _("the whole project (%(period)s)") % {"period": life} if life else _("the whole project")
    if date_from and date_to:
        return date_range_display(date_from, date_to)
    if date_from:
        return _("from %(date)s") % {"date": date_range_display(date_from)}
    return _("until %(date)s") % {"date": date_range_display(date_to)}


def report_filename(
    project: Project, date_from: datetime.date | None, date_to: datetime.date | None, extension: str
) -> str:
    """funder-report-<acronym or id>-<from>-<to>.<extension>: the acronym and dates, nothing else."""
    acronym = "".join(char for char in project.acronym if char.isascii() and (char.isalnum() or char in "-_"))
    parts = ["funder-report", acronym.lower() or f"project-{project.pk}"]
    if date_from or date_to:
        parts.append(date_from.isoformat() if date_from else "start")
        parts.append(date_to.isoformat() if date_to else "end")
    return f"{'-'.join(parts)}.{extension}"


def _country_name(code: str) -> str:
    return str(countries.name(code)) if code else ""


def _event_place(event: Event) -> str:
    country = _country_name(str(event.country)) if event.country else ""
    return ", ".join(part for part in (event.city, country) if part)


def funder_report(
    project: Project, date_from: datetime.date | None = None, date_to: datetime.date | None = None
) -> FunderReport:
    """The project's indicators for the period (both days included; none: the whole project), suppressed."""
    show = statistics.suppress
    project = Project.objects.select_related("funder_programme__funder").get(pk=project.pk)
    partners = [
        PartnerLine(
            name=str(partner),
            country=_country_name(partner.partner_country),
            role=str(partner.get_role_display()) if partner.role else "",
        )
        for partner in ProjectPartner.objects.filter(project=project).select_related("organization")
    ]

    scope = statistics.Scope(project=project, date_from=date_from, date_to=date_to)
    stats = statistics.statistics_compute(scope.events())

    type_counts = Counter(event.type for event in stats.events)
    type_order = {value: index for index, value in enumerate(EventType.values)}
    events_by_type = [
        CountLine(str(EventType(kind).label) if kind in type_order else kind, count)
        for kind, count in sorted(
            type_counts.items(), key=lambda item: (type_order.get(item[0], 999), item[0])
        )
    ]
    events, unknown = [], []
    for event in stats.events:
        figure = stats.figures[event.pk]
        line = EventLine(
            title=str(event),
            type=str(event.get_type_display()),
            dates=event_dates_display(event),
            place=_event_place(event),
            participants=None if figure.participants is None else show(figure.participants),
            basis=str(statistics.BASIS_LABELS[figure.basis]),
        )
        events.append(line)
        if figure.participants is None:
            unknown.append(line)

    participant_rows = [
        [
            statistics.dimension_label("profession", row.profession),
            statistics.dimension_label("country", row.country),
            statistics.dimension_label("gender", row.gender),
            show(row.count),
        ]
        for row in stats.rows
    ]
    totals = stats.totals
    totals_by = {
        statistics.dimension_title(dimension): [
            CountLine(statistics.dimension_label(dimension, key), show(count))
            for key, count in totals.by(dimension).items()
        ]
        for dimension in statistics.DIMENSIONS
    }

    publications = Publication.objects.filter(project=project)
    if date_from:
        publications = publications.filter(Q(date__isnull=True) | Q(date__gte=date_from))
    if date_to:
        publications = publications.filter(Q(date__isnull=True) | Q(date__lte=date_to))
    publication_lines = [
        PublicationLine(
            title=publication.title,
            type=str(publication.get_type_display()) if publication.type else "",
            date=publication.date_display,
            link=publication.link,
        )
        for publication in publications.order_by("date", "title")
    ]
    deliverables = [
        DeliverableLine(
            kind=str(deliverable.get_kind_display()),
            title=deliverable.title,
            description=deliverable.description,
            link=deliverable.link,
        )
        for deliverable in Deliverable.objects.filter(project=project).order_by("order", "pk")
    ]
    funder = project.funder
    return FunderReport(
        project=project,
        date_from=date_from,
        date_to=date_to,
        funder=str(funder) if funder else "",
        funder_programme=project.funder_programme.name if project.funder_programme else "",
        partners=partners,
        events_by_type=events_by_type,
        events=events,
        events_unknown=unknown,
        participant_rows=participant_rows,
        totals_by=totals_by,
        participants_total=show(totals.total),
        unknown_note=statistics.unknown_events_note(totals),
        suppression_note=statistics.suppression_note(),
        publications=publication_lines,
        deliverables=deliverables,
        threshold=statistics.statistics_threshold(),
        statistics=stats,
    )


def _date(value: object) -> datetime.date | None:
    if not value:
        return None
    return datetime.date.fromisoformat(str(value))


def funder_report_from_run(run: ReportRun, progress: Progress) -> FunderReport:
    """The report of a background run (kind "funder", parameters {"project": id, "date_from": "YYYY-MM-DD"
    | None, "date_to": …}); ValueError when the project does not exist."""
    parameters = run.parameters or {}
    try:
        project = Project.objects.get(pk=parameters["project"])
    except (KeyError, TypeError, ValueError, Project.DoesNotExist) as error:
        raise ValueError(_("The funder report's project does not exist.")) from error
    date_from, date_to = _date(parameters.get("date_from")), _date(parameters.get("date_to"))
    progress(10, _("Counting the project's events and participants"))
    report = funder_report(project, date_from, date_to)
    progress(60, _("Writing the file"))
    return report
