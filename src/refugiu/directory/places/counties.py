"""Romania's 41 counties and Bucharest: ISO 3166-2 code (without "RO-"), name, seat, and the GeoNames admin1
code that the gazetteer's towns carry (`tests/directory/test_places.py` checks every seat lies in its
county there). A fact list, not a data set: the county filter and "near <county>" use it."""

from dataclasses import dataclass
from functools import cache

from refugiu.core.folding import fold


@dataclass(frozen=True)
class County:
    code: str  # ISO 3166-2:RO without the prefix: "IS", "B"
    name: str
    seat: str
    admin1: str  # GeoNames' admin1 code for Romania


# fmt: off
COUNTIES = (
    County("AB", "Alba", "Alba Iulia", "01"), County("AR", "Arad", "Arad", "02"),
    County("AG", "Argeș", "Pitești", "03"), County("BC", "Bacău", "Bacău", "04"),
    County("BH", "Bihor", "Oradea", "05"), County("BN", "Bistrița-Năsăud", "Bistrița", "06"),
    County("BT", "Botoșani", "Botoșani", "07"), County("BV", "Brașov", "Brașov", "09"),
    County("BR", "Brăila", "Brăila", "08"), County("B", "București", "București", "10"),
    County("BZ", "Buzău", "Buzău", "11"), County("CS", "Caraș-Severin", "Reșița", "12"),
    County("CJ", "Cluj", "Cluj-Napoca", "13"), County("CT", "Constanța", "Constanța", "14"),
    County("CV", "Covasna", "Sfântu Gheorghe", "15"), County("DB", "Dâmbovița", "Târgoviște", "16"),
    County("DJ", "Dolj", "Craiova", "17"), County("GL", "Galați", "Galați", "18"),
    County("GJ", "Gorj", "Târgu Jiu", "19"), County("HR", "Harghita", "Miercurea Ciuc", "20"),
    County("HD", "Hunedoara", "Deva", "21"), County("IL", "Ialomița", "Slobozia", "22"),
    County("IS", "Iași", "Iași", "23"), County("MM", "Maramureș", "Baia Mare", "25"),
    County("MH", "Mehedinți", "Drobeta-Turnu Severin", "26"), County("MS", "Mureș", "Târgu Mureș", "27"),
    County("NT", "Neamț", "Piatra Neamț", "28"), County("OT", "Olt", "Slatina", "29"),
    County("PH", "Prahova", "Ploiești", "30"), County("SM", "Satu Mare", "Satu Mare", "32"),
    County("SJ", "Sălaj", "Zalău", "31"), County("SB", "Sibiu", "Sibiu", "33"),
    County("SV", "Suceava", "Suceava", "34"), County("TR", "Teleorman", "Alexandria", "35"),
    County("TM", "Timiș", "Timișoara", "36"), County("TL", "Tulcea", "Tulcea", "37"),
    County("VS", "Vaslui", "Vaslui", "38"), County("VL", "Vâlcea", "Râmnicu Vâlcea", "39"),
    County("VN", "Vrancea", "Focșani", "40"), County("CL", "Călărași", "Călărași", "41"),
    County("GR", "Giurgiu", "Giurgiu", "42"), County("IF", "Ilfov", "Buftea", "43"),
)
# fmt: on
BY_CODE = {county.code: county for county in COUNTIES}
BY_ADMIN1 = {county.admin1: county for county in COUNTIES}

# What addresses and service areas put around a county's name: "Județul Iași", "jud. Iasi", "Iasi County",
# "Municipiul București", "București, sectorul 3".
_AROUND = {"judetul", "judet", "jud", "county", "municipiul", "mun", "sectorul", "sector", "ro"}
_BUCHAREST = {"bucuresti", "bucharest", "bucurest", "bukarest"}


@cache
def _by_name() -> dict[str, County]:
    names = {fold(county.name): county for county in COUNTIES}
    names |= {name: BY_CODE["B"] for name in _BUCHAREST}
    names["caras severin"] = BY_CODE["CS"]
    names["bistrita nasaud"] = BY_CODE["BN"]
    return names


def county_named(text: str) -> County | None:
    """The county a text names, in the ways addresses and service areas write it, or None.

    "Iași", "Judetul Iasi", "jud. IAȘI", "Iasi county", "RO-IS", "IS" (a code alone, in capitals),
    "București, Sectorul 1", "Municipiul Bucuresti" all name theirs; "Iași town centre" names none.
    """
    stripped = (text or "").strip()
    code = stripped.upper().removeprefix("RO-")
    if stripped.isupper() and code in BY_CODE:
        return BY_CODE[code]
    words = [word for word in fold(stripped).split() if word not in _AROUND and not word.isdigit()]
    return _by_name().get(" ".join(words)) if words else None
