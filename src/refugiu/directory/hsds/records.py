"""HSDS records as the importer reads them: which HSDS objects map onto which of our models, how each
field's value is checked, and the rows an import gathers from whichever form the data came in (nested
JSON here, tabular packages in `tabular`). Writing the rows is the importer's (`importer`).
"""

import datetime as dt
import functools
import json
import math
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import models
from django.db.models.fields.related import RelatedField
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime, parse_time

from refugiu.core.fields import concrete_column
from refugiu.core.limits import field_limit, field_too_long
from refugiu.directory import models as d
from refugiu.directory.translations import is_language_code

MAX_WARNINGS = 50
# Required by HSDS, but often unknown in European data: present and empty is accepted.
MAY_BE_EMPTY = frozenset({"description", "postal_code", "state_province"})
# Our columns that no file sets: they belong to editors or to us.
NOT_FROM_FILES = frozenset(
    ("id", "hsds_extra", "is_published", "last_verified_on", "last_verified_by", "slug")
)


class HsdsImportError(Exception):
    """Why a file was refused: which record, which field, what is wrong. Nothing of the file was written."""

    def __init__(self, record: str, field: str, reason: str):
        self.record, self.field, self.reason = record, field, reason
        super().__init__(": ".join(part for part in (record, field, reason) if part))


@dataclass(frozen=True)
class Entity:
    """How one HSDS object maps onto one of our models."""

    name: str  # HSDS's, as used in messages and in Attribute.link_entity
    plural: str
    model: type[models.Model]
    required: tuple[str, ...] = ()  # besides the id
    # nested list key → (entity, the link key its items get); "" = attributes, linked by link_id/link_entity
    children: dict[str, tuple[str, str]] = field(default_factory=dict)
    # nested object key → (entity, our link key pointing at it)
    nested: dict[str, tuple[str, str]] = field(default_factory=dict)
    enums: dict[str, tuple[str, ...]] = field(default_factory=dict)  # beyond our models' choices
    kept_if_absent: tuple[str, ...] = ()  # our extension columns: a file may set them, need not
    stamped: tuple[str, ...] = ()  # not HSDS: set to the time of the import


_ATTRIBUTES = {"attributes": ("attribute", "")}


def _children(link: str, **entities: str) -> dict[str, tuple[str, str]]:
    return {key: (entity, link) for key, entity in entities.items()} | _ATTRIBUTES


# fmt: off
ENTITIES: dict[str, Entity] = {entity.name: entity for entity in (
    Entity("taxonomy", "taxonomies", d.Taxonomy, required=("name", "description")),
    Entity("taxonomy_term", "taxonomy_terms", d.TaxonomyTerm, required=("name", "description"),
           nested={"taxonomy_detail": ("taxonomy", "taxonomy_id")}),
    Entity("organization", "organizations", d.Organization, required=("name", "description"),
           children=_children("organization_id", contacts="contact", phones="phone", locations="location",
                              services="service"),
           kept_if_absent=("country",), stamped=("last_modified",)),
    Entity("service", "services", d.Service, required=("name", "status"),
           children=_children("service_id", phones="phone", schedules="schedule", languages="language",
                              service_areas="service_area", service_at_locations="service_at_location",
                              contacts="contact"),
           nested={"organization": ("organization", "organization_id")}),
    Entity("location", "locations", d.Location, required=("location_type",),
           children=_children("location_id", languages="language", addresses="address", contacts="contact",
                              phones="phone", schedules="schedule"),
           kept_if_absent=("is_confidential", "front_door_area", "front_door_phone", "front_door_email")),
    Entity("service_at_location", "service_at_locations", d.ServiceAtLocation,
           children=_children("service_at_location_id", contacts="contact", phones="phone",
                              schedules="schedule"),
           nested={"location": ("location", "location_id")}, stamped=("last_modified",)),
    Entity("address", "addresses", d.Address, children=_ATTRIBUTES,
           required=("address_1", "city", "state_province", "postal_code", "country", "address_type")),
    Entity("contact", "contacts", d.Contact, children=_children("contact_id", phones="phone")),
    Entity("phone", "phones", d.Phone, required=("number",),
           children=_children("phone_id", languages="language")),
    Entity("schedule", "schedules", d.Schedule, children=_ATTRIBUTES,
           enums={"wkst": ("MO", "TU", "WE", "TH", "FR", "SA", "SU"), "freq": ("WEEKLY", "MONTHLY")}),
    Entity("language", "languages", d.Language, children=_ATTRIBUTES),
    Entity("service_area", "service_areas", d.ServiceArea, children=_ATTRIBUTES),
    Entity("attribute", "attributes", d.Attribute,
           nested={"taxonomy_term": ("taxonomy_term", "taxonomy_term_id")}),
)}
# fmt: on
WRITE_ORDER = tuple(ENTITIES)  # parents before children, as listed
MODEL_ENTITY = {entity.model: name for name, entity in ENTITIES.items()}
LABEL_PLURAL = {entity.model._meta.label: entity.plural for entity in ENTITIES.values()}
# Sub-records that mean nothing linked to nothing: skipped, with a warning, when every link is gone.
NEEDS_A_PARENT = ("contact", "phone", "schedule", "language", "service_area")


# --- columns and values ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str  # the HSDS key
    attname: str
    kind: str
    max_length: int | None = None
    choices: tuple[str, ...] = ()
    maximum: int | None = None
    digits: tuple[int, int] = (0, 0)  # decimals: (max_digits, decimal_places)
    target: str = ""  # links: the entity pointed at
    required: bool = False  # links our table cannot do without


# Checked in order: the first class a model field is an instance of gives its kind of value.
# fmt: off
_KINDS: tuple[tuple[type[models.Field], str], ...] = (
    (models.EmailField, "email"), (models.URLField, "url"), (models.UUIDField, "uuid"),
    (models.DateTimeField, "datetime"), (models.DateField, "date"), (models.TimeField, "time"),
    (models.DecimalField, "decimal"), (models.FloatField, "float"), (models.BooleanField, "bool"),
    (models.PositiveSmallIntegerField, "int"), (models.PositiveIntegerField, "int"),
    (models.JSONField, "translations"), (models.CharField, "str"), (models.TextField, "str"),
)
# fmt: on
_TEXT_KINDS = frozenset({"str", "email", "url", "country"})


@functools.cache
def entity_columns(entity_name: str) -> tuple[dict[str, Column], dict[str, Column]]:
    """The entity's plain columns and its links (foreign keys), by HSDS key."""
    entity = ENTITIES[entity_name]
    values: dict[str, Column] = {}
    links: dict[str, Column] = {}
    for f in entity.model._meta.concrete_fields:
        if f.primary_key or f.name in NOT_FROM_FILES or f.name in entity.stamped:
            continue
        if isinstance(f, RelatedField):  # f.is_relation
            target = MODEL_ENTITY[f.related_model]
            column = concrete_column(f)
            links[column] = Column(column, f.attname, "uuid", target=target, required=not f.null)
            continue
        kind = "country" if f.name == "country" else next(k for cls, k in _KINDS if isinstance(f, cls))
        choices = entity.enums.get(f.name) or tuple(str(c) for c, _ in f.choices or ())
        maximum = 32767 if isinstance(f, models.PositiveSmallIntegerField) else 2**31 - 1
        digits = (f.max_digits, f.decimal_places) if isinstance(f, models.DecimalField) else (0, 0)
        values[f.name] = Column(f.name, f.attname, kind, f.max_length, choices, maximum, digits)
    return values, links


_EXTRA = ("extra", None)


@functools.cache
def _keys(entity_name: str) -> dict[str, tuple[str, Any]]:
    """What each key of the entity's records is: "id", a "value" or "link" column, "children" or "nested"."""
    values, links = entity_columns(entity_name)
    entity = ENTITIES[entity_name]
    return (
        {key: ("value", column) for key, column in values.items()}
        | {key: ("link", column) for key, column in links.items()}
        | {key: ("children", spec) for key, spec in entity.children.items()}
        | {key: ("nested", spec) for key, spec in entity.nested.items()}
        | {"id": ("id", None)}
    )


_email = EmailValidator()
_url = URLValidator(schemes=["http", "https"])
_TEXT_REASONS = {
    "email": "must be an email address",
    "url": "must be a web address starting with http:// or https://",
}


def json_type_name(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "true/false", type(None): "null"}
    return names.get(type(value), "a number")


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _coerce(label: Any, column: Column, value: Any, *, from_text: bool) -> Any:
    """The Python value of a field, or HsdsImportError. `from_text`: every value arrives as a CSV string."""
    kind = column.kind
    if kind == "str" and value.__class__ is str and not column.choices:  # most fields: checked first, fast
        if column.max_length and len(value) > column.max_length:
            raise HsdsImportError(
                str(label), column.name, f"must be at most {column.max_length} characters long"
            )
        return value

    def refuse(reason: str) -> HsdsImportError:
        return HsdsImportError(str(label), column.name, reason)

    if kind == "translations":
        return _translations(label, column, value, from_text=from_text)
    if not isinstance(value, str) and (kind in _TEXT_KINDS or kind in ("date", "time", "datetime", "uuid")):
        raise refuse(f"must be a string, not {json_type_name(value)}")
    if kind in _TEXT_KINDS:
        if column.choices and value not in column.choices:
            raise refuse("must be one of " + ", ".join(column.choices))
        if column.max_length and len(value) > column.max_length:
            raise refuse(f"must be at most {column.max_length} characters long")
        if kind == "country":
            if len(value) != 2 or not value.isascii() or not value.isalpha():
                raise refuse("must be a two-letter country code (ISO 3166-1 alpha-2)")
            return value.upper()
        if kind in _TEXT_REASONS:
            try:
                (_email if kind == "email" else _url)(value)
            except ValidationError as exc:
                raise refuse(_TEXT_REASONS[kind]) from exc
        return value
    if kind == "uuid":
        return _uuid(label, column.name, value)
    if kind in ("date", "time", "datetime"):
        return _moment(refuse, kind, value)
    if kind == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower() if from_text else None
        if text in ("true", "1", "yes"):
            return True
        if text in ("false", "0", "no"):
            return False
        raise refuse("must be true or false")
    return _number(refuse, column, value, from_text=from_text)


def _moment(refuse, kind: str, value: str) -> dt.date | dt.time | dt.datetime:
    formats = {
        "date": "a date (YYYY-MM-DD)",
        "time": "a time (HH:MM:SS)",
        "datetime": "a date and time (ISO 8601)",
    }
    parser = {"date": parse_date, "time": parse_time, "datetime": parse_datetime}[kind]
    try:
        parsed = parser(value.strip())
    except ValueError:
        parsed = None
    if parsed is None:
        raise refuse(f"must be {formats[kind]}")
    if isinstance(parsed, dt.datetime) and timezone.is_naive(parsed):  # kind "datetime"
        parsed = timezone.make_aware(parsed, dt.UTC)
    return parsed


def _number(refuse, column: Column, value: Any, *, from_text: bool) -> int | float | Decimal:
    kind = column.kind
    number: Decimal | None = None
    if isinstance(value, str) and from_text:
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            number = None
    elif isinstance(value, int) and not isinstance(value, bool):
        number = Decimal(value)
    elif isinstance(value, float) and math.isfinite(value):
        number = Decimal(repr(value))
    if number is None or not number.is_finite():
        raise refuse("must be a whole number" if kind == "int" else "must be a number")
    if kind == "float":
        return float(number)
    if kind == "int":
        if number != number.to_integral_value():
            raise refuse("must be a whole number")
        if not 0 <= number <= (column.maximum or 0):
            raise refuse(f"must be between 0 and {column.maximum}")
        return int(number)
    max_digits, places = column.digits
    quantized = number.quantize(Decimal(1).scaleb(-places))
    limit = 10 ** (max_digits - places)
    if abs(quantized) >= limit:
        raise refuse(f"must be between -{limit} and {limit}")
    return quantized


# An import keeps ids as a UUID's canonical text (what str(uuid.UUID(…)) gives: lower case, with
# dashes), not as UUID objects: it handles hundreds of thousands of them, and a str is made, hashed and
# compared in C where a UUID does all three in Python (a fifth of reading a large file went on them).
Id = str
_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _uuid(label: Any, key: str, value: Any) -> Id:
    """`value` as an Id; `label` (a Row or a string) names the record if it is not a UUID."""
    if isinstance(value, uuid.UUID):
        return str(value)
    parsed = _parse_uuid(value.strip()) if isinstance(value, str) else None
    if parsed is None:
        raise HsdsImportError(str(label), key, "must be a UUID")
    return parsed


@functools.lru_cache(maxsize=4096)  # the same few terms and parents recur across a large file
def _parse_uuid(text: str) -> Id | None:
    """Any form uuid.UUID reads (upper case, braces, "urn:uuid:", no dashes), as an Id."""
    if _CANONICAL_UUID.fullmatch(text):
        return text
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return None


def _translations(label: Any, column: Column, value: Any, *, from_text: bool) -> dict:
    """Our extension: {"en": {"name": …, "description": …}}, the record's text in other languages."""
    if from_text and isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            value = None
    shape = 'must be an object of language code → {"name": …, "description": …}'
    if not isinstance(value, dict):
        raise HsdsImportError(str(label), column.name, shape)
    for language, texts in value.items():
        if not language or len(language) > 8:
            raise HsdsImportError(str(label), column.name, f"{language!r} is not a language code")
        if not isinstance(texts, dict) or not all(isinstance(text, str) for text in texts.values()):
            raise HsdsImportError(str(label), f"{column.name}.{language}", shape)
    return value


def _too_long(value: Any, limit: int) -> bool:
    """A string longer than `limit` characters, or one inside this list or object (its keys too)."""
    if value.__class__ is str:
        return len(value) > limit
    if isinstance(value, dict):
        return any(len(key) > limit or _too_long(item, limit) for key, item in value.items())
    if isinstance(value, list):
        return any(_too_long(item, limit) for item in value)
    return False


# --- rows -----------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Row:
    """One record as our table will hold it, whichever form it came in."""

    entity: str
    id: Id
    where: str  # tabular: the file and row it came from
    values: dict[str, Any] = field(default_factory=dict)
    links: dict[str, Id] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    given: set[str] = field(default_factory=set)  # the lists of sub-records the file gives for it

    @property
    def label(self) -> str:
        """How messages name the record (made only when needed: an import has hundreds of thousands)."""
        return f"{self.entity} {self.id}" + (f" ({self.where})" if self.where else "")

    def __str__(self) -> str:
        return self.label

    def merge(self, other: "Row") -> None:
        """Fold in another copy of the same record: it may add links and fields, never change them."""
        self.given |= other.given
        for mine, theirs in (
            (self.values, other.values),
            (self.links, other.links),
            (self.extra, other.extra),
        ):
            for key, value in theirs.items():
                if key in mine and mine[key] != value:
                    raise HsdsImportError(
                        self.label, key, "the record appears more than once, with different values"
                    )
                mine[key] = value  # fmt: skip


class _Place:
    """Where a nested record is, to name it before its id is known. Made into text only for a message:
    the text of every nested record's place was a tenth of reading a large file."""

    __slots__ = ("before", "key", "parent")

    def __init__(self, before: str, key: str, parent: Row) -> None:
        self.before, self.key, self.parent = before, key, parent

    def __str__(self) -> str:
        return f"{self.before}{self.key} of {self.parent.label}"


class ImportRows:
    """The rows of one import, by entity and id, gathered from whichever form the data came in."""

    def __init__(self) -> None:
        self.rows: dict[str, dict[Id, Row]] = {name: {} for name in ENTITIES}
        self.warnings: list[str] = []
        self.warnings_left_out = 0
        self.longest_field = field_limit()

    def warn(self, message: str) -> None:
        if len(self.warnings) < MAX_WARNINGS:
            self.warnings.append(message)
        else:
            self.warnings_left_out += 1

    def top_level(self, data: Any, *, position: str) -> None:
        if isinstance(data, dict) and (isinstance(data.get("organization"), dict) or "status" in data):
            self.record("service", data, fallback=f"service {position}")
        else:
            self.record("organization", data, fallback=f"organization {position}")

    def give_tables(self, tables: Iterable[str]) -> None:
        """Tabular: a table in the package is the complete list of its records under every parent."""
        for name, by_id in self.rows.items():
            keys = {key for key, (child, _) in ENTITIES[name].children.items() if child in tables}
            for row in by_id.values():
                row.given |= keys

    def record(
        self,
        entity_name: str,
        data: Any,
        *,
        fallback: "str | _Place",
        forced: dict[str, Any] | None = None,
        where: str = "",
        from_text: bool = False,
    ) -> Id:
        """Validate one record (and, recursively, what is nested in it) into rows; returns its id.

        `fallback` names the record until its id is known; `forced` are the links its nesting implies;
        `where` (tabular) says which file and row it came from.
        """
        entity = ENTITIES[entity_name]
        if not isinstance(data, dict):
            raise HsdsImportError(str(fallback), "", f"must be an object, not {json_type_name(data)}")
        if _is_blank(data.get("id")):
            raise HsdsImportError(str(fallback), "id", "is required")
        record_id = _uuid(fallback, "id", data["id"])
        row = Row(entity_name, record_id, where)
        keys = _keys(entity_name)
        for key, value in data.items():
            how, spec = keys.get(key, _EXTRA)
            if how == "extra" or (from_text and how in ("children", "nested")):
                if not (from_text and value == ""):  # an empty cell is no value
                    self._check_length(row, key, value)
                    row.extra[key] = value
            elif how in ("value", "link"):
                if value is None or (value.__class__ is str and not value.strip()):
                    continue
                if how == "value":
                    self._check_length(row, key, value)
                    row.values[key] = _coerce(row, spec, value, from_text=from_text)
                else:
                    row.links[key] = _uuid(row, key, value)
            elif how == "children":
                self._children(entity, row, key, value)
            elif how == "nested" and value is not None:
                target, link = spec
                self._force(row, link, self.record(target, value, fallback=_Place("", key, row)))
        if row.values.get("translations"):
            self._translation_languages(row)
        for key, value in (forced or {}).items():
            self._force(row, key, value)
        for key in entity.required:
            if data.get(key) is None:
                raise HsdsImportError(row.label, key, "is required")
            if key not in row.values and key not in row.links and key not in MAY_BE_EMPTY:
                raise HsdsImportError(row.label, key, "must not be empty")
        known = self.rows[entity_name].get(record_id)
        if known is None:
            self.rows[entity_name][record_id] = row
        elif from_text:
            raise HsdsImportError(row.label, "id", f"appears twice (also {known.label})")
        else:
            known.merge(row)
        return record_id

    def _translation_languages(self, row: Row) -> None:
        """Keep the translations into ISO 639-1 languages (their codes in lower case), leave out and report
        the others: pages and the API find a translation by that code."""
        kept: dict[str, Any] = {}
        for code, texts in row.values["translations"].items():
            language = code.strip().lower()
            if is_language_code(language) and language not in kept:
                kept[language] = texts
                continue
            reason = (
                f"{language!r} appears twice (as keys differing in case): the first is kept"
                if language in kept
                else f"{code!r} is not an ISO 639-1 language code: the translation was left out; name it by "
                'its language\'s two-letter code (such as "uk" or "pt") to keep it'
            )
            self.warn(f"{row.label}: translations.{code}: {reason}")
        row.values["translations"] = kept
        if kept and not row.values.get("language"):
            self.warn(
                f"{row.label}: language: it has translations but does not say which language its own text "
                'is in: give it (a two-letter ISO 639-1 code, such as "ro") so that the two can be told apart'
            )

    def _check_length(self, row: Row, key: str, value: Any) -> None:
        """No text of a field (a string, or one inside a list or an object) past the field limit."""
        if _too_long(value, self.longest_field):
            raise HsdsImportError(row.label, key, str(field_too_long()))

    def _children(self, entity: Entity, row: Row, key: str, value: Any) -> None:
        if value is None:
            return
        if not isinstance(value, list):
            raise HsdsImportError(row.label, key, f"must be a list, not {json_type_name(value)}")
        row.given.add(key)
        child, link = entity.children[key]
        forced = {link: row.id} if link else {"link_id": row.id, "link_entity": entity.name}
        for position, item in enumerate(value, 1):
            self.record(child, item, fallback=_Place(f"{child} #{position} in ", key, row), forced=forced)

    @staticmethod
    def _force(row: Row, key: str, value: Any) -> None:
        """Set a link the nesting implies; a record that says otherwise is refused (link_entity is ours)."""
        target = row.values if key in entity_columns(row.entity)[0] else row.links
        if key != "link_entity" and target.get(key, value) != value:
            raise HsdsImportError(row.label, key, "does not match the record it is nested in")
        target[key] = value
