"""Participants by profession, country and gender, for a scope of events, and their suppression for anything
that leaves the organisation.

Who counts as an event's participants
    1. Attendance recorded (at least one `Attendance` row for the event): the event's confirmed participants
       who were checked in on at least one of its days. The headcount, if any, is then ignored.
    2. Otherwise a headcount (`Event.headcount`): that number, with no breakdown. In the tables such an
       event is one row whose profession, country and gender are all `NOT_RECORDED`.
    3. Otherwise the number is not known (None), never 0, and it is not added to any total: the totals
       say instead how many events are not known. An event with confirmed registrations but no attendance
       taken yet is in this case too: its registrations are reported as "registered", not as participants.
    A participant's blank gender or country is `NOT_RECORDED`; "prefer not to say" is an answer and is kept
    as its own value. The professions and countries an event names (`EventProfession`, `EventCountry`) say
    who took part, not how many of each: they are not used to split a headcount.

Scopes (`Scope`)
    One event; a project (its events); a year (events whose first day is in that year); a period (events
    whose first day falls between two dates, both included). They combine (a project's events of a year).
    Every event counts, published on the public site or not. An event without days belongs to no year or
    period, but counts for its project and on its own.

Cost
    `statistics_compute` (and every function built on it) runs a fixed number of SQL queries whatever the
    number of events: the events themselves (with their days and project), one query for the per-event
    figures, one for the breakdown rows.

Suppression
    `suppress` turns a count between 1 and threshold - 1 into "<threshold" (settings
    REFUGIU["STATISTICS_THRESHOLD"], 5 by default). Staff pages inside the organisation show exact figures
    (with a switch to preview the published version); every export is suppressed, totals included.
    Only small cells are hidden (primary suppression): a small cell may still be worked out from a total
    and the other cells of its row; nothing here hides a second cell to prevent that.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Generic, TypeVar

from django.conf import settings
from django.db.models import Count, Exists, F, Min, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django_countries import countries

from refugiu.programmes.models import Attendance, Event, EventDay, Participant, Project
from refugiu.programmes.selectors import event_dates_display
from refugiu.programmes.vocabularies import ParticipantGender, ParticipantStatus, Profession

if TYPE_CHECKING:
    from refugiu.programmes.selectors import DatedEvent

# Stands for a profession, country or gender that is not known: every dimension of a headcount-only
# event, and a participant's blank country or gender. Not a valid value of any of the vocabularies.
NOT_RECORDED = "not_recorded"

DIMENSIONS = ("profession", "country", "gender")


class Basis:
    """Where an event's number of participants comes from."""

    ATTENDANCE = "attendance"
    HEADCOUNT = "headcount"
    # Confirmed registrations but no attendance taken (yet): the number is not known.
    REGISTERED = "registered"
    UNKNOWN = "unknown"


BASIS_LABELS = {
    Basis.ATTENDANCE: gettext_lazy("attendance"),
    Basis.HEADCOUNT: gettext_lazy("headcount"),
    Basis.REGISTERED: gettext_lazy("registered, attendance not taken"),
    Basis.UNKNOWN: gettext_lazy("not known"),
}


# --- Scope ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """Which events to count. Empty criteria are ignored; an empty scope is every event."""

    event: Event | None = None
    project: Project | None = None
    year: int | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None

    def events(self) -> QuerySet[DatedEvent]:
        """The events of the scope, earliest first (events without days last), with their days and project."""
        return scope_events(
            event=self.event,
            project=self.project,
            year=self.year,
            date_from=self.date_from,
            date_to=self.date_to,
        )

    def is_empty(self) -> bool:
        return not (self.event or self.project or self.year or self.date_from or self.date_to)

    def title(self) -> str:
        """What the scope is, in words, for headings and exports: "2019", "project ACRONYM, 2019"."""
        parts = []
        if self.event:
            parts.append(_("event: %(event)s") % {"event": self.event})
        if self.project:
            parts.append(_("project: %(project)s") % {"project": self.project})
        if self.year:
            parts.append(str(self.year))
        if self.date_from or self.date_to:
            parts.append(
                _("first day from %(start)s to %(end)s")
                % {
                    "start": self.date_from.isoformat() if self.date_from else "…",
                    "end": self.date_to.isoformat() if self.date_to else "…",
                }
            )
        return ", ".join(parts) or _("all events")

    def filename(self, extension: str) -> str:
        """A file name made of ids and dates only (nothing personal): participants-project-3-2019.xlsx."""
        parts = ["participants"]
        if self.event:
            parts.append(f"event-{self.event.pk}")
        if self.project:
            parts.append(f"project-{self.project.pk}")
        if self.year:
            parts.append(str(self.year))
        if self.date_from:
            parts.append(f"from-{self.date_from.isoformat()}")
        if self.date_to:
            parts.append(f"to-{self.date_to.isoformat()}")
        if len(parts) == 1:
            parts.append("all")
        return f"{'-'.join(parts)}.{extension}"

    def query(self) -> dict[str, str]:
        """The scope as GET parameters (the statistics form's field names)."""
        params = {
            "event": self.event.pk if self.event else None,
            "project": self.project.pk if self.project else None,
            "year": self.year,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
        }
        return {key: str(value) for key, value in params.items() if value}


def scope_events(
    *,
    event: Event | None = None,
    project: Project | None = None,
    year: int | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[DatedEvent]:
    """Events matching every criterion given, annotated with `first_date`, earliest first."""
    queryset = (
        Event.objects.select_related("project")
        .prefetch_related(Prefetch("days", queryset=EventDay.objects.order_by("date")))
        .annotate(first_date=Min("days__date"))
    )
    if event is not None:
        queryset = queryset.filter(pk=event.pk)
    if project is not None:
        queryset = queryset.filter(project=project)
    # Year and period go by the first day, so that an event spanning New Year counts once.
    if year:
        queryset = queryset.filter(
            first_date__gte=datetime.date(year, 1, 1), first_date__lte=datetime.date(year, 12, 31)
        )
    if date_from:
        queryset = queryset.filter(first_date__gte=date_from)
    if date_to:
        queryset = queryset.filter(first_date__lte=date_to)
    return queryset.order_by(F("first_date").asc(nulls_last=True), "pk")


def statistics_years() -> list[int]:
    """Years in which some event had its first day, newest first."""
    firsts = Event.objects.annotate(first_date=Min("days__date")).exclude(first_date=None)
    return sorted({first.year for first in firsts.values_list("first_date", flat=True)}, reverse=True)


# --- Counting ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventFigure:
    """One event's number of participants (None when not known) and where it comes from."""

    participants: int | None
    basis: str
    registered: int = 0  # confirmed registrations, whether or not they came


@dataclass(frozen=True)
class Row:
    """A count of participants with one profession, country and gender (codes, or NOT_RECORDED)."""

    profession: str
    country: str
    gender: str
    count: int

    def key(self, dimension: str) -> str:
        return getattr(self, dimension)


# Any events: those of a scope (`DatedEvent`) keep their type through `statistics_compute`.
_E = TypeVar("_E", bound=Event)


def _event_list(events: Iterable[_E]) -> list[_E]:
    return list(events)


def _attended() -> Exists:
    return Exists(Attendance.objects.filter(participant=OuterRef("pk")))


def _event_figures(events: Sequence[Event]) -> dict[int, EventFigure]:
    ids = [event.pk for event in events]
    # One grouped query: per event, confirmed registrations, how many of them attended, and whether any
    # attendance at all was recorded (a check-in of someone who cancelled afterwards still means that
    # attendance was taken).
    per_event = (
        Participant.objects.filter(event__in=ids)
        .values("event")
        .annotate(
            registered=Count("pk", filter=Q(status=ParticipantStatus.CONFIRMED)),
            attendees=Count("pk", filter=Q(status=ParticipantStatus.CONFIRMED) & Q(_attended())),
            checked_in=Count("pk", filter=_attended()),
        )
        .order_by()
    )
    found = {row["event"]: row for row in per_event} if ids else {}
    figures = {}
    for event in events:
        row = found.get(event.pk, {"registered": 0, "attendees": 0, "checked_in": 0})
        if row["checked_in"]:
            figure = EventFigure(row["attendees"], Basis.ATTENDANCE, row["registered"])
        elif event.headcount is not None:
            figure = EventFigure(event.headcount, Basis.HEADCOUNT, row["registered"])
        elif row["registered"]:
            figure = EventFigure(None, Basis.REGISTERED, row["registered"])
        else:
            figure = EventFigure(None, Basis.UNKNOWN, 0)
        figures[event.pk] = figure
    return figures


def _rows_by_event(events: Sequence[Event], figures: dict[int, EventFigure]) -> dict[int, list[Row]]:
    ids = [event.pk for event in events]
    rows: dict[int, list[Row]] = defaultdict(list)
    if ids:
        attendees = (
            Participant.objects.filter(event__in=ids, status=ParticipantStatus.CONFIRMED)
            .filter(_attended())
            .values("event", "profession", "country", "gender")
            .annotate(count=Count("pk"))
            .order_by()
        )
        for group in attendees:
            rows[group["event"]].append(
                Row(
                    group["profession"] or NOT_RECORDED,
                    str(group["country"] or NOT_RECORDED),
                    group["gender"] or NOT_RECORDED,
                    group["count"],
                )
            )
    for event in events:
        figure = figures[event.pk]
        if figure.basis == Basis.HEADCOUNT and figure.participants is not None:  # a headcount is a number
            rows[event.pk].append(Row(NOT_RECORDED, NOT_RECORDED, NOT_RECORDED, figure.participants))
    return {event.pk: rows.get(event.pk, []) for event in events}


def event_figures(events: Iterable[Event]) -> dict[int, EventFigure]:
    """Per event id, its number of participants and where it comes from (one query besides the events')."""
    return _event_figures(_event_list(events))


def event_participant_counts(events: Iterable[Event]) -> dict[int, int | None]:
    """Per event id, its number of participants; None when not known (never 0 for unknown)."""
    return {event_id: figure.participants for event_id, figure in event_figures(events).items()}


def participants_rows_by_event(events: Iterable[Event]) -> dict[int, list[Row]]:
    """Per event id, its participants by profession, country and gender (headcount-only events: one row,
    all dimensions NOT_RECORDED; events not known: no row)."""
    events = _event_list(events)
    return _rows_by_event(events, _event_figures(events))


def rows_merge(rows: Iterable[Row]) -> list[Row]:
    """Rows with the same profession, country and gender added up, in a stable order."""
    counts: Counter[tuple[str, str, str]] = Counter()
    for row in rows:
        counts[(row.profession, row.country, row.gender)] += row.count
    merged = [Row(*key, count) for key, count in counts.items()]
    return sorted(
        merged,
        key=lambda row: (
            dimension_sort_key("profession", row.profession),
            dimension_sort_key("country", row.country),
            dimension_sort_key("gender", row.gender),
        ),
    )


def participants_table(events: Iterable[Event]) -> list[Row]:
    """All the events' participants by profession, country and gender, headcount-only events as one
    NOT_RECORDED row holding the sum of their headcounts."""
    return statistics_compute(events).rows


# --- Totals and cross tables ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Totals:
    total: int  # participants of the events whose number is known
    by_profession: dict[str, int]
    by_country: dict[str, int]
    by_gender: dict[str, int]
    events: int
    events_counted: int  # number known (attendance or headcount)
    events_unknown: int  # number not known: not counted, not zero
    events_registered_only: int  # of the unknown ones, those with registrations but no attendance taken

    def by(self, dimension: str) -> dict[str, int]:
        return getattr(self, f"by_{dimension}")


def _by(rows: list[Row], dimension: str) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for row in rows:
        counts[row.key(dimension)] += row.count
    return {key: counts[key] for key in dimension_sorted(dimension, counts)}


def totals_compute(rows: list[Row], figures: dict[int, EventFigure]) -> Totals:
    known = [figure for figure in figures.values() if figure.participants is not None]
    return Totals(
        total=sum(row.count for row in rows),
        by_profession=_by(rows, "profession"),
        by_country=_by(rows, "country"),
        by_gender=_by(rows, "gender"),
        events=len(figures),
        events_counted=len(known),
        events_unknown=len(figures) - len(known),
        events_registered_only=sum(1 for figure in figures.values() if figure.basis == Basis.REGISTERED),
    )


@dataclass(frozen=True)
class Crosstab:
    """Counts of one dimension (rows) against another (columns), with totals."""

    row_dimension: str
    column_dimension: str
    row_keys: list[str]
    column_keys: list[str]
    cells: dict[tuple[str, str], int] = field(default_factory=dict)
    row_totals: dict[str, int] = field(default_factory=dict)
    column_totals: dict[str, int] = field(default_factory=dict)
    total: int = 0

    def cell(self, row_key: str, column_key: str) -> int:
        return self.cells.get((row_key, column_key), 0)


def crosstab(rows: Iterable[Row], row_dimension: str, column_dimension: str) -> Crosstab:
    """E.g. crosstab(rows, "profession", "gender"). Only values that occur get a row or column."""
    cells: Counter[tuple[str, str]] = Counter()
    row_totals: Counter[str] = Counter()
    column_totals: Counter[str] = Counter()
    for row in rows:
        r, c = row.key(row_dimension), row.key(column_dimension)
        cells[(r, c)] += row.count
        row_totals[r] += row.count
        column_totals[c] += row.count
    return Crosstab(
        row_dimension=row_dimension,
        column_dimension=column_dimension,
        row_keys=dimension_sorted(row_dimension, row_totals),
        column_keys=dimension_sorted(column_dimension, column_totals),
        cells=dict(cells),
        row_totals=dict(row_totals),
        column_totals=dict(column_totals),
        total=sum(row_totals.values()),
    )


# --- Everything at once -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Statistics(Generic[_E]):
    events: list[_E]
    figures: dict[int, EventFigure]
    rows_by_event: dict[int, list[Row]]
    rows: list[Row]
    totals: Totals

    def crosstab(self, row_dimension: str, column_dimension: str) -> Crosstab:
        return crosstab(self.rows, row_dimension, column_dimension)


def statistics_compute(events: Iterable[_E]) -> Statistics[_E]:
    """Figures, breakdown and totals for the events, in a fixed number of queries. Pass `Scope.events()`
    (or any events with their days prefetched, for `event_dates_display`)."""
    events = _event_list(events)
    figures = _event_figures(events)
    rows_by_event = _rows_by_event(events, figures)
    rows = rows_merge(row for event_rows in rows_by_event.values() for row in event_rows)
    return Statistics(events, figures, rows_by_event, rows, totals_compute(rows, figures))


# --- Labels and order -------------------------------------------------------------------------------------

_PROFESSION_ORDER = {value: index for index, value in enumerate(Profession.values)}
_GENDER_ORDER = {value: index for index, value in enumerate(ParticipantGender.values)}


def dimension_label(dimension: str, key: str) -> str:
    """A value's label in the active language: "judge", "Romania", "prefer not to say", "not recorded"."""
    if key == NOT_RECORDED:
        return _("not recorded")
    if dimension == "profession":
        return str(Profession(key).label) if key in _PROFESSION_ORDER else key
    if dimension == "gender":
        return str(ParticipantGender(key).label) if key in _GENDER_ORDER else key
    return str(countries.name(key)) or key


def dimension_sort_key(dimension: str, key: str) -> tuple:
    """Vocabulary order for professions and genders, name order for countries; NOT_RECORDED last."""
    if key == NOT_RECORDED:
        return (1, 0, "")
    if dimension == "profession":
        return (0, _PROFESSION_ORDER.get(key, len(_PROFESSION_ORDER)), key)
    if dimension == "gender":
        return (0, _GENDER_ORDER.get(key, len(_GENDER_ORDER)), key)
    return (0, 0, dimension_label(dimension, key).casefold())


def dimension_sorted(dimension: str, keys: Iterable[str]) -> list[str]:
    return sorted(keys, key=lambda key: dimension_sort_key(dimension, key))


def dimension_title(dimension: str) -> str:
    return {"profession": _("Profession"), "country": _("Country"), "gender": _("Gender")}[dimension]


# --- Suppression ------------------------------------------------------------------------------------------


def statistics_threshold() -> int:
    return settings.REFUGIU["STATISTICS_THRESHOLD"]


def suppress(count: int, threshold: int | None = None) -> int | str:
    """The count, or "<threshold" when it is small enough to point at a person (0 < count < threshold).

    0 is kept: an empty cell reveals no one. The threshold defaults to REFUGIU["STATISTICS_THRESHOLD"]."""
    if threshold is None:
        threshold = statistics_threshold()
    if 0 < count < threshold:
        return f"<{threshold}"
    return count


def suppression_note(threshold: int | None = None) -> str:
    if threshold is None:
        threshold = statistics_threshold()
    return _('Counts below %(threshold)s are shown as "<%(threshold)s".') % {"threshold": threshold}


def unknown_events_note(totals: Totals) -> str:
    """The totals' sentence about events whose number is not known (they are not counted as zero)."""
    return _(
        "%(events)s events; the number of participants is not known for %(unknown)s of them, "
        "which are not counted."
    ) % {"events": totals.events, "unknown": totals.events_unknown}


# --- Export tables ----------------------------------------------------------------------------------------

Cell = int | str


@dataclass(frozen=True)
class Sheet:
    """One table of an export: its name, the lines above it (title, notes), its header and rows."""

    name: str
    preamble: list[str]
    header: list[str]
    rows: list[list[Cell]]


def export_sheets(
    statistics: Statistics, scope_title: str, show: Callable[[int], Cell] | None = None
) -> list[Sheet]:
    """The funders' tables: participants by profession, country and gender; events; totals.

    Every count goes through `show`, `suppress` by default: exports leave the organisation, so only pass
    another function for a use inside it."""
    show = show or suppress
    totals = statistics.totals
    preamble = [
        _("Participants by profession, country and gender: %(scope)s") % {"scope": scope_title},
        suppression_note(),
        unknown_events_note(totals),
    ]
    participants = Sheet(
        name=_("Participants"),
        preamble=preamble,
        header=[_("Profession"), _("Country"), _("Gender"), _("Participants")],
        rows=[
            [
                dimension_label("profession", row.profession),
                dimension_label("country", row.country),
                dimension_label("gender", row.gender),
                show(row.count),
            ]
            for row in statistics.rows
        ],
    )
    event_rows = []
    for event in statistics.events:
        figure = statistics.figures[event.pk]
        event_rows.append(
            [
                str(event),
                str(event.get_type_display()),
                event_dates_display(event),
                event.city,
                dimension_label("country", str(event.country)) if event.country else "",
                _("not known") if figure.participants is None else show(figure.participants),
                str(BASIS_LABELS[figure.basis]),
            ]
        )
    events = Sheet(
        name=_("Events"),
        preamble=preamble,
        header=[
            _("Event"),
            _("Type"),
            _("Dates"),
            _("City"),
            _("Country"),
            _("Participants"),
            _("Counted from"),
        ],
        rows=event_rows,
    )
    total_rows: list[list[Cell]] = []
    for dimension in DIMENSIONS:
        for key, count in totals.by(dimension).items():
            total_rows.append([dimension_title(dimension), dimension_label(dimension, key), show(count)])
    total_rows.append([_("All participants"), "", show(totals.total)])
    totals_sheet = Sheet(
        name=_("Totals"),
        preamble=preamble,
        header=[pgettext("statistics: the dimension a total is by", "By"), _("Value"), _("Participants")],
        rows=total_rows,
    )
    return [participants, events, totals_sheet]
