"""Reading a schedule: its HSDS fields (the parts of an iCal RRULE, the hours, the dates, the offset) as a
`Rule`, or as unreadable when any of them cannot be read."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
from collections.abc import Mapping
from typing import Any

from django.utils.dateparse import parse_date, parse_time

from refugiu.directory.schedules.rules import (
    DAY_CODES,
    EVERY_DAY,
    HORIZON_DAYS,
    MAX_INTERVAL,
    MAX_OFFSET_MINUTES,
    MINUTES_A_DAY,
    SCHEDULE_FIELDS,
    Kind,
    Rule,
    rule_falls_on,
)


class _Unreadable(ValueError):
    pass


def _text(value: Any) -> str:
    return str(value).strip() if value is not None else ""


def _date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        parsed = parse_date(str(value).strip()[:10])
    except ValueError:
        parsed = None
    if parsed is None:
        raise _Unreadable
    return parsed


def _minutes(value: Any) -> int | None:
    if value is None or value == "":
        return None
    moment = value if isinstance(value, dt.time) else None
    if moment is None:
        try:
            moment = parse_time(str(value).strip())
        except ValueError:
            moment = None
    if moment is None:
        raise _Unreadable
    return moment.hour * 60 + moment.minute


def _number(value: Any) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError) as exc:
        raise _Unreadable from exc


_BYDAY = re.compile(r"^([+-]?[1-5])?(MO|TU|WE|TH|FR|SA|SU)$")


def _days(value: Any) -> list[tuple[int | None, int]]:
    """byday: [(ordinal or None, weekday)]."""
    days = []
    for part in _text(value).upper().replace(" ", "").split(","):
        if not part:
            continue
        found = _BYDAY.match(part)
        if not found:
            raise _Unreadable
        days.append((int(found.group(1)) if found.group(1) else None, DAY_CODES.index(found.group(2))))
    return days


def _monthdays(value: Any) -> frozenset[int]:
    days = set()
    for part in _text(value).replace(" ", "").split(","):
        if not part:
            continue
        try:
            day = int(part)
        except ValueError as exc:
            raise _Unreadable from exc
        if not (1 <= abs(day) <= 31):
            raise _Unreadable
        days.add(day)
    return frozenset(days)


def rule_from(row: Mapping[str, Any]) -> Rule:
    """A schedule's rule, from its fields (SCHEDULE_FIELDS: a model's values, or a database's plain row)."""
    return _read(tuple(row.get(name) for name in SCHEDULE_FIELDS))


@functools.lru_cache(maxsize=4096)
def _read(values: tuple[Any, ...]) -> Rule:
    """The same schedule is read once: many records keep the same hours."""
    row = dict(zip(SCHEDULE_FIELDS, values, strict=True))
    description = _text(row.get("description"))
    try:
        return _rule(row, description)
    except _Unreadable:
        return Rule(Kind.UNREADABLE, description=description)


def _rule(row: Mapping[str, Any], description: str) -> Rule:
    if _text(row.get("byweekno")) or _text(row.get("byyearday")):
        raise _Unreadable
    freq = _text(row.get("freq")).upper()
    if freq not in ("", "WEEKLY", "MONTHLY", "DAILY"):
        raise _Unreadable
    byday = _days(row.get("byday"))
    monthdays = _monthdays(row.get("bymonthday"))
    opens, closes = _minutes(row.get("opens_at")), _minutes(row.get("closes_at"))
    if (opens is None) != (closes is None):
        raise _Unreadable
    if opens is not None and closes is not None and closes <= opens:
        closes += MINUTES_A_DAY
    offset = _number(row.get("timezone"))
    utc_offset = None if offset is None else round(offset * 60)
    if utc_offset is not None and abs(utc_offset) > MAX_OFFSET_MINUTES:
        raise _Unreadable
    interval = _number(row.get("interval"))
    every = 1 if interval is None else int(interval)
    if not (1 <= every <= MAX_INTERVAL) or (interval is not None and every != interval):
        raise _Unreadable
    valid_from, valid_to = _date(row.get("valid_from")), _date(row.get("valid_to"))
    anchor, until = _date(row.get("dtstart")), _date(row.get("until"))
    count = _number(row.get("count"))
    wkst = _text(row.get("wkst")).upper()
    week_start = DAY_CODES.index(wkst) if wkst in DAY_CODES else 0
    base = Rule(Kind.UNREADABLE, opens=opens, closes=closes, utc_offset=utc_offset, description=description)

    if not (freq or byday or monthdays):
        dates = None
        if valid_to and (valid_from or anchor):
            dates = (valid_from or anchor, valid_to)
        elif anchor and not valid_from:
            dates = (anchor, anchor)
        if dates is not None:
            first, last = dates
            if first is None or last < first:
                raise _Unreadable
            return dataclasses.replace(base, kind=Kind.DATES, first=first, last=last)
        if opens is None:
            raise _Unreadable
        freq = "DAILY"
    starts = [day for day in (valid_from, anchor) if day]
    ends = [day for day in (valid_to, until) if day]
    first = max(starts) if starts else dt.date.min
    last = min(ends) if ends else dt.date.max
    if every > 1 and anchor is None:
        raise _Unreadable
    plain = frozenset(day for ordinal, day in byday if ordinal is None)
    nths = frozenset((ordinal, day) for ordinal, day in byday if ordinal is not None)
    if freq == "DAILY":
        if byday or monthdays:
            raise _Unreadable
        rule = dataclasses.replace(base, kind=Kind.WEEKLY, weekdays=EVERY_DAY, first=first, last=last)
        every = 1
    elif freq == "WEEKLY" or (not freq and byday and not nths and not monthdays):
        if nths or monthdays:
            raise _Unreadable
        if not plain:
            if anchor is None:
                raise _Unreadable
            plain = frozenset({anchor.weekday()})
        rule = dataclasses.replace(base, kind=Kind.WEEKLY, weekdays=plain, interval=every, anchor=anchor,
                                   week_start=week_start, first=first, last=last)  # fmt: skip
    else:
        if not (byday or monthdays):
            if anchor is None:
                raise _Unreadable
            monthdays = frozenset({anchor.day})
        rule = dataclasses.replace(base, kind=Kind.MONTHLY, weekdays=plain, nths=nths, monthdays=monthdays,
                                   interval=every, anchor=anchor, first=first, last=last)  # fmt: skip
    if count is not None:
        if count < 1 or count != int(count):
            raise _Unreadable
        rule = _counted(rule, int(count))
    if rule.last < rule.first:
        raise _Unreadable
    return rule


def _counted(rule: Rule, count: int) -> Rule:
    """The rule ending on its `count`-th day (iCal's COUNT), counted from its first day."""
    day = rule.first if rule.first != dt.date.min else rule.anchor
    if day is None:
        raise _Unreadable
    seen = 0
    for _day in range(HORIZON_DAYS * 100):  # a century of days: beyond that, no end worth telling
        if rule.last < day:
            break
        if rule_falls_on(rule, day):
            seen += 1
            if seen == count:
                return dataclasses.replace(rule, last=day)
        day += dt.timedelta(days=1)
    return rule


def schedule_row(schedule: Any) -> dict[str, Any]:
    """A Schedule instance as the fields the rules read."""
    return {name: getattr(schedule, name) for name in SCHEDULE_FIELDS}
