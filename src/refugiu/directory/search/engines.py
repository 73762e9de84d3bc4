"""What differs between the engines: the condition matching a query's words (PostgreSQL's tsvector
columns, SQLite's FTS5 table), an id as a parameter (a UUID; SQLite: its hex text), and rows read as each
database gives them."""

import uuid

from django.core.exceptions import EmptyResultSet
from django.db import connection

from refugiu.core import fastjson
from refugiu.directory.search.words import word_forms


def text_match_sql(words: list[str]) -> tuple[str, list, str, list]:
    """A condition on entry `e` that it matches every word, and one that its name holds every word; a
    word matches when one of its forms (`word_forms`) does.

    PostgreSQL tests the stored tsvector columns of `e` directly, which lets the planner use their GIN
    indexes; SQLite looks the words up in the FTS5 table, keyed by the entry's id.
    """
    forms = [word_forms(word) for word in words]
    if connection.vendor == "postgresql":
        tsquery = " & ".join(_either([f"{w}:*" for w in alternatives], " | ") for alternatives in forms)
        return (
            "e.search_document @@ to_tsquery('simple', %s)",
            [tsquery],
            "e.search_name @@ to_tsquery('simple', %s)",
            [tsquery],
        )
    fts_query = " AND ".join(_either([f'"{w}"*' for w in alternatives], " OR ") for alternatives in forms)
    lookup = "e.id IN (SELECT rowid FROM directory_search_fts WHERE directory_search_fts MATCH %s)"
    return lookup, [fts_query], lookup, [f"{{name_text}} : ({fts_query})"]


def _either(terms: list[str], operator: str) -> str:
    """One term as it is (so a query without other forms is the same SQL as ever); several joined by the
    operator, in parentheses."""
    return terms[0] if len(terms) == 1 else "(" + operator.join(terms) + ")"


def uuid_param(value):
    value = value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    return value if connection.vendor == "postgresql" else value.hex


def as_uuid(value):
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def plain(queryset, *names: str) -> list[tuple]:
    """values_list(*names) of the queryset as the database gives them: ids in its own form (SQLite: hex
    text), JSON as text. Django's converters made a UUID of each of the 240,000 ids a rebuild of 24,000
    entries reads, only for it to go back into hex: a sixth of the rebuild."""
    try:
        sql, params = queryset.values_list(*names).query.sql_with_params()
    except EmptyResultSet:  # an empty list of ids: the ORM would not ask at all
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def plain_dicts(queryset, *names: str) -> list[dict]:
    rows = [dict(zip(names, row, strict=True)) for row in plain(queryset, *names)]
    if "translations" in names:
        for row in rows:
            row["translations"] = fastjson.loads(row["translations"] or "{}")
    return rows
