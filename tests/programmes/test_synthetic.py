"""`refugiu generate_programme`: labelled, deterministic synthetic years for the annual report benchmark."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.test.utils import CaptureQueriesContext

from refugiu.programmes.models import (
    Attendance,
    Event,
    EventDay,
    Participant,
    Project,
    ProjectPartner,
    Publication,
)
from refugiu.programmes.vocabularies import ParticipantStatus
from refugiu.reports.annual import annual_report, render_html

pytestmark = pytest.mark.django_db


def generate(year=2030, events=20, participants=300, seed=0) -> str:
    output = io.StringIO()
    call_command(
        "generate_programme", year=year, events=events, participants=participants, seed=seed, stdout=output
    )
    return output.getvalue()


def snapshot(year: int) -> list:
    """What was generated for the year, without ids."""
    events = Event.objects.filter(days__date__year=year).distinct().order_by("title")
    return [
        (
            event.title,
            event.type,
            event.project.title if event.project_id else "",
            event.our_role,
            event.city,
            str(event.country),
            event.headcount,
            event.places_taken,
            [str(day.date) for day in event.days.order_by("date")],
            sorted(event.professions.values_list("profession", flat=True)),
            list(
                event.participants.order_by("pk").values_list(
                    "name", "email", "profession", "country", "gender", "status"
                )
            ),
            sorted(
                Attendance.objects.filter(day__event=event).values_list("participant__email", "day__date")
            ),
        )
        for event in events.select_related("project")
    ]


def test_creates_what_it_says_labelled(settings):
    output = generate()
    assert "20 events" in output and "300 participants" in output
    events = Event.objects.all()
    assert events.count() == 20
    assert all(event.title.startswith("Synthetic ") for event in events)
    assert all(event.is_published and event.capacity is None for event in events)
    projects = Project.objects.all()
    assert projects.count() == 10 and all(p.title.startswith("Synthetic project 2030-") for p in projects)
    # The directory is empty here: partners known by their country only.
    partners = ProjectPartner.objects.all()
    assert partners.count() >= 30 and all(p.organization_id is None and p.country for p in partners)
    assert all(p.title.startswith("Synthetic ") for p in Publication.objects.all())
    assert Publication.objects.filter(project=None, date__year=2030).count() == 2
    # Every day in the year, 1 to 3 per event, spread over the year.
    per_event = events.annotate(n=Count("days"))
    assert {event.n for event in per_event} <= {1, 2, 3}
    dates = list(EventDay.objects.values_list("date", flat=True))
    assert all(day.year == 2030 for day in dates)
    assert min(dates) == datetime.date(2030, 1, 1) and max(dates) >= datetime.date(2030, 12, 1)
    assert events.values("type").distinct().count() == 12
    # Half with a headcount only, half with individual participants: never both.
    with_headcount = events.filter(headcount__isnull=False)
    assert with_headcount.count() == 10
    assert not Participant.objects.filter(event__in=with_headcount).exists()
    participants = Participant.objects.all()
    assert participants.count() == 300
    assert set(participants.values_list("status", flat=True)) == {ParticipantStatus.CONFIRMED}
    for participant in participants:
        number = participant.name.removeprefix("Synthetic participant ")
        assert number.isdigit() and participant.email == f"participant{number}@example.invalid"
        assert participant.profession
    assert participants.values("profession").distinct().count() > 3
    assert participants.values("country").distinct().count() > 3
    # Check-ins are on the participant's own event's days.
    assert Attendance.objects.count() > 250
    assert not Attendance.objects.exclude(day__event=F("participant__event")).exists()


def test_places_taken_counts_the_confirmed_participants():
    generate()
    events = Event.objects.annotate(
        confirmed=Count("participants", filter=Q(participants__status=ParticipantStatus.CONFIRMED))
    )
    assert all(event.places_taken == event.confirmed for event in events)
    assert sum(event.places_taken for event in events) == 300


def test_deterministic_for_a_seed():
    with transaction.atomic():
        generate(seed=3)
        first = snapshot(2030)
        transaction.set_rollback(True)
    assert not Event.objects.exists()
    generate(seed=3)
    assert snapshot(2030) == first
    with transaction.atomic():
        generate(year=2031, seed=4)
        other = snapshot(2031)
        transaction.set_rollback(True)
    assert [row[4:8] for row in other] != [row[4:8] for row in first]


def test_a_year_is_generated_once():
    generate(events=2, participants=10)
    with pytest.raises(CommandError, match="exists already"):
        generate(events=2, participants=10)
    assert Event.objects.count() == 2


def _report_queries(year: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        render_html(annual_report(year), for_pdf=True)
    return len(queries)


def test_the_annual_report_queries_do_not_grow_with_the_events():
    generate(year=2030, events=5, participants=75)
    generate(year=2031, events=20, participants=300)
    annual_report(2029)  # settle anything read once per process
    few, many = _report_queries(2030), _report_queries(2031)
    assert few == many
    report = annual_report(2031)
    assert report.summary.events == 20
    # Headcounts, plus the participants checked in at least once.
    came = Participant.objects.filter(event__days__date__year=2031, attendances__isnull=False).distinct()
    in_year = EventDay.objects.filter(date__year=2031).values("event")
    headcounts = Event.objects.filter(pk__in=in_year, headcount__isnull=False).values_list(
        "headcount", flat=True
    )
    assert report.summary.participants == sum(headcounts) + came.count()
    assert report.summary.events_counted == 20
