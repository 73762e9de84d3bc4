"""Authenticator-app secrets and recovery-code seeds, kept by allauth in plaintext until now, encrypted
with the application key (accounts.adapter.EncryptedSecretsMFAAdapter reads and writes them so from now
on). Reversible: going back decrypts them.

This migration imports refugiu.core.crypto, against the rule that migrations import no application code.
The rule keeps a migration from depending on models that change after it; crypto is not a model but the
single definition of our ciphertext (the "f1:" prefix, Fernet under the configured keys), and the
adapter must be able to read exactly what this writes. The key is outside the database, so no historical
model can stand in for it. The import is inside the functions, so that loading the migrations needs no
key: only an installation with secrets to encrypt does, and without one this migration stops with the
reason and changes nothing (it runs in one transaction).

Which entries: those allauth passes through the adapter's encrypt() (see the adapter), as they are in
this allauth version; a copy of the list, as a migration keeps what it did.
"""

from django.db import migrations

VALUES = ("secret", "seed")
LISTS = ("migrated_codes",)
NO_KEY = (
    "Second-factor secrets must be encrypted, and no encryption key is configured ({problem}). Restore the "
    "key file or set REFUGIU_ENCRYPTION_KEYS, then migrate again. An installation that never had a key: run "
    "`refugiu check_keys` (it makes one), then migrate again."
)


def _convert_all(apps, convert) -> None:
    Authenticator = apps.get_model("mfa", "Authenticator")
    for authenticator in Authenticator.objects.filter(type__in=["totp", "recovery_codes"]).order_by("pk"):
        data = dict(authenticator.data)
        for name in VALUES:
            if data.get(name):
                data[name] = convert(data[name])
        for name in LISTS:
            if data.get(name):
                data[name] = [convert(value) for value in data[name]]
        if data != authenticator.data:
            Authenticator.objects.filter(pk=authenticator.pk).update(data=data)


def secrets_encrypt(apps, schema_editor):
    from refugiu.core import crypto

    def encrypt(value: str) -> str:
        if value.startswith(crypto.PREFIX):
            return value
        try:
            return crypto.encrypt_text(value)
        except crypto.KeyUnavailable as problem:
            raise RuntimeError(NO_KEY.format(problem=problem)) from None

    _convert_all(apps, encrypt)


def secrets_decrypt(apps, schema_editor):
    from refugiu.core import crypto

    _convert_all(apps, lambda value: crypto.decrypt_text(value) if value.startswith(crypto.PREFIX) else value)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_sessions_stored_hashed"),
        ("mfa", "0003_authenticator_type_uniq"),
        # So that `refugiu check_keys` can run when this one stops for want of a key.
        ("core", "0003_encryption_check"),
    ]

    operations = [migrations.RunPython(secrets_encrypt, secrets_decrypt)]
