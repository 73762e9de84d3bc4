"""Capacity holds under parallel registrations, proved over real HTTP.

25 people open the form of an event with 5 places, each in their own browser (cookie jar, CSRF token),
then all press "register" at the same moment. The live server answers each request in its own thread with
its own database connection, so the requests really compete: on SQLite for the one writer's lock (the test
database is a file, see tests/settings.py), on PostgreSQL for the event's row. Exactly 5 may get a place.
"""

import http.client
import http.cookiejar
import re
import threading
import urllib.parse
import urllib.request

import pytest
from django.core import mail
from django.urls import reverse

from refugiu.programmes.models import Participant
from refugiu.programmes.vocabularies import ParticipantStatus, Profession
from tests.programmes.factories import EventFactory

PEOPLE = 25
PLACES = 5
# Generous: 25 requests queue for one SQLite writer (busy_timeout is 5 s) on a slow CI machine.
TIMEOUT = 120

CONFIRMED = "your place is confirmed"
WAITING = "you are on the waiting list"
FULL = "Sorry, this event is full."


@pytest.fixture(autouse=True)
def _one_address_for_everyone(settings):
    """The 25 people all come from 127.0.0.1, where in life they would come from 25 addresses: the limit on
    registrations per address (tests/programmes/test_registration_limits.py) is lifted here. The limit
    per e-mail address stays, and is counted under the same concurrency."""
    settings.REFUGIU = {**settings.REFUGIU, "REGISTRATIONS_PER_ADDRESS_PER_HOUR": 0}


def _csrf_token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


class Race:
    """What the threads share: the barrier they all wait at, and a limit on how many open a connection at
    once. The test server listens with a backlog of 10 (Django's WSGIServer.request_queue_size); 25
    connections opened in the same instant overflow it, and the kernel then resets some of them. So the
    connections are opened a few at a time *before* the barrier, and only the requests race."""

    def __init__(self):
        self.start = threading.Barrier(PEOPLE)
        self.connecting = threading.BoundedSemaphore(5)
        self.results = {}


def _one_person(url: str, number: int, race: Race) -> None:
    """Open the form, connect, wait for everyone, send the form; record (HTTP status, page) or the error."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    step = "open the form"
    try:
        with race.connecting, opener.open(url, timeout=TIMEOUT) as response:
            token = _csrf_token(response.read().decode())
        data = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": token,
                "name": f"Parallel Person {number}",
                "email": f"parallel.person.{number}@example.org",
                "profession": Profession.POLICE_OFFICER,
                "consent": "on",
            }
        ).encode()
        # The POST as urllib would send it, with this person's cookies (the CSRF cookie).
        request = urllib.request.Request(url, data=data, method="POST")  # noqa: S310 - the live server, http://
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
        jar.add_cookie_header(request)
        parts = urllib.parse.urlsplit(url)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=TIMEOUT)
        step = "connect"
        with race.connecting:
            connection.connect()
        step = "wait for the others"
        race.start.wait(timeout=TIMEOUT)
        step = "send the form"
        connection.request("POST", parts.path, body=data, headers=dict(request.header_items()))
        response = connection.getresponse()
        jar.extract_cookies(response, request)  # the success message travels in a cookie
        status, page = response.status, response.read().decode()
        connection.close()
        if status == 302:
            # Registered: follow the redirect to the event page, as a browser would.
            step = "follow the redirect"
            with (
                race.connecting,
                opener.open(
                    urllib.parse.urljoin(url, response.getheader("Location")), timeout=TIMEOUT
                ) as page_response,
            ):
                status, page = page_response.status, page_response.read().decode()
        race.results[number] = (status, page)
    except Exception as error:  # noqa: BLE001 - reported by the test, not swallowed
        race.start.abort()
        race.results[number] = ("error", f"{step}: {error!r}")


def _register_all_at_once(live_server, event) -> list[tuple]:
    url = live_server.url + reverse("programmes:register", args=[event.pk])
    race = Race()
    threads = [
        threading.Thread(target=_one_person, args=(url, number, race), daemon=True)
        for number in range(PEOPLE)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIMEOUT * 3)
    assert not any(thread.is_alive() for thread in threads), "a request never finished"
    outcomes = list(race.results.values())
    assert len(outcomes) == PEOPLE
    errors = [outcome for outcome in outcomes if outcome[0] == "error" or outcome[0] >= 500]
    assert not errors, errors
    return outcomes


def _count(outcomes, text: str, status: int) -> int:
    return sum(1 for code, page in outcomes if code == status and text in page)


@pytest.mark.django_db(transaction=True)
def test_parallel_registrations_never_confirm_more_people_than_places(live_server):
    event = EventFactory(capacity=PLACES, waiting_list=False)
    outcomes = _register_all_at_once(live_server, event)

    assert _count(outcomes, CONFIRMED, 200) == PLACES
    # Everyone else was told, on the form, that the event is full.
    assert _count(outcomes, FULL, 400) == PEOPLE - PLACES
    event.refresh_from_db()
    assert event.places_taken == PLACES
    assert Participant.objects.filter(event=event, status=ParticipantStatus.CONFIRMED).count() == PLACES
    assert Participant.objects.filter(event=event).count() == PLACES
    assert len(mail.outbox) == PLACES


@pytest.mark.django_db(transaction=True)
def test_parallel_registrations_fill_the_places_then_the_waiting_list(live_server):
    event = EventFactory(capacity=PLACES, waiting_list=True)
    outcomes = _register_all_at_once(live_server, event)

    assert _count(outcomes, CONFIRMED, 200) == PLACES
    assert _count(outcomes, WAITING, 200) == PEOPLE - PLACES
    event.refresh_from_db()
    assert event.places_taken == PLACES
    statuses = list(Participant.objects.filter(event=event).values_list("status", flat=True))
    assert statuses.count(ParticipantStatus.CONFIRMED) == PLACES
    assert statuses.count(ParticipantStatus.WAITING) == PEOPLE - PLACES
    assert len(mail.outbox) == PEOPLE
