"""Model fields whose values are encrypted before they reach the database (see core.crypto)."""

from django.core import checks
from django.db import models

from refugiu.core.crypto import decrypt_text, encrypt_text


class EncryptedTextField(models.TextField):
    """Free text kept as Fernet ciphertext. It cannot be filtered or sorted on, only read and written.

    Empty values stay empty (so "no note" costs nothing), everything else is encrypted with the
    current key on every save.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def from_db_value(self, value, expression, connection):
        if value is None:
            return value
        return decrypt_text(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None:
            return value
        return encrypt_text(value)

    def get_lookup(self, lookup_name):
        # Ciphertext differs every time: any comparison would silently match nothing.
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        if self.db_index or self.unique:
            errors.append(checks.Error("an encrypted field cannot be indexed", obj=self))
        return errors


def encrypted_columns() -> list[tuple]:
    """(model, [fields]) for every concrete model with encrypted fields: what rotate_keys re-encrypts and
    where the start check looks for data already encrypted."""
    from django.apps import apps

    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if fields:
            found.append((model, fields))
    return found
