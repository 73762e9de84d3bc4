"""The security trail: each sign-in, failure, lockout, second-factor and password event leaves an entry in
the audit log naming the account, through the real pages, and the DPO's "security events" filter lists them.

Nothing secret or typed reaches the log: no password, code or e-mail address (tests at the end).
"""

import json
import re

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from django.urls import reverse

from refugiu.accounts.roles import Role
from refugiu.cases.gdpr.audit_words import action_label
from refugiu.core.audit import audit_record
from refugiu.core.models import AuditEntry
from tests.accounts.mfa import (
    DEFAULT_PASSWORD,
    enrol_totp,
    force_login_with_mfa,
    login_with_mfa,
    totp_code,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.9"
NEW_PASSWORD = "a brand new passphrase 42"


def password_login(client, username, password=DEFAULT_PASSWORD, **extra):
    return client.post(reverse("account_login"), {"login": username, "password": password}, **extra)


def trail(action: str, **where):
    return list(AuditEntry.objects.filter(action=action, **where).order_by("id"))


def one(action: str, **where) -> AuditEntry:
    entries = trail(action, **where)
    assert len(entries) == 1, (action, [(e.actor_name, e.action, e.detail) for e in entries])
    return entries[0]


def names_the_account(entry: AuditEntry, user) -> None:
    assert entry.actor_id == user.pk and entry.actor_name == user.username
    assert (entry.object_type, entry.object_id) == ("accounts.user", str(user.pk))
    assert entry.detail["username"] == user.username


def wrong_code(secret) -> str:
    return "000000" if totp_code(secret) != "000000" else "111111"


# Sign-ins


def test_a_sign_in_is_recorded_with_the_second_factor_it_used(client):
    caseworker = UserFactory(roles=[Role.CASEWORKER])
    login_with_mfa(client, caseworker, REMOTE_ADDR=ADDRESS)
    entry = one("accounts.signin.succeeded")
    names_the_account(entry, caseworker)
    assert entry.detail["methods"] == ["mfa", "password"]
    assert entry.address == ADDRESS


def test_a_password_alone_is_not_a_sign_in_when_a_code_is_due(client):
    caseworker = UserFactory(roles=[Role.CASEWORKER])
    enrol_totp(caseworker)
    assert password_login(client, caseworker.username).status_code == 302
    assert not trail("accounts.signin.succeeded")


def test_a_failed_sign_in_names_the_account_and_keeps_the_username_typed_not_the_password(client):
    editor = UserFactory(roles=[Role.DIRECTORY_EDITOR])
    response = password_login(client, editor.username.upper(), "not the password 1", REMOTE_ADDR=ADDRESS)
    assert response.status_code == 200
    entry = one("accounts.signin.failed")
    names_the_account(entry, editor)
    assert entry.detail["typed"] == editor.username.upper() and entry.address == ADDRESS
    assert "not the password 1" not in json.dumps(list(AuditEntry.objects.values()), default=str)


def test_a_failed_sign_in_for_an_unknown_username_invents_no_actor(client):
    password_login(client, "nobody-of-ours", "whatever it was")
    entry = one("accounts.signin.failed")
    assert entry.actor_id is None and entry.actor_name == "" and entry.object_id == ""
    assert entry.detail == {"typed": "nobody-of-ours"}


def test_a_lockout_is_recorded(client):
    editor = UserFactory(roles=[Role.DIRECTORY_EDITOR])
    for _ in range(5):
        password_login(client, editor.username, "wrong password", REMOTE_ADDR=ADDRESS)
    response = password_login(client, editor.username, REMOTE_ADDR=ADDRESS)
    assert "Too many failed login attempts" in response.content.decode()
    assert len(trail("accounts.signin.failed", actor=editor)) == 5
    entry = one("accounts.signin.locked")
    names_the_account(entry, editor)
    assert entry.address == ADDRESS and entry.detail["step"] == "password"
    # The correct password typed during the lockout is not a sign-in, and not a failure either.
    assert not trail("accounts.signin.succeeded")


def test_a_wrong_second_factor_code_is_recorded(client):
    caseworker = UserFactory(roles=[Role.CASEWORKER])
    secret = enrol_totp(caseworker)
    password_login(client, caseworker.username)
    response = client.post(reverse("mfa_authenticate"), {"code": wrong_code(secret)})
    assert "Incorrect code" in response.content.decode()
    entry = one("accounts.mfa.code_refused")
    names_the_account(entry, caseworker)
    assert entry.detail["type"] == "totp" and entry.detail["reauthentication"] is False
    assert wrong_code(secret) not in json.dumps(entry.detail)


def test_a_lockout_at_the_code_step_is_recorded(client):
    caseworker = UserFactory(roles=[Role.CASEWORKER])
    secret = enrol_totp(caseworker)
    password_login(client, caseworker.username)
    for _ in range(5):
        client.post(reverse("mfa_authenticate"), {"code": wrong_code(secret)})
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert "Too many failed login attempts" in response.content.decode()
    assert len(trail("accounts.mfa.code_refused", actor=caseworker)) == 5
    entry = one("accounts.signin.locked")
    names_the_account(entry, caseworker)
    assert entry.detail["step"] == "code"


# Second factors


def test_enrolling_through_the_pages_is_recorded(client, django_capture_on_commit_callbacks):
    caseworker = UserFactory(roles=[Role.CASEWORKER])
    password_login(client, caseworker.username)
    client.post(reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD})
    client.get(reverse("mfa_activate_totp"))
    secret = client.session["mfa.totp.secret"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    entries = trail("accounts.mfa.enrolled", actor=caseworker)
    assert sorted(entry.detail["type"] for entry in entries) == ["recovery_codes", "totp"]
    names_the_account(entries[0], caseworker)
    assert secret not in json.dumps([entry.detail for entry in entries])


def test_new_recovery_codes_and_removing_the_app_are_recorded(client, django_capture_on_commit_callbacks):
    editor = UserFactory(roles=[Role.DIRECTORY_EDITOR])  # free to remove their second factor
    login_with_mfa(client, editor)
    client.post(reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD})  # allauth asks first
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mfa_generate_recovery_codes"))
    assert response.status_code == 302
    names_the_account(one("accounts.mfa.recovery_codes_regenerated"), editor)

    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302 and not Authenticator.objects.filter(user=editor).exists()
    removed = trail("accounts.mfa.removed", actor=editor)
    assert sorted(entry.detail["type"] for entry in removed) == ["recovery_codes", "totp"]


# Passwords


def test_changing_ones_password_is_recorded(client):
    caseworker = UserFactory(roles=[Role.CASEWORKER])
    login_with_mfa(client, caseworker)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": DEFAULT_PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    names_the_account(one("accounts.password.changed"), caseworker)


def test_a_password_reset_asked_for_and_completed_is_recorded(client):
    editor = UserFactory(roles=[Role.DIRECTORY_EDITOR], email="fake.editor@example.org")
    response = client.post(reverse("account_reset_password"), {"email": "Fake.Editor@example.org"})
    assert response.status_code == 302
    names_the_account(one("accounts.password.reset_requested"), editor)

    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mail.outbox[-1].body).group(1)
    form = client.get(link, follow=True)
    response = client.post(form.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    names_the_account(one("accounts.password.reset"), editor)


def test_a_reset_for_an_unknown_address_keeps_no_address(client):
    client.post(reverse("account_reset_password"), {"email": "someone.else@example.org"})
    client.post(reverse("account_reset_password"), {"email": "SOMEONE.else@example.org"})
    client.post(reverse("account_reset_password"), {"email": "a.third@example.org"})
    entries = trail("accounts.password.reset_requested")
    assert [entry.actor_id for entry in entries] == [None, None, None]
    assert all(entry.detail["known"] is False for entry in entries)
    # The same address twice can be told from another one, without the log holding any address.
    hashes = [entry.detail["email_hash"] for entry in entries]
    assert hashes[0] == hashes[1] != hashes[2]
    assert "example.org" not in json.dumps(list(AuditEntry.objects.values()), default=str)


def test_changing_the_e_mail_address_asks_for_the_password_again_and_is_recorded(client):
    """Reset links go to the account's e-mail addresses: a session left open must not redirect them. A
    session without a recent password (here: made without the sign-in page) is asked for it first."""
    trainer = UserFactory(roles=[Role.PROGRAMME_STAFF], email="fake.trainer@example.org")
    client.force_login(trainer)
    add = {"action_add": "", "email": "fake.trainer.elsewhere@example.org"}
    response = client.post(reverse("account_email"), add)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_reauthenticate"))
    assert not trainer.emailaddress_set.filter(email=add["email"]).exists()

    response = client.post(reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert client.post(reverse("account_email"), add).status_code == 302
    assert trainer.emailaddress_set.filter(email=add["email"]).exists()
    entry = one("accounts.email.added")
    names_the_account(entry, trainer)
    assert len(entry.detail["email_hash"]) == 32
    assert "elsewhere" not in json.dumps(list(AuditEntry.objects.values()), default=str)


# The DPO's view


def test_the_dpos_security_filter_lists_the_security_trail_only(client):
    caseworker = UserFactory(roles=[Role.CASEWORKER])
    password_login(client, "nobody-of-ours", "x")
    login_with_mfa(client, caseworker)
    audit_record(actor=caseworker, action="cases.case.listed", detail={"cases": []})
    audit_record(actor=caseworker, action="cases.case.break_glass")
    audit_record(actor=caseworker, action="cases.task.access_refused")

    force_login_with_mfa(client, UserFactory(roles=[Role.DATA_PROTECTION_OFFICER]))
    response = client.post(reverse("dpo:audit"), {"kind": "security"})
    assert response.status_code == 302 and response["Location"] == reverse("dpo:audit") + "?kind=security"
    page = client.get(response["Location"]).content.decode()
    for action in (
        "accounts.signin.failed",
        "accounts.signin.succeeded",
        "cases.case.break_glass",
        "cases.task.access_refused",
    ):
        assert f"<td>{action_label(action)}</td>" in page, action  # in words (cases.gdpr.audit_words)
    assert f"<td>{action_label('cases.case.listed')}</td>" not in page
    assert "nobody-of-ours" in page  # the username typed, in the entry's detail
    assert 'value="security" selected' in page  # the filter stays chosen
    # The CSV export follows the filter.
    csv = b"".join(client.get(reverse("dpo:audit_export") + "?kind=security").streaming_content).decode()
    assert "accounts.signin.succeeded" in csv and "cases.case.listed" not in csv
