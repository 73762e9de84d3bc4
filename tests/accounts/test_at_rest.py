"""Second factors at rest: the authenticator app's secret and the recovery codes' seed are stored encrypted
with the application key (accounts.adapter.EncryptedSecretsMFAAdapter), and everything allauth does with
them still works through the real pages: enrolment, the code at sign-in, a recovery code, new codes."""

import importlib
import shutil
import subprocess
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from refugiu.accounts.adapter import EncryptedSecretsMFAAdapter
from refugiu.accounts.roles import Role
from refugiu.core import crypto
from tests.accounts.mfa import (
    DEFAULT_PASSWORD,
    enrol_totp,
    login_with_mfa,
    recovery_codes,
    totp_code,
    totp_secret,
)
from tests.factories import UserFactory
from tests.installation import postgres_url

STAFF_HOME = "/staff/"


def authenticator(user, kind) -> Authenticator:
    return Authenticator.objects.get(user_id=user.pk, type=kind)


def recovery_seed(user) -> str:
    return crypto.decrypt_text(authenticator(user, Authenticator.Type.RECOVERY_CODES).data["seed"])


def signs_in_with(user, code: str, client) -> bool:
    response = client.post(reverse("account_login"), {"login": user.username, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    return response.status_code == 302 and client.get(STAFF_HOME).status_code == 200


def enrol_through_the_pages(client, user) -> str:
    """Sign in with the password and set up the authenticator app on allauth's pages; returns its secret."""
    client.post(reverse("account_login"), {"login": user.username, "password": DEFAULT_PASSWORD})
    client.post(reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD})
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    secret = client.session["mfa.totp.secret"]
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302 and response["Location"] == reverse("mfa_view_recovery_codes")
    return secret


def raw_database_text() -> str:
    """What a copy of the database shows: on SQLite the database file's bytes (after a checkpoint of the
    write-ahead log, plus whatever the log still holds); on PostgreSQL the authenticators' raw column text
    by SQL, and a pg_dump of the table when pg_dump is on the PATH."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        name = Path(connection.settings_dict["NAME"])
        files = [name, name.with_name(name.name + "-wal")]
        return b"".join(path.read_bytes() for path in files if path.exists()).decode("latin-1")
    with connection.cursor() as cursor:
        cursor.execute("SELECT data::text FROM mfa_authenticator")
        text = "\n".join(row[0] for row in cursor.fetchall())
    pg_dump = shutil.which("pg_dump")
    if pg_dump:
        dump = subprocess.run(  # noqa: S603 - a fixed local tool, the test database
            [
                pg_dump,
                "--data-only",
                "--table=mfa_authenticator",
                postgres_url(connection.settings_dict["NAME"]),
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert "COPY public.mfa_authenticator" in dump
        text += "\n" + dump
    return text


@pytest.mark.django_db(transaction=True)  # committed, so that it is in the file or visible to pg_dump
def test_the_secret_and_the_recovery_seed_are_not_in_the_raw_database(client):
    caseworker = UserFactory(roles=[Role.CASEWORKER])
    secret = enrol_through_the_pages(client, caseworker)
    seed = recovery_seed(caseworker)
    stored = authenticator(caseworker, Authenticator.Type.TOTP).data["secret"]
    assert stored.startswith(crypto.PREFIX)

    text = raw_database_text()
    assert stored in text, "the copy does not hold the authenticators at all"
    assert secret not in text
    assert seed not in text


@pytest.mark.django_db
def test_enrolment_on_the_pages_stores_the_secret_encrypted_and_its_codes_sign_in(client):
    caseworker = UserFactory(roles=[Role.CASEWORKER])
    secret = enrol_through_the_pages(client, caseworker)
    totp = authenticator(caseworker, Authenticator.Type.TOTP)
    assert totp.data["secret"] != secret and crypto.decrypt_text(totp.data["secret"]) == secret
    assert authenticator(caseworker, Authenticator.Type.RECOVERY_CODES).data["seed"].startswith(crypto.PREFIX)
    # The recovery codes page shows the codes, derived from the decrypted seed.
    page = client.get(reverse("mfa_view_recovery_codes")).content.decode()
    assert recovery_codes(caseworker)[0] in page

    client.post(reverse("account_logout"))
    assert signs_in_with(caseworker, totp_code(secret), client)


@pytest.mark.django_db
def test_a_recovery_code_signs_in_once_with_the_seed_encrypted(client):
    caseworker = UserFactory(roles=[Role.CASEWORKER])
    enrol_totp(caseworker)
    code = recovery_codes(caseworker)[0]
    assert signs_in_with(caseworker, code, client)
    client.post(reverse("account_logout"))
    assert not signs_in_with(caseworker, code, client)


@pytest.mark.django_db
def test_new_recovery_codes_from_the_page_get_a_new_encrypted_seed(client):
    caseworker = UserFactory(roles=[Role.CASEWORKER])
    login_with_mfa(client, caseworker)
    old_codes, old_stored = (
        recovery_codes(caseworker),
        authenticator(caseworker, "recovery_codes").data["seed"],
    )

    # allauth asks for the password again before new codes (as before any change of a second factor).
    client.post(reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD})
    response = client.post(reverse("mfa_generate_recovery_codes"))
    assert response.status_code == 302 and response["Location"] == reverse("mfa_view_recovery_codes")
    new_codes, new_stored = (
        recovery_codes(caseworker),
        authenticator(caseworker, "recovery_codes").data["seed"],
    )
    assert new_stored != old_stored and new_stored.startswith(crypto.PREFIX)
    assert set(new_codes).isdisjoint(old_codes)

    client.post(reverse("account_logout"))
    assert not signs_in_with(caseworker, old_codes[0], client)
    client.post(reverse("account_logout"))
    assert signs_in_with(caseworker, new_codes[0], client)


def test_the_adapter_refuses_a_secret_that_is_not_our_ciphertext():
    with pytest.raises(InvalidToken):
        EncryptedSecretsMFAAdapter().decrypt("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")


@pytest.mark.django_db
def test_the_migration_encrypts_existing_plaintext_secrets_and_going_back_decrypts_them():
    migration = importlib.import_module("refugiu.accounts.migrations.0004_mfa_secrets_encrypted")
    caseworker = UserFactory(roles=[Role.CASEWORKER])
    plain = {
        Authenticator.Type.TOTP: {"secret": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"},
        Authenticator.Type.RECOVERY_CODES: {
            "seed": "9f" * 40,
            "used_mask": 1,
            "migrated_codes": ["12345678", "87654321"],
        },
        Authenticator.Type.WEBAUTHN: {"credential": {"id": "public-key-id"}},
    }
    # As allauth stored them before the adapter encrypted anything: written past it.
    for kind, data in plain.items():
        Authenticator.objects.create(user=caseworker, type=kind, data=data)

    migration.secrets_encrypt(apps, None)
    migration.secrets_encrypt(apps, None)  # and a second run changes nothing
    totp = authenticator(caseworker, Authenticator.Type.TOTP)
    codes = authenticator(caseworker, Authenticator.Type.RECOVERY_CODES)
    assert totp.data["secret"].startswith(crypto.PREFIX)
    assert crypto.decrypt_text(totp.data["secret"]) == plain[Authenticator.Type.TOTP]["secret"]
    assert crypto.decrypt_text(codes.data["seed"]) == "9f" * 40 and codes.data["used_mask"] == 1
    assert [crypto.decrypt_text(c) for c in codes.data["migrated_codes"]] == ["12345678", "87654321"]
    assert authenticator(caseworker, Authenticator.Type.WEBAUTHN).data == plain[Authenticator.Type.WEBAUTHN]
    assert TOTP(totp).validate_code(totp_code(plain[Authenticator.Type.TOTP]["secret"]))
    assert codes.wrap().get_unused_codes() == ["12345678", "87654321"]

    migration.secrets_decrypt(apps, None)
    for kind, data in plain.items():
        assert authenticator(caseworker, kind).data == data


@pytest.mark.django_db
def test_rotate_keys_reencrypts_the_second_factors(own_keys, client):
    caseworker = UserFactory(roles=[Role.CASEWORKER])
    secret = enrol_totp(caseworker)
    seed = recovery_seed(caseworker)
    (old_key,) = crypto.keys_load()

    call_command("rotate_keys", stdout=None)

    crypto.keys_reset()
    stored = authenticator(caseworker, Authenticator.Type.TOTP).data["secret"]
    stored_seed = authenticator(caseworker, Authenticator.Type.RECOVERY_CODES).data["seed"]
    for value in (stored, stored_seed):
        with pytest.raises(InvalidToken):
            Fernet(old_key).decrypt(value[len(crypto.PREFIX) :].encode())
    assert totp_secret(caseworker) == secret and recovery_seed(caseworker) == seed
    assert signs_in_with(caseworker, totp_code(secret), client)
