"""Writing many plain rows at once, the fast way on each engine.

The rows hold values as the driver takes them (see the HSDS import's `_preparation`): what the ORM's
bulk_create would send, without building a model instance or compiling SQL for each.

- SQLite: multi-row INSERTs, as many rows a statement as it takes parameters. Not executemany, though
  it loops in C: that is one statement a row, and at the end of each statement that writes to the
  full-text index (its triggers) FTS5 flushes what it holds to disk, which was a third of the
  instructions of rebuilding the search index.
- PostgreSQL: COPY. executemany there sends one statement a row with every value quoted in Python,
  which was most of the time of a large import, and one multi-row VALUES was slower still.

Reading many records by id goes the fast way too: `ids_per_query` and `any_of` (see `core.lookups`).
Work on that scale runs with Python's cycle collector paused (`gc_paused`).
"""

import contextlib
import gc
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db import connections, transaction


def rows_insert(
    table: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    upsert: str = "",
    using: str = "default",
) -> None:
    """INSERT these rows into `table`; `upsert` is an ON CONFLICT clause for rows that may be there.

    On PostgreSQL an upsert COPYs into a temporary table (dropped with the transaction) and inserts
    from there in one statement, since COPY itself cannot resolve conflicts.
    """
    database = connections[using]
    quote = database.ops.quote_name
    target, names = quote(table), ", ".join(quote(column) for column in columns)
    if database.vendor != "postgresql":
        rows = list(rows)
        database.ensure_connection()
        limit = database.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        per_statement = max(1, limit // len(columns))
        one = "(" + ", ".join(["%s"] * len(columns)) + ")"
        with database.cursor() as cursor:
            for start in range(0, len(rows), per_statement):
                chunk = rows[start : start + per_statement]
                cursor.execute(
                    f"INSERT INTO {target} ({names}) VALUES {', '.join([one] * len(chunk))} {upsert}",
                    [value for row in chunk for value in row],
                )
        return
    with transaction.atomic(using=using), database.cursor() as cursor:
        copied_into = target
        if upsert:
            copied_into = quote(f"staging_{table}")
            # With its defaults and identity: the columns not given take them there as they would in the
            # table (an identity key too; the table draws its own as the rows go in).
            cursor.execute(
                f"CREATE TEMPORARY TABLE IF NOT EXISTS {copied_into}"
                f" (LIKE {target} INCLUDING DEFAULTS INCLUDING IDENTITY)"
                " ON COMMIT DROP"
            )
            cursor.execute(f"TRUNCATE {copied_into}")
        with cursor.cursor.copy(f"COPY {copied_into} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        if upsert:
            cursor.execute(f"INSERT INTO {target} ({names}) SELECT {names} FROM {copied_into} {upsert}")


def next_ids(table: str, count: int, *, using: str = "default") -> list[int]:
    """`count` new values of the table's auto-incremented id, for rows inserted with `rows_insert`.

    PostgreSQL draws them from the column's sequence. SQLite has no sequence to draw from: the ids
    follow the highest one it has given (sqlite_sequence) or holds; call this inside the transaction
    that inserts, which on SQLite holds the write lock from its start (transaction_mode IMMEDIATE).
    """
    database = connections[using]
    with database.cursor() as cursor:
        if database.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
            )
            return [row[0] for row in cursor.fetchall()]
        quoted = database.ops.quote_name(table)
        cursor.execute(
            f"SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "
            f"coalesce((SELECT max(id) FROM {quoted}), 0))",
            [table],
        )
        last = cursor.fetchone()[0]
    return list(range(last + 1, last + 1 + count))


# SQLite takes at most 32,766 parameters a statement; PostgreSQL takes the ids as one array, and a
# statement of 10,000 ids is still well under a megabyte.
IDS_PER_QUERY = {"postgresql": 10_000}
IDS_PER_QUERY_ELSEWHERE = 500


def ids_per_query(using: str = "default") -> int:
    """How many ids to look up in one statement (with `any_of`, or the ORM's `__any`)."""
    return IDS_PER_QUERY.get(connections[using].vendor, IDS_PER_QUERY_ELSEWHERE)


def any_of(
    column: str, values: Sequence[Any], *, cast: str = "", using: str = "default"
) -> tuple[str, list[Any]]:
    """SQL that `column` (already quoted) is one of `values` (in the driver's form), and its parameters:
    one array on PostgreSQL, a placeholder a value elsewhere. `cast`: the column's type on PostgreSQL,
    for values given as text (UUIDs as strings)."""
    if connections[using].vendor == "postgresql":
        return f"{column} = ANY(%s{f'::{cast}[]' if cast else ''})", [list(values)]
    return f"{column} IN ({', '.join(['%s'] * len(values))})", list(values)


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cycle collector for a bulk job; nested uses are fine.

    Reading a large file makes millions of dicts, lists and rows, and every few hundred the collector
    walked the ones already made, to find cycles that such data does not have: 40 % of reading an HSDS
    file and building its rows (20,000 services: 3.6 s -> 2.0 s). Memory is not at stake: what the job
    makes it keeps until it ends, and the collector resumes afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
