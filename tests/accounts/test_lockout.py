"""Lockouts and limits on the sign-in and password-reset pages, tried through the real pages.

Wrong second-factor codes lock one person at one address, like wrong passwords (tests/accounts/
test_security.py): someone who learnt a password cannot keep its owner out from elsewhere. The password
reset says the same for every address typed, is limited, and its e-mail for an unknown address sends
nobody to the sign-up page (there is none: an administrator makes the accounts).
"""

import json

import pytest
from django.core import mail
from django.db import connection
from django.test import Client, RequestFactory
from django.urls import reverse
from fido2.utils import websafe_encode

from refugiu.accounts.roles import Role
from refugiu.core.addresses import client_address
from tests.accounts.mfa import enrol_totp, login_with_mfa, recovery_codes, totp_code
from tests.accounts.test_security import is_signed_in, password_login, wrong_code
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ADDRESS_A, ADDRESS_B = "203.0.113.7", "198.51.100.20"
LOCKED = "Too many failed login attempts"


def at_the_code_step(user, address) -> Client:
    client = Client()
    response = password_login(client, user, REMOTE_ADDR=address)
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
    return client


def send_code(client, code, address):
    return client.post(reverse("mfa_authenticate"), {"code": code}, REMOTE_ADDR=address)


def test_wrong_codes_lock_the_person_at_that_address_only():
    caseworker = UserFactory(roles=[Role.CASEWORKER])
    secret = enrol_totp(caseworker)
    colleague = UserFactory(roles=[Role.CASEWORKER])

    attacker = at_the_code_step(caseworker, ADDRESS_A)
    for _ in range(5):
        response = send_code(attacker, wrong_code(secret), ADDRESS_A)
        assert response.status_code == 200 and "Incorrect code" in response.content.decode()
    # From that address, even the right code is now refused.
    response = send_code(attacker, totp_code(secret), ADDRESS_A)
    assert response.status_code == 200 and LOCKED in response.content.decode()
    assert not is_signed_in(attacker)

    # The person signs in from the office with the right code.
    assert is_signed_in(login_with_mfa(Client(), caseworker, REMOTE_ADDR=ADDRESS_B))
    # Someone else signing in from the locked address is not affected.
    assert is_signed_in(login_with_mfa(Client(), colleague, REMOTE_ADDR=ADDRESS_A))


def test_a_right_code_clears_that_address_failures():
    caseworker = UserFactory(roles=[Role.CASEWORKER])
    secret = enrol_totp(caseworker)
    client = at_the_code_step(caseworker, ADDRESS_A)
    for _ in range(4):
        send_code(client, wrong_code(secret), ADDRESS_A)
    assert is_signed_in(login_with_mfa(client, caseworker, REMOTE_ADDR=ADDRESS_A))
    client.post(reverse("account_logout"), REMOTE_ADDR=ADDRESS_A)
    client = at_the_code_step(caseworker, ADDRESS_A)
    for _ in range(4):
        response = send_code(client, wrong_code(secret), ADDRESS_A)
        assert "Incorrect code" in response.content.decode()


def test_confirming_with_a_code_before_a_sensitive_change_counts_the_same_way():
    """allauth asks for the code again (re-authentication) through our form too."""
    caseworker = UserFactory(roles=[Role.CASEWORKER])
    secret = enrol_totp(caseworker)
    client = login_with_mfa(Client(), caseworker, REMOTE_ADDR=ADDRESS_A)
    for _ in range(5):
        response = client.post(
            reverse("mfa_reauthenticate"), {"code": wrong_code(secret)}, REMOTE_ADDR=ADDRESS_A
        )
        assert "Incorrect code" in response.content.decode()
    response = client.post(reverse("mfa_reauthenticate"), {"code": totp_code(secret)}, REMOTE_ADDR=ADDRESS_A)
    assert LOCKED in response.content.decode()

    # From the office, the person confirms (with a recovery code: the app's current code was just used).
    other = login_with_mfa(Client(), caseworker, REMOTE_ADDR=ADDRESS_B)
    code = recovery_codes(caseworker)[0]
    response = other.post(reverse("mfa_reauthenticate"), {"code": code}, REMOTE_ADDR=ADDRESS_B)
    assert response.status_code == 302


def forged_security_key_answer() -> str:
    """A well-formed WebAuthn assertion from a key nobody enrolled: what anyone can send, as often as
    they like, to the code page's security-key form."""
    raw_id = websafe_encode(b"\x01" * 16)
    client_data = json.dumps({"type": "webauthn.get", "challenge": "AAAA", "origin": "http://testserver"})
    authenticator_data = b"\x00" * 32 + b"\x01" + b"\x00\x00\x00\x01"  # RP id hash, flags, counter
    return json.dumps(
        {
            "id": raw_id,
            "rawId": raw_id,
            "type": "public-key",
            "response": {
                "clientDataJSON": websafe_encode(client_data.encode()),
                "authenticatorData": websafe_encode(authenticator_data),
                "signature": websafe_encode(b"\x00" * 64),
            },
            "clientExtensionResults": {},
        }
    )


def test_forged_security_key_answers_lock_that_address_only():
    caseworker = UserFactory(roles=[Role.CASEWORKER])
    secret = enrol_totp(caseworker)
    attacker = at_the_code_step(caseworker, ADDRESS_A)
    attacker.get(reverse("mfa_authenticate"), REMOTE_ADDR=ADDRESS_A)  # the page starts the key's challenge
    for _ in range(5):
        response = attacker.post(
            reverse("mfa_authenticate"), {"credential": forged_security_key_answer()}, REMOTE_ADDR=ADDRESS_A
        )
        assert response.status_code == 200 and not is_signed_in(attacker)
    response = send_code(attacker, totp_code(secret), ADDRESS_A)
    assert LOCKED in response.content.decode() and not is_signed_in(attacker)

    assert is_signed_in(login_with_mfa(Client(), caseworker, REMOTE_ADDR=ADDRESS_B))


def test_the_limits_count_by_the_connection_not_by_what_the_client_says():
    """X-Forwarded-For is written by the client: trusting it would give a guesser a new address per try."""
    editor = UserFactory(roles=[Role.DIRECTORY_EDITOR])
    client = Client()
    for number in range(5):
        password_login(
            client, editor, "wrong password", REMOTE_ADDR=ADDRESS_A, HTTP_X_FORWARDED_FOR=f"10.0.0.{number}"
        )
    response = password_login(client, editor, REMOTE_ADDR=ADDRESS_A, HTTP_X_FORWARDED_FOR="10.0.0.99")
    assert LOCKED in response.content.decode() and not is_signed_in(client)


@pytest.mark.parametrize(
    ("remote_addr", "counted_as"),
    [
        ("203.0.113.7", "203.0.113.7"),
        # One connection is given a whole IPv6 network: its addresses count as one.
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::"),
        ("2001:db8:1:2:ffff::1", "2001:db8:1:2::"),
    ],
)
def test_client_address(remote_addr, counted_as):
    request = RequestFactory().post("/", REMOTE_ADDR=remote_addr, HTTP_X_FORWARDED_FOR="192.0.2.1")
    assert client_address(request) == counted_as


def test_the_cache_table_never_holds_an_address_in_clear(client):
    """allauth names the address in its own counters' keys; the cache stores a keyed hash of every key."""
    editor = UserFactory(roles=[Role.DIRECTORY_EDITOR])
    password_login(client, editor, "wrong password", REMOTE_ADDR=ADDRESS_A)
    client.post(reverse("account_reset_password"), {"email": editor.email}, REMOTE_ADDR=ADDRESS_A)
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM refugiu_cache")
        keys = [key for (key,) in cursor.fetchall()]
    assert keys
    for key in keys:
        assert ADDRESS_A not in key and editor.username not in key and editor.email not in key


def test_a_flood_of_other_counters_does_not_push_a_lockout_out():
    """The cache table is culled past its MAX_ENTRIES, live rows included: 1,000 other counters (what 1,000
    other addresses failing once would leave) must not free a locked username."""
    from django.core.cache import cache

    editor = UserFactory(roles=[Role.DIRECTORY_EDITOR])
    client = Client()
    for _ in range(5):
        password_login(client, editor, "wrong password", REMOTE_ADDR=ADDRESS_A)
    for number in range(1000):
        cache.set(f"another counter {number}", [1.0], 600)
    response = password_login(client, editor, REMOTE_ADDR=ADDRESS_A)
    assert LOCKED in response.content.decode() and not is_signed_in(client)


# --- Password reset ---------------------------------------------------------------------------------


def ask_for_reset(client, email, address=ADDRESS_A):
    return client.post(reverse("account_reset_password"), {"email": email}, REMOTE_ADDR=address)


def test_the_reset_page_answers_the_same_for_known_and_unknown_addresses():
    editor = UserFactory(roles=[Role.DIRECTORY_EDITOR])
    known = ask_for_reset(Client(), editor.email)
    unknown = ask_for_reset(Client(), "nobody.here@example.org")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("account_reset_password_done")
    assert known.content == unknown.content
    # Each address gets one e-mail: whoever asked learns nothing from the page.
    assert [message.to for message in mail.outbox] == [[editor.email], ["nobody.here@example.org"]]


def test_the_e_mail_for_an_unknown_address_sends_nobody_to_a_sign_up_page(client):
    ask_for_reset(client, "nobody.here@example.org")
    (message,) = mail.outbox
    assert message.to == ["nobody.here@example.org"]
    assert "No account uses this e-mail address" in message.subject
    body = message.body
    assert reverse("account_signup") not in body and "sign up" not in body.lower() and "signup" not in body
    assert "No account here uses this address" in body
    assert "Accounts are made by your organisation's administrator" in body


def test_asking_for_resets_is_limited_per_e_mail_address_and_per_connection():
    editor = UserFactory(roles=[Role.DIRECTORY_EDITOR])
    for number in range(3):
        assert ask_for_reset(Client(), editor.email, f"192.0.2.{number + 1}").status_code == 302
    response = ask_for_reset(Client(), editor.email.upper(), "192.0.2.50")
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many requests" in html and "Nothing was sent or saved." in html
    assert len(mail.outbox) == 3

    # One connection asking for many addresses: 10 an hour.
    mail.outbox.clear()
    client = Client()
    for number in range(10):
        assert ask_for_reset(client, f"person{number}@example.org").status_code == 302
    assert ask_for_reset(client, "person10@example.org").status_code == 429
    assert len(mail.outbox) == 10
    assert ask_for_reset(client, "person10@example.org", ADDRESS_B).status_code == 302
