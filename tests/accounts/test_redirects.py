"""Where signing in, signing out and the language switch send a person: back to our own pages, never to
another host named in `next` (ASVS 3.7.2), written in any of the ways browsers read as another host."""

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from refugiu.accounts.roles import Role
from tests.accounts.mfa import DEFAULT_PASSWORD, _forget_used_code, enrol_totp, totp_code
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ELSEWHERE = [
    "https://evil.example/",
    "http://evil.example/staff/",
    "//evil.example/",
    "///evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "https:evil.example",
    " //evil.example/",
    "https://testserver.evil.example/staff/",
    "https://testserver@evil.example/",
    "javascript:alert(1)",
]


def lands_at_home(response, home: str) -> None:
    location = response["Location"]
    assert response.status_code == 302 and location == home, location
    assert "evil" not in location and "javascript" not in location


@pytest.mark.parametrize("target", ELSEWHERE)
def test_signing_in_never_follows_next_to_another_host(client, target):
    editor = UserFactory(roles=[Role.DIRECTORY_EDITOR])
    credentials = {"login": editor.username, "password": DEFAULT_PASSWORD}
    # `next` in the form, as the page posts it back, and in the address, as a link would carry it.
    lands_at_home(
        client.post(reverse("account_login"), {**credentials, "next": target}), reverse("staff:home")
    )
    client.post(reverse("account_logout"))
    response = client.post(f"{reverse('account_login')}?{urlencode({'next': target})}", credentials)
    lands_at_home(response, reverse("staff:home"))


def test_signing_in_follows_next_to_our_own_page(client):
    editor = UserFactory(roles=[Role.DIRECTORY_EDITOR])
    credentials = {"login": editor.username, "password": DEFAULT_PASSWORD, "next": "/staff/directory/stale/"}
    response = client.post(reverse("account_login"), credentials)
    assert response.status_code == 302 and response["Location"] == "/staff/directory/stale/"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example/"])
def test_the_second_factor_step_never_follows_next_to_another_host(client, target):
    caseworker = UserFactory(roles=[Role.CASEWORKER])
    secret = enrol_totp(caseworker)
    response = client.post(
        reverse("account_login"),
        {"login": caseworker.username, "password": DEFAULT_PASSWORD, "next": target},
    )
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
    code = totp_code(secret)
    _forget_used_code(caseworker, code)
    lands_at_home(client.post(reverse("mfa_authenticate"), {"code": code, "next": target}), "/staff/")


@pytest.mark.parametrize("target", ELSEWHERE)
def test_signing_out_and_changing_language_never_follow_next_to_another_host(client, target):
    client.force_login(UserFactory(roles=[Role.DIRECTORY_EDITOR]))
    lands_at_home(client.post(reverse("account_logout"), {"next": target}), reverse("directory:search"))
    response = client.post(reverse("set_language"), {"language": "ro", "next": target})
    assert response.status_code == 302 and response["Location"] == "/"
