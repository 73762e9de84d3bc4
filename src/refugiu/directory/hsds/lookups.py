"""What the database holds of the records an import names: which ids are there (`ids_in_database`), and
some of their columns (`existing`), a batch of ids a query (`batches`). Plain SQL: the ORM's handling of
hundreds of thousands of ids was a sixth of an import.
"""

from collections.abc import Iterable, Iterator, Sequence

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models.fields.related import RelatedField

from refugiu.core.batching import in_batches
from refugiu.core.bulk import any_of, ids_per_query
from refugiu.core.fields import concrete_column, field_column, field_of
from refugiu.directory.hsds.values import Id

__all__ = ["batches", "existing", "ids_in_database", "is_uuid"]


def batches(items: Iterable, size: int | None = None) -> Iterator[list]:
    """Lists of `size` items; by default as many ids as one query should look up (`ids_per_query`)."""
    return in_batches(items, size or ids_per_query())


def ids_in_database(model: type[models.Model], ids: Iterable[Id], **filters) -> set[Id]:
    if not filters:
        return set(existing(model, ids, ()))
    found: set[Id] = set()
    for batch in batches(ids):
        found.update(
            map(str, model._default_manager.filter(id__any=batch, **filters).values_list("id", flat=True))
        )
    return found


def _id_from_hex(value: str) -> Id:
    """An Id from the 32 hex digits SQLite keeps of a UUID."""
    return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"


def existing(
    model: type[models.Model], ids: Iterable[Id], names: Sequence[str], *, by: str = ""
) -> dict[Id, tuple]:
    """These columns (attnames) of those of the records with these ids that the database holds, by id.

    `by` (an attname): the ids are those of this column (a link), not the records' own.
    Plain SQL, a batch of ids a query (`any_of`): the ORM's handling of the ids and of the values it read
    back (a UUID made and checked for each) was a sixth of an import. PostgreSQL gives UUIDs as text,
    which is already an Id; SQLite gives their hex digits.
    """
    database = connections[DEFAULT_DB_ALIAS]
    quote = database.ops.quote_name
    native = database.features.has_native_uuid_field
    fields = [model._meta.pk, *(field_of(model, name) for name in names)]
    uuids = [i for i, f in enumerate(fields) if is_uuid(f)]
    selected = ", ".join(
        f"{quote(concrete_column(f))}::text" if native and i in uuids else quote(concrete_column(f))
        for i, f in enumerate(fields)
    )
    where = quote(field_column(model, by) if by else concrete_column(model._meta.pk))
    found: dict[Id, tuple] = {}
    with database.cursor() as cursor:
        for batch in batches(ids):
            keys = batch if native else [i.replace("-", "") for i in batch]  # SQLite keeps hex digits
            condition, params = any_of(where, keys, cast="uuid")
            cursor.execute(f"SELECT {selected} FROM {quote(model._meta.db_table)} WHERE {condition}", params)
            for values in cursor.fetchall():
                if not native:
                    values = list(values)
                    for i in uuids:
                        values[i] = None if values[i] is None else _id_from_hex(values[i])
                found[values[0]] = tuple(values[1:])
    return found


def is_uuid(model_field: models.Field) -> bool:
    """A UUID column: the field's own, or a link to a record with a UUID id."""
    target = model_field.target_field if isinstance(model_field, RelatedField) else model_field  # is_relation
    return isinstance(target, models.UUIDField)
