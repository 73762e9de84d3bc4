"""Capacity: `Event.places_taken` counts confirmed participants and only moves by conditional UPDATEs
("take a place if one is left"), which the database applies one at a time to the event's row, on SQLite
(one writer, IMMEDIATE transactions) and on PostgreSQL (row lock; the condition is checked again on the
locked row). However many people press "register" for the last place at once, one gets it; a check
constraint (`places_taken <= capacity`) stands behind that."""

from __future__ import annotations

from django.db.models import F, Q

from refugiu.programmes.models import Event, Participant
from refugiu.programmes.services.mail import send_after_commit
from refugiu.programmes.vocabularies import ParticipantStatus


def is_full(event: Event) -> bool:
    return event.capacity is not None and event.places_taken >= event.capacity


def take_place(event: Event) -> bool:
    """Take one place if one is left; True when taken. Atomic on both engines."""
    taken = (
        Event.objects.filter(pk=event.pk)
        .filter(Q(capacity__isnull=True) | Q(places_taken__lt=F("capacity")))
        .update(places_taken=F("places_taken") + 1)
    )
    return taken == 1


def give_back_place(event: Event) -> None:
    Event.objects.filter(pk=event.pk, places_taken__gt=0).update(places_taken=F("places_taken") - 1)


def promote(event: Event) -> list[Participant]:
    """Move people from the waiting list into free places, first come first served, and tell them (call
    inside a transaction)."""
    promoted = []
    waiting = Participant.objects.filter(event=event, status=ParticipantStatus.WAITING).order_by(
        "registered_at", "pk"
    )
    for candidate in waiting:
        if not take_place(event):
            break
        Participant.objects.filter(pk=candidate.pk).update(status=ParticipantStatus.CONFIRMED)
        candidate.status = ParticipantStatus.CONFIRMED
        promoted.append(candidate)
        send_after_commit(candidate, "promoted")
    return promoted
