"""Model fields whose values are encrypted before they reach the database (see core.crypto).

Three shapes share one contract (`EncryptedField`): free text, a JSON value (lists of codes from a
vocabulary), and an ISO country code. Each keeps the empty value empty, so "nothing recorded" costs
nothing and can still be told apart from a value, and each refuses every database comparison but
`isnull` and equality with the empty value: ciphertext differs on every save, so any other comparison
would silently match nothing. `refugiu rotate_keys` finds them all by this base class.
"""

import json

from django.core import checks
from django.db import models
from django.db.models import lookups
from django_countries.fields import CountryField

from refugiu.core.crypto import decrypt_text, encrypt_text


class EmptyOnlyExact(lookups.Exact):
    """`field=""` (or `=[]` on a list) on an encrypted field: the empty value is stored as it is, so this
    one comparison holds (a CheckConstraint such as "a sharing consent names its recipient" needs it)."""

    def get_prep_lookup(self):
        if self.rhs not in ("", []):
            raise ValueError("an encrypted field can be compared only with the empty value")
        return super().get_prep_lookup()


class EncryptedField:
    """The behaviour every encrypted field shares; mixed into a concrete Django field, whose own
    preparation (text, a country code) runs before the encryption."""

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
        if lookup_name == "exact":
            return EmptyOnlyExact
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        if self.db_index or self.unique:
            errors.append(checks.Error("an encrypted field cannot be indexed", obj=self))
        return errors


class EncryptedTextField(EncryptedField, models.TextField):
    """Free text kept as Fernet ciphertext. It cannot be filtered or sorted on, only read and written.

    Empty values stay empty, everything else is encrypted with the current key on every save.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)


class EncryptedJSONField(EncryptedTextField):
    """A JSON list (codes from a vocabulary) kept as the ciphertext of its JSON text; [] is stored as ""."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", list)
        super().__init__(*args, **kwargs)

    def from_db_value(self, value, expression, connection):
        text = super().from_db_value(value, expression, connection)
        return [] if text == "" else self.to_python(text)

    def to_python(self, value):
        if isinstance(value, str):
            return json.loads(value) if value else []
        return value

    def get_prep_value(self, value):
        if value is None:
            return None
        if value in ("", [], (), {}):
            return ""
        if isinstance(value, str):
            value = json.loads(value)  # JSON text given as it is (a form, a fixture): stored as its value
        return encrypt_text(json.dumps(value, ensure_ascii=False, separators=(",", ":")))

    def value_to_string(self, obj):
        return json.dumps(self.value_from_object(obj), ensure_ascii=False)


class EncryptedCountryField(EncryptedField, CountryField):
    """A country (read as a django_countries Country, like CountryField) whose code is kept as ciphertext:
    a country of exploitation names where a person was trafficked, which is not for a copied database.
    The column is text, since the ciphertext of two letters is about a hundred characters."""

    def get_internal_type(self):
        return "TextField"

    def pre_save(self, model_instance, add):
        # CountryField's pre_save already prepares the value; preparing here would encrypt twice.
        return models.Field.pre_save(self, model_instance, add)


def encrypted_columns() -> list[tuple]:
    """(model, [fields]) for every concrete model with encrypted fields: what rotate_keys re-encrypts and
    where the start check looks for data already encrypted."""
    from django.apps import apps

    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedField)]
        if fields:
            found.append((model, fields))
    return found
