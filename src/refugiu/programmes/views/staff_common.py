"""What every programme staff page starts from: the event, day or participant its URL names, or 404.

Participants are named in URLs by their number only, never by name or address, and only under their own
event: a participant or day of another event is 404 like one that does not exist.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from refugiu.programmes.models import Event, EventDay, Participant

TEMPLATES = "programmes/staff/"


def event_or_404(event_id: int) -> Event:
    return get_object_or_404(Event.objects.select_related("project", "organiser"), pk=event_id)


def day_or_404(event: Event, day_id: int) -> EventDay:
    return get_object_or_404(EventDay, pk=day_id, event=event)


def participant_or_404(event: Event, participant_id: int) -> Participant:
    return get_object_or_404(Participant, pk=participant_id, event=event)
