"""What the forms of the case pages share: their widgets' attributes, fieldsets, the version an edit
started from, and the choice of staff."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.db.models import Model, QuerySet
from django.forms import BoundField
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from refugiu.accounts.models import User
from refugiu.accounts.roles import Role

PRIVATE = {"autocomplete": "off"}
SHORT_TEXT = {"rows": 3}
DATE = {"type": "date"}
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class ISODateField(forms.DateField):
    """A date in a date input, read only as year-month-day (what the input sends, whatever it shows).

    Django's DateField would also read the locale's formats, so that "12/03/1995" became the 3rd of
    December in English: a date that cannot be read one way only is refused, with the form to write it in.
    The input is given its value as year-month-day too (a date input shows nothing for any other form)."""

    widget = forms.DateInput(DATE, format="%Y-%m-%d")
    input_formats = ["%Y-%m-%d"]
    default_error_messages = {
        "invalid": _(
            "Write the date as year-month-day (YYYY-MM-DD), for example 1995-03-12: "
            "a date such as 12/03/1995 can be read two ways."
        ),
    }

    def to_python(self, value: Any) -> dt.date | None:
        if isinstance(value, str) and value.strip() and not ISO_DATE.fullmatch(value.strip()):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


def country_choices() -> list[tuple[str, str]]:
    return [("", "—"), *countries]


def case_staff_queryset() -> QuerySet[User]:
    """Active people who can work on cases (caseworkers and coordinators)."""
    return (
        User.objects.filter(is_active=True, role_assignments__role__in=[Role.CASEWORKER, Role.COORDINATOR])
        .distinct()
        .order_by("display_name", "username")
    )


class StaffChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: Model) -> str:
        return str(obj)


class CaseForm(forms.Form):
    """A form whose fields can be grouped in fieldsets (`fieldsets`: legend → field names)."""

    fieldsets: list[tuple[str | Promise | None, list[str]]] = []
    # Set after a save refused as stale (views.shared.case_error_show): the page links to the saved version.
    stale = False

    def grouped_fields(self) -> list[tuple[str | Promise | None, list[BoundField]]]:
        if not self.fieldsets:
            return [(None, self.visible_fields())]
        return [
            (legend, [self[name] for name in names if name in self.fields])
            for legend, names in self.fieldsets
        ]


class VersionedForm(CaseForm):
    """Edits of versioned records carry the version they started from (services refuse a stale one)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
