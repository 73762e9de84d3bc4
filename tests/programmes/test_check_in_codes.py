"""Issue 17's events part, through real HTTP requests: the e-mails of someone with a place give every day
with its times and the place, and carry the event as a calendar file and a QR code that decodes to a random
check-in token; the event page offers the calendar file and "Register" at its top; the check-in screen checks
people in by that code (and says why not for another event's code, a cancelled or waiting registration, an
unknown code), and finds people by part of their name without JavaScript. Every person is a Faker invention.
"""

import datetime
import io
import re

import icalendar
import pytest
import zxingcpp
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from faker import Faker
from PIL import Image

from refugiu.accounts.roles import Role
from refugiu.core.models import AuditEntry
from refugiu.programmes import services
from refugiu.programmes.check_in_codes import PREFIX, check_in_payload, token_from_scan
from refugiu.programmes.models import Attendance, EventDay, Participant
from refugiu.programmes.vocabularies import ParticipantStatus, Profession
from tests.accounts.mfa import force_login_with_mfa
from tests.factories import UserFactory
from tests.programmes.factories import EventFactory, staff_actor

pytestmark = pytest.mark.django_db

fake = Faker()


@pytest.fixture
def event():
    """A two-day training in a week, 09:30–17:00 then 09:00–13:00, at a named venue."""
    event = EventFactory(days=0, capacity=2, venue="Hotel Fictiv", city="Cluj-Napoca", country="RO")
    first = timezone.localdate() + datetime.timedelta(days=7)
    EventDay.objects.create(
        event=event, date=first, starts_at=datetime.time(9, 30), ends_at=datetime.time(17)
    )
    EventDay.objects.create(
        event=event,
        date=first + datetime.timedelta(days=1),
        starts_at=datetime.time(9),
        ends_at=datetime.time(13),
    )
    return event


def register(client, sent, event, **extra):
    data = {
        "name": fake.name(),
        "email": fake.unique.email(),
        "profession": Profession.LAWYER,
        "institution": fake.company(),
        "consent": "on",
        **extra,
    }
    response = sent(client.post, reverse("programmes:register", args=[event.pk]), data)
    assert response.status_code == 302
    return Participant.objects.get(event=event, email=data["email"]), data


def attachment(message, name):
    (found,) = [item for item in message.attachments if item[0] == name]
    return found


def decoded_qr(png: bytes) -> str:
    (barcode,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    return barcode.text


# --- The e-mails ------------------------------------------------------------------------------------


def test_the_confirmation_gives_days_times_place_a_calendar_file_and_a_qr_code(client, sent, event):
    participant, data = register(client, sent, event)
    (message,) = mail.outbox
    days = list(event.days.order_by("date"))
    # Every day with its times, in the event's time zone, and the place.
    assert f"{days[0].date:%A} {days[0].date.day} " in message.body and "09:30–17:00" in message.body
    assert "09:00–13:00" in message.body and "Europe/Bucharest" in message.body
    assert "Where: Hotel Fictiv, Cluj-Napoca, Romania" in message.body
    # The calendar file parses, one event a day, at the right times in the event's zone.
    name, content, mimetype = attachment(message, "event.ics")
    assert mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(content)
    items = calendar.walk("VEVENT")
    assert len(items) == 2 and calendar.walk("VTIMEZONE")
    first = items[0]
    start, end = first.decoded("DTSTART"), first.decoded("DTEND")
    assert (start.date(), start.time(), end.time()) == (days[0].date, datetime.time(9, 30), datetime.time(17))
    assert str(start.tzinfo) == "Europe/Bucharest"
    assert str(first["SUMMARY"]) == event.title
    assert str(first["LOCATION"]) == "Hotel Fictiv, Cluj-Napoca, Romania"
    # The QR code decodes to our prefix and the participant's random token, and to nothing personal.
    _name, png, mimetype = attachment(message, "check-in-code.png")
    assert mimetype == "image/png"
    text = decoded_qr(png)
    assert text == PREFIX + participant.check_in_token == check_in_payload(participant)
    assert len(participant.check_in_token) >= 22
    for value in (data["name"], data["email"], data["institution"]):
        assert value.lower() not in text.lower()
        assert value.lower() not in content.lower()


def test_the_waiting_list_e_mail_has_no_code_and_the_promotion_has_both(client, sent, event):
    first, _data = register(client, sent, event)
    register(client, sent, event)
    waiting, _data = register(client, sent, event)
    assert waiting.status == ParticipantStatus.WAITING
    assert mail.outbox[-1].attachments == []
    mail.outbox.clear()
    sent(services.participant_cancel, actor=staff_actor(), participant=first)
    (promoted,) = [message for message in mail.outbox if message.to == [waiting.email]]
    waiting.refresh_from_db()
    assert decoded_qr(attachment(promoted, "check-in-code.png")[1]) == check_in_payload(waiting)
    assert icalendar.Calendar.from_ical(attachment(promoted, "event.ics")[1]).walk("VEVENT")


def test_the_reminder_carries_the_times_the_calendar_file_and_the_code(client, sent, event):
    participant, _data = register(client, sent, event)
    mail.outbox.clear()
    today = event.days.order_by("date").first().date - datetime.timedelta(days=2)
    assert sent(services.reminders_send, today=today) == 1
    (reminder,) = mail.outbox
    assert "09:30–17:00" in reminder.body
    calendar = icalendar.Calendar.from_ical(attachment(reminder, "event.ics")[1])
    assert {"DTSTART", "DTEND", "LOCATION", "SUMMARY"} <= set(calendar.walk("VEVENT")[0])
    assert decoded_qr(attachment(reminder, "check-in-code.png")[1]) == check_in_payload(participant)


def test_a_day_without_times_is_a_whole_day_in_the_calendar(client):
    event = EventFactory(days=1)
    response = client.get(reverse("programmes:event_calendar", args=[event.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    (item,) = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert item.decoded("DTSTART") == event.days.get().date
    assert item.decoded("DTEND") == event.days.get().date + datetime.timedelta(days=1)


# --- The event page --------------------------------------------------------------------------------------


def test_the_event_page_offers_register_at_its_top_and_the_calendar_file(client, event):
    html = client.get(reverse("programmes:event", args=[event.pk])).content.decode()
    calendar_url = reverse("programmes:event_calendar", args=[event.pk])
    register_url = reverse("programmes:register", args=[event.pk])
    # "Register" comes right after the title, before the facts of the event.
    assert html.index(register_url) < html.index('class="facts"') and html.index("</h1>") < html.index(
        register_url
    )
    assert calendar_url in html and "Add to calendar" in html
    ics = client.get(calendar_url)
    assert ics.status_code == 200
    assert len(icalendar.Calendar.from_ical(ics.content).walk("VEVENT")) == 2


def test_no_register_button_when_registration_is_closed_and_no_calendar_for_unpublished(client, event):
    event.registration_open = False
    event.save()
    html = client.get(reverse("programmes:event", args=[event.pk])).content.decode()
    assert reverse("programmes:register", args=[event.pk]) not in html
    event.is_published = False
    event.save()
    assert client.get(reverse("programmes:event_calendar", args=[event.pk])).status_code == 404


# --- Check-in by code -------------------------------------------------------------------------------


@pytest.fixture
def trainer(client):
    user = UserFactory(roles=[Role.PROGRAMME_STAFF])
    client.force_login(user)
    return user


def scan(client, event, day, code, **extra):
    url = reverse("programmes_staff:check_in_scan", args=[event.pk, day.pk])
    response = client.post(url, {"code": code, **extra})
    assert response.status_code == 302
    page = client.get(response["Location"])
    return response["Location"], page.content.decode()


def test_a_scanned_code_checks_the_person_in_once(client, sent, event, trainer):
    participant, data = register(client, sent, event)
    day = event.days.order_by("date").first()
    location, html = scan(client, event, day, check_in_payload(participant), scanning="1")
    assert Attendance.objects.filter(participant=participant, day=day, checked_in_by=trainer).exists()
    assert f"{data['name']} is checked in for" in html.replace("&#x27;", "'")
    # The page comes back with the scanner on again, at the person's row; nothing personal in the URL.
    assert location.endswith(f"?scan=1#p{participant.pk}")
    assert participant.check_in_token not in location and data["name"] not in location
    audit = AuditEntry.objects.filter(action="programmes.attendance.checked_in")
    assert audit.count() == 1 and audit.get().actor == trainer
    # Again: already present, said so, nothing more recorded.
    _location, html = scan(client, event, day, check_in_payload(participant))
    assert "was already checked in" in html
    assert Attendance.objects.count() == 1 and audit.count() == 1


def test_a_code_of_another_event_a_cancelled_or_waiting_registration_is_refused_clearly(
    client, sent, event, trainer
):
    day = event.days.order_by("date").first()
    other = EventFactory(title="Another fictional seminar")
    stranger, _data = register(client, sent, other)
    _location, html = scan(client, event, day, check_in_payload(stranger))
    assert "This code is for another event: Another fictional seminar." in html
    cancelled, _data = register(client, sent, event)
    services.participant_cancel(actor=staff_actor(), participant=cancelled)
    register(client, sent, event)
    register(client, sent, event)
    waiting, _data = register(client, sent, event)
    assert waiting.status == ParticipantStatus.WAITING
    _location, html = scan(client, event, day, check_in_payload(cancelled))
    assert "cancelled their registration" in html
    _location, html = scan(client, event, day, check_in_payload(waiting))
    assert "is on the waiting list" in html
    _location, html = scan(client, event, day, PREFIX + "A" * 22)
    assert "not a check-in code of any registration" in html
    _location, html = scan(client, event, day, "https://example.org/not-ours")
    assert "This is not a check-in code." in html
    assert not Attendance.objects.exists()


def test_a_code_typed_without_its_prefix_works_and_a_code_of_the_same_event_on_its_other_day_too(
    client, sent, event, trainer
):
    participant, _data = register(client, sent, event)
    second = event.days.order_by("date").last()
    _location, html = scan(client, event, second, participant.check_in_token)
    assert Attendance.objects.filter(participant=participant, day=second).exists()
    # The screen of a day that is not today says so.
    assert "not for today" in html


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.COORDINATOR, Role.RESEARCHER, Role.DIRECTORY_EDITOR])
def test_only_programme_staff_may_check_in_by_code_others_get_404(client, sent, event, role):
    participant, _data = register(client, sent, event)
    day = event.days.first()
    force_login_with_mfa(client, UserFactory(roles=[role]))
    url = reverse("programmes_staff:check_in_scan", args=[event.pk, day.pk])
    assert client.post(url, {"code": check_in_payload(participant)}).status_code == 404
    assert client.get(url).status_code == 404
    assert not Attendance.objects.exists()
    client.logout()
    assert client.post(url, {"code": check_in_payload(participant)}).status_code == 302
    assert not Attendance.objects.exists()


def test_the_scan_is_post_only_for_staff(client, event, trainer):
    day = event.days.first()
    url = reverse("programmes_staff:check_in_scan", args=[event.pk, day.pk])
    assert client.get(url).status_code == 405


def test_the_token_is_random_and_cleared_with_the_personal_data(client, sent, event):
    first, _data = register(client, sent, event)
    second, _data = register(client, sent, event)
    assert first.check_in_token != second.check_in_token
    assert token_from_scan(f"  {PREFIX}{first.check_in_token} ") == first.check_in_token
    assert token_from_scan("Ana Popescu") is None
    later = event.days.order_by("date").last().date + datetime.timedelta(days=3 * 366)
    services.participants_anonymise(today=later)
    first.refresh_from_db()
    assert first.check_in_token is None and check_in_payload(first) == ""


# --- Check-in by name, without JavaScript ---------------------------------------------------------------


def test_the_name_search_is_a_post_and_finds_part_of_a_name_whatever_the_accents(client, event, trainer):
    day = event.days.first()
    people = [
        services.participant_add(
            actor=staff_actor(),
            event=event,
            name=name,
            email=fake.unique.email(),
            profession=Profession.JUDGE,
        )
        for name in ("Ștefania Iordache", "Stelian Ionescu")
    ]
    url = reverse("programmes_staff:check_in", args=[event.pk, day.pk])
    page = client.get(url)
    assert page["Permissions-Policy"].count("camera=(self)") == 1
    html = page.content.decode()
    assert 'method="post" class="inline-form name-search"' in html and "jsQR.js" in html
    found = client.post(url, {"q": "stef"}).content.decode()
    assert "Ștefania Iordache" in found and "Stelian Ionescu" not in found
    assert "1 person found." in found
    both = client.post(url, {"q": "IO"}).content.decode()
    assert "2 people found." in both
    none = client.post(url, {"q": "Zzzz"}).content.decode()
    assert "Nobody of that name is confirmed for this event." in none and "0 people found." in none
    # The person found is checked in from the result, by the same form as in the full list.
    button = reverse("programmes_staff:check_in_set", args=[event.pk, day.pk, people[0].pk])
    assert button in found
    response = client.post(button, {"present": "yes"})
    assert response.status_code == 302 and "stef" not in response["Location"].lower()
    assert Attendance.objects.filter(participant=people[0], day=day).exists()


def test_the_check_in_page_holds_no_token(client, sent, event, trainer):
    participant, _data = register(client, sent, event)
    html = client.get(reverse("programmes_staff:check_in", args=[event.pk, event.days.first().pk])).content
    assert participant.check_in_token.encode() not in html
    assert re.search(rb'action="[^"]*/check-in/scan/"', html)
