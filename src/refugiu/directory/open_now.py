"""The "open now" filter in SQL: each public record's openings as rows that a moment can be tested against,
at any size, without reading a schedule in Python.

`directory.schedules` is the reference: what a schedule means, and whether a record is open at a moment.
This module turns the same rules into rows of `Opening` (written by the search index's rebuild, with the
entries, so they follow every import and edit) and gives the SQL condition that a row holds a moment. A
record is open at a moment when one of its rows holds it, which is exactly when `schedules.is_open` says
True (tests/directory/test_open_now.py holds the two to the same answers, for random schedules and
moments).

A row says: on a day that its rule falls on, the record is open from minute `starts` to minute `ends` of a
clock, which is the site's zone (`zone` 0: settings.TIME_ZONE, summer time included, for schedules that
name no zone) or UTC (`zone` 1: schedules with a fixed UTC offset, moved onto UTC). `shift` says which
day's calendar the rule is checked against: the clock's date plus `shift` (an opening that runs past
midnight, or one moved onto UTC, holds moments of the next or the previous day). The day is checked by
bit masks (weekday; day of the month, counted from either end; which of its weekday in the month, from
either end), by a range of dates (validity, dtstart, until and count, less the dates of the group's
exceptions), and by the interval (every n-th week or month, counted from dtstart). The condition for a
moment is an OR of six such checks (the site's clock with shifts 0 and -1, UTC's with -2 to 1), each a few
integer comparisons: the search tests it on the rows of each entry it matches, found by the entry's index;
what tests every entry (the facets' counts of everything open, the API's unsearched services) reads the
open entries' ids once from all the rows instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.db import connection
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL

from refugiu.directory.models import Opening, SearchEntry, Service
from refugiu.directory.schedules import (
    MINUTES_A_DAY,
    Group,
    Kind,
    Rule,
    month_index,
    nth_of_month,
    site_zone,
    week_index,
)

ZONE_SITE, ZONE_UTC = 0, 1
SHIFTS = {ZONE_SITE: (0, -1), ZONE_UTC: (-2, -1, 0, 1)}
ANY_WEEKDAY = (1 << 7) - 1
# Any day of the month, any such weekday of the month, no first day: 0, which SQLite stores in no bytes at all
# (the rows of a large directory then fit its cache better). Monthday bits 0-30: days 1-31, bits 31-61: days
# -1 (the last) to -31; nth bits 0-4: the 1st to 5th such weekday of the month, bits 5-9: the last to the
# 5th from last.
ANY_MONTHDAY = ANY_NTH = NO_FIRST_DAY = 0
ROW_COLUMNS = (
    "zone", "shift", "starts", "ends", "weekdays", "monthdays", "nths", "first_day", "last_day",
    "every_weeks", "week_start", "week_phase", "every_months", "month_phase",
)  # fmt: skip

Row = tuple[int, ...]


def _monthday_bit(day: int) -> int:
    return 1 << (day - 1) if day > 0 else 1 << (30 - day)


def _nth_bit(nth: int) -> int:
    return 1 << (nth - 1) if nth > 0 else 1 << (4 - nth)


def _weekday_mask(days: Iterable[int]) -> int:
    mask = 0
    for day in days:
        mask |= 1 << day
    return mask


def _pieces(opens: int, closes: int, offset: int) -> list[tuple[int, int, int]]:
    """(shift, starts, ends) of an opening from `opens` to `closes` minutes of its own day, on a clock
    `offset` minutes behind it: the parts of it on the clock's days before, of and after."""
    pieces = []
    for shift in (-2, -1, 0, 1):
        starts = max(0, shift * MINUTES_A_DAY + opens - offset)
        ends = min(MINUTES_A_DAY, shift * MINUTES_A_DAY + closes - offset)
        if starts < ends:
            pieces.append((shift, starts, ends))
    return pieces


def _calendars(rule: Rule) -> list[tuple[int, int, int]]:
    """(weekdays, monthdays, nths) masks whose union is the days the rule falls on (dates aside)."""
    if rule.kind is not Kind.MONTHLY:
        weekdays = _weekday_mask(rule.weekdays) if rule.kind is Kind.WEEKLY else ANY_WEEKDAY
        return [(weekdays, ANY_MONTHDAY, ANY_NTH)]
    monthdays = ANY_MONTHDAY
    if rule.monthdays:
        monthdays = 0
        for day in rule.monthdays:
            monthdays |= _monthday_bit(day)
    calendars = []
    if rule.weekdays:
        calendars.append((_weekday_mask(rule.weekdays), monthdays, ANY_NTH))
    nths: dict[int, int] = {}
    for nth, weekday in rule.nths:
        nths[weekday] = nths.get(weekday, 0) | _nth_bit(nth)
    calendars += [(1 << weekday, monthdays, bits) for weekday, bits in sorted(nths.items())]
    if not calendars:
        calendars.append((ANY_WEEKDAY, monthdays, ANY_NTH))
    return calendars


def _ranges(rule: Rule, exceptions: Sequence[Rule]) -> list[tuple[dt.date, dt.date]]:
    """The rule's dates less those of its group's exceptions (a recurring rule's only)."""
    ranges = [(rule.first, rule.last)]
    if rule.kind is Kind.DATES:
        return ranges
    for exception in exceptions:
        kept = []
        for first, last in ranges:
            if exception.last < first or last < exception.first:
                kept.append((first, last))
                continue
            if first < exception.first:
                kept.append((first, exception.first - dt.timedelta(days=1)))
            if exception.last < last:
                kept.append((exception.last + dt.timedelta(days=1), last))
        ranges = kept
    return ranges


def group_rows(group: Group) -> set[Row]:
    rows: set[Row] = set()
    for rule in group.rules:
        if not rule.computable or rule.opens is None or rule.closes is None:
            continue  # not readable, or a closure (its dates are taken from the others' ranges)
        zone, offset = (ZONE_SITE, 0) if rule.utc_offset is None else (ZONE_UTC, rule.utc_offset)
        weeks: tuple[int, int, int] = (1, 0, 0)
        months: tuple[int, int] = (1, 0)
        if rule.interval > 1 and rule.anchor is not None:
            if rule.kind is Kind.WEEKLY:
                phase = week_index(rule.anchor, rule.week_start) % rule.interval
                weeks = (rule.interval, rule.week_start, phase)
            elif rule.kind is Kind.MONTHLY:
                months = (rule.interval, month_index(rule.anchor) % rule.interval)
        for first, last in _ranges(rule, group.exceptions):
            for shift, starts, ends in _pieces(rule.opens, rule.closes, offset):
                for weekdays, monthdays, nths in _calendars(rule):
                    first_day = NO_FIRST_DAY if first == dt.date.min else first.toordinal()
                    rows.add(
                        (zone, shift, starts, ends, weekdays, monthdays, nths, first_day, last.toordinal(),
                         *weeks, *months)
                    )  # fmt: skip
    return rows


def record_rows(groups: Iterable[Group]) -> list[Row]:
    """The rows of a record open when one of these groups is, each once, in a stable order."""
    rows: set[Row] = set()
    for group in groups:
        rows |= group_rows(group)
    return sorted(rows)


# Each test that most rows pass without arithmetic says so first (`every_weeks = 1 OR …`): cheaper to
# evaluate, and PostgreSQL's planner reads those columns' statistics instead of guessing 0.5 % for a
# remainder's equality. It guessed one open row in 28,000 where 17,500 were, and chose plans for one row:
# sorting every facet row of the open entries on disk, and testing every entry before the first page.
_BRANCH = (
    "({o}.zone = {zone} AND {o}.shift = {shift} AND {o}.starts <= %s AND {o}.ends > %s"
    " AND ({o}.weekdays & %s) <> 0 AND {o}.first_day <= %s AND {o}.last_day >= %s"
    " AND ({o}.monthdays = 0 OR ({o}.monthdays & %s) <> 0)"
    " AND ({o}.nths = 0 OR ({o}.nths & %s) <> 0)"
    " AND ({o}.every_weeks = 1 OR ((%s - 1 - {o}.week_start) / 7 - {o}.week_phase) %% {o}.every_weeks = 0)"
    " AND ({o}.every_months = 1 OR (%s - {o}.month_phase) %% {o}.every_months = 0))"
)


def open_at_sql(alias: str, at: dt.datetime) -> tuple[str, list[int]]:
    """SQL that the `Opening` row `alias` holds the moment `at` (aware), and its parameters."""
    branches, params = [], []
    for zone, clock in ((ZONE_SITE, at.astimezone(site_zone())), (ZONE_UTC, at.astimezone(dt.UTC))):
        minute = clock.hour * 60 + clock.minute
        for shift in SHIFTS[zone]:
            day = clock.date() + dt.timedelta(days=shift)
            length_bit = _monthday_bit(day.day) | _monthday_bit(day.day - _month_length(day) - 1)
            nth, from_end = nth_of_month(day)
            branches.append(_BRANCH.format(o=alias, zone=zone, shift=shift))
            params += [
                minute, minute, 1 << day.weekday(), day.toordinal(), day.toordinal(), length_bit,
                _nth_bit(nth) | _nth_bit(from_end), day.toordinal(), month_index(day),
            ]  # fmt: skip
    return "(" + " OR ".join(branches) + ")", params


def _month_length(day: dt.date) -> int:
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return (following - dt.timedelta(days=1)).day


def open_records(at: dt.datetime) -> RawSQL:
    """The ids of the records (services, organisations, services at locations) open at `at`, for
    `id__in=`: read once from every row, for lists that are not searched."""
    condition, params = open_at_sql("o", at)
    return RawSQL(f"SELECT o.record_id FROM {Opening._meta.db_table} o WHERE {condition}", params)


def open_entries_read_once_sql(column: str, at: dt.datetime) -> tuple[str, list[int]]:
    """SQL that the search entry whose id is `column` is open at `at`, for a test of every entry (nothing
    searched): the open entries are read once from every entry's rows into a set that each is looked up
    in, instead of each entry's rows sought by its index (`open_entries_sql`: for the few that a search
    matches)."""
    condition, params = open_at_sql("o", at)
    table = Opening._meta.db_table
    # SQLite: `+` keeps the column from choosing an index, so a count grouped by an index that holds it
    # (the facets' counts) still reads that index in order and looks each up in the set, instead of
    # seeking each open entry's rows and sorting them all to group.
    plus = "+" if connection.vendor == "sqlite" else ""
    return (
        f"{plus}{column} IN (SELECT o.entry_id FROM {table} o WHERE o.entry_id IS NOT NULL AND {condition})",
        params,
    )


def open_entries_sql(entry: str, at: dt.datetime) -> tuple[str, list[int]]:
    """SQL that the search entry `entry` (an alias) is open at `at`: by its hours at a glance
    (`entry_hours`) when they say, else by its own rows, found and read by the index of entries' rows."""
    condition, params = open_at_sql("o", at)
    table = Opening._meta.db_table
    # PostgreSQL: OFFSET 0 keeps the test a filter of each match, read as the search reads them. As a semi
    # join it was planned by sorting every match first (in parallel workers) and then testing them in that
    # order: the 1 % term's search at 100,000 services took 16.6 ms instead of 3.7 (4.2 without "open now").
    fenced = " OFFSET 0" if connection.vendor == "postgresql" else ""
    probe = f"EXISTS (SELECT 1 FROM {table} o WHERE o.entry_id = {entry}.id AND {condition}{fenced})"
    glance, glance_params = _at_a_glance_sql(entry, at)
    return f"(CASE {glance} ELSE {probe} END)", [*glance_params, *params]


# --- an entry's hours at a glance -------------------------------------------------------------------------
# Most entries' rows are plain weekly hours: for each hour of each day of the week, the entry is then open
# all of it, or closed all of it, on every day of a long stretch of dates. The entry carries that on itself
# (`hours_zone`, `hours_from`, `hours_until`, `hours_mo` … `hours_su`), so that the search decides most of
# its matches from the row it reads anyway, and seeks the rows of the others only (an hour that an opening
# starts or ends within, a monthly or every n-th week's rule, a day outside the stretch).
DAY_HOURS = 24
ALL_HOURS = (1 << DAY_HOURS) - 1
UNDECIDED_ZONE = -1  # mixed clocks, or not worked out: every moment is tested on the rows
LAST_DAY = dt.date.max.toordinal()
HOURS_FIELDS = ("hours_zone", "hours_from", "hours_until", *(f"hours_{day}" for day in
                ("mo", "tu", "we", "th", "fr", "sa", "su")))  # fmt: skip
UNDECIDED = (UNDECIDED_ZONE, 0, 0, 0, 0, 0, 0, 0, 0, 0)


def entry_hours(rows: Sequence[Row], today: dt.date) -> tuple[int, ...]:
    """An entry's hours at a glance, from its rows (`HOURS_FIELDS`): the clock they are all on, the
    stretch of dates around `today` within which no row begins or ends, and for each weekday of that clock
    a mask whose bit h (0-23) says the entry is open all of the hour h and bit 24 + h that it is closed all
    of it, on every day of the stretch (neither: the rows say)."""
    zones = {row[0] for row in rows}
    if len(zones) > 1:
        return UNDECIDED
    day = today.toordinal()
    edges = {edge for row in rows for edge in (row[7], row[8] + 1)}
    first = max((edge for edge in edges if edge <= day), default=0)
    last = min((edge for edge in edges if edge > day), default=LAST_DAY + 1) - 1
    covered, touched = [0] * 7, [0] * 7
    for _, shift, starts, ends, weekdays, monthdays, nths, first_day, last_day, every_weeks, *rest in rows:
        if first_day > first or last_day < last:
            continue  # not within the stretch (its rows begin and end outside it)
        plain = monthdays == ANY_MONTHDAY and nths == ANY_NTH and every_weeks == 1 and rest[2] == 1
        whole = partly = 0
        for hour in range(DAY_HOURS):
            if starts < (hour + 1) * 60 and ends > hour * 60:
                partly |= 1 << hour
                if plain and starts <= hour * 60 and ends >= (hour + 1) * 60:
                    whole |= 1 << hour
        for weekday in range(7):  # of the clock's day; the rule's is `shift` days later
            if weekdays & (1 << ((weekday + shift) % 7)):
                covered[weekday] |= whole
                touched[weekday] |= partly
    masks = [covered[d] | ((ALL_HOURS & ~touched[d]) << DAY_HOURS) for d in range(7)]
    return (zones.pop() if zones else ZONE_SITE, first, last, *masks)


def _at_a_glance_sql(entry: str, at: dt.datetime) -> tuple[str, list[int]]:
    """`WHEN … THEN …` for each clock: the entry's hours at a glance decide the moment `at`."""
    whens, params = [], []
    for zone, clock in ((ZONE_SITE, at.astimezone(site_zone())), (ZONE_UTC, at.astimezone(dt.UTC))):
        day, hour = clock.date().toordinal(), clock.hour
        column = f"{entry}.{HOURS_FIELDS[3 + clock.weekday()]}"
        # Every day that a row of the clock's day may be checked against (shift -2 to 1) in the stretch.
        whens.append(
            f"WHEN {entry}.hours_zone = {zone} AND {entry}.hours_from <= %s AND {entry}.hours_until >= %s"
            f" AND ({column} & %s) <> 0 THEN ({column} & %s) <> 0"
        )
        params += [day - 2, day + 1, (1 << hour) | (1 << (DAY_HOURS + hour)), 1 << hour]
    return " ".join(whens), params


def open_services(at: dt.datetime) -> RawSQL:
    """A condition for `filter()` on services: the service is open at `at`, by its search entry's rows (those
    the search tests), read once: a service's entry's rows carry its id as their record's (an
    organisation's carry the organisation's, which no service has)."""
    condition, params = open_at_sql("o", at)
    # SQLite: `+` keeps it from reading the services by the open ids (a seek of each, then sorting them all
    # by name): it reads them as it would without the condition and looks each up in the set.
    plus = "+" if connection.vendor == "sqlite" else ""
    return RawSQL(
        f"{plus}{Service._meta.db_table}.id IN (SELECT o.record_id FROM {Opening._meta.db_table} o"
        f" WHERE o.entry_id IS NOT NULL AND {condition})",
        params,
        output_field=BooleanField(),
    )


def open_services_one_by_one(at: dt.datetime) -> RawSQL:
    """A condition for `filter()` on services: the service is open at `at`, tested on its own search entry
    (its hours at a glance, else its rows), found by the entries' index of records. For reading services in
    order until a page is full (by the services' index by name, SQLite's), where `open_services` reads
    every open one first."""
    is_open, params = open_entries_sql("e", at)
    return RawSQL(
        f"EXISTS (SELECT 1 FROM {SearchEntry._meta.db_table} e WHERE e.kind = 'service'"
        f" AND e.object_id = {Service._meta.db_table}.id AND {is_open})",
        params,
        output_field=BooleanField(),
    )
