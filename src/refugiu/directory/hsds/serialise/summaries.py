"""Summary forms of services, organisations and services at locations (service_list.json,
organization_list.json, service_at_location_list.json), from rows.

A summary is made from one flat row of JSON values: a service's SERVICE_SUMMARY_COLUMNS, then its
organisation's ORGANIZATION_SUMMARY_COLUMNS and whether that one's parent is public. A service at a
location's row starts with its own SERVICE_AT_LOCATION_SUMMARY_COLUMNS and its location's
LOCATION_SUMMARY_COLUMNS and whether the location's organisation is public, then its service's row. The
row comes from a model instance, or straight from the database (`summary_rows`), for the API's summary
pages.

Those pages are the API's hot path: a search answers with one. Building model instances for them
(select_related, converters, model __init__) and compiling the ORM's query cost several times the SQL
itself, so they read plain rows with one statement of ours, built once from the models' own columns.
"""

import datetime as dt
import decimal
import functools
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, models
from django.db.models import Model

from refugiu.core import fastjson
from refugiu.core.batching import in_batches
from refugiu.core.fields import field_column
from refugiu.directory import models as d
from refugiu.directory.hsds.serialise.fields import (
    LOCATION_FIELDS,
    ORGANIZATION_FIELDS,
    SERVICE_AT_LOCATION_FIELDS,
    SERVICE_FIELDS,
    HsdsRecord,
    extended,
    json_value,
    present,
    translated,
    values_of,
)
from refugiu.directory.selectors import organization_public_sql, service_public_sql

ROW_BATCH = 500  # ids per query of summary rows
SERVICE_SUMMARY_COLUMNS = (*SERVICE_FIELDS, "language", "translations", "hsds_extra")
ORGANIZATION_SUMMARY_COLUMNS = (*ORGANIZATION_FIELDS, "language", "translations", "hsds_extra", "country")
SERVICE_AT_LOCATION_SUMMARY_COLUMNS = (*SERVICE_AT_LOCATION_FIELDS, "hsds_extra")
LOCATION_SUMMARY_COLUMNS = (
    *LOCATION_FIELDS, "language", "translations", "hsds_extra", "is_confidential", "front_door_area",
)  # fmt: skip
# The name a confidential location goes by when it has no public area (locations.CONFIDENTIAL_NAME).
CONFIDENTIAL_NAME = "Confidential location"


def organization_summarise(*, organization: d.Organization, extras: bool = True) -> HsdsRecord:
    """The one-to-one fields of an organisation (organization_list.json); reads its parent."""
    return _organization_summary(_organization_row(organization), 0, extras=extras)


def service_summarise(*, service: d.Service) -> HsdsRecord:
    """The one-to-one fields of a service with its organisation's (service_list.json)."""
    return _service_summary(
        [*values_of(service, SERVICE_SUMMARY_COLUMNS), *_organization_row(service.organization)]
    )


def service_summaries(ids: Sequence[uuid.UUID | str]) -> list[HsdsRecord]:
    """The summary forms of the public ones of these services, in this order."""
    return [_service_summary(row) for row in summary_rows("service", ids)]


def service_at_location_summaries(ids: Sequence[uuid.UUID | str]) -> list[HsdsRecord]:
    """The summary forms of the public ones of these services at locations, in this order: what
    services.service_at_location_serialise(summary=True) gives."""
    return [_service_at_location_summary(row) for row in summary_rows("service_at_location", ids)]


def _service_at_location_summary(row: list) -> HsdsRecord:
    own = len(SERVICE_AT_LOCATION_SUMMARY_COLUMNS)
    at = own + len(LOCATION_SUMMARY_COLUMNS)
    confidential = row[own + len(LOCATION_FIELDS) + 3]
    fields = SERVICE_AT_LOCATION_FIELDS[:3] if confidential else SERVICE_AT_LOCATION_FIELDS
    data = present(row, 0, fields)
    data["location"] = _location_summary(row, own, organization_is_public=bool(row[at]))
    data["service"] = _service_summary(row[at + 1 :])
    if confidential:
        return data
    return extended(data, row[own - 1], one_to_one_only=True)


def _location_summary(row: list, start: int, *, organization_is_public: bool) -> HsdsRecord:
    """locations.location_serialise(summary=True), from a row."""
    language, translations, extra, confidential, front_door_area = row[
        start + len(LOCATION_FIELDS) : start + len(LOCATION_SUMMARY_COLUMNS)
    ]
    organization_id = row[start + LOCATION_FIELDS.index("organization_id")]
    if confidential:
        data: HsdsRecord = {"id": row[start], "location_type": row[start + 1]}
        if organization_id and organization_is_public:
            data["organization_id"] = organization_id
        data["name"] = front_door_area or CONFIDENTIAL_NAME
        return data
    data = present(row, start, LOCATION_FIELDS)
    if not organization_is_public:
        data.pop("organization_id", None)
    translated(data, language, translations)
    return extended(data, extra, one_to_one_only=True)


def organization_summaries(ids: Sequence[uuid.UUID | str]) -> list[HsdsRecord]:
    """The summary forms of the public ones of these organisations, in this order."""
    return [_organization_summary(row, 0, extras=True) for row in summary_rows("organization", ids)]


def _organization_row(organization: d.Organization) -> list:
    parent = organization.parent_organization if organization.parent_organization_id else None
    return [
        *values_of(organization, ORGANIZATION_SUMMARY_COLUMNS),
        parent is not None and parent.is_published,
    ]


def _organization_summary(row: list, start: int, *, extras: bool) -> HsdsRecord:
    data = present(row, start, ORGANIZATION_FIELDS)
    language, translations, extra, country, parent_is_public = row[start + len(ORGANIZATION_FIELDS) :]
    if not parent_is_public:
        data.pop("parent_organization_id", None)
    translated(data, language, translations)
    if country:
        data["country"] = country
    return extended(data, extra, one_to_one_only=True) if extras else data


def _service_summary(row: list) -> HsdsRecord:
    data = present(row, 0, SERVICE_FIELDS)
    language, translations, extra = row[len(SERVICE_FIELDS) : len(SERVICE_SUMMARY_COLUMNS)]
    translated(data, language, translations)
    data["organization"] = _organization_summary(row, len(SERVICE_SUMMARY_COLUMNS), extras=True)
    return extended(data, extra, one_to_one_only=True)


# --- the rows, straight from the database ---------------------------------------------------------------


def _json_text(text: str) -> Any:
    return {} if text == "{}" else fastjson.loads(text)


def _utc_moment(moment: dt.datetime) -> str:
    """SQLite hands a time over naive, in UTC."""
    return moment.isoformat(timespec="milliseconds") + "Z" if moment.tzinfo is None else json_value(moment)


# The databases write ids (and PostgreSQL times) in their JSON form themselves, faster than Python would.
# SQLite keeps a UUID as 32 lower-case hex digits (Django's form).
_SQLITE_DASHED = "||'-'||".join(
    f"substr({{0}}, {start}, {length})" for start, length in ((1, 8), (9, 4), (13, 4), (17, 4), (21, 12))
)
_PG_UTC_MOMENT = "to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"


def _readout(model_field, vendor: str) -> tuple[str, Any]:
    """How to select a column ("{}" is the column) and how its value, as the driver gives it, becomes
    the JSON value `fields.fields_of` would give (None: as it is).

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
        return "{}", _sqlite_decimal(target)
    if isinstance(target, models.DateField | models.TimeField | models.DecimalField):
        return "{}", json_value
    return "{}", None  # text, numbers, booleans


def _sqlite_decimal(field: models.DecimalField) -> Any:
    """SQLite keeps a decimal as a float: made a Decimal exactly as Django's SQLite backend makes it (its
    get_decimalfield_converter), then its JSON value."""
    create_decimal = decimal.Context(prec=15).create_decimal_from_float
    places = field.decimal_places or 0
    quantum = decimal.Decimal(1).scaleb(-places)
    context = decimal.Context(prec=field.max_digits)

    def read(value: float) -> Any:
        # The float to 15 significant digits, rounded half to even from its exact value as create_decimal
        # rounds it. When those digits need no more rounding to the field's places, and fit its digits,
        # quantize would only add zeros: the JSON value is the text's (half the cost of the Decimals).
        text = format(value, ".15g")
        whole, _, fraction = text.partition(".")
        if (
            "e" not in text
            and len(fraction) <= places
            and len(whole.lstrip("-").lstrip("0")) + places <= (field.max_digits or 0)
        ):
            return float(text) if fraction else int(whole)
        return json_value(create_decimal(value).quantize(quantum, context=context))

    return read


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
    service_tables = (
        f"{quote(d.Service._meta.db_table)} s JOIN {organizations} o "
        f"ON o.{column(d.Organization, 'id')} = s.{column(d.Service, 'organization')}"
    )
    if kind == "service_at_location":
        select(d.ServiceAtLocation, "x", SERVICE_AT_LOCATION_SUMMARY_COLUMNS)
        select(d.Location, "l", LOCATION_SUMMARY_COLUMNS)
        selected.append(f"lo.{column(d.Organization, 'is_published')}")  # NULL without an organisation
        readers.append(None)
        location, service = column(d.ServiceAtLocation, "location"), column(d.ServiceAtLocation, "service")
        organization_id = column(d.Organization, "id")
        tables = " ".join([
            f"{quote(d.ServiceAtLocation._meta.db_table)} x",
            f"JOIN {quote(d.Location._meta.db_table)} l ON l.{column(d.Location, 'id')} = x.{location}",
            f"LEFT JOIN {organizations} lo ON lo.{organization_id} = l.{column(d.Location, 'organization')}",
            f"JOIN {quote(d.Service._meta.db_table)} s ON s.{column(d.Service, 'id')} = x.{service}",
            f"JOIN {organizations} o ON o.{organization_id} = s.{column(d.Service, 'organization')}",
        ])  # fmt: skip
        select(d.Service, "s", SERVICE_SUMMARY_COLUMNS)
        public, key = service_public_sql("s", "o"), f"x.{column(d.ServiceAtLocation, 'id')}"
    elif kind == "service":
        select(d.Service, "s", SERVICE_SUMMARY_COLUMNS)
        tables = service_tables
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
