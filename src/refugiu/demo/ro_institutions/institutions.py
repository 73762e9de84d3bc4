"""The institution types the source knows, what we make of each, and an institution: the source's rows of
one (type, name), and the name, counties and e-mails made of them."""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from refugiu.demo.ro_institutions.source import NAMESPACE, SourceRow


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
