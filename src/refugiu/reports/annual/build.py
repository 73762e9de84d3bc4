"""The annual activity report's builder: everything a year's report shows, read into the dataclasses of
refugiu.reports.annual.document.

`annual_report(year)` reads it in a fixed number of SQL queries whatever the number of projects and events
(everything is prefetched); `annual_report_from_run` does the same for a report made in the background.

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

import datetime
import mimetypes
from collections import Counter

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.fields.files import FieldFile
from django.utils import dateformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from refugiu.directory.models import Organization
from refugiu.organisation.forms import image_type
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
    event_photos_published,
    photos_published,
)
from refugiu.programmes.vocabularies import EventRole, EventType, PartnerScope
from refugiu.reports.annual.document import (
    AnnualReport,
    CampaignItem,
    Charts,
    CommitteeSeat,
    DeliverableItem,
    DepartmentItem,
    EventItem,
    Figure,
    NetworkItem,
    OrganisationPart,
    PartnerItem,
    Photo,
    ProjectItem,
    PublicationItem,
    Summary,
)
from refugiu.reports.charts import ChartItem, bar_chart, column_chart, says_something
from refugiu.reports.models import Foreword, ReportRun
from refugiu.reports.rendering import Progress

# Our role in an event that makes it one we went to rather than one we held.
VISITOR_ROLES = (EventRole.ATTENDEE, EventRole.SPEAKER)


def _organisation_name(organization: Organization | None) -> str:
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


def _image(file: FieldFile, description: str) -> Photo | None:
    """One of the organisation's images, embedded; None without one, or when its file is gone."""
    if not file.name:
        return None
    try:
        with file.open("rb") as handle:
            content_type = image_type(handle)
            data = handle.read()
    except FileNotFoundError:
        return None
    return Photo(data, content_type, description) if content_type else None


def _organisation_part() -> OrganisationPart | None:
    organisation = organisation_current()
    if organisation is None:
        return None
    departments = [
        DepartmentItem(
            name=department.shown_name,
            activities=department.shown_activities,
            staff=[str(STAFF_COUNT_LABELS[s.role] % {"count": s.count}) for s in department.staffing.all()],
        )
        for department in organisation.departments.all()
    ]
    # In the active language where the organisation has its text in it ("București" in Romanian).
    address = organisation.shown_street_address
    city = organisation.shown("city")
    country = country_name(organisation.country)
    if city and city not in address:
        address = ", ".join(part for part in (address, city) if part)
    if country and country not in address:
        address = ", ".join(part for part in (address, country) if part)
    return OrganisationPart(
        name=organisation.name,
        description=organisation.shown_description,
        founded=organisation.shown("founded"),
        keywords=organisation.shown_keywords,
        values=[value.shown_text for value in organisation.values.all()],
        objectives=[objective.shown_text for objective in organisation.objectives.all()],
        committee=[CommitteeSeat(seat.shown_title, seat.holder) for seat in organisation.committee.all()],
        departments=departments,
        address=address,
        email=organisation.email,
        phone=organisation.phone,
        website=organisation.website,
        logo=_image(organisation.logo, _("Logo of %(name)s") % {"name": organisation.name}),
        cover_photo=_image(organisation.cover_photo, organisation.cover_photo_text or _("Cover photograph")),
    )


def _year_events(year: int) -> QuerySet[Event]:
    return (
        statistics.scope_events(year=year)
        .filter(is_published=True)
        .select_related("organiser", "network__organization")
        .prefetch_related("professions", "countries", "represented_organisations", photos_published())
    )


# Formats WeasyPrint and Word both show; anything else uploaded is left out of the report.
PHOTO_TYPES = frozenset({"image/png", "image/jpeg", "image/gif"})


def _photos(event: Event) -> list[Photo]:
    photos: list[Photo] = []
    for photo in event_photos_published(event):
        name = photo.image.name  # the image is required: a saved photograph has one
        content_type = mimetypes.guess_type(name)[0] if name else None
        if content_type not in PHOTO_TYPES:
            continue
        try:
            with photo.image.open("rb") as handle:
                photos.append(Photo(handle.read(), content_type, photo.caption))
        except FileNotFoundError:
            continue  # a photograph whose file is gone is left out, not an error in the report
    return photos


def _event_item(event: Event, figure: statistics.EventFigure) -> EventItem:
    if event.project is not None:
        context = event.project.acronym or event.project.title
    elif event.external_project:
        context = event.external_project
    elif event.network is not None:
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


def _projects(year: int) -> QuerySet[Project]:
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


def _partner(partner: ProjectPartner) -> PartnerItem:
    if partner.organization is not None:
        return PartnerItem(
            _organisation_name(partner.organization),
            country_name(partner.organization.country),
            str(partner.get_role_display()) if partner.role else "",
        )
    return PartnerItem(
        "", country_name(str(partner.country)), str(partner.get_role_display()) if partner.role else ""
    )


def _project_item(project: Project, events: list[EventItem]) -> ProjectItem:
    budget = ""
    if project.budget is not None:
        budget = f"{project.budget:,.2f} {project.currency}".strip()
    programme = project.funder_programme
    return ProjectItem(
        pk=project.pk,
        title=project.title,
        acronym=project.acronym,
        summary=project.summary,
        objectives=list(project.objectives or []),
        thematic_area=str(project.get_thematic_area_display()) if project.thematic_area else "",
        funder=programme.funder.name if programme is not None else "",
        programme=programme.name if programme is not None else "",
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
        Figure(
            statistics.dimension_label("profession", key),
            statistics.suppress(count, threshold),
            not_recorded=key == statistics.NOT_RECORDED,
        )
        for key, count in stats.totals.by_profession.items()
    ]
    named = Counter(profession for item in items for profession in item.professions)
    professions_named = [
        Figure(label, count) for label, count in sorted(named.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    months = Counter(item.first_date.month for item in items if item.first_date)
    by_month = [
        Figure(dateformat.format(datetime.date(year, month, 1), "N"), months[month]) for month in range(1, 13)
    ]
    # The events whose number of participants is known, with that number.
    known = [(item, item.participants) for item in items if item.participants is not None]
    return Summary(
        events=len(items),
        by_type=by_type,
        participants=sum(participants for _item, participants in known),
        events_counted=len(known),
        unknown_events=[item for item in items if item.participants is None],
        by_profession=by_profession,
        professions_named=professions_named,
        by_month=by_month,
        participants_per_event=[Figure(item.label, participants) for item, participants in known],
        threshold=threshold,
    )


def _profession_words(summary: Summary) -> str:
    """The participants by profession in one sentence, when they are one group (so no chart)."""
    groups = [figure for figure in summary.by_profession if figure.value]
    count = groups[0].value if len(groups) == 1 else None
    if not isinstance(count, int):  # several groups, or one suppressed ("<5")
        return ""
    if groups[0].not_recorded:
        return ngettext(
            "The profession of the %(count)d participant counted was not recorded.",
            "The profession of all %(count)d participants counted was not recorded.",
            count,
        ) % {"count": count}
    return ngettext(
        "The %(count)d participant counted: %(profession)s.",
        "All %(count)d participants counted: %(profession)s.",
        count,
    ) % {"count": count, "profession": groups[0].label}


def _charts(summary: Summary, year: int) -> Charts:
    """The summary's charts, each drawn only where it says something (charts.says_something)."""
    per_event = [ChartItem(figure.label, figure.value) for figure in summary.participants_per_event]
    professions = [
        ChartItem(figure.label, figure.value, muted=figure.not_recorded)
        for figure in summary.by_profession
        if isinstance(figure.value, int)
    ]
    per_month = [ChartItem(figure.label, figure.value) for figure in summary.by_month]
    return Charts(
        participants_per_event=bar_chart(
            per_event,
            ident="chart-participants-per-event",
            title=_("Participants per event, %(year)s") % {"year": year},
            desc=_("Events whose number of participants is known; the same figures are in the table below."),
        )
        if says_something(per_event)
        else None,
        participants_per_profession=bar_chart(
            professions,
            ident="chart-participants-per-profession",
            title=_("Participants per profession, %(year)s") % {"year": year},
            desc=_(
                "Small counts are not drawn; participants whose profession was not recorded are in the "
                "lighter bar. The table below gives every figure."
            ),
        )
        if says_something(professions)
        else None,
        events_per_month=column_chart(
            per_month,
            ident="chart-events-per-month",
            title=_("Events per month, %(year)s") % {"year": year},
            desc=_("Events by the month of their first day; the same figures are in the table below."),
        )
        if says_something(per_month)
        else None,
        profession_words=_profession_words(summary),
    )


def annual_report(year: int) -> AnnualReport:
    """Everything the year's report shows, in a fixed number of queries."""
    organisation = _organisation_part()
    foreword = Foreword.objects.filter(year=year).first()
    events = list(_year_events(year))
    stats = statistics.statistics_compute(events)
    items = {event.pk: _event_item(event, stats.figures[event.pk]) for event in events}
    by_project: dict[int, list[EventItem]] = {}
    international: list[EventItem] = []
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

    def partners(scope: str) -> list[PartnerItem]:
        return [
            PartnerItem(_organisation_name(p.organization), country_name(p.organization.country))
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


def annual_report_data_years() -> list[int]:
    """Years that have a published event, newest first."""
    days = EventDay.objects.filter(event__is_published=True).dates("date", "year")
    return sorted({day.year for day in days}, reverse=True)


def annual_report_years() -> list[int]:
    """Years that have a published event, and the current year, newest first."""
    return sorted({*annual_report_data_years(), datetime.date.today().year}, reverse=True)


def annual_report_default_year() -> int:
    """The year the report's page opens on: the latest with data (the seed's is 2019, whatever the current
    year), else the current year."""
    data_years = annual_report_data_years()
    return data_years[0] if data_years else datetime.date.today().year


def annual_report_from_run(run: ReportRun, progress: Progress) -> AnnualReport:
    """The report of a background run (kind "annual", parameters {"year": int})."""
    year = int(run.parameters["year"])
    progress(5, _("Reading the year's data"))
    report = annual_report(year)
    progress(
        40,
        ngettext("%(count)d event read", "%(count)d events read", report.summary.events)
        % {"count": report.summary.events},
    )
    return report
