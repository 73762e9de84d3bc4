"""The authenticator app's codes and the recovery codes (allauth.mfa), through the sign-in pages: a code
is good once, for its own 30 seconds only; the secrets behind them come from the operating system's CSPRNG
(ASVS 6.5.1, 6.5.3-6.5.5).

What is asserted of allauth's internals (its settings, which `secrets` functions it calls with what) is
what SECURITY.md states: an upgrade of allauth that changes it fails here first."""

import base64
import re
import secrets
import time
from types import SimpleNamespace

import pytest
from allauth.mfa import app_settings
from allauth.mfa.recovery_codes.internal import auth as recovery_auth
from allauth.mfa.totp.internal import auth as totp_auth
from django.test import Client
from django.urls import reverse

from refugiu.accounts.roles import Role
from refugiu.core.models import AuditEntry
from tests.accounts.mfa import (
    DEFAULT_PASSWORD,
    _forget_used_code,
    enrol_totp,
    recovery_codes,
    totp_code,
    totp_secret,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def frozen_step(monkeypatch) -> int:
    """allauth's TOTP clock held in the middle of a 30-second step: every try below falls in the same step,
    where the code is still valid, so only its use (or its step) can refuse it. Returns the step."""
    now = (int(time.time()) // 30) * 30 + 15
    monkeypatch.setattr(totp_auth, "time", SimpleNamespace(time=lambda: now))
    return now // 30


def at_the_code_step(caseworker) -> Client:
    client = Client()
    response = client.post(
        reverse("account_login"), {"login": caseworker.username, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
    return client


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_a_code_accepted_once_is_refused_when_sent_again(frozen_step):
    caseworker = UserFactory(roles=[Role.CASEWORKER])
    secret = enrol_totp(caseworker)
    code = totp_code(secret)

    first = at_the_code_step(caseworker)
    assert first.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302 and signed_in(first)

    # Someone who saw the code (over a shoulder, from a phishing page) and has the password, at once.
    replay = at_the_code_step(caseworker)
    response = replay.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 200 and "Incorrect code" in response.content.decode()
    assert not signed_in(replay)
    assert AuditEntry.objects.filter(action="accounts.mfa.code_refused", actor=caseworker).count() == 1

    # Refused for its reuse alone: the same code, its use forgotten, is good (what tests/accounts/mfa.py
    # does between two sign-ins of one test).
    _forget_used_code(caseworker, code)
    assert replay.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302 and signed_in(replay)


def test_a_code_lasts_its_own_30_seconds_only(frozen_step):
    """No tolerance: the codes of the steps before and after are refused; 6 digits every 30 seconds."""
    assert (app_settings.TOTP_PERIOD, app_settings.TOTP_TOLERANCE, app_settings.TOTP_DIGITS) == (30, 0, 6)
    assert app_settings.TOTP_INSECURE_BYPASS_CODE is None
    caseworker = UserFactory(roles=[Role.CASEWORKER])
    secret = enrol_totp(caseworker)
    client = at_the_code_step(caseworker)
    for step in (frozen_step - 1, frozen_step + 1):
        code = totp_auth.format_hotp_value(totp_auth.hotp_value(secret, step))
        if code == totp_code(secret):
            continue  # one chance in a million that a neighbour's code is the same
        response = client.post(reverse("mfa_authenticate"), {"code": code})
        assert response.status_code == 200 and not signed_in(client), step
    code = totp_code(secret)
    assert re.fullmatch(r"\d{6}", code)
    assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302 and signed_in(client)


def test_the_secrets_come_from_the_csprng_and_recovery_codes_have_8_digits(client, monkeypatch):
    """Enrolling through the pages: the app's secret is 20 bytes (160 bits) from `secrets.token_bytes`;
    the recovery codes derive (HMAC-SHA1) from a seed of 40 bytes from `secrets.token_hex`; they are ten,
    of 8 digits each (26 bits, ASVS 6.5.4 asks for 20)."""
    calls = []

    def spy(name):
        real = getattr(secrets, name)

        def call(length):
            value = real(length)
            calls.append((name, length, value))
            return value

        return call

    for module in (totp_auth, recovery_auth):
        monkeypatch.setattr(
            module, "secrets", SimpleNamespace(token_bytes=spy("token_bytes"), token_hex=spy("token_hex"))
        )
    assert (app_settings.RECOVERY_CODE_COUNT, app_settings.RECOVERY_CODE_DIGITS) == (10, 8)

    caseworker = UserFactory(roles=[Role.CASEWORKER])
    client.post(reverse("account_login"), {"login": caseworker.username, "password": DEFAULT_PASSWORD})
    client.post(reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD})
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    secret = client.session["mfa.totp.secret"]
    assert [(name, length) for name, length, _value in calls] == [("token_bytes", 20)]
    assert base64.b32decode(secret) == calls[0][2] and len(secret) == 32

    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert [(name, length) for name, length, _value in calls[1:]] == [("token_hex", 40)]
    codes = recovery_codes(caseworker)
    assert len(codes) == len(set(codes)) == 10
    assert all(re.fullmatch(r"\d{8}", code) for code in codes)
    page = client.get(reverse("mfa_view_recovery_codes")).content.decode()
    assert all(code in page for code in codes)


def code_box(page: str) -> str:
    boxes = re.findall(r'<input[^>]*name="code"[^>]*>', page)
    assert len(boxes) == 1, boxes
    return boxes[0]


def test_every_code_box_opens_the_digits_keypad_and_takes_only_digits(client):
    """The code asked at sign-in, the one asked again before a sensitive change and the first code of a new
    authenticator app: a phone shows its digits keypad and offers a code it received; the browser refuses
    anything but digits (6 from the app; 8 of a recovery code where one is accepted)."""
    caseworker = UserFactory(roles=[Role.CASEWORKER])
    enrol_totp(caseworker)
    client = at_the_code_step(caseworker)
    sign_in_box = code_box(client.get(reverse("mfa_authenticate")).content.decode())
    client.post(reverse("mfa_authenticate"), {"code": totp_code(totp_secret(caseworker))})
    again_box = code_box(client.get(reverse("mfa_reauthenticate")).content.decode())
    for box in (sign_in_box, again_box):
        assert 'inputmode="numeric"' in box and 'autocomplete="one-time-code"' in box
        assert 'pattern="[0-9]{6,8}"' in box

    newcomer = UserFactory(roles=[Role.CASEWORKER])
    fresh = Client()
    fresh.post(reverse("account_login"), {"login": newcomer.username, "password": DEFAULT_PASSWORD})
    fresh.post(reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD})
    box = code_box(fresh.get(reverse("mfa_activate_totp")).content.decode())
    assert 'inputmode="numeric"' in box and 'autocomplete="one-time-code"' in box
    assert 'pattern="[0-9]{6}"' in box
