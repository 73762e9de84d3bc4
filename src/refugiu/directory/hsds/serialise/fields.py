"""Which of our columns each HSDS object gives, and how a record's fields become JSON values: ids, dates
and times as ISO strings, decimals as numbers, the missing ones (and blanks where HSDS wants a format)
left out, what HSDS carries and we do not model merged back, our extension fields added."""

import datetime as dt
import functools
import uuid
from decimal import Decimal
from typing import Any

from django.db.models import Model

from refugiu.directory import models as d

HsdsRecord = dict[str, Any]

# The fields of each HSDS object that are columns of ours, in the order of the HSDS schema. Links to a
# parent are left out of nested records (the nesting says it), as in the HSDS examples.
TAXONOMY_FIELDS = ("id", "name", "description", "uri", "version")
TAXONOMY_TERM_FIELDS = (
    "id", "code", "name", "description", "parent_id", "taxonomy", "language", "taxonomy_id", "term_uri",
)  # fmt: skip
ATTRIBUTE_FIELDS = ("id", "link_id", "taxonomy_term_id", "link_type", "link_entity", "value")
ORGANIZATION_FIELDS = (
    "id", "name", "alternate_name", "description", "email", "website", "tax_status", "tax_id",
    "year_incorporated", "legal_status", "logo", "uri", "parent_organization_id",
)  # fmt: skip
SERVICE_FIELDS = (
    "id", "organization_id", "name", "alternate_name", "description", "url", "email", "status",
    "interpretation_services", "application_process", "fees_description", "wait_time", "fees",
    "accreditations", "eligibility_description", "minimum_age", "maximum_age", "assured_date",
    "assurer_email", "licenses", "alert", "last_modified",
)  # fmt: skip
LOCATION_FIELDS = (
    "id", "location_type", "url", "organization_id", "name", "alternate_name", "description",
    "transportation", "latitude", "longitude", "external_identifier", "external_identifier_type",
)  # fmt: skip
SERVICE_AT_LOCATION_FIELDS = ("id", "service_id", "location_id", "description")
ADDRESS_FIELDS = (
    "id", "attention", "address_1", "address_2", "city", "region", "state_province", "postal_code",
    "country", "address_type",
)  # fmt: skip
PHONE_FIELDS = ("id", "number", "extension", "type", "description")
CONTACT_FIELDS = ("id", "name", "title", "department", "email")
SCHEDULE_FIELDS = (
    "id", "valid_from", "valid_to", "dtstart", "timezone", "until", "count", "wkst", "freq", "interval",
    "byday", "byweekno", "bymonthday", "byyearday", "description", "opens_at", "closes_at",
    "schedule_link", "attending_type", "notes",
)  # fmt: skip
LANGUAGE_FIELDS = ("id", "name", "code", "note")
SERVICE_AREA_FIELDS = ("id", "name", "description", "extent", "extent_type", "uri")
# HSDS key → our attribute, where they differ.
SOURCES = {"taxonomy_id": "taxonomy_ref_id"}
# Fields HSDS gives a format or an enum: an empty string would not validate, so it is left out.
OMIT_IF_BLANK = frozenset(
    {"url", "email", "website", "uri", "term_uri", "schedule_link", "assurer_email", "wkst", "freq"}
)


_PLAIN = frozenset({str, int, float, bool, dict, list})


def json_value(value: Any) -> Any:
    if value.__class__ in _PLAIN:  # most values: no conversion, checked first
        return value
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dt.datetime):
        moment = value.astimezone(dt.UTC).isoformat(timespec="milliseconds")
        return moment.replace("+00:00", "Z")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


@functools.cache
def _sources(names: tuple[str, ...]) -> tuple[str, ...]:
    """Our attribute for each of these HSDS fields."""
    return tuple(SOURCES.get(name, name) for name in names)


@functools.cache
def _blank_omitted(names: tuple[str, ...]) -> tuple[tuple[str, bool], ...]:
    """(HSDS key, left out when blank) for each of these fields."""
    return tuple((name, name in OMIT_IF_BLANK) for name in names)


def present(values: list, start: int, names: tuple[str, ...]) -> HsdsRecord:
    """The fields `names`, whose JSON values are `values[start:]` in that order, less the missing ones."""
    data: HsdsRecord = {}
    for position, (name, omit_if_blank) in enumerate(_blank_omitted(names), start):
        value = values[position]
        if value is None or (omit_if_blank and value == ""):
            continue
        data[name] = value
    return data


def values_of(record: Model, names: tuple[str, ...]) -> list:
    return [json_value(getattr(record, source)) for source in _sources(names)]


def fields_of(record: Model, names: tuple[str, ...]) -> HsdsRecord:
    """These fields of a model instance, as JSON values."""
    return present(values_of(record, names), 0, names)


def extended(data: HsdsRecord, extra: dict | None, *, one_to_one_only: bool = False) -> HsdsRecord:
    """Merge back what HSDS carries and we do not model; our own fields win a clash."""
    for key, value in (extra or {}).items():
        if key not in data and not (one_to_one_only and isinstance(value, list)):
            data[key] = value
    return data


def with_extra(data: HsdsRecord, record: d.HsdsModel, *, one_to_one_only: bool = False) -> HsdsRecord:
    return extended(data, record.hsds_extra, one_to_one_only=one_to_one_only)


def translated(data: HsdsRecord, language: str, translations: dict | None) -> HsdsRecord:
    """Our extension fields: the record's own language and its text in others."""
    if language:
        data.setdefault("language", language)
    if translations:
        data["translations"] = translations
    return data


def with_translations(data: HsdsRecord, record: d.Translatable) -> HsdsRecord:
    return translated(data, record.language, record.translations)
