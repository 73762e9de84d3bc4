"""HSDS 3.0 forms of the directory's records: the one place that turns our models into HSDS dicts.

The API and the export both call this module, so what the public may see is decided here and nowhere
else. The querysets it builds (`*_full_list`, `*_summary_list`) start from the public selectors and
prefetch everything the forms read, so a batch of records costs the same number of queries whatever its
size.

Why it works the way it does:
- A confidential location has one public form, built by `location_serialise` and used everywhere: its
  id, type, a neutral name (its public area) and its front door (phone, email). Its addresses,
  coordinates, directions, description, identifiers, other names, translations, phones, schedules,
  contacts, attributes and what HSDS extras it came with never leave. A phone, schedule, contact or
  language tied to a confidential location (directly, through a service at that location or through a
  contact there) is excluded by the querysets themselves, so one that is also linked to the service or
  the organisation cannot leak through them either. A service at a confidential location shows the
  location's front door only.
- Values are JSON values: ids, dates and times as ISO strings, decimals as numbers. A missing value is
  omitted, and so is an empty string where HSDS gives the field a format or an enum (email, url, freq…),
  which an empty string would fail; other empty strings stay, as HSDS allows them.
- What HSDS carries and we do not model (`hsds_extra`: funding, programs, cost options, metadata, …)
  is merged back under its own key as received, so an import followed by an export loses nothing. Our
  extension fields go out too (`language`, `translations`, an organisation's `country`), so a
  re-import keeps them. Summary forms keep only the one-to-one extras (no lists).
- A link to another record is given only when that record is public (a location's organisation, an
  organisation's parent), so no unpublished record's id is revealed.
- Attributes link to a record by id alone, so the ORM cannot prefetch them: each form takes an
  `AttributeSlots`, hands every record an empty list from it, and `attributes_deferred` fills all the
  lists with one query when the batch is done.
"""

import datetime as dt
import functools
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, models
from django.db.models import Model, Prefetch, QuerySet

from refugiu.core import fastjson
from refugiu.core.batching import in_batches
from refugiu.core.fields import field_column
from refugiu.directory import models as d
from refugiu.directory.selectors import (
    organization_public_list,
    organization_public_sql,
    service_at_location_public_list,
    service_public_list,
    service_public_sql,
)

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
# The name a confidential location goes by when it has no public area.
CONFIDENTIAL_NAME = "Confidential location"
ATTRIBUTE_BATCH = 10_000  # ids per query: far below every database's parameter limit
ROW_BATCH = 500  # ids per query of summary rows


# --- values ---------------------------------------------------------------------------------------------


_PLAIN = frozenset({str, int, float, bool, dict, list})


def _json_value(value: Any) -> Any:
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


def _present(values: list, start: int, names: tuple[str, ...]) -> HsdsRecord:
    """The fields `names`, whose JSON values are `values[start:]` in that order, less the missing ones."""
    data: HsdsRecord = {}
    for position, (name, omit_if_blank) in enumerate(_blank_omitted(names), start):
        value = values[position]
        if value is None or (omit_if_blank and value == ""):
            continue
        data[name] = value
    return data


def _values(record: Model, names: tuple[str, ...]) -> list:
    return [_json_value(getattr(record, source)) for source in _sources(names)]


def _fields(record: Model, names: tuple[str, ...]) -> HsdsRecord:
    """These fields of a model instance, as JSON values."""
    return _present(_values(record, names), 0, names)


def _extended(data: HsdsRecord, extra: dict | None, *, one_to_one_only: bool = False) -> HsdsRecord:
    """Merge back what HSDS carries and we do not model; our own fields win a clash."""
    for key, value in (extra or {}).items():
        if key not in data and not (one_to_one_only and isinstance(value, list)):
            data[key] = value
    return data


def _with_extra(data: HsdsRecord, record: d.HsdsModel, *, one_to_one_only: bool = False) -> HsdsRecord:
    return _extended(data, record.hsds_extra, one_to_one_only=one_to_one_only)


def _translated(data: HsdsRecord, language: str, translations: dict | None) -> HsdsRecord:
    """Our extension fields: the record's own language and its text in others."""
    if language:
        data.setdefault("language", language)
    if translations:
        data["translations"] = translations
    return data


def _with_translations(data: HsdsRecord, record: d.Translatable) -> HsdsRecord:
    return _translated(data, record.language, record.translations)


def _public_organization_id(organization: d.Organization | None) -> str | None:
    return str(organization.id) if organization is not None and organization.is_published else None


# --- attributes -----------------------------------------------------------------------------------------


class AttributeSlots:
    """One list per record that a batch's attributes go into, filled in one query by `fill`."""

    def __init__(self) -> None:
        self._slots: dict[uuid.UUID, list[HsdsRecord]] = {}

    def slot(self, record_id: uuid.UUID) -> list[HsdsRecord]:
        return self._slots.setdefault(record_id, [])

    def fill(self) -> None:
        ids = list(self._slots)
        for start in range(0, len(ids), ATTRIBUTE_BATCH):
            attributes = (
                d.Attribute.objects.filter(link_id__in=ids[start : start + ATTRIBUTE_BATCH])
                .select_related("taxonomy_term__taxonomy_ref")
                .order_by("id")
            )
            for attribute in attributes:
                self._slots[attribute.link_id].append(attribute_serialise(attribute=attribute))
        self._slots = {}


@contextmanager
def attributes_deferred() -> Iterator[AttributeSlots]:
    """Serialise a batch inside the block; on leaving it, every record's attributes are in place."""
    slots = AttributeSlots()
    yield slots
    slots.fill()


def attribute_serialise(*, attribute: d.Attribute) -> HsdsRecord:
    data = _fields(attribute, ATTRIBUTE_FIELDS)
    data["taxonomy_term"] = taxonomy_term_serialise(term=attribute.taxonomy_term)
    return _with_extra(data, attribute)


# --- vocabularies ---------------------------------------------------------------------------------------


def taxonomy_serialise(*, taxonomy: d.Taxonomy) -> HsdsRecord:
    return _with_extra(_fields(taxonomy, TAXONOMY_FIELDS), taxonomy)


def taxonomy_term_serialise(*, term: d.TaxonomyTerm) -> HsdsRecord:
    """A term with its taxonomy (`taxonomy_detail`): select_related("taxonomy_ref") saves a query."""
    data = _fields(term, TAXONOMY_TERM_FIELDS)
    if term.taxonomy_ref is not None:  # no query when it has no taxonomy
        data["taxonomy_detail"] = taxonomy_serialise(taxonomy=term.taxonomy_ref)
    if term.translations:
        data["translations"] = term.translations
    return _with_extra(data, term)


# --- the small records under the others -----------------------------------------------------------------


def _attributed(data: HsdsRecord, record: d.HsdsModel, attributes: AttributeSlots) -> HsdsRecord:
    data["attributes"] = attributes.slot(record.id)
    return _with_extra(data, record)


def language_serialise(*, language: d.Language, attributes: AttributeSlots) -> HsdsRecord:
    return _attributed(_fields(language, LANGUAGE_FIELDS), language, attributes)


def phone_serialise(*, phone: d.Phone, attributes: AttributeSlots) -> HsdsRecord:
    data = _fields(phone, PHONE_FIELDS)
    data["languages"] = [
        language_serialise(language=x, attributes=attributes) for x in _prefetched(phone, "languages")
    ]
    return _attributed(data, phone, attributes)


def contact_serialise(*, contact: d.Contact, attributes: AttributeSlots) -> HsdsRecord:
    data = _fields(contact, CONTACT_FIELDS)
    data["phones"] = _phones(contact, attributes)
    return _attributed(data, contact, attributes)


def schedule_serialise(*, schedule: d.Schedule, attributes: AttributeSlots) -> HsdsRecord:
    return _attributed(_fields(schedule, SCHEDULE_FIELDS), schedule, attributes)


def address_serialise(*, address: d.Address, attributes: AttributeSlots) -> HsdsRecord:
    return _attributed(_fields(address, ADDRESS_FIELDS), address, attributes)


def service_area_serialise(*, service_area: d.ServiceArea, attributes: AttributeSlots) -> HsdsRecord:
    return _attributed(_fields(service_area, SERVICE_AREA_FIELDS), service_area, attributes)


def _prefetched(record: Model, relation: str) -> list:
    """The rows of `relation` that this module's querysets prefetched. Nothing else is read: a row
    they leave out (a confidential location's phone) cannot be reached by a lazy query, and a
    queryset that forgot a prefetch fails here instead of running one query per record."""
    try:
        return getattr(record, "public_" + relation)
    except AttributeError:
        raise RuntimeError(
            f"{type(record).__name__}.{relation} was not prefetched (see *_full_list)"
        ) from None


def _phones(parent: Model, attributes: AttributeSlots) -> list[HsdsRecord]:
    return [phone_serialise(phone=phone, attributes=attributes) for phone in _prefetched(parent, "phones")]


def _contacts(parent: Model, attributes: AttributeSlots) -> list[HsdsRecord]:
    return [
        contact_serialise(contact=contact, attributes=attributes)
        for contact in _prefetched(parent, "contacts")
    ]


def _schedules(parent: Model, attributes: AttributeSlots) -> list[HsdsRecord]:
    return [
        schedule_serialise(schedule=schedule, attributes=attributes)
        for schedule in _prefetched(parent, "schedules")
    ]


def _languages(parent: Model, attributes: AttributeSlots) -> list[HsdsRecord]:
    return [language_serialise(language=x, attributes=attributes) for x in _prefetched(parent, "languages")]


# --- locations ------------------------------------------------------------------------------------------


def location_serialise(
    *, location: d.Location, attributes: AttributeSlots, summary: bool = False
) -> HsdsRecord:
    """The public form of a location, everywhere: full, or one-to-one fields only (`summary`).

    A confidential location gives only its id, type, organisation, a neutral name (its public area) and,
    in full form, its front door: the front-door phone as its one phone and the front-door email as its
    one contact. Their ids are derived from the location's, so they are stable from one call to the next.
    The location's organisation is read (select_related("organization") saves a query per location).
    """
    organization_id = _public_organization_id(location.organization) if location.organization_id else None
    if location.is_confidential:
        data: HsdsRecord = {"id": str(location.id), "location_type": location.location_type}
        if organization_id:
            data["organization_id"] = organization_id
        data["name"] = location.front_door_area or CONFIDENTIAL_NAME
        if summary:
            return data
        if location.front_door_phone:
            phone_id = uuid.uuid5(location.id, "front-door-phone")
            data["phones"] = [{"id": str(phone_id), "number": location.front_door_phone}]
        if location.front_door_email:
            contact_id = uuid.uuid5(location.id, "front-door-email")
            data["contacts"] = [{"id": str(contact_id), "email": location.front_door_email}]
        return data
    data = _fields(location, LOCATION_FIELDS)
    if not organization_id:
        data.pop("organization_id", None)
    _with_translations(data, location)
    if summary:
        return _with_extra(data, location, one_to_one_only=True)
    data["languages"] = _languages(location, attributes)
    data["addresses"] = [
        address_serialise(address=address, attributes=attributes)
        for address in _prefetched(location, "addresses")
    ]
    data["contacts"] = _contacts(location, attributes)
    data["phones"] = _phones(location, attributes)
    data["schedules"] = _schedules(location, attributes)
    return _attributed(data, location, attributes)


# --- organisations, services and where they are given ---------------------------------------------------


def organization_serialise(
    *, organization: d.Organization, attributes: AttributeSlots, services: bool = True
) -> HsdsRecord:
    """An organisation in full form; with its published services in full form unless `services` is off
    (inside a service, which is already given)."""
    data = organization_summarise(organization=organization, extras=False)
    data["contacts"] = _contacts(organization, attributes)
    data["phones"] = _phones(organization, attributes)
    data["locations"] = [
        location_serialise(location=location, attributes=attributes)
        for location in _prefetched(organization, "locations")
    ]
    if services:
        data["services"] = [
            service_serialise(service=service, attributes=attributes, organization=False)
            for service in _prefetched(organization, "services")
            if service.is_published  # the prefetch already filters; this guards one that does not
        ]
    return _attributed(data, organization, attributes)


def organization_summarise(*, organization: d.Organization, extras: bool = True) -> HsdsRecord:
    """The one-to-one fields of an organisation (organization_list.json); reads its parent."""
    return _organization_summary(_organization_row(organization), 0, extras=extras)


def service_serialise(
    *,
    service: d.Service,
    attributes: AttributeSlots,
    organization: bool = True,
    service_at_locations: bool = True,
) -> HsdsRecord:
    """A service in full form (service.json). `organization` and `service_at_locations` are left out
    where the service is itself nested in one of them."""
    data = _with_translations(_fields(service, SERVICE_FIELDS), service)
    data["phones"] = _phones(service, attributes)
    data["schedules"] = _schedules(service, attributes)
    data["service_areas"] = [
        service_area_serialise(service_area=area, attributes=attributes)
        for area in _prefetched(service, "service_areas")
    ]
    if service_at_locations:
        data["service_at_locations"] = [
            service_at_location_serialise(service_at_location=sal, attributes=attributes, service=False)
            for sal in _prefetched(service, "service_at_locations")
        ]
    data["languages"] = _languages(service, attributes)
    if organization:
        data["organization"] = organization_serialise(
            organization=service.organization, attributes=attributes, services=False
        )
    data["contacts"] = _contacts(service, attributes)
    return _attributed(data, service, attributes)


def service_summarise(*, service: d.Service) -> HsdsRecord:
    """The one-to-one fields of a service with its organisation's (service_list.json)."""
    return _service_summary(
        [*_values(service, SERVICE_SUMMARY_COLUMNS), *_organization_row(service.organization)]
    )


# --- summary forms from rows ----------------------------------------------------------------------------
#
# A summary is made from one flat row of JSON values: a service's SERVICE_SUMMARY_COLUMNS, then its
# organisation's ORGANIZATION_SUMMARY_COLUMNS and whether that one's parent is public. The row comes from a
# model instance, or straight from the database (`summary_rows`), for the API's summary pages.
#
# Those pages are the API's hot path: a search answers with one. Building model instances for them
# (select_related, converters, model __init__) and compiling the ORM's query cost several times the SQL
# itself, so they read plain rows with one statement of ours, built once from the models' own columns.

SERVICE_SUMMARY_COLUMNS = (*SERVICE_FIELDS, "language", "translations", "hsds_extra")
ORGANIZATION_SUMMARY_COLUMNS = (*ORGANIZATION_FIELDS, "language", "translations", "hsds_extra", "country")


def _organization_row(organization: d.Organization) -> list:
    parent = organization.parent_organization if organization.parent_organization_id else None
    return [*_values(organization, ORGANIZATION_SUMMARY_COLUMNS), parent is not None and parent.is_published]


def _organization_summary(row: list, start: int, *, extras: bool) -> HsdsRecord:
    data = _present(row, start, ORGANIZATION_FIELDS)
    language, translations, extra, country, parent_is_public = row[start + len(ORGANIZATION_FIELDS) :]
    if not parent_is_public:
        data.pop("parent_organization_id", None)
    _translated(data, language, translations)
    if country:
        data["country"] = country
    return _extended(data, extra, one_to_one_only=True) if extras else data


def _service_summary(row: list) -> HsdsRecord:
    data = _present(row, 0, SERVICE_FIELDS)
    language, translations, extra = row[len(SERVICE_FIELDS) : len(SERVICE_SUMMARY_COLUMNS)]
    _translated(data, language, translations)
    data["organization"] = _organization_summary(row, len(SERVICE_SUMMARY_COLUMNS), extras=True)
    return _extended(data, extra, one_to_one_only=True)


def _json_text(text: str) -> Any:
    return {} if text == "{}" else fastjson.loads(text)


def _utc_moment(moment: dt.datetime) -> str:
    """SQLite hands a time over naive, in UTC."""
    return moment.isoformat(timespec="milliseconds") + "Z" if moment.tzinfo is None else _json_value(moment)


# The databases write ids (and PostgreSQL times) in their JSON form themselves, faster than Python would.
# SQLite keeps a UUID as 32 lower-case hex digits (Django's form).
_SQLITE_DASHED = "||'-'||".join(
    f"substr({{0}}, {start}, {length})" for start, length in ((1, 8), (9, 4), (13, 4), (17, 4), (21, 12))
)
_PG_UTC_MOMENT = "to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"


def _readout(model_field, vendor: str) -> tuple[str, Any]:
    """How to select a column ("{}" is the column) and how its value, as the driver gives it, becomes
    the JSON value `_fields` would give (None: as it is).

    Both drivers, as Django sets them up, give dates, times and booleans as Python values, and JSON as
    text; SQLite gives UUIDs as hex and times naive, in UTC."""
    target = model_field.target_field if model_field.is_relation else model_field
    postgresql = vendor == "postgresql"
    if isinstance(target, models.JSONField):
        return "{}", _json_text
    if isinstance(target, models.UUIDField):
        return ("{}::text", None) if postgresql else (_SQLITE_DASHED, None)
    if isinstance(target, models.DateTimeField):
        return (_PG_UTC_MOMENT, None) if postgresql else ("{}", _utc_moment)
    if isinstance(target, models.DecimalField) and not postgresql:
        raise TypeError(f"{model_field}: SQLite gives no Decimal; read this column through the ORM")
    if isinstance(target, models.DateField | models.TimeField | models.DecimalField):
        return "{}", _json_value
    return "{}", None  # text, numbers, booleans


@dataclass(frozen=True)
class _SummaryStatement:
    """SELECT of the summary rows of public records of one kind, by id; "{marks}" stands for the ids."""

    sql: str
    readers: tuple[tuple[int, Any], ...]  # (position, reader) of the columns that need one

    def row(self, values) -> list:
        values = list(values)
        for position, read in self.readers:
            if (value := values[position]) is not None:
                values[position] = read(value)
        return values


@functools.cache
def _summary_statement(kind: str, vendor: str) -> _SummaryStatement:
    quote = connection.ops.quote_name
    selected: list[str] = []
    readers: list[Any] = []

    def select(model: type[Model], alias: str, names: tuple[str, ...]) -> None:
        for name in names:
            model_field = model._meta.get_field(name)
            expression, reader = _readout(model_field, vendor)
            selected.append(expression.format(f"{alias}.{quote(field_column(model, name))}"))
            readers.append(reader)

    def column(model: type[Model], name: str) -> str:
        return quote(field_column(model, name))

    organizations = quote(d.Organization._meta.db_table)
    if kind == "service":
        select(d.Service, "s", SERVICE_SUMMARY_COLUMNS)
        tables = (
            f"{quote(d.Service._meta.db_table)} s JOIN {organizations} o "
            f"ON o.{column(d.Organization, 'id')} = s.{column(d.Service, 'organization')}"
        )
        public, key = service_public_sql("s", "o"), f"s.{column(d.Service, 'id')}"
    else:
        tables = f"{organizations} o"
        public, key = organization_public_sql("o"), f"o.{column(d.Organization, 'id')}"
    select(d.Organization, "o", ORGANIZATION_SUMMARY_COLUMNS)
    selected.append(f"p.{column(d.Organization, 'is_published')}")  # NULL without a parent
    readers.append(None)
    sql = (
        f"SELECT {', '.join(selected)} FROM {tables} LEFT JOIN {organizations} p "
        f"ON p.{column(d.Organization, 'id')} = o.{column(d.Organization, 'parent_organization')} "
        f"WHERE {public} AND {key} IN ({{marks}})"
    )
    return _SummaryStatement(sql, tuple((i, read) for i, read in enumerate(readers) if read is not None))


def summary_rows(kind: str, ids: Sequence[uuid.UUID | str]) -> list[list]:
    """The summary rows of the public ones of these services or organisations (`kind`), in this order.

    The ids are UUIDs or their text (as a search gives them)."""
    statement = _summary_statement(kind, connection.vendor)
    keys = [str(i) for i in ids]
    # PostgreSQL compares the text with its uuid column; SQLite keeps the hex digits.
    mark, param = ("%s::uuid", keys) if connection.vendor == "postgresql" else ("%s", None)
    by_id: dict[str, list] = {}
    with connection.cursor() as cursor:
        for batch in in_batches(keys, ROW_BATCH):
            params = batch if param is not None else [key.replace("-", "") for key in batch]
            cursor.execute(statement.sql.format(marks=", ".join([mark] * len(batch))), params)
            for values in cursor.fetchall():
                row = statement.row(values)
                by_id[row[0]] = row  # the id comes first
    return [found for key in keys if (found := by_id.get(key)) is not None]


def service_summaries(ids: Sequence[uuid.UUID | str]) -> list[HsdsRecord]:
    """The summary forms of the public ones of these services, in this order."""
    return [_service_summary(row) for row in summary_rows("service", ids)]


def organization_summaries(ids: Sequence[uuid.UUID | str]) -> list[HsdsRecord]:
    """The summary forms of the public ones of these organisations, in this order."""
    return [_organization_summary(row, 0, extras=True) for row in summary_rows("organization", ids)]


def service_at_location_serialise(
    *,
    service_at_location: d.ServiceAtLocation,
    attributes: AttributeSlots,
    service: bool = True,
    summary: bool = False,
) -> HsdsRecord:
    """A service at a location, full or summary, with its location's public form and, unless `service`
    is off (inside the service), its service. At a confidential location its own description, phones,
    schedules, contacts and extras are left out too: they would say where it is."""
    sal = service_at_location
    confidential = sal.location.is_confidential
    data = _fields(sal, SERVICE_AT_LOCATION_FIELDS[:3] if confidential else SERVICE_AT_LOCATION_FIELDS)
    if not summary and not confidential:
        data["contacts"] = _contacts(sal, attributes)
        data["phones"] = _phones(sal, attributes)
        data["schedules"] = _schedules(sal, attributes)
    data["location"] = location_serialise(location=sal.location, attributes=attributes, summary=summary)
    if service:
        data["service"] = (
            service_summarise(service=sal.service)
            if summary
            else service_serialise(service=sal.service, attributes=attributes, service_at_locations=False)
        )
    if confidential:
        return data
    if summary:
        return _with_extra(data, sal, one_to_one_only=True)
    return _attributed(data, sal, attributes)


# --- what the forms read, prefetched --------------------------------------------------------------------


def _public(lookup: str, queryset: QuerySet) -> Prefetch:
    """Prefetch into a plain list, `public_<relation>`, which is all `_prefetched` reads.

    A list rather than the related manager's cache: Django would otherwise build a queryset per
    record prefetched, which costs more than the queries themselves in an export.
    """
    return Prefetch(lookup, queryset=queryset, to_attr="public_" + lookup.rsplit("__", 1)[-1])


def _away_from_confidential(queryset: QuerySet, *paths: str) -> QuerySet:
    """Leave out every row linked, through any of these paths, to a confidential location."""
    for path in paths:
        queryset = queryset.exclude(**{f"{path}__is_confidential": True})
    return queryset


def _language_rows() -> QuerySet[d.Language]:
    return _away_from_confidential(d.Language.objects.all(), "location", "phone__location").order_by("id")


def _phone_rows() -> QuerySet[d.Phone]:
    return (
        _away_from_confidential(
            d.Phone.objects.all(),
            "location",
            "service_at_location__location",
            "contact__location",
            "contact__service_at_location__location",
        )
        .prefetch_related(_public("languages", _language_rows()))
        .order_by("id")
    )


def _contact_rows() -> QuerySet[d.Contact]:
    return (
        _away_from_confidential(d.Contact.objects.all(), "location", "service_at_location__location")
        .prefetch_related(_public("phones", _phone_rows()))
        .order_by("id")
    )


def _schedule_rows() -> QuerySet[d.Schedule]:
    return _away_from_confidential(
        d.Schedule.objects.all(), "location", "service_at_location__location"
    ).order_by("id")


def _location_prefetches(prefix: str) -> list[Prefetch]:
    return [
        _public(
            f"{prefix}addresses",
            d.Address.objects.filter(location__is_confidential=False).order_by("id"),
        ),
        _public(f"{prefix}phones", _phone_rows()),
        _public(f"{prefix}schedules", _schedule_rows()),
        _public(f"{prefix}languages", _language_rows()),
        _public(f"{prefix}contacts", _contact_rows()),
    ]


def _location_rows() -> QuerySet[d.Location]:
    return (
        d.Location.objects.select_related("organization")
        .prefetch_related(*_location_prefetches(""))
        .order_by("name", "id")
    )


def _service_at_location_rows() -> QuerySet[d.ServiceAtLocation]:
    return (
        d.ServiceAtLocation.objects.select_related("location__organization")
        .prefetch_related(
            _public("phones", _phone_rows()),
            _public("schedules", _schedule_rows()),
            _public("contacts", _contact_rows()),
            *_location_prefetches("location__"),
        )
        .order_by("id")
    )


def _organization_prefetches(prefix: str, *, services: bool) -> list[Prefetch]:
    prefetches = [
        _public(f"{prefix}phones", _phone_rows()),
        _public(f"{prefix}contacts", _contact_rows()),
        _public(f"{prefix}locations", _location_rows()),
    ]
    if services:
        services_queryset = (
            service_public_list()
            .prefetch_related(*_service_prefetches("", organization=False, service_at_locations=True))
            .order_by("name", "id")
        )
        prefetches.append(_public(f"{prefix}services", services_queryset))
    return prefetches


def _service_prefetches(prefix: str, *, organization: bool, service_at_locations: bool) -> list[Prefetch]:
    prefetches = [
        _public(f"{prefix}phones", _phone_rows()),
        _public(f"{prefix}schedules", _schedule_rows()),
        _public(f"{prefix}service_areas", d.ServiceArea.objects.order_by("id")),
        _public(f"{prefix}languages", _language_rows()),
        _public(f"{prefix}contacts", _contact_rows()),
    ]
    if service_at_locations:
        prefetches.append(_public(f"{prefix}service_at_locations", _service_at_location_rows()))
    if organization:
        prefetches += _organization_prefetches(f"{prefix}organization__", services=False)
    return prefetches


def organization_full_list() -> QuerySet[d.Organization]:
    """Published organisations with everything `organization_serialise` reads."""
    return (
        organization_public_list()
        .select_related("parent_organization")
        .prefetch_related(*_organization_prefetches("", services=True))
    )


def organization_summary_list() -> QuerySet[d.Organization]:
    return organization_public_list().select_related("parent_organization")


def service_full_list() -> QuerySet[d.Service]:
    """Published services with everything `service_serialise` reads."""
    return (
        service_public_list()
        .select_related("organization__parent_organization")
        .prefetch_related(*_service_prefetches("", organization=True, service_at_locations=True))
    )


def service_summary_list() -> QuerySet[d.Service]:
    return service_public_list().select_related("organization__parent_organization")


def service_at_location_full_list() -> QuerySet[d.ServiceAtLocation]:
    """Public services at locations with everything `service_at_location_serialise` reads."""
    return (
        service_at_location_public_list()
        .select_related("location__organization", "service__organization__parent_organization")
        .prefetch_related(
            _public("phones", _phone_rows()),
            _public("schedules", _schedule_rows()),
            _public("contacts", _contact_rows()),
            *_location_prefetches("location__"),
            *_service_prefetches("service__", organization=True, service_at_locations=False),
        )
    )


def service_at_location_summary_list() -> QuerySet[d.ServiceAtLocation]:
    return service_at_location_public_list().select_related(
        "location__organization", "service__organization__parent_organization"
    )


def taxonomy_term_list() -> QuerySet[d.TaxonomyTerm]:
    return d.TaxonomyTerm.objects.select_related("taxonomy_ref")
