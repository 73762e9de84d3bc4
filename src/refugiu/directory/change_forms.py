"""Forms of the organisations' own pages (a representative proposing changes) and of the editors' pages
that review them and invite representatives. Field limits come from the models, so a longer column there
is a longer field here."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.dates import WEEKDAYS
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
    translation_key,
    verbose_name,
)
from refugiu.directory.models import Address, Organization, Phone, Service
from refugiu.directory.schedules import DAY_CODES, MAX_RANGES, WeeklyHours, weekly_from_rows, weekly_rows
from refugiu.directory.translations import language_choices

REASON_MAX_LENGTH = 2000


def _model_field(model: type[models.Model], name: str, **overrides: Any) -> forms.Field:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    extra: dict[str, Any] = {"assume_scheme": "https"} if isinstance(field, models.URLField) else {}
    form_field = field.formfield(**extra, **overrides)
    assert form_field is not None
    return form_field


def _address_fields(form: forms.Form) -> None:
    for name in ADDRESS_FIELDS:
        if name == "country":
            form.fields[ADDRESS_PREFIX + name] = forms.ChoiceField(
                label=verbose_name(Address, name), choices=[("", "—"), *countries], required=False
            )
        else:
            form.fields[ADDRESS_PREFIX + name] = _model_field(Address, name, required=False)


def _address_checked(form: forms.Form, cleaned: dict[str, Any]) -> None:
    address = {name: (cleaned.get(ADDRESS_PREFIX + name) or "").strip() for name in ADDRESS_FIELDS}
    if any(address.values()):
        for name in ("address_1", "city"):
            if not address[name]:
                form.add_error(ADDRESS_PREFIX + name, _("An address needs its street and its town."))


class OrganizationChangeForm(forms.Form):
    """The organisation's own fields and, when it has at most one public address, that address."""

    def __init__(self, *args: Any, with_address: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ORGANIZATION_FIELDS:
            self.fields[name] = _model_field(Organization, name)
        self.with_address = with_address
        if with_address:
            _address_fields(self)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.with_address:
            _address_checked(self, cleaned)
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


class PlaceAddressForm(forms.Form):
    """The address of one of an organisation's several public places (its form's prefix names the place)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _address_fields(self)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        _address_checked(self, cleaned)
        return cleaned

    def values(self) -> dict[str, str]:
        return {name: (value or "").strip() for name, value in self.cleaned_data.items()}


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


class TranslationForm(forms.Form):
    """A record's text in one other language: the language, then its translated fields (empty: none in
    that language, the record's own text is shown)."""

    def __init__(
        self, *args: Any, model: type[models.Model], fields: tuple[str, ...], own_language: str, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.translated = fields
        self.fields["language"] = forms.ChoiceField(
            label=_("Language"),
            choices=[(code, label) for code, label in language_choices() if code != own_language],
        )
        for name in fields:
            self.fields[name] = _model_field(model, name, required=False)

    def text_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.translated]

    def values(self) -> dict[str, Any]:
        language = self.cleaned_data["language"]
        return {
            translation_key(language, name): (self.cleaned_data.get(name) or "").strip()
            for name in self.translated
        }


class LanguagePickForm(forms.Form):
    """Which language's text to show in the translation form (a plain GET, no JavaScript needed)."""

    def __init__(self, *args: Any, own_language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"] = forms.ChoiceField(
            label=_("Language"),
            choices=[(code, label) for code, label in language_choices() if code != own_language],
        )


# One closed date, or two (from, to), a line: 2026-12-25, or 25.12.2026.
_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})|(\d{1,2})\.(\d{1,2})\.(\d{4})")
_BETWEEN_DATES = re.compile(r"^[\s/–—.-]*$")
WEEKDAY_LABELS = tuple(WEEKDAYS[day] for day in range(7))
MAX_CLOSURES = 60
SAME_DAY = _(
    "It closes after it opens, on the same day (hours past midnight: write to the directory editors)."
)


def _time_input(label: str) -> forms.TimeInput:
    return forms.TimeInput(attrs={"type": "time", "aria-label": label}, format="%H:%M")


def _minutes(value: dt.time) -> int:
    return value.hour * 60 + value.minute


def _clock(minutes: int) -> dt.time:
    return dt.time(minutes // 60, minutes % 60)


class HoursForm(forms.Form):
    """A service's opening hours: per weekday up to two ranges (opens, closes; none: closed that day) and
    the dates it is closed (holidays), turned into the HSDS schedules the directory reads
    (schedules.weekly)."""

    closed_dates = forms.CharField(
        label=_("Closed on these dates"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One date a line (2026-12-25 or 25.12.2026), or two for a period: 2026-12-24 – 2026-12-26."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for day, code in enumerate(DAY_CODES):
            for number in range(1, MAX_RANGES + 1):
                for part, label in (("opens", _("Opens")), ("closes", _("Closes"))):
                    name = f"{WEEKDAY_LABELS[day]}: {label}"
                    self.fields[f"{code}_{part}_{number}"] = forms.TimeField(
                        label=name, required=False, widget=_time_input(name)
                    )

    def days(self) -> list[tuple[str, list[tuple[forms.BoundField, forms.BoundField]]]]:
        """Each weekday's label and its (opens, closes) fields, for the template's table."""
        return [
            (
                str(WEEKDAY_LABELS[day]),
                [
                    (self[f"{code}_opens_{number}"], self[f"{code}_closes_{number}"])
                    for number in range(1, MAX_RANGES + 1)
                ],
            )
            for day, code in enumerate(DAY_CODES)
        ]

    def clean_closed_dates(self) -> list[tuple[dt.date, dt.date]]:
        closures = []
        for line in (self.cleaned_data.get("closed_dates") or "").splitlines():
            if not line.strip():
                continue
            found = list(_DATE.finditer(line))
            between = line[found[0].end() : found[1].start()] if len(found) == 2 else ""
            outside = line[: found[0].start()] + line[found[-1].end() :] if found else line
            if not (1 <= len(found) <= 2) or outside.strip() or not _BETWEEN_DATES.match(between):
                raise forms.ValidationError(
                    _("“%(line)s” is not a date: write 2026-12-25 or 25.12.2026, one a line."),
                    params={"line": line.strip()[:40]},
                )
            dates = []
            for match in found:
                year, month, day = (
                    match.group(1, 2, 3)
                    if match.group(1)
                    else (match.group(6), match.group(5), match.group(4))
                )
                try:
                    dates.append(dt.date(int(year), int(month), int(day)))
                except ValueError as error:
                    raise forms.ValidationError(
                        _("“%(line)s” is not a date: write 2026-12-25 or 25.12.2026, one a line."),
                        params={"line": line.strip()[:40]},
                    ) from error
            first, last = dates[0], dates[-1]
            if last < first:
                raise forms.ValidationError(
                    _("A period ends after it begins: %(line)s"), params={"line": line.strip()[:40]}
                )
            closures.append((first, last))
        if len(closures) > MAX_CLOSURES:
            raise forms.ValidationError(
                _("At most %(number)s closed dates."), params={"number": MAX_CLOSURES}
            )
        return closures

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for code in DAY_CODES:
            previous_close = None
            for number in range(1, MAX_RANGES + 1):
                opens, closes = cleaned.get(f"{code}_opens_{number}"), cleaned.get(f"{code}_closes_{number}")
                if (opens is None) != (closes is None):
                    self.add_error(f"{code}_opens_{number}", _("Give both the opening and the closing time."))
                if opens is None or closes is None:
                    continue
                if closes <= opens:
                    self.add_error(f"{code}_closes_{number}", SAME_DAY)
                elif previous_close is not None and opens <= previous_close:
                    self.add_error(
                        f"{code}_opens_{number}", _("The second range begins after the first one ends.")
                    )
                previous_close = closes
        return cleaned

    def hours(self) -> WeeklyHours:
        days = []
        for code in DAY_CODES:
            ranges = []
            for number in range(1, MAX_RANGES + 1):
                opens = self.cleaned_data.get(f"{code}_opens_{number}")
                closes = self.cleaned_data.get(f"{code}_closes_{number}")
                if opens is not None and closes is not None:
                    ranges.append((_minutes(opens), _minutes(closes)))
            days.append(tuple(sorted(ranges)))
        return WeeklyHours(days=tuple(days), closures=tuple(sorted(set(self.cleaned_data["closed_dates"]))))

    def value(self, live: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The schedules these hours are: the live ones themselves when they say the same (so that their
        own wording is no change), else the schedules.weekly shape."""
        hours = self.hours()
        if weekly_from_rows(live, timezone.localdate()) == hours:
            return live
        return weekly_rows(hours)


def hours_initial(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The hours form's initial values from a service's schedules; None when the form cannot say them."""
    hours = weekly_from_rows(rows, timezone.localdate())
    if hours is None:
        return None
    initial: dict[str, Any] = {}
    for code, ranges in zip(DAY_CODES, hours.days, strict=True):
        for number, (opens, closes) in enumerate(ranges, start=1):
            initial[f"{code}_opens_{number}"] = _clock(opens)
            initial[f"{code}_closes_{number}"] = _clock(closes)
    initial["closed_dates"] = "\n".join(
        first.isoformat() if first == last else f"{first.isoformat()} – {last.isoformat()}"
        for first, last in hours.closures
    )
    return initial


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
