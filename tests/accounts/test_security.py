"""Sign-in protections, tried the way a person meets them: through the test client and the real pages."""

import re
import time

import pytest
from allauth.mfa.models import Authenticator
from django.test import RequestFactory
from django.urls import reverse

from refugiu.accounts.adapter import StaffOnlyAccountAdapter
from refugiu.accounts.middleware import LAST_ACTIVITY_SESSION_KEY
from refugiu.accounts.roles import Role
from refugiu.accounts.security import user_needs_second_factor
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

STAFF_HOME = "/staff/"


def password_login(client, user, password=DEFAULT_PASSWORD, **extra):
    return client.post(reverse("account_login"), {"login": user.username, "password": password}, **extra)


def is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def wrong_code(secret) -> str:
    return "000000" if totp_code(secret) != "000000" else "111111"


def confirm_password(client, password=DEFAULT_PASSWORD):
    """allauth asks for the password again before a second factor is added (MFA_REAUTHENTICATION_REQUIRED)."""
    response = client.post(reverse("account_reauthenticate"), {"password": password})
    assert response.status_code == 302, response.content.decode()[:2000]


# Who is asked for a second factor


@pytest.mark.parametrize(
    ("role", "needed"),
    [
        (Role.CASEWORKER, True),
        (Role.COORDINATOR, True),
        (Role.DATA_PROTECTION_OFFICER, True),
        (Role.DIRECTORY_EDITOR, False),
        (Role.ADMINISTRATOR, True),  # changes roles, users and settings
        (Role.RESEARCHER, False),
        (Role.ORGANIZATION_REPRESENTATIVE, False),  # sees no case data: optional for them
    ],
)
def test_who_needs_a_second_factor(role, needed):
    assert user_needs_second_factor(UserFactory(roles=[role])) is needed
    assert user_needs_second_factor(UserFactory(roles=[Role.DIRECTORY_EDITOR, role])) is needed
    # A superuser, whatever their roles.
    assert user_needs_second_factor(UserFactory(roles=[role], is_superuser=True)) is True


def test_directory_editor_is_never_asked(client):
    editor = UserFactory(roles=[Role.DIRECTORY_EDITOR])
    response = password_login(client, editor)
    assert response.status_code == 302 and response["Location"] == reverse("staff:home")
    assert client.get(STAFF_HOME).status_code == 200


# Enrolment


def test_caseworker_without_a_second_factor_is_sent_to_set_one_up(client):
    caseworker = UserFactory(roles=[Role.CASEWORKER])
    response = password_login(client, caseworker)
    assert response.status_code == 302
    for path in (STAFF_HOME, reverse("directory:search"), "/admin/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp"), path
    # Still allowed: the setup page (after allauth asks for the password again), the language switch and
    # signing out.
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_reauthenticate"))
    assert client.get(response["Location"]).status_code == 200
    confirm_password(client)
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    response = client.post(reverse("set_language"), {"language": "ro", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    client.post(reverse("account_logout"))
    assert not is_signed_in(client)


@pytest.mark.urls("tests.accounts.urls")
def test_private_api_answers_json_not_a_redirect(client):
    caseworker = UserFactory(roles=[Role.CASEWORKER])
    client.force_login(caseworker)
    response = client.get("/api/private-test/")
    assert response.status_code == 403 and "two-factor" in response.json()["detail"]
    # The public directory API is not held back.
    assert client.get("/api/hsds/services").status_code == 200
    force_login_with_mfa(client, caseworker)
    assert client.get("/api/private-test/").json() == {"ok": True, "user": caseworker.username}


def test_activating_the_authenticator_app_through_the_pages(client):
    caseworker = UserFactory(roles=[Role.CASEWORKER])
    password_login(client, caseworker)
    confirm_password(client)
    page = client.get(reverse("mfa_activate_totp")).content.decode()
    # The QR code is drawn inline: nothing is fetched from another host.
    assert 'src="data:image/svg+xml;base64,' in page
    secret = client.session["mfa.totp.secret"]  # where allauth keeps the secret until activation

    response = client.post(reverse("mfa_activate_totp"), {"code": wrong_code(secret)})
    assert response.status_code == 200 and "Incorrect code" in response.content.decode()
    assert not Authenticator.objects.filter(user=caseworker).exists()

    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302 and response["Location"] == reverse("mfa_view_recovery_codes")
    assert Authenticator.objects.filter(user=caseworker, type=Authenticator.Type.TOTP).exists()
    # The code just given proves the person holds the app: this session carries on.
    codes_page = client.get(reverse("mfa_view_recovery_codes"))
    assert codes_page.status_code == 200 and recovery_codes(caseworker)[0] in codes_page.content.decode()
    assert client.get(STAFF_HOME).status_code == 200


def test_activation_sent_after_the_password_check_expired(client):
    """allauth asks for the password again and then completes the activation from that page."""
    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY

    caseworker = UserFactory(roles=[Role.CASEWORKER])
    password_login(client, caseworker)
    confirm_password(client)
    client.get(reverse("mfa_activate_totp"))
    session = client.session
    secret = session["mfa.totp.secret"]
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {**record, "at": record["at"] - 3600} for record in session[AUTHENTICATION_METHODS_SESSION_KEY]
    ]
    session.save()

    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_reauthenticate"))
    response = client.post(response["Location"], {"password": DEFAULT_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("mfa_view_recovery_codes")
    assert client.get(STAFF_HOME).status_code == 200


def test_a_session_without_the_second_factor_is_ended(client):
    """A session from before enrolment, or made some other way, is signed out once an authenticator exists."""
    caseworker = UserFactory(roles=[Role.CASEWORKER])
    enrol_totp(caseworker)
    client.force_login(caseworker)
    response = client.get(STAFF_HOME)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert not is_signed_in(client)


# Signing in with the second factor


def test_sign_in_asks_for_the_code_and_refuses_a_wrong_one(client):
    caseworker = UserFactory(roles=[Role.CASEWORKER])
    secret = enrol_totp(caseworker)
    response = password_login(client, caseworker)
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
    assert not is_signed_in(client)
    assert client.get(STAFF_HOME).status_code == 302

    # The code step is a plain form: it works without JavaScript.
    page = client.get(reverse("mfa_authenticate")).content.decode()
    assert re.search(r'<form[^>]+method="post"[^>]+action="' + reverse("mfa_authenticate"), page)
    assert 'name="code"' in page

    response = client.post(reverse("mfa_authenticate"), {"code": wrong_code(secret)})
    assert response.status_code == 200 and "Incorrect code" in response.content.decode()
    assert not is_signed_in(client)

    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response.status_code == 302 and response["Location"] == reverse("staff:home")
    assert client.get(STAFF_HOME).status_code == 200


def test_a_recovery_code_signs_in_once(client):
    caseworker = UserFactory(roles=[Role.CASEWORKER])
    enrol_totp(caseworker)
    code = recovery_codes(caseworker)[0]
    password_login(client, caseworker)
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 302 and client.get(STAFF_HOME).status_code == 200
    assert code not in recovery_codes(caseworker)


def test_login_helpers(client):
    """The helpers other tests use: both leave a session the middleware accepts."""
    caseworker = UserFactory(roles=[Role.CASEWORKER])
    assert login_with_mfa(client, caseworker).get(STAFF_HOME).status_code == 200
    client.post(reverse("account_logout"))
    assert login_with_mfa(client, caseworker).get(STAFF_HOME).status_code == 200  # same 30 seconds
    coordinator = UserFactory(roles=[Role.COORDINATOR])
    assert force_login_with_mfa(type(client)(), coordinator).get(STAFF_HOME).status_code == 200


# Lockout


def test_lockout_holds_for_the_address_that_failed_only(client):
    editor = UserFactory(roles=[Role.DIRECTORY_EDITOR])
    address_a, address_b = "203.0.113.7", "198.51.100.20"
    for _ in range(5):
        response = password_login(client, editor, "wrong password", REMOTE_ADDR=address_a)
        assert response.status_code == 200 and not is_signed_in(client)
    response = password_login(client, editor, REMOTE_ADDR=address_a)
    assert response.status_code == 200 and not is_signed_in(client)
    assert "Too many failed login attempts" in response.content.decode()

    response = password_login(client, editor, REMOTE_ADDR=address_b)
    assert response.status_code == 302 and is_signed_in(client)


def test_lockout_key_never_holds_the_address():
    request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.7")
    key = StaffOnlyAccountAdapter(request)._get_login_attempts_cache_key(request, username="Someone")
    other = RequestFactory().post("/", REMOTE_ADDR="198.51.100.20")
    other_key = StaffOnlyAccountAdapter(other)._get_login_attempts_cache_key(other, username="someone")
    assert "203.0.113.7" not in key and "someone" in key
    assert key != other_key


# Sessions


def test_idle_session_is_ended(client, settings):
    settings.REFUGIU = {**settings.REFUGIU, "IDLE_TIMEOUT_MINUTES": 1}
    force_login_with_mfa(client, UserFactory(roles=[Role.CASEWORKER]))
    assert client.get(STAFF_HOME).status_code == 200

    def idle_for(seconds):
        session = client.session
        session[LAST_ACTIVITY_SESSION_KEY] = time.time() - seconds
        session.save()

    idle_for(50)
    assert client.get(STAFF_HOME).status_code == 200  # activity within the minute keeps it going
    idle_for(61)
    response = client.get(STAFF_HOME, follow=True)
    assert response.redirect_chain[0][0] == f"{reverse('account_login')}?next={STAFF_HOME}"
    assert "You were signed out after 1 minute without activity" in response.content.decode()
    assert not is_signed_in(client)


@pytest.mark.urls("tests.accounts.urls")
def test_idle_session_on_the_api_gets_401(client, settings):
    force_login_with_mfa(client, UserFactory(roles=[Role.CASEWORKER]))
    assert client.get("/api/private-test/").status_code == 200
    session = client.session
    session[LAST_ACTIVITY_SESSION_KEY] = time.time() - 16 * 60
    session.save()
    response = client.get("/api/private-test/")
    assert response.status_code == 401 and "15 minutes" in response.json()["detail"]


def test_sign_out_ends_every_session_of_that_person(client):
    caseworker = UserFactory(roles=[Role.CASEWORKER])
    laptop, phone = client, type(client)()
    force_login_with_mfa(laptop, caseworker)
    login_with_mfa(phone, caseworker)
    assert laptop.get(STAFF_HOME).status_code == 200 and phone.get(STAFF_HOME).status_code == 200

    laptop.post(reverse("account_logout"))
    response = phone.get(STAFF_HOME)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert not is_signed_in(phone)
    # Signing in again works as before.
    assert login_with_mfa(phone, caseworker).get(STAFF_HOME).status_code == 200


def test_deactivation_ends_sessions(client):
    editor = UserFactory(roles=[Role.DIRECTORY_EDITOR])
    password_login(client, editor)
    assert client.get(STAFF_HOME).status_code == 200
    editor.is_active = False
    editor.save()
    assert client.get(STAFF_HOME).status_code == 302
    # Nor does the old session come back when the account is reactivated.
    editor.is_active = True
    editor.save()
    assert client.get(STAFF_HOME).status_code == 302
    assert not is_signed_in(client)
    assert password_login(client, editor).status_code == 302
    assert client.get(STAFF_HOME).status_code == 200


def test_signing_in_gives_a_new_session_id(client):
    session = client.session
    session["planted"] = True
    session.save()
    planted = session.session_key
    caseworker = UserFactory(roles=[Role.CASEWORKER])
    enrol_totp(caseworker)
    password_login(client, caseworker)
    before_code = client.session.session_key
    login_with_mfa(client, caseworker)
    assert client.session.session_key not in {planted, before_code}


# allauth's pages in our layout

EXTERNAL_ASSET = re.compile(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)=\"(?:https?:)?//", re.I)


def assert_in_our_layout(response):
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="site-header"' in page and 'id="quick-exit"' in page, "not in our layout"
    assert not EXTERNAL_ASSET.search(page), EXTERNAL_ASSET.search(page)
    return page


def test_mfa_pages_render_in_our_layout(client):
    caseworker = UserFactory(roles=[Role.CASEWORKER])
    password_login(client, caseworker)
    assert_in_our_layout(client.get(reverse("account_reauthenticate")))
    confirm_password(client)
    assert_in_our_layout(client.get(reverse("mfa_activate_totp")))
    assert_in_our_layout(client.get(reverse("mfa_index")))

    force_login_with_mfa(client, caseworker)
    for name in (
        "mfa_index",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_deactivate_totp",
        "mfa_list_webauthn",
        "mfa_add_webauthn",
        "mfa_reauthenticate",
    ):
        assert_in_our_layout(client.get(reverse(name)))

    client.post(reverse("account_logout"))
    password_login(client, caseworker)
    assert_in_our_layout(client.get(reverse("mfa_authenticate")))
