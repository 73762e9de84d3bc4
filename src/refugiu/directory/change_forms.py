"""Forms of the organisations' own pages (a representative proposing changes) and of the editors' pages
that review them and invite representatives. Field limits come from the models, so a longer column there
is a longer field here."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from refugiu.directory.changes import (
    ADDRESS_FIELDS,
    ADDRESS_PREFIX,
    ORGANIZATION_FIELDS,
    PHONES,
    SERVICE_FIELDS,
    phone_value,
    phones_sorted,
    verbose_name,
)
from refugiu.directory.models import Address, Organization, Phone, Service

REASON_MAX_LENGTH = 2000


def _model_field(model: type[models.Model], name: str, **overrides: Any) -> forms.Field:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    extra: dict[str, Any] = {"assume_scheme": "https"} if isinstance(field, models.URLField) else {}
    form_field = field.formfield(**extra, **overrides)
    assert form_field is not None
    return form_field


class OrganizationChangeForm(forms.Form):
    """The organisation's own fields and, when it has at most one public address, that address."""

    def __init__(self, *args: Any, with_address: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ORGANIZATION_FIELDS:
            self.fields[name] = _model_field(Organization, name)
        self.with_address = with_address
        if with_address:
            for name in ADDRESS_FIELDS:
                if name == "country":
                    self.fields[ADDRESS_PREFIX + name] = forms.ChoiceField(
                        label=verbose_name(Address, name),
                        choices=[("", "—"), *countries],
                        required=False,
                    )
                else:
                    self.fields[ADDRESS_PREFIX + name] = _model_field(Address, name, required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.with_address:
            address = {name: (cleaned.get(ADDRESS_PREFIX + name) or "").strip() for name in ADDRESS_FIELDS}
            if any(address.values()):
                for name in ("address_1", "city"):
                    if not address[name]:
                        self.add_error(ADDRESS_PREFIX + name, _("An address needs its street and its town."))
        return cleaned

    def address_fields(self) -> list[forms.BoundField]:
        return [self[ADDRESS_PREFIX + name] for name in ADDRESS_FIELDS] if self.with_address else []

    def own_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ORGANIZATION_FIELDS]

    def values(self) -> dict[str, Any]:
        return {
            name: (value.strip() if isinstance(value, str) else value)
            for name, value in self.cleaned_data.items()
        }


class PhoneForm(forms.Form):
    number = forms.CharField(
        label=_("Phone number"), max_length=Phone._meta.get_field("number").max_length, required=False
    )
    extension = forms.IntegerField(label=_("Extension"), min_value=0, max_value=2_147_483_647, required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("extension") is not None and not (cleaned.get("number") or "").strip():
            self.add_error("number", _("An extension needs its phone number."))
        return cleaned


PhoneFormSet = forms.formset_factory(PhoneForm, extra=2, max_num=20, absolute_max=20, validate_max=True)


def phone_initial(values: dict[str, Any]) -> list[dict[str, Any]]:
    return [dict(phone) for phone in values.get(PHONES, [])]


def phones_of(formset: forms.BaseFormSet) -> list[dict[str, Any]]:
    """The phones a valid formset holds, in the order the live ones are read (by number)."""
    return phones_sorted(
        [
            phone_value(form.cleaned_data["number"], form.cleaned_data.get("extension"))
            for form in formset.forms
            if form.cleaned_data.get("number", "").strip()
        ]
    )


class ServiceChangeForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in SERVICE_FIELDS:
            self.fields[name] = _model_field(Service, name)

    def values(self) -> dict[str, Any]:
        return {
            name: (value.strip() if isinstance(value, str) else value)
            for name, value in self.cleaned_data.items()
        }


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=150,  # it becomes the username
        help_text=_("They sign in with it; the invitation goes there."),
    )
    display_name = forms.CharField(label=_("Name"), max_length=150, required=False)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    reason = forms.CharField(
        label=_("Reason (for a rejection; the representative reads it)"),
        max_length=REASON_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    overwrite_stale = forms.BooleanField(
        label=_("Apply it anyway, replacing the newer values"), required=False
    )


class OrganizationFinderForm(forms.Form):
    q = forms.CharField(label=_("Organisation"), max_length=200, required=False)
