"""The official names: each institution's full name, as it writes it, built from its type and its town or
county, and the town names of the source that look abbreviated or misspelt."""

import re

from refugiu.core.folding import fold
from refugiu.demo.ro_institutions.counties import COUNTIES, county_of_text
from refugiu.demo.ro_institutions.institutions import Institution
from refugiu.demo.ro_institutions.report import Doubts
from refugiu.demo.ro_institutions.source import PARTICLES, title_case

# Abbreviations of place names ("Tg." for Târgu, "Rm" for Râmnicu): a name holding one is reported.
ABBREVIATIONS = frozenset({"tg", "rm", "dr", "tr", "mun", "jud"})


def name_institution(institution: Institution, doubts: Doubts) -> None:
    """Its full official name, its place and its alternate name, from its type and the source's name."""
    kind = institution.type
    if institution.sector is not None:
        institution.place = f"Sector {institution.sector}"
        institution.name = kind.sector_pattern.format(sector=institution.sector)
    elif kind.scope == "national":
        institution.name = kind.pattern or title_case(institution.source_name)
    elif kind.scope == "town":
        institution.place = title_case(institution.source_name)
        institution.name = kind.pattern.format(place=institution.place)
    elif kind.scope == "office":
        town = re.sub(r"(?i)^biroul teritorial\s+", "", institution.source_name)
        institution.place = title_case(town)
        institution.name = kind.pattern.format(place=institution.place)
    else:
        name_county_body(institution, doubts)
    if kind.abbreviation and kind.scope == "national":
        institution.alternate_name = kind.abbreviation
    elif kind.abbreviation and institution.place:
        institution.alternate_name = f"{kind.abbreviation} {institution.place}"


def name_county_body(institution: Institution, doubts: Doubts) -> None:
    """A county body's name from the county its name in the source names, spelt as the standard does.

    Bucharest's police are named as they name themselves: the municipality's directorate and the
    police of each sector, which the source lists among the county inspectorates."""
    kind = institution.type
    folded = fold(institution.source_name)
    if kind.source == "Inspectorat Județean Poliție":
        if folded.startswith(("directia generala de politie", "politia sectorului")):
            institution.name = title_case(institution.source_name)
            return
        folded = folded.removeprefix("inspectoratul de politie judetean ")
    elif kind.source == "AJPIS":
        folded = folded.removeprefix("ajpis ")
    code = county_of_text(folded)
    if code is None:
        institution.name = title_case(institution.source_name)
        doubts.problem("name-county", institution.name, "its name names no county", institution.wheres())
        return
    institution.named_county = code
    institution.place = COUNTIES[code]
    institution.name = kind.pattern.format(place=institution.place)


def check_towns(institutions: list[Institution], doubts: Doubts) -> None:
    """Town names with an abbreviation ("Tg.", "Rm") or a lower-case word that is no particle."""
    by_town: dict[str, list[Institution]] = {}
    for institution in institutions:
        if institution.type.scope in ("town", "office") and institution.sector is None:
            by_town.setdefault(institution.source_name, []).append(institution)
    for town, named in by_town.items():
        words = re.sub(r"(?i)^biroul teritorial\s+", "", town).replace("-", " ").split()
        abbreviated = [w for w in words if w.endswith(".") or fold(w) in ABBREVIATIONS]
        lower = [w for w in words if w == w.lower() and w not in PARTICLES and not w.isdigit()]
        reasons = []
        if abbreviated:
            reasons.append("abbreviated (" + ", ".join(abbreviated) + ")")
        if lower:
            reasons.append("written in lower case (" + ", ".join(lower) + ")")
        if reasons:
            names = "; ".join(institution.name for institution in named)
            wheres = [where for institution in named for where in institution.wheres()]
            doubts.problem("town-spelling", repr(town), f"{' and '.join(reasons)}, in: {names}", wheres)
