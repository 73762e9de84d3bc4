"""The conversion: the source's rows merged into institutions, each named, filed under its counties and
given its e-mails, every doubt reported, and the whole written as the demo keeps it."""

import json
from pathlib import Path
from typing import Any

from refugiu.demo.ro_institutions import hsds
from refugiu.demo.ro_institutions.counties import (
    BUCHAREST,
    check_courts,
    check_several_counties,
    file_under_counties,
    sector_of_text,
)
from refugiu.demo.ro_institutions.emails import check_personal_emails, check_shared_emails, gather_emails
from refugiu.demo.ro_institutions.institutions import TYPES, Institution
from refugiu.demo.ro_institutions.names import check_towns, name_institution
from refugiu.demo.ro_institutions.report import PROBLEM_KINDS, Conversion, Doubts
from refugiu.demo.ro_institutions.source import SourceRow, source_rows


def ro_institutions_convert(source: Any) -> Conversion:
    """Convert the source's flows (the JSON object of institutions.json) into HSDS organisations."""
    rows = source_rows(source)
    flows = len(source)
    doubts = Doubts()
    generic_terms = hsds.our_institution_types()
    institutions = _institutions(rows, doubts)
    for institution in institutions:
        name_institution(institution, doubts)
        file_under_counties(institution, doubts)
    check_courts(institutions, doubts)
    for institution in institutions:
        check_several_counties(institution, doubts)
        gather_emails(institution, doubts)
    check_shared_emails(institutions, doubts)
    check_personal_emails(institutions, doubts)
    check_towns(institutions, doubts)
    central = {i.type.code: i.id for i in institutions if i.type.scope == "national"}
    organizations = [hsds.organization(institution, central, generic_terms) for institution in institutions]
    kinds = list(PROBLEM_KINDS)
    doubts.problems.sort(key=lambda problem: kinds.index(problem.kind))  # stable: source order within
    return Conversion(
        organizations=organizations,
        institutions=institutions,
        problems=doubts.problems,
        rows=len(rows),
        flows=flows,
        pairs=len({(row.type, row.name) for row in rows if row.type and row.name}),
    )


def ro_institutions_convert_file(path: Path) -> Conversion:
    return ro_institutions_convert(json.loads(Path(path).read_text(encoding="utf-8")))


def ro_institutions_json(conversion: Conversion) -> str:
    """The organisations as the demo keeps them: a JSON list, one organisation a line."""
    lines = [json.dumps(organization, ensure_ascii=False) for organization in conversion.organizations]
    return "[\n" + ",\n".join(lines) + "\n]\n"


def _institutions(rows: list[SourceRow], doubts: Doubts) -> list[Institution]:
    """The source's rows merged by (type, name), and by sector for Bucharest's bodies kept per sector."""
    found: dict[str, Institution] = {}
    for row in rows:
        if not row.type or not row.name:
            missing = " and ".join(
                what for what, value in (("type", row.type), ("name", row.name)) if not value
            )
            doubts.problem("no-name", row.where, f"the row has no {missing}", [row.where])
            continue
        kind = TYPES.get(row.type)
        if kind is None:
            doubts.problem("unknown-type", row.name, f"type {row.type!r}", [row.where])
            continue
        sector = None
        if kind.sector_pattern and row.code == BUCHAREST:
            sector = sector_of_text(row.name) or sector_of_text(row.county)
        institution = Institution(kind, row.name, sector)
        found.setdefault(institution.key, institution).rows.append(row)
    return list(found.values())
