"""The "open now" filter's SQL (directory.open_now) says open exactly when the schedules' reference
(directory.schedules.is_open) says so: for random schedules of every kind this module reads (weekly,
monthly by ordinal and by day, every n-th week or month, past midnight, fixed UTC offsets and the site's
zone with its summer time, validity, count, closures and special days) at random moments, on the engine
the tests run on."""

import datetime as dt
import uuid

import pytest
from django.db import connection
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from refugiu.directory import open_now
from refugiu.directory.models import Opening, SearchEntry
from refugiu.directory.schedules import DAY_CODES, Group, Kind, is_open, rule_from

pytestmark = pytest.mark.django_db

OFFSETS = (-12, -9.5, -5, 0, 1, 2, 3, 5.5, 5.75, 9, 12.75, 14)


def _time(minutes: int) -> str:
    return f"{minutes // 60:02}:{minutes % 60:02}"


dates = st.dates(min_value=dt.date(2025, 12, 1), max_value=dt.date(2027, 2, 1))
times = st.integers(min_value=0, max_value=24 * 60 - 1).map(_time)
quarter_hours = st.integers(min_value=0, max_value=95).map(lambda q: _time(q * 15))
hours = st.tuples(st.one_of(times, quarter_hours), st.one_of(times, quarter_hours))
zones = st.one_of(st.none(), st.none(), st.sampled_from(OFFSETS))


@st.composite
def recurring(draw) -> dict:
    opens, closes = draw(hours)
    schedule = {"opens_at": opens, "closes_at": closes, "timezone": draw(zones)}
    freq = draw(st.sampled_from(["WEEKLY", "MONTHLY", "", "DAILY"]))
    if freq == "DAILY":
        schedule["freq"] = "DAILY"
    elif freq in ("WEEKLY", ""):
        schedule["freq"] = freq
        days = draw(st.lists(st.sampled_from(DAY_CODES), min_size=1, max_size=7, unique=True))
        schedule["byday"] = ",".join(days)
        schedule["wkst"] = draw(st.sampled_from(["", *DAY_CODES]))
    else:
        schedule["freq"] = "MONTHLY"
        ordinals = st.sampled_from([None, 1, 2, 3, 4, 5, -1, -2, -5])
        days = draw(st.lists(st.tuples(ordinals, st.sampled_from(DAY_CODES)), max_size=3))
        schedule["byday"] = ",".join(f"{n or ''}{day}" for n, day in days)
        monthdays = st.integers(min_value=1, max_value=31) | st.integers(min_value=-31, max_value=-1)
        chosen = draw(st.lists(monthdays, max_size=3, unique=True))
        if not days and not chosen:
            chosen = [draw(monthdays)]
        schedule["bymonthday"] = ",".join(map(str, chosen))
    if draw(st.booleans()):
        schedule["interval"] = draw(st.integers(min_value=1, max_value=3))
        schedule["dtstart"] = draw(dates).isoformat()
    for name in ("valid_from", "valid_to", "until"):
        if draw(st.integers(min_value=0, max_value=3)) == 0:
            schedule[name] = draw(dates).isoformat()
    if draw(st.integers(min_value=0, max_value=5)) == 0:
        schedule["count"] = draw(st.integers(min_value=1, max_value=40))
        schedule.setdefault("dtstart", draw(dates).isoformat())
    return schedule


@st.composite
def exceptional(draw) -> dict:
    first = draw(dates)
    schedule = {
        "valid_from": first.isoformat(),
        "valid_to": (first + dt.timedelta(days=draw(st.integers(0, 9)))).isoformat(),
    }
    if draw(st.booleans()):
        opens, closes = draw(hours)
        schedule |= {"opens_at": opens, "closes_at": closes, "timezone": draw(zones)}
    return schedule


groups = st.lists(
    st.lists(st.one_of(recurring(), recurring(), exceptional()), min_size=1, max_size=4),
    min_size=1,
    max_size=2,
)
moments = st.one_of(
    st.datetimes(min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2027, 1, 31)),
    # Around the changes of the clocks in Bucharest (01:00 UTC on the last Sundays of March and October).
    st.datetimes(min_value=dt.datetime(2026, 3, 28, 18), max_value=dt.datetime(2026, 3, 29, 6)),
    st.datetimes(min_value=dt.datetime(2026, 10, 24, 18), max_value=dt.datetime(2026, 10, 25, 6)),
).map(lambda moment: moment.replace(second=0, microsecond=0, tzinfo=dt.UTC))


def _near_openings(data, hours: list[Group]) -> list[dt.datetime]:
    """Moments inside and at the edges of the schedules' openings, on days their rules fall on, in their
    own clocks: random moments alone are mostly far from any opening."""
    found = []
    with_hours = [(group, rule) for group in hours for rule in group.rules if rule.has_hours]
    for _ in range(data.draw(st.integers(min_value=0, max_value=6)) if with_hours else 0):
        group, rule = data.draw(st.sampled_from(with_hours))
        day = data.draw(dates)
        for _day in range(62):  # the next day it falls on, if there is one soon
            if group.falls_on(rule, day):
                break
            day += dt.timedelta(days=1)
        minute = rule.opens + data.draw(st.integers(min_value=-2, max_value=rule.closes - rule.opens + 1))
        local = dt.datetime.combine(day, dt.time(), tzinfo=rule.zone()) + dt.timedelta(minutes=minute)
        found.append(local.astimezone(dt.UTC))
    return found


@hypothesis_settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(schedules=groups, instants=st.lists(moments, min_size=1, max_size=4), data=st.data())
def test_the_sql_says_open_exactly_when_the_schedules_do(schedules, instants, data):
    """Both from all the rows (open_records) and for a search entry, by its hours at a glance where they
    say and its rows elsewhere (open_entries_sql), the glance worked out around a day near the moments."""
    hours = [Group(tuple(rule_from(schedule) for schedule in group)) for group in schedules]
    record = uuid.uuid4()
    rows = open_now.record_rows(hours)
    Opening.objects.all().delete()
    SearchEntry.objects.all().delete()
    moments = [*instants, *_near_openings(data, hours)]
    today = data.draw(st.one_of(dates, st.sampled_from([moment.date() for moment in moments])))
    glance = dict(zip(open_now.HOURS_FIELDS, open_now.entry_hours(rows, today), strict=True))
    entry = SearchEntry.objects.create(
        kind="service", object_id=record, organization_id=record, sort_name="", name_text="", body_text="",
        **glance,
    )  # fmt: skip
    Opening.objects.bulk_create(
        Opening(
            organization_id=record,
            record_id=record,
            entry=entry,
            **dict(zip(open_now.ROW_COLUMNS, row, strict=True)),
        )
        for row in rows
    )
    for instant in moments:
        expected = is_open(hours, instant) is True
        found = Opening.objects.filter(record_id__in=open_now.open_records(instant)).exists()
        assert found == expected, (instant.isoformat(), schedules)
        assert _entry_open(instant) == expected, (instant.isoformat(), today, schedules)


def _entry_open(instant: dt.datetime) -> bool:
    condition, params = open_now.open_entries_sql("e", instant)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {SearchEntry._meta.db_table} e WHERE {condition}", params)  # noqa: S608
        return cursor.fetchone()[0] == 1


@pytest.mark.parametrize(
    ("moment", "expected"),
    [("2026-03-04T10:30+02:00", True), ("2026-03-04T13:00+02:00", False), ("2026-03-08T10:30+02:00", False)],
)
def test_plain_weekly_hours_are_decided_at_a_glance_without_the_rows(moment, expected):
    """Office hours on weekdays, a lunch hour: every whole hour is decided by the entry's own columns,
    which still answer when its rows are gone (the search then seeks no row)."""
    hours = [
        Group(
            (
                rule_from({"byday": "MO,TU,WE,TH,FR", "opens_at": "09:00", "closes_at": "12:00"}),
                rule_from({"byday": "MO,TU,WE,TH,FR", "opens_at": "14:00", "closes_at": "17:30"}),
            )
        )
    ]
    rows = open_now.record_rows(hours)
    glance = open_now.entry_hours(rows, dt.date(2026, 3, 1))
    record = uuid.uuid4()
    SearchEntry.objects.create(
        kind="service", object_id=record, organization_id=record, sort_name="", name_text="", body_text="",
        **dict(zip(open_now.HOURS_FIELDS, glance, strict=True)),
    )  # fmt: skip
    instant = dt.datetime.fromisoformat(moment)
    assert is_open(hours, instant) is expected
    assert _entry_open(instant) is expected


def test_the_generated_schedules_are_of_every_kind():
    """The strategies above do reach every kind of rule (else the test above would prove little)."""
    kinds = {
        rule_from(schedule).kind
        for schedule in (
            {"byday": "MO", "opens_at": "09:00", "closes_at": "10:00"},
            {"freq": "MONTHLY", "byday": "-1FR", "opens_at": "09:00", "closes_at": "10:00"},
            {"valid_from": "2026-01-01", "valid_to": "2026-01-02"},
        )
    }
    assert kinds == {Kind.WEEKLY, Kind.MONTHLY, Kind.DATES}


@pytest.mark.parametrize(
    ("schedule", "moment", "expected"),
    [
        # Twelve hours behind UTC, open from 13:00 to 12:30 the next day: at 12:00 on Tuesday there, it is
        # already Wednesday in UTC, two days after the Monday the opening belongs to.
        (
            {"byday": "MO", "opens_at": "13:00", "closes_at": "12:30", "timezone": -12},
            "2026-03-04T00:00Z",
            True,
        ),
        (
            {"byday": "MO", "opens_at": "13:00", "closes_at": "12:30", "timezone": -12},
            "2026-03-04T00:30Z",
            False,
        ),
        # Fourteen hours ahead: 00:30 on Monday there is still Sunday in UTC.
        (
            {"byday": "MO", "opens_at": "00:00", "closes_at": "01:00", "timezone": 14},
            "2026-03-01T10:30Z",
            True,
        ),
        # The site's clock on the night the clocks go forward: 02:00-05:00 local is 00:00-02:00 UTC.
        ({"byday": "SU", "opens_at": "02:00", "closes_at": "05:00"}, "2026-03-29T01:30Z", True),
        ({"byday": "SU", "opens_at": "02:00", "closes_at": "05:00"}, "2026-03-29T02:00Z", False),
    ],
)
def test_the_far_corners_of_the_clocks(schedule, moment, expected):
    hours = [Group((rule_from(schedule),))]
    instant = dt.datetime.fromisoformat(moment)
    assert is_open(hours, instant) is expected
    record = uuid.uuid4()
    Opening.objects.bulk_create(
        Opening(organization_id=record, record_id=record, **dict(zip(open_now.ROW_COLUMNS, row, strict=True)))
        for row in open_now.record_rows(hours)
    )
    assert Opening.objects.filter(record_id__in=open_now.open_records(instant)).exists() is expected


@pytest.mark.parametrize(
    "moment", ["2026-03-04T11:00+02:00", "2026-03-08T03:00+02:00", "2026-12-25T10:00+02:00"]
)
def test_everything_open_now_is_counted_as_the_open_entries_are(moment):
    """Without a term, the facets' counts and the API's unsearched services read the open entries once
    (open_now.open_entries_read_once_sql, open_services), where a search tests each match's own rows: both
    give what the hits say, with or without another filter."""
    from collections import Counter

    from django.core.management import call_command

    from refugiu.directory.models import SearchFacet, Service
    from refugiu.directory.search import directory_search

    call_command("generate_directory", services=120, seed=4, scheduled=1.0)
    instant = dt.datetime.fromisoformat(moment)
    everything = {"limit": 10**6, "count_cap": None, "with_facets": True}
    busiest_country = directory_search(**everything).facet_counts["country"][0][0]
    for filters in ({}, {"country": busiest_country}):
        found = directory_search(filters=filters, open_at=instant, **everything)
        assert 0 < found.total == len(found.hits) < directory_search(filters=filters, **everything).total
        entries = [
            SearchEntry.objects.get(kind=kind, object_id=object_id).pk for kind, object_id in found.hits
        ]
        counted = Counter(SearchFacet.objects.filter(entry_id__in=entries).values_list("facet", "value"))
        assert {
            (facet, value): count for facet, values in found.facet_counts.items() for value, count in values
        } == counted
    services = {object_id for kind, object_id in directory_search(open_at=instant, **everything).hits}
    services &= {str(pk) for pk in Service.objects.values_list("pk", flat=True)}
    opened = Service.objects.filter(open_now.open_services(instant)).values_list("pk", flat=True)
    assert {str(pk) for pk in opened} == services


@pytest.mark.parametrize("long_name", [False, True], ids=["names-in-the-index", "a-name-too-long-for-it"])
def test_the_apis_unsearched_open_services_are_counted_and_paged_alike(client, monkeypatch, long_name):
    """The API's list of services open now without a term (counted by the tally of open entries, read by
    the services' index by name; or, with a name too long for that index, every open one read first):
    every page holds the next of the open services by name, each says how many there are, and a page past
    the end says it too, empty."""
    from django.core.management import call_command

    from refugiu.directory import schedules
    from refugiu.directory.models import Service

    call_command("generate_directory", services=60, seed=4, scheduled=1.0)
    instant = dt.datetime.fromisoformat("2026-03-04T11:00+02:00")
    monkeypatch.setattr(schedules, "now", lambda: instant)
    if long_name:
        first_open = Service.objects.filter(open_now.open_services(instant)).order_by("name", "id").first()
        Service.objects.filter(pk=first_open.pk).update(name="Ä" + "long name " * 100)
    expected = [
        str(pk)
        for pk in Service.objects.filter(open_now.open_services(instant))
        .order_by("name", "id")
        .values_list("pk", flat=True)
    ]
    assert 0 < len(expected) < Service.objects.count()
    found = []
    for page in (1, 2, 3, 4, 5):
        answer = client.get("/api/hsds/services", {"open_now": "true", "per_page": 15, "page": page}).json()
        assert answer["total_items"] == len(expected)
        found += [record["id"] for record in answer["contents"]]
    assert found == expected and answer["empty"]
