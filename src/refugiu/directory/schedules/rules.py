"""A schedule read as a rule (`Rule`: its kind, its hours, days and dates, its clock), and the days it
falls on."""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo

from django.conf import settings

# The columns of a schedule that the rules read: for values_list() and plain rows alike.
SCHEDULE_FIELDS = (
    "valid_from", "valid_to", "dtstart", "timezone", "until", "count", "wkst", "freq", "interval", "byday",
    "byweekno", "bymonthday", "byyearday", "opens_at", "closes_at", "description", "notes",
)  # fmt: skip
DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
EVERY_DAY = frozenset(range(7))
MINUTES_A_DAY = 24 * 60
HORIZON_DAYS = 400  # how far ahead `next_opening` looks: a year and its holidays
MAX_OFFSET_MINUTES = 14 * 60
MAX_INTERVAL = 1000  # every n-th week or month: beyond this, not a schedule anyone keeps
CHAIN_LIMIT = 8  # `status`: open across this many back-to-back openings is "open around the clock"


class Kind(StrEnum):
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    DATES = "dates"  # exceptional: replaces its group's recurring schedules on these dates
    UNREADABLE = "unreadable"


@dataclass(frozen=True)
class Rule:
    """One schedule, read."""

    kind: Kind
    opens: int | None = None  # minutes after the opening day's midnight
    closes: int | None = None  # the same, after `opens`: beyond 1440 when it closes past midnight
    weekdays: frozenset[int] = frozenset()  # 0 Monday … 6 Sunday: every such day (monthly too)
    nths: frozenset[tuple[int, int]] = frozenset()  # monthly: (ordinal, weekday); ordinal -1 is the last
    monthdays: frozenset[int] = frozenset()  # monthly: 1 … 31, or -1 (the last day) … -31
    interval: int = 1
    anchor: dt.date | None = None  # dtstart: where an interval counts from
    week_start: int = 0  # wkst
    first: dt.date = dt.date.min
    last: dt.date = dt.date.max
    utc_offset: int | None = None  # minutes east of UTC; None: settings.TIME_ZONE
    description: str = ""

    @property
    def has_hours(self) -> bool:
        return self.opens is not None and self.closes is not None

    @property
    def computable(self) -> bool:
        """Whether it can say when it is open: readable, and with hours (or a closure)."""
        return self.kind is Kind.DATES or (self.kind is not Kind.UNREADABLE and self.has_hours)

    @property
    def recurring(self) -> bool:
        return self.kind in (Kind.WEEKLY, Kind.MONTHLY)

    def zone(self) -> dt.tzinfo:
        if self.utc_offset is None:
            return site_zone()
        return dt.timezone(dt.timedelta(minutes=self.utc_offset))


@functools.cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def site_zone() -> ZoneInfo:
    """The zone of schedules that name none: settings.TIME_ZONE (Europe/Bucharest), summer time included."""
    return _zone(settings.TIME_ZONE)


# --- when a rule applies --------------------------------------------------------------------------------


def week_index(day: dt.date, week_start: int) -> int:
    """The number of the week holding `day`, weeks beginning on `week_start` (0 Monday); ordinal 1 is a
    Monday."""
    return (day.toordinal() - 1 - week_start) // 7


def month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def nth_of_month(day: dt.date) -> tuple[int, int]:
    """Which of its weekday in the month `day` is: counted from the start (1 …) and from the end (-1 …)."""
    length = calendar.monthrange(day.year, day.month)[1]
    return (day.day - 1) // 7 + 1, -((length - day.day) // 7 + 1)


def rule_falls_on(rule: Rule, day: dt.date) -> bool:
    """Whether the rule falls on this day (its exceptions aside)."""
    if not (rule.first <= day <= rule.last):
        return False
    if rule.kind is Kind.DATES:
        return True
    weekday = day.weekday()
    if rule.kind is Kind.WEEKLY:
        if weekday not in rule.weekdays:
            return False
        return rule.interval == 1 or (
            rule.anchor is not None
            and (week_index(day, rule.week_start) - week_index(rule.anchor, rule.week_start)) % rule.interval
            == 0
        )
    if rule.kind is not Kind.MONTHLY:
        return False
    if rule.interval > 1 and (
        rule.anchor is None or (month_index(day) - month_index(rule.anchor)) % rule.interval
    ):
        return False
    if rule.monthdays:
        length = calendar.monthrange(day.year, day.month)[1]
        if day.day not in rule.monthdays and day.day - length - 1 not in rule.monthdays:
            return False
    if rule.weekdays or rule.nths:
        nth, from_end = nth_of_month(day)
        ordinal = {(nth, weekday), (from_end, weekday)}
        if weekday not in rule.weekdays and not ordinal & rule.nths:
            return False
    return True
