"""Open at a moment: a record's schedules as groups, asked whether open, until when, and when next."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.utils import timezone as django_timezone

from refugiu.directory.schedules.rules import (
    CHAIN_LIMIT,
    HORIZON_DAYS,
    MINUTES_A_DAY,
    Kind,
    Rule,
    rule_falls_on,
)


def now() -> dt.datetime:
    """The moment "open now" means. Pages and the API ask `schedules.now()` of the package, so that tests
    can set it there."""
    return django_timezone.now()


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
        if not rule_falls_on(rule, day):
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
