"""Events and their days, as programme staff create and change them on the staff pages.

`places_taken` is never among what staff change: it moves only by the conditional UPDATEs of `places`, so
an existing event saves only the fields of `EventDetails`, on its row locked (PostgreSQL) or in an
IMMEDIATE transaction (SQLite), after its capacity has been checked against the places confirmed then. A
registration that slips in between on SQLite makes the database refuse (the check constraint), and the
staff member is asked to look again (EventError "changed"). Raising the capacity, or removing it, fills the
new places from the waiting list in the same transaction.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from refugiu.core.audit import audit_record
from refugiu.programmes import access
from refugiu.programmes.models import Event, EventDay, Participant, Project
from refugiu.programmes.services.errors import EventError
from refugiu.programmes.services.places import promote

if TYPE_CHECKING:
    from django.http import HttpRequest
    from django_countries.fields import Country

    from refugiu.accounts.models import User
    from refugiu.directory.models import Organization


@dataclass(frozen=True)
class EventDetails:
    """What staff set on an event (everything else is the services' or the seed data's)."""

    type: str
    title: str
    project: Project | None
    organiser: Organization | None
    organiser_name: str
    our_role: str
    city: str
    country: Country | str
    venue: str
    topics: list[str]
    description: str
    headcount: int | None
    capacity: int | None
    registration_open: bool
    registration_closes_on: datetime.date | None
    waiting_list: bool
    is_published: bool

    @classmethod
    def of(cls, event: Event) -> EventDetails:
        """The details as `event` holds them (an event form that has validated holds the new ones)."""
        return cls(
            type=event.type,
            title=event.title,
            project=event.project,
            organiser=event.organiser,
            organiser_name=event.organiser_name,
            our_role=event.our_role,
            city=event.city,
            country=event.country,
            venue=event.venue,
            topics=event.topics,
            description=event.description,
            headcount=event.headcount,
            capacity=event.capacity,
            registration_open=event.registration_open,
            registration_closes_on=event.registration_closes_on,
            waiting_list=event.waiting_list,
            is_published=event.is_published,
        )

    def apply_to(self, event: Event) -> None:
        for name in EVENT_FIELDS:
            setattr(event, name, getattr(self, name))


# The fields of Event that staff set, in the order the form shows them.
EVENT_FIELDS = [field.name for field in dataclasses.fields(EventDetails)]


@dataclass(frozen=True)
class DayPlan:
    """A day of the event as staff leave it: `day` is the existing day it changes, None for a new one."""

    date: datetime.date
    starts_at: datetime.time | None = None
    ends_at: datetime.time | None = None
    day: EventDay | None = None


def event_capacity_valid(event: Event, capacity: int | None) -> bool:
    """A capacity may not fall below the places already confirmed."""
    return capacity is None or capacity >= event.places_taken


def event_capacity_refusal(event: Event, capacity: int | None) -> str:
    """Why `capacity` cannot be the event's now, or "" when it can."""
    if event_capacity_valid(event, capacity):
        return ""
    return _(
        "%(taken)d people are already confirmed: the capacity cannot be lower. Cancel "
        "registrations first if fewer places are left."
    ) % {"taken": event.places_taken}


def event_day_removable(day: EventDay) -> bool:
    """A day on which people were checked in stays: their attendance is part of the record."""
    return day.pk is None or not day.attendances.exists()


def _changed_meanwhile() -> EventError:
    return EventError(
        "changed",
        _(
            "The event changed while you were editing it (for example, more people registered). "
            "Please check the figures and save again."
        ),
    )


def _days_apply(event: Event, days: Sequence[DayPlan], days_removed: Sequence[EventDay]) -> dict[str, int]:
    """Remove, change and add days as planned (the database keeps a day with attendance: PROTECT)."""
    for day in days_removed:
        if day.event_id != event.pk:
            raise ValueError(f"day {day.pk} is not a day of event {event.pk}")
        day.delete()
    added = changed = 0
    for plan in days:
        if plan.day is None:
            EventDay.objects.create(
                event=event, date=plan.date, starts_at=plan.starts_at, ends_at=plan.ends_at
            )
            added += 1
            continue
        if plan.day.event_id != event.pk:
            raise ValueError(f"day {plan.day.pk} is not a day of event {event.pk}")
        plan.day.date, plan.day.starts_at, plan.day.ends_at = plan.date, plan.starts_at, plan.ends_at
        plan.day.save(update_fields=["date", "starts_at", "ends_at"])
        changed += 1
    return {"days_added": added, "days_changed": changed, "days_removed": len(days_removed)}


def event_create(
    *,
    actor: User,
    details: EventDetails,
    days: Sequence[DayPlan],
    request: HttpRequest | None = None,
) -> Event:
    """A new event with its days. Audited "programmes.event.created". Raises EventError("changed") when the
    database refuses it."""
    access.require_programme_staff(actor)
    event = Event()
    details.apply_to(event)
    try:
        with transaction.atomic():
            event.save()
            counts = _days_apply(event, days, ())
            audit_record(
                actor=actor,
                action="programmes.event.created",
                target=event,
                request=request,
                detail={"days": counts["days_added"]},
            )
    except IntegrityError:
        raise _changed_meanwhile() from None
    return event


def event_update(
    *,
    actor: User,
    event: Event,
    details: EventDetails,
    days: Sequence[DayPlan] = (),
    days_removed: Sequence[EventDay] = (),
    request: HttpRequest | None = None,
) -> list[Participant]:
    """Change an event and its days; returns the people moved from the waiting list into places the change
    opened (they are told by e-mail). Audited "programmes.event.changed", naming the fields changed. Raises
    EventError("capacity") when the capacity would fall below the places confirmed, EventError("changed")
    when the database refuses what the checks allowed a moment before."""
    access.require_programme_staff(actor)
    try:
        with transaction.atomic():
            # Hold the row while checking the capacity against the places taken.
            locked = Event.objects.select_for_update().get(pk=event.pk)
            refusal = event_capacity_refusal(locked, details.capacity)
            if refusal:
                raise EventError("capacity", refusal)
            before = EventDetails.of(locked)
            details.apply_to(locked)
            locked.save(update_fields=EVENT_FIELDS)
            counts = _days_apply(locked, days, days_removed)
            old, new = before.capacity, details.capacity
            raised = new is None or (old is not None and new > old)
            promoted = promote(locked) if raised else []
            changed = [name for name in EVENT_FIELDS if getattr(before, name) != getattr(details, name)]
            audit_record(
                actor=actor,
                action="programmes.event.changed",
                target=locked,
                request=request,
                detail={"fields": changed, **counts, "promoted": len(promoted)},
            )
    except IntegrityError:
        raise _changed_meanwhile() from None
    return promoted
