"""The facets' counts of everything open at a moment, from a tally the index keeps instead of a test of
every entry.

An entry's hours at a glance (`open_now.entry_hours`) say, for each hour of the week on its clock, that it
is open all through, closed all through, or neither (its rows decide), on every day of a stretch of dates.
`OpenTally` holds, per hour of the week and facet value, how many entries are open all through that hour by
their glance, whatever the day. At a moment, the facets' counts are the tally of its hour (on each clock),
corrected over a set of entries: each of them counts by whether it is open, tested as the search tests it
(`open_now.open_entries_sql`), instead of by what the tally took it for.

The set must hold every entry that the tally takes wrongly at that moment, and may hold others (counted
right either way): the entries whose glance leaves the hour to the rows (`OpenUndecided`, written with the
entry), and those whose stretch of dates has begun lately or ends soon (by the entries' indexes on
`hours_from` and `hours_until`; an entry with no glance has an empty stretch). That is some hundreds of
entries at 100,000 services, instead of all of them, until the stretches run out; a rebuild renews them.

The index's rebuild keeps both: the tally is refilled after a full rebuild, and changed by the difference
that a partial one makes (`tallied` before and after); undecided hours are written and removed with their
entry. tests/directory/test_open_now.py holds the counts to the open entries' own facets.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import connection

from refugiu.core.bulk import any_of, ids_per_query, rows_insert
from refugiu.directory.models import OpenTally, OpenUndecided, SearchEntry, SearchFacet
from refugiu.directory.open_now import (
    ALL_HOURS,
    DAY_HOURS,
    HOURS_FIELDS,
    UNDECIDED_ZONE,
    ZONE_SITE,
    ZONE_UTC,
    open_entries_sql,
)
from refugiu.directory.schedules import site_zone

TALLY_COLUMNS = ("zone", "weekday", "hour", "facet", "value", "entries")
UNDECIDED_COLUMNS = ("entry_id", "zone", "weekday", "hour")
WEEKDAY_FIELDS = HOURS_FIELDS[3:]
KIND = "*kind"  # the tally's facet of the entries' kinds (no facet's name begins with "*")

HOURS_A_WEEK = 7 * DAY_HOURS
# Per facet value, how many entries are open all through each hour of the week on each clock: index
# zone * HOURS_A_WEEK + weekday * DAY_HOURS + hour.
Tally = dict[tuple[str, str], list[int]]
ZERO = [0] * (2 * HOURS_A_WEEK)


def _hours(mask: int) -> list[int]:
    return [hour for hour in range(DAY_HOURS) if mask & (1 << hour)] if mask & ALL_HOURS else []


def undecided_rows(entry_id: int, hours: Sequence[int]) -> list[tuple[int, int, int, int]]:
    """The `OpenUndecided` rows of an entry with these hours at a glance (`open_now.HOURS_FIELDS`)."""
    zone = hours[0]
    if zone == UNDECIDED_ZONE:
        return []  # its stretch is empty: the entry is corrected at every moment
    return [
        (entry_id, zone, weekday, hour)
        for weekday, mask in enumerate(hours[3:])
        for hour in _hours(ALL_HOURS & ~(mask | (mask >> DAY_HOURS)))
    ]


def tallied(organization_ids: list | None = None) -> Tally:
    """What the entries of these organisations (all when None) add to the tally: for each facet value and
    hour of the week, how many of them are open all through it by their glance."""
    entries, facets = SearchEntry._meta.db_table, SearchFacet._meta.db_table
    glance = ", ".join(f"e.{name}" for name in ("hours_zone", *WEEKDAY_FIELDS))
    # Each entry's facet rows, and its kind as a facet of its own (KIND).
    statement = (
        f"SELECT {glance}, f.facet, f.value, count(*) FROM {entries} e JOIN {facets} f ON f.entry_id = e.id"
        f" WHERE e.hours_zone >= 0 AND {{of}} GROUP BY {glance}, f.facet, f.value"
        f" UNION ALL SELECT {glance}, '{KIND}', e.kind, count(*) FROM {entries} e"
        f" WHERE e.hours_zone >= 0 AND {{of}} GROUP BY {glance}, e.kind"
    )
    selections: list[tuple[str, list]] = []
    if organization_ids is None:
        selections = [("1=1", [])]
    else:
        step = ids_per_query()
        selections = [
            any_of("e.organization_id", organization_ids[start : start + step])
            for start in range(0, len(organization_ids), step)
        ]
    tally: Tally = {}
    open_hours: dict[tuple[int, ...], list[int]] = {}  # a glance's hours open all through, worked out once
    with connection.cursor() as cursor:
        for of, params in selections:
            cursor.execute(statement.format(of=of), [*params, *params])
            for zone, *masks, facet, value, count in cursor.fetchall():
                signature = (zone, *masks)
                if signature not in open_hours:
                    open_hours[signature] = [
                        zone * HOURS_A_WEEK + weekday * DAY_HOURS + hour
                        for weekday, mask in enumerate(masks)
                        for hour in _hours(mask)
                    ]
                counts = tally.setdefault((facet, value), [0] * (2 * HOURS_A_WEEK))
                for index in open_hours[signature]:
                    counts[index] += count
    return tally


def _rows(tally: Tally) -> list[tuple]:
    """`OpenTally` rows (TALLY_COLUMNS) of a tally's counts that are not 0."""
    rows = []
    for (facet, value), counts in tally.items():
        for index, count in enumerate(counts):
            if count:
                zone, hour_of_week = divmod(index, HOURS_A_WEEK)
                rows.append((zone, *divmod(hour_of_week, DAY_HOURS), facet, value, count))
    return rows


def tally_change(before: Tally, after: Tally) -> None:
    """Change the tally by what a partial rebuild did: `after` less `before`."""
    change = {
        key: [new - old for new, old in zip(after.get(key, ZERO), before.get(key, ZERO), strict=True)]
        for key in after.keys() | before.keys()
    }
    rows = _rows(change)
    if not rows:
        return
    table = OpenTally._meta.db_table
    rows_insert(
        table,
        TALLY_COLUMNS,
        rows,
        upsert="ON CONFLICT (zone, weekday, hour, facet, value) DO UPDATE SET entries = "
        f"{table}.entries + EXCLUDED.entries",
    )
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE entries = 0")


def tally_refill() -> None:
    """The tally worked out again from every entry (after a full rebuild)."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {OpenTally._meta.db_table}")
    rows_insert(OpenTally._meta.db_table, TALLY_COLUMNS, _rows(tallied()))


def undecided_refill() -> None:
    """Every entry's undecided hours worked out again from its glance (for entries written before them)."""
    table = OpenUndecided._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")
        cursor.execute(f"SELECT id, {', '.join(HOURS_FIELDS)} FROM {SearchEntry._meta.db_table}")
        rows = [row for entry_id, *hours in cursor.fetchall() for row in undecided_rows(entry_id, hours)]
    rows_insert(table, UNDECIDED_COLUMNS, rows)


def _corrected(at: dt.datetime) -> tuple[str, list, str, list]:
    """`WITH corrected …`: each entry the tally may take wrongly at `at` (aware), its kind, and `n`, what
    it adds to the tally (-1, 0 or 1); and the condition that a tally row `t` is of the hour of `at` on
    its clock. Both with their parameters."""
    entries, undecided = SearchEntry._meta.db_table, OpenUndecided._meta.db_table
    slots: list[int] = []
    days, took_open, took_params = [], [], []
    for zone, clock in ((ZONE_SITE, at.astimezone(site_zone())), (ZONE_UTC, at.astimezone(dt.UTC))):
        slots += [zone, clock.weekday(), clock.hour]
        days.append(clock.date().toordinal())
        took_open.append(f"(e.hours_zone = {zone} AND (e.{WEEKDAY_FIELDS[clock.weekday()]} & %s) <> 0)")
        took_params.append(1 << clock.hour)
    one_slot = "({a}.zone = %s AND {a}.weekday = %s AND {a}.hour = %s)"
    of_slot = f"({one_slot} OR {one_slot})"
    # The entries the tally may take wrongly at `at`: their glance does not cover the days around it
    # (checked loosely: a day either clock may be on), or leaves the hour to their rows.
    taken_wrongly = (
        f"SELECT id FROM {entries} WHERE hours_from > %s"
        f" UNION SELECT id FROM {entries} WHERE hours_until < %s"
        f" UNION SELECT u.entry_id FROM {undecided} u WHERE {of_slot.format(a='u')}"
    )
    is_open, open_params = open_entries_sql("e", at)
    corrected = (
        f"WITH corrected AS MATERIALIZED (SELECT e.id, e.kind, (CASE WHEN {is_open} THEN 1 ELSE 0 END)"
        f" - (CASE WHEN {' OR '.join(took_open)} THEN 1 ELSE 0 END) AS n FROM {entries} e"
        f" WHERE e.id IN ({taken_wrongly})) "
    )
    params = [*open_params, *took_params, min(days) - 2, max(days) + 1, *slots]
    return corrected, params, of_slot.format(a="t"), slots


def open_facet_counts_sql(at: dt.datetime) -> tuple[str, list]:
    """SQL for (facet, value, count) of every entry open at `at` (aware), in the order the search shows
    them (by facet, the largest count first, then by value), and its parameters."""
    corrected, params, of_slot, slot_params = _corrected(at)
    sql = (
        f"{corrected}SELECT facet, value, SUM(n) FROM ("
        f"SELECT t.facet, t.value, t.entries AS n FROM {OpenTally._meta.db_table} t"
        f" WHERE {of_slot} AND t.facet <> %s"
        f" UNION ALL SELECT f.facet, f.value, c.n FROM corrected c JOIN {SearchFacet._meta.db_table} f"
        " ON f.entry_id = c.id WHERE c.n <> 0) counted"
        " GROUP BY facet, value HAVING SUM(n) > 0 ORDER BY facet, SUM(n) DESC, value"
    )
    return sql, [*params, *slot_params, KIND]


def open_entries_count(at: dt.datetime, kind: str) -> int:
    """How many entries of this kind are open at `at` (aware)."""
    corrected, params, of_slot, slot_params = _corrected(at)
    with connection.cursor() as cursor:
        cursor.execute(
            f"{corrected}SELECT SUM(n) FROM (SELECT t.entries AS n FROM {OpenTally._meta.db_table} t"
            f" WHERE {of_slot} AND t.facet = %s AND t.value = %s"
            " UNION ALL SELECT c.n FROM corrected c WHERE c.kind = %s) counted",
            [*params, *slot_params, KIND, kind, kind],
        )
        return int(cursor.fetchone()[0] or 0)
