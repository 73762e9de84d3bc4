"""How long a personal API token lasts, and what revokes it: the holder's password or second factor
changing, the account being deactivated or losing its case role (refugiu.cases.token_revocation). Each
change is made the way people make it, through allauth's pages or the admin, and the token is then tried
on the API. Every person here is fake (tests.factories)."""

import datetime as dt
import re

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from refugiu.accounts.roles import Role
from refugiu.cases.models import ApiToken
from refugiu.cases.tokens import api_token_create
from refugiu.core.models import AuditEntry
from tests.accounts.mfa import DEFAULT_PASSWORD, force_login_with_mfa, login_with_mfa, totp_code
from tests.cases.factories import DepartmentFactory, caseworker
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a brand new passphrase 2031"


@pytest.fixture
def person():
    return caseworker(DepartmentFactory(), email="caseworker@example.org")


def token_from_page(client, person, days: str = "30") -> str:
    """Make a token on /staff/api-tokens/ in a session signed in with the second factor; the secret."""
    force_login_with_mfa(client, person)
    created = client.post(reverse("tokens:create"), {"name": "Nightly export", "days": days})
    assert created.status_code == 200, created.content.decode()[:2000]
    return re.search(r"rfg_[\w-]+", created.content.decode()).group()


def api_status(secret: str) -> int:
    """What the cases API answers the token, from a client with no session."""
    return Client().get("/api/cases/cases", headers={"Authorization": f"Bearer {secret}"}).status_code


def revocations(person) -> list[dict]:
    return [
        entry.detail
        for entry in AuditEntry.objects.filter(action="accounts.api_token.revoked").order_by("pk")
        if entry.detail.get("holder_id") == person.pk
    ]


def assert_revoked(secret: str, person, reason: str) -> None:
    assert api_status(secret) == 401
    assert not ApiToken.objects.filter(user=person).exists()
    assert [detail["reason"] for detail in revocations(person)] == [reason]
    assert revocations(person)[0]["holder"] == person.username


# --- lifetime -------------------------------------------------------------------------------------------


def options(page) -> list[tuple[str, bool]]:
    select = re.search(r'<select name="days".*?</select>', page.content.decode(), re.S).group()
    found = re.findall(r'<option value="(\d+)"([^>]*)>', select)
    return [(value, "selected" in rest) for value, rest in found]


def test_a_token_made_on_the_page_lasts_30_days_and_no_longer_is_offered(client, person):
    force_login_with_mfa(client, person)
    assert options(client.get(reverse("tokens:list"))) == [("7", False), ("30", True)]
    refused = client.post(reverse("tokens:create"), {"name": "Nightly export", "days": "90"})
    assert refused.status_code == 400 and not ApiToken.objects.exists()

    secret = token_from_page(client, person)
    token = ApiToken.objects.get(user=person)
    assert dt.timedelta(days=29, hours=23) < token.expires_at - timezone.now() <= dt.timedelta(days=30)
    assert api_status(secret) == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() + dt.timedelta(seconds=-1))
    assert api_status(secret) == 401


def test_the_longest_lifetime_is_a_setting(client, person, settings):
    settings.REFUGIU = {**settings.REFUGIU, "API_TOKEN_DAYS": 14}
    force_login_with_mfa(client, person)
    assert options(client.get(reverse("tokens:list"))) == [("7", False), ("14", True)]
    assert client.post(reverse("tokens:create"), {"name": "x", "days": "30"}).status_code == 400
    token_from_page(client, person, days="14")
    assert ApiToken.objects.get().expires_at - timezone.now() <= dt.timedelta(days=14)

    settings.REFUGIU = {**settings.REFUGIU, "API_TOKEN_DAYS": 90}
    assert options(client.get(reverse("tokens:list"))) == [("7", False), ("30", False), ("90", True)]


# --- what revokes it ------------------------------------------------------------------------------------


def test_changing_the_password_revokes_the_tokens(client, person):
    secret = token_from_page(client, person)
    other = api_token_create(user=caseworker(), name="someone else's")[1]
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": DEFAULT_PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert_revoked(secret, person, "password_changed")
    assert api_status(other) == 200  # only the holder's own tokens


def test_resetting_the_password_revokes_the_tokens(client, person, mailoutbox):
    secret = token_from_page(client, person)
    visitor = Client()
    assert visitor.post(reverse("account_reset_password"), {"email": person.email}).status_code == 302
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", mailoutbox[-1].body).group(1)
    form = visitor.get(link, follow=True)
    assert form.status_code == 200 and "password1" in form.content.decode()
    new_password = {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    response = visitor.post(form.redirect_chain[-1][0], new_password)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert_revoked(secret, person, "password_changed")


@pytest.fixture
def admin():
    """A client signed in to /admin/ as an administrator (with a second factor: harmless if not needed)."""
    return force_login_with_mfa(
        Client(), UserFactory(is_staff=True, is_superuser=True, roles=[Role.ADMINISTRATOR])
    )


def test_the_admin_setting_a_password_revokes_the_tokens(client, person, admin):
    secret = token_from_page(client, person)
    response = admin.post(
        reverse("admin:auth_user_password_change", args=[person.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert_revoked(secret, person, "password_changed")


def test_deactivating_the_account_in_the_admin_revokes_the_tokens(client, person, admin):
    secret = token_from_page(client, person)
    url = reverse("admin:accounts_user_change", args=[person.pk])
    form = admin_form_data(admin.get(url).content.decode())
    form.pop("is_active", None)  # the box unticked
    response = admin.post(url, form)
    assert response.status_code == 302, response.content.decode()[:3000]
    person.refresh_from_db()
    assert not person.is_active
    assert_revoked(secret, person, "account_deactivated")


def confirm_password(client) -> None:
    """allauth asks for the password again before a second factor is changed."""
    response = client.post(reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD})
    assert response.status_code == 302, response.content.decode()[:2000]


def test_removing_the_authenticator_app_revokes_the_tokens(client, person):
    secret = token_from_page(client, person)
    confirm_password(client)
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not Authenticator.objects.filter(user=person, type=Authenticator.Type.TOTP).exists()
    assert api_status(secret) == 401
    assert {detail["reason"] for detail in revocations(person)} == {"second_factor_removed"}


def test_adding_an_authenticator_app_revokes_the_tokens(client, person):
    """A person whose app was removed (by an administrator, say) sets up a new one: the tokens made under
    the old one go."""
    secret = token_from_page(client, person)
    token = ApiToken.objects.get(user=person)
    Authenticator.objects.filter(user=person).delete()  # as an administrator's removal does
    assert api_status(secret) == 401 and not ApiToken.objects.filter(pk=token.pk).exists()
    assert [detail["reason"] for detail in revocations(person)] == ["second_factor_removed"]
    # Made without a second factor by the service itself (the page would refuse): what the addition
    # must revoke.
    kept_until_enrolment = api_token_create(user=person, name="made before the new app")[1]
    assert api_status(kept_until_enrolment) == 200

    enrolling = Client()
    enrolling.post(reverse("account_login"), {"login": person.username, "password": DEFAULT_PASSWORD})
    confirm_password(enrolling)
    enrolling.get(reverse("mfa_activate_totp"))
    secret_of_app = enrolling.session["mfa.totp.secret"]
    response = enrolling.post(reverse("mfa_activate_totp"), {"code": totp_code(secret_of_app)})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert api_status(kept_until_enrolment) == 401
    assert revocations(person)[-1]["reason"] == "second_factor_added"


def test_new_recovery_codes_revoke_the_tokens(client, person):
    secret = token_from_page(client, person)
    confirm_password(client)
    response = client.post(reverse("mfa_generate_recovery_codes"))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert api_status(secret) == 401
    # allauth deletes the old codes and makes new ones: the deletion revokes, the addition finds none left.
    [detail] = revocations(person)
    assert (detail["reason"], detail["authenticator"]) == ("second_factor_removed", "recovery_codes")


def test_losing_the_case_role_revokes_the_tokens(client, person):
    secret = token_from_page(client, person)
    person.role_assignments.update(role=Role.DIRECTORY_EDITOR)  # no signal: still refused at use
    assert api_status(secret) == 401 and ApiToken.objects.filter(user=person).exists()
    person.role_assignments.update(role=Role.CASEWORKER)
    assert api_status(secret) == 200
    assignment = person.role_assignments.get()
    assignment.department = DepartmentFactory()  # moved to another department: still on cases
    assignment.save()
    assert api_status(secret) == 200
    person.role_assignments.all().delete()
    assert_revoked(secret, person, "case_role_removed")


# --- what does not ------------------------------------------------------------------------------------


def test_signing_out_and_in_again_keeps_the_tokens(client, person, settings):
    """Tokens are for programs that run without a browser: signing out (which ends every browser session
    of the person), signing in again with a code, and the hash upgrade of the password at sign-in leave
    them working."""
    secret = token_from_page(client, person)
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    login_with_mfa(Client(), person)
    person.refresh_from_db()
    assert person.password.startswith("pbkdf2_")  # upgraded at sign-in: no change of password
    assert api_status(secret) == 200
    assert revocations(person) == []


# --- the admin's change form, as a browser would send it back -------------------------------------------


def admin_form_data(html: str) -> dict:
    """The values of the admin change form's inputs, selects and text areas, as the page shows them."""
    form = re.search(r'<form[^>]*id="user_form".*?</form>', html, re.S).group()
    data: dict = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        kind = re.search(r'type="([^"]+)"', tag)
        if not name or (kind and kind.group(1) in {"submit", "button", "file"}):
            continue
        if kind and kind.group(1) == "checkbox":
            if "checked" in tag:
                data[name.group(1)] = "on"
            continue
        value = re.search(r'value="([^"]*)"', tag)
        data[name.group(1)] = value.group(1) if value else ""
    for name, options_html in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.findall(r'<option value="([^"]*)"[^>]*selected', options_html)
        if chosen:
            data[name] = chosen if len(chosen) > 1 else chosen[0]
    for name, text in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        data[name] = text.strip()
    return data
