"""The issue's "done when", through HTTP only: a trainer creates an event with two days, opens registration,
30 people register through the public form, the trainer sees them, checks 25 in on the first day and 20 on
the second, issues certificates to those who came, and downloads the funders' table."""

import csv
import datetime
import io
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from faker import Faker

from refugiu.accounts.roles import Role
from refugiu.organisation.models import NGO
from refugiu.programmes.models import Attendance, Event, Participant
from refugiu.programmes.vocabularies import EventType, ParticipantStatus, Profession
from tests.accounts.mfa import DEFAULT_PASSWORD
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

fake = Faker()


def check_in(client, event, day, people):
    """Press "check in" on the day's screen for each of `people`, as the trainer's phone would."""
    screen = reverse("programmes_staff:check_in", args=[event.pk, day.pk])
    page = client.get(screen).content.decode()
    for person in people:
        action = reverse("programmes_staff:check_in_set", args=[event.pk, day.pk, person.pk])
        assert f'action="{action}"' in page
        response = client.post(action, {"present": "yes"})
        assert response.status_code == 302 and response["Location"] == f"{screen}#p{person.pk}"
    return client.get(screen)


def test_a_trainer_runs_an_event_from_creation_to_the_funders_table(
    client, django_capture_on_commit_callbacks
):
    NGO.objects.create(name="Fictional Refugee Support Association")
    trainer = UserFactory(roles=[Role.PROGRAMME_STAFF])

    # The trainer signs in through the real page (programme staff need no second factor).
    response = client.post(
        reverse("account_login"), {"login": trainer.username, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    home = client.get(reverse("staff:home")).content.decode()
    assert reverse("programmes_staff:event_create") in home

    # Creates a two-day training, registration still closed.
    first = timezone.localdate() + datetime.timedelta(days=10)
    form = {
        "type": EventType.TRAINING,
        "title": "Training for practitioners on victims' rights",
        "our_role": "organiser",
        "city": "Iași",
        "country": "RO",
        "topics": "Victims' rights\nReferral",
        "capacity": "40",
        "waiting_list": "on",
        "is_published": "on",
        "days-TOTAL_FORMS": "3",
        "days-INITIAL_FORMS": "0",
        "days-MIN_NUM_FORMS": "0",
        "days-MAX_NUM_FORMS": "1000",
        "days-0-date": first.isoformat(),
        "days-0-starts_at": "09:30",
        "days-0-ends_at": "17:00",
        "days-1-date": (first + datetime.timedelta(days=1)).isoformat(),
        "days-1-starts_at": "09:30",
        "days-1-ends_at": "13:00",
    }
    assert client.get(reverse("programmes_staff:event_create")).status_code == 200
    response = client.post(reverse("programmes_staff:event_create"), form)
    assert response.status_code == 302, response.content.decode()[:3000]
    event = Event.objects.get()
    day_one, day_two = event.days.order_by("date")

    # The public form refuses people until registration is opened.
    register = reverse("programmes:register", args=[event.pk])
    assert "Registration for this event is not open." in client.get(register).content.decode()

    # Opens registration by editing the event.
    edit = reverse("programmes_staff:event_edit", args=[event.pk])
    form.update(
        {
            "registration_open": "on",
            "days-TOTAL_FORMS": "5",
            "days-INITIAL_FORMS": "2",
            "days-0-id": str(day_one.pk),
            "days-1-id": str(day_two.pk),
        }
    )
    assert client.get(edit).status_code == 200
    assert client.post(edit, form).status_code == 302
    event.refresh_from_db()
    assert event.registration_open
    staff_page = client.get(reverse("programmes_staff:event", args=[event.pk])).content.decode()
    assert "Open." in staff_page and register in staff_page

    # 30 people register through the public form, each in a browser of their own (and from an address of
    # their own: one address may send only so many registrations an hour).
    professions = [Profession.JUDGE, Profession.PROSECUTOR, Profession.LAWYER, Profession.SOCIAL_WORKER]
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(30):
            visitor = Client()
            data = {
                "name": fake.name(),
                "email": f"trainee{number}@example.org",
                "profession": professions[number % len(professions)],
                "institution": fake.company(),
                "country": "RO" if number % 3 else "MD",
                "gender": ["woman", "man", "prefer_not_to_say"][number % 3],
                "consent": "on",
            }
            response = visitor.post(register, data, REMOTE_ADDR=f"198.51.100.{number + 1}")
            assert response.status_code == 302, response.content.decode()[:3000]
    assert len(mail.outbox) == 30
    mail.outbox.clear()

    # The trainer sees the 30 on the participants page.
    response = client.get(reverse("programmes_staff:participants", args=[event.pk]))
    assert len(response.context["confirmed"]) == 30
    assert "30 confirmed, 0 waiting, 0 cancelled." in response.content.decode()
    people = list(Participant.objects.filter(event=event).order_by("pk"))
    assert all(person.status == ParticipantStatus.CONFIRMED for person in people)

    # Checks 25 in on the first day and 20 of them on the second, from the check-in screen.
    assert "25 of 30 present" in check_in(client, event, day_one, people[:25]).content.decode()
    assert "20 of 30 present" in check_in(client, event, day_two, people[:20]).content.decode()
    assert Attendance.objects.filter(day=day_one).count() == 25
    assert Attendance.objects.filter(day=day_two).count() == 20

    # The sign-in sheet for the first day can be printed.
    sheet = client.get(reverse("programmes_staff:sign_in_sheet_pdf", args=[event.pk, day_one.pk]))
    assert sheet.content.startswith(b"%PDF")

    # Issues certificates: only the 25 who came get a code and an e-mail.
    certificates = reverse("programmes_staff:certificates", args=[event.pk])
    assert "Issue 25 certificates" in client.get(certificates).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(certificates, follow=True)
    assert "25 certificates were issued and sent by e-mail." in response.content.decode()
    for person in people:
        person.refresh_from_db()
    came, stayed_away = people[:25], people[25:]
    assert all(person.certificate_code for person in came)
    assert not any(person.certificate_code for person in stayed_away)
    assert sorted(message.to[0] for message in mail.outbox) == sorted(person.email for person in came)
    # Each e-mail holds the public verification link of that person's certificate.
    for message in mail.outbox:
        code = Participant.objects.get(event=event, email=message.to[0]).certificate_code
        assert reverse("programmes:certificate", args=[code]) in message.body
        assert re.search(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", message.body)

    # Downloads the funders' table for the event: 25 participants (attendance counts, not registrations).
    response = client.get(reverse("programmes_statistics:export"), {"event": event.pk, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert ["All participants", "", "25"] in rows
