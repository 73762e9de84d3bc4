"""An event as a calendar file (iCalendar, RFC 5545), for the "Add to calendar" link of its public page and
the attachment of participants' e-mails; and where and when it is, as both say it.

One VEVENT per day, at the day's start and end times in the event's time zone (the organisation's,
`settings.TIME_ZONE`: events hold local times), with the zone's VTIMEZONE; a day without times is a whole
day. The file is the same for everyone: it names the event, never a participant.
"""

from __future__ import annotations

import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from refugiu.programmes.models import Event, EventDay
from refugiu.programmes.selectors import country_name
from refugiu.programmes.services.links import site_url


def event_time_zone(event: Event) -> ZoneInfo:
    """The zone an event's times are written in: the organisation's (events hold no zone of their own)."""
    return ZoneInfo(settings.TIME_ZONE)


def event_place_display(event: Event) -> str:
    """Venue, city and country, those known, in one line: "Hotel Central, Cluj-Napoca, Romania"."""
    country = country_name(event.country.code) if event.country else ""
    return ", ".join(part for part in (event.venue, event.city, country) if part)


def event_days(event: Event) -> list[EventDay]:
    return sorted(event.days.all(), key=lambda day: day.date)


def _day_bounds(day: EventDay, zone: ZoneInfo) -> tuple[datetime.date | datetime.datetime, ...]:
    """(start,) or (start, end): dates for a whole day, aware date-times when the day has times."""
    if day.starts_at is None:
        return (day.date, day.date + datetime.timedelta(days=1))
    start = datetime.datetime.combine(day.date, day.starts_at, tzinfo=zone)
    if day.ends_at is None:
        return (start,)
    return (start, datetime.datetime.combine(day.date, day.ends_at, tzinfo=zone))


def event_ics(event: Event) -> bytes:
    """The event's days as an iCalendar file."""
    zone = event_time_zone(event)
    host = urlsplit(site_url("/")).hostname or "refugiu"
    url = site_url(reverse("programmes:event", args=[event.pk]))
    place = event_place_display(event)
    calendar = Calendar()
    calendar.add("prodid", "-//Refugiu//Events//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    stamp = timezone.now()
    for day in event_days(event):
        item = CalendarEvent()
        item.add("uid", f"event-{event.pk}-day-{day.pk}@{host}")
        item.add("dtstamp", stamp)
        item.add("summary", str(event))
        bounds = _day_bounds(day, zone)
        item.add("dtstart", bounds[0])
        if len(bounds) > 1:
            item.add("dtend", bounds[1])
        if place:
            item.add("location", place)
        item.add("url", url)
        item.add("description", url)
        calendar.add_component(item)
    calendar.add_missing_timezones()
    return calendar.to_ical()
