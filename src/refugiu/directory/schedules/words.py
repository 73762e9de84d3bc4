"""Opening hours in words, in the active language: a schedule, a record's hours, and "open now"."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import formats
from django.utils import timezone as django_timezone
from django.utils.dates import WEEKDAYS
from django.utils.text import capfirst
from django.utils.translation import get_language, ngettext, pgettext
from django.utils.translation import gettext as _

from refugiu.directory.schedules.open_at import Status
from refugiu.directory.schedules.reading import rule_from
from refugiu.directory.schedules.rules import MINUTES_A_DAY, Kind, Rule


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
    # The same hours recur on a page (office hours, a helpline round the clock): each said once. The words
    # begin a line: a capital there, where the language writes its days in lower case ("Luni – vineri").
    return capfirst(_rule_words(rule, today, get_language(), str(django_timezone.get_current_timezone())))


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
