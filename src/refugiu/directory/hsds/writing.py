"""Writing an import's rows into the directory (`rows_write`), in one transaction: references resolved
(`references`), with --skip-invalid the units with a problem set aside (`rejecting`), every row upserted
by id with INSERT … ON CONFLICT a batch at a time, what the file's complete lists no longer have removed,
and the search entries of the organisations touched rebuilt.
"""

import time
import uuid
from collections.abc import Iterable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.utils import timezone

from refugiu.core import fastjson
from refugiu.core.bulk import rows_insert
from refugiu.core.fields import concrete_column
from refugiu.directory import models as d
from refugiu.directory.hsds.entities import (
    ENTITIES,
    LABEL_PLURAL,
    MODEL_ENTITY,
    NOT_FROM_FILES,
    WRITE_ORDER,
    entity_columns,
)
from refugiu.directory.hsds.lookups import batches, existing, ids_in_database, is_uuid
from refugiu.directory.hsds.problems import HsdsImportError
from refugiu.directory.hsds.records import ImportRows, Row
from refugiu.directory.hsds.references import references_resolve
from refugiu.directory.hsds.rejecting import units_reject
from refugiu.directory.hsds.summary import Counts, ImportSummary, collected_warnings, in_file_order
from refugiu.directory.hsds.values import Id
from refugiu.directory.search import ANALYZE_AFTER, search_reindex_organizations, search_statistics_refresh

__all__ = ["rows_write"]

# Fields whose values reach the driver as they are.
AS_IS_FIELDS = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.FloatField,
    models.BooleanField,
)


def rows_write(collector: ImportRows, *, reindex: bool, skip_invalid: bool = False) -> ImportSummary:
    summary = ImportSummary()
    with transaction.atomic():
        references_resolve(collector)
        if collector.problems:
            problems = in_file_order(collector.problems)
            if not skip_invalid:
                raise HsdsImportError(problems=problems)
            summary.problems, summary.rejected = problems, units_reject(collector)
        touched: set[Id] = set(collector.rows["organization"])
        existed = {}
        for name in WRITE_ORDER:
            counts = getattr(summary, ENTITIES[name].plural)
            existed[name] = _upsert(name, collector.rows[name].values(), counts=counts, touched=touched)
        _prune(collector, existed=existed, summary=summary)
        touched |= {
            row.links["organization_id"]
            for name in ("service", "location")
            for row in collector.rows[name].values()
            if "organization_id" in row.links
        }
        summary.organization_ids = [uuid.UUID(i) for i in sorted(touched)]
        if reindex:
            started = time.perf_counter()
            written = sum(
                search_reindex_organizations(batch, analyze=False)
                for batch in batches(summary.organization_ids, 2000)
            )
            if written >= ANALYZE_AFTER:
                search_statistics_refresh()
            summary.reindex_seconds = time.perf_counter() - started
    summary.warnings = collected_warnings(collector)
    return summary


def _upsert(name: str, rows: Iterable[Row], *, counts: Counts, touched: set[Id]) -> set[Id]:
    """Insert or update these rows, a batch at a time; returns the ids that were there before."""
    entity = ENTITIES[name]
    model = entity.model
    links = entity_columns(name)[1]
    follows_organization = name in ("service", "location")
    before = [*entity.kept_if_absent, *(["organization_id"] if follows_organization else [])]
    database = connections[DEFAULT_DB_ALIAS]
    columns = list(model._meta.concrete_fields)
    defaults = {f.attname: f.get_default() for f in columns}
    attnames = [f.attname for f in columns]
    # Only some columns need their field's hand (JSON, dates): those alone are visited. SQLite keeps a
    # UUID as its hex digits: those columns get them inline, the commonest case by far.
    hex_columns = (
        [] if database.features.has_native_uuid_field else [i for i, f in enumerate(columns) if is_uuid(f)]
    )
    prepared = [
        (i, prepare)
        for i, f in enumerate(columns)
        if i not in hex_columns and (prepare := _preparation(f, database))
    ]
    now = timezone.now()
    now_stored: dict[int, Any] = {}  # the import's time, the same in every row, prepared once a column
    existed: set[Id] = set()
    for batch in batches(rows):
        current = existing(model, [row.id for row in batch], before)
        params = []
        for row in batch:
            fields: dict[str, Any] = {**defaults, **row.values, "id": row.id, "hsds_extra": row.extra}
            for key, target_id in row.links.items():
                fields[links[key].attname] = target_id
            for stamped in entity.stamped:
                fields[stamped] = now
            if name == "service" and "last_modified" not in row.values:
                fields["last_modified"] = now
            if row.id in current:
                existed.add(row.id)
                old = current[row.id]
                for position, column in enumerate(entity.kept_if_absent):
                    if column not in row.values:
                        fields[column] = old[position]
                if follows_organization and old[-1]:
                    touched.add(old[-1])
            values = [fields[attname] for attname in attnames]
            for i in hex_columns:
                if (value := values[i]) is not None:
                    values[i] = value.replace("-", "") if value.__class__ is str else value.hex
            for i, prepare in prepared:
                if (value := values[i]) is None:
                    continue
                if value is now:
                    if i not in now_stored:
                        now_stored[i] = prepare(now, database)
                    values[i] = now_stored[i]
                else:
                    values[i] = prepare(value, database)
            params.append(values)
        _insert_or_update(database, model, columns, params)
        counts.created += len(batch)
    counts.created -= len(existed)
    counts.updated += len(existed)
    return existed


def _insert_or_update(
    database, model: type[models.Model], columns: list[models.Field], params: list[list]
) -> None:
    """INSERT … ON CONFLICT (id) DO UPDATE of these rows (`core.bulk`: executemany, or COPY).

    Building a model instance and compiling SQL for every row is where bulk_create spends most of a
    large import, so the SQL is ours; the fields themselves prepare the values, as for bulk_create.
    Columns that belong to editors (NOT_FROM_FILES) are written for new rows only.
    """
    quote = database.ops.quote_name
    updates = ", ".join(
        f"{quote(f.column)} = EXCLUDED.{quote(f.column)}"
        for f in columns
        if not f.primary_key and (f.name not in NOT_FROM_FILES or f.name == "hsds_extra")
    )
    rows_insert(
        model._meta.db_table,
        [concrete_column(f) for f in columns],
        params,
        upsert=f"ON CONFLICT (id) DO UPDATE SET {updates}",
        using=database.alias,
    )


def _preparation(model_field: models.Field, database) -> Any:
    """How a value of this field goes to the database: as it is (None), or through the field.

    Text, numbers and booleans reach the driver as they are, and so do UUIDs on PostgreSQL as Ids
    (SQLite keeps their hex: `_upsert` makes it); the rest (JSON, dates, decimals) need their field's hand.
    """
    if is_uuid(model_field):
        return None
    if isinstance(model_field, models.JSONField) and model_field.encoder is None:
        return _json_text
    if isinstance(model_field, models.JSONField):
        prepare, empty = model_field.get_db_prep_save, model_field.get_db_prep_save({}, database)
        return lambda value, database: prepare(value, database) if value else empty
    return None if isinstance(model_field, AS_IS_FIELDS) else model_field.get_db_prep_save


def _json_text(value: Any, database) -> str:
    """JSON as text, which both databases take for a JSON column (PostgreSQL's COPY too); hsds_extra
    and translations are mostly empty."""
    return fastjson.dumps(value).decode() if value else "{}"


def _prune(collector: ImportRows, *, existed: dict[str, set[Id]], summary: ImportSummary) -> None:
    """Remove what the database holds under a record, in a list the file gives for it, and the file has not.

    Runs after the upsert, so a sub-record the file moved elsewhere is already linked to its new place.
    Whatever a removed record takes with it (by cascade) takes its attributes too.
    """
    keep = {name: set(by_id) for name, by_id in collector.rows.items()}
    referenced = {
        i for by_id in collector.rows.values() for row in by_id.values() for i in row.links.values()
    }
    stale: dict[str, set[Id]] = {name: set() for name in ENTITIES}
    for name in WRITE_ORDER:
        if not existed[name]:  # new records have nothing under them yet
            continue
        for key, (child, link) in ENTITIES[name].children.items():
            parents = [
                i for i, row in collector.rows[name].items() if key in row.given and i in existed[name]
            ]
            column = entity_columns(child)[1][link].attname if link else "link_id"
            found = existing(ENTITIES[child].model, parents, (), by=column)
            stale[child] |= found.keys() - keep[child] - referenced
    stale["location"] -= ids_in_database(d.Location, stale["location"], is_confidential=True)
    stale["address"] -= ids_in_database(d.Address, stale["address"], location__is_confidential=True)
    going = {i for name in WRITE_ORDER if name != "attribute" for i in _with_descendants(name, stale[name])}
    stale["attribute"].update(existing(d.Attribute, going, (), by="link_id"))
    stale["attribute"] -= keep["attribute"]
    for name, ids in stale.items():
        for batch in batches(ids):
            _, removed = ENTITIES[name].model._default_manager.filter(id__any=batch).delete()
            for label, number in removed.items():
                if label in LABEL_PLURAL:
                    getattr(summary, LABEL_PLURAL[label]).removed += number


def _with_descendants(name: str, ids: set[Id]) -> set[Id]:
    """These records' ids and those of every record the database will delete with them (ON DELETE CASCADE)."""
    found, queue = set(ids), [(name, ids)]
    while queue:
        parent, parent_ids = queue.pop()
        for relation in ENTITIES[parent].model._meta.related_objects:
            if relation.on_delete is not models.CASCADE or relation.related_model not in MODEL_ENTITY:
                continue
            related = existing(relation.related_model, parent_ids, (), by=relation.field.attname)
            new = related.keys() - found
            queue.append((MODEL_ENTITY[relation.related_model], new))
            found |= new
    return found
