"""`directory_search`: the entries matching a query and filters, ranked (name matches first, then by
name; near a place: nearest first), counted, with their facets' counts."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from refugiu.core.bulk import any_of, ids_per_query
from refugiu.directory import open_now, open_tally
from refugiu.directory.models import SearchEntry, SearchFacet
from refugiu.directory.places.near import HitPlace, Near, county_only_sql, hit_places, placed_sql
from refugiu.directory.search.engines import as_uuid, text_match_sql, uuid_param
from refugiu.directory.search.facets import FACETS
from refugiu.directory.search.words import query_words

COUNT_CAP = 1000


@dataclass
class SearchResult:
    total: int
    total_is_capped: bool
    hits: list[tuple[str, str]]  # (kind, object id) in rank order
    facet_counts: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    # With `near`: how far each hit is, by (kind, object id); a hit placed nowhere has none.
    places: dict[tuple[str, str], HitPlace] = field(default_factory=dict)
    # Nothing matched within the radius: these are the nearest matches farther away.
    beyond_radius: bool = False


def directory_search(
    *,
    query: str = "",
    filters: dict[str, str] | None = None,
    kind: str | None = None,
    organization_id=None,
    offset: int = 0,
    limit: int = 20,
    with_facets: bool = False,
    count_cap: int | None = COUNT_CAP,
    near: Near | None = None,
    open_at: dt.datetime | None = None,
) -> SearchResult:
    """Ranked public records matching `query` and every filter (facet name → value).

    With `near`, the records within its reach instead, nearest first (a record's nearest position), then
    those placed only by `near.county`, by name; each hit's distance in `SearchResult.places`. With
    `open_at` (aware), only those open at that moment (directory.open_now)."""
    table = SearchEntry._meta.db_table
    facet_table = SearchFacet._meta.db_table
    where, params = ["1=1"], []
    words = query_words(query)
    name_sql: str | None = None
    name_params: list[Any] = []
    if words:
        match_sql, match_params, name_sql, name_params = text_match_sql(words)
        where.append(match_sql)
        params += match_params
    if kind:
        # PostgreSQL: as an expression the kind reads no index. Five in six entries are services, yet with
        # "open now" (dear for each row, in the planner's eyes) it ANDed the index of records by kind with a
        # term's matches: 7 ms of the 10 % term's 28 at 100,000 services, the whole of its difference.
        where.append("(e.kind || '') = %s" if connection.vendor == "postgresql" else "e.kind = %s")
        params.append(kind)
    if organization_id:
        where.append("e.organization_id = %s")
        params.append(uuid_param(organization_id))
    for facet, value in sorted((filters or {}).items()):
        if facet in FACETS and value:
            where.append(f"e.id IN (SELECT entry_id FROM {facet_table} WHERE facet = %s AND value = %s)")
            params += [facet, value]
    # --- open now (directory.open_now) ---------------------------------------------------------------
    # The facets' counts test every match: without a term, every entry. With no other condition they are
    # the tally of the hour, corrected (directory.open_tally); else they read the open entries once
    # (`every_open`) besides the other conditions, instead of seeking each entry's rows.
    every_open: tuple[str, list[int]] | None = None
    facet_where, facet_params = list(where), list(params)
    if open_at is not None:
        # Tested on each matching entry's few rows, found by its index: the cost follows the matches.
        open_sql, open_params = open_now.open_entries_sql("e", open_at)
        where.append(open_sql)
        params += open_params
        if words:
            facet_where, facet_params = where, params
        else:
            every_open = open_now.open_entries_read_once_sql("f.entry_id", open_at)
    # --- end of open now ------------------------------------------------------------------------------
    where_sql = " AND ".join(where)
    if near is not None:
        return _near_search(
            near,
            where_sql,
            params,
            (filters or {}).get("county", ""),
            offset,
            limit,
            with_facets,
            count_cap,
            narrowed=len(where) > 1,
        )
    if name_sql:
        order_sql = f"CASE WHEN {name_sql} THEN 0 ELSE 1 END, e.sort_name, e.id"
        order_params = name_params
    else:
        order_sql, order_params = "e.sort_name, e.id", []
    with connection.cursor() as cursor:
        # Uncapped, the page carries the count of every match (a window over them, which the sort reads
        # anyway): one statement, and the match is evaluated once. Capped, a separate count stops early.
        counted = ", count(*) OVER ()" if count_cap is None else ""
        cursor.execute(
            f"SELECT e.kind, e.object_id{counted} FROM {table} e WHERE {where_sql} "
            f"ORDER BY {order_sql} LIMIT %s OFFSET %s",
            [*params, *order_params, limit, offset],
        )
        rows = cursor.fetchall()
        hits = [(row[0], str(as_uuid(row[1]))) for row in rows]
        if count_cap is not None:
            cursor.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM {table} e WHERE {where_sql} LIMIT %s) capped",
                [*params, count_cap + 1],
            )
            total = cursor.fetchone()[0]
        elif rows:
            total = rows[0][2]
        elif offset:  # a page past the end: the matches still need counting
            cursor.execute(f"SELECT count(*) FROM {table} e WHERE {where_sql}", params)
            total = cursor.fetchone()[0]
        else:
            total = 0
        capped = count_cap is not None and total > count_cap
        facet_counts: dict[str, list[tuple[str, int]]] = {}
        if with_facets:
            # With no condition (the search page as first opened) every facet row counts: each belongs to
            # an entry, as the rebuild writes and removes them together. Testing each row's entry against
            # the set of all entries cost 270 ms instead of 28 on SQLite at 20,000 services.
            conditions = (
                [f"f.entry_id IN (SELECT e.id FROM {table} e WHERE {' AND '.join(facet_where)})"]
                if facet_where[1:]
                else []
            )
            if every_open is not None and not conditions and open_at is not None:
                cursor.execute(*open_tally.open_facet_counts_sql(open_at))
            else:
                if every_open is not None:
                    conditions.append(every_open[0])
                    facet_params = [*facet_params, *every_open[1]]
                of_matches = f"WHERE {' AND '.join(conditions)} " if conditions else ""
                cursor.execute(
                    f"SELECT f.facet, f.value, count(*) FROM {facet_table} f {of_matches}"
                    "GROUP BY f.facet, f.value ORDER BY f.facet, count(*) DESC, f.value",
                    facet_params,
                )
            for facet, value, count in cursor.fetchall():
                facet_counts.setdefault(facet, []).append((value, count))
    return SearchResult(
        total=min(total, count_cap) if capped else total,
        total_is_capped=capped,
        hits=hits,
        facet_counts=facet_counts,
    )


def _near_search(
    near: Near,
    where_sql: str,
    params: list,
    in_county: str,
    offset: int,
    limit: int,
    with_facets: bool,
    count_cap: int | None,
    *,
    narrowed: bool,
) -> SearchResult:
    """directory_search's statements for a search near a place: the entries placed within reach (their
    positions found by the box of the index on latitude and longitude, or by the county's facet), and
    those placed only by the county, each also matching every condition of `where_sql` on `e`."""
    table = SearchEntry._meta.db_table
    placed, placed_params = placed_sql(near, in_county=in_county)
    matched = (
        f"SELECT e.id, e.kind, e.object_id, e.sort_name, n.d2 FROM ({placed}) n "
        f"JOIN {table} e ON e.id = n.entry_id WHERE {where_sql}"
    )
    matched_params = [*placed_params, *params]
    if near.county:
        county_only, county_params = county_only_sql(near.county)
        matched += (
            f" UNION ALL SELECT e.id, e.kind, e.object_id, e.sort_name, NULL FROM {table} e "
            f"WHERE e.id IN ({county_only}) AND {where_sql}"
        )
        matched_params += [*county_params, *params]
    # Within reach there are at most some thousands (the matches of a box, or of a county): read once, in
    # order, and paged, counted and faceted from that, instead of evaluated again for each.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT m.id, m.kind, m.object_id FROM ({matched}) m "
            "ORDER BY CASE WHEN m.d2 IS NULL THEN 1 ELSE 0 END, m.d2, m.sort_name, m.id",
            matched_params,
        )
        every = cursor.fetchall()
        beyond = False
        if not every and near.radius_m is not None and narrowed:
            every, beyond = _nearest_beyond(cursor, where_sql, params, near), True
        total = len(every)
        rows = every[offset : offset + limit]
        facet_counts: dict[str, list[tuple[str, int]]] = {}
        if with_facets and every:
            counts: dict[tuple[str, str], int] = {}
            step = ids_per_query()
            for start in range(0, total, step):
                of_entries, entry_params = any_of(
                    "f.entry_id", [row[0] for row in every[start : start + step]]
                )
                cursor.execute(
                    f"SELECT f.facet, f.value, count(*) FROM {SearchFacet._meta.db_table} f "
                    f"WHERE {of_entries} GROUP BY f.facet, f.value",
                    entry_params,
                )
                for facet, value, count in cursor.fetchall():
                    counts[facet, value] = counts.get((facet, value), 0) + count
            for (facet, value), count in sorted(
                counts.items(), key=lambda item: (item[0][0], -item[1], item[0][1])
            ):
                facet_counts.setdefault(facet, []).append((value, count))
    places = hit_places([row[0] for row in rows], near.point)
    capped = count_cap is not None and total > count_cap
    hits = [(row[1], str(as_uuid(row[2]))) for row in rows]
    return SearchResult(
        total=count_cap if count_cap is not None and capped else total,
        total_is_capped=capped,
        hits=hits,
        facet_counts=facet_counts,
        places={hit: places[row[0]] for hit, row in zip(hits, rows, strict=True) if row[0] in places},
        beyond_radius=beyond,
    )


NEAREST_AMONG = 1000  # matches whose distance is measured when none is within the radius


def _nearest_beyond(cursor, where_sql: str, params: list, near: Near) -> list[tuple]:
    """(entry id, kind, object id) of the matches of a search that found none within its radius, nearest
    first, those placed only by a county after them (the first NEAREST_AMONG matches by name; those placed
    nowhere are left out): "victim support near Iași" then still says how far the nearest is."""
    cursor.execute(
        f"SELECT e.id, e.kind, e.object_id FROM {SearchEntry._meta.db_table} e WHERE {where_sql} "
        "ORDER BY e.sort_name, e.id LIMIT %s",
        [*params, NEAREST_AMONG],
    )
    candidates = cursor.fetchall()
    found = hit_places([row[0] for row in candidates], near.point)
    placed = [row for row in candidates if row[0] in found]
    return sorted(
        placed,
        key=lambda row: (found[row[0]].distance_m is None, found[row[0]].distance_m or 0.0),
    )
