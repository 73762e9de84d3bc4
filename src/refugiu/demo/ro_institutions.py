"""Real Romanian public institutions for the demo directory: a converter from Code for Romania's list to HSDS.

The source is `database/dumps/institutions.json` of code4romania/adapt-just-api (MPL-2.0): four lists
("flows") of a complaint app, overlapping, of courts, prosecutor offices, police, child protection, bars,
social inspection, county councils, the Ombudsman and national bodies, with e-mails and ISO 3166-2:RO
county codes. `ro_institutions_convert` turns it into HSDS 3 organisations in full form (the shape of
demo_directory.json), and lists every row that looks wrong instead of failing or guessing.

What it does, and why:
- De-duplicates the flows by (type, name). Bucharest's child protection directorates are the exception:
  seven rows share type "DGASPC" and name "Bucuresti" and differ only in their county cell ("București,
  sector 1" … 6, and one without a sector), so the sector is part of their key.
- Builds each full official name from the type and the town or county, as the institutions write it
  ("Judecătoria Slatina", "Parchetul de pe lângă Judecătoria Sectorului 1 București", "Consiliul
  Județean Cluj"). A county's name is the standard's (ISO 3166-2:RO, with its diacritics); a town's is the
  source's, with the cedilla letters ş ţ written as the comma-below letters ș ț, spaces trimmed, and
  an all-capital or all-lower-case name set in title case. No diacritic is added that the source lacks:
  "Pitesti" stays "Pitesti".
- Splits the e-mail cells on ";" (and on "," where a cell uses it, reported), trims them (invisible
  zero-width characters too, reported), lower-cases them and keeps only valid, plain ASCII addresses; the
  invalid ones are reported and left out. The first is the organisation's e-mail, the others its contacts.
- The county is an HSDS attribute (link_type "service_area") whose term is the county in a taxonomy of
  the 41 counties and Bucharest by ISO 3166-2 code, and is named in the description, so a search for
  "judecatoria cluj" finds the courts in Cluj county. The source has no postal address, postcode or
  phone, so there is no address, location or phone: the directory's importer refuses an address without a
  street and a city, and nothing is invented to fill one.
- Institution types are HSDS taxonomy terms: one of our taxonomy of Romanian institution types (English
  names, Romanian translations, as our vocabularies are kept), plus the matching terms of the directory's
  own "Institution type" vocabulary (court, prosecutor, police, …) so that its filter finds them.
- No services: like the other bodies of the demo directory, an institution is an organisation a
  caseworker can find and contact, not a listed service.
- The source and its licence are kept in each organisation's HSDS `metadata` (HSDS 3's provenance
  record: the name as the source has it, the name made of it, and where it came from).
- Every id is a UUID 5 of the source's type and name (and sector), so a run gives the same ids again.
- Rows that look wrong are reported (`Problem`, `PROBLEM_KINDS`) and kept as the source has them, never
  moved or renamed: an office filed under another county than its court or its name says, an unknown
  county code, a prosecutor office of a town without a court, an abbreviated or misspelt town, duplicate,
  shared or invalid e-mails, addresses that look like a person's own, the row without a name.
"""

import json
import re
import unicodedata
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator

from refugiu.core.folding import fold

SOURCE_NAME = "code4romania/adapt-just-api database/dumps/institutions.json"
SOURCE_COMMIT = "4d54dbd07d1908f3a694884c5919fa4e0cb74cb8"
SOURCE_DATE = "2024-02-21"
SOURCE_LICENSE = "MPL-2.0"
SOURCE = f"{SOURCE_NAME}, commit {SOURCE_COMMIT} ({SOURCE_DATE}), {SOURCE_LICENSE}"

# The ids of everything this module makes are UUID 5s in this namespace.
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:refugiu:demo:ro-institutions")

TYPE_KEY = "Tip institutie"
NAME_KEY = "Denumire Institutie"
EMAIL_KEY = "Adresa de email institutie (email1; email2; etc)"
CODE_KEY = "COD ISO Judet"
COUNTY_KEY = "Nume judet"

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

COMMA_BELOW = str.maketrans({"ş": "ș", "Ş": "Ș", "ţ": "ț", "Ţ": "Ț"})
INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
# Lower case inside a name, unless first: Romanian prepositions, articles and conjunctions.
PARTICLES = frozenset(
    {"a", "al", "ale", "cu", "de", "din", "în", "la", "lângă", "pe", "pentru", "privind", "sub", "și"}
)
ACRONYMS = frozenset({"ONU"})
# Abbreviations of place names ("Tg." for Târgu, "Rm" for Râmnicu): a name holding one is reported.
ABBREVIATIONS = frozenset({"tg", "rm", "dr", "tr", "mun", "jud"})
# Words of the addresses of offices, not of people ("relatii.publice@", "director.general@").
OFFICE_WORDS = frozenset(
    {"adulti", "arh", "barou", "baroul", "cabinet", "comunicare", "conducere", "consiliu", "contact",
     "copii", "copilului", "decan", "director", "directie", "general", "ghiseu", "gref", "info", "jud",
     "judecatoria", "monitorizare", "office", "petitii", "politia", "presedinte", "protectia", "public",
     "publice", "reg", "registratura", "relatii", "relations", "secretariat", "sesizari", "support", "unic"}
)  # fmt: skip
SECTOR = re.compile(r"bucuresti(?: sector(?:ul)?)? ([1-6])")


def comma_below(text: str) -> str:
    """Romanian ș and ț with the comma below, as the standard writes them, for the cedilla ş and ţ."""
    return text.translate(COMMA_BELOW)


def clean_text(text: str) -> str:
    """The source's text in NFC, comma-below letters, invisible characters removed, spaces squeezed."""
    return " ".join(INVISIBLE.sub("", comma_below(unicodedata.normalize("NFC", text))).split())


def _key(text: str) -> str:
    """What two spellings of one place have in common: folded, without spaces or hyphens."""
    return fold(text).replace(" ", "")


def title_case(text: str) -> str:
    """A name written all in capitals or all in lower case, in title case; a mixed-case one as it is,
    with its particles ("De", "Pe") in lower case. Hyphenated parts are capitalised each."""
    words = text.split(" ")
    recase = text == text.upper() or text == text.lower()
    result = []
    for position, word in enumerate(words):
        if word in ACRONYMS:
            result.append(word)
        elif position and word.lower() in PARTICLES:
            result.append(word.lower())
        elif recase:
            result.append("-".join(part[:1].upper() + part[1:].lower() for part in word.split("-")))
        else:
            result.append(word)
    return " ".join(result)


def county_of_text(text: str) -> str | None:
    """The ISO code of the county (or Bucharest) this text names: exactly, or as the start of exactly one
    county's name ("Bistrita" for Bistrița-Năsăud); None when it names none."""
    key = _key(SECTOR.sub("bucuresti", fold(text)))
    if not key:
        return None
    for code, name in COUNTIES.items():
        if _key(name) == key:
            return code
    starting = [code for code, name in COUNTIES.items() if _key(name).startswith(key)]
    return starting[0] if len(starting) == 1 else None


def sector_of_text(text: str) -> int | None:
    """The sector of Bucharest that "Bucuresti 3" or "București, sector 3" names, else None."""
    match = SECTOR.fullmatch(fold(text))
    return int(match.group(1)) if match else None


# --- institution types ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class InstitutionType:
    """A type of the source ("Tip institutie") and what we make of it."""

    source: str
    code: str  # the term's code in our taxonomy of Romanian institution types
    name_en: str
    name_ro: str
    generic: tuple[str, ...]  # codes of the directory's own "Institution type" vocabulary
    # "town": named after a town; "county": after a county; "office": the Ombudsman's offices, named after
    # a town and serving several counties; "national": one of a kind.
    scope: str
    pattern: str = ""  # the full name, from the town or county ({place}); "" for the source's own name
    sector_pattern: str = ""  # Bucharest's body of one sector, kept per sector ({sector})
    abbreviation: str = ""  # the alternate name: "{abbreviation} {place}" ("DGASPC Iași"), or alone
    noun_en: str = ""  # how a description names the kind, when not by the term's name
    noun_ro: str = ""


TYPES: dict[str, InstitutionType] = {
    t.source: t
    for t in (
        InstitutionType(
            "Judecatorie", "first_instance_court", "First-instance court", "Judecătorie", ("court",), "town",
            "Judecătoria {place}", "Judecătoria Sectorului {sector} București",
        ),
        InstitutionType(
            "Parchetul de pe lângă jud.", "first_instance_prosecutor",
            "Prosecutor's office of a first-instance court", "Parchet de pe lângă judecătorie",
            ("prosecutor",), "town", "Parchetul de pe lângă Judecătoria {place}",
            "Parchetul de pe lângă Judecătoria Sectorului {sector} București",
        ),
        InstitutionType(
            "Inspectorat Județean Poliție", "county_police", "County police inspectorate",
            "Inspectorat de poliție județean", ("police",), "county",
            "Inspectoratul de Poliție Județean {place}", abbreviation="IPJ", noun_en="Police",
            noun_ro="Poliție",
        ),
        InstitutionType(
            "DGASPC", "dgaspc", "General directorate for social assistance and child protection",
            "Direcție generală de asistență socială și protecția copilului",
            ("social_assistance", "child_protection"), "county",
            "Direcția Generală de Asistență Socială și Protecția Copilului {place}",
            "Direcția Generală de Asistență Socială și Protecția Copilului Sector {sector}", "DGASPC",
        ),
        InstitutionType(
            "Baroul judetean", "county_bar", "County bar association", "Barou", ("bar_association",),
            "county", "Baroul {place}",
        ),
        InstitutionType(
            "AJPIS", "ajpis", "County agency for payments and social inspection",
            "Agenție județeană pentru plăți și inspecție socială", ("social_assistance",), "county",
            "Agenția Județeană pentru Plăți și Inspecție Socială {place}", abbreviation="AJPIS",
        ),
        InstitutionType(
            "CJ", "county_council", "County council", "Consiliu județean", (), "county",
            "Consiliul Județean {place}",
        ),
        InstitutionType(
            "Avocatul Poporului Biroul teritorial", "ombudsman_office", "Ombudsman's territorial office",
            "Birou teritorial al Avocatului Poporului", (), "office",
            "Avocatul Poporului, Biroul Teritorial {place}",
        ),
        InstitutionType(
            "Avocatul Poporului", "ombudsman", "Ombudsman", "Avocatul Poporului", (), "national",
            "Avocatul Poporului",
        ),
        InstitutionType(
            "Parchetul General", "prosecutor_general", "Prosecutor General's Office", "Parchetul General",
            ("prosecutor",), "national",
        ),
        InstitutionType(
            "Inspectorat General Poliție", "general_police", "General police inspectorate",
            "Inspectorat general de poliție", ("police",), "national", abbreviation="IGPR",
        ),
        InstitutionType(
            "Consiliul de Monitorizare", "national_authority", "National authority", "Autoritate națională",
            (), "national",
        ),
        InstitutionType(
            "ANPDPD", "national_authority", "National authority", "Autoritate națională", ("ministry",),
            "national", abbreviation="ANPDPD",
        ),
        InstitutionType(
            "CNSMLA", "national_authority", "National authority", "Autoritate națională", ("health",),
            "national", abbreviation="CNSMLA",
        ),
        InstitutionType(
            "CNCD", "national_authority", "National authority", "Autoritate națională", (), "national",
            "Consiliul Național pentru Combaterea Discriminării", abbreviation="CNCD",
        ),
        InstitutionType(
            "ANPIS", "national_authority", "National authority", "Autoritate națională", ("ministry",),
            "national", "Agenția Națională pentru Plăți și Inspecție Socială", abbreviation="ANPIS",
        ),
        InstitutionType(
            "Ministerul Muncii", "ministry", "Ministry", "Minister", ("ministry",), "national",
        ),
        InstitutionType(
            "Ministerul Sănătății", "ministry", "Ministry", "Minister", ("ministry", "health"), "national",
        ),
    )
}  # fmt: skip

TYPES_TAXONOMY = {
    "id": str(uuid.uuid5(NAMESPACE, "taxonomy\nromanian_institution_type")),
    "name": "Romanian public institution type",
    "description": "What kind of Romanian public institution an organisation is (Refugiu's list).",
    "version": "1",
}
COUNTIES_TAXONOMY = {
    "id": str(uuid.uuid5(NAMESPACE, "taxonomy\niso_3166_2_ro")),
    "name": "ISO 3166-2:RO",
    "description": "Romania's 41 counties and the municipality of Bucharest, by their ISO 3166-2 codes.",
    "uri": "https://www.iso.org/obp/ui/#iso:code:3166:RO",
}
# The directory's own vocabularies, loaded into every installation by migration with these ids.
OUR_VOCABULARIES = Path(__file__).resolve().parents[1] / "directory" / "data" / "taxonomies.json"
INSTITUTION_TYPE = "institution_type"


# --- reading --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceRow:
    """One row of one flow, its cells cleaned of stray spaces ("" for a missing cell)."""

    flow: str
    number: int  # from 1, within its flow
    type: str
    name: str
    raw_name: str  # as the source has it
    emails: str  # as the source has it
    code: str
    county: str
    has_emails: bool

    @property
    def where(self) -> str:
        return f"{self.flow} #{self.number}"


def source_rows(source: Any) -> list[SourceRow]:
    """The rows of every flow, in order; a row that is no JSON object counts as one with no cells.
    ValueError when the source is not an object of flows, each a list."""
    if not isinstance(source, Mapping):
        raise ValueError("the source must be a JSON object of flows (flow name → list of rows)")
    rows = []
    for flow, items in source.items():
        if not isinstance(items, list):
            raise ValueError(f"flow {flow!r} must be a list of rows")
        for number, item in enumerate(items, 1):
            if not isinstance(item, Mapping):
                item = {}
            rows.append(
                SourceRow(
                    flow=flow,
                    number=number,
                    type=clean_text(str(item.get(TYPE_KEY) or "")),
                    name=clean_text(str(item.get(NAME_KEY) or "")),
                    raw_name=str(item.get(NAME_KEY) or ""),
                    emails=str(item.get(EMAIL_KEY) or ""),
                    code=clean_text(str(item.get(CODE_KEY) or "")).upper(),
                    county=clean_text(str(item.get(COUNTY_KEY) or "")),
                    has_emails=EMAIL_KEY in item,
                )
            )
    return rows


@dataclass(frozen=True)
class Problem:
    """Something that looks wrong in the source, and what the converter did about it."""

    kind: str
    institution: str  # the full name made, or the row for a row that has none
    detail: str
    rows: tuple[str, ...] = ()

    def __str__(self) -> str:
        rows = f" [{', '.join(self.rows)}]" if self.rows else ""
        return f"{self.institution}: {self.detail}{rows}"


# Each kind of problem, in the order the report lists them, with what the converter did.
PROBLEM_KINDS: dict[str, str] = {
    "no-name": "rows without a type or a name (skipped: there is nothing to name)",
    "unknown-type": "types the converter does not know (skipped)",
    "county-code": "county codes not in ISO 3166-2:RO (the county cell decides, when it names one)",
    "county-cell": "county cells that name another county than the code (the code decides)",
    "name-county": "institutions whose name names another county than they are filed under (kept so)",
    "court-county": "prosecutor offices filed under another county than their town's court (kept so)",
    "several-counties": "institutions filed under several counties in different rows (all are kept)",
    "bucharest-no-sector": "Bucharest rows naming no sector, of a kind of body the source lists per sector",
    "no-court": "prosecutor offices of a town without a first-instance court in the source (named as given)",
    "town-spelling": "town names that look abbreviated or misspelt (kept as the source spells them)",
    "prosecutor-email": "first-instance prosecutor offices whose e-mail does not begin pj_ as the others do",
    "email-invalid": "invalid e-mail addresses (left out)",
    "email-cleaned": "e-mail cells cleaned: invisible characters removed, or ',' used as a separator",
    "email-repeated": "e-mail addresses given twice for one institution (kept once)",
    "email-missing": "rows without an e-mail cell (the institution's other rows give its e-mails)",
    "email-shared": "e-mail addresses of several institutions (kept for each)",
    "personal-email": "addresses that look like a person's (first.last), given as the institution's (kept)",
    "no-email": "institutions left without a valid e-mail address",
}  # fmt: skip


# --- e-mails --------------------------------------------------------------------------------------------

_email = EmailValidator()


def emails_parse(cell: str) -> tuple[list[str], list[tuple[str, str]]]:
    """The valid addresses of an e-mail cell, lower-cased, in order, and (problem kind, detail) pairs."""
    found: list[str] = []
    problems: list[tuple[str, str]] = []
    shown = " ".join(cell.split())
    if INVISIBLE.search(cell):
        problems.append(("email-cleaned", f"invisible characters removed from {shown!r}"))
    for piece in INVISIBLE.sub("", cell).split(";"):
        parts = [part.strip() for part in piece.split(",")]
        if len([part for part in parts if part]) > 1:
            problems.append(("email-cleaned", f"{piece.strip()!r} holds addresses separated by ','"))
        for part in filter(None, parts):
            address = part.lower()
            if not address.isascii():
                odd = ", ".join(f"U+{ord(c):04X} {c}" for c in dict.fromkeys(address) if not c.isascii())
                problems.append(
                    ("email-invalid", f"{part!r} holds a character that is not plain ASCII ({odd})")
                )
                continue
            try:
                _email(address)
            except ValidationError:
                problems.append(("email-invalid", f"{part!r} is not an e-mail address"))
                continue
            if address in found:
                problems.append(("email-repeated", f"{address} is given twice in {shown!r}"))
                continue
            found.append(address)
    return found, problems


# --- converting -----------------------------------------------------------------------------------------


@dataclass
class Institution:
    """One institution: the source's rows of it, and what is made of them."""

    type: InstitutionType
    source_name: str
    sector: int | None
    rows: list[SourceRow] = field(default_factory=list)
    name: str = ""
    alternate_name: str = ""
    place: str = ""  # the town or county the name is built from, as the name writes it
    named_county: str | None = None  # the county (ISO code) a county body's name names
    counties: list[str] = field(default_factory=list)  # ISO codes it is filed under, in the rows' order
    emails: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        """The source's type and name (and sector): what tells two institutions apart, and gives the id."""
        parts = [self.type.source, self.source_name]
        if self.sector is not None:
            parts.append(f"sector {self.sector}")
        return "\n".join(parts)

    @property
    def id(self) -> str:
        return str(uuid.uuid5(NAMESPACE, self.key))

    def wheres(self, codes: Iterable[str] | None = None) -> tuple[str, ...]:
        """Where its rows are in the source (only those filed under one of these codes, if given)."""
        wanted = None if codes is None else set(codes)
        return tuple(row.where for row in self.rows if wanted is None or row.code in wanted)


@dataclass
class Conversion:
    """What a conversion made, and what it found wrong in the source."""

    organizations: list[dict[str, Any]]
    institutions: list[Institution]
    problems: list[Problem]
    rows: int  # in every flow
    flows: int
    pairs: int  # distinct (type, name), as the source's README counts them

    def problems_of(self, kind: str) -> list[Problem]:
        return [problem for problem in self.problems if problem.kind == kind]

    def report(self) -> str:
        by_type: dict[str, int] = {}
        for institution in self.institutions:
            by_type[institution.type.source] = by_type.get(institution.type.source, 0) + 1
        lines = [
            f"Romanian public institutions from {SOURCE}.",
            f"{self.rows} rows in {self.flows} flows; {self.pairs} distinct (type, name) pairs; "
            f"{len(self.organizations)} organisations (Bucharest's DGASPC rows are told apart by sector).",
            "By type: " + "; ".join(f"{name} {count}" for name, count in by_type.items()) + ".",
            f"Found wrong or doubtful: {len(self.problems)}, kept as the source has them unless said so.",
        ]
        for kind, meaning in PROBLEM_KINDS.items():
            found = self.problems_of(kind)
            if found:
                lines += ["", f"{kind}: {meaning}: {len(found)}"]
                lines += [f"  - {problem}" for problem in found]
        return "\n".join(lines) + "\n"


def ro_institutions_convert(source: Any) -> Conversion:
    """Convert the source's flows (the JSON object of institutions.json) into HSDS organisations."""
    return _Converter(source).run()


def ro_institutions_convert_file(path: Path) -> Conversion:
    return ro_institutions_convert(json.loads(Path(path).read_text(encoding="utf-8")))


def ro_institutions_json(conversion: Conversion) -> str:
    """The organisations as the demo keeps them: a JSON list, one organisation a line."""
    lines = [json.dumps(organization, ensure_ascii=False) for organization in conversion.organizations]
    return "[\n" + ",\n".join(lines) + "\n]\n"


def _county_name(code: str) -> str:
    return f"{COUNTIES[code]} ({code})"


def _place_text(institution: Institution) -> tuple[str, str]:
    """Where the institution is, in Romanian and English, for its description."""
    if institution.type.scope == "national":
        return "la nivel național", "national level"
    counties = institution.counties
    if institution.sector is not None:
        return (
            f"municipiul București, sectorul {institution.sector}",
            f"Bucharest, sector {institution.sector}",
        )
    if not counties:
        return "", ""
    if counties == [BUCHAREST]:
        return "municipiul București", "Bucharest"
    names = [COUNTIES[code] for code in counties]
    if len(names) == 1:
        return f"județul {names[0]}", f"{names[0]} County"
    listed_ro = ", ".join(names[:-1]) + " și " + names[-1]
    listed_en = ", ".join(names[:-1]) + " and " + names[-1]
    return f"județele {listed_ro}", f"the counties of {listed_en}"


class _Converter:
    def __init__(self, source: Any) -> None:
        self.rows = source_rows(source)
        self.flows = len(source)
        self.problems: list[Problem] = []
        self.generic_terms = _our_institution_types()
        self.with_county_problem: set[str] = set()

    def problem(self, kind: str, institution: str, detail: str, rows: Iterable[str] = ()) -> None:
        self.problems.append(Problem(kind, institution, detail, tuple(rows)))

    def run(self) -> Conversion:
        institutions = self.institutions()
        for institution in institutions:
            self.name(institution)
            self.counties(institution)
        self.check_courts(institutions)
        for institution in institutions:
            self.check_several_counties(institution)
            self.emails(institution)
        self.check_shared_emails(institutions)
        self.check_personal_emails(institutions)
        self.check_towns(institutions)
        central = {i.type.code: i.id for i in institutions if i.type.scope == "national"}
        organizations = [self.organization(institution, central) for institution in institutions]
        kinds = list(PROBLEM_KINDS)
        self.problems.sort(key=lambda problem: kinds.index(problem.kind))  # stable: source order within
        return Conversion(
            organizations=organizations,
            institutions=institutions,
            problems=self.problems,
            rows=len(self.rows),
            flows=self.flows,
            pairs=len({(row.type, row.name) for row in self.rows if row.type and row.name}),
        )

    def institutions(self) -> list[Institution]:
        """The source's rows merged by (type, name), and by sector for Bucharest's bodies kept per sector."""
        found: dict[str, Institution] = {}
        for row in self.rows:
            if not row.type or not row.name:
                missing = " and ".join(
                    what for what, value in (("type", row.type), ("name", row.name)) if not value
                )
                self.problem("no-name", row.where, f"the row has no {missing}", [row.where])
                continue
            kind = TYPES.get(row.type)
            if kind is None:
                self.problem("unknown-type", row.name, f"type {row.type!r}", [row.where])
                continue
            sector = None
            if kind.sector_pattern and row.code == BUCHAREST:
                sector = sector_of_text(row.name) or sector_of_text(row.county)
            institution = Institution(kind, row.name, sector)
            found.setdefault(institution.key, institution).rows.append(row)
        return list(found.values())

    # --- names

    def name(self, institution: Institution) -> None:
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
            self.name_county_body(institution)
        if kind.abbreviation and kind.scope == "national":
            institution.alternate_name = kind.abbreviation
        elif kind.abbreviation and institution.place:
            institution.alternate_name = f"{kind.abbreviation} {institution.place}"

    def name_county_body(self, institution: Institution) -> None:
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
            self.problem("name-county", institution.name, "its name names no county", institution.wheres())
            return
        institution.named_county = code
        institution.place = COUNTIES[code]
        institution.name = kind.pattern.format(place=institution.place)

    # --- counties

    def counties(self, institution: Institution) -> None:
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
            self.problem(kind, name, detail, wheres)
        named = institution.named_county
        if named and any(code != named for code in institution.counties):
            elsewhere = [code for code in institution.counties if code != named]
            filed = ", ".join(_county_name(code) for code in elsewhere)
            self.problem(
                "name-county",
                name,
                f"its name says {_county_name(named)}, but it is filed under {filed}",
                institution.wheres(elsewhere),
            )
            self.with_county_problem.add(institution.key)

    def check_courts(self, institutions: list[Institution]) -> None:
        """Prosecutor offices against the courts of their towns: same county, and a court there at all."""
        courts: dict[str, Institution] = {}
        for institution in institutions:
            if institution.type.code == "first_instance_court":
                courts[self.town_key(institution)] = institution
        for institution in institutions:
            if institution.type.code != "first_instance_prosecutor":
                continue
            court = courts.get(self.town_key(institution))
            if court is None:
                # "Parchetul de pe lângă Judecătoria Dolj" would name a court that does not exist: the office
                # keeps the source's own words, and the report says why.
                built = institution.name
                institution.name = f"{institution.type.source} {title_case(institution.source_name)}"
                county = county_of_text(institution.place)
                hint = f"; so is a county: {COUNTIES[county]} (RO-{county})" if county else ""
                self.problem(
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
                self.problem(
                    "court-county",
                    institution.name,
                    f"filed under {filed}, while {court.name} is filed under {courts_county}",
                    institution.wheres(elsewhere),
                )
                self.with_county_problem.add(institution.key)

    @staticmethod
    def town_key(institution: Institution) -> str:
        return f"sector{institution.sector}" if institution.sector is not None else _key(institution.place)

    def check_several_counties(self, institution: Institution) -> None:
        if len(institution.counties) < 2 or institution.type.scope == "office":
            return  # an Ombudsman's office serves several counties
        if institution.key in self.with_county_problem:
            return  # said already
        filed = "; ".join(
            f"{_county_name(code)} in {', '.join(institution.wheres([code]))}"
            for code in institution.counties
        )
        self.problem("several-counties", institution.name, f"filed under {filed}")

    # --- e-mails

    def emails(self, institution: Institution) -> None:
        by_problem: dict[tuple[str, str], list[str]] = {}
        for row in institution.rows:
            if not row.has_emails:
                by_problem.setdefault(("email-missing", "no e-mail cell"), []).append(row.where)
            addresses, problems = emails_parse(row.emails)
            for address in addresses:
                if address not in institution.emails:
                    institution.emails.append(address)
            for kind, detail in problems:
                by_problem.setdefault((kind, detail), []).append(row.where)
        for (kind, detail), wheres in by_problem.items():
            self.problem(kind, institution.name, detail, wheres)
        if not institution.emails:
            self.problem("no-email", institution.name, "no valid e-mail address", institution.wheres())
        if institution.type.code == "first_instance_prosecutor":
            for address in institution.emails:
                local, _, domain = address.partition("@")
                if domain == "mpublic.ro" and not local.startswith("pj_"):
                    prefix = local.split("_")[0] + "_"
                    self.problem(
                        "prosecutor-email",
                        institution.name,
                        f"{address} begins {prefix}, where the others of its kind begin pj_",
                        institution.wheres(),
                    )

    def check_shared_emails(self, institutions: list[Institution]) -> None:
        holders: dict[str, list[Institution]] = {}
        for institution in institutions:
            for address in institution.emails:
                holders.setdefault(address, []).append(institution)
        for address, sharing in holders.items():
            if len(sharing) > 1:
                names = "; ".join(institution.name for institution in sharing)
                wheres = [where for institution in sharing for where in institution.wheres()]
                self.problem("email-shared", address, f"the e-mail of {names}", wheres)

    def check_personal_emails(self, institutions: list[Institution]) -> None:
        """Addresses made of two or more words, none of them a word of the institution's name or of an
        office's address ("office", "registratura"): a person's own, most likely."""
        for institution in institutions:
            own = set(fold(f"{institution.name} {institution.source_name}").split())
            for address in institution.emails:
                words = re.split(r"[._-]", address.partition("@")[0])
                if len(words) > 1 and all(
                    word.isalpha() and len(word) > 2 and word not in OFFICE_WORDS and word not in own
                    for word in words
                ):
                    self.problem("personal-email", institution.name, address, institution.wheres())

    # --- towns

    def check_towns(self, institutions: list[Institution]) -> None:
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
                self.problem("town-spelling", repr(town), f"{' and '.join(reasons)}, in: {names}", wheres)

    # --- HSDS

    def organization(self, institution: Institution, central: Mapping[str, str]) -> dict[str, Any]:
        org_id = institution.id
        kind = institution.type
        place_ro, place_en = _place_text(institution)
        noun_ro, noun_en = kind.noun_ro or kind.name_ro, kind.noun_en or kind.name_en
        organization: dict[str, Any] = {
            "id": org_id,
            "name": institution.name,
            "alternate_name": institution.alternate_name,
            "description": f"{noun_ro}, {place_ro}." if place_ro else f"{noun_ro}.",
            "language": "ro",
            "translations": {"en": {"description": f"{noun_en}, {place_en}." if place_en else f"{noun_en}."}},
            "email": institution.emails[0] if institution.emails else "",
            "country": "RO",
        }
        if kind.scope == "office" and "ombudsman" in central:
            organization["parent_organization_id"] = central["ombudsman"]
        organization["contacts"] = [
            {"id": _id(org_id, "contact", address), "organization_id": org_id, "email": address}
            for address in institution.emails[1:]
        ]
        attributes = [self.type_attribute(org_id, kind)]
        attributes += [
            _attribute(org_id, INSTITUTION_TYPE, self.generic_terms[code]) for code in kind.generic
        ]
        attributes += [
            _attribute(org_id, "service_area", _county_term(code)) for code in institution.counties
        ]
        organization["attributes"] = attributes
        organization["metadata"] = [
            {
                "id": _id(org_id, "metadata", "name"),
                "resource_id": org_id,
                "resource_type": "organization",
                "last_action_date": SOURCE_DATE,
                "last_action_type": "create",
                "field_name": "name",
                "previous_value": institution.rows[0].raw_name,
                "replacement_value": institution.name,
                "updated_by": f"refugiu demo_ro_institutions, from {SOURCE}",
            }
        ]
        return organization

    def type_attribute(self, org_id: str, kind: InstitutionType) -> dict[str, Any]:
        term = {
            "id": _id("term", TYPES_TAXONOMY["id"], kind.code),
            "name": kind.name_en,
            "description": kind.name_en,
            "code": kind.code,
            "taxonomy_id": TYPES_TAXONOMY["id"],
            "taxonomy": TYPES_TAXONOMY["name"],
            "taxonomy_detail": TYPES_TAXONOMY,
            "language": "en",
            "translations": {"ro": {"name": kind.name_ro, "description": kind.name_ro}},
        }
        return _attribute(org_id, INSTITUTION_TYPE, term)


def _id(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "\n".join(parts)))


def _attribute(org_id: str, link_type: str, term: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": _id(org_id, "attribute", term["id"]),
        "link_id": org_id,
        "link_type": link_type,
        "link_entity": "organization",
        "taxonomy_term_id": term["id"],
        "taxonomy_term": term,
    }


def _county_term(code: str) -> dict[str, Any]:
    return {
        "id": _id("term", COUNTIES_TAXONOMY["id"], code),
        "name": COUNTIES[code],
        "description": f"{COUNTIES[code]} (RO-{code})",
        "code": f"RO-{code}",
        "taxonomy_id": COUNTIES_TAXONOMY["id"],
        "taxonomy": COUNTIES_TAXONOMY["name"],
        "taxonomy_detail": COUNTIES_TAXONOMY,
    }


def _our_institution_types() -> dict[str, dict[str, Any]]:
    """The terms of the directory's "Institution type" vocabulary by code, as demo_directory.json has them."""
    for taxonomy in json.loads(OUR_VOCABULARIES.read_text(encoding="utf-8")):
        if taxonomy["slug"] == INSTITUTION_TYPE:
            return {
                term["code"]: {
                    "id": term["id"],
                    "name": term["name"],
                    "description": term["name"],
                    "code": term["code"],
                    "taxonomy_id": taxonomy["id"],
                    "taxonomy": taxonomy["name"],
                }
                for term in taxonomy["terms"]
            }
    raise LookupError(f"no {INSTITUTION_TYPE} vocabulary in {OUR_VOCABULARIES}")
