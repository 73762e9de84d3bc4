"""Simple weekly hours, as a form without JavaScript gives them (per weekday up to two ranges, plus closed
dates), and the HSDS schedules that say exactly that, in the shape `reading` reads:

- each range, with the weekdays that have it: {"freq": "WEEKLY", "byday": "MO,TU", "opens_at": "09:00",
  "closes_at": "13:00"};
- each closure (a holiday): {"valid_from": "2026-12-25", "valid_to": "2026-12-25"}, no hours (an
  exceptional schedule: closed on those dates).

`weekly_from_rows` reads schedules back into such hours, or None when they say something the simple form
cannot (another recurrence, dates of validity, a clock of its own, hours past midnight, a third range)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from refugiu.directory.schedules.reading import rule_from
from refugiu.directory.schedules.rules import DAY_CODES, MINUTES_A_DAY, Kind

MAX_RANGES = 2  # a day's opening ranges the form offers (mornings and afternoons)

Range = tuple[int, int]  # (opens, closes), minutes after midnight, opens < closes < 24:00


@dataclass(frozen=True)
class WeeklyHours:
    """The hours of each weekday (0 Monday … 6 Sunday; none: closed that day) and the closed dates."""

    days: tuple[tuple[Range, ...], ...] = ((),) * 7
    closures: tuple[tuple[dt.date, dt.date], ...] = ()


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02}:{minutes % 60:02}"


def weekly_rows(hours: WeeklyHours) -> list[dict[str, Any]]:
    """The HSDS schedule fields (as JSON) that say `hours`: ranges first, by time, then closures by date."""
    by_range: dict[Range, list[int]] = {}
    for weekday, ranges in enumerate(hours.days):
        for hours_range in ranges:
            by_range.setdefault(hours_range, []).append(weekday)
    rows: list[dict[str, Any]] = [
        {
            "freq": "WEEKLY",
            "byday": ",".join(DAY_CODES[day] for day in days),
            "opens_at": _clock(opens),
            "closes_at": _clock(closes),
        }
        for (opens, closes), days in sorted(by_range.items(), key=lambda item: (item[0], item[1][0]))
    ]
    rows += [
        {"valid_from": first.isoformat(), "valid_to": last.isoformat()}
        for first, last in sorted(set(hours.closures))
    ]
    return rows


def weekly_from_rows(rows: Iterable[Mapping[str, Any]], today: dt.date | None = None) -> WeeklyHours | None:
    """Schedules read as simple weekly hours, or None when they say more than those can. With `today`, a
    recurring schedule valid since a day before it counts as valid always (what it says from now on)."""
    since = dt.date.min if today is None else today
    days: list[set[Range]] = [set() for _day in range(7)]
    closures: set[tuple[dt.date, dt.date]] = set()
    for row in rows:
        rule = rule_from(row)
        if rule.kind is Kind.DATES and not rule.has_hours and rule.utc_offset is None:
            closures.add((rule.first, rule.last))
            continue
        if (
            rule.kind is not Kind.WEEKLY
            or rule.interval != 1
            or rule.first > since
            or rule.last != dt.date.max
            or rule.utc_offset is not None
            or rule.opens is None
            or rule.closes is None
            or rule.closes >= MINUTES_A_DAY
        ):
            return None
        for weekday in rule.weekdays:
            days[weekday].add((rule.opens, rule.closes))
    if any(len(ranges) > MAX_RANGES for ranges in days):
        return None
    return WeeklyHours(days=tuple(tuple(sorted(ranges)) for ranges in days), closures=tuple(sorted(closures)))
