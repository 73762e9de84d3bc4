"""Participants' statistics: who counts, scopes, totals, suppression, the staff page, the funders' export."""

import csv
import datetime
import io

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from refugiu.accounts.roles import Role
from refugiu.programmes import services
from refugiu.programmes.models import EventDay
from refugiu.programmes.statistics import (
    NOT_RECORDED,
    Basis,
    Row,
    Scope,
    Statistics,
    crosstab,
    event_figures,
    event_participant_counts,
    export_sheets,
    participants_rows_by_event,
    participants_table,
    scope_events,
    statistics_compute,
    suppress,
    totals_compute,
)
from refugiu.programmes.vocabularies import ParticipantStatus, Profession
from tests.accounts.mfa import force_login_with_mfa
from tests.factories import UserFactory
from tests.programmes.factories import EventFactory, ParticipantFactory, staff_actor

D = datetime.date
INDEX = "programmes_statistics:index"
EXPORT = "programmes_statistics:export"
# The seed report's 2019 headcounts (every seed event is in 2019; four have none).
SEED_2019_HEADCOUNTS = [54, 51, 24, 33, 18, 41, 24, 14, 24]


def attended(event, count, day_index=0, **fields):
    """`count` fake participants of `event`, checked in on one of its days."""
    day = list(event.days.order_by("date"))[day_index]
    people = ParticipantFactory.create_batch(count, event=event, **fields)
    for person in people:
        services.attendance_check_in(actor=staff_actor(), participant=person, day=day)
    return people


@pytest.fixture
def staff(client, db):
    client.force_login(UserFactory(roles=[Role.PROGRAMME_STAFF]))
    return client


# --- who counts -----------------------------------------------------------------------------------------


def test_headcount_only_events_count_as_not_recorded(db):
    first = EventFactory(headcount=54)
    second = EventFactory(headcount=12)
    assert event_participant_counts([first, second]) == {first.pk: 54, second.pk: 12}
    assert participants_table([first, second]) == [Row(NOT_RECORDED, NOT_RECORDED, NOT_RECORDED, 66)]
    totals = statistics_compute([first, second]).totals
    assert totals.total == 66
    assert totals.by_profession == totals.by_country == totals.by_gender == {NOT_RECORDED: 66}


def test_unknown_headcount_is_none_not_zero_and_not_in_the_totals(db):
    known = EventFactory(headcount=20)
    unknown = EventFactory(headcount=None)
    assert event_participant_counts([known, unknown]) == {known.pk: 20, unknown.pk: None}
    stats = statistics_compute([known, unknown])
    assert stats.figures[unknown.pk].basis == Basis.UNKNOWN
    assert stats.rows_by_event[unknown.pk] == []
    assert stats.totals.total == 20
    assert (stats.totals.events, stats.totals.events_counted, stats.totals.events_unknown) == (2, 1, 1)


def test_registrations_without_attendance_are_registered_not_participants(db):
    event = EventFactory()
    ParticipantFactory.create_batch(7, event=event)
    figure = event_figures([event])[event.pk]
    assert (figure.participants, figure.basis, figure.registered) == (None, Basis.REGISTERED, 7)
    stats = statistics_compute([event])
    assert stats.rows == [] and stats.totals.total == 0
    assert (stats.totals.events_unknown, stats.totals.events_registered_only) == (1, 1)


def test_once_attendance_is_taken_only_attendees_count(db):
    event = EventFactory(days=2, headcount=40)  # attendance overrides a headcount
    present = attended(event, 3)
    services.attendance_check_in(actor=staff_actor(), participant=present[0], day=list(event.days.all())[1])
    ParticipantFactory.create_batch(4, event=event)  # registered, never came
    ParticipantFactory(event=event, status=ParticipantStatus.WAITING)
    ParticipantFactory(event=event, status=ParticipantStatus.CANCELLED)
    figure = event_figures([event])[event.pk]
    assert (figure.participants, figure.basis, figure.registered) == (3, Basis.ATTENDANCE, 7)
    assert participants_table([event]) == [Row(Profession.JUDGE, "RO", NOT_RECORDED, 3)]


def test_gender_not_given_is_not_recorded_and_prefer_not_to_say_is_kept(db):
    event = EventFactory()
    attended(event, 2, gender="")
    attended(event, 1, gender="prefer_not_to_say")
    attended(event, 5, gender="woman", profession=Profession.LAWYER, country="")
    rows = participants_rows_by_event([event])[event.pk]
    assert sorted(rows, key=lambda row: row.gender) == [
        Row(Profession.JUDGE, "RO", NOT_RECORDED, 2),
        Row(Profession.JUDGE, "RO", "prefer_not_to_say", 1),
        Row(Profession.LAWYER, NOT_RECORDED, "woman", 5),
    ]


def test_attendance_and_headcount_events_add_up(db):
    counted = EventFactory()
    attended(counted, 6, gender="man")
    attended(counted, 2, gender="woman", country="MD")
    headcount = EventFactory(headcount=10)
    stats = statistics_compute([counted, headcount])
    assert stats.totals.total == 18 == sum(row.count for row in stats.rows)
    assert stats.totals.by_gender == {"woman": 2, "man": 6, NOT_RECORDED: 10}
    assert stats.totals.by_country == {"MD": 2, "RO": 6, NOT_RECORDED: 10}  # Moldova before Romania
    table = stats.crosstab("profession", "gender")
    assert table.row_keys == [Profession.JUDGE, NOT_RECORDED]
    assert table.column_keys == ["woman", "man", NOT_RECORDED]
    assert table.cell(Profession.JUDGE, "man") == 6
    assert table.cell(NOT_RECORDED, "woman") == 0
    assert table.row_totals[Profession.JUDGE] == 8
    assert table.column_totals[NOT_RECORDED] == 10
    assert table.total == 18


# --- scopes ---------------------------------------------------------------------------------------------


def test_scopes_event_project_year_and_period(db):
    from refugiu.programmes.models import Project

    project = Project.objects.create(title="A fake project")
    spring = EventFactory(days=2, days__start=D(2019, 4, 5), headcount=54, project=project)
    new_year = EventFactory(days=3, days__start=D(2019, 12, 31), headcount=8)  # first day in 2019
    later = EventFactory(days=1, days__start=D(2020, 3, 1), headcount=9, project=project)
    no_days = EventFactory(days=0, headcount=6, project=project)

    def ids(queryset):
        return [event.pk for event in queryset]

    assert ids(Scope(year=2019).events()) == [spring.pk, new_year.pk]
    assert ids(Scope(year=2020).events()) == [later.pk]
    assert ids(Scope(project=project).events()) == [spring.pk, later.pk, no_days.pk]
    assert ids(Scope(project=project, year=2019).events()) == [spring.pk]
    assert ids(Scope(event=new_year).events()) == [new_year.pk]
    assert ids(Scope(date_from=D(2019, 6, 1), date_to=D(2020, 3, 1)).events()) == [new_year.pk, later.pk]
    assert ids(scope_events()) == [spring.pk, new_year.pk, later.pk, no_days.pk]
    assert statistics_compute(Scope(year=2019).events()).totals.total == 62
    assert statistics_compute(Scope(project=project).events()).totals.total == 69
    assert Scope(year=2019).filename("xlsx") == "participants-2019.xlsx"
    assert Scope(project=project).filename("csv") == f"participants-project-{project.pk}.csv"


# --- suppression --------------------------------------------------------------------------------------


def test_suppress_small_counts():
    assert [suppress(n) for n in range(7)] == [0, "<5", "<5", "<5", "<5", 5, 6]
    assert suppress(9, threshold=10) == "<10"
    assert suppress(10, threshold=10) == 10


@given(count=st.integers(min_value=0, max_value=10_000), threshold=st.integers(min_value=1, max_value=50))
def test_suppress_never_gives_a_small_number(count, threshold):
    shown = suppress(count, threshold=threshold)
    if isinstance(shown, int):
        assert shown == 0 or shown >= threshold
        assert shown == count
    else:
        assert shown == f"<{threshold}" and 0 < count < threshold


def assert_no_small_number(cells, threshold=5):
    """No cell is a number from 1 to threshold - 1 (as a number or as text holding only digits)."""
    for value in cells:
        number = value if isinstance(value, int) else None
        if isinstance(value, str) and value.strip().isdigit():
            number = int(value)
        assert number is None or not 0 < number < threshold, (value, cells)


ROWS = st.lists(
    st.builds(
        Row,
        st.sampled_from(Profession.values + [NOT_RECORDED]),
        st.sampled_from(["RO", "MD", "UA", NOT_RECORDED]),
        st.sampled_from(["woman", "man", "other", "prefer_not_to_say", NOT_RECORDED]),
        st.integers(min_value=1, max_value=40),
    ),
    max_size=20,
)


@hypothesis_settings(deadline=None)
@given(rows=ROWS, threshold=st.integers(min_value=2, max_value=12))
def test_exported_tables_never_hold_a_small_number(rows, threshold):
    with override_settings(REFUGIU={**settings.REFUGIU, "STATISTICS_THRESHOLD": threshold}):
        totals = totals_compute(rows, {})
        stats = Statistics([], {}, {}, rows, totals)
        for sheet in export_sheets(stats, "test"):
            assert_no_small_number([value for row in sheet.rows for value in row], threshold)
        crossed = crosstab(rows, "profession", "gender")
        shown = [suppress(value) for value in [*crossed.cells.values(), *crossed.row_totals.values()]]
        assert_no_small_number(shown, threshold)


# --- the export ---------------------------------------------------------------------------------------


@pytest.fixture
def small_counts(db):
    """A 2019 event with a few attendees in small groups, one with a headcount, one not known."""
    counted = EventFactory(days=2, days__start=D(2019, 5, 6), title="=HYPERLINK(evil)")
    attended(counted, 3, gender="woman")
    attended(counted, 2, gender="man", profession=Profession.LAWYER)
    attended(counted, 7, gender="man")
    attended(counted, 1, gender="", country="MD")
    EventFactory(days=1, days__start=D(2019, 6, 1), headcount=4)
    EventFactory(days=1, days__start=D(2019, 7, 1), headcount=None)
    return counted


def export(client, **params):
    response = client.get(reverse(EXPORT), params)
    assert response.status_code == 200, response.content[:500]
    return response


def csv_cells(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def xlsx_sheets(response) -> dict[str, list[tuple]]:
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets}


def test_csv_export_is_suppressed_everywhere(staff, small_counts):
    response = export(staff, year=2019, format="csv")
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="participants-2019.csv"'
    rows = csv_cells(response)
    assert 'Counts below 5 are shown as "<5".' in rows[1][0]
    assert_no_small_number([cell for row in rows for cell in row])
    flat = [cell for row in rows for cell in row]
    assert "<5" in flat and "7" in flat and "not known" in flat
    assert ["All participants", "", "17"] in rows  # 13 attendees + a headcount of 4
    assert ["judge", "Romania", "man", "7"] in rows
    assert ["judge", "Romania", "woman", "<5"] in rows
    assert ["Country", "not recorded", "<5"] in rows  # totals suppressed too
    assert ["Gender", "not recorded", "5"] in rows  # one attendee who did not say, and the headcount of 4
    assert "'=HYPERLINK(evil)" in flat  # a title is never a formula


def test_xlsx_export_is_suppressed_everywhere(staff, small_counts):
    response = export(staff, year=2019, format="xlsx")
    assert response["Content-Disposition"] == 'attachment; filename="participants-2019.xlsx"'
    sheets = xlsx_sheets(response)
    assert list(sheets) == ["Participants", "Events", "Totals"]
    for rows in sheets.values():
        assert rows[1][0] == 'Counts below 5 are shown as "<5".'
        assert_no_small_number([cell for row in rows for cell in row])
    participants = sheets["Participants"]
    assert ("Profession", "Country", "Gender", "Participants") in participants
    assert ("judge", "Romania", "man", 7) in participants
    assert ("not recorded", "not recorded", "not recorded", "<5") in participants
    events = {row[0]: row for row in sheets["Events"][5:]}
    assert events["=HYPERLINK(evil)"][1:] == (
        "training",
        "6–7 May 2019",
        "Bucharest",
        "Romania",
        13,
        "attendance",
    )
    assert [row[5:] for title, row in events.items() if title != "=HYPERLINK(evil)"] == [
        ("<5", "headcount"),
        ("not known", "not known"),
    ]
    assert ("All participants", None, 17) in sheets["Totals"]


def test_export_labels_follow_the_request_language(staff, small_counts):
    response = staff.get(
        reverse(EXPORT), {"event": small_counts.pk, "format": "csv"}, HTTP_ACCEPT_LANGUAGE="ro"
    )
    assert (
        response["Content-Disposition"] == f'attachment; filename="participants-event-{small_counts.pk}.csv"'
    )
    assert "România" in [cell for row in csv_cells(response) for cell in row]


def test_export_refuses_an_unknown_format_or_scope(staff, small_counts):
    assert staff.get(reverse(EXPORT), {"year": 2019, "format": "pdf"}).status_code == 400
    response = staff.get(reverse(EXPORT), {"event": "999999", "format": "csv"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


# --- the staff page -----------------------------------------------------------------------------------


def test_page_shows_exact_figures_and_the_published_version(staff, small_counts):
    html = staff.get(reverse(INDEX), {"year": 2019}).content.decode()
    assert "<td>3</td>" in html and "<td>7</td>" in html and "<td>13</td>" in html
    assert "<td>17</td>" in html
    assert "not known" in html
    assert f"<td>{escape('<5')}</td>" not in html
    assert f"{reverse(EXPORT)}?year=2019&amp;format=xlsx" in html

    published = staff.get(reverse(INDEX), {"year": 2019, "published": "on"}).content.decode()
    assert f"<td>{escape('<5')}</td>" in published
    assert "<td>3</td>" not in published and "<td>7</td>" in published
    assert "As it will be published" in published


def test_page_lists_registrations_of_events_without_attendance_apart(staff):
    event = EventFactory(days=1, days__start=D(2019, 9, 1))
    ParticipantFactory.create_batch(3, event=event)
    html = staff.get(reverse(INDEX), {"event": event.pk}).content.decode()
    assert "registered, attendance not taken (3 registered)" in html
    assert "<strong>Participants: 0</strong>" in html
    assert "the number of participants is not known for 1 of them" in html
    published = staff.get(reverse(INDEX), {"event": event.pk, "published": "on"}).content.decode()
    assert escape("(<5 registered)") in published


def test_page_keeps_what_was_chosen_and_says_what_is_wrong(staff, small_counts):
    response = staff.get(reverse(INDEX), {"year": 2019, "date_from": "2019-06-01", "date_to": "2019-01-01"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "This date is before the first one." in html
    assert 'value="2019-06-01"' in html
    assert '<option value="2019" selected>' in html


# --- the seed's demo data -----------------------------------------------------------------------------


@pytest.fixture
def demo(db):
    from refugiu.demo.directory import directory_demo_load
    from refugiu.demo.programmes import programmes_demo_load

    directory_demo_load()
    assert programmes_demo_load() is True


def test_demo_2019_total_is_the_sum_of_the_known_headcounts(demo, staff):
    stats = statistics_compute(Scope(year=2019).events())
    assert stats.totals.total == sum(SEED_2019_HEADCOUNTS) == 283
    assert (stats.totals.events, stats.totals.events_unknown) == (13, 4)
    assert sorted(count for count in event_participant_counts(stats.events).values() if count) == sorted(
        SEED_2019_HEADCOUNTS
    )
    seminar = EventDay.objects.get(date=D(2019, 4, 5)).event
    assert event_participant_counts([seminar]) == {seminar.pk: 54}
    html = staff.get(reverse(INDEX), {"event": seminar.pk}).content.decode()
    assert "<td>54</td>" in html
    rows = csv_cells(export(staff, year=2019, format="csv"))
    assert ["All participants", "", "283"] in rows
    assert ["not recorded", "not recorded", "not recorded", "283"] in rows


# --- cost ---------------------------------------------------------------------------------------------


def make_events(count):
    for index in range(count):
        event = EventFactory(days=2, days__start=D(2019, 1, 1) + datetime.timedelta(days=index * 3))
        if index % 3 == 0:
            attended(event, 2, gender="woman")
        elif index % 3 == 1:
            event.headcount = 10 + index
            event.save(update_fields=["headcount"])


def queries(client, url, params):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize(
    ("url", "params"),
    [
        (INDEX, {"year": "2019"}),
        (INDEX, {}),
        (EXPORT, {"year": "2019", "format": "csv"}),
        (EXPORT, {"year": "2019", "format": "xlsx"}),
    ],
)
def test_queries_do_not_grow_with_the_number_of_events(staff, url, params):
    make_events(3)
    few = queries(staff, reverse(url), params)
    make_events(27)
    assert queries(staff, reverse(url), params) == few


def test_computing_takes_a_fixed_number_of_queries(db, django_assert_num_queries):
    make_events(30)
    events = list(Scope(year=2019).events())
    assert len(events) == 30
    with django_assert_num_queries(2):  # figures, then breakdown rows
        statistics_compute(events)
    with django_assert_num_queries(4):  # the events and their days, then the same two
        statistics_compute(Scope(year=2019).events())


# --- who may see it -----------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [INDEX, EXPORT])
def test_programme_staff_may(staff, url):
    assert staff.get(reverse(url), {"format": "csv"}).status_code == 200


@pytest.mark.parametrize("url", [INDEX, EXPORT])
@pytest.mark.parametrize(
    "role",
    [
        Role.CASEWORKER,
        Role.COORDINATOR,
        Role.RESEARCHER,
        Role.ADMINISTRATOR,
        Role.DATA_PROTECTION_OFFICER,
        Role.DIRECTORY_EDITOR,
    ],
)
def test_other_roles_get_not_found(client, db, url, role):
    force_login_with_mfa(client, UserFactory(roles=[role]))
    assert client.get(reverse(url), {"format": "csv"}).status_code == 404


@pytest.mark.parametrize("url", [INDEX, EXPORT])
def test_anonymous_visitors_are_sent_to_sign_in(client, db, url):
    response = client.get(reverse(url), {"year": "2019", "format": "csv"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
