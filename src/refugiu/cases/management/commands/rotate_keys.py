"""`refugiu rotate_keys`: a new encryption key, and everything re-encrypted under it.

With the key file (DATA_DIR/encryption.keys), the command
1. writes the file with a new key first and the old ones after, so every value stays readable throughout;
2. re-encrypts every encrypted field (core.fields.EncryptedField) of every model, in batches, from the raw
   column values (the start check's value among them), and the second-factor secrets allauth keeps;
3. re-encrypts every stored document file (written to a temporary file, then renamed over the old one);
4. recomputes the search tokens of every identity (their key derives from the newest key);
5. writes the file with the new key only.
If it stops half-way, the file still holds both keys: run `rotate_keys --reencrypt-only` to finish.

With keys from REFUGIU_ENCRYPTION_KEYS the command cannot change the variable: the operator puts a new key
first in it, restarts, runs `rotate_keys --reencrypt-only`, then removes the old key.

Sessions are not re-encrypted (accounts.sessions): once the old key is dropped, whoever was signed in
signs in again.

Stop the application while rotating: a running process keeps the keys it loaded and would go on writing
with the old key.
"""

import os
from typing import Any

from allauth.mfa.models import Authenticator
from cryptography.fernet import Fernet
from django.apps import apps
from django.core.management.base import CommandError, CommandParser
from django.db import connection, models, transaction

from refugiu.accounts.adapter import authenticator_secrets_convert
from refugiu.cases.models import BeneficiaryIdentity
from refugiu.cases.services import identity_tokens_refresh
from refugiu.core import crypto
from refugiu.core.encrypted_files import ENCRYPTED_FILE_COLUMNS
from refugiu.core.fields import EncryptedField, concrete_column, encrypted_columns
from refugiu.core.private_files import file_replace, storage_dir
from refugiu.core.startup import StartCheckedCommand

ENV_INSTRUCTIONS = f"""The keys come from {crypto.ENV_VAR}; this command cannot change it. To rotate:
  1. generate a key:
     python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"
  2. put it FIRST in {crypto.ENV_VAR} (comma-separated, the old key after it) and restart the application;
  3. run:  refugiu rotate_keys --reencrypt-only
  4. remove the old key from {crypto.ENV_VAR} and restart again."""


def reencrypt_model(model: type[models.Model], fields: list[EncryptedField], *, batch_size: int) -> int:
    """Re-encrypt the raw stored values of `fields` under the newest key; returns how many values.

    Raw SQL on purpose: the field's from_db_value would decrypt and get_prep_value re-encrypt anyway, but
    going through the ORM would also run auto_now and similar side effects on rows nobody edited."""
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), quote(concrete_column(model._meta.pk))
    columns = [quote(concrete_column(f)) for f in fields]
    # Table and column names come from the models, never from input; every value is a bound parameter.
    select = f"SELECT {pk}, {', '.join(columns)} FROM {table}"  # noqa: S608
    first = f"{select} ORDER BY {pk} LIMIT %s"
    after = f"{select} WHERE {pk} > %s ORDER BY {pk} LIMIT %s"
    update = f"UPDATE {table} SET {', '.join(f'{c} = %s' for c in columns)} WHERE {pk} = %s"  # noqa: S608
    count, last = 0, None
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            if last is None:
                cursor.execute(first, [batch_size])
            else:
                cursor.execute(after, [last, batch_size])
            rows = cursor.fetchall()
            if not rows:
                return count
            changes = []
            for pk_value, *values in rows:
                for field, value in zip(fields, values, strict=True):
                    if value and not value.startswith(crypto.PREFIX):
                        raise CommandError(
                            f"{model._meta.label}.{field.name} of row {pk_value} is not encrypted; "
                            "nothing after it was re-encrypted. Investigate before running again."
                        )
                if any(values):
                    changes.append(
                        [crypto.rotate_text(value) if value else value for value in values] + [pk_value]
                    )
                    count += sum(1 for value in values if value)
            if changes:
                cursor.executemany(update, changes)
        last = rows[-1][0]


def reencrypt_second_factors() -> int:
    """Re-encrypt the authenticator-app secrets and recovery-code seeds (accounts.adapter encrypts them
    inside allauth's JSON); returns how many authenticators. An update of `data` alone: no side effects."""

    def rotate(value: str) -> str:
        if not value.startswith(crypto.PREFIX):
            raise CommandError("a second-factor secret is not encrypted: run `refugiu migrate` first")
        return crypto.rotate_text(value)

    count = 0
    authenticators = Authenticator.objects.filter(
        type__in=[Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES]
    ).order_by("pk")
    with transaction.atomic():
        for pk, data in authenticators.values_list("pk", "data").iterator():
            Authenticator.objects.filter(pk=pk).update(data=authenticator_secrets_convert(data, rotate))
            count += 1
    return count


def reencrypt_files() -> tuple[int, int]:
    done = missing = 0
    # Every registered column naming an encrypted file (case documents, finance's supporting documents).
    for label, column in sorted(ENCRYPTED_FILE_COLUMNS.items()):
        model = apps.get_model(label)
        for stored_name in model._default_manager.order_by("pk").values_list(column, flat=True).iterator():
            path = storage_dir() / stored_name
            if not path.exists():
                missing += 1
                continue
            file_replace(path, crypto.rotate_bytes(path.read_bytes()))
            done += 1
    return done, missing


def refresh_tokens(*, batch_size: int) -> int:
    count, last = 0, 0
    while True:
        with transaction.atomic():
            batch = list(BeneficiaryIdentity.objects.filter(pk__gt=last).order_by("pk")[:batch_size])
            for identity in batch:
                identity_tokens_refresh(identity)
        if not batch:
            return count
        count += len(batch)
        last = batch[-1].pk


class Command(StartCheckedCommand):
    help = (
        "Generate a new encryption key and re-encrypt every encrypted value, document and search token "
        "under it. Stop the application first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reencrypt-only",
            action="store_true",
            help="Do not generate a key: re-encrypt under the first configured key (after a new key was put "
            "first in the environment variable, or to finish an interrupted rotation), then, with the key "
            "file, keep only that key.",
        )
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, reencrypt_only: bool, batch_size: int, **options: Any) -> None:
        from_env = bool(os.environ.get(crypto.ENV_VAR, "").strip())
        if from_env and not reencrypt_only:
            raise CommandError(ENV_INSTRUCTIONS)
        crypto.keys_reset()
        keys = crypto.keys_load()
        if reencrypt_only:
            newest = keys[0]
        else:
            newest = Fernet.generate_key()
            crypto.keys_write([newest, *keys])
            self.stdout.write(
                f"New key written first in {crypto.key_file()}; the old keys are kept until the end."
            )

        values = 0
        for model, fields in encrypted_columns():
            count = reencrypt_model(model, fields, batch_size=batch_size)
            values += count
            if count:
                self.stdout.write(f"  {model._meta.label}: {count} values")
        second_factors = reencrypt_second_factors()
        files, missing = reencrypt_files()
        people = refresh_tokens(batch_size=batch_size)

        if not from_env:
            crypto.keys_write([newest])
        self.stdout.write(
            self.style.SUCCESS(
                f"Re-encrypted {values} values, {second_factors} second-factor secrets and {files} document "
                f"files; refreshed the search tokens of {people} people."
            )
        )
        if missing:
            self.stderr.write(self.style.WARNING(f"{missing} document files were missing on disk."))
        if from_env:
            self.stdout.write(
                f"Now remove the old keys from {crypto.ENV_VAR}, keeping only the first, and restart."
            )
        else:
            self.stdout.write(f"{crypto.key_file()} now holds only the new key.")
