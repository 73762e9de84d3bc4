"""The counties: ISO 3166-2:RO, the county or sector of Bucharest a text names, and the counties an
institution is filed under, checked against its name, against its town's court and across its rows."""

import re

from refugiu.core.folding import fold
from refugiu.demo.ro_institutions.institutions import Institution
from refugiu.demo.ro_institutions.report import Doubts
from refugiu.demo.ro_institutions.source import title_case

# ISO 3166-2:RO, without the "RO-" prefix: the 41 counties and the municipality of Bucharest.
COUNTIES: dict[str, str] = {
    "AB": "Alba",
    "AG": "Argeș",
    "AR": "Arad",
    "B": "București",
    "BC": "Bacău",
    "BH": "Bihor",
    "BN": "Bistrița-Năsăud",
    "BR": "Brăila",
    "BT": "Botoșani",
    "BV": "Brașov",
    "BZ": "Buzău",
    "CJ": "Cluj",
    "CL": "Călărași",
    "CS": "Caraș-Severin",
    "CT": "Constanța",
    "CV": "Covasna",
    "DB": "Dâmbovița",
    "DJ": "Dolj",
    "GJ": "Gorj",
    "GL": "Galați",
    "GR": "Giurgiu",
    "HD": "Hunedoara",
    "HR": "Harghita",
    "IF": "Ilfov",
    "IL": "Ialomița",
    "IS": "Iași",
    "MH": "Mehedinți",
    "MM": "Maramureș",
    "MS": "Mureș",
    "NT": "Neamț",
    "OT": "Olt",
    "PH": "Prahova",
    "SB": "Sibiu",
    "SJ": "Sălaj",
    "SM": "Satu Mare",
    "SV": "Suceava",
    "TL": "Tulcea",
    "TM": "Timiș",
    "TR": "Teleorman",
    "VL": "Vâlcea",
    "VN": "Vrancea",
    "VS": "Vaslui",
}
BUCHAREST = "B"
NATIONAL = "-"  # the source's county code of national bodies
SECTOR = re.compile(r"bucuresti(?: sector(?:ul)?)? ([1-6])")


def place_key(text: str) -> str:
    """What two spellings of one place have in common: folded, without spaces or hyphens."""
    return fold(text).replace(" ", "")


def county_of_text(text: str) -> str | None:
    """The ISO code of the county (or Bucharest) this text names: exactly, or as the start of exactly one
    county's name ("Bistrita" for Bistrița-Năsăud); None when it names none."""
    key = place_key(SECTOR.sub("bucuresti", fold(text)))
    if not key:
        return None
    for code, name in COUNTIES.items():
        if place_key(name) == key:
            return code
    starting = [code for code, name in COUNTIES.items() if place_key(name).startswith(key)]
    return starting[0] if len(starting) == 1 else None


def sector_of_text(text: str) -> int | None:
    """The sector of Bucharest that "Bucuresti 3" or "București, sector 3" names, else None."""
    match = SECTOR.fullmatch(fold(text))
    return int(match.group(1)) if match else None


def _county_name(code: str) -> str:
    return f"{COUNTIES[code]} ({code})"


def file_under_counties(institution: Institution, doubts: Doubts) -> None:
    """The counties the rows file it under: a row's ISO code, or its county cell when the code is not
    one. Disagreements are reported, not resolved by moving the institution."""
    name = institution.name
    by_problem: dict[tuple[str, str], list[str]] = {}
    for row in institution.rows:
        if institution.type.scope == "national" or row.code == NATIONAL:
            continue
        cell = county_of_text(row.county) if row.county not in ("", NATIONAL) else None
        code: str | None = row.code
        if code not in COUNTIES:
            detail = f"code {row.code!r} is not in ISO 3166-2:RO; its county cell {row.county!r} "
            detail += f"is {_county_name(cell)}" if cell else "names no county either: no county"
            by_problem.setdefault(("county-code", detail), []).append(row.where)
            code = cell
        elif cell != code and row.county:
            detail = f"filed under {_county_name(code)}, its county cell says {row.county!r}"
            by_problem.setdefault(("county-cell", detail), []).append(row.where)
        if code and code not in institution.counties:
            institution.counties.append(code)
        if institution.type.sector_pattern and code == BUCHAREST and institution.sector is None:
            detail = f"county cell {row.county!r}, name {row.name!r}: no sector"
            by_problem.setdefault(("bucharest-no-sector", detail), []).append(row.where)
    for (kind, detail), wheres in by_problem.items():
        doubts.problem(kind, name, detail, wheres)
    named = institution.named_county
    if named and any(code != named for code in institution.counties):
        elsewhere = [code for code in institution.counties if code != named]
        filed = ", ".join(_county_name(code) for code in elsewhere)
        doubts.problem(
            "name-county",
            name,
            f"its name says {_county_name(named)}, but it is filed under {filed}",
            institution.wheres(elsewhere),
        )
        doubts.with_county_problem.add(institution.key)


def check_courts(institutions: list[Institution], doubts: Doubts) -> None:
    """Prosecutor offices against the courts of their towns: same county, and a court there at all."""
    courts: dict[str, Institution] = {}
    for institution in institutions:
        if institution.type.code == "first_instance_court":
            courts[town_key(institution)] = institution
    for institution in institutions:
        if institution.type.code != "first_instance_prosecutor":
            continue
        court = courts.get(town_key(institution))
        if court is None:
            # "Parchetul de pe lângă Judecătoria Dolj" would name a court that does not exist: the office
            # keeps the source's own words, and the report says why.
            built = institution.name
            institution.name = f"{institution.type.source} {title_case(institution.source_name)}"
            county = county_of_text(institution.place)
            hint = f"; so is a county: {COUNTIES[county]} (RO-{county})" if county else ""
            doubts.problem(
                "no-court",
                institution.name,
                f"the source has no first-instance court named {institution.place!r}{hint}; not named "
                f"{built!r}",
                institution.wheres(),
            )
            continue
        elsewhere = [code for code in institution.counties if code not in court.counties]
        if elsewhere:
            filed = ", ".join(_county_name(code) for code in elsewhere)
            courts_county = ", ".join(_county_name(code) for code in court.counties)
            doubts.problem(
                "court-county",
                institution.name,
                f"filed under {filed}, while {court.name} is filed under {courts_county}",
                institution.wheres(elsewhere),
            )
            doubts.with_county_problem.add(institution.key)


def town_key(institution: Institution) -> str:
    return f"sector{institution.sector}" if institution.sector is not None else place_key(institution.place)


def check_several_counties(institution: Institution, doubts: Doubts) -> None:
    if len(institution.counties) < 2 or institution.type.scope == "office":
        return  # an Ombudsman's office serves several counties
    if institution.key in doubts.with_county_problem:
        return  # said already
    filed = "; ".join(
        f"{_county_name(code)} in {', '.join(institution.wheres([code]))}" for code in institution.counties
    )
    doubts.problem("several-counties", institution.name, f"filed under {filed}")
