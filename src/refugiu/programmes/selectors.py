"""Read side of the programmes module, without side effects: for the public pages only what
`access` lets the public see (published records), with everything a page shows fetched in a constant number
of queries; for the staff pages the events, registrations, attendees and evaluation answers they list."""

from __future__ import annotations

import datetime
import secrets
from collections import Counter
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import Count, F, Min, Prefetch, Q, QuerySet
from django.db.models.functions import Lower
from django.shortcuts import get_object_or_404
from django.utils import dateformat
from django_countries import countries
from django_stubs_ext import StrPromise

from refugiu.core.fields import field_of
from refugiu.programmes import access
from refugiu.programmes.models import (
    Campaign,
    CampaignMessage,
    CollaborationProtocol,
    Evaluation,
    Event,
    EventDay,
    EventPhoto,
    Network,
    NetworkMembership,
    Participant,
    Partnership,
    Project,
    ProjectPartner,
    Publication,
)
from refugiu.programmes.vocabularies import DatePrecision, EvaluationScore, EventType, ParticipantStatus

DAY_FORMAT = "j E Y"
MONTH_FORMAT = "F Y"
YEAR_FORMAT = "Y"
DASH = "–"  # en dash


class FirstDate(TypedDict):
    """What the event lists annotate: the date of the event's first day (None when it has no days)."""

    first_date: datetime.date | None


class StaffCounts(FirstDate):
    """What the staff's list of events annotates besides: how many are confirmed and waiting."""

    confirmed: int
    waiting: int


if TYPE_CHECKING:  # WithAnnotations is for the type checker only
    from django_stubs_ext import WithAnnotations

    # An event as the lists give it: with its first day (its days prefetched).
    DatedEvent = WithAnnotations[Event, FirstDate]


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
    if start is None:
        return "" if end is None else _partial(end, end_precision)
    if end is None or (start == end and start_precision == end_precision):
        return _partial(start, start_precision)
    if start_precision == end_precision == DatePrecision.DAY and start.year == end.year:
        if start.month == end.month:
            return f"{dateformat.format(start, 'j')}{DASH}{_partial(end, DatePrecision.DAY)}"
        return f"{dateformat.format(start, 'j E')} {DASH} {_partial(end, DatePrecision.DAY)}"
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


def events_published_base() -> QuerySet[DatedEvent]:
    return (
        Event.objects.filter(access.published())
        .select_related("project", "organiser", "network__organization")
        .prefetch_related(_days())
        .annotate(first_date=Min("days__date"))
    )


def projects_published() -> QuerySet[Project]:
    return Project.objects.filter(access.published()).select_related("funder_programme__funder")


def project_published_get(project_id: int) -> Project:
    queryset = projects_published().prefetch_related(
        Prefetch("partners", queryset=ProjectPartner.objects.select_related("organization")),
        "deliverables",
        Prefetch("events", queryset=events_published_base().order_by("first_date", "pk")),
        Prefetch(
            "publications",
            queryset=Publication.objects.filter(access.published()).order_by("date", "title"),
        ),
    )
    return get_object_or_404(queryset, pk=project_id)


def events_published(year: int | None = None, type: str = "") -> QuerySet[DatedEvent]:
    """Newest first; events without days last."""
    queryset = events_published_base()
    if year:
        queryset = queryset.filter(pk__in=EventDay.objects.filter(date__year=year).values("event"))
    if type:
        queryset = queryset.filter(type=type)
    return queryset.order_by(F("first_date").desc(nulls_last=True), "-pk")


def event_years() -> list[int]:
    """Years that have a published event, newest first."""
    days = EventDay.objects.filter(access.published("event__")).dates("date", "year", order="DESC")
    return [day.year for day in days]


def event_types() -> list[tuple[str, StrPromise]]:
    """The event types that published events have, in the vocabulary's order."""
    used = set(Event.objects.filter(access.published()).values_list("type", flat=True).distinct())
    return [(value, label) for value, label in EventType.choices if value in used]


PHOTOS_PUBLISHED = "photos_published"


def photos_published() -> Prefetch:
    """Prefetches an event's published photographs as a list: read it with `event_photos_published`."""
    return Prefetch(
        "photos", queryset=EventPhoto.objects.filter(access.published()), to_attr=PHOTOS_PUBLISHED
    )


def event_photos_published(event: Event) -> list[EventPhoto]:
    """The published photographs of an event fetched with the `photos_published()` prefetch."""
    photos: list[EventPhoto] = getattr(event, PHOTOS_PUBLISHED)
    return photos


def event_published_get(event_id: int) -> Event:
    queryset = events_published_base().prefetch_related("professions", "countries", photos_published())
    return get_object_or_404(queryset, pk=event_id)


def publications_published() -> QuerySet[Publication]:
    return (
        Publication.objects.filter(access.published())
        .select_related("project")
        .order_by(F("date").desc(nulls_last=True), "title")
    )


# --- Partners, networks and campaigns (public) -------------------------------------------------------------


def partnerships_public() -> QuerySet[Partnership]:
    return Partnership.objects.select_related("organization").order_by("scope", "order", "pk")


def protocols_public() -> QuerySet[CollaborationProtocol]:
    return CollaborationProtocol.objects.select_related("partner").order_by("signed_on", "pk")


def networks_public() -> QuerySet[Network]:
    memberships = NetworkMembership.objects.select_related("member").order_by("member__name", "pk")
    return Network.objects.select_related("organization").prefetch_related(
        Prefetch("memberships", queryset=memberships)
    )


def campaigns_published() -> QuerySet[Campaign]:
    # The reverse prefetch also fills each message's `campaign`, so `effective_channel` costs no query.
    messages = CampaignMessage.objects.order_by("order", "pk")
    return (
        Campaign.objects.filter(access.published())
        .select_related("project")
        .prefetch_related(Prefetch("messages", queryset=messages))
        .order_by(F("start").desc(nulls_last=True), "title")
    )


# --- Files the public may download (None when there is none to give) ---------------------------------------


def publication_with_file(publication_id: int) -> Publication | None:
    return (
        Publication.objects.filter(access.published(), pk=publication_id)
        .exclude(file="")
        .only("file")
        .first()
    )


def event_photo_public(photo_id: int) -> EventPhoto | None:
    return EventPhoto.objects.filter(access.public_photos(), pk=photo_id).only("image").first()


def campaign_message_with_image(message_id: int) -> CampaignMessage | None:
    return (
        CampaignMessage.objects.filter(access.public_campaign_messages(), pk=message_id)
        .exclude(image="")
        .only("image")
        .first()
    )


# --- Programme staff ---------------------------------------------------------------------------------------


def events_for_staff() -> QuerySet[WithAnnotations[Event, StaffCounts]]:
    """Every event with its first day and how many are confirmed and waiting, undated events first."""
    confirmed = Q(participants__status=ParticipantStatus.CONFIRMED)
    waiting = Q(participants__status=ParticipantStatus.WAITING)
    return (
        Event.objects.prefetch_related("days")
        .annotate(
            first_date=Min("days__date"),
            confirmed=Count("participants", filter=confirmed, distinct=True),
            waiting=Count("participants", filter=waiting, distinct=True),
        )
        .order_by("first_date", "pk")
    )


def by_name(queryset: QuerySet[Participant]) -> QuerySet[Participant]:
    """Participants in alphabetical order, whatever the case of their names."""
    return queryset.order_by(Lower("name"), "pk")


def participant_counts(event: Event) -> dict[str, int | None]:
    """How many are confirmed, waiting and cancelled, and the places left (None: no limit)."""
    # order_by(): without it the model's ordering would split the groups.
    by_status = Counter(
        dict(Participant.objects.filter(event=event).order_by().values_list("status").annotate(n=Count("pk")))
    )
    return {
        "confirmed": by_status[ParticipantStatus.CONFIRMED],
        "waiting": by_status[ParticipantStatus.WAITING],
        "cancelled": by_status[ParticipantStatus.CANCELLED],
        "places_left": None if event.capacity is None else max(event.capacity - event.places_taken, 0),
    }


def attendees(event: Event) -> QuerySet[Participant]:
    """Confirmed participants who were there on at least one day: those a certificate is for."""
    return (
        Participant.objects.filter(event=event, status=ParticipantStatus.CONFIRMED)
        .annotate(days_attended=Count("attendances"))
        .filter(days_attended__gte=1)
    )


def evaluation_summary(event: Event) -> dict[str, Any]:
    """The answers to the event's questionnaire put together: per score the mean and how many gave each
    score, and the free texts in no particular order (never with a date: that could tell who wrote it)."""
    answers = list(Evaluation.objects.filter(event=event))
    scores = []
    for name in Evaluation.SCORE_FIELDS:
        values = [getattr(answer, name) for answer in answers]
        counted = Counter(values)
        scores.append(
            {
                "label": field_of(Evaluation, name).verbose_name,
                "mean": sum(values) / len(values) if values else None,
                "distribution": [
                    {
                        "score": score.value,
                        "label": score.label,
                        "count": counted[score.value],
                        "percent": round(100 * counted[score.value] / len(values)) if values else 0,
                    }
                    for score in EvaluationScore
                ],
            }
        )
    liked = [answer.liked for answer in answers if answer.liked.strip()]
    improve = [answer.improve for answer in answers if answer.improve.strip()]
    # Shuffled so that the order of the texts cannot be matched with the order people answered in.
    shuffler = secrets.SystemRandom()
    shuffler.shuffle(liked)
    shuffler.shuffle(improve)
    return {"count": len(answers), "scores": scores, "liked": liked, "improve": improve}
