"""Abuse limits on the public registration pages (core.ratelimit), through real HTTP requests.

Each registration e-mails the address typed: one address may register only so many people an hour, and one
e-mail address be registered only so many times a day, from wherever. Past a limit the form comes back with
status 429, a message and what was typed; nothing is saved and nothing is sent. Answers through the signed
links (cancellation, questionnaire) and certificate codes that match nothing are limited per address too.
"""

import urllib.parse
import urllib.request

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse

from refugiu.programmes import services
from refugiu.programmes.models import Evaluation, Participant
from refugiu.programmes.vocabularies import ParticipantStatus
from tests.programmes.factories import EventFactory, staff_actor
from tests.programmes.test_registration import ANSWERS, attendee, evaluation_url, person, register_url

pytestmark = pytest.mark.django_db

ADDRESS_A, ADDRESS_B = "203.0.113.7", "198.51.100.20"
REFUSED = "We have received too many registrations from your connection or for this e-mail address."


@pytest.fixture
def limits(settings):
    """Set some of the REFUGIU limits for one test."""

    def set_limits(**values):
        settings.REFUGIU = {**settings.REFUGIU, **values}

    return set_limits


@pytest.fixture
def post(django_capture_on_commit_callbacks):
    """POST like a browser from `address`, running the e-mails queued on commit."""

    def send(client, url, data, address):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data, REMOTE_ADDR=address)

    return send


def test_one_address_registers_only_so_many_people_an_hour(client, limits, post):
    limits(REGISTRATIONS_PER_ADDRESS_PER_HOUR=3)
    event = EventFactory()
    for _ in range(3):
        assert post(client, register_url(event), person(), ADDRESS_A).status_code == 302
    assert len(mail.outbox) == 3

    typed = person()
    response = post(client, register_url(event), typed, ADDRESS_A)
    assert response.status_code == 429
    html = response.content.decode()
    assert REFUSED in html and "Nothing was saved." in html
    # What was typed is kept in the form.
    assert f'value="{typed["email"]}"' in html and 'name="consent" id="id_consent" checked' in html
    assert not Participant.objects.filter(email=typed["email"]).exists()
    assert len(mail.outbox) == 3

    # Someone at another address is not affected.
    assert post(Client(), register_url(event), typed, ADDRESS_B).status_code == 302
    assert Participant.objects.filter(email=typed["email"]).exists()
    assert mail.outbox[-1].to == [typed["email"]] and len(mail.outbox) == 4


def test_one_e_mail_address_is_registered_only_so_many_times_a_day_from_anywhere(client, limits, post):
    limits(REGISTRATIONS_PER_EMAIL_PER_DAY=2)
    events = [EventFactory() for _ in range(3)]
    target = "someone.else@example.org"
    # The duplicate check is per event; the limit is not, and ignores case and spaces.
    for number, (event, typed) in enumerate(
        zip(events[:2], [target, " Someone.Else@Example.org"], strict=True)
    ):
        response = post(Client(), register_url(event), person(email=typed), f"192.0.2.{number + 1}")
        assert response.status_code == 302
    assert len(mail.outbox) == 2

    response = post(Client(), register_url(events[2]), person(email=target.upper()), "192.0.2.99")
    assert response.status_code == 429 and REFUSED in response.content.decode()
    assert Participant.objects.filter(email__iexact=target).count() == 2
    assert len(mail.outbox) == 2

    # Another e-mail address from that same address goes through.
    assert post(Client(), register_url(events[2]), person(), "192.0.2.99").status_code == 302


def test_a_refused_registration_counts_against_no_limit(client, limits, post):
    """Refused for its e-mail address, a registration does not use up the sender's address either."""
    limits(REGISTRATIONS_PER_ADDRESS_PER_HOUR=2, REGISTRATIONS_PER_EMAIL_PER_DAY=1)
    first, second = EventFactory(), EventFactory()
    assert post(client, register_url(first), person(email="taken@example.org"), ADDRESS_B).status_code == 302
    for _ in range(3):
        response = post(client, register_url(second), person(email="taken@example.org"), ADDRESS_A)
        assert response.status_code == 429
    for _ in range(2):
        assert post(client, register_url(second), person(), ADDRESS_A).status_code == 302
    assert post(client, register_url(second), person(), ADDRESS_A).status_code == 429


def test_a_limit_of_zero_is_no_limit(client, limits, post):
    limits(REGISTRATIONS_PER_ADDRESS_PER_HOUR=0)
    event = EventFactory(capacity=None)
    for _ in range(25):  # past the default of 20
        assert post(client, register_url(event), person(), ADDRESS_A).status_code == 302


def test_the_counters_hold_no_address_and_no_e_mail_address(client, post):
    typed = person()
    assert post(client, register_url(EventFactory()), typed, ADDRESS_A).status_code == 302
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key, value FROM refugiu_cache")
        rows = cursor.fetchall()
    assert rows
    stored = " ".join(f"{key} {value}" for key, value in rows).lower()
    for clear in (ADDRESS_A, typed["email"].lower(), typed["email"].split("@")[0].lower()):
        assert clear not in stored


# --- Cancellations and questionnaires, through the e-mails' links -------------------------------------


def test_answers_through_the_links_are_limited_per_address(client, limits):
    limits(LINK_FORMS_PER_HOUR=2)
    event = EventFactory()
    first, second, third = (attendee(event) for _ in range(3))
    for participant in (first, second):
        response = client.post(evaluation_url(participant), ANSWERS, REMOTE_ADDR=ADDRESS_A)
        assert response.status_code == 302
    response = client.post(evaluation_url(third), ANSWERS, REMOTE_ADDR=ADDRESS_A)
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many requests have come from your connection. Nothing was changed." in html
    assert "The case studies." in html  # the answers typed stay in the form
    assert Evaluation.objects.filter(event=event).count() == 2

    not_coming = attendee(event, checked_in=False)
    cancel = reverse("programmes:registration_cancel", args=[services.cancel_token(not_coming)])
    response = client.post(cancel, REMOTE_ADDR=ADDRESS_A)
    assert response.status_code == 429 and "Nothing was changed." in response.content.decode()
    not_coming.refresh_from_db()
    assert not_coming.status == ParticipantStatus.CONFIRMED

    # Reading the pages is not limited; another address may still answer and cancel.
    assert client.get(cancel, REMOTE_ADDR=ADDRESS_A).status_code == 200
    assert client.post(evaluation_url(third), ANSWERS, REMOTE_ADDR=ADDRESS_B).status_code == 302
    assert client.post(cancel, REMOTE_ADDR=ADDRESS_B).status_code == 302
    not_coming.refresh_from_db()
    assert not_coming.status == ParticipantStatus.CANCELLED


# --- Certificate codes ---------------------------------------------------------------------------------


def test_guessing_certificate_codes_is_stopped_per_address(client, limits):
    limits(CERTIFICATE_MISSES_PER_HOUR=3)
    event = EventFactory()
    holder = attendee(event)
    services.certificates_issue(actor=staff_actor(), event=event)
    holder.refresh_from_db()
    lookup = reverse("programmes:certificate_lookup")
    guesses = ["AAAA-BBBB-CCCC", "AAAA-BBBB-CCCD", "AAAA-BBBB-CCCE"]
    for guess in guesses[:2]:
        assert client.get(lookup, {"code": guess}, REMOTE_ADDR=ADDRESS_A).status_code == 404
    page = reverse("programmes:certificate", args=[guesses[2]])
    assert client.get(page, REMOTE_ADDR=ADDRESS_A).status_code == 404  # the page's address counts too

    # Past the limit, even a right code is refused from that address, on the form and at its address.
    response = client.get(lookup, {"code": holder.certificate_code}, REMOTE_ADDR=ADDRESS_A)
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many codes that match no certificate have been tried from your connection." in html
    assert f'value="{holder.certificate_code}"' in html
    for name in ("certificate", "certificate_pdf"):
        url = reverse(f"programmes:{name}", args=[holder.certificate_code])
        response = client.get(url, REMOTE_ADDR=ADDRESS_A)
        assert response.status_code == 429 and "Too many codes" in response.content.decode()

    # Found codes do not count, and another address is not affected.
    for _ in range(5):
        response = client.get(lookup, {"code": holder.certificate_code}, REMOTE_ADDR=ADDRESS_B)
        assert response.status_code == 302
    url = reverse("programmes:certificate", args=[holder.certificate_code])
    assert client.get(url, REMOTE_ADDR=ADDRESS_B).status_code == 200


# --- Several application servers ------------------------------------------------------------------------


@pytest.fixture
def empty_cache():
    """Counters written outside a test's transaction stay in the cache table: start and end empty."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.mark.django_db(transaction=True)
def test_app_servers_sharing_the_database_share_the_counters(live_server, limits, empty_cache):
    """The live server answers in a thread of its own, with its own database connection and its own cache
    object, like a second application server: all it shares with this test's client is the database.
    Both see 127.0.0.1."""
    limits(REGISTRATIONS_PER_ADDRESS_PER_HOUR=2)
    event = EventFactory()
    url = register_url(event)
    assert Client().post(url, person(), REMOTE_ADDR="127.0.0.1").status_code == 302

    server = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
    form = server.open(live_server.url + url).read().decode()  # noqa: S310 - the live server, http://
    token = form.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    data = {**person(), "csrfmiddlewaretoken": token}
    with server.open(live_server.url + url, urllib.parse.urlencode(data).encode()) as response:  # noqa: S310
        assert response.status == 200 and "your place is confirmed" in response.read().decode()

    # Both servers have now counted one each: the limit of 2 is reached for the first as well.
    response = Client().post(url, person(), REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 429 and REFUSED in response.content.decode()
    assert Participant.objects.filter(event=event).count() == 2
