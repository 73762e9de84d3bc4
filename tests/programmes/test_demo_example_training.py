"""The demo's example training: `refugiu demo` adds, beside the seed's 2019 programme, one training weeks
ahead that is open for registration, with one place left, so that registering, the waiting list and
check-in can be tried at once; and the 2019 report, statistics and funder reports are what they were.

The demo is loaded once for the module (in a transaction rolled back at the end); each test runs in a
savepoint inside it.
"""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from faker import Faker

from refugiu.accounts.models import User
from refugiu.demo.programmes import (
    EXAMPLE_CAPACITY,
    EXAMPLE_DAYS_AHEAD,
    EXAMPLE_TITLE,
    example_training_keep_ahead,
    example_training_load,
)
from refugiu.programmes import services
from refugiu.programmes.models import Attendance, Event, Participant, Project
from refugiu.programmes.statistics import Scope, statistics_compute
from refugiu.programmes.vocabularies import EventType, ParticipantStatus, Profession
from refugiu.reports import annual, funder

pytestmark = pytest.mark.django_db

fake = Faker()
SEED_2019_PARTICIPANTS = 54 + 51 + 24 + 33 + 18 + 41 + 24 + 14 + 24


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """One `refugiu demo --no-serve`, as a newcomer runs it; the day it was loaded."""
    with (
        django_db_blocker.unblock(),
        override_settings(DATA_DIR=tmp_path_factory.mktemp("demo")),
        transaction.atomic(),
    ):
        loaded_on = timezone.localdate()
        call_command("demo", no_serve=True, stdout=io.StringIO())
        yield loaded_on
        transaction.set_rollback(True)


@pytest.fixture
def example(demo) -> Event:
    return Event.objects.get(title=EXAMPLE_TITLE)


def person() -> dict:
    """The public form filled in for one fake person."""
    return {
        "name": fake.name(),
        "email": fake.unique.email(),
        "profession": Profession.POLICE_OFFICER,
        "institution": fake.company(),
        "country": "RO",
        "gender": "prefer_not_to_say",
        "consent": "on",
    }


# --- What the demo holds ----------------------------------------------------------------------------------


def test_the_demo_holds_one_upcoming_training_open_for_registration(demo, example):
    days = [day.date for day in example.days.all()]
    assert days[0] == demo + datetime.timedelta(days=EXAMPLE_DAYS_AHEAD) and len(days) == 2
    assert example.type == EventType.TRAINING and example.is_published
    assert example.registration_open and services.registration_closed_reason(example) == ""
    assert demo < example.registration_closes_on < days[0]
    assert (example.capacity, example.waiting_list) == (EXAMPLE_CAPACITY, True)
    assert example.project is None  # no project's funder report takes it in
    # The only event beside the seed's 2019 history.
    others = Event.objects.exclude(pk=example.pk)
    assert others.count() == 13
    assert not others.exclude(days__date__year=2019).exists()


def test_it_says_it_is_an_example_and_its_people_are_fictitious(example):
    assert example.title.startswith("Example:")
    assert "not a real training" in example.description and "fictitious" in example.description
    people = list(example.participants.all())
    assert all(p.email.endswith("@example.org") for p in people)
    assert all(p.institution.endswith("(fictitious)") for p in people)
    assert len({p.name for p in people}) == len(people)


def test_all_places_but_one_are_taken_and_nobody_waits_yet(example):
    statuses = list(example.participants.values_list("status", flat=True))
    assert statuses == [ParticipantStatus.CONFIRMED] * (EXAMPLE_CAPACITY - 1)
    assert example.places_taken == EXAMPLE_CAPACITY - 1
    # Registered through the services, with the consent text of the seed organisation kept.
    assert all("Pro Refugiu Association" in p.consent_text for p in example.participants.all())


def test_it_is_first_on_the_public_events_page_and_upcoming_for_programme_staff(client, example):
    html = client.get(reverse("programmes:events")).content.decode()
    assert html.index("Example: training") < html.index("Seminar in Romania")  # newest first
    client.force_login(User.objects.get(username="trainer"))
    staff_list = client.get(reverse("programmes_staff:events")).content.decode()
    upcoming = staff_list[staff_list.index('id="upcoming"') : staff_list.index('id="past"')]
    assert "Example: training" in upcoming


def test_loading_it_again_adds_nothing(example):
    assert example_training_load() is None
    assert Event.objects.filter(title=EXAMPLE_TITLE).count() == 1


def test_a_demo_started_again_after_registration_closed_moves_it_weeks_ahead(example):
    assert example_training_keep_ahead() is False  # still open: left where it is
    for day, offset in zip(example.days.order_by("date"), (-40, -39), strict=True):
        day.date = timezone.localdate() + datetime.timedelta(days=offset)
        day.save()
    example.registration_closes_on = timezone.localdate() - datetime.timedelta(days=43)
    example.save()
    taken = example.places_taken

    assert example_training_keep_ahead() is True
    example.refresh_from_db()
    days = [day.date for day in example.days.order_by("date")]
    first = timezone.localdate() + datetime.timedelta(days=EXAMPLE_DAYS_AHEAD)
    assert days == [first, first + datetime.timedelta(days=1)]
    assert example.registration_closes_on >= timezone.localdate()
    assert services.registration_closed_reason(example) == ""
    assert example.places_taken == taken
    assert example_training_keep_ahead() is False


# --- The journeys it is there for ---------------------------------------------------------------------------


def test_registering_takes_the_last_place_then_the_waiting_list(client, sent, example):
    event_url = reverse("programmes:event", args=[example.pk])
    register_url = reverse("programmes:register", args=[example.pk])
    page = client.get(event_url).content.decode()
    assert "Registration is open: 1 place left." in page and register_url in page

    first, second = person(), person()
    response = sent(client.post, register_url, first)
    assert response.status_code == 302 and response["Location"] == event_url
    assert Participant.objects.get(event=example, email=first["email"]).status == ParticipantStatus.CONFIRMED
    page = client.get(event_url).content.decode()
    assert "your place is confirmed" in page and "Join the waiting list" in page

    response = sent(client.post, register_url, second)
    assert response.status_code == 302
    assert Participant.objects.get(event=example, email=second["email"]).status == ParticipantStatus.WAITING
    assert "you are on the waiting list" in client.get(event_url).content.decode()
    example.refresh_from_db()
    assert example.places_taken == EXAMPLE_CAPACITY
    assert [message.to for message in mail.outbox] == [[first["email"]], [second["email"]]]


def test_cancelling_a_place_hands_it_to_the_first_waiting(client, sent, example):
    for _i in range(2):
        sent(client.post, reverse("programmes:register", args=[example.pk]), person())
    waiting = Participant.objects.get(event=example, status=ParticipantStatus.WAITING)
    client.force_login(User.objects.get(username="trainer"))
    someone = example.participants.filter(status=ParticipantStatus.CONFIRMED).first()
    url = reverse("programmes_staff:participant_cancel", args=[example.pk, someone.pk])
    assert sent(client.post, url).status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == ParticipantStatus.CONFIRMED


def test_programme_staff_check_the_registered_in(client, example):
    client.force_login(User.objects.get(username="trainer"))  # programme staff: no second factor
    day = example.days.order_by("date").first()
    screen = reverse("programmes_staff:check_in", args=[example.pk, day.pk])
    html = client.get(screen).content.decode()
    assert f"0 of {EXAMPLE_CAPACITY - 1} present" in html
    someone = example.participants.order_by("pk").first()
    response = client.post(
        reverse("programmes_staff:check_in_set", args=[example.pk, day.pk, someone.pk]), {"present": "yes"}
    )
    assert response.status_code == 302
    assert Attendance.objects.filter(participant=someone, day=day).exists()
    assert f"1 of {EXAMPLE_CAPACITY - 1} present" in client.get(screen).content.decode()


# --- The seed's 2019 history stays as the report states it ------------------------------------------------


def _without_example(example: Event, measure):
    """What `measure()` gives once the example training is gone (rolled back afterwards)."""
    with transaction.atomic():
        Participant.objects.filter(event=example).delete()
        example.delete()
        result = measure()
        transaction.set_rollback(True)
    return result


def test_the_2019_figures_are_the_seeds(example):
    report = annual.annual_report(2019)
    assert (report.summary.events, report.summary.events_counted) == (13, 9)
    assert report.summary.participants == SEED_2019_PARTICIPANTS
    assert all("Example" not in item.label for item in report.summary.participants_per_event)
    stats = statistics_compute(Scope(year=2019).events())
    assert (stats.totals.total, stats.totals.events, stats.totals.events_unknown) == (
        SEED_2019_PARTICIPANTS,
        13,
        4,
    )


def test_the_2019_report_and_every_funder_report_are_those_without_the_example(example):
    def reports():
        return [annual.render_html(annual.annual_report(2019))] + [
            funder.render_html(funder.funder_report(project)) for project in Project.objects.order_by("pk")
        ]

    assert reports() == _without_example(example, reports)


def test_its_own_year_lists_it_with_registrations_not_counted_as_participants(example):
    report = annual.annual_report(example.first_day.year)
    (item,) = [item for item in report.international_events if item.title.startswith("Example:")]
    assert item.participants is None  # registered is not attended
    assert report.summary.participants == 0


def test_its_public_page_gives_its_places_not_a_count_of_who_took_part(client, example):
    html = client.get(reverse("programmes:event", args=[example.pk])).content.decode()
    assert "<dt>Places</dt><dd>12</dd>" in html.replace("\n", "").replace("  ", "")
    assert "not known" not in html and "Who took part" not in html
    listing = client.get(reverse("programmes:events")).content.decode()
    start = listing.index("Example: training")
    assert "not known" not in listing[start : listing.index("</li>", start)]
