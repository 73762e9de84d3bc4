"""The programmes services: capacity and the waiting list, cancellation, attendance, certificates,
anonymous evaluations, reminders and retention. (The public and staff pages have their own tests; the
parallel-requests proof of capacity is in test_parallel_registration.py.)"""

import dataclasses
import datetime
import threading

import pytest
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation

from refugiu.programmes import services
from refugiu.programmes.models import Attendance, Evaluation, Event, Participant
from refugiu.programmes.vocabularies import ParticipantSource, ParticipantStatus, Profession
from tests.programmes.factories import EventFactory, ParticipantFactory, staff_actor

pytestmark = pytest.mark.django_db


def register(event, n, **extra):
    values = {
        "name": f"Person {n}",
        "email": f"person{n}@example.org",
        "profession": Profession.LAWYER,
        "consent": True,
        "language": "en",
    }
    values.update(extra)
    return services.participant_register(event=event, **values)


def add(event, n, **extra):
    """Someone programme staff add themselves."""
    values = {"name": f"Person {n}", "email": f"person{n}@example.org", "profession": Profession.LAWYER}
    values.update(extra)
    return services.participant_add(actor=staff_actor(), event=event, **values)


@pytest.fixture
def mailed(django_capture_on_commit_callbacks):
    """Run on-commit callbacks (the e-mails) inside the test's transaction."""

    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run


def test_places_are_confirmed_until_full_then_the_waiting_list_fills(mailed):
    event = EventFactory(capacity=2)
    people = [mailed(register, event, n) for n in range(4)]
    assert [p.status for p in people] == ["confirmed", "confirmed", "waiting", "waiting"]
    event.refresh_from_db()
    assert event.places_taken == 2
    assert [m.subject.split(":")[0] for m in mail.outbox] == [
        "Registration confirmed",
        "Registration confirmed",
        "Waiting list",
        "Waiting list",
    ]
    assert all("/registration/cancel/" in m.body for m in mail.outbox)


def test_without_a_waiting_list_a_full_event_refuses(mailed):
    event = EventFactory(capacity=1, waiting_list=False)
    mailed(register, event, 1)
    with pytest.raises(services.RegistrationError) as refused:
        register(event, 2)
    assert refused.value.code == "full"
    assert Participant.objects.filter(event=event).count() == 1


def test_no_capacity_means_no_limit():
    event = EventFactory(capacity=None)
    for n in range(40):
        assert register(event, n).status == ParticipantStatus.CONFIRMED
    event.refresh_from_db()
    assert event.places_taken == 40


def test_the_same_address_cannot_register_twice_in_any_case():
    event = EventFactory()
    register(event, 1, email="Someone@Example.org")
    with pytest.raises(services.RegistrationError) as refused:
        register(event, 2, email="someone@example.ORG ")
    assert refused.value.code == "duplicate"
    event.refresh_from_db()
    assert event.places_taken == 1
    # Another event is another registration.
    register(EventFactory(), 3, email="someone@example.org")


def test_the_database_refuses_a_duplicate_that_slips_past_the_check():
    event = EventFactory()
    ParticipantFactory(event=event, email="twin@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        ParticipantFactory(event=event, email="TWIN@example.org")


def test_a_cancelled_registration_frees_the_address():
    event = EventFactory()
    first = register(event, 1)
    services.participant_cancel_by_link(participant=first)
    again = register(event, 2, email=first.email)
    assert again.status == ParticipantStatus.CONFIRMED


def test_consent_is_required_and_its_text_is_kept():
    event = EventFactory()
    with pytest.raises(services.RegistrationError) as refused:
        register(event, 1, consent=False)
    assert refused.value.code == "consent"
    participant = register(event, 2)
    assert "erased 24 months after the event" in participant.consent_text
    assert participant.consented_at is not None
    staff_added = add(event, 3)
    assert staff_added.source == ParticipantSource.STAFF
    assert staff_added.consent_text == "" and staff_added.consented_at is None


@pytest.mark.parametrize(
    ("months", "english", "romanian"),
    [(1, "1 month", "1 lună"), (6, "6 months", "6 luni"), (24, "24 months", "24 de luni")],
)
def test_the_retention_period_is_said_in_each_language_s_grammar(settings, months, english, romanian):
    settings.REFUGIU = {**settings.REFUGIU, "PARTICIPANT_RETENTION_MONTHS": months}
    event = EventFactory()
    with translation.override("en"):
        assert f"erased {english} after the event" in services.consent_text(event)
    with translation.override("ro"):
        assert f"se șterg la {romanian} după eveniment" in services.consent_text(event)


@pytest.mark.parametrize(
    "change",
    [
        {"registration_open": False},
        {"is_published": False},
        {"registration_closes_on": timezone.localdate() - datetime.timedelta(days=1)},
    ],
)
def test_registration_closed(change):
    event = EventFactory()
    Event.objects.filter(pk=event.pk).update(**change)
    event.refresh_from_db()
    with pytest.raises(services.RegistrationError) as refused:
        register(event, 1)
    assert refused.value.code == "closed"
    # Staff may still add someone.
    assert add(event, 2).status == "confirmed"


def test_registration_closes_when_the_event_has_started():
    event = EventFactory(days__start=timezone.localdate() - datetime.timedelta(days=1))
    assert services.registration_closed_reason(event) == "This event has already started."


def test_cancelling_hands_the_place_to_the_first_waiting(mailed):
    event = EventFactory(capacity=1)
    first = register(event, 1)
    second = register(event, 2)
    third = register(event, 3)
    mail.outbox.clear()
    promoted = mailed(services.participant_cancel, actor=staff_actor(), participant=first)
    assert promoted.pk == second.pk
    assert Participant.objects.get(pk=second.pk).status == ParticipantStatus.CONFIRMED
    assert Participant.objects.get(pk=third.pk).status == ParticipantStatus.WAITING
    assert [m.to for m in mail.outbox] == [[second.email]]
    assert mail.outbox[0].subject.startswith("A place is free for you")
    event.refresh_from_db()
    assert event.places_taken == 1
    # Twice is harmless; a waiting person's cancellation frees no place.
    assert services.participant_cancel(actor=staff_actor(), participant=first) is None
    assert services.participant_cancel_by_link(participant=third) is None
    event.refresh_from_db()
    assert event.places_taken == 1


def test_raising_the_capacity_moves_people_from_the_waiting_list():
    event = EventFactory(capacity=1)
    for n in range(4):
        register(event, n)
    assert not services.event_capacity_valid(event, 0)
    event.refresh_from_db()
    details = dataclasses.replace(services.EventDetails.of(event), capacity=3)
    promoted = services.event_update(actor=staff_actor(), event=event, details=details)
    assert len(promoted) == 2
    event.refresh_from_db()
    assert event.places_taken == 3
    assert Participant.objects.filter(event=event, status=ParticipantStatus.WAITING).count() == 1


def test_the_database_never_lets_places_exceed_capacity():
    event = EventFactory(capacity=1)
    register(event, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(places_taken=2)


def test_staff_confirm_from_the_waiting_list_needs_a_free_place():
    event = EventFactory(capacity=1)
    register(event, 1)
    waiting = register(event, 2)
    with pytest.raises(services.RegistrationError) as refused:
        services.participant_confirm(actor=staff_actor(), participant=waiting)
    assert refused.value.code == "full"


def test_cancel_and_evaluation_links_are_signed_and_not_interchangeable():
    participant = register(EventFactory(), 1)
    cancel = services.cancel_token(participant)
    assert services.participant_from_cancel_token(cancel) == participant
    assert services.participant_from_cancel_token(cancel + "x") is None
    assert services.participant_from_evaluation_token(cancel) is None
    assert services.participant_from_evaluation_token(services.evaluation_token(participant)) == participant
    # The link carries no personal data.
    assert participant.email not in cancel and "Person" not in cancel


def test_check_in_only_confirmed_and_only_on_the_event_s_days(django_user_model):
    event = EventFactory(capacity=1)
    day1, day2 = event.days.all()
    confirmed = register(event, 1)
    waiting = register(event, 2)
    services.attendance_check_in(actor=staff_actor(), participant=confirmed, day=day1)
    services.attendance_check_in(actor=staff_actor(), participant=confirmed, day=day1)  # twice is once
    assert Attendance.objects.filter(participant=confirmed).count() == 1
    with pytest.raises(services.RegistrationError):
        services.attendance_check_in(actor=staff_actor(), participant=waiting, day=day1)
    other_day = EventFactory().days.first()
    with pytest.raises(services.RegistrationError):
        services.attendance_check_in(actor=staff_actor(), participant=confirmed, day=other_day)
    services.attendance_undo(actor=staff_actor(), participant=confirmed, day=day1)
    assert not Attendance.objects.filter(participant=confirmed).exists()
    assert day2.attendances.count() == 0


def test_certificates_only_for_those_who_came(mailed):
    event = EventFactory()
    day = event.days.first()
    came, stayed_away = register(event, 1), register(event, 2)
    services.attendance_check_in(actor=staff_actor(), participant=came, day=day)
    mail.outbox.clear()
    issued = mailed(services.certificates_issue, actor=staff_actor(), event=event)
    assert [p.pk for p in issued] == [came.pk]
    came.refresh_from_db()
    stayed_away.refresh_from_db()
    assert stayed_away.certificate_code is None
    assert len(came.certificate_code) == 14
    assert [m.to for m in mail.outbox] == [[came.email]]
    assert f"/certificates/{came.certificate_code}/" in mail.outbox[0].body
    # Issuing again gives nobody a second code.
    assert services.certificates_issue(actor=staff_actor(), event=event) == []
    # Verification forgives case and dashes, and knows nothing of made-up codes.
    assert services.certificate_get(came.certificate_code.lower().replace("-", "")) == came
    assert services.certificate_get("AAAA-BBBB-CCCC") is None
    assert services.certificate_get("short") is None


def test_evaluations_are_anonymous_and_answered_once(mailed):
    event = EventFactory()
    day = event.days.first()
    came, stayed_away = register(event, 1), register(event, 2)
    services.attendance_check_in(actor=staff_actor(), participant=came, day=day)
    mail.outbox.clear()
    invited = mailed(services.evaluation_invite, actor=staff_actor(), event=event)
    assert [p.pk for p in invited] == [came.pk]
    assert "/evaluation/" in mail.outbox[0].body
    answers = services.EvaluationAnswers(
        overall=5, content=4, usefulness=4, organisation=3, liked="", improve=""
    )
    evaluation = services.evaluation_submit(participant=came, answers=answers)
    assert evaluation.event_id == event.pk
    assert {f.name for f in Evaluation._meta.get_fields()}.isdisjoint({"participant", "email", "name"})
    assert not hasattr(evaluation, "submitted_at")
    with pytest.raises(services.RegistrationError) as refused:
        services.evaluation_submit(participant=came, answers=answers)
    assert refused.value.code == "already_answered"
    assert Evaluation.objects.filter(event=event).count() == 1
    assert stayed_away.evaluation_invited_at is None


def test_reminders_go_once_to_the_confirmed_of_events_starting_soon(mailed, settings):
    settings.REFUGIU = {**settings.REFUGIU, "REMINDER_DAYS_BEFORE": 2}
    today = timezone.localdate()
    soon = EventFactory(days__start=today + datetime.timedelta(days=2), capacity=1)
    later = EventFactory(days__start=today + datetime.timedelta(days=10))
    confirmed, waiting = register(soon, 1, language="ro"), register(soon, 2)
    register(later, 3)
    mail.outbox.clear()
    assert mailed(services.reminders_send) == 1
    assert [m.to for m in mail.outbox] == [[confirmed.email]]
    assert mailed(services.reminders_send) == 0
    waiting.refresh_from_db()
    assert waiting.reminder_sent_at is None


def test_months_before():
    assert services.months_before(datetime.date(2026, 3, 31), 1) == datetime.date(2026, 2, 28)
    assert services.months_before(datetime.date(2026, 1, 15), 24) == datetime.date(2024, 1, 15)
    assert services.months_before(datetime.date(2024, 12, 31), 12) == datetime.date(2023, 12, 31)


def test_anonymisation_blanks_identity_and_keeps_what_statistics_need(settings):
    settings.REFUGIU = {**settings.REFUGIU, "PARTICIPANT_RETENTION_MONTHS": 24}
    today = timezone.localdate()
    old = EventFactory(days__start=today - datetime.timedelta(days=800), registration_open=False)
    recent = EventFactory(days__start=today - datetime.timedelta(days=30), registration_open=False)
    gone = ParticipantFactory(event=old, gender="woman", country="BG", profession=Profession.JUDGE)
    services.attendance_check_in(actor=staff_actor(), participant=gone, day=old.days.first())
    kept = ParticipantFactory(event=recent)
    assert list(services.participants_due_for_anonymisation()) == [gone]
    assert services.participants_anonymise() == 1
    gone.refresh_from_db()
    kept.refresh_from_db()
    assert (gone.name, gone.email, gone.institution) == ("", "", "")
    assert (gone.profession, gone.country.code, gone.gender) == ("judge", "BG", "woman")
    assert gone.attendances.count() == 1 and gone.anonymised_at is not None
    assert kept.anonymised_at is None and kept.name
    assert services.participants_anonymise() == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_for_the_last_places_never_overbook():
    """Threads with their own database connections race for 3 places (the HTTP version of this proof is in
    test_parallel_registration.py)."""
    event = EventFactory(capacity=3, waiting_list=False)
    start = threading.Barrier(12)
    outcomes = []

    def attempt(n):
        try:
            start.wait()
            register(event, n)
            outcomes.append("confirmed")
        except services.RegistrationError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["confirmed"] * 3 + ["full"] * 9
    event.refresh_from_db()
    assert event.places_taken == 3
    assert Participant.objects.filter(event=event, status=ParticipantStatus.CONFIRMED).count() == 3


def test_the_services_keep_the_signed_links_rules_whatever_calls_them():
    """The pages check these before calling (test_registration.py); the services refuse them too."""
    event = EventFactory()
    came, stayed_away = register(event, 1), register(event, 2)
    services.attendance_check_in(actor=staff_actor(), participant=came, day=event.days.first())
    with pytest.raises(services.RegistrationError) as refused:
        services.participant_cancel_by_link(participant=came)
    assert refused.value.code == "too_late"
    answers = services.EvaluationAnswers(overall=5, content=5, usefulness=5, organisation=5)
    with pytest.raises(services.RegistrationError) as refused:
        services.evaluation_submit(participant=stayed_away, answers=answers)
    assert refused.value.code == "invalid"
    came.refresh_from_db()
    stayed_away.refresh_from_db()
    assert came.status == ParticipantStatus.CONFIRMED and not stayed_away.evaluation_answered
    assert not Evaluation.objects.exists()
