"""The synthetic directory: labelled, deterministic, varied, with the search-term frequencies it promises."""

import json

import pytest
from django.core.management import call_command
from unidecode import unidecode

from refugiu.demo.synthetic.directory import MARKER, ONE_PERCENT, RARE, TEN_PERCENT, synthetic_organizations
from refugiu.directory import models as d
from refugiu.directory.hsds.importer import hsds_import_path
from refugiu.directory.search import directory_search

pytestmark = pytest.mark.django_db


def service_hits(term: str) -> int:
    return directory_search(query=term, kind="service", count_cap=None).total


def test_a_small_directory_is_labelled_and_keeps_its_promised_frequencies(capsys):
    call_command("generate_directory", services=200, seed=3)
    assert "services: 200 created" in capsys.readouterr().out
    assert d.Service.objects.count() == 200
    organizations = d.Organization.objects.all()
    assert all(o.name.startswith(MARKER) and o.description.startswith(MARKER) for o in organizations)
    assert all("synthetic" in o.hsds_extra for o in organizations)
    assert all(
        s.description.startswith(MARKER) and "synthetic" in s.hsds_extra for s in d.Service.objects.all()
    )
    # Exactly 10 %, 1 % and 0.1 % (rounded up) of services, and nothing else, hold these words.
    assert (service_hits(TEN_PERCENT), service_hits(ONE_PERCENT), service_hits(RARE)) == (20, 2, 1)
    assert service_hits("synthetic") == 200
    assert directory_search(query=TEN_PERCENT, kind="organization").total == 0
    # Our vocabularies tag every service, and the search facets see them.
    facets = directory_search(kind="service", with_facets=True).facet_counts
    assert sum(count for _, count in facets["service_type"]) == 200
    assert {"target_group", "country", "city", "language"} <= facets.keys()


def test_the_directory_spans_countries_and_scripts():
    organizations = list(synthetic_organizations(services=3000, seed=1))
    assert sum(len(o["services"]) for o in organizations) == 3000
    assert len({o["country"] for o in organizations}) >= 12
    names = " ".join(o["name"] for o in organizations)
    assert any("\u0400" <= c <= "\u04ff" for c in names)  # Cyrillic
    assert any("\u0370" <= c <= "\u03ff" for c in names)  # Greek
    assert any(c in names for c in "ășțłőřé")  # Latin with diacritics
    assert any(location.get("is_confidential") for o in organizations for location in o["locations"])
    assert all(
        unidecode(o["translations"]["en"]["name"]).startswith(MARKER)
        for o in organizations
        if "translations" in o
    )


def test_the_same_seed_gives_the_same_directory_and_running_again_duplicates_nothing():
    assert list(synthetic_organizations(services=50, seed=9)) == list(
        synthetic_organizations(services=50, seed=9)
    )
    assert list(synthetic_organizations(services=50, seed=9)) != list(
        synthetic_organizations(services=50, seed=10)
    )
    call_command("generate_directory", services=30, seed=9)
    call_command("generate_directory", services=30, seed=9)
    assert d.Service.objects.count() == 30


def test_output_writes_ndjson_that_imports(tmp_path):
    output = tmp_path / "synthetic.ndjson"
    call_command("generate_directory", services=40, seed=2, output=str(output))
    assert not d.Service.objects.exists()
    lines = output.read_text(encoding="utf-8").splitlines()
    assert all(json.loads(line)["name"].startswith(MARKER) for line in lines)
    assert hsds_import_path(output).services.created == 40


def test_locations_are_near_their_city_with_a_postcode_of_it():
    """Spread around each city's centre (benchmarks search near a town and a postcode), not over Europe."""
    from refugiu.demo.synthetic.directory import COUNTRIES, city_postcode
    from refugiu.directory.places.distance import haversine_m
    from refugiu.directory.places.gazetteer import town_named

    locations = [
        location for o in synthetic_organizations(services=2000, seed=1) for location in o["locations"]
    ]
    for location in locations:
        address = location["addresses"][0]
        centre = town_named(address["city"], country=address["country"])
        assert (
            haversine_m(centre.latitude, centre.longitude, location["latitude"], location["longitude"])
            < 25_000
        )
        assert address["postal_code"][:-3] == city_postcode(address["city"], 0)[:-3]
        assert len(address["postal_code"]) == (6 if address["country"] in ("RO", "MD") else 5)
    cities = {c for _, (_, names) in COUNTRIES.items() for c in names}
    assert {location["addresses"][0]["city"] for location in locations} == cities


def test_opening_hours_of_every_kind_and_open_now_among_them():
    """--scheduled 1: every service has hours; the search's "open now" finds those open at the moment."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from refugiu.directory.schedules import Group, is_open, rule_from

    call_command("generate_directory", services=120, seed=4, scheduled=1.0)
    assert not d.Service.objects.filter(schedules=None).exists()
    kinds = {(s.freq, s.byday, s.opens_at, s.closes_at) for s in d.Schedule.objects.all()}
    assert len(kinds) >= 8
    assert d.Schedule.objects.filter(timezone__isnull=False).exists()
    assert d.Schedule.objects.filter(valid_from="2026-12-24", opens_at=None).exists()  # closed for Christmas
    wednesday = dt.datetime(2026, 3, 4, 11, tzinfo=ZoneInfo("Europe/Bucharest"))
    found = {
        object_id for _, object_id in directory_search(kind="service", open_at=wednesday, limit=500).hits
    }
    expected = set()
    for service in d.Service.objects.prefetch_related("schedules"):
        hours = [
            Group(
                tuple(
                    rule_from(
                        {
                            f: getattr(s, f)
                            for f in (
                                "freq",
                                "byday",
                                "opens_at",
                                "closes_at",
                                "timezone",
                                "valid_from",
                                "valid_to",
                            )
                        }
                    )
                    for s in service.schedules.all()
                )
            )
        ]
        if is_open(hours, wednesday):
            expected.add(str(service.id))
    assert found == expected and 0 < len(found) < 120
