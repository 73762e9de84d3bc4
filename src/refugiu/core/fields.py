"""Model fields whose values are encrypted before they reach the database (see core.crypto).

Three shapes share one contract (`EncryptedField`): free text, a JSON value (lists of codes from a
vocabulary), and an ISO country code. Each keeps the empty value empty, so "nothing recorded" costs
nothing and can still be told apart from a value, and each refuses every database comparison but
`isnull` and equality with the empty value: ciphertext differs on every save, so any other comparison
would silently match nothing. `refugiu rotate_keys` finds them all by this base class.
"""

import json
from typing import Any

from django.core import checks
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import lookups
from django.db.models.expressions import Combinable
from django_countries.fields import Country, CountryField
from typing_extensions import TypeVar

from refugiu.core.crypto import decrypt_text, encrypt_text


class EmptyOnlyExact(lookups.Exact[Any]):
    """`field=""` (or `=[]` on a list) on an encrypted field: the empty value is stored as it is, so this
    one comparison holds (a CheckConstraint such as "a sharing consent names its recipient" needs it)."""

    def get_prep_lookup(self) -> Any:
        if self.rhs not in ("", []):
            raise ValueError("an encrypted field can be compared only with the empty value")
        return super().get_prep_lookup()


# What a model's attribute accepts (_ST) and gives (_GT), as in django-stubs' Field.
_ST = TypeVar("_ST", default=str | Combinable)
_GT = TypeVar("_GT", default=str)


class EncryptedField(models.Field[_ST, _GT]):
    """The behaviour every encrypted field shares; mixed in before a concrete Django field, whose own
    preparation (text, a country code) runs before the encryption."""

    db_index: bool  # set by Field.__init__; django-stubs does not declare it

    def from_db_value(self, value: str | None, expression: Any, connection: BaseDatabaseWrapper) -> Any:
        if value is None:
            return value
        return decrypt_text(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None:
            return value
        return encrypt_text(value)

    def get_lookup(self, lookup_name: str) -> type[lookups.Lookup[Any]] | None:
        if lookup_name == "exact":
            return EmptyOnlyExact
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        errors = super().check(**kwargs)
        if self.db_index or self.unique:
            errors.append(checks.Error("an encrypted field cannot be indexed", obj=self))
        return errors


class EncryptedTextField(EncryptedField[_ST, _GT], models.TextField[_ST, _GT]):
    """Free text kept as Fernet ciphertext. It cannot be filtered or sorted on, only read and written.

    Empty values stay empty, everything else is encrypted with the current key on every save.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)


class EncryptedJSONField(EncryptedTextField[list[Any] | str, list[Any]]):
    """A JSON list (codes from a vocabulary) kept as the ciphertext of its JSON text; [] is stored as ""."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("default", list)
        super().__init__(*args, **kwargs)

    def from_db_value(self, value: str | None, expression: Any, connection: BaseDatabaseWrapper) -> Any:
        text = super().from_db_value(value, expression, connection)
        return [] if text == "" else self.to_python(text)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            return json.loads(value) if value else []
        return value

    def get_prep_value(self, value: Any) -> str | None:
        if value is None:
            return None
        if value in ("", [], (), {}):
            return ""
        if isinstance(value, str):
            value = json.loads(value)  # JSON text given as it is (a form, a fixture): stored as its value
        return encrypt_text(json.dumps(value, ensure_ascii=False, separators=(",", ":")))

    def value_to_string(self, obj: models.Model) -> str:
        return json.dumps(self.value_from_object(obj), ensure_ascii=False)


class EncryptedCountryField(EncryptedField[str | Country, Country], CountryField[str | Country, Country]):
    """A country (read as a django_countries Country, like CountryField) whose code is kept as ciphertext:
    a country of exploitation names where a person was trafficked, which is not for a copied database.
    The column is text, since the ciphertext of two letters is about a hundred characters."""

    def get_internal_type(self) -> str:
        return "TextField"

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        # CountryField's pre_save already prepares the value; preparing here would encrypt twice.
        return models.Field.pre_save(self, model_instance, add)


def encrypted_columns() -> list[tuple[type[models.Model], list[EncryptedField]]]:
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


def concrete_column(field: models.Field[Any, Any]) -> str:
    """The column of a concrete field, for SQL written by hand (a field is concrete because it has a
    column; django-stubs allows None for the others)."""
    if field.column is None:
        raise ValueError(f"{field} has no column")
    return field.column


def field_of(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    """`model`'s own field `name` (get_field also finds the relations of other models to this one)."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise ValueError(f"{model.__name__}.{name} is another model's relation, with no column here")
    return field


def field_column(model: type[models.Model], name: str) -> str:
    """The column of `model`'s concrete field `name`, for SQL written by hand."""
    return concrete_column(field_of(model, name))
