"""HSDS records as the importer reads them: which HSDS objects map onto which of our models, how each
field's value is checked, and the rows an import gathers from whichever form the data came in (nested
JSON here, tabular packages in `tabular`). Writing the rows is the importer's (`importer`).

Nothing here stops at the first problem: a value a field cannot take is left out of its row and
reported (`ImportRows.problems`, each a `problems.Problem` naming the record, the field, its place in the
file, what is wrong and how to fix it), and reading goes on, so that one run lists every problem. Each
top-level record (in a tabular package, each row) is a *unit*: the importer refuses the file, or with
--skip-invalid sets aside the units that have a problem (`ImportRows.bad_units`) with what belongs to them.
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
from django.core.validators import EmailValidator
from django.db import models
from django.db.models.fields.related import RelatedField
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime, parse_time
from django.utils.translation import gettext as _

from refugiu.core.fields import concrete_column
from refugiu.core.limits import field_limit, field_too_long
from refugiu.directory import models as d
from refugiu.directory.hsds import problems as say
from refugiu.directory.hsds.problems import HsdsImportError, Invalid, Problem, json_type_name
from refugiu.directory.translations import is_language_code

__all__ = [
    "ENTITIES", "LABEL_PLURAL", "MODEL_ENTITY", "NEEDS_A_PARENT", "NOT_FROM_FILES", "WRITE_ORDER",
    "HsdsImportError", "Id", "ImportRows", "Place", "Problem", "Row", "Unit", "entity_columns",
    "json_type_name",
]  # fmt: skip

MAX_WARNINGS = 50
# Required by HSDS and meaningless empty: the directory lists records by their name, and a phone is its
# number. Any other required text may be present and empty, as the schema allows (European data often
# has no postal code or state/province); a required code list value (status, location_type, …) must be
# one of its values.
MUST_NOT_BE_EMPTY = frozenset({"name", "number"})
# Our columns that no file sets: they belong to editors or to us.
NOT_FROM_FILES = frozenset(
    ("id", "hsds_extra", "is_published", "last_verified_on", "last_verified_by", "slug")
)


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
_url = d.WebAddressValidator(schemes=["http", "https"])  # no length: the import's limit on a field applies


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _coerce(column: Column, value: Any, *, from_text: bool) -> Any:
    """The Python value of a field, or `Invalid`. `from_text`: every value arrives as a CSV string."""
    kind = column.kind
    if kind == "str" and value.__class__ is str and not column.choices:  # most fields: checked first, fast
        if column.max_length and len(value) > column.max_length:
            raise _longer_than(column.max_length)
        return value
    if kind == "translations":
        return _translations(column, value, from_text=from_text)
    if not isinstance(value, str) and (kind in _TEXT_KINDS or kind in ("date", "time", "datetime", "uuid")):
        raise say.not_text(value)
    if kind in _TEXT_KINDS:
        if column.choices and value not in column.choices:
            raise say.not_one_of(value, column.choices)
        if kind == "country":
            if len(value) != 2 or not value.isascii() or not value.isalpha():
                raise say.not_country()
            return value.upper()
        if kind == "email":
            if column.max_length and len(value) > column.max_length:
                raise say.email_too_long(column.max_length)
            try:
                _email(value)
            except ValidationError:
                raise say.not_email() from None
        elif kind == "url":
            try:
                _url(value)
            except ValidationError:
                raise say.not_url() from None
        if column.max_length and len(value) > column.max_length:
            raise _longer_than(column.max_length)
        return value
    if kind == "uuid":
        parsed = _uuid(value)
        if parsed is None:
            raise say.not_uuid(column.name)
        return parsed
    if kind in ("date", "time", "datetime"):
        return _moment(kind, value)
    if kind == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower() if from_text else None
        if text in ("true", "1", "yes"):
            return True
        if text in ("false", "0", "no"):
            return False
        raise say.not_boolean(from_text=from_text)
    return _number(column, value, from_text=from_text)


def _longer_than(limit: int) -> Invalid:
    """Only a column whose values are codes has a length (status, country, …): a value past it is no code."""
    return Invalid(
        _("must be at most %(limit)s characters long") % {"limit": limit},
        _("Check the value: it is a code of at most %(limit)s characters.") % {"limit": limit},
    )


def _moment(kind: str, value: str) -> dt.date | dt.time | dt.datetime:
    parser = {"date": parse_date, "time": parse_time, "datetime": parse_datetime}[kind]
    try:
        parsed = parser(value.strip())
    except ValueError:
        parsed = None
    if parsed is None:
        raise say.not_moment(kind)
    if isinstance(parsed, dt.datetime) and timezone.is_naive(parsed):  # kind "datetime"
        parsed = timezone.make_aware(parsed, dt.UTC)
    return parsed


def _number(column: Column, value: Any, *, from_text: bool) -> int | float | Decimal:
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
        raise say.not_whole_number() if kind == "int" else say.not_number()
    if kind == "float":
        return float(number)
    if kind == "int":
        if number != number.to_integral_value():
            raise say.not_whole_number()
        if not 0 <= number <= (column.maximum or 0):
            raise say.out_of_range(0, column.maximum)
        return int(number)
    max_digits, places = column.digits
    quantized = number.quantize(Decimal(1).scaleb(-places))
    limit = 10 ** (max_digits - places)
    if abs(quantized) >= limit:
        raise say.out_of_range(-limit, limit)
    return quantized


# An import keeps ids as a UUID's canonical text (what str(uuid.UUID(…)) gives: lower case, with
# dashes), not as UUID objects: it handles hundreds of thousands of them, and a str is made, hashed and
# compared in C where a UUID does all three in Python (a fifth of reading a large file went on them).
Id = str
_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _uuid(value: Any) -> Id | None:
    """`value` as an Id, or None if it is not a UUID."""
    if isinstance(value, uuid.UUID):
        return str(value)
    return _parse_uuid(value.strip()) if isinstance(value, str) else None


@functools.lru_cache(maxsize=4096)  # the same few terms and parents recur across a large file
def _parse_uuid(text: str) -> Id | None:
    """Any form uuid.UUID reads (upper case, braces, "urn:uuid:", no dashes), as an Id."""
    if _CANONICAL_UUID.fullmatch(text):
        return text
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return None


def _translations(column: Column, value: Any, *, from_text: bool) -> dict:
    """Our extension: {"en": {"name": …, "description": …}}, the record's text in other languages."""
    if from_text and isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            value = None
    if not isinstance(value, dict):
        raise say.not_translations()
    for language, texts in value.items():
        if not language or len(language) > 8:
            raise say.not_language_code(language)
        if not isinstance(texts, dict) or not all(isinstance(text, str) for text in texts.values()):
            raise say.not_translations(f"{column.name}.{language}")
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


# --- where records are ----------------------------------------------------------------------------------


class Place:
    """Where a record is in the file, made into text only for a message (the text of every nested
    record's place was a tenth of reading a large file).

    A top-level record's place is given as text: its JSON path ("$[2]", "line 7: $") and its position
    for naming it while its id is unknown ("#3"); a tabular row's, its file and row ("services.csv row 3"),
    which is both. A nested record's place is the key it is under in its parent's row (and its index in
    that list), so its path is its parent's path followed by ".phones[1]".
    """

    __slots__ = ("index", "key", "label_text", "owner", "path_text", "tabular")

    def __init__(
        self,
        owner: "Row | None" = None,
        key: str = "",
        index: int | None = None,
        *,
        path: str = "",
        label: str = "",
        tabular: bool = False,
    ) -> None:
        self.owner, self.key, self.index = owner, key, index
        self.path_text, self.label_text, self.tabular = path, label, tabular

    def path(self) -> str:
        if self.owner is None:
            return self.path_text
        return f"{self.owner.place.path()}.{self.key}" + ("" if self.index is None else f"[{self.index}]")

    def field_path(self, key: str) -> str:
        if self.tabular:
            return _("%(where)s, column %(column)s") % {"where": self.path_text, "column": key}
        return f"{self.path()}.{key}"

    def label(self, entity: str) -> str:
        """How a message names a record found here whose id is missing or not a UUID."""
        if self.owner is None:
            return self.label_text if self.tabular else f"{entity} {self.label_text}".strip()
        if self.index is None:
            return f"{self.key} of {self.owner.label}"
        return f"{entity} #{self.index + 1} in {self.key} of {self.owner.label}"


TOP = Place(path="$", label="")  # a record given alone (hsds_import_organizations, tests)


@dataclass(slots=True)
class Unit:
    """A top-level record of a JSON file, or a row of a tabular package: what --skip-invalid sets aside
    whole. `data` is the record as the file has it (kept only when the rejected ones are to be written)."""

    label: str
    path: str
    data: Any = None
    file: str = ""  # tabular: the CSV file the row is in
    text: str = ""  # a line of NDJSON that is no JSON, as it is


# --- rows -----------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Row:
    """One record as our table will hold it, whichever form it came in."""

    entity: str
    id: Id
    where: str  # tabular: the file and row it came from
    place: Place = TOP
    unit: int = -1
    values: dict[str, Any] = field(default_factory=dict)
    links: dict[str, Id] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    given: set[str] = field(default_factory=set)  # the lists of sub-records the file gives for it
    failed: set[str] | None = None  # the keys whose value was refused
    anonymous: str = ""  # how to name it when its id is missing or not a UUID (a stand-in id is used)

    @property
    def label(self) -> str:
        """How messages name the record (made only when needed: an import has hundreds of thousands)."""
        if self.anonymous:
            return self.anonymous
        return f"{self.entity} {self.id}" + (f" ({self.where})" if self.where else "")

    def __str__(self) -> str:
        return self.label

    def merge(self, other: "Row") -> list[str]:
        """Fold in another copy of the same record: it may add links and fields, never change them.
        Returns the keys whose values differ (the first copy's value is kept)."""
        self.given |= other.given
        if other.failed:
            self.failed = (self.failed or set()) | other.failed
        differ = []
        for mine, theirs in (
            (self.values, other.values),
            (self.links, other.links),
            (self.extra, other.extra),
        ):
            for key, value in theirs.items():
                if key in mine and mine[key] != value:
                    differ.append(key)
                else:
                    mine[key] = value  # fmt: skip
        return differ


class ImportRows:
    """The rows of one import, by entity and id, gathered from whichever form the data came in, and every
    problem found on the way (`problems`), by unit (`bad_units`)."""

    def __init__(self, *, keep_data: bool = False) -> None:
        self.rows: dict[str, dict[Id, Row]] = {name: {} for name in ENTITIES}
        self.warnings: list[str] = []
        self.warnings_left_out = 0
        self.longest_field = field_limit()
        self.problems: list[Problem] = []
        self.bad_units: dict[int, list[Problem]] = {}
        self.units: list[Unit] = []
        self.unit = -1  # the unit being read
        self.keep_data = keep_data  # keep each unit's data, to write the rejected ones
        # Rows that more than one unit gives (HSDS repeats a record wherever it applies): every unit.
        self.shared: dict[tuple[str, Id], set[int]] = {}

    def warn(self, message: str) -> None:
        if len(self.warnings) < MAX_WARNINGS:
            self.warnings.append(message)
        else:
            self.warnings_left_out += 1

    # --- units and problems

    def begin(self, *, label: str, path: str, data: Any = None, file: str = "", text: str = "") -> int:
        """Start reading a new unit (a top-level record, a row); returns its number."""
        keep = self.keep_data
        self.units.append(Unit(label, path, data if keep else None, file, text if keep else ""))
        self.unit = len(self.units) - 1
        return self.unit

    def add(self, problem: Problem, units: Iterable[int] = ()) -> None:
        """Note a problem, against its own unit and any other it makes unusable."""
        self.problems.append(problem)
        for unit in {problem.unit, *units}:
            if unit >= 0:
                self.bad_units.setdefault(unit, []).append(problem)

    def row_problem(self, row: Row, key: str, invalid: Invalid, *, also: Iterable[int] = ()) -> None:
        """A problem with `key` of a record (`invalid.field`, when given, is a more precise key)."""
        key = invalid.field or key
        if key:
            row.failed = (row.failed or set()) | {key.split(".")[0]}
        self.add(
            Problem(
                record=row.label,
                field=key,
                path=row.place.field_path(key) if key else row.place.path(),
                reason=invalid.reason,
                fix=invalid.fix,
                record_id="" if row.anonymous else row.id,
                unit=row.unit,
            ),
            also,
        )

    def unit_problem(
        self, unit: int, invalid: Invalid, *, record: str = "", key: str = "", also: Iterable[int] = ()
    ) -> None:
        """A problem with a unit that gave no record (a line that is not JSON, a bad CSV row), or with a
        row that is not one of ours (`also`: the unit of the record it belongs to)."""
        info = self.units[unit]
        tabular = bool(info.file)
        self.add(
            Problem(
                record=record or info.label,
                field=key,
                path=Place(path=info.path, tabular=tabular).field_path(key) if key and tabular else info.path,
                reason=invalid.reason,
                fix=invalid.fix,
                unit=unit,
            ),
            also,
        )

    def units_of(self, row: Row) -> set[int]:
        return self.shared.get((row.entity, row.id)) or {row.unit}

    # --- reading records

    def top_level(self, data: Any, *, place: Place = TOP) -> None:
        """Read a top-level record: a service in full form, else an organisation."""
        if isinstance(data, dict) and (isinstance(data.get("organization"), dict) or "status" in data):
            self.record("service", data, place=place)
        else:
            self.record("organization", data, place=place)

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
        place: Place = TOP,
        forced: dict[str, Any] | None = None,
        where: str = "",
        from_text: bool = False,
    ) -> Id | None:
        """Validate one record (and, recursively, what is nested in it) into rows; returns its id (a
        stand-in when it has none), or None when it is no record at all. Every problem is noted, none
        stops the reading.

        `place` says where the record is in the file; `forced` are the links its nesting implies;
        `where` (tabular) says which file and row it came from.
        """
        entity = ENTITIES[entity_name]
        if not isinstance(data, dict):
            self._anonymous_problem(entity_name, place, "", say.not_object(data))
            return None
        raw_id = data.get("id")
        record_id = None if _is_blank(raw_id) else _uuid(raw_id)
        anonymous = ""
        if record_id is None:
            # Read the rest all the same, under a stand-in id, so that its other problems are found too.
            anonymous = place.label(entity_name)
            self._anonymous_problem(
                entity_name, place, "id", say.required("id") if _is_blank(raw_id) else say.not_uuid("id")
            )
            record_id = str(uuid.uuid4())
        row = Row(entity_name, record_id, where, place, self.unit, anonymous=anonymous)
        if place.owner is None and self.unit >= 0:  # a unit's record: the unit is named after it
            self.units[self.unit].label = row.label
        keys = _keys(entity_name)
        longest = self.longest_field
        for key, value in data.items():
            how, spec = keys.get(key, _EXTRA)
            if how == "extra" or (from_text and how in ("children", "nested")):
                if not (from_text and value == ""):  # an empty cell is no value
                    if _too_long(value, longest):
                        self.row_problem(row, key, say.too_long(field_too_long()))
                    else:
                        row.extra[key] = value
            elif how in ("value", "link"):
                if value is None or (value.__class__ is str and not value.strip()):
                    continue
                if _too_long(value, longest):
                    self.row_problem(row, key, say.too_long(field_too_long()))
                elif how == "value":
                    try:
                        row.values[key] = _coerce(spec, value, from_text=from_text)
                    except Invalid as exc:
                        self.row_problem(row, key, exc)
                elif (target := _uuid(value)) is not None:
                    row.links[key] = target
                else:
                    self.row_problem(row, key, say.not_uuid(key))
            elif how == "children":
                self._children(entity, row, key, value)
            elif how == "nested" and value is not None:
                target_entity, link = spec
                nested_id = self.record(target_entity, value, place=Place(row, key))
                if nested_id is None:  # already reported: its link is not required again
                    row.failed = (row.failed or set()) | {link}
                else:
                    self._force(row, link, nested_id)
        if row.values.get("translations"):
            self._translation_languages(row)
        for key, value in (forced or {}).items():
            self._force(row, key, value)
        for key in entity.required:
            if row.failed and key in row.failed:
                continue
            value = data.get(key)
            if value is None:
                self.row_problem(row, key, say.required(key))
            elif key not in row.values and key not in row.links:  # present, and blank
                column = keys[key][1]
                if column.choices:
                    self.row_problem(row, key, say.not_one_of(value, column.choices))
                elif key in MUST_NOT_BE_EMPTY:
                    self.row_problem(row, key, say.empty(key))
        known = self.rows[entity_name].get(record_id)
        if known is None:
            self.rows[entity_name][record_id] = row
        elif from_text:
            self.row_problem(row, "id", say.twice_in_table(known.label), also=(known.unit,))
        else:
            for key in known.merge(row):
                self.row_problem(row, key, say.copies_differ(known.place.field_path(key)), also=(known.unit,))
            if known.unit != row.unit:
                self.shared.setdefault((entity_name, record_id), {known.unit}).add(row.unit)
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

    def _anonymous_problem(self, entity_name: str, place: Place, key: str, invalid: Invalid) -> None:
        """A problem of a record that has no usable id: it is named by its place."""
        self.add(
            Problem(
                record=place.label(entity_name),
                field=key,
                path=place.field_path(key) if key else place.path(),
                reason=invalid.reason,
                fix=invalid.fix,
                unit=self.unit,
            )
        )

    def _children(self, entity: Entity, row: Row, key: str, value: Any) -> None:
        if value is None:
            return
        if not isinstance(value, list):
            self.row_problem(row, key, say.not_list(key, value))
            return
        row.given.add(key)
        child, link = entity.children[key]
        forced = {link: row.id} if link else {"link_id": row.id, "link_entity": entity.name}
        for position, item in enumerate(value):
            self.record(child, item, place=Place(row, key, position), forced=forced)

    def _force(self, row: Row, key: str, value: Any) -> None:
        """Set a link the nesting implies; a record that says otherwise is refused (link_entity is ours)."""
        target = row.values if key in entity_columns(row.entity)[0] else row.links
        if key != "link_entity" and target.get(key, value) != value:
            self.row_problem(row, key, say.not_as_nested(key))
            return
        target[key] = value
