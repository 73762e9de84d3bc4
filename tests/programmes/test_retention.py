"""The two scheduled commands: `send_event_reminders` and `anonymise_participants`."""

import datetime
import io
import re
from collections import Counter

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import dateformat, timezone, translation

from refugiu.programmes import services
from refugiu.programmes.models import Attendance, Participant
from refugiu.programmes.vocabularies import ParticipantStatus, Profession
from tests.programmes.factories import EventFactory, ParticipantFactory

pytestmark = pytest.mark.django_db

CANCEL_LINK = re.compile(r"https?://\S+/registration/cancel/(\S+)/")


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def days_from_today(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


# --- reminders ----------------------------------------------------------------------------------------------


@pytest.fixture
def reminders(settings, django_capture_on_commit_callbacks):
    settings.REFUGIU = {**settings.REFUGIU, "REMINDER_DAYS_BEFORE": 2}

    def send() -> str:
        with django_capture_on_commit_callbacks(execute=True):
            return run("send_event_reminders")

    return send


def test_reminders_go_once_to_confirmed_participants_of_events_starting_soon(reminders):
    soon = EventFactory(days=2, days__start=days_from_today(2), title="Seminar on victims' rights")
    english = ParticipantFactory(event=soon, language="en")
    romanian = ParticipantFactory(event=soon, language="ro")
    ParticipantFactory(event=soon, status=ParticipantStatus.WAITING)
    ParticipantFactory(event=soon, status=ParticipantStatus.CANCELLED)
    ParticipantFactory(event=EventFactory(days=1, days__start=days_from_today(3)))  # not yet
    ParticipantFactory(event=EventFactory(days=3, days__start=days_from_today(-1)))  # already started
    ParticipantFactory(event=EventFactory(days=1, days__start=days_from_today(-10)))  # over

    output = reminders()

    assert "Reminders sent: 2" in output
    assert sorted(m.to[0] for m in mail.outbox) == sorted([english.email, romanian.email])
    for participant in (english, romanian):
        message = next(m for m in mail.outbox if m.to == [participant.email])
        assert "Seminar on victims' rights" in message.subject
        assert participant.name in message.body
        # In the person's language: every day is written with that language's day and month names.
        with translation.override(participant.language):
            for day in soon.days.all():
                assert dateformat.format(day.date, "l j E Y") in message.body
        # A working cancel link for this very participant.
        token = CANCEL_LINK.search(message.body).group(1)
        assert services.participant_from_cancel_token(token) == participant
        participant.refresh_from_db()
        assert participant.reminder_sent_at is not None
    with translation.override("en"):
        english_dates = dateformat.format(soon.first_day, "l j E Y")
    romanian_body = next(m.body for m in mail.outbox if m.to == [romanian.email])
    assert english_dates not in romanian_body

    mail.outbox.clear()
    assert "Reminders sent: 0" in reminders()
    assert mail.outbox == []


def test_reminder_cancel_link_cancels(client, reminders):
    soon = EventFactory(days=1, days__start=days_from_today(1))
    participant = ParticipantFactory(event=soon)
    reminders()
    assert mail.outbox[0].to == [participant.email]
    token = CANCEL_LINK.search(mail.outbox[0].body).group(1)
    url = reverse("programmes:registration_cancel", args=[token])
    assert client.get(url).status_code == 200
    participant.refresh_from_db()
    assert participant.status == ParticipantStatus.CONFIRMED  # a GET only asks; nothing is cancelled yet
    assert client.post(url).status_code == 302
    participant.refresh_from_db()
    assert participant.status == ParticipantStatus.CANCELLED


def test_the_last_reminder_day_is_included_and_today_too(reminders):
    today = ParticipantFactory(event=EventFactory(days=1, days__start=days_from_today(0)))
    last = ParticipantFactory(event=EventFactory(days=1, days__start=days_from_today(2)))
    reminders()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([today.email, last.email])


# --- anonymisation ------------------------------------------------------------------------------------------


@pytest.fixture
def retention(settings):
    settings.REFUGIU = {**settings.REFUGIU, "PARTICIPANT_RETENTION_MONTHS": 24}


def statistics() -> Counter:
    """What the funders' tables are made of: profession × country × gender, with days attended."""
    return Counter(
        (p.event_id, p.profession, str(p.country), p.gender, p.status, p.attendances.count())
        for p in Participant.objects.prefetch_related("attendances")
    )


def attended(participant: Participant) -> None:
    for day in participant.event.days.all():
        Attendance.objects.create(participant=participant, day=day)


def test_participants_of_old_events_lose_only_their_personal_data(retention):
    old = EventFactory(days=2, days__start=days_from_today(-25 * 31))
    recent = EventFactory(days=1, days__start=days_from_today(-30))
    upcoming = EventFactory(days=1)
    gone = [
        ParticipantFactory(event=old, profession=Profession.JUDGE, country="RO", gender="woman"),
        ParticipantFactory(event=old, profession=Profession.LAWYER, country="BG", gender="man"),
        ParticipantFactory(event=old, status=ParticipantStatus.CANCELLED),
    ]
    attended(gone[0])
    kept = [ParticipantFactory(event=recent), ParticipantFactory(event=upcoming)]
    attended(kept[0])
    before = statistics()
    kept_before = {p.pk: (p.name, p.email, p.institution) for p in kept}

    output = run("anonymise_participants")

    assert "due for anonymisation (events over 24 months ago): 3" in output
    assert "Participants anonymised: 3." in output
    for participant in gone:
        original = (participant.profession, participant.country, participant.gender, participant.status)
        participant.refresh_from_db()
        assert (participant.name, participant.email, participant.institution) == ("", "", "")
        assert participant.anonymised_at is not None
        assert (participant.profession, participant.country, participant.gender, participant.status) == (
            original
        )
    assert gone[0].attendances.count() == 2
    assert statistics() == before
    for participant in kept:
        participant.refresh_from_db()
        assert (participant.name, participant.email, participant.institution) == kept_before[participant.pk]
        assert participant.anonymised_at is None

    assert "Participants anonymised: 0." in run("anonymise_participants")


def test_dry_run_changes_nothing(retention):
    old = EventFactory(days=1, days__start=days_from_today(-30 * 31))
    participants = [ParticipantFactory(event=old) for _i in range(2)]
    ParticipantFactory(event=EventFactory(days=1, days__start=days_from_today(-10)))
    snapshot = list(Participant.objects.order_by("pk").values())

    output = run("anonymise_participants", "--dry-run")

    assert "due for anonymisation (events over 24 months ago): 2" in output
    assert "Dry run: nothing changed." in output
    assert "anonymised:" not in output
    assert list(Participant.objects.order_by("pk").values()) == snapshot
    assert all(Participant.objects.get(pk=p.pk).name == p.name for p in participants)


def test_an_event_is_kept_while_any_of_its_days_is_recent(retention):
    # A long programme: it began over two years ago but its last day is within the period.
    long_running = EventFactory(days=1, days__start=days_from_today(-26 * 31))
    long_running.days.create(date=days_from_today(-60))
    participant = ParticipantFactory(event=long_running)
    assert "due for anonymisation (events over 24 months ago): 0" in run("anonymise_participants")
    participant.refresh_from_db()
    assert participant.name and participant.anonymised_at is None
