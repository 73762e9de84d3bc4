"""What "near" means in a search: a centre, how far from it, and the county whose entries placed by county
alone come after those placed by distance; how a place typed by a visitor or a postcode of the API
becomes one; and what each hit of a page is told of its distance.

Place names resolve offline (directory.places.gazetteer): the home country's towns first, then the
towns the directory's own addresses with coordinates teach, then the rest of the world's. A postcode
resolves only through the directory's own addresses that have it and coordinates (no postcode data set
is available offline): otherwise it is "not known", never guessed.
"""

import re
from dataclasses import dataclass
from typing import Any

from django.db import connection

from refugiu.directory.models import SearchEntry, SearchFacet, SearchPlace, ServiceAtLocation
from refugiu.directory.places import gazetteer
from refugiu.directory.places.counties import County, county_named
from refugiu.directory.places.distance import Point, haversine_m, squared_degrees
from refugiu.directory.places.index import postcode_key, taught_town

_POSTCODE = re.compile(r"[0-9][0-9A-Z-]{2,9}|[A-Z]{1,2}[0-9][0-9A-Z-]{1,8}")
_COUNTY_WORDS = {"judet", "judetul", "jud", "county"}


@dataclass(frozen=True)
class Near:
    """Entries within `radius_m` of the centre (None: at any distance), nearest first; then, when
    `county` is set, those placed by that county alone."""

    point: Point
    radius_m: float | None
    county: str = ""


@dataclass(frozen=True)
class Place:
    """A place a visitor or a client named, resolved."""

    kind: str  # "town", "county", "postcode", "position"
    name: str
    point: Point
    country: str
    county: County | None


class PlaceUnknown(LookupError):
    """Nothing the gazetteer or the directory knows has this name (or this postcode)."""

    def __init__(self, text: str, *, postcode: bool) -> None:
        super().__init__(text)
        self.text = text
        self.postcode = postcode


def looks_like_postcode(text: str) -> bool:
    return bool(_POSTCODE.fullmatch(postcode_key(text))) and any(ch.isdigit() for ch in text)


def postcode_place(text: str, *, home_country: str) -> Place:
    """The centre of a postcode: the mean position of the directory's addresses with that postal code and
    their own coordinates, in the home country if any is there, else in the country with most of them."""
    key = postcode_key(text)
    table = SearchPlace._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT country, AVG(latitude), AVG(longitude), COUNT(*), MAX(county), MIN(town) FROM {table} "
            # postcode > '': the partial index on postcodes holds only those rows.
            "WHERE postcode = %s AND postcode > '' AND NOT approximate AND latitude IS NOT NULL "
            "GROUP BY country",
            [key],
        )
        rows = cursor.fetchall()
    if not rows:
        raise PlaceUnknown(text, postcode=True)
    country, latitude, longitude, _, county, town = max(rows, key=lambda r: (r[0] == home_country, r[3]))
    return Place(
        "postcode", key, Point(float(latitude), float(longitude)), country, gazetteer.county_by_code(county)
    )


def place_named(text: str, *, home_country: str) -> Place:
    """A town, a county (of the home country), or a postcode, as a visitor types them."""
    text = text.strip()
    if looks_like_postcode(text):
        return postcode_place(text, home_country=home_country)
    county = county_named(text) if home_country == gazetteer.HOME else None
    said_county = bool(
        _COUNTY_WORDS & set(gazetteer.place_key(text).split()) | _COUNTY_WORDS & set(text.lower().split())
    )
    if county is not None and (said_county or gazetteer.town_named(text, country=home_country) is None):
        seat = gazetteer.county_seat(county)
        return Place("county", county.name, Point(seat.latitude, seat.longitude), gazetteer.HOME, county)
    town = gazetteer.town_named(text, country=home_country)
    if town is not None:
        return _town_place(town)
    key = gazetteer.place_key(text)
    taught = taught_town(key, home_country)
    if taught is not None:
        return Place(
            "town", text, Point(taught[0], taught[1]), home_country, gazetteer.county_by_code(taught[2])
        )
    town = gazetteer.town_named(text)
    if town is not None:
        return _town_place(town)
    taught = taught_town(key, "")
    if taught is not None:
        return Place("town", text, Point(taught[0], taught[1]), "", None)
    raise PlaceUnknown(text, postcode=False)


def _town_place(town: gazetteer.Town) -> Place:
    return Place("town", town.name, Point(town.latitude, town.longitude), town.country, town.county)


def position_place(latitude: float, longitude: float, *, home_country: str) -> Place:
    """The visitor's position (already rounded), with the county of the nearest home town, if near one."""
    town = gazetteer.nearest_home_town(latitude, longitude) if home_country == gazetteer.HOME else None
    return Place(
        "position",
        "",
        Point(latitude, longitude),
        town.country if town else "",
        town.county if town else None,
    )


# --- the SQL ----------------------------------------------------------------------------------------------


def placed_sql(near: Near, *, in_county: str = "") -> tuple[str, list[Any]]:
    """(entry_id, d2): each entry with a position within reach, and its nearest position's squared distance
    in degrees. Within a radius, the box around the centre is read by the index on latitude and longitude;
    at any distance within a county, the county's entries by the facets' index."""
    table = SearchPlace._meta.db_table
    d2, d2_params = near.point.distance_sql("p")
    if near.radius_m is not None:
        box, box_params = near.point.box_sql("p", near.radius_m)
        return (
            f"SELECT p.entry_id, MIN({d2}) AS d2 FROM {table} p WHERE {box} "
            f"GROUP BY p.entry_id HAVING MIN({d2}) <= %s",
            [*d2_params, *box_params, *d2_params, squared_degrees(near.radius_m)],
        )
    if in_county:
        facets = SearchFacet._meta.db_table
        return (
            f"SELECT p.entry_id, MIN({d2}) AS d2 FROM {table} p WHERE p.latitude IS NOT NULL "
            f"AND p.entry_id IN (SELECT entry_id FROM {facets} WHERE facet = 'county' AND value = %s) "
            "GROUP BY p.entry_id",
            [*d2_params, in_county],
        )
    return (
        f"SELECT p.entry_id, MIN({d2}) AS d2 FROM {table} p WHERE p.latitude IS NOT NULL GROUP BY p.entry_id",
        d2_params,
    )


def county_only_sql(county: str) -> tuple[str, list[Any]]:
    return (
        f"SELECT entry_id FROM {SearchPlace._meta.db_table} WHERE latitude IS NULL AND county = %s",
        [county],
    )


def service_at_locations_near(near: Near) -> list[tuple[Any, Any]]:
    """(service at location id, service id) of every public service at a location within reach, nearest
    first, then by the service's name. Only services have entries in the index at their locations, and
    only published ones of published organisations: the same as selectors.service_at_location_public_list."""
    places, entries = SearchPlace._meta.db_table, SearchEntry._meta.db_table
    links = ServiceAtLocation._meta.db_table
    d2, d2_params = near.point.distance_sql("p")
    where, params = ["p.latitude IS NOT NULL", "p.location_id IS NOT NULL"], []
    if near.radius_m is not None:
        box, box_params = near.point.box_sql("p", near.radius_m)
        where += [box, f"{d2} <= %s"]
        params += [*box_params, *d2_params, squared_degrees(near.radius_m)]
    sql = (
        f"SELECT sal.id, sal.service_id FROM (SELECT p.entry_id, p.location_id, {d2} AS d2 FROM {places} p "
        f"WHERE {' AND '.join(where)}) n JOIN {entries} e ON e.id = n.entry_id AND e.kind = 'service' "
        f"JOIN {links} sal ON sal.service_id = e.object_id AND sal.location_id = n.location_id "
        "ORDER BY n.d2, e.sort_name, sal.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*d2_params, *params])
        return cursor.fetchall()


# --- what a hit is told -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class HitPlace:
    """How far a hit is: from its nearest position (`approximate`: a town's centre, named `town`); or, with
    no position, the county it is in or serves."""

    distance_m: float | None
    approximate: bool
    town: str
    county: str
    latitude: float | None = None
    longitude: float | None = None


def hit_places(entry_ids: list[Any], point: Point) -> dict[Any, HitPlace]:
    """The nearest position of each of these entries (by their ids as the database gives them)."""
    if not entry_ids:
        return {}
    table = SearchPlace._meta.db_table
    marks = ", ".join(["%s"] * len(entry_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT entry_id, latitude, longitude, approximate, town, county FROM {table} "
            f"WHERE entry_id IN ({marks})",
            list(entry_ids),
        )
        rows = cursor.fetchall()
    found: dict[Any, HitPlace] = {}
    for entry_id, latitude, longitude, approximate, town, county in rows:
        if latitude is None:
            found.setdefault(entry_id, HitPlace(None, False, "", county))
            continue
        distance = haversine_m(point.latitude, point.longitude, latitude, longitude)
        kept = found.get(entry_id)
        if kept is None or kept.distance_m is None or distance < kept.distance_m:
            found[entry_id] = HitPlace(distance, bool(approximate), town, county, latitude, longitude)
    return found
