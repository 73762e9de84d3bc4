"""The database as rows: exported from one snapshot as JSON lines, one member per table, and loaded back
into either engine.

Reading (`snapshot`, `rows_export`):
- One transaction that sees one snapshot of the whole database, so that what was written while the backup
  ran is either wholly in it or wholly not: on PostgreSQL REPEATABLE READ, READ ONLY (pg_dump's own
  choice); on SQLite a deferred read transaction, which under WAL (settings) reads the database as it was
  at its first read while writers go on, never blocking them.
- The tables and their columns are those of the migrations *applied* (the migration state, not the code's
  models), so an installation can be backed up before `refugiu upgrade` migrates it.
- Each table is read in primary-key order through a server-side cursor (PostgreSQL) or SQLite's stepping
  cursor, a few thousand rows at a time, and written out line by line: memory does not grow with a table.
- Values are read by SQL, past every field's from_db_value: encrypted fields (core.fields) stay the
  ciphertext stored, JSON stays the text stored. Only the engine's own conversions are applied (SQLite's
  text dates, integer booleans, hex UUIDs; the same as the ORM's backend converters), then dates, times and
  UUIDs are written in ISO 8601 (by orjson), decimals as decimal text.

Writing (`rows_import`): each value goes through its field's to_python and get_db_prep_save for the target
engine (encrypted and JSON fields excepted: their stored text goes in as it is), with primary keys kept, in
batches by core.bulk (multi-row INSERT on SQLite, COPY on PostgreSQL), all tables in one transaction.
Foreign keys are deferred to its end on both engines (Django creates them DEFERRABLE INITIALLY DEFERRED),
and checked before it commits.
"""

import base64
import datetime as dt
import decimal
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.management.color import no_style
from django.db import models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.db.models.expressions import Col
from django.db.models.fields.related import RelatedField
from django.utils.duration import duration_iso_string

from refugiu.core import fastjson
from refugiu.core.backup import BackupError
from refugiu.core.bulk import rows_insert
from refugiu.core.fields import EncryptedField, concrete_column

# Left out of every backup (see refugiu.core.backup for why).
LEFT_OUT = {"sessions.session"}
# Rows a new installation has before anyone uses it: made by `migrate` (content types, permissions, the
# directory's vocabularies) or by the first start (the encryption check value). An installation holding
# only these (and sessions, which need accounts) is empty.
MADE_BY_SETUP = {
    "contenttypes.contenttype",
    "auth.permission",
    "directory.taxonomy",
    "directory.taxonomyterm",
    "core.encryptioncheck",
    "sessions.session",
}
FETCH_ROWS = 2000
INSERT_ROWS = 5000
# Internal types whose values JSON carries as the driver takes them, in both directions.
AS_THEY_ARE = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
    "BooleanField",
    "CharField",
    "TextField",
    "SlugField",
    "EmailField",
    "URLField",
    "FloatField",
}


# --- the snapshot and the migration state -----------------------------------------------------------------


@contextmanager
def snapshot(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """Run the block in one read-only transaction that sees one snapshot of the database."""
    if connection.in_atomic_block:
        raise BackupError("a backup reads in a transaction of its own and cannot run inside another one")
    if connection.vendor == "postgresql":
        with transaction.atomic(using=connection.alias):
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
        return
    if connection.vendor != "sqlite":
        raise BackupError(f"backups support SQLite and PostgreSQL, not {connection.vendor}")
    # Django's atomic() would BEGIN IMMEDIATE (settings: transaction_mode), taking the write lock for the
    # whole backup; a deferred transaction only reads. Django's connection is in autocommit mode here, so
    # the sqlite3 module adds no BEGIN of its own.
    with connection.cursor() as cursor:
        cursor.execute("BEGIN DEFERRED")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ROLLBACK")


def migrations_recorded(connection: BaseDatabaseWrapper) -> dict[str, list[str]]:
    """The migrations applied, per app, as django_migrations records them."""
    recorded: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        recorded.setdefault(app, []).append(name)
    return recorded


def migration_nodes(loader: MigrationLoader, recorded: dict[str, list[str]]) -> list[tuple[str, str]]:
    """The graph's nodes for what `recorded` names (a squashed migration for the migrations it replaces);
    BackupError naming the migrations this code does not know."""
    graph_nodes = set(loader.graph.nodes)
    replaced = {old: new for new, migration in loader.replacements.items() for old in migration.replaces}
    nodes: set[tuple[str, str]] = set()
    unknown: list[str] = []
    for app, names in recorded.items():
        for name in names:
            key = (app, name)
            if key in graph_nodes:
                nodes.add(key)
            elif key in replaced:
                nodes.add(replaced[key])
            else:
                unknown.append(f"{app}.{name}")
    if unknown:
        raise BackupError(
            "migrations this version of Refugiu does not have: "
            + ", ".join(sorted(unknown)[:20])
            + (f" and {len(unknown) - 20} more" if len(unknown) > 20 else "")
        )
    return sorted(nodes)


def leaf_nodes(loader: MigrationLoader, nodes: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Per app, the node of `nodes` that comes last (the one to migrate to)."""
    chosen: set[tuple[str, str]] = set(nodes)
    for node in nodes:
        chosen -= {parent for parent in loader.graph.node_map[node].parents if parent[0] == node[0]}
    return sorted(chosen)


def state_models(loader: MigrationLoader, nodes: list[tuple[str, str]]) -> list[type[models.Model]]:
    """The concrete tables of the migration state reached by `nodes`, as historical models, referenced
    tables before those referring to them (ties and cycles broken by name: every foreign key is deferred
    anyway), without the ones left out."""
    apps = loader.project_state(leaf_nodes(loader, nodes), at_end=True).apps
    found = {
        model._meta.label_lower: model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and model._meta.label_lower not in LEFT_OUT
    }
    needs = {
        label: {
            field.related_model._meta.label_lower
            for field in model._meta.concrete_fields
            if field.is_relation
            and field.related_model is not None  # never, for a relation
            and field.related_model._meta.label_lower in found
        }
        - {label}
        for label, model in found.items()
    }
    ordered: list[str] = []
    while needs:
        ready = sorted(label for label, wanted in needs.items() if not wanted) or [min(needs)]
        for label in ready:
            ordered.append(label)
            del needs[label]
        for wanted in needs.values():
            wanted.difference_update(ready)
    return [found[label] for label in ordered]


# --- values --------------------------------------------------------------------------------------------


def _target(field: models.Field[Any, Any]) -> models.Field[Any, Any]:
    """The field whose values a column holds: a foreign key's target, followed to the end."""
    while isinstance(field, RelatedField):  # field.is_relation, for a field
        field = field.target_field
    return field


def _jsonable(value: object) -> str:
    """What JSON does not know, as text (orjson writes dates, times and UUIDs itself, in ISO 8601)."""
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dt.timedelta):
        return duration_iso_string(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    raise TypeError(f"{type(value).__name__} is not a column value a backup knows")


def _exporter(
    model: type[models.Model], field: models.Field[Any, Any], connection: BaseDatabaseWrapper
) -> Callable[[Any], Any] | None:
    """How a stored value of `field` becomes JSON; None: as it is."""
    if isinstance(field, EncryptedField | models.JSONField):
        return None  # the stored text: ciphertext, or JSON as written
    target = _target(field)
    expression = Col(model._meta.db_table, field, output_field=target)
    converters = connection.ops.get_db_converters(expression)
    if not converters and target.get_internal_type() in AS_THEY_ARE:
        return None

    def export(value: Any) -> Any:
        for converter in converters:
            value = converter(value, expression, connection)
        return value

    return export


def _importer(field: models.Field[Any, Any], connection: BaseDatabaseWrapper) -> Callable[[Any], Any] | None:
    """How a value read from JSON is given to the driver for `field`; None: as it is."""
    if isinstance(field, EncryptedField | models.JSONField):
        return None
    if _target(field).get_internal_type() in AS_THEY_ARE:
        return None
    to_python, prepare = field.to_python, field.get_db_prep_save
    return lambda value: None if value is None else prepare(to_python(value), connection)


def table_columns(model: type[models.Model]) -> list[str]:
    return [concrete_column(field) for field in model._meta.concrete_fields]


def rows_export(model: type[models.Model], connection: BaseDatabaseWrapper) -> Iterator[bytes]:
    """The table's rows in primary-key order, each as one line of JSON (an array in `table_columns` order)."""
    fields = model._meta.concrete_fields
    converting = [
        (position, export)
        for position, field in enumerate(fields)
        if (export := _exporter(model, field, connection)) is not None
    ]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(concrete_column(field)) for field in fields)
    # Names from the migration state only; nothing from input.
    order = quote(concrete_column(model._meta.pk))
    sql = f"SELECT {columns} FROM {quote(model._meta.db_table)} ORDER BY {order}"  # noqa: S608
    cursor = connection.chunked_cursor() if connection.vendor == "postgresql" else connection.cursor()
    with cursor:
        cursor.execute(sql)
        while rows := cursor.fetchmany(FETCH_ROWS):
            for row in rows:
                if converting:
                    row = list(row)
                    for position, export in converting:
                        row[position] = export(row[position])
                yield fastjson.dumps(row, default=_jsonable) + b"\n"


def rows_import(
    model: type[models.Model], columns: list[str], lines: Iterable[bytes], connection: BaseDatabaseWrapper
) -> int:
    """Insert the rows of `lines` (as rows_export wrote them, in `columns` order) into `model`'s table;
    returns how many. Run inside the restore's transaction."""
    fields = {concrete_column(field): field for field in model._meta.concrete_fields}
    if set(columns) != set(fields):
        raise BackupError(
            f"the archive's table {model._meta.db_table} has other columns than this version's migrations "
            "make for it: the archive was not made by a release of Refugiu"
        )
    preparing = [
        (position, prepare)
        for position, column in enumerate(columns)
        if (prepare := _importer(fields[column], connection)) is not None
    ]
    count = 0
    batch: list[list[Any]] = []
    for line in lines:
        row = fastjson.loads(line)
        if not isinstance(row, list) or len(row) != len(columns):
            raise BackupError(f"line {count + 1} of the archive's table {model._meta.db_table} is not a row")
        for position, prepare in preparing:
            row[position] = prepare(row[position])
        batch.append(row)
        count += 1
        if len(batch) == INSERT_ROWS:
            rows_insert(model._meta.db_table, columns, batch, using=connection.alias)
            batch = []
    if batch:
        rows_insert(model._meta.db_table, columns, batch, using=connection.alias)
    return count


def sequences_reset(models_loaded: list[type[models.Model]], connection: BaseDatabaseWrapper) -> None:
    """Let new rows follow the restored ones (PostgreSQL's sequences; SQLite follows the largest id)."""
    statements = connection.ops.sequence_reset_sql(no_style(), models_loaded)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


# --- the installation's database --------------------------------------------------------------------------


def _cache_tables() -> set[str]:
    return {
        cache["LOCATION"]
        for cache in settings.CACHES.values()
        if cache["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    }


def _sqlite_virtual_tables(connection: BaseDatabaseWrapper) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'"
        )
        return [name for (name,) in cursor.fetchall()]


def database_holdings(connection: BaseDatabaseWrapper) -> list[str]:
    """The tables that hold rows a new installation would not have (see MADE_BY_SETUP): what makes this
    installation's database not empty."""
    from django.apps import apps

    ignored = {MigrationRecorder.Migration._meta.db_table, *_cache_tables()}
    ignored |= {
        model._meta.db_table for model in apps.get_models() if model._meta.label_lower in MADE_BY_SETUP
    }
    virtual = _sqlite_virtual_tables(connection) if connection.vendor == "sqlite" else []
    holding: list[str] = []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            if table in ignored or any(table == name or table.startswith(f"{name}_") for name in virtual):
                continue
            cursor.execute(f"SELECT 1 FROM {quote(table)} LIMIT 1")  # noqa: S608 - a name the database gave
            if cursor.fetchone():
                holding.append(table)
    return holding


def database_clear(connection: BaseDatabaseWrapper) -> None:
    """Drop every table (with its triggers, indexes and sequences), leaving an empty database to migrate."""
    quote = connection.ops.quote_name
    if connection.vendor == "postgresql":
        tables = connection.introspection.table_names()
        if tables:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {', '.join(quote(table) for table in tables)} CASCADE")
        return
    with connection.constraint_checks_disabled(), connection.cursor() as cursor:
        for table in _sqlite_virtual_tables(connection):  # their own tables go with them
            cursor.execute(f"DROP TABLE IF EXISTS {quote(table)}")
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"DROP TABLE IF EXISTS {quote(table)}")
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'")
        if cursor.fetchone():
            cursor.execute("DELETE FROM sqlite_sequence")


def database_migrate_to(connection: BaseDatabaseWrapper, nodes: list[tuple[str, str]]) -> MigrationLoader:
    """Migrate an empty database to the state `nodes` reach (no post-migrate signal: the content types and
    permissions come from the archive); returns the loader whose graph knows that state."""
    executor = MigrationExecutor(connection)
    executor.migrate(leaf_nodes(executor.loader, nodes))
    return executor.loader


def rows_made_by_migrations_delete(tables: list[str], connection: BaseDatabaseWrapper) -> None:
    """Empty the tables the migrations just filled (the directory's vocabularies): the archive's rows,
    with their ids, take their place."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT 1 FROM {quote(table)} LIMIT 1")  # noqa: S608 - names from the models
            if cursor.fetchone():
                cursor.execute(f"DELETE FROM {quote(table)}")  # noqa: S608
