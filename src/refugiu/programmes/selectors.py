"""Read side of the programmes module for the public pages: only published records, with everything a
page shows fetched in a constant number of queries."""

import datetime

from django.db.models import F, Min, Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import dateformat
from django_countries import countries

from refugiu.programmes.models import Event, EventDay, EventPhoto, Project, ProjectPartner, Publication
from refugiu.programmes.vocabularies import DatePrecision, EventType

DAY_FORMAT = "j F Y"
MONTH_FORMAT = "F Y"
YEAR_FORMAT = "Y"
DASH = "–"  # en dash


def _partial(value: datetime.date, precision: str) -> str:
    if precision == DatePrecision.YEAR:
        return dateformat.format(value, YEAR_FORMAT)
    if precision == DatePrecision.MONTH:
        return dateformat.format(value, MONTH_FORMAT)
    return dateformat.format(value, DAY_FORMAT)


def date_range_display(
    start: datetime.date | None,
    end: datetime.date | None = None,
    start_precision: str = DatePrecision.DAY,
    end_precision: str = DatePrecision.DAY,
) -> str:
    """A period as precisely as it is known, written like the seed report, with localised month names:
    "5–6 April 2019", "30 September – 1 October 2019", "March 2019", "2017 – June 2019"."""
    start_precision = start_precision or DatePrecision.DAY
    end_precision = end_precision or DatePrecision.DAY
    if start is None and end is None:
        return ""
    if start is None:
        return _partial(end, end_precision)
    if end is None or (start == end and start_precision == end_precision):
        return _partial(start, start_precision)
    if start_precision == end_precision == DatePrecision.DAY and start.year == end.year:
        if start.month == end.month:
            return f"{dateformat.format(start, 'j')}{DASH}{_partial(end, DatePrecision.DAY)}"
        return f"{dateformat.format(start, 'j F')} {DASH} {_partial(end, DatePrecision.DAY)}"
    if start_precision == end_precision == DatePrecision.MONTH and start.year == end.year:
        return f"{dateformat.format(start, 'F')} {DASH} {_partial(end, DatePrecision.MONTH)}"
    return f"{_partial(start, start_precision)} {DASH} {_partial(end, end_precision)}"


def project_period_display(project: Project) -> str:
    return date_range_display(project.start, project.end, project.start_precision, project.end_precision)


def event_dates_display(event: Event) -> str:
    """The event's days from first to last (uses the prefetched days)."""
    return date_range_display(event.first_day, event.last_day)


def country_name(code: str) -> str:
    return str(countries.name(code)) if code else ""


def _days() -> Prefetch:
    return Prefetch("days", queryset=EventDay.objects.order_by("date"))


def events_published_base() -> QuerySet[Event]:
    return (
        Event.objects.filter(is_published=True)
        .select_related("project", "organiser", "network__organization")
        .prefetch_related(_days())
        .annotate(first_date=Min("days__date"))
    )


def projects_published() -> QuerySet[Project]:
    return Project.objects.filter(is_published=True).select_related("funder_programme__funder")


def project_published_get(project_id: int) -> Project:
    queryset = projects_published().prefetch_related(
        Prefetch("partners", queryset=ProjectPartner.objects.select_related("organization")),
        "deliverables",
        Prefetch("events", queryset=events_published_base().order_by("first_date", "pk")),
        Prefetch(
            "publications",
            queryset=Publication.objects.filter(is_published=True).order_by("date", "title"),
        ),
    )
    return get_object_or_404(queryset, pk=project_id)


def events_published(year: int | None = None, type: str = "") -> QuerySet[Event]:
    """Newest first; events without days last."""
    queryset = events_published_base()
    if year:
        queryset = queryset.filter(pk__in=EventDay.objects.filter(date__year=year).values("event"))
    if type:
        queryset = queryset.filter(type=type)
    return queryset.order_by(F("first_date").desc(nulls_last=True), "-pk")


def event_years() -> list[int]:
    """Years that have a published event, newest first."""
    days = EventDay.objects.filter(event__is_published=True).dates("date", "year", order="DESC")
    return [day.year for day in days]


def event_types() -> list[tuple[str, str]]:
    """The event types that published events have, in the vocabulary's order."""
    used = set(Event.objects.filter(is_published=True).values_list("type", flat=True).distinct())
    return [(value, label) for value, label in EventType.choices if value in used]


def photos_published() -> Prefetch:
    return Prefetch(
        "photos", queryset=EventPhoto.objects.filter(is_published=True), to_attr="photos_published"
    )


def event_published_get(event_id: int) -> Event:
    queryset = events_published_base().prefetch_related("professions", "countries", photos_published())
    return get_object_or_404(queryset, pk=event_id)


def publications_published() -> QuerySet[Publication]:
    return (
        Publication.objects.filter(is_published=True)
        .select_related("project")
        .order_by(F("date").desc(nulls_last=True), "title")
    )
