"""Opening hours: HSDS 3 schedules read as rules, said in words, and asked "open at this moment?".

HSDS 3 gives a schedule as the fields of an iCal RRULE (freq, interval, byday, bymonthday, dtstart, until,
count, wkst) with opening and closing times, a validity (valid_from, valid_to) and a time zone given as a
UTC offset. What they mean here, the same for the words, for `is_open` and `next_opening`, and for the SQL
of the "open now" filter (`directory.open_now`, which a test holds to the same answers):

- A *recurring* schedule is WEEKLY (byday; interval n: every n-th week counted from dtstart, weeks
  beginning on wkst) or MONTHLY (byday, where "2MO" is the second Monday and "-1FR" the last Friday of
  the month; bymonthday, where -1 is the last day; both: days that are both; interval n: every n-th month
  from dtstart). Without freq, byday means weekly and bymonthday monthly; DAILY means every day. It
  falls on those days from valid_from and dtstart, to valid_to and until, for `count` occurrences.
  On each day it falls on it is open from opens_at to closes_at; a closing time at or before the
  opening time runs past midnight (00:00 to 00:00 is the whole day). No recurrence, no dates, and hours:
  every day.
- An *exceptional* schedule has no recurrence and a range of dates: valid_from to valid_to, or dtstart
  alone (one day). On those dates it replaces the recurring schedules of the same record (a service, a
  location, or a service at a location): without hours the record is closed those days (a holiday),
  with hours those are the day's hours. HSDS 3 has no holiday table (HSDS 2's `holiday_schedule` is
  gone); this is how its schedule fields say a closure.
- Times are local to the schedule's `timezone`, a UTC offset in hours. Without one, to settings.TIME_ZONE,
  with its summer time: HSDS assumes UTC, but a directory's data without an offset gives its town's
  clock, as people read it.
- What cannot be read (byweekno, byyearday, another freq, an interval without dtstart, one of the two
  times alone, a recurring schedule without hours) is shown by its description only and makes the answer
  "not known" rather than "closed". Nothing is guessed.

A public record's hours come from several records' schedules (`service_groups`, `organization_groups`,
`service_at_location_group`); each such set of schedules is a *group*, whose exceptions apply to its
own recurring schedules only. A record is open when one of its groups is.

Moments are compared by the minute, in the wall-clock time of the schedule's zone.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import functools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import formats
from django.utils import timezone as django_timezone
from django.utils.dateparse import parse_date, parse_time
from django.utils.dates import WEEKDAYS
from django.utils.translation import get_language, ngettext, pgettext
from django.utils.translation import gettext as _

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


def now() -> dt.datetime:
    """The moment "open now" means. Pages and the API ask here, so that tests can set it."""
    return django_timezone.now()


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


# --- reading a schedule ---------------------------------------------------------------------------------


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
        if _falls_on(rule, day):
            seen += 1
            if seen == count:
                return dataclasses.replace(rule, last=day)
        day += dt.timedelta(days=1)
    return rule


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


def _falls_on(rule: Rule, day: dt.date) -> bool:
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


@dataclass(frozen=True)
class Group:
    """The schedules of one record: its exceptions replace its recurring schedules on their dates."""

    rules: tuple[Rule, ...]

    @functools.cached_property
    def exceptions(self) -> tuple[Rule, ...]:
        return tuple(rule for rule in self.rules if rule.kind is Kind.DATES)

    @functools.cached_property
    def knowable(self) -> bool:
        """Whether "closed" can be known: every rule can say when it applies, and some give hours (a
        record with closures alone has regular hours nobody gave)."""
        return all(rule.computable for rule in self.rules) and any(rule.has_hours for rule in self.rules)

    def falls_on(self, rule: Rule, day: dt.date) -> bool:
        if not _falls_on(rule, day):
            return False
        return rule.kind is Kind.DATES or not any(e.first <= day <= e.last for e in self.exceptions)

    def occurrences_around(self, at: dt.datetime) -> Iterator[tuple[dt.datetime, dt.datetime]]:
        """The openings (start, end) that hold `at`."""
        for rule in self.rules:
            if not rule.computable or not rule.has_hours:
                continue
            assert rule.opens is not None and rule.closes is not None  # noqa: S101 - has_hours
            local = at.astimezone(rule.zone())
            minute = local.hour * 60 + local.minute
            for days_before in (0, 1):
                day = local.date() - dt.timedelta(days=days_before)
                since = minute + days_before * MINUTES_A_DAY
                if rule.opens <= since < rule.closes and self.falls_on(rule, day):
                    yield _occurrence(rule, day)

    def first_opening_after(self, after: dt.datetime) -> dt.datetime | None:
        found: dt.datetime | None = None
        for rule in self.rules:
            if not rule.computable or not rule.has_hours:
                continue
            zone = rule.zone()
            day = max(after.astimezone(zone).date() - dt.timedelta(days=1), rule.first)
            for _day in range(HORIZON_DAYS):
                if day > rule.last:
                    break
                if self.falls_on(rule, day):
                    start, _end = _occurrence(rule, day)
                    if start > after:
                        if found is None or start < found:
                            found = start
                        break
                day += dt.timedelta(days=1)
        return found


def _occurrence(rule: Rule, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    assert rule.opens is not None and rule.closes is not None  # noqa: S101 - callers check has_hours
    # Aware arithmetic is wall-clock arithmetic: the times of the zone's own day, summer time or not.
    midnight = dt.datetime.combine(day, dt.time(), tzinfo=rule.zone())
    return midnight + dt.timedelta(minutes=rule.opens), midnight + dt.timedelta(minutes=rule.closes)


# --- the questions --------------------------------------------------------------------------------------


def is_open(groups: Sequence[Group], at: dt.datetime) -> bool | None:
    """Open at `at` (aware): True, False, or None when the schedules cannot tell (none, or not readable)."""
    if not groups:
        return None
    if any(next(group.occurrences_around(at), None) for group in groups):
        return True
    return False if all(group.knowable for group in groups) else None


def next_opening(groups: Sequence[Group], after: dt.datetime) -> dt.datetime | None:
    """The first moment after `after` at which one of the groups opens, within HORIZON_DAYS; None if none."""
    found = [start for group in groups if (start := group.first_opening_after(after))]
    return min(found) if found else None


@dataclass(frozen=True)
class Status:
    """Open or not at a moment; when open, until when (None: round the clock); when closed, when next."""

    open: bool | None
    closes: dt.datetime | None = None
    opens: dt.datetime | None = None


def status(groups: Sequence[Group], at: dt.datetime) -> Status:
    answer = is_open(groups, at)
    if answer is None:
        return Status(None)
    if answer:
        return Status(True, closes=_closing(groups, at))
    return Status(False, opens=next_opening(groups, at))


def _closing(groups: Sequence[Group], at: dt.datetime) -> dt.datetime | None:
    moment = at
    for _step in range(CHAIN_LIMIT):
        ends = [end for group in groups for _start, end in group.occurrences_around(moment)]
        if not ends:
            return moment
        moment = max(ends)
    return None


# --- whose schedules ------------------------------------------------------------------------------------
#
# Callers hand in the rules of each record that has schedules, keyed by ("service" | "location" |
# "service_at_location", id), and the links: ids in whatever form they read them, the same throughout.

Owner = tuple[str, Any]


def _group(rules_of: Mapping[Owner, list[Rule]], *owners: Owner) -> tuple[Owner, Group] | None:
    """The first of these records that has schedules gives the group."""
    for owner in owners:
        rules = rules_of.get(owner)
        if rules:
            return owner, Group(tuple(rules))
    return None


def _sal_owners(*, service_id: Any, sal_id: Any, location_id: Any, confidential: bool) -> list[Owner]:
    owners: list[Owner] = [("service_at_location", sal_id), ("service", service_id)]
    if not confidential:
        owners.append(("location", location_id))
    return owners


def service_at_location_group(
    rules_of: Mapping[Owner, list[Rule]],
    *,
    service_id: Any,
    sal_id: Any,
    location_id: Any,
    confidential: bool,
) -> Group | None:
    """A service at a location: its own schedules, else the service's, else the location's (never a
    confidential location's: nothing of a shelter reaches the public)."""
    owners = _sal_owners(
        service_id=service_id, sal_id=sal_id, location_id=location_id, confidential=confidential
    )
    found = _group(rules_of, *owners)
    return found[1] if found else None


def service_groups(
    rules_of: Mapping[Owner, list[Rule]], *, service_id: Any, places: Iterable[tuple[Any, Any, bool]]
) -> list[Group]:
    """A service: each of its places (service at location id, location id, confidential) as
    `service_at_location_group` gives it, each record's schedules once; without places, its own."""
    groups: dict[Owner, Group] = {}
    places = list(places)
    for sal_id, location_id, confidential in places:
        owners = _sal_owners(
            service_id=service_id, sal_id=sal_id, location_id=location_id, confidential=confidential
        )
        found = _group(rules_of, *owners)
        if found is not None:
            groups.setdefault(*found)
    if not places:
        found = _group(rules_of, ("service", service_id))
        if found is not None:
            groups.setdefault(*found)
    return list(groups.values())


def organization_groups(
    rules_of: Mapping[Owner, list[Rule]], *, locations: Iterable[tuple[Any, bool]]
) -> list[Group]:
    """An organisation: the schedules of its locations that may be shown (not confidential)."""
    groups: dict[Owner, Group] = {}
    for location_id, confidential in locations:
        found = None if confidential else _group(rules_of, ("location", location_id))
        if found is not None:
            groups.setdefault(*found)
    return list(groups.values())


def rules_by_owner(rows: Iterable[Mapping[str, Any]]) -> dict[Owner, list[Rule]]:
    """Rules keyed by the record each schedule hangs from; `rows` carry SCHEDULE_FIELDS and the links
    service_id, location_id, service_at_location_id (a schedule may hang from several)."""
    rules: dict[Owner, list[Rule]] = {}
    for row in rows:
        rule = rule_from(row)
        for kind in ("service_at_location", "service", "location"):
            owner_id = row.get(f"{kind}_id")
            if owner_id is not None:
                rules.setdefault((kind, owner_id), []).append(rule)
    return rules


# --- in words -------------------------------------------------------------------------------------------


def _time_words(minutes: int) -> str:
    minutes %= MINUTES_A_DAY
    return formats.time_format(dt.time(minutes // 60, minutes % 60))


def _date_words(day: dt.date) -> str:
    return formats.date_format(day)


def _list_words(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    separator = pgettext("between the items of a list", ", ")
    return _("%(items)s and %(last)s") % {"items": separator.join(items[:-1]), "last": items[-1]}


def _weekday_words(days: Iterable[int]) -> str:
    """ "Monday to Friday and Sunday", "every day"."""
    days = sorted(set(days))
    if len(days) == 7:
        return _("Every day")
    runs: list[list[int]] = []
    for day in days:
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts = []
    for run in runs:
        if len(run) >= 3:
            parts.append(_("%(first)s to %(last)s") % {"first": WEEKDAYS[run[0]], "last": WEEKDAYS[run[-1]]})
        else:
            parts += [str(WEEKDAYS[day]) for day in run]
    return _list_words(parts)


def _nth_words(nth: int, weekday: int) -> str:
    name = WEEKDAYS[weekday]
    templates: dict[int, Callable[[], str]] = {
        1: lambda: _("the first %(weekday)s of the month"),
        2: lambda: _("the second %(weekday)s of the month"),
        3: lambda: _("the third %(weekday)s of the month"),
        4: lambda: _("the fourth %(weekday)s of the month"),
        5: lambda: _("the fifth %(weekday)s of the month"),
        -1: lambda: _("the last %(weekday)s of the month"),
        -2: lambda: _("the second to last %(weekday)s of the month"),
    }
    if nth in templates:
        return templates[nth]() % {"weekday": name}
    return _("the %(weekday)s %(number)s weeks before the end of the month") % {
        "weekday": name,
        "number": -nth - 1,
    }


def _monthday_words(days: frozenset[int]) -> list[str]:
    words = []
    counted = sorted(day for day in days if day > 0)
    if counted:
        words.append(
            ngettext("day %(days)s of the month", "days %(days)s of the month", len(counted))
            % {"days": _list_words([str(day) for day in counted])}
        )
    for day in sorted((day for day in days if day < 0), reverse=True):
        if day == -1:
            words.append(_("the last day of the month"))
        else:
            words.append(
                ngettext(
                    "%(number)s day before the last day of the month",
                    "%(number)s days before the last day of the month",
                    -day - 1,
                )
                % {"number": -day - 1}
            )
    return words


def _days_words(rule: Rule) -> str:
    if rule.kind is Kind.WEEKLY:
        days = _weekday_words(rule.weekdays)
        if rule.interval > 1:
            days = ngettext("%(days)s, every %(n)s weeks", "%(days)s, every %(n)s weeks", rule.interval) % {
                "days": days,
                "n": rule.interval,
            }
        return days
    parts = []
    if rule.weekdays:
        parts.append(_("every %(days)s of the month") % {"days": _weekday_words(rule.weekdays)})
    parts += [_nth_words(nth, weekday) for nth, weekday in sorted(rule.nths, key=lambda p: (p[1], p[0]))]
    days = _list_words(parts)
    monthdays = _list_words(_monthday_words(rule.monthdays))
    if days and monthdays:
        days = _("%(days)s, when it is %(monthdays)s") % {"days": days, "monthdays": monthdays}
    else:
        days = days or monthdays
    days = days[:1].upper() + days[1:]
    if rule.interval > 1:
        days = ngettext("%(days)s, every %(n)s months", "%(days)s, every %(n)s months", rule.interval) % {
            "days": days,
            "n": rule.interval,
        }
    return days


def _hours_words(rule: Rule) -> str:
    assert rule.opens is not None and rule.closes is not None  # noqa: S101 - callers check has_hours
    if rule.closes - rule.opens == MINUTES_A_DAY and rule.opens == 0:
        return _("open 24 hours")
    return _("%(opens)s–%(closes)s") % {"opens": _time_words(rule.opens), "closes": _time_words(rule.closes)}


def _zone_words(rule: Rule, today: dt.date) -> str:
    """ " (UTC+02:00)" when the rule's clock is not the visitor's today; else nothing."""
    if rule.utc_offset is None:
        return ""
    visitor = django_timezone.get_current_timezone()
    noon = dt.datetime.combine(today, dt.time(12), tzinfo=visitor)
    offset = noon.utcoffset() or dt.timedelta()
    if offset == dt.timedelta(minutes=rule.utc_offset):
        return ""
    sign = "+" if rule.utc_offset >= 0 else "−"
    hours, minutes = divmod(abs(rule.utc_offset), 60)
    return f" (UTC{sign}{hours:02}:{minutes:02})"


def rule_words(rule: Rule, today: dt.date) -> str:
    """The rule in words in the active language, or "" when it cannot be read (its description says it)."""
    if rule.kind is Kind.UNREADABLE:
        return ""
    # The same hours recur on a page (office hours, a helpline round the clock): each said once.
    return _rule_words(rule, today, get_language(), str(django_timezone.get_current_timezone()))


@functools.lru_cache(maxsize=1024)
def _rule_words(rule: Rule, today: dt.date, language: str | None, visitor_zone: str) -> str:
    zone = _zone_words(rule, today)
    if rule.kind is Kind.DATES:
        one_day = rule.first == rule.last
        first, last = _date_words(rule.first), _date_words(rule.last)
        dates = {"date": first, "first": first, "last": last}
        if not rule.has_hours:
            return (_("Closed on %(date)s") if one_day else _("Closed from %(first)s to %(last)s")) % dates
        hours = _hours_words(rule)
        text = (_("On %(date)s: %(hours)s") if one_day else _("From %(first)s to %(last)s: %(hours)s")) % {
            **dates,
            "hours": hours,
        }
        return text + zone
    days = _days_words(rule)
    if rule.has_hours:
        text = _("%(days)s, %(hours)s") % {"days": days, "hours": _hours_words(rule)}
    else:
        text = _("%(days)s (hours not given)") % {"days": days}
    starts_later = rule.first > today
    ends = rule.last != dt.date.max
    if starts_later and ends:
        text = _("From %(first)s to %(last)s: %(text)s") % {
            "first": _date_words(rule.first),
            "last": _date_words(rule.last),
            "text": text,
        }
    elif starts_later:
        text = _("From %(first)s: %(text)s") % {"first": _date_words(rule.first), "text": text}
    elif ends:
        text = _("Until %(last)s: %(text)s") % {"last": _date_words(rule.last), "text": text}
    return text + zone


@dataclass(frozen=True)
class HoursLine:
    """One schedule as a page shows it: in words, and its own description (in the record's language)."""

    words: str
    description: str


def hours_lines(rows: Iterable[Mapping[str, Any]], today: dt.date) -> list[HoursLine]:
    """The schedules of one record in words, those that ended before `today` left out: recurring ones
    first, then exceptions by date."""
    rules = [rule_from(row) for row in rows]
    current = [rule for rule in rules if rule.kind is Kind.UNREADABLE or rule.last >= today]
    current.sort(key=lambda rule: (rule.kind is Kind.DATES, rule.first if rule.kind is Kind.DATES else None))
    lines = [HoursLine(rule_words(rule, today), rule.description) for rule in current]
    return [line for line in lines if line.words or line.description]


def schedule_row(schedule: Any) -> dict[str, Any]:
    """A Schedule instance as the fields the rules read."""
    return {name: getattr(schedule, name) for name in SCHEDULE_FIELDS}


def status_words(answer: Status, *, at: dt.datetime) -> str:
    """ "Open now · until 17:00", "Closed · opens Tuesday 09:00", "Closed": in the visitor's zone."""
    if answer.open is None:
        return ""
    if answer.open:
        if answer.closes is None:
            return _("Open now")
        closes = django_timezone.localtime(answer.closes)
        return _("Open now · until %(time)s") % {"time": _when_words(closes, django_timezone.localtime(at))}
    if answer.opens is None:
        return _("Closed")
    opens = django_timezone.localtime(answer.opens)
    return _("Closed · opens %(when)s") % {"when": _when_words(opens, django_timezone.localtime(at))}


def _when_words(moment: dt.datetime, today_at: dt.datetime) -> str:
    return _when(moment.replace(tzinfo=None), today_at.date(), get_language())


@functools.lru_cache(maxsize=1024)
def _when(moment: dt.datetime, today: dt.date, language: str | None) -> str:
    """A local moment said from `today`: "17:00", "Tuesday 09:00", "24 December 2026 09:00"."""
    time = formats.time_format(moment.time())
    days = (moment.date() - today).days
    if days == 0:
        return time
    if days < 7:
        return _("%(weekday)s %(time)s") % {"weekday": WEEKDAYS[moment.weekday()], "time": time}
    return _("%(date)s %(time)s") % {"date": _date_words(moment.date()), "time": time}
