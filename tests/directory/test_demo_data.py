"""The demo referral directory (demo/data/demo_directory.json): every body the seed report names.

The file is HSDS 3 organisations in full form, plus our extension fields `country`, `language` and
`translations`. Checked here: that it is well formed against our vocabularies, that it holds no contact
data the report does not give, that its names are the report's, and that it loads and can be searched.
"""

import json
import re
import uuid
from pathlib import Path

import pytest

from refugiu.core.folding import fold
from tests.conftest import SEED_REPORT, needs_seed_report

SOURCES = Path(__file__).resolve().parents[2] / "src" / "refugiu"
DEMO_FILE = SOURCES / "demo" / "data" / "demo_directory.json"
TAXONOMIES_FILE = SOURCES / "directory" / "data" / "taxonomies.json"

PRO_REFUGIU = "Pro Refugiu Association"
CONTACT_FIELDS = ("email", "website", "url", "phones", "contacts", "locations", "addresses", "logo", "uri")
PHONE_LIKE = re.compile(r"\+?\d[\d ()./-]{6,}\d")
EMAIL_LIKE = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
WEB_LIKE = re.compile(r"https?://|www\.", re.IGNORECASE)

# Read off the report by hand: its partner list (international, national, networks) and the project
# partners, as the file names them. A body the report spells two ways is listed under the spelling the
# file uses as its name; the other spelling is its alternate_name.
REPORT_PARTNERS = (
    # international partners
    "KOK - German NGO network against trafficking in human beings",
    "ECPAT Germany",
    "Crime Prevention Council of Lower Saxony",
    "Verein für Internationale Jugendarbeit e.V. Landesverein Württemberg",
    "Caritas International",
    "Center for the Study of Democracy",
    "Bulgarian Gender Research Foundation",
    "Demetra Association",
    "Centre for European Constitutional Law",
    "Italian Coalition for Civil Liberties and Rights",
    "Association Trabe Iniciativas para la Economia Social y Solidaria",
    "Scandinavian Human Rights Lawyers",
    "European Institute for Crime Prevention and Control, affiliated with the United Nations",
    # networks (membership)
    "EU Civil Society Platform against Trafficking in Human Beings",
    "Fundamental Rights Platform of the European Union Agency for Fundamental Rights",
    # national partners
    "National Agency against Trafficking in Persons",
    "Romanian General Inspectorate for Immigration",
    "National Institute for Magistracy",
    "Bucharest Bar",
    "National Union of Romanian Bars",
    "National Agency for Community Programmes for Education and Professional Development",
    "Bucharest University, Faculty of Sociology and Social Assistance",
    "Betania Association",
    "People to People Foundation",
    "East European Institute for Reproductive Health",
    "General Directorates for Social Assistance and Child Protection",
    # participants in the local conference of 27 September 2019 and other events
    "Hotel Industry Federation of Romania",
    "Directorate for Investigating Organised Crime and Terrorism",
    "Ministry for Romanians Abroad",
    "Ministry of Justice",
    "Agency for Employment",
    "Romanian Police",
    "La Strada International",
)
# The international partners as the report lists them, with the country it gives (in words or in the name).
PARTNERS_ABROAD = {
    "KOK - German NGO network against trafficking in human beings": "DE",
    "ECPAT Germany": "DE",
    "Crime Prevention Council of Lower Saxony": "DE",
    "Verein für Internationale Jugendarbeit e.V. Landesverein Württemberg": "DE",
    "Caritas International": "BE",
    "Center for the Study of Democracy": "BG",
    "Bulgarian Gender Research Foundation": "BG",
    "Demetra Association": "BG",
    "Centre for European Constitutional Law": "GR",
    "Italian Coalition for Civil Liberties and Rights": "IT",
    "Association Trabe Iniciativas para la Economia Social y Solidaria": "ES",
    "Scandinavian Human Rights Lawyers": "SE",
    "European Institute for Crime Prevention and Control, affiliated with the United Nations": "FI",
}
GERMAN = {
    "KOK - German NGO network against trafficking in human beings",
    "ECPAT Germany",
    "Crime Prevention Council of Lower Saxony",
    "Verein für Internationale Jugendarbeit e.V. Landesverein Württemberg",
}


def load_demo() -> list[dict]:
    return json.loads(DEMO_FILE.read_text(encoding="utf-8"))


def by_name() -> dict[str, dict]:
    return {organization["name"]: organization for organization in load_demo()}


def vocabulary_terms() -> dict[str, tuple[dict, dict]]:
    """term id → (taxonomy, term), from our vocabularies."""
    taxonomies = json.loads(TAXONOMIES_FILE.read_text(encoding="utf-8"))
    return {term["id"]: (taxonomy, term) for taxonomy in taxonomies for term in taxonomy["terms"]}


def records(organization: dict):
    """(kind, record) of an organisation and everything nested in it, taxonomy terms left out."""
    yield "organization", organization
    for location in organization.get("locations", []):
        yield "location", location
        for address in location.get("addresses", []):
            yield "address", address
    for service in organization.get("services", []):
        yield "service", service
        for attribute in service.get("attributes", []):
            yield "attribute", attribute
    for attribute in organization.get("attributes", []):
        yield "attribute", attribute


def strings(value, path=""):
    """(path, string) of every string anywhere in a JSON value, ids left out."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key != "id" and not key.endswith("_id"):
                yield from strings(item, f"{path}.{key}")
    elif isinstance(value, list):
        for position, item in enumerate(value):
            yield from strings(item, f"{path}[{position}]")


def squeeze(text: str) -> str:
    return " ".join(text.split())


# --- (1) the file on its own --------------------------------------------------------------------------------


def test_file_is_a_list_of_hsds_organizations():
    organizations = load_demo()
    assert isinstance(organizations, list) and len(organizations) >= 30
    for organization in organizations:
        assert organization["name"].strip() and organization["description"].strip(), organization["name"]
        assert organization["language"] == "en"
        assert re.fullmatch(r"[A-Z]{2}|", organization["country"]), organization["name"]
        for service in organization.get("services", []):
            assert service["organization_id"] == organization["id"]
            assert service["status"] == "active" and service["name"] and service["description"]
            assert service["language"] == "en"
        for location in organization.get("locations", []):
            for address in location["addresses"]:
                for key in ("address_1", "city", "state_province", "postal_code", "country", "address_type"):
                    assert key in address


def test_every_id_is_a_unique_uuid():
    seen = set()
    for organization in load_demo():
        for kind, record in records(organization):
            parsed = uuid.UUID(record["id"])
            assert parsed.version == 4 and str(parsed) == record["id"], (kind, record["id"])
            assert record["id"] not in seen, (kind, record["id"])
            seen.add(record["id"])


def test_no_two_organizations_share_a_name():
    names = [o["name"].casefold() for o in load_demo()]
    alternates = [o["alternate_name"].casefold() for o in load_demo() if o.get("alternate_name")]
    assert len(set(names)) == len(names)
    assert not set(names) & set(alternates)


def test_attributes_refer_to_our_vocabularies():
    terms = vocabulary_terms()
    names = by_name()
    for organization in load_demo():
        for kind, record in records(organization):
            for attribute in record.get("attributes", []) if kind in ("organization", "service") else []:
                assert attribute["link_id"] == record["id"]
                assert attribute["link_entity"] == kind
                term_id = attribute["taxonomy_term_id"]
                assert term_id in terms, (organization["name"], term_id)
                taxonomy, term = terms[term_id]
                given = attribute["taxonomy_term"]
                assert given["id"] == term_id
                assert (given["code"], given["name"]) == (term["code"], term["name"])
                assert (given["taxonomy_id"], given["taxonomy"]) == (taxonomy["id"], taxonomy["name"])
                assert attribute["link_type"] == taxonomy["slug"]
                if kind == "service":
                    assert taxonomy["slug"] != "institution_type"
            if kind == "organization":
                term_ids = [a["taxonomy_term_id"] for a in record.get("attributes", [])]
                assert len(term_ids) == len(set(term_ids)), record["name"]
    parent = names["Fundamental Rights Platform of the European Union Agency for Fundamental Rights"]
    assert parent["parent_organization_id"] == names["European Union Agency for Fundamental Rights"]["id"]


def test_institution_types_of_key_bodies():
    terms = vocabulary_terms()

    def codes(name):
        return {
            terms[a["taxonomy_term_id"]][1]["code"]
            for a in by_name()[name]["attributes"]
            if a["link_type"] == "institution_type"
        }

    assert codes("Bucharest Bar") == {"bar_association"}
    assert codes("National Agency against Trafficking in Persons") == {"anti_trafficking"}
    assert codes("Romanian General Inspectorate for Immigration") == {"immigration_asylum"}
    assert codes("Directorate for Investigating Organised Crime and Terrorism") == {"prosecutor"}
    assert codes("General Directorates for Social Assistance and Child Protection") == {
        "social_assistance",
        "child_protection",
    }
    assert codes("Hotel Industry Federation of Romania") == {"business_association"}
    assert codes("Agency for Employment") == {"employment_agency"}
    assert "ngo" in codes(PRO_REFUGIU)


def test_no_invented_contact_data():
    """No phones anywhere; an email, a website, an address only for Pro Refugiu, as the report gives them."""
    for organization in load_demo():
        for path, text in strings(organization):
            assert not PHONE_LIKE.search(text), (organization["name"], path, text)
        for _kind, record in records(organization):
            assert not record.get("phones") and not record.get("contacts")
        if organization["name"] == PRO_REFUGIU:
            continue
        for key in CONTACT_FIELDS:
            assert not organization.get(key), (organization["name"], key)
        for service in organization.get("services", []):
            for key in CONTACT_FIELDS:
                assert not service.get(key), (organization["name"], service["name"], key)
        for path, text in strings(organization):
            assert not EMAIL_LIKE.search(text) and not WEB_LIKE.search(text), (organization["name"], path)
        assert "year_incorporated" not in organization


def test_pro_refugiu_contact_details_are_the_reports():
    pro_refugiu = by_name()[PRO_REFUGIU]
    assert pro_refugiu["country"] == "RO"
    assert pro_refugiu["email"] == "office@prorefugiu.org"
    assert pro_refugiu["website"] == "https://www.prorefugiu.org"
    assert pro_refugiu["year_incorporated"] == 2011
    [location] = pro_refugiu["locations"]
    assert location["location_type"] == "physical"
    [address] = location["addresses"]
    assert address == {
        "id": address["id"],
        "address_1": "56 Calea Crângași Street, sector 6",
        "city": "Bucharest",
        "state_province": "Bucharest",
        "postal_code": "",
        "country": "RO",
        "address_type": "physical",
    }
    for path, text in strings(pro_refugiu):
        for email in EMAIL_LIKE.findall(text):
            assert email == "office@prorefugiu.org", path
        assert not PHONE_LIKE.search(text), path
    assert pro_refugiu["translations"]["ro"]["name"] == "Asociația PRO REFUGIU"
    assert {"ro", "uk", "ru", "ar"} == set(pro_refugiu["translations"])
    assert not [o["name"] for o in load_demo() if o.get("translations") and o["name"] != PRO_REFUGIU]


def test_pro_refugiu_is_translated_into_the_languages_of_the_people_it_helps():
    """Its own entry and every one of its services in Romanian, Ukrainian, Russian and Arabic: our
    translations of our own English text. The organisation keeps its name (it uses no other in those
    languages); a service's name, description and who can use it are translated. How to apply is not
    given in any language: the report does not say."""
    pro_refugiu = by_name()[PRO_REFUGIU]
    for language in ("uk", "ru", "ar"):
        assert set(pro_refugiu["translations"][language]) == {"description"}
    scripts = {"ro": r"[a-zăâîșț]", "uk": r"[а-яіїєґ]", "ru": r"[а-яё]", "ar": r"[\u0600-\u06ff]"}
    for service in pro_refugiu["services"]:
        assert service["eligibility_description"] and not service.get("application_process")
        assert set(service["translations"]) == set(scripts)
        for language, letters in scripts.items():
            texts = service["translations"][language]
            assert set(texts) == {"name", "description", "eligibility_description"}, service["name"]
            for text in texts.values():
                assert re.search(letters, text.lower()) and text not in strings_of(service), (language, text)
    assert re.search("[іїєґ]", " ".join(s["translations"]["uk"]["name"] for s in pro_refugiu["services"]))


def strings_of(service: dict) -> set[str]:
    """The English texts of a service."""
    return {service[key] for key in ("name", "description", "eligibility_description")}


def test_pro_refugiu_services_are_the_reports():
    terms = vocabulary_terms()
    services = {
        s["name"]: {terms[a["taxonomy_term_id"]][1]["code"] for a in s["attributes"]}
        for s in by_name()[PRO_REFUGIU]["services"]
    }
    for service_type in ("legal_counselling", "social_counselling", "psychological_counselling"):
        assert any({service_type, "trafficking_victims"} <= codes for codes in services.values())
        assert any({service_type, "asylum_seekers", "refugees"} <= codes for codes in services.values())
    # The report lists mediators among the staff, but no mediation service.
    assert not {"cultural_mediation", "medical_mediation"} & set().union(*services.values())


# --- (2) against the report ---------------------------------------------------------------------------------


@pytest.fixture
def report() -> str:
    return squeeze(SEED_REPORT.read_text(encoding="utf-8"))


@needs_seed_report
def test_every_name_is_spelt_as_in_the_report(report):
    for organization in load_demo():
        assert squeeze(organization["name"]) in report, organization["name"]
        if organization.get("alternate_name"):
            assert squeeze(organization["alternate_name"]) in report, organization["alternate_name"]


@needs_seed_report
def test_every_partner_of_the_report_is_in_the_file(report):
    names = by_name()
    for partner in REPORT_PARTNERS:
        assert squeeze(partner) in report, partner
        assert partner in names, partner
    assert PRO_REFUGIU in names
    assert {name for name, o in names.items() if o["country"] == "DE"} == GERMAN


@needs_seed_report
def test_every_partner_abroad_has_the_reports_country(report):
    """The report's list of international partners, each a directory organisation of its country."""
    partners = report[report.index("International partners") : report.index("Networks (membership)")]
    listed = re.findall(r"<p>(.*?)</p>", partners)
    assert len(listed) == len(PARTNERS_ABROAD)
    names = by_name()
    for line, (name, country) in zip(listed, PARTNERS_ABROAD.items(), strict=True):
        assert " ".join(fold(name).split()[:3]) in fold(line), (line, name)  # in the report's order
        assert names[name]["country"] == country, name


@needs_seed_report
def test_descriptions_are_not_copied_from_the_report(report):
    """No run of eight words of a description is the report's (our own words, as the seed asks).

    A run that is part of a body's name does not count: a description may name the body it belongs to.
    """

    def words(text):
        return re.findall(r"\w+", text.casefold())

    report_words = f" {' '.join(words(report))} "
    names = [f" {' '.join(words(o['name']))} " for o in load_demo()]
    for organization in load_demo():
        texts = [organization["description"]] + [s["description"] for s in organization.get("services", [])]
        for text in texts:
            text_words = words(text)
            for start in range(len(text_words) - 7):
                run = f" {' '.join(text_words[start : start + 8])} "
                if not any(run in name for name in names):
                    assert run not in report_words, (organization["name"], run)


# --- (3) loaded into the directory and searched -----------------------------------------------------------


@pytest.fixture
def loaded(db):
    from refugiu.directory.hsds.importer import hsds_import_organizations

    return hsds_import_organizations(load_demo())


def test_demo_loads(loaded):
    from refugiu.directory.models import Address, Attribute, Organization, Service

    organizations = load_demo()
    assert loaded.organizations.created == len(organizations)
    assert Organization.objects.count() == len(organizations)
    assert dict(Organization.objects.values_list("name", "country")) == {
        o["name"]: o["country"] for o in organizations
    }
    pro_refugiu = Organization.objects.get(name=PRO_REFUGIU)
    assert pro_refugiu.translated("name", "ro") == "Asociația PRO REFUGIU"
    assert pro_refugiu.services.count() == Service.objects.count() == len(by_name()[PRO_REFUGIU]["services"])
    assert Address.objects.get().address_1 == "56 Calea Crângași Street, sector 6"
    attributes = sum(len(record.get("attributes", [])) for o in organizations for _, record in records(o))
    assert Attribute.objects.count() == attributes


def test_demo_loads_twice_without_change(loaded):
    from refugiu.directory.hsds.importer import hsds_import_organizations

    again = hsds_import_organizations(load_demo())
    assert again.organizations.created == 0 and again.organizations.updated == len(load_demo())
    assert all(counts.removed == 0 for counts in again.counts().values())


def test_demo_is_searchable(loaded):
    from refugiu.directory.search import directory_search

    ids = {name: organization["id"] for name, organization in by_name().items()}
    organization_hits = lambda result: {i for kind, i in result.hits if kind == "organization"}  # noqa: E731

    assert organization_hits(directory_search(query="crangasi")) == {ids[PRO_REFUGIU]}
    assert organization_hits(directory_search(query="wurttemberg")) == {
        ids["Verein für Internationale Jugendarbeit e.V. Landesverein Württemberg"]
    }
    german = directory_search(filters={"country": "DE"}, limit=100)
    assert organization_hits(german) == {ids[name] for name in GERMAN}
    heuni = ids["European Institute for Crime Prevention and Control, affiliated with the United Nations"]
    assert directory_search(query="heuni").hits == [("organization", heuni)]
    bars = directory_search(filters={"institution_type": "bar_association"}, limit=100)
    assert organization_hits(bars) == {ids["Bucharest Bar"], ids["National Union of Romanian Bars"]}
