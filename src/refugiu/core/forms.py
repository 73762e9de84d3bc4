"""A form's fields with their own types: django-stubs types `form.fields[name]` as a plain `Field`, so a form
that sets a field's choices or queryset when it is made asks for the field it declared here."""

from typing import TypeVar

from django import forms

_F = TypeVar("_F", bound=forms.Field)


def form_field(form: forms.BaseForm, name: str, kind: type[_F]) -> _F:
    """`form`'s field `name`, which the form declares as a `kind` (e.g. a ChoiceField whose choices depend
    on the user, a ModelChoiceField whose queryset is narrowed)."""
    field = form.fields[name]
    if not isinstance(field, kind):
        raise TypeError(f"{type(form).__name__}.{name} is a {type(field).__name__}, not a {kind.__name__}")
    return field
