"""How long a session lasts and how guessable its key is: a key of more than 128 random bits (ASVS 7.2.3),
and an end 12 hours (SESSION_COOKIE_AGE) after signing in, however busy the session was (ASVS 7.3.2). The
idle timeout is tests/accounts/test_security.py's."""

import math
import time
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib.sessions.backends.base import VALID_KEY_CHARS, SessionBase
from django.test import Client
from django.urls import reverse

from refugiu.accounts import middleware
from refugiu.accounts import models as accounts_models
from refugiu.accounts.roles import Role
from refugiu.accounts.security import SIGNED_IN_AT_SESSION_KEY
from refugiu.accounts.sessions import SessionStore
from tests.accounts.mfa import DEFAULT_PASSWORD, force_login_with_mfa
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

STAFF_HOME = reverse("staff:home")
TWELVE_HOURS = 12 * 60 * 60


def test_a_session_key_carries_more_than_128_random_bits():
    """32 characters of 36 (a-z, 0-9), drawn by Django's get_random_string (secrets.choice): about 165 bits.
    Our store keeps Django's way of making keys; it only hashes them for the database."""
    assert "_get_new_session_key" not in vars(SessionStore)
    assert SessionStore._get_new_session_key is SessionBase._get_new_session_key
    assert len(VALID_KEY_CHARS) == 36 and 32 * math.log2(len(VALID_KEY_CHARS)) > 165

    editor = UserFactory(roles=[Role.DIRECTORY_EDITOR])
    keys = set()
    for _sign_in in range(20):
        client = Client()
        client.post(reverse("account_login"), {"login": editor.username, "password": DEFAULT_PASSWORD})
        key = client.cookies[settings.SESSION_COOKIE_NAME].value
        assert len(key) == 32 and set(key) <= set(VALID_KEY_CHARS), key
        keys.add(key)
    assert len(keys) == 20


@pytest.fixture
def clock(monkeypatch) -> SimpleNamespace:
    """The clock of the accounts middleware and of the sign-in's note of the time, moved by the test
    (`clock.now += seconds`)."""
    clock = SimpleNamespace(now=time.time())
    for module in (middleware, accounts_models):
        monkeypatch.setattr(module, "time", SimpleNamespace(time=lambda: clock.now))
    return clock


def busy_until(client, clock, seconds: int) -> None:
    """Move the clock on by `seconds`, with the last request a minute before: not idle."""
    clock.now += seconds
    session = client.session
    session[middleware.LAST_ACTIVITY_SESSION_KEY] = clock.now - 60
    session.save()


def test_a_session_ends_12_hours_after_signing_in_however_busy(client, clock):
    assert settings.SESSION_COOKIE_AGE == TWELVE_HOURS
    force_login_with_mfa(client, UserFactory(roles=[Role.CASEWORKER]))
    # A page every ten minutes, well within the idle time, for twelve hours.
    for minutes in range(10, 12 * 60, 10):
        clock.now += 10 * 60
        assert client.get(STAFF_HOME).status_code == 200, minutes
    clock.now += 10 * 60
    assert client.get(STAFF_HOME).status_code == 200  # twelve hours to the second
    clock.now += 1
    response = client.get(STAFF_HOME, follow=True)
    assert response.redirect_chain[0][0] == f"{reverse('account_login')}?next={STAFF_HOME}"
    assert "You were signed out: a session lasts at most 12 hours." in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Signing in again starts a new day.
    force_login_with_mfa(client, UserFactory(roles=[Role.CASEWORKER]))
    assert client.get(STAFF_HOME).status_code == 200


@pytest.mark.urls("tests.accounts.urls")
def test_past_12_hours_the_api_answers_401_and_the_open_directory_carries_on(client, clock):
    force_login_with_mfa(client, UserFactory(roles=[Role.CASEWORKER]))
    assert client.get("/api/private-test/").status_code == 200
    busy_until(client, clock, TWELVE_HOURS + 60)
    response = client.get("/api/private-test/")
    assert response.status_code == 401 and "12 hours" in response.json()["detail"]
    assert "_auth_user_id" not in client.session
    force_login_with_mfa(client, UserFactory(roles=[Role.CASEWORKER]))
    busy_until(client, clock, TWELVE_HOURS + 60)
    assert client.get("/api/hsds/services").status_code == 200
    assert "_auth_user_id" not in client.session


def test_signing_in_notes_the_time_and_an_older_session_counts_from_its_next_request(client, clock):
    editor = UserFactory(roles=[Role.DIRECTORY_EDITOR])
    client.post(reverse("account_login"), {"login": editor.username, "password": DEFAULT_PASSWORD})
    assert client.session[SIGNED_IN_AT_SESSION_KEY] == clock.now

    # A session signed in before this version noted the time: its twelve hours start now.
    session = client.session
    del session[SIGNED_IN_AT_SESSION_KEY]
    session.save()
    clock.now += 60
    assert client.get(STAFF_HOME).status_code == 200
    assert client.session[SIGNED_IN_AT_SESSION_KEY] == clock.now
    busy_until(client, clock, TWELVE_HOURS - 5 * 60)
    assert client.get(STAFF_HOME).status_code == 200
    busy_until(client, clock, 10 * 60)
    assert client.get(STAFF_HOME).status_code == 302
