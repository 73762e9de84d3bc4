"""HSDS building: each institution as an HSDS 3 organisation in full form (the shape of
demo_directory.json), with its type and county as taxonomy terms and the source in its metadata."""

import json
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from refugiu.demo.ro_institutions.counties import BUCHAREST, COUNTIES
from refugiu.demo.ro_institutions.institutions import Institution, InstitutionType
from refugiu.demo.ro_institutions.source import NAMESPACE, SOURCE, SOURCE_DATE

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
OUR_VOCABULARIES = Path(__file__).resolve().parents[2] / "directory" / "data" / "taxonomies.json"
INSTITUTION_TYPE = "institution_type"


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


def organization(
    institution: Institution, central: Mapping[str, str], generic_terms: Mapping[str, dict[str, Any]]
) -> dict[str, Any]:
    """The institution as an HSDS organisation in full form, as demo_directory.json has them."""
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
    attributes = [type_attribute(org_id, kind)]
    attributes += [_attribute(org_id, INSTITUTION_TYPE, generic_terms[code]) for code in kind.generic]
    attributes += [_attribute(org_id, "service_area", _county_term(code)) for code in institution.counties]
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


def type_attribute(org_id: str, kind: InstitutionType) -> dict[str, Any]:
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


def our_institution_types() -> dict[str, dict[str, Any]]:
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
