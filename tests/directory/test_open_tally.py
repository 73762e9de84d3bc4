"""The tally of open entries (directory.open_tally) stays what the entries say through partial and full
rebuilds of the search index, and what is counted from it is what the open entries themselves say, also
at moments that the tally leaves to the rows: within an hour that an opening ends in, and on a day beyond
an entry's stretch of dates. tests/directory/test_open_now.py holds the same counts at a busy hour, at
night and on Christmas Day, and the API's services open now (also with a name too long for the services'
index by name)."""

import datetime as dt
from collections import Counter

import pytest
from django.core.management import call_command

from refugiu.directory import open_now, open_tally, schedules
from refugiu.directory.models import (
    OpenTally,
    OpenUndecided,
    Organization,
    Schedule,
    SearchEntry,
    SearchFacet,
    Service,
)
from refugiu.directory.search import directory_search, search_reindex_organizations

pytestmark = pytest.mark.django_db

BUSY = dt.datetime.fromisoformat("2026-03-04T11:00+02:00")  # a Wednesday


def _tally() -> list[tuple]:
    return sorted(
        OpenTally.objects.exclude(entries=0).values_list(
            "zone", "weekday", "hour", "facet", "value", "entries"
        )
    )


def _undecided() -> list[tuple]:
    """By record: a rebuild gives the entries new ids."""
    records = dict(SearchEntry.objects.values_list("id", "object_id"))
    rows = OpenUndecided.objects.values_list("entry_id", "zone", "weekday", "hour")
    return sorted((str(records[entry_id]), *hour) for entry_id, *hour in rows)


def _counted_as_the_open_entries_are(moment: dt.datetime) -> None:
    found = directory_search(open_at=moment, limit=10**6, count_cap=None, with_facets=True)
    entries = [SearchEntry.objects.get(kind=kind, object_id=object_id).pk for kind, object_id in found.hits]
    counted = Counter(SearchFacet.objects.filter(entry_id__in=entries).values_list("facet", "value"))
    assert counted
    assert {
        (facet, value): n for facet, values in found.facet_counts.items() for value, n in values
    } == counted
    services = sum(1 for kind, _ in found.hits if kind == "service")
    assert open_tally.open_entries_count(moment, kind="service") == services


def _as_refilled() -> tuple[list[tuple], list[tuple]]:
    """The tally and undecided hours as the migration works them out from the entries alone."""
    open_tally.undecided_refill()
    open_tally.tally_refill()
    return _tally(), _undecided()


def test_a_partial_rebuild_changes_the_tally_as_working_it_out_again_would():
    call_command("generate_directory", services=80, seed=4, scheduled=1.0)
    written = _tally(), _undecided()
    assert written[0]
    assert _as_refilled() == written
    # One organisation leaves the directory, another's services open an hour later and close at 16:30.
    scheduled = Organization.objects.filter(services__schedules__isnull=False).distinct().order_by("pk")
    leaving, later = scheduled[0], scheduled[1]
    Organization.objects.filter(pk=leaving.pk).update(is_published=False)
    Schedule.objects.filter(service__organization=later, opens_at__isnull=False).update(
        opens_at=dt.time(10), closes_at=dt.time(16, 30)
    )
    search_reindex_organizations([leaving.pk, later.pk])
    changed = _tally(), _undecided()
    assert changed[0] != written[0]
    assert changed[1]  # 16:00-17:00 is left to the rows
    for moment in (BUSY, BUSY.replace(hour=16, minute=15), BUSY.replace(hour=16, minute=45)):
        _counted_as_the_open_entries_are(moment)
    assert _as_refilled() == changed
    # Kinds are tallied too: the services open at a busy hour, as their entries say.
    assert open_tally.open_entries_count(BUSY, kind="service") == (
        Service.objects.filter(open_now.open_services(BUSY)).count()
    )
    search_reindex_organizations()
    assert (_tally(), _undecided()) == changed


def test_an_entry_past_its_stretch_of_dates_is_counted_by_its_rows():
    """Long after the rebuild, an entry whose hours change on a day (a closure) is no longer decided by its
    glance: the tally still counts it as open at the hour, and the correction takes it out."""
    call_command("generate_directory", services=60, seed=4, scheduled=1.0)
    ending = SearchEntry.objects.filter(hours_zone__gte=0).exclude(hours_until=open_now.LAST_DAY)
    assert ending.exists()
    day = dt.date.fromordinal(ending.order_by("hours_until").first().hours_until + 1)  # its first day past it
    moment = dt.datetime.combine(day, dt.time(11), tzinfo=schedules.site_zone())
    _counted_as_the_open_entries_are(moment)
