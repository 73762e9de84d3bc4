"""The annual activity report: the seed's 2019 report, made from the data for any year.

`annual_report(year)` reads everything the report shows into plain dataclasses, in a fixed number of SQL
queries whatever the number of projects and events (everything is prefetched). The renderers turn that into
HTML (the same template serves the browser, printing and the PDF), PDF (WeasyPrint) and DOCX (python-docx,
with the built-in Heading styles so that editors can restyle it).

What goes in
    Projects: published projects running during the year (their period overlaps it) or with an event in it.
    Events: published events whose first day is in the year. An event of one of our projects is shown
    under that project, unless we only attended or spoke at it; those, and events of no project of ours
    (networks' meetings, other organisations' projects), are the "international events".
    Publications: a project's published publications dated in the year or undated; publications of no
    project dated in the year are listed on their own.
    Participants: `programmes.statistics` (attendance, else the headcount, else not known). An unknown
    number is written "not known", never 0, and is left out of every total; the summary names those events.
    Participants by profession are published, so small counts are suppressed as in every export.

No personal data: organisations, the steering committee's positions (and holders where the organisation
records them) and figures only. Event photographs: the published ones of each event, embedded in the file
(data: URLs in HTML and PDF, pictures in DOCX), so the report stands on its own.
"""

import base64
import datetime
import io
import mimetypes
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.staticfiles import finders
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.template.loader import render_to_string
from django.utils import dateformat
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from refugiu.core.pdf import html_to_pdf
from refugiu.organisation.models import STAFF_COUNT_LABELS
from refugiu.organisation.selectors import organisation_current
from refugiu.programmes import statistics
from refugiu.programmes.models import (
    Campaign,
    Event,
    EventDay,
    Network,
    NetworkMembership,
    Partnership,
    Project,
    ProjectPartner,
    Publication,
)
from refugiu.programmes.selectors import (
    country_name,
    date_range_display,
    event_dates_display,
    photos_published,
)
from refugiu.programmes.vocabularies import EventRole, EventType, PartnerScope, ProjectRole
from refugiu.reports.charts import ChartItem, bar_chart, column_chart
from refugiu.reports.models import Foreword

FORMATS = ("html", "pdf", "docx")
CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
# Our role in an event that makes it one we went to rather than one we held.
VISITOR_ROLES = (EventRole.ATTENDEE, EventRole.SPEAKER)


# --- What the report shows --------------------------------------------------------------------------------


@dataclass
class Department:
    name: str
    activities: list[str]
    staff: list[str]  # "12 lawyers"


@dataclass
class CommitteeSeat:
    title: str
    holder: str


@dataclass
class OrganisationPart:
    name: str
    description: str
    founded: str
    keywords: list[str]
    values: list[str]
    objectives: list[str]
    committee: list[CommitteeSeat]
    departments: list[Department]
    address: str
    email: str
    phone: str
    website: str

    @property
    def website_display(self) -> str:
        return self.website.removeprefix("https://").removeprefix("http://").rstrip("/")


@dataclass
class Partner:
    name: str
    country: str  # the country's name, "" when not known
    role: str = ""

    @property
    def display(self) -> str:
        return f"{self.name}, {self.country}" if self.country and self.name else self.name or self.country


@dataclass
class Photo:
    """An event photograph as the report embeds it."""

    data: bytes
    content_type: str
    caption: str

    @property
    def data_url(self) -> str:
        return f"data:{self.content_type};base64,{base64.b64encode(self.data).decode('ascii')}"


@dataclass
class EventItem:
    pk: int
    title: str
    type: str
    type_label: str
    dates: str
    first_date: datetime.date | None
    city: str
    country: str
    venue: str
    participants: int | None
    basis: str
    audience: str
    description: str
    topics: list[str]
    professions: list[str]
    countries: list[str]
    organiser: str
    our_role: str
    context: str  # the project, other organisation's project or network it belongs to
    represented: list[str]
    photos: list[Photo] = field(default_factory=list)

    @property
    def place(self) -> str:
        return ", ".join(part for part in (self.venue, self.city, self.country) if part)

    @property
    def participants_display(self) -> str:
        return str(self.participants) if self.participants is not None else _("not known")

    @property
    def label(self) -> str:
        """Title and dates, for lists and charts: "Seminar in Romania (5–6 April 2019)"."""
        return f"{self.title} ({self.dates})" if self.dates else self.title


@dataclass
class PublicationItem:
    title: str
    type_label: str
    date: str
    summary: str
    link: str


@dataclass
class DeliverableItem:
    kind_label: str
    title: str
    description: str
    link: str


@dataclass
class CampaignItem:
    title: str
    description: str
    channel: str
    period: str
    countries: list[str]
    messages: list[tuple[list[str], str]]  # lines of text, link


@dataclass
class ProjectItem:
    pk: int
    title: str
    acronym: str
    summary: str
    objectives: list[str]
    thematic_area: str
    funder: str
    programme: str
    grant_number: str
    budget: str
    period: str
    our_role: str
    role: str  # ProjectRole value, "" when not recorded
    partners: list[Partner]
    website: str
    deliverables: list[DeliverableItem]
    events: list[EventItem]
    publications: list[PublicationItem]
    campaigns: list[CampaignItem]

    @property
    def anchor(self) -> str:
        return f"project-{self.pk}"


@dataclass
class NetworkItem:
    name: str
    members: list[str]


@dataclass
class Figure:
    """One line of a summary table: a label and a count (an int, or a suppressed "<5")."""

    label: str
    value: int | str


@dataclass
class Summary:
    events: int
    by_type: list[Figure]
    participants: int
    events_counted: int
    unknown_events: list[EventItem]
    by_profession: list[Figure]
    professions_named: list[Figure]  # in how many events each profession took part
    by_month: list[Figure]
    participants_per_event: list[Figure]
    threshold: int


@dataclass
class Charts:
    participants_per_event: SafeString
    participants_per_profession: SafeString | None
    events_per_month: SafeString


@dataclass
class AnnualReport:
    year: int
    generated_on: datetime.date
    organisation: OrganisationPart | None
    foreword: list[str] | None  # paragraphs; None when no foreword was written for the year
    projects: list[ProjectItem]
    international_events: list[EventItem]
    other_publications: list[PublicationItem]
    international_partners: list[Partner]
    national_partners: list[Partner]
    networks: list[NetworkItem]
    summary: Summary
    charts: Charts | None = field(default=None, repr=False)

    @property
    def title(self) -> str:
        return _("Annual activity report %(year)s") % {"year": self.year}

    @property
    def projects_coordinated(self) -> int:
        return sum(1 for project in self.projects if project.role == ProjectRole.COORDINATOR)

    @property
    def projects_as_partner(self) -> int:
        return sum(1 for project in self.projects if project.role == ProjectRole.PARTNER)

    @property
    def organisation_name(self) -> str:
        return self.organisation.name if self.organisation else ""

    @property
    def filename_stem(self) -> str:
        return f"annual-report-{self.year}"


# --- Reading -----------------------------------------------------------------------------------------------


def _organisation_name(organization) -> str:
    """A directory organisation's name, with its acronym when it has one not already in the name
    ("… (HEUNI)"); an alternate name that is another spelling is left out."""
    if organization is None:
        return ""
    name = organization.name
    alternate = organization.alternate_name.strip()
    is_acronym = alternate and " " not in alternate and len(alternate) <= 12
    return f"{name} ({alternate})" if is_acronym and alternate not in name else name


def _paragraphs(text: str) -> list[str]:
    return [" ".join(block.split()) for block in text.replace("\r\n", "\n").split("\n\n") if block.strip()]


def _organisation_part() -> OrganisationPart | None:
    organisation = organisation_current()
    if organisation is None:
        return None
    departments = [
        Department(
            name=department.name,
            activities=list(department.activities),
            staff=[str(STAFF_COUNT_LABELS[s.role] % {"count": s.count}) for s in department.staffing.all()],
        )
        for department in organisation.departments.all()
    ]
    address = organisation.street_address
    country = country_name(organisation.country)
    if organisation.city and organisation.city not in address:
        address = ", ".join(part for part in (address, organisation.city) if part)
    if country and country not in address:
        address = ", ".join(part for part in (address, country) if part)
    return OrganisationPart(
        name=organisation.name,
        description=organisation.description,
        founded=organisation.founded,
        keywords=list(organisation.keywords or []),
        values=[value.text for value in organisation.values.all()],
        objectives=[objective.text for objective in organisation.objectives.all()],
        committee=[CommitteeSeat(seat.title, seat.holder) for seat in organisation.committee.all()],
        departments=departments,
        address=address,
        email=organisation.email,
        phone=organisation.phone,
        website=organisation.website,
    )


def _year_events(year: int):
    return (
        statistics.scope_events(year=year)
        .filter(is_published=True)
        .select_related("organiser", "network__organization")
        .prefetch_related("professions", "countries", "represented_organisations", photos_published())
    )


# Formats WeasyPrint and Word both show; anything else uploaded is left out of the report.
PHOTO_TYPES = frozenset({"image/png", "image/jpeg", "image/gif"})


def _photos(event: Event) -> list[Photo]:
    photos = []
    for photo in event.photos_published:
        content_type = mimetypes.guess_type(photo.image.name)[0]
        if content_type not in PHOTO_TYPES:
            continue
        try:
            with photo.image.open("rb") as handle:
                photos.append(Photo(handle.read(), content_type, photo.caption))
        except FileNotFoundError:
            continue  # a photograph whose file is gone is left out, not an error in the report
    return photos


def _event_item(event: Event, figure: statistics.EventFigure) -> EventItem:
    if event.project_id:
        context = event.project.acronym or event.project.title
    elif event.external_project:
        context = event.external_project
    elif event.network_id:
        context = str(event.network.organization)
    else:
        context = ""
    return EventItem(
        pk=event.pk,
        title=event.title or str(event.get_type_display()).capitalize(),
        type=event.type,
        type_label=str(event.get_type_display()),
        dates=event_dates_display(event),
        first_date=event.first_day,
        city=event.city,
        country=country_name(str(event.country)),
        venue=event.venue,
        participants=figure.participants,
        basis=figure.basis,
        audience=event.audience,
        description=event.description,
        topics=list(event.topics or []),
        professions=[str(p.get_profession_display()) for p in event.professions.all()],
        countries=[country_name(str(c.country)) for c in event.countries.all()],
        organiser=event.organiser_display,
        our_role=str(event.get_our_role_display()) if event.our_role else "",
        context=context,
        represented=[_organisation_name(o) for o in event.represented_organisations.all()],
        photos=_photos(event),
    )


def _publication_item(publication: Publication) -> PublicationItem:
    return PublicationItem(
        title=publication.title,
        type_label=str(publication.get_type_display()) if publication.type else "",
        date=publication.date_display,
        summary=publication.summary,
        link=publication.link,
    )


def _in_year(year: int) -> Q:
    return Q(date__isnull=True) | Q(date__year=year)


def _projects(year: int):
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    running = (Q(start__isnull=False) | Q(end__isnull=False)) & (
        (Q(start__isnull=True) | Q(start__lte=end)) & (Q(end__isnull=True) | Q(end__gte=start))
    )
    with_event = Exists(
        EventDay.objects.filter(event__project=OuterRef("pk"), event__is_published=True, date__year=year)
    )
    campaigns = Campaign.objects.filter(is_published=True).filter(
        (Q(start__isnull=True) | Q(start__lte=end)) & (Q(end__isnull=True) | Q(end__gte=start))
    )
    return (
        Project.objects.filter(is_published=True)
        .filter(running | with_event)
        .select_related("funder_programme__funder")
        .prefetch_related(
            Prefetch("partners", queryset=ProjectPartner.objects.select_related("organization")),
            "deliverables",
            Prefetch(
                "publications",
                queryset=Publication.objects.filter(is_published=True).filter(_in_year(year)),
            ),
            Prefetch("campaigns", queryset=campaigns.prefetch_related("messages")),
        )
        .order_by("start", "title")
    )


def _partner(partner: ProjectPartner) -> Partner:
    if partner.organization_id:
        return Partner(
            _organisation_name(partner.organization),
            country_name(partner.organization.country),
            str(partner.get_role_display()) if partner.role else "",
        )
    return Partner(
        "", country_name(str(partner.country)), str(partner.get_role_display()) if partner.role else ""
    )


def _project_item(project: Project, events: list[EventItem]) -> ProjectItem:
    budget = ""
    if project.budget is not None:
        budget = f"{project.budget:,.2f} {project.currency}".strip()
    funder = project.funder_programme.funder.name if project.funder_programme_id else ""
    return ProjectItem(
        pk=project.pk,
        title=project.title,
        acronym=project.acronym,
        summary=project.summary,
        objectives=list(project.objectives or []),
        thematic_area=str(project.get_thematic_area_display()) if project.thematic_area else "",
        funder=funder,
        programme=project.funder_programme.name if project.funder_programme_id else "",
        grant_number=project.grant_number,
        budget=budget,
        period=date_range_display(project.start, project.end, project.start_precision, project.end_precision),
        our_role=str(project.get_our_role_display()) if project.our_role else "",
        role=project.our_role,
        partners=[_partner(partner) for partner in project.partners.all()],
        website=project.website,
        deliverables=[
            DeliverableItem(str(d.get_kind_display()), d.title, d.description, d.link)
            for d in project.deliverables.all()
        ],
        events=events,
        publications=[_publication_item(p) for p in project.publications.all()],
        campaigns=[
            CampaignItem(
                title=campaign.title,
                description=campaign.description,
                channel=campaign.channel,
                period=date_range_display(
                    campaign.start, campaign.end, campaign.start_precision, campaign.end_precision
                ),
                countries=[str(country.name) for country in campaign.target_countries],
                messages=[(message.text.splitlines(), message.link) for message in campaign.messages.all()],
            )
            for campaign in project.campaigns.all()
        ],
    )


def _summary(items: list[EventItem], stats: statistics.Statistics, year: int) -> Summary:
    threshold = statistics.statistics_threshold()
    type_counts = Counter(item.type for item in items)
    by_type = [
        Figure(str(label), type_counts[value]) for value, label in EventType.choices if type_counts[value]
    ]
    by_profession = [
        Figure(statistics.dimension_label("profession", key), statistics.suppress(count, threshold))
        for key, count in stats.totals.by_profession.items()
    ]
    named = Counter(profession for item in items for profession in item.professions)
    professions_named = [
        Figure(label, count) for label, count in sorted(named.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    months = Counter(item.first_date.month for item in items if item.first_date)
    by_month = [
        Figure(dateformat.format(datetime.date(year, month, 1), "M"), months[month]) for month in range(1, 13)
    ]
    known = [item for item in items if item.participants is not None]
    return Summary(
        events=len(items),
        by_type=by_type,
        participants=sum(item.participants for item in known),
        events_counted=len(known),
        unknown_events=[item for item in items if item.participants is None],
        by_profession=by_profession,
        professions_named=professions_named,
        by_month=by_month,
        participants_per_event=[Figure(item.label, item.participants) for item in known],
        threshold=threshold,
    )


def _charts(summary: Summary, year: int) -> Charts:
    per_event = bar_chart(
        [ChartItem(figure.label, figure.value) for figure in summary.participants_per_event],
        ident="chart-participants-per-event",
        title=_("Participants per event, %(year)s") % {"year": year},
        desc=_("Events whose number of participants is known; the same figures are in the table below."),
    )
    professions = [
        ChartItem(figure.label, figure.value)
        for figure in summary.by_profession
        if isinstance(figure.value, int)
    ]
    per_profession = None
    if professions:
        per_profession = bar_chart(
            professions,
            ident="chart-participants-per-profession",
            title=_("Participants per profession, %(year)s") % {"year": year},
            desc=_("Small counts are not drawn; the table below gives every figure."),
        )
    per_month = column_chart(
        [ChartItem(figure.label, figure.value) for figure in summary.by_month],
        ident="chart-events-per-month",
        title=_("Events per month, %(year)s") % {"year": year},
        desc=_("Events by the month of their first day; the same figures are in the table below."),
    )
    return Charts(per_event, per_profession, per_month)


def annual_report(year: int) -> AnnualReport:
    """Everything the year's report shows, in a fixed number of queries."""
    organisation = _organisation_part()
    foreword = Foreword.objects.filter(year=year).first()
    events = list(_year_events(year))
    stats = statistics.statistics_compute(events)
    items = {event.pk: _event_item(event, stats.figures[event.pk]) for event in events}
    by_project: dict[int, list[EventItem]] = {}
    international = []
    for event in events:
        if event.project_id is None or event.our_role in VISITOR_ROLES:
            international.append(items[event.pk])
        else:
            by_project.setdefault(event.project_id, []).append(items[event.pk])
    projects = [_project_item(project, by_project.get(project.pk, [])) for project in _projects(year)]
    other_publications = [
        _publication_item(p)
        for p in Publication.objects.filter(is_published=True, project=None, date__year=year).order_by(
            "date", "title"
        )
    ]
    partnerships = list(Partnership.objects.select_related("organization").order_by("scope", "order", "pk"))

    def partners(scope: str) -> list[Partner]:
        return [
            Partner(_organisation_name(p.organization), country_name(p.organization.country))
            for p in partnerships
            if p.scope == scope
        ]

    networks = [
        NetworkItem(
            _organisation_name(network.organization),
            [_organisation_name(membership.member) for membership in network.memberships.all()],
        )
        for network in Network.objects.select_related("organization").prefetch_related(
            Prefetch("memberships", queryset=NetworkMembership.objects.select_related("member"))
        )
    ]
    summary = _summary(list(items.values()), stats, year)
    report = AnnualReport(
        year=year,
        generated_on=datetime.date.today(),
        organisation=organisation,
        foreword=_paragraphs(foreword.text) if foreword else None,
        projects=projects,
        international_events=international,
        other_publications=other_publications,
        international_partners=partners(PartnerScope.INTERNATIONAL),
        national_partners=partners(PartnerScope.NATIONAL),
        networks=networks,
        summary=summary,
    )
    report.charts = _charts(summary, year)
    return report


def annual_report_years() -> list[int]:
    """Years that have a published event, and the current year, newest first."""
    days = EventDay.objects.filter(event__is_published=True).dates("date", "year")
    years = {day.year for day in days}
    years.add(datetime.date.today().year)
    return sorted(years, reverse=True)


# --- HTML and PDF -----------------------------------------------------------------------------------------


def report_css() -> str:
    found = finders.find("refugiu/report.css")
    if not found:
        return ""
    with open(found, encoding="utf-8") as handle:
        return handle.read()


def render_html(report: AnnualReport, *, for_pdf: bool = False) -> str:
    """The whole report as one HTML document, its style inline (the file stands on its own)."""
    return render_to_string(
        "reports/annual/report.html",
        {
            "report": report,
            "for_pdf": for_pdf,
            "projects_intro": projects_intro(report),
            "css": mark_safe(report_css()),  # noqa: S308 - our own file
        },
    )


def render_pdf(report: AnnualReport) -> bytes:
    return html_to_pdf(render_html(report, for_pdf=True))


# --- DOCX -------------------------------------------------------------------------------------------------


def projects_intro(report: AnnualReport) -> str:
    """ "In 2019 the organisation ran 5 projects: 4 as coordinator, 1 as partner." """
    text = ngettext(
        "In %(year)s the organisation ran %(count)d project",
        "In %(year)s the organisation ran %(count)d projects",
        len(report.projects),
    ) % {"year": report.year, "count": len(report.projects)}
    if report.projects_coordinated or report.projects_as_partner:
        text += ": " + _("%(coordinated)d as coordinator, %(partner)d as partner") % {
            "coordinated": report.projects_coordinated,
            "partner": report.projects_as_partner,
        }
    return text + "."


def _docx_toc_field(document, placeholder: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), 'TOC \\o "1-2" \\h \\z \\u')
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = placeholder
    run.append(text)
    field.append(run)
    document.add_paragraph()._p.append(field)


def _docx_table(document, header: list[str], rows: list[list[str]]):
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = str(text)
    document.add_paragraph()
    return table


def _docx_bullets(document, items: list[str]) -> None:
    for item in items:
        document.add_paragraph(item, style="List Bullet")


def _docx_labelled(document, label: str, value: str) -> None:
    if not value:
        return
    paragraph = document.add_paragraph()
    paragraph.add_run(f"{label}: ").bold = True
    paragraph.add_run(value)


def _docx_events(document, events: list[EventItem], level: int) -> None:
    from docx.shared import Cm

    for event in events:
        document.add_heading(event.title, level=level)
        _docx_labelled(document, _("Type"), event.type_label)
        _docx_labelled(document, _("Dates"), event.dates)
        _docx_labelled(document, _("Place"), event.place)
        _docx_labelled(document, _("Participants"), event.participants_display)
        _docx_labelled(document, _("Who took part"), event.audience)
        _docx_labelled(document, _("Professions"), ", ".join(event.professions))
        _docx_labelled(document, _("Countries"), ", ".join(event.countries))
        _docx_labelled(document, _("Organisations represented"), ", ".join(event.represented))
        _docx_labelled(document, _("Organised by"), event.organiser)
        _docx_labelled(document, _("Within"), event.context)
        _docx_labelled(document, _("Our role"), event.our_role)
        if event.description:
            document.add_paragraph(event.description)
        if event.topics:
            document.add_paragraph(_("Topics:"))
            _docx_bullets(document, event.topics)
        for photo in event.photos:
            document.add_picture(io.BytesIO(photo.data), width=Cm(12))
            if photo.caption:
                document.add_paragraph(photo.caption, style="Caption")


def _docx_event_table(document, events: list[EventItem]) -> None:
    _docx_table(
        document,
        [_("Event"), _("Dates"), _("Place"), _("Participants")],
        [[event.title, event.dates, event.place, event.participants_display] for event in events],
    )


def render_docx(report: AnnualReport) -> bytes:
    import docx
    from docx.enum.text import WD_BREAK

    document = docx.Document()
    document.core_properties.title = report.title
    document.core_properties.author = report.organisation_name
    organisation = report.organisation

    # Cover
    document.add_heading(
        (_("Annual activity report") + (f" — {organisation.name}" if organisation else "")), level=0
    )
    if organisation and organisation.keywords:
        document.add_paragraph(" · ".join(organisation.keywords))
    document.add_paragraph(str(report.year))
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    # Contents: a table-of-contents field over the Heading 1 and 2 styles, which the editor's word
    # processor fills in with page numbers when asked to update fields (page numbers depend on its layout).
    document.add_paragraph(_("Contents"), style="TOC Heading")
    _docx_toc_field(document, _("Update this field to see the contents with page numbers."))
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    if report.foreword:
        document.add_heading(_("Foreword"), level=1)
        for paragraph in report.foreword:
            document.add_paragraph(paragraph)

    if organisation:
        document.add_heading(_("Organisational structure"), level=1)
        if organisation.description:
            document.add_paragraph(organisation.description)
        if organisation.founded:
            document.add_paragraph(_("Set up in %(founded)s.") % {"founded": organisation.founded})
        document.add_heading(_("Fundamental values"), level=2)
        _docx_bullets(document, organisation.values)
        document.add_heading(_("Objectives"), level=2)
        _docx_bullets(document, organisation.objectives)
        document.add_heading(_("Steering committee"), level=2)
        _docx_bullets(
            document,
            [
                f"{seat.title}: {seat.holder}" if seat.holder else seat.title
                for seat in organisation.committee
            ],
        )
        document.add_heading(_("Departments"), level=2)
        for department in organisation.departments:
            document.add_heading(department.name, level=3)
            _docx_bullets(document, department.activities)
            _docx_labelled(document, _("Staff and collaborators"), ", ".join(department.staff))

    document.add_heading(_("Summary of the year"), level=1)
    summary = report.summary
    document.add_paragraph(
        _(
            "Events: %(events)s. Participants: %(participants)s, at the %(counted)s events whose number "
            "is known."
        )
        % {"events": summary.events, "participants": summary.participants, "counted": summary.events_counted}
    )
    document.add_heading(_("Events by type"), level=2)
    _docx_table(document, [_("Type"), _("Events")], [[f.label, str(f.value)] for f in summary.by_type])
    if summary.unknown_events:
        document.add_heading(_("Events whose number of participants is not known"), level=2)
        document.add_paragraph(_("They are not counted in the totals."))
        _docx_bullets(document, [event.label for event in summary.unknown_events])
    document.add_heading(_("Participants per event"), level=2)
    _docx_table(
        document,
        [_("Event"), _("Participants")],
        [[f.label, str(f.value)] for f in summary.participants_per_event],
    )
    document.add_heading(_("Participants by profession"), level=2)
    _docx_table(
        document,
        [_("Profession"), _("Participants")],
        [[f.label, str(f.value)] for f in summary.by_profession],
    )
    if summary.professions_named:
        document.add_heading(_("Professions taking part"), level=2)
        _docx_table(
            document,
            [_("Profession"), _("Events")],
            [[f.label, str(f.value)] for f in summary.professions_named],
        )
    document.add_heading(_("Events per month"), level=2)
    _docx_table(document, [_("Month"), _("Events")], [[f.label, str(f.value)] for f in summary.by_month])

    document.add_heading(_("Projects"), level=1)
    document.add_paragraph(projects_intro(report))
    for project in report.projects:
        document.add_heading(project.title, level=2)
        if project.acronym:
            document.add_paragraph(project.acronym)
        _docx_labelled(document, _("Period"), project.period)
        _docx_labelled(document, _("Our role"), project.our_role)
        _docx_labelled(document, _("Funder"), project.funder)
        _docx_labelled(document, _("Funding programme"), project.programme)
        _docx_labelled(document, _("Grant"), project.grant_number)
        _docx_labelled(document, _("Budget"), project.budget)
        _docx_labelled(document, _("Thematic area"), project.thematic_area)
        _docx_labelled(document, _("Website"), project.website)
        if project.partners:
            document.add_paragraph(_("Partners:"))
            _docx_table(
                document,
                [_("Partner"), _("Country")],
                [[p.name or _("(not named)"), p.country] for p in project.partners],
            )
        if project.objectives:
            document.add_paragraph(_("Objectives:"))
            _docx_bullets(document, project.objectives)
        if project.summary:
            document.add_paragraph(project.summary)
        if project.deliverables:
            document.add_paragraph(_("Deliverables:"))
            _docx_bullets(
                document,
                [
                    " — ".join(part for part in (d.kind_label, d.title, d.description, d.link) if part)
                    for d in project.deliverables
                ],
            )
        if project.events:
            document.add_paragraph(_("Events in %(year)s:") % {"year": report.year})
            _docx_event_table(document, project.events)
            _docx_events(document, project.events, level=3)
        for publication in project.publications:
            document.add_heading(publication.title, level=3)
            _docx_labelled(document, _("Publication"), publication.type_label)
            _docx_labelled(document, _("Date"), publication.date)
            if publication.summary:
                document.add_paragraph(publication.summary)
            _docx_labelled(document, _("Link"), publication.link)
        for campaign in project.campaigns:
            document.add_heading(campaign.title, level=3)
            _docx_labelled(document, _("Period"), campaign.period)
            _docx_labelled(document, _("Channel"), campaign.channel)
            _docx_labelled(document, _("Countries"), ", ".join(campaign.countries))
            if campaign.description:
                document.add_paragraph(campaign.description)
            for lines, link in campaign.messages:
                document.add_paragraph("\n".join([*lines, link] if link else lines), style="Intense Quote")

    document.add_heading(_("International events"), level=1)
    if report.international_events:
        _docx_event_table(document, report.international_events)
        _docx_events(document, report.international_events, level=2)
    else:
        document.add_paragraph(_("None recorded for this year."))

    if report.other_publications:
        document.add_heading(_("Other publications"), level=1)
        for publication in report.other_publications:
            document.add_heading(publication.title, level=2)
            _docx_labelled(document, _("Date"), publication.date)
            if publication.summary:
                document.add_paragraph(publication.summary)

    document.add_heading(_("Partners"), level=1)
    document.add_heading(_("International partners"), level=2)
    _docx_table(
        document, [_("Partner"), _("Country")], [[p.name, p.country] for p in report.international_partners]
    )
    document.add_heading(_("National partners"), level=2)
    _docx_table(
        document, [_("Partner"), _("Country")], [[p.name, p.country] for p in report.national_partners]
    )
    document.add_heading(_("Networks (membership)"), level=2)
    _docx_table(
        document, [_("Network"), _("Members")], [[n.name, ", ".join(n.members)] for n in report.networks]
    )

    if organisation:
        document.add_heading(_("Contact information"), level=1)
        _docx_labelled(document, _("Website"), organisation.website_display)
        _docx_labelled(document, _("Address"), organisation.address)
        _docx_labelled(document, _("Email"), organisation.email)
        _docx_labelled(document, _("Phone"), organisation.phone)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- One call for the command line, the pages and the background task ---------------------------------------


def render(report: AnnualReport, format: str) -> bytes:
    if format == "html":
        return render_html(report).encode("utf-8")
    if format == "pdf":
        return render_pdf(report)
    if format == "docx":
        return render_docx(report)
    raise ValueError(f"unknown format {format!r}; expected one of {', '.join(FORMATS)}")


def render_run(run, progress: Callable[[int, str], None]) -> tuple[bytes, str]:
    """The background task's entry point (kind "annual", parameters {"year": int}, formats html|pdf|docx)."""
    year = int(run.parameters["year"])
    if run.format not in FORMATS:
        raise ValueError(f"unknown format {run.format!r}; expected one of {', '.join(FORMATS)}")
    progress(5, _("Reading the year's data"))
    report = annual_report(year)
    progress(
        40,
        ngettext("%(count)d event read", "%(count)d events read", report.summary.events)
        % {"count": report.summary.events},
    )
    content = render(report, run.format)
    progress(100, _("Ready"))
    return content, f"{report.filename_stem}.{run.format}"
