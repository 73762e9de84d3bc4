"""What runs by itself, from the management commands: reminders before an event, and the erasure of
participants' identity when the retention period ends. No person acts, so nothing here takes an actor."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from refugiu.programmes.models import EventDay, Participant
from refugiu.programmes.services.mail import send_after_commit
from refugiu.programmes.vocabularies import ParticipantStatus


def reminders_send(*, today: datetime.date | None = None) -> int:
    """Remind confirmed participants of events whose first day is within the configured days."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=settings.REFUGIU["REMINDER_DAYS_BEFORE"])
    upcoming = EventDay.objects.filter(date__gte=today, date__lte=horizon).values("event")
    started = EventDay.objects.filter(date__lt=today).values("event")
    due = (
        Participant.objects.filter(
            status=ParticipantStatus.CONFIRMED, reminder_sent_at__isnull=True, event__in=upcoming
        )
        .exclude(event__in=started)
        .exclude(email="")
        .select_related("event")
    )
    sent = 0
    for participant in due:
        with transaction.atomic():
            if Participant.objects.filter(pk=participant.pk, reminder_sent_at__isnull=True).update(
                reminder_sent_at=timezone.now()
            ):
                send_after_commit(participant, "reminder")
                sent += 1
    return sent


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` earlier (the month's last day when that month is shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    following = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return datetime.date(year, month, min(day.day, (following - datetime.timedelta(days=1)).day))


def participants_due_for_anonymisation(*, today: datetime.date | None = None) -> QuerySet[Participant]:
    today = today or timezone.localdate()
    cutoff = months_before(today, settings.REFUGIU["PARTICIPANT_RETENTION_MONTHS"])
    recent = EventDay.objects.filter(date__gt=cutoff).values("event")
    has_days = EventDay.objects.values("event")
    # Events without days are judged by the registration date.
    return (
        Participant.objects.filter(anonymised_at__isnull=True)
        .exclude(event__in=recent)
        .filter(Q(event__in=has_days) | Q(registered_at__date__lte=cutoff))
    )


def participants_anonymise(*, today: datetime.date | None = None) -> int:
    """Blank the name, e-mail and institution of participants whose event ended longer ago than the
    retention period; profession, country, gender, attendance and certificates' existence stay."""
    with transaction.atomic():
        return participants_due_for_anonymisation(today=today).update(
            name="", email="", institution="", check_in_token=None, anonymised_at=timezone.now()
        )
