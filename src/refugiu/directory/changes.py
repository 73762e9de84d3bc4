"""What an organisation's representative may change, and how a proposed change is read: the live values it
is compared with, the fields changed by someone else since (stale), and a field-by-field diff for the
editor who reviews it. Nothing here writes (directory.services.changes does).

Values are plain JSON: strings for text fields, a list of {"number", "extension"} for phones, a list of
HSDS schedules' fields for a service's own opening hours (schedules.weekly gives the shape a representative's
form produces), and "translation.<language>.<field>" for the text in another language, one field each (so a
change made by someone else since is seen field by field there too). The organisation's address is its one
public street address, when it has at most one; an organisation with several keeps them as they are (its
editors change them in the admin).
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from refugiu.directory.models import (
    Address,
    Location,
    Organization,
    Phone,
    ProposedChange,
    Schedule,
    Service,
)
from refugiu.directory.schedules import SCHEDULE_FIELDS, hours_lines, weekly_from_rows
from refugiu.directory.translations import TRANSLATED_FIELDS, is_language_code, language_label

ORGANIZATION_FIELDS = ("name", "alternate_name", "description", "email", "website")
# Address fields, kept in a change under "address.<field>".
ADDRESS_FIELDS = ("address_1", "city", "state_province", "postal_code", "country")
ADDRESS_PREFIX = "address."
PHONES = "phones"
# Opening hours: a service's own schedules (not its locations', nor those of a service at a location); an
# organisation's, those of its one public location (the one of its editable address).
HOURS = "hours"
# An organisation with several public places: the address and hours of each, under "place.<location id>.":
# "place.<id>.address.city", "place.<id>.hours".
PLACE_PREFIX = "place."
PLACE_FIELDS = (*(ADDRESS_PREFIX + name for name in ADDRESS_FIELDS), HOURS)
SERVICE_FIELDS = (
    "name",
    "description",
    "email",
    "url",
    "eligibility_description",
    "application_process",
    "fees_description",
)
# The text in another language: "translation.uk.description".
TRANSLATION_PREFIX = "translation."
ORGANIZATION_TRANSLATED = TRANSLATED_FIELDS["organization"]
SERVICE_TRANSLATED = TRANSLATED_FIELDS["service"]

# The order fields are shown in, by kind of change (a change's JSON keeps none on PostgreSQL); the
# translations follow, by language, then field.
ORGANIZATION_ORDER = (
    *ORGANIZATION_FIELDS,
    PHONES,
    HOURS,
    *(ADDRESS_PREFIX + name for name in ADDRESS_FIELDS),
)
SERVICE_ORDER = (*SERVICE_FIELDS, PHONES, HOURS)


def translated_fields(kind: str) -> tuple[str, ...]:
    return ORGANIZATION_TRANSLATED if kind == ProposedChange.Kind.ORGANIZATION else SERVICE_TRANSLATED


def translation_key(language: str, name: str) -> str:
    return f"{TRANSLATION_PREFIX}{language}.{name}"


def translation_parts(key: str) -> tuple[str, str] | None:
    """(language, field) of a "translation.<language>.<field>" key; None for any other."""
    if not key.startswith(TRANSLATION_PREFIX):
        return None
    language, _dot, name = key.removeprefix(TRANSLATION_PREFIX).partition(".")
    return (language, name) if is_language_code(language) and name else None


def languages_of(values: dict[str, Any]) -> set[str]:
    """The languages of the translations among `values`' keys."""
    return {parts[0] for key in values if (parts := translation_parts(key))}


def place_key(location_id: Any, name: str) -> str:
    return f"{PLACE_PREFIX}{location_id}.{name}"


def place_parts(key: str) -> tuple[str, str] | None:
    """(location id, field) of a place's field ("place.<id>.hours"), or None."""
    if not key.startswith(PLACE_PREFIX):
        return None
    location_id, _dot, name = key.removeprefix(PLACE_PREFIX).partition(".")
    return (location_id, name) if name in PLACE_FIELDS else None


def field_position(kind: str, name: str) -> tuple[int, str, int]:
    order = ORGANIZATION_ORDER if kind == ProposedChange.Kind.ORGANIZATION else SERVICE_ORDER
    if place := place_parts(name):  # after the organisation's own fields, place by place
        return (0, f"~{place[0]}", PLACE_FIELDS.index(place[1]))
    parts = translation_parts(name)
    if parts is None:
        return (0, "", order.index(name) if name in order else len(order))
    fields = translated_fields(kind)
    return (1, parts[0], fields.index(parts[1]) if parts[1] in fields else len(fields))


# Text longer than this, or over several lines, is shown as a word-by-word diff.
LONG_TEXT = 80


def verbose_name(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return capfirst(str(field.verbose_name))


def field_label(kind: str, name: str, places: dict[str, str] | None = None) -> str:
    """The label of a field of a change, in the reader's language; a place's field names its place from
    `places` (`place_labels` of the change's fields)."""
    if name == PHONES:
        return str(_("Phones"))
    if name == HOURS:
        return str(_("Opening hours"))
    if parts := translation_parts(name):
        language, own = parts
        return f"{field_label(kind, own)} — {language_label(language)}"
    if place := place_parts(name):
        named = (places or {}).get(place[0]) or place_labels([name])[place[0]]
        return f"{named} — {field_label(kind, place[1])}"
    if name.startswith(ADDRESS_PREFIX):
        return verbose_name(Address, name.removeprefix(ADDRESS_PREFIX))
    return verbose_name(Organization if kind == ProposedChange.Kind.ORGANIZATION else Service, name)


# The live values --------------------------------------------------------------------------------------


def own_phones(organization: Organization) -> list[Phone]:
    """The organisation's own phones (not a service's, a location's or a contact's)."""
    return list(
        Phone.objects.filter(
            organization=organization, service=None, location=None, service_at_location=None, contact=None
        ).order_by("number", "pk")
    )


def service_phones(service: Service) -> list[Phone]:
    """The service's own phones (not a location's, a service at a location's or a contact's)."""
    return list(
        Phone.objects.filter(service=service, location=None, service_at_location=None, contact=None).order_by(
            "number", "pk"
        )
    )


def service_schedules(service: Service) -> list[Schedule]:
    """The service's own schedules: its hours wherever a place of it has none of its own."""
    return list(
        Schedule.objects.filter(service=service, location=None, service_at_location=None).order_by("pk")
    )


def schedule_value(schedule: Schedule) -> dict[str, Any]:
    """A schedule's fields that the rules read, as JSON (the ones it has): times "09:00", dates ISO."""
    value: dict[str, Any] = {}
    for name in SCHEDULE_FIELDS:
        field = getattr(schedule, name)
        if field is None or field == "":
            continue
        if isinstance(field, dt.time):
            field = field.strftime("%H:%M" if not field.second else "%H:%M:%S")
        elif isinstance(field, dt.date):
            field = field.isoformat()
        value[name] = field
    return value


def location_schedules(location: Location) -> list[Schedule]:
    """A location's own schedules (not those of a service at it)."""
    return list(
        Schedule.objects.filter(location=location, service=None, service_at_location=None).order_by("pk")
    )


def hours_editable(values: dict[str, Any], service: Service | None = None, *, key: str = HOURS) -> bool:
    """Whether a representative's simple form can say the hours among a record's live `values` (at `key`:
    one of several places' are at `place_key(…, HOURS)`): they are there (an organisation's, when its
    address is editable), say no more than weekly ranges and closed dates (schedules.weekly), and, for a
    service, are its own (no place of it has its own)."""
    if key not in values:
        return False
    if service is not None and Schedule.objects.filter(service_at_location__service=service).exists():
        return False
    return weekly_from_rows(values[key], timezone.localdate()) is not None


def phone_value(number: str, extension: int | None) -> dict[str, Any]:
    return {"number": number.strip(), "extension": extension}


def phones_sorted(phones: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Phones in the one order they are compared in: by number, then extension."""
    return sorted(phones, key=lambda phone: (phone["number"], phone["extension"] or 0))


def normal(value: Any) -> Any:
    """A value as it is compared and kept: text with its line breaks as "\n" (browsers send "\r\n")
    and without the spaces around it, phones in order."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if isinstance(value, list):
        if all(isinstance(item, dict) and "number" in item for item in value):
            return phones_sorted(value)
        return sorted(value, key=lambda item: json.dumps(item, sort_keys=True, default=str))
    return value


def public_locations(organization: Organization) -> list[Location]:
    """The organisation's public street locations (never a confidential one: a shelter's address is not
    the representative's to publish through this form)."""
    return list(
        organization.locations.filter(is_confidential=False, location_type=Location.Type.PHYSICAL)
        .prefetch_related("addresses")
        .order_by("name", "pk")
    )


def place_label(location: Location | None) -> str:
    """How a change names one of several places: by its name, else its street and town."""
    if location is None:
        return str(_("A place removed since"))
    if location.name:
        return str(location.name)
    address = next(iter(location.addresses.all()), None)
    parts = [address.address_1, address.city] if address is not None else []
    return ", ".join(part for part in parts if part) or str(_("A place without a name"))


def place_labels(names: Iterable[str]) -> dict[str, str]:
    """The label (`place_label`) of each place that these fields of a change are of, by location id, read
    in one query."""
    ids = {place[0] for name in names if (place := place_parts(name))}
    if not ids:
        return {}
    valid = []
    for location_id in ids:
        try:
            valid.append(uuid.UUID(location_id))
        except ValueError:
            continue  # not ours: named as removed
    found = {
        str(location.pk): location
        for location in Location.objects.filter(pk__in=valid).prefetch_related("addresses")
    }
    return {location_id: place_label(found.get(location_id)) for location_id in ids}


def place_values(location: Location) -> dict[str, Any]:
    """One of several public places' values: its address (when it has at most one) and its hours."""
    values: dict[str, Any] = {}
    addresses = list(location.addresses.all())
    if len(addresses) <= 1:
        address = addresses[0] if addresses else None
        for name in ADDRESS_FIELDS:
            value = (getattr(address, name) or "") if address is not None else ""
            values[place_key(location.pk, ADDRESS_PREFIX + name)] = value
    schedules = location_schedules(location)
    values[place_key(location.pk, HOURS)] = normal([schedule_value(schedule) for schedule in schedules])
    return values


def editable_address(organization: Organization) -> tuple[bool, Location | None, Address | None]:
    """Whether the address can be edited here (the organisation has at most one public location, with at
    most one address), and that location and address if there are."""
    locations = public_locations(organization)
    if len(locations) > 1:
        return False, None, None
    if not locations:
        return True, None, None
    addresses = list(locations[0].addresses.all())
    if len(addresses) > 1:
        return False, locations[0], None
    return True, locations[0], (addresses[0] if addresses else None)


def translation_values(
    record: Organization | Service,
    fields: tuple[str, ...],
    languages: set[str] | frozenset[str] = frozenset(),
) -> dict[str, str]:
    """The record's text in other languages, for those it has and for `languages` (empty where it has
    none); never in its own language."""
    translations = record.translations if isinstance(record.translations, dict) else {}
    values: dict[str, str] = {}
    for language in sorted(set(translations) | set(languages)):
        if not is_language_code(language) or language == record.language:
            continue
        texts = translations.get(language)
        texts = texts if isinstance(texts, dict) else {}
        for name in fields:
            values[translation_key(language, name)] = texts.get(name) or ""
    return values


def organization_values(
    organization: Organization, languages: set[str] | frozenset[str] = frozenset()
) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(organization, name) or "" for name in ORGANIZATION_FIELDS}
    values[PHONES] = phones_sorted(
        [phone_value(phone.number, phone.extension) for phone in own_phones(organization)]
    )
    editable, location, address = editable_address(organization)
    if editable:
        for name in ADDRESS_FIELDS:
            values[ADDRESS_PREFIX + name] = (getattr(address, name) or "") if address is not None else ""
        schedules = location_schedules(location) if location is not None else []
        values[HOURS] = normal([schedule_value(schedule) for schedule in schedules])
    else:
        for place in public_locations(organization):
            values.update(place_values(place))
    values.update(translation_values(organization, ORGANIZATION_TRANSLATED, languages))
    return values


def service_values(
    service: Service | None, languages: set[str] | frozenset[str] = frozenset()
) -> dict[str, Any]:
    if service is None:
        return {**{name: "" for name in SERVICE_FIELDS}, PHONES: [], HOURS: []}
    values: dict[str, Any] = {name: getattr(service, name) or "" for name in SERVICE_FIELDS}
    values[PHONES] = phones_sorted(
        [phone_value(phone.number, phone.extension) for phone in service_phones(service)]
    )
    values[HOURS] = normal([schedule_value(schedule) for schedule in service_schedules(service)])
    values.update(translation_values(service, SERVICE_TRANSLATED, languages))
    return values


def live_values(change: ProposedChange) -> dict[str, Any] | None:
    """The values the change's record has now; None when the service it changes was removed."""
    languages = languages_of(change.proposed)
    if change.kind == ProposedChange.Kind.ORGANIZATION:
        return organization_values(change.organization, languages)
    if change.kind == ProposedChange.Kind.NEW_SERVICE:
        return service_values(change.service) if change.service_id else {}
    return service_values(change.service, languages) if change.service_id else None


def changed_values(live: dict[str, Any], wanted: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the wanted values that differ from the live ones, the live values of those fields). Only the line
    breaks and the spaces around a text do not make a difference."""
    proposed = {
        name: normal(value)
        for name, value in wanted.items()
        if name in live and normal(live[name]) != normal(value)
    }
    return proposed, {name: live[name] for name in proposed}


def stale_fields(change: ProposedChange, live: dict[str, Any] | None = None) -> list[str]:
    """The fields of a pending change that were changed by someone else since it was proposed (their live
    value is neither the one it was based on nor the one it proposes). A new service has none."""
    if change.kind == ProposedChange.Kind.NEW_SERVICE:
        return []
    live = live_values(change) if live is None else live
    if live is None:
        return []
    return [
        name
        for name, value in change.proposed.items()
        if normal(live.get(name)) != normal(change.base.get(name)) and normal(live.get(name)) != normal(value)
    ]


# The diff ---------------------------------------------------------------------------------------------


def display_value(value: Any) -> str:
    """A value as text for the reader: phones one a line, with their extension; hours in words, one
    schedule a line."""
    if isinstance(value, list) and value and not all("number" in item for item in value):
        return "\n".join(line.words or line.description for line in hours_lines(value, today=dt.date.min))
    if isinstance(value, list):
        lines = []
        for phone in value:
            extension = phone.get("extension")
            lines.append(
                str(
                    _("%(number)s, extension %(extension)s")
                    % {"number": phone["number"], "extension": extension}
                )
                if extension
                else phone["number"]
            )
        return "\n".join(lines)
    return "" if value is None else str(value)


@dataclass
class Segment:
    """A piece of a word diff: "equal", "delete" (only in the old text) or "insert" (only in the new)."""

    op: str
    text: str


@dataclass
class FieldDiff:
    name: str
    label: str
    old: str
    new: str
    # Set when the field was changed by someone else since: its value now.
    current: str | None = None
    # A word-by-word diff, for long texts.
    segments: list[Segment] = field(default_factory=list)

    @property
    def stale(self) -> bool:
        return self.current is not None


def word_diff(old: str, new: str) -> list[Segment]:
    """`old` to `new` word by word (the spaces and line breaks kept with the words), for long texts."""
    before, after = re.split(r"(\s+)", old), re.split(r"(\s+)", new)
    segments: list[Segment] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            segments.append(Segment("equal", "".join(before[i1:i2])))
            continue
        if i2 > i1:
            segments.append(Segment("delete", "".join(before[i1:i2])))
        if j2 > j1:
            segments.append(Segment("insert", "".join(after[j1:j2])))
    return [segment for segment in segments if segment.text]


def is_long(text: str) -> bool:
    return len(text) > LONG_TEXT or "\n" in text


def change_diff(change: ProposedChange, live: dict[str, Any] | None = None) -> list[FieldDiff]:
    """The change field by field: its old value (what it was based on), its new one, the value now when
    someone else changed it since, and for long texts the words removed and added."""
    if live is None and change.status == ProposedChange.Status.PENDING:
        live = live_values(change)
    stale = set(stale_fields(change, live)) if change.status == ProposedChange.Status.PENDING else set()
    rows = []
    places = place_labels(change.proposed)
    for name, value in sorted(change.proposed.items(), key=lambda item: field_position(change.kind, item[0])):
        old, new = display_value(change.base.get(name, "")), display_value(value)
        row = FieldDiff(name=name, label=field_label(change.kind, name, places), old=old, new=new)
        if name in stale and live is not None:
            row.current = display_value(live.get(name, ""))
        if old and (is_long(old) or is_long(new)):
            row.segments = word_diff(old, new)
        rows.append(row)
    return rows
