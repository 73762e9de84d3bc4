"""Changing how one signs in ends one's other sessions and keeps the one that made the change (ASVS 7.4.3):
a new password, an authenticator app added or removed, new recovery codes, each made on allauth's pages in
one browser (the laptop) while another browser (the phone) is signed in too."""

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse

from refugiu.accounts.roles import Role
from tests.accounts.mfa import (
    DEFAULT_PASSWORD,
    enrol_totp,
    force_login_with_mfa,
    login_with_mfa,
    recovery_codes,
    totp_code,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

STAFF_HOME = reverse("staff:home")


def password_login(client, user) -> Client:
    response = client.post(reverse("account_login"), {"login": user.username, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    return client


def confirm_password(client) -> None:
    """allauth asks for the password again before any change of second factor."""
    response = client.post(reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD})
    assert response.status_code == 302, response.content.decode()[:2000]


def still_signed_in(client, page: str = STAFF_HOME) -> bool:
    response = client.get(page)
    if response.status_code == 200:
        return True
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session
    return False


def test_changing_the_password_ends_the_other_sessions_and_keeps_this_one():
    caseworker = UserFactory(roles=[Role.CASEWORKER])
    laptop, phone = login_with_mfa(Client(), caseworker), force_login_with_mfa(Client(), caseworker)
    assert still_signed_in(phone)
    new = "a brand new passphrase 2033"
    response = laptop.post(
        reverse("account_change_password"),
        {"oldpassword": DEFAULT_PASSWORD, "password1": new, "password2": new},
    )
    assert response.status_code == 302
    assert still_signed_in(laptop, reverse("cases:case_list"))
    assert not still_signed_in(phone)


def enrol_through_the_pages(client) -> None:
    confirm_password(client)
    client.get(reverse("mfa_activate_totp"))
    secret = client.session["mfa.totp.secret"]
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302 and response["Location"] == reverse("mfa_view_recovery_codes")


def test_adding_an_authenticator_app_ends_the_other_sessions_and_keeps_this_one():
    editor = UserFactory(roles=[Role.DIRECTORY_EDITOR])  # works with a password alone until they enrol
    laptop, phone = password_login(Client(), editor), password_login(Client(), editor)
    assert still_signed_in(phone)
    enrol_through_the_pages(laptop)
    assert still_signed_in(laptop, reverse("mfa_view_recovery_codes"))
    assert still_signed_in(laptop)
    assert not still_signed_in(phone)


def test_enrolling_a_first_authenticator_app_ends_the_other_sessions_and_keeps_this_one():
    """A caseworker with no second factor yet may only enrol: the browser that enrols carries on with its
    second factor recorded (accounts.middleware, which also ends a session that did not use one), the
    other one, signed in with the password alone, ends."""
    caseworker = UserFactory(roles=[Role.CASEWORKER])
    laptop, phone = password_login(Client(), caseworker), password_login(Client(), caseworker)
    assert phone.get(STAFF_HOME)["Location"] == reverse("mfa_activate_totp")  # sent to enrol
    enrol_through_the_pages(laptop)
    assert Authenticator.objects.filter(user=caseworker, type=Authenticator.Type.TOTP).exists()
    assert still_signed_in(laptop, reverse("mfa_view_recovery_codes"))
    assert still_signed_in(laptop, reverse("cases:case_list"))
    assert not still_signed_in(phone)
    assert login_with_mfa(phone, caseworker).get(STAFF_HOME).status_code == 200


def test_removing_the_authenticator_app_ends_the_other_sessions_and_keeps_this_one():
    editor = UserFactory(roles=[Role.DIRECTORY_EDITOR])  # may do without a second factor
    enrol_totp(editor)
    laptop, phone = login_with_mfa(Client(), editor), login_with_mfa(Client(), editor)
    assert still_signed_in(phone)
    confirm_password(laptop)
    response = laptop.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302 and not Authenticator.objects.filter(user=editor).exists()
    assert still_signed_in(laptop)
    assert not still_signed_in(phone)


def test_new_recovery_codes_end_the_other_sessions_and_keep_this_one():
    caseworker = UserFactory(roles=[Role.CASEWORKER])
    laptop, phone = login_with_mfa(Client(), caseworker), force_login_with_mfa(Client(), caseworker)
    assert still_signed_in(phone)
    confirm_password(laptop)
    response = laptop.post(reverse("mfa_generate_recovery_codes"))
    assert response.status_code == 302 and response["Location"] == reverse("mfa_view_recovery_codes")
    assert still_signed_in(laptop, reverse("mfa_view_recovery_codes"))
    assert still_signed_in(laptop, reverse("cases:case_list"))
    assert not still_signed_in(phone)


def test_using_a_second_factor_changes_nothing_for_the_other_sessions():
    """Signing in (a code accepted, a recovery code spent) saves the authenticator, and is no change of it."""
    caseworker = UserFactory(roles=[Role.CASEWORKER])
    phone = login_with_mfa(Client(), caseworker)
    login_with_mfa(Client(), caseworker)
    third = password_login(Client(), caseworker)
    assert third.post(reverse("mfa_authenticate"), {"code": recovery_codes(caseworker)[0]}).status_code == 302
    assert still_signed_in(phone, reverse("cases:case_list"))
