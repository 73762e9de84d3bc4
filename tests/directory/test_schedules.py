"""Schedules read, said in words and asked whether open (directory.schedules). Moments are given, never
waited for."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from refugiu.directory.schedules import (
    Group,
    Kind,
    hours_lines,
    is_open,
    next_opening,
    organization_groups,
    rule_from,
    rule_words,
    rules_by_owner,
    service_groups,
    status,
    status_words,
)

BUCHAREST = ZoneInfo("Europe/Bucharest")
WEEKDAYS_9_TO_17 = {"freq": "WEEKLY", "byday": "MO,TU,WE,TH,FR", "opens_at": "09:00", "closes_at": "17:00"}
# 2026-03-02 is a Monday; summer time in Bucharest begins on Sunday 2026-03-29 (03:00 becomes 04:00).
MONDAY = dt.date(2026, 3, 2)


def at(day: dt.date, hour: int, minute: int = 0, zone=BUCHAREST) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone)


def group(*schedules: dict) -> list[Group]:
    return [Group(tuple(rule_from(s) for s in schedules))]


def test_weekdays_open_and_closed_with_the_next_opening():
    hours = group(WEEKDAYS_9_TO_17)
    assert is_open(hours, at(MONDAY, 9)) is True
    assert is_open(hours, at(MONDAY, 16, 59)) is True
    assert is_open(hours, at(MONDAY, 17)) is False
    assert is_open(hours, at(MONDAY, 8, 59)) is False
    saturday = MONDAY + dt.timedelta(days=5)
    assert is_open(hours, at(saturday, 12)) is False
    assert next_opening(hours, at(saturday, 12)) == at(MONDAY + dt.timedelta(days=7), 9)
    assert next_opening(hours, at(MONDAY, 17)) == at(MONDAY + dt.timedelta(days=1), 9)
    assert status(hours, at(MONDAY, 10)).closes == at(MONDAY, 17)


def test_no_schedule_or_an_unreadable_one_is_not_known_never_closed():
    assert is_open([], at(MONDAY, 10)) is None
    unreadable = group({"freq": "YEARLY", "byyearday": "1", "opens_at": "09:00", "closes_at": "17:00"})
    assert unreadable[0].rules[0].kind is Kind.UNREADABLE
    assert is_open(unreadable, at(MONDAY, 10)) is None
    no_hours = group({"freq": "WEEKLY", "byday": "MO", "description": "By appointment"})
    assert is_open(no_hours, at(MONDAY, 10)) is None
    # What is known still counts: open by one rule, whatever another one cannot tell.
    mixed = group(WEEKDAYS_9_TO_17, {"freq": "WEEKLY", "byday": "SA"})
    assert is_open(mixed, at(MONDAY, 10)) is True
    assert is_open(mixed, at(MONDAY, 20)) is None
    # A closure alone says nothing of the other days.
    assert is_open(group({"valid_from": "2026-12-25", "valid_to": "2026-12-26"}), at(MONDAY, 10)) is None


def test_past_midnight_and_around_the_clock():
    night = group({"freq": "WEEKLY", "byday": "FR", "opens_at": "22:00", "closes_at": "06:00"})
    friday = MONDAY + dt.timedelta(days=4)
    assert is_open(night, at(friday, 23)) is True
    assert is_open(night, at(friday + dt.timedelta(days=1), 5, 59)) is True  # Saturday morning
    assert is_open(night, at(friday + dt.timedelta(days=1), 6)) is False
    assert is_open(night, at(friday, 5)) is False  # Thursday night is not Friday's
    always = group(
        {"freq": "WEEKLY", "byday": "MO,TU,WE,TH,FR,SA,SU", "opens_at": "00:00", "closes_at": "00:00"}
    )
    assert is_open(always, at(MONDAY, 3)) is True
    assert status(always, at(MONDAY, 3)).closes is None  # open around the clock: no closing time


def test_a_utc_offset_is_the_schedules_clock_and_a_missing_one_is_the_sites_with_summer_time():
    fixed = group({**WEEKDAYS_9_TO_17, "timezone": 0})  # 09:00-17:00 UTC
    # Winter: Bucharest is UTC+2; summer: UTC+3.
    assert is_open(fixed, at(MONDAY, 10)) is False and is_open(fixed, at(MONDAY, 11)) is True
    summer_monday = dt.date(2026, 4, 6)
    assert is_open(fixed, at(summer_monday, 11)) is False and is_open(fixed, at(summer_monday, 12)) is True
    local = group(WEEKDAYS_9_TO_17)
    assert is_open(local, at(summer_monday, 9)) is True  # 09:00 on the town's clock, summer or winter
    assert is_open(local, at(summer_monday, 9).astimezone(dt.UTC)) is True
    night = group({"byday": "SA", "opens_at": "20:00", "closes_at": "05:00"})  # across the change of clocks
    change = dt.date(2026, 3, 28)  # Saturday; the clocks go forward that night
    assert is_open(night, dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC)) is True  # 04:30 local
    assert is_open(night, dt.datetime(2026, 3, 29, 2, 0, tzinfo=dt.UTC)) is False  # 05:00 local
    assert next_opening(night, at(change, 6)) == at(change, 20)


def test_monthly_ordinals_month_days_and_intervals():
    second_monday = group({"freq": "MONTHLY", "byday": "2MO", "opens_at": "10:00", "closes_at": "12:00"})
    assert is_open(second_monday, at(dt.date(2026, 3, 9), 11)) is True
    assert is_open(second_monday, at(MONDAY, 11)) is False
    last_friday = group({"freq": "MONTHLY", "byday": "-1FR", "opens_at": "10:00", "closes_at": "12:00"})
    assert is_open(last_friday, at(dt.date(2026, 3, 27), 11)) is True
    assert is_open(last_friday, at(dt.date(2026, 3, 20), 11)) is False
    last_day = group({"freq": "MONTHLY", "bymonthday": "-1", "opens_at": "10:00", "closes_at": "12:00"})
    assert is_open(last_day, at(dt.date(2026, 2, 28), 11)) is True
    assert is_open(last_day, at(dt.date(2026, 3, 30), 11)) is False
    fortnightly = group(
        {"freq": "WEEKLY", "interval": 2, "dtstart": "2026-03-02", "byday": "MO", "opens_at": "9:00",
         "closes_at": "10:00"}
    )  # fmt: skip
    assert is_open(fortnightly, at(MONDAY, 9, 30)) is True
    assert is_open(fortnightly, at(MONDAY + dt.timedelta(days=7), 9, 30)) is False
    assert is_open(fortnightly, at(MONDAY + dt.timedelta(days=14), 9, 30)) is True
    counted = group({**WEEKDAYS_9_TO_17, "dtstart": "2026-03-02", "count": 3})  # Monday to Wednesday
    assert is_open(counted, at(MONDAY + dt.timedelta(days=2), 10)) is True
    assert is_open(counted, at(MONDAY + dt.timedelta(days=3), 10)) is False


def test_exceptions_replace_the_records_own_schedules_on_their_dates():
    christmas = {"valid_from": "2026-12-24", "valid_to": "2026-12-26", "description": "Christmas"}
    short_day = {"dtstart": "2026-12-31", "opens_at": "09:00", "closes_at": "12:00"}
    hours = group(WEEKDAYS_9_TO_17, christmas, short_day)
    assert is_open(hours, at(dt.date(2026, 12, 23), 10)) is True
    assert is_open(hours, at(dt.date(2026, 12, 24), 10)) is False  # a Thursday, closed
    assert next_opening(hours, at(dt.date(2026, 12, 24), 10)) == at(dt.date(2026, 12, 28), 9)
    assert is_open(hours, at(dt.date(2026, 12, 31), 11)) is True
    assert is_open(hours, at(dt.date(2026, 12, 31), 13)) is False
    # Another record's closure does not close this one.
    other = Group((rule_from(christmas),))
    assert is_open([*group(WEEKDAYS_9_TO_17), other], at(dt.date(2026, 12, 24), 10)) is True


def test_whose_schedules_a_service_and_an_organisation_have():
    links = {"service_id": None, "location_id": None, "service_at_location_id": None}
    rows = [
        {**WEEKDAYS_9_TO_17, **links, "service_id": "s"},
        {"byday": "SA", "opens_at": "10:00", "closes_at": "12:00", **links, "location_id": "office"},
        {"byday": "SU", "opens_at": "10:00", "closes_at": "12:00", **links, "location_id": "shelter"},
    ]
    rules = rules_by_owner(rows)
    # Each place: its own, else the service's, else the location's; a confidential place's never.
    groups = service_groups(
        rules, service_id="s", places=[("sal1", "office", False), ("sal2", "shelter", True)]
    )
    assert len(groups) == 1 and is_open(groups, at(MONDAY, 10)) is True
    without_own = service_groups(rules, service_id="t", places=[("sal3", "office", False)])
    assert is_open(without_own, at(MONDAY + dt.timedelta(days=5), 11)) is True
    assert service_groups(rules, service_id="t", places=[("sal4", "shelter", True)]) == []
    organization = organization_groups(rules, locations=[("office", False), ("shelter", True)])
    assert len(organization) == 1
    assert is_open(organization, at(MONDAY + dt.timedelta(days=6), 11)) is False


@pytest.mark.parametrize(
    ("schedule", "english", "romanian"),
    [
        (WEEKDAYS_9_TO_17, "Monday to Friday, 9 a.m.–5 p.m.", "Luni – vineri, 09:00–17:00"),
        ({"byday": "MO,WE,FR", "opens_at": "10:00", "closes_at": "14:30"},
         "Monday, Wednesday and Friday, 10 a.m.–2:30 p.m.", "Luni, miercuri și vineri, 10:00–14:30"),
        ({"byday": "SA,SU", "opens_at": "00:00", "closes_at": "00:00"},
         "Saturday and Sunday, open 24 hours", "Sâmbătă și duminică, deschis non-stop"),
        ({"freq": "MONTHLY", "byday": "-1FR", "opens_at": "10:00", "closes_at": "12:00"},
         "The last Friday of the month, 10 a.m.–noon", "Ultima vineri din lună, 10:00–12:00"),
        ({"valid_from": "2026-12-24", "valid_to": "2026-12-26"},
         "Closed from Dec. 24, 2026 to Dec. 26, 2026",
         "Închis de la 24 decembrie 2026 până la 26 decembrie 2026"),
        ({"dtstart": "2026-12-31", "opens_at": "09:00", "closes_at": "12:00"},
         "On Dec. 31, 2026: 9 a.m.–noon", "Pe 31 decembrie 2026: 09:00–12:00"),
        ({**WEEKDAYS_9_TO_17, "timezone": 1},
         "Monday to Friday, 9 a.m.–5 p.m. (UTC+01:00)", "Luni – vineri, 09:00–17:00 (UTC+01:00)"),
        ({"byday": "TU", "interval": 2, "dtstart": "2026-02-24", "opens_at": "09:00", "closes_at": "11:00"},
         "Tuesday, every 2 weeks, 9 a.m.–11 a.m.", "Marți, la fiecare 2 săptămâni, 09:00–11:00"),
        ({"byday": "TH"}, "Thursday (hours not given)", "Joi (program nespecificat)"),
    ],
)  # fmt: skip
def test_schedules_in_words_in_the_visitors_language(schedule, english, romanian):
    today = MONDAY
    with translation.override("en"):
        assert rule_words(rule_from(schedule), today) == english
    with translation.override("ro"):
        assert rule_words(rule_from(schedule), today) == romanian


def test_hours_lines_leave_out_what_has_ended_and_keep_descriptions():
    rows = [
        {**WEEKDAYS_9_TO_17, "description": "Office hours"},
        {"valid_from": "2025-12-24", "valid_to": "2025-12-26"},  # last year's closure
        {"freq": "YEARLY", "byyearday": "100", "description": "On the hundredth day"},
    ]
    with translation.override("en"):
        lines = hours_lines(rows, MONDAY)
    assert [(line.words, line.description) for line in lines] == [
        ("Monday to Friday, 9 a.m.–5 p.m.", "Office hours"),
        ("", "On the hundredth day"),
    ]


def test_status_in_words_in_the_visitors_time_zone():
    hours = group(WEEKDAYS_9_TO_17)
    saturday = at(MONDAY + dt.timedelta(days=5), 12)
    with translation.override("en"):
        assert status_words(status(hours, at(MONDAY, 10)), at=at(MONDAY, 10)) == "Open now · until 5 p.m."
        assert status_words(status(hours, saturday), at=saturday) == "Closed · opens Monday 9 a.m."
        assert status_words(status(hours, at(MONDAY, 7)), at=at(MONDAY, 7)) == "Closed · opens 9 a.m."
    with translation.override("ro"):
        assert status_words(status(hours, saturday), at=saturday) == "Închis · se deschide luni 09:00"
