"""Password rules, tried through allauth's pages as a person meets them: at least 10 characters, not a common
password, any composition, no upper limit and nothing cut or changed, the current password asked before a
change, masked fields a password manager can fill; and a reset by the e-mailed link, after which signing in
still asks for the second factor (ASVS 6.2.1-6.2.9, 6.4.3)."""

import re

import pytest
from django.conf import global_settings
from django.test import Client
from django.urls import reverse

from refugiu.accounts.roles import Role
from tests.accounts.mfa import DEFAULT_PASSWORD, enrol_totp, totp_code
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CHANGE = reverse("account_change_password")


def signed_in_editor(client):
    """A directory editor (no second factor needed) signed in through the sign-in page, so that allauth
    does not ask for the password again before a change."""
    editor = UserFactory(roles=[Role.DIRECTORY_EDITOR])
    response = client.post(reverse("account_login"), {"login": editor.username, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    return editor


def change(client, old: str, new: str):
    return client.post(CHANGE, {"oldpassword": old, "password1": new, "password2": new})


def refused(response, message: str) -> bool:
    return response.status_code == 200 and message in response.content.decode()


def signs_in(username: str, password: str, address: str = "127.0.0.1") -> bool:
    credentials = {"login": username, "password": password}
    response = Client().post(reverse("account_login"), credentials, REMOTE_ADDR=address)
    return response.status_code == 302


def password_inputs(page) -> dict[str, str]:
    """{name: the whole <input> tag} of the page's inputs whose name says password."""
    tags = re.findall(r"<input\b[^>]*>", page.content.decode())
    return {
        re.search(r'name="([^"]+)"', tag).group(1): tag
        for tag in tags
        if re.search(r'name="[^"]*password', tag)
    }


# --- the form ---------------------------------------------------------------------------------------------


def test_the_change_asks_for_the_current_password_in_masked_fields_a_manager_can_fill(client):
    editor = signed_in_editor(client)
    page = client.get(CHANGE)
    inputs = password_inputs(page)
    assert set(inputs) == {"oldpassword", "password1", "password2"}
    for name, tag in inputs.items():
        assert 'type="password"' in tag, name
        assert "maxlength" not in tag, name  # any length may be typed
    # Password managers fill and paste freely: the right autocomplete hints, and nothing blocks pasting.
    assert 'autocomplete="current-password"' in inputs["oldpassword"]
    assert 'autocomplete="new-password"' in inputs["password1"]
    assert not re.search(r"on(paste|copy|drop)=", page.content.decode(), re.I)

    new = "lantern river quietly 31"
    missing = client.post(CHANGE, {"password1": new, "password2": new})
    assert refused(missing, "This field is required.")
    assert refused(change(client, "not the current one", new), "Please type your current password.")
    editor.refresh_from_db()
    assert editor.check_password(DEFAULT_PASSWORD)

    assert change(client, DEFAULT_PASSWORD, new).status_code == 302
    editor.refresh_from_db()
    assert editor.check_password(new)


@pytest.mark.parametrize("page", ["account_login", "account_reauthenticate"])
def test_every_page_that_takes_a_password_masks_it(client, page):
    if page != "account_login":
        signed_in_editor(client)
    inputs = password_inputs(client.get(reverse(page)))
    assert inputs and all('type="password"' in tag for tag in inputs.values())


# --- the rules ------------------------------------------------------------------------------------------


def test_fewer_than_10_characters_are_refused(client):
    editor = signed_in_editor(client)
    assert refused(
        change(client, DEFAULT_PASSWORD, "Tr7$kq!z9"),
        "This password is too short. It must contain at least 10 characters.",
    )
    assert change(client, DEFAULT_PASSWORD, "Tr7$kq!z9w").status_code == 302  # ten are enough
    editor.refresh_from_db()
    assert editor.check_password("Tr7$kq!z9w")


@pytest.mark.parametrize("common", ["password123", "qwertyuiop", "1234567890", "iloveyou12", "Baseball12"])
def test_a_common_password_is_refused(client, common):
    editor = signed_in_editor(client)
    assert refused(change(client, DEFAULT_PASSWORD, common), "This password is too common.")
    editor.refresh_from_db()
    assert editor.check_password(DEFAULT_PASSWORD)


def test_no_rule_on_what_a_password_is_made_of(client):
    """Letters only, digits only, spaces, symbols only, any alphabet: all accepted (ASVS 6.2.5)."""
    editor = signed_in_editor(client)
    current = DEFAULT_PASSWORD
    for new in (
        "violetriverstone",
        "493817205516",
        "ţară de munte şi mare",
        "!@#$%^&*()_+{}",
        "ΚΑΛΗΜΕΡΑ ΚΟΣΜΕ ΠΟΛΥ",
    ):
        response = change(client, current, new)
        assert response.status_code == 302, (new, response.content.decode()[:3000])
        editor.refresh_from_db()
        assert editor.check_password(new), new
        current = new


@pytest.fixture
def production_hashers(settings):
    """The hashers of a real installation (refugiu.settings names none: Django's, PBKDF2-SHA256 first). The
    tests' MD5 would prove nothing about what the real hasher keeps of a long password; MD5 stays listed so
    the factories' passwords still check."""
    settings.PASSWORD_HASHERS = [
        *global_settings.PASSWORD_HASHERS,
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]


@pytest.mark.usefixtures("production_hashers")
def test_a_hundred_characters_are_accepted_and_every_one_counts(client):
    """64 characters and more may be chosen (ASVS 6.2.9), and the password is checked as typed: cut at 64
    or 72 characters (bcrypt's limit), with another case, or without its spaces, it does not sign in
    (ASVS 6.2.8)."""
    editor = signed_in_editor(client)
    long = (
        " Correct horse, battery staple: "
        + "a long and quiet walk by the river "
        + "that ends where it began, at 10. "
    )
    assert len(long) == 100
    assert change(client, DEFAULT_PASSWORD, long).status_code == 302
    editor.refresh_from_db()
    algorithm, iterations, _salt, _hash = editor.password.split("$")
    assert (algorithm, iterations) == ("pbkdf2_sha256", "1000000")

    # Each from its own address: five failures from one would lock the account there.
    for number, almost in enumerate((long[:64], long[:72], long[:99], long.strip(), long.upper(), long[1:])):
        assert not signs_in(editor.username, almost, f"203.0.113.{number}"), almost
    assert signs_in(editor.username, long)


# --- a reset keeps the second factor --------------------------------------------------------------------


def test_a_reset_by_the_e_mailed_link_still_asks_for_the_second_factor(client, mailoutbox):
    """Resetting the password signs nobody in; signing in with the new password then asks for the code,
    and without it no staff page opens (ASVS 6.4.3)."""
    caseworker = UserFactory(roles=[Role.CASEWORKER], email="fake.caseworker@example.org")
    secret = enrol_totp(caseworker)
    assert client.post(reverse("account_reset_password"), {"email": caseworker.email}).status_code == 302
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", mailoutbox[-1].body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200
    inputs = password_inputs(form)
    assert set(inputs) == {"password1", "password2"}
    assert all('type="password"' in tag for tag in inputs.values())
    new = "a brand new passphrase 2032"
    response = client.post(form.redirect_chain[-1][0], {"password1": new, "password2": new})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("staff:home")).status_code == 302

    response = client.post(reverse("account_login"), {"login": caseworker.username, "password": new})
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    for page in (reverse("staff:home"), reverse("cases:case_list")):
        blocked = client.get(page)
        assert blocked.status_code == 302 and blocked["Location"].startswith(reverse("account_login")), page

    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(caseworker.pk)
    assert client.get(reverse("cases:case_list")).status_code == 200
