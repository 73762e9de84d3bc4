"""Where each search entry is: the rows of `SearchPlace` and the county facet, computed by the search
index's rebuild (directory.search) from the same public rows it reads. Nothing is written back into the
records: a town's centre stands in for a location without coordinates here only, marked approximate."""

import re
from dataclasses import dataclass
from typing import Any

from django.db import connection

from refugiu.directory.models import SearchPlace
from refugiu.directory.places import gazetteer
from refugiu.directory.places.counties import BY_CODE, County, county_named

PLACE_COLUMNS = (
    "entry_id", "location_id", "latitude", "longitude", "approximate", "town", "town_key", "postcode",
    "country", "county",
)  # fmt: skip
_SPACES = re.compile(r"\s+")


def postcode_key(postcode: str) -> str:
    """A postcode as it is compared: capitals, no spaces ("700 259" and "700259" are one)."""
    return _SPACES.sub("", postcode or "").upper()[:30]


@dataclass(frozen=True)
class LocationPlace:
    location_id: Any  # in the database's own form
    latitude: float | None
    longitude: float | None
    approximate: bool
    town: str
    town_key: str
    postcode: str
    country: str
    county: str

    @property
    def placed(self) -> bool:
        return self.latitude is not None


class Placer:
    """Places the locations of one rebuild; remembers what it looked up."""

    def __init__(self, home_country: str) -> None:
        self.home_country = home_country.upper()
        self._towns: dict[tuple[str, str, str], tuple[float, float, str] | None] = {}

    def location(self, location: dict, organization_country: str) -> LocationPlace | None:
        """Where a public location is, for distances: None when nothing public says."""
        location_id = location["id"]
        if location["is_confidential"]:
            # Only what may be said publicly: the front door's area, at its town's centre.
            area = location["front_door_area"]
            country = (organization_country or self.home_country).upper()
            return self._approximately(location_id, area, country, county_named(area) if area else None)
        addresses = location["addresses"]
        address = next((a for a in addresses if a.get("address_type") != "postal"), None) or (
            addresses[0] if addresses else None
        )
        city = (address or {}).get("city") or ""
        country = ((address or {}).get("country") or organization_country or "").upper()
        county = self._county(address, country)
        if location["latitude"] is not None and location["longitude"] is not None:
            if county is None and city and country == gazetteer.HOME:
                town = gazetteer.town_named(city, country=country)
                county = town.county if town else None
            return LocationPlace(
                location_id,
                float(location["latitude"]),
                float(location["longitude"]),
                False,
                city[:200],
                gazetteer.place_key(city)[:200],
                postcode_key((address or {}).get("postal_code") or ""),
                country[:2],
                county.code if county else "",
            )
        return self._approximately(location_id, city, country, county)

    def _county(self, address: dict | None, country: str) -> County | None:
        if address is None or country not in ("", gazetteer.HOME):
            return None
        return county_named(address.get("state_province") or "") or county_named(address.get("region") or "")

    def _approximately(
        self, location_id: Any, town_name: str, country: str, county: County | None
    ) -> LocationPlace | None:
        town = self._town(town_name, country, county) if town_name else None
        if town is not None:
            latitude, longitude, town_county = town
            return LocationPlace(
                location_id, latitude, longitude, True, town_name[:200], "", "", country[:2],
                (county.code if county else town_county),
            )  # fmt: skip
        if county is not None:
            return LocationPlace(location_id, None, None, False, "", "", "", gazetteer.HOME, county.code)
        return None

    def _town(self, name: str, country: str, county: County | None) -> tuple[float, float, str] | None:
        """A town's centre and county: the gazetteer's, else the one the directory's own addresses with
        coordinates give it (the mean of their positions)."""
        key = (gazetteer.place_key(name), country, county.code if county else "")
        if key not in self._towns:
            town = gazetteer.town_named(name, country=country or None, county=county)
            if town is not None:
                found: tuple[float, float, str] | None = (
                    town.latitude,
                    town.longitude,
                    town.county.code if town.county else "",
                )
            else:
                found = taught_town(key[0], country)
            self._towns[key] = found
        return self._towns[key]

    def named(self, name: str, counties: set[str]) -> LocationPlace | None:
        """Where an organisation with no location at all is, when its name ends with the name of a town of a
        county it is filed under: that town's centre, approximate. The demo's Romanian institutions are such
        ("Judecătoria Pașcani", filed under Iași county: their source has no address); one named after its
        county is thereby placed at the county's seat where the seat goes by the county's name (Iași,
        Cluj-Napoca), and otherwise only by its county."""
        words = name.split()
        for size in range(min(4, len(words)), 0, -1):
            ending = " ".join(words[-size:])
            for code in sorted(counties):
                town = gazetteer.town_named(ending, country=gazetteer.HOME, county=BY_CODE[code])
                if town is not None and town.county is not None and town.county.code == code:
                    return LocationPlace(
                        None, town.latitude, town.longitude, True, ending[:200], "", "", gazetteer.HOME, code
                    )
        return None


def county_codes(term_codes: list[str]) -> set[str]:
    """The counties that taxonomy terms name by their ISO 3166-2:RO code ("RO-IS"), as the demo's
    institutions carry theirs (an attribute of link type "service_area")."""
    return {code[3:] for code in term_codes if code.startswith("RO-") and code[3:] in BY_CODE}


def taught_town(town_key: str, country: str) -> tuple[float, float, str] | None:
    """A town as the directory's own addresses with coordinates place it, in `country` (any when blank)."""
    if not town_key:
        return None
    table = SearchPlace._meta.db_table
    sql = (
        f"SELECT AVG(latitude), AVG(longitude), MAX(county) FROM {table} "
        "WHERE town_key = %s AND town_key > '' AND NOT approximate AND latitude IS NOT NULL"
    )
    params: list[Any] = [town_key]
    if country:
        sql += " AND country = %s"
        params.append(country)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        latitude, longitude, county = cursor.fetchone()
    return None if latitude is None else (float(latitude), float(longitude), county or "")


def entry_place_rows(entry_id: Any, places: list[LocationPlace], counties: set[str]) -> list[tuple]:
    """The SearchPlace rows of one entry: one per placed location; placed nowhere, one per county it is
    in or serves, without coordinates."""
    rows, seen = [], set()
    for place in places:
        if place.placed and (place.location_id is None or place.location_id not in seen):
            seen.add(place.location_id)
            rows.append((
                entry_id, place.location_id, place.latitude, place.longitude, place.approximate,
                place.town, place.town_key, place.postcode, place.country, place.county,
            ))  # fmt: skip
    if not rows:
        rows = [
            (entry_id, None, None, None, False, "", "", "", gazetteer.HOME, code) for code in sorted(counties)
        ]
    return rows


def counties_of(places: list[LocationPlace], service_area_names: list[str]) -> set[str]:
    """The Romanian counties an entry is in (by its locations) or serves (by its service areas)."""
    counties = {place.county for place in places if place.county}
    for name in service_area_names:
        county = county_named(name)
        if county is not None:
            counties.add(county.code)
    return counties
