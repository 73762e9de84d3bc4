"""The public HSDS 3.0 API: every endpoint against the official schemas, the confidentiality of shelter
addresses in every response, parameters, filters, search ranking, pagination and the cost of a page."""

import datetime as dt
import functools
import json
import uuid
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from refugiu.directory import models as d
from refugiu.directory.hsds.importer import hsds_import_path
from refugiu.directory.search import directory_search, search_reindex_organizations
from tests.conftest import HSDS_DIR, needs_shared_hsds
from tests.factories import (
    AddressFactory,
    ContactFactory,
    LanguageFactory,
    LocationFactory,
    OrganizationFactory,
    PhoneFactory,
    ScheduleFactory,
    ServiceAreaFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
    attach_term,
)

pytestmark = pytest.mark.django_db

API = "/api/hsds"
# What only the shelter's own records hold: none of it may appear in any response or export.
SECRET_STREET = "Strada Ascunsă 13"
SECRETS = (
    SECRET_STREET,
    "Ascuns",
    "Voluntari",  # the real city, in the address and the location's real name
    "077190",  # postal code
    "44.512345",  # latitude
    "26.054321",  # longitude
    "Bus 41",  # transportation
    "blue gate",  # description, and its translation
    "Casa Albastr",  # alternate name
    "SECRET-UPRN",  # external identifier
    "799 111 222",  # the shelter's own phone, also linked to its service
    "paznic@",  # the shelter's own contact
    "Night shift",  # a schedule of the shelter
    "ramp at the back",  # accessibility, kept in hsds_extra
)
FRONT_DOOR_PHONE = "+40 700 000 000"
FRONT_DOOR_EMAIL = "usa@example.org"


def _id() -> str:
    return str(uuid.uuid4())


@dataclass
class Directory:
    organization: d.Organization
    office: d.Location
    shelter: d.Location
    service: d.Service
    at_office: d.ServiceAtLocation
    at_shelter: d.ServiceAtLocation
    hidden_service: d.Service
    hidden_organization: d.Organization


def directory_build() -> Directory:
    """An organisation with a public office and a confidential shelter, in every HSDS detail we keep."""
    parent = OrganizationFactory(name="Federația Refugiu")
    organization = OrganizationFactory(
        name="Asociația Sprijin",
        alternate_name="Sprijin",
        email="contact@example.org",
        website="https://sprijin.example.org",
        year_incorporated=2004,
        parent_organization=parent,
        translations={"en": {"name": "Support Association", "description": "We help."}},
        hsds_extra={
            "funding": [{"id": _id(), "source": "A fake foundation"}],
            "programs": [{"id": _id(), "name": "Safe homes", "description": "Shelters"}],
            "organization_identifiers": [
                {"id": _id(), "identifier_type": "registry", "identifier": "RO-123", "identifier_scheme": "X"}
            ],
            "metadata": [
                {
                    "id": _id(),
                    "last_action_date": "2024-05-01",
                    "last_action_type": "create",
                    "field_name": "name",
                    "previous_value": "Sprijin",
                    "replacement_value": "Asociația Sprijin",
                    "updated_by": "importer",
                }
            ],
        },
    )
    attach_term(organization, "institution_type", "ngo")
    PhoneFactory(organization=organization, number="+40 21 000 0000", type="voice")
    contact = ContactFactory(organization=organization)
    PhoneFactory(contact=contact, organization=organization, number="+40 21 000 0001")

    office = LocationFactory(
        organization=organization,
        name="Birou",
        latitude=Decimal("44.426800"),
        longitude=Decimal("26.102500"),
        description="Ground floor",
        transportation="Metro Piața Unirii",
    )
    AddressFactory(location=office, address_1="Bulevardul Public 1", city="București", postal_code="030000")
    office_phone = PhoneFactory(location=office, number="+40 21 000 0002")
    LanguageFactory(phone=office_phone)
    ScheduleFactory(location=office)
    LanguageFactory(location=office, name="English", code="en")
    ContactFactory(location=office, email="birou@example.org")

    shelter = LocationFactory(
        organization=organization,
        name="Casa din Voluntari",
        alternate_name="Casa Albastră",
        description="Behind the blue gate",
        transportation="Bus 41 to the end of the line",
        latitude=Decimal("44.512345"),
        longitude=Decimal("26.054321"),
        external_identifier="SECRET-UPRN-1",
        external_identifier_type="UPRN",
        translations={"en": {"name": "Blue house", "description": "Behind the blue gate"}},
        is_confidential=True,
        front_door_area="Bucharest",
        front_door_phone=FRONT_DOOR_PHONE,
        front_door_email=FRONT_DOOR_EMAIL,
        hsds_extra={"accessibility": [{"id": _id(), "description": "ramp at the back"}]},
    )
    AddressFactory(
        location=shelter,
        address_1=SECRET_STREET,
        city="Voluntari",
        postal_code="077190",
        state_province="Ilfov",
    )
    ScheduleFactory(location=shelter, notes="Night shift at the gate")
    ContactFactory(location=shelter, email="paznic@example.org")
    LanguageFactory(location=shelter)

    service = ServiceFactory(
        organization=organization,
        name="Adăpost pentru victimele violenței",
        email="adapost@example.org",
        url="https://sprijin.example.org/adapost",
        assured_date=dt.date(2024, 3, 1),
        minimum_age=18,
        hsds_extra={
            "cost_options": [{"id": _id(), "option": "Free", "amount": 0, "currency": "EUR"}],
            "required_documents": [{"id": _id(), "document": "None needed"}],
            "funding": [{"id": _id(), "source": "A fake ministry"}],
            "program": {"id": _id(), "name": "Safe homes", "description": "Shelters"},
        },
    )
    attach_term(service, "service_type", "shelter")
    PhoneFactory(service=service, number="+40 21 000 0003")
    # The shelter's own phone, also given as the service's: it belongs to the shelter, so it never shows.
    PhoneFactory(service=service, location=shelter, number="+40 799 111 222")
    ScheduleFactory(service=service)
    ServiceAreaFactory(service=service)
    LanguageFactory(service=service)
    ContactFactory(service=service)
    at_office = ServiceAtLocationFactory(service=service, location=office, description="Intake interviews")
    PhoneFactory(service_at_location=at_office, number="+40 21 000 0004")
    ScheduleFactory(service_at_location=at_office)
    at_shelter = ServiceAtLocationFactory(
        service=service, location=shelter, description=f"Rooms at {SECRET_STREET}"
    )
    PhoneFactory(service_at_location=at_shelter, number="+40 799 111 222")
    ScheduleFactory(service_at_location=at_shelter, notes="Night shift at the gate")

    hidden_service = ServiceFactory(organization=organization, name="Draft service", is_published=False)
    hidden_organization = OrganizationFactory(name="Draft organisation", is_published=False)
    ServiceFactory(organization=hidden_organization, name="Service of a draft organisation")
    search_reindex_organizations()
    return Directory(
        organization, office, shelter, service, at_office, at_shelter, hidden_service, hidden_organization
    )


@pytest.fixture
def directory() -> Directory:
    return directory_build()


def body(response) -> str:
    return (b"".join(response.streaming_content) if response.streaming else response.content).decode()


def records(response) -> list[dict]:
    """The records of a response: a page's contents, an NDJSON stream's lines, or the one record."""
    text = body(response)
    if response["Content-Type"] == "application/x-ndjson":
        return [json.loads(line) for line in text.splitlines()]
    data = json.loads(text)
    return data.get("contents", [data])


def assert_no_secret(text: str, *, is_json: bool = True) -> None:
    """Not in the text, nor in it decoded (were a JSON escape to hide one): JSON or NDJSON when `is_json`."""
    lines = text.splitlines() if is_json else []
    decoded = "\n".join(json.dumps(json.loads(line), ensure_ascii=False) for line in lines if line.strip())
    for secret in SECRETS:
        assert secret not in text
        assert secret not in decoded


# --- the official schemas -------------------------------------------------------------------------------


@functools.cache
def _schema_file(relative: str) -> dict:
    return json.loads((HSDS_DIR / "schema" / relative).read_text(encoding="utf-8"))


@functools.cache
def hsds_validator(name: str) -> Draft202012Validator:
    """A validator for a compiled schema, or for one of schema/*.json with its references resolved."""
    if name.startswith("compiled/"):
        return Draft202012Validator(_schema_file(name), format_checker=Draft202012Validator.FORMAT_CHECKER)
    registry = Registry().with_resources(
        (path.name, Resource.from_contents(_schema_file(path.name), default_specification=DRAFT202012))
        for path in (HSDS_DIR / "schema").glob("*.json")
        if path.name != "openapi.json"
    )
    return Draft202012Validator(
        {"$ref": name}, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def assert_valid(name: str, instance: dict) -> None:
    error = best_match(hsds_validator(name).iter_errors(instance))
    assert error is None, f"{name}: {error.message} at {list(error.absolute_path)}"


PAGE_KEYS = {
    "total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty", "contents",
}  # fmt: skip


def assert_page(response, schema: str) -> dict:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    page = response.json()
    assert set(page) == PAGE_KEYS
    assert page["size"] == len(page["contents"])
    for record in page["contents"]:
        assert_valid(schema, record)
    return page


# --- every endpoint, valid and confidential -------------------------------------------------------------


def _detail_urls(directory: Directory) -> list[tuple[str, str]]:
    taxonomy = d.Taxonomy.objects.get(slug="service_type")
    term = d.TaxonomyTerm.objects.get(taxonomy_ref=taxonomy, code="shelter")
    return [
        (f"{API}/services/{directory.service.id}", "compiled/service.json"),
        (f"{API}/organizations/{directory.organization.id}", "compiled/organization.json"),
        (f"{API}/service_at_locations/{directory.at_office.id}", "compiled/service_at_location.json"),
        (f"{API}/service_at_locations/{directory.at_shelter.id}", "compiled/service_at_location.json"),
        (f"{API}/taxonomies/{taxonomy.id}", "taxonomy.json"),
        (f"{API}/taxonomy_terms/{term.id}", "taxonomy_term.json"),
    ]


LISTS = [
    ("/services", "compiled/service_list.json"),
    ("/services?full=true", "compiled/service.json"),
    ("/services?search=adapost", "compiled/service_list.json"),
    ("/organizations", "compiled/organization_list.json"),
    ("/organizations?full=true", "compiled/organization.json"),
    ("/organizations?search=sprijin", "compiled/organization_list.json"),
    ("/service_at_locations", "compiled/service_at_location_list.json"),
    ("/service_at_locations?full=true", "compiled/service_at_location.json"),
    ("/service_at_locations?search=adapost", "compiled/service_at_location_list.json"),
    ("/taxonomies", "taxonomy.json"),
    ("/taxonomy_terms?per_page=100", "taxonomy_term.json"),
]


@needs_shared_hsds
@pytest.mark.parametrize(("path", "schema"), LISTS)
def test_every_list_is_valid_hsds_and_keeps_shelters_confidential(client, directory, path, schema):
    response = client.get(API + path)
    page = assert_page(response, schema)
    assert not page["empty"]
    assert_no_secret(body(response))
    separator = "&" if "?" in path else "?"
    streamed = client.get(f"{API}{path}{separator}format=ndjson")
    assert streamed["Content-Type"] == "application/x-ndjson"
    text = body(streamed)
    assert_no_secret(text)
    assert [json.loads(line) for line in text.splitlines()] == page["contents"]  # all on one page here


@needs_shared_hsds
def test_every_detail_is_valid_hsds_and_keeps_shelters_confidential(client, directory):
    for url, schema in _detail_urls(directory):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_valid(schema, response.json())
        assert_no_secret(body(response))


@needs_shared_hsds
@pytest.mark.parametrize("example", ["organization_full.json", "service_full.json", "csv"])
def test_the_official_examples_imported_are_served_valid(client, example):
    """Every field HSDS has, through our columns and hsds_extra, and back out valid."""
    hsds_import_path(HSDS_DIR / "examples" / example)
    for path, schema in LISTS:
        for record in records(client.get(API + path)):
            assert_valid(schema, record)
    for model, endpoint, schema in (
        (d.Service, "services", "compiled/service.json"),
        (d.Organization, "organizations", "compiled/organization.json"),
        (d.ServiceAtLocation, "service_at_locations", "compiled/service_at_location.json"),
        (d.TaxonomyTerm, "taxonomy_terms", "taxonomy_term.json"),
    ):
        for record_id in model.objects.values_list("id", flat=True):
            response = client.get(f"{API}/{endpoint}/{record_id}")
            assert response.status_code == 200
            assert_valid(schema, response.json())
    service = client.get(f"{API}/services?full=true").json()["contents"][0]
    assert service["name"] == "Community Counselling"
    assert service["cost_options"] and service["funding"] and service["required_documents"]


def test_the_secrets_would_be_seen_were_the_shelter_not_confidential(client, directory):
    """The control of the confidentiality tests: the secrets are in the data and the API would show them."""
    d.Location.objects.filter(id=directory.shelter.id).update(is_confidential=False)
    text = body(client.get(f"{API}/services/{directory.service.id}"))
    missing = [secret for secret in SECRETS if secret not in text]
    assert missing == []


def test_a_confidential_location_is_given_by_its_front_door_only(client, directory):
    service = client.get(f"{API}/services/{directory.service.id}").json()
    organization = client.get(f"{API}/organizations/{directory.organization.id}").json()
    at_shelter = client.get(f"{API}/service_at_locations/{directory.at_shelter.id}").json()
    shelter_id = str(directory.shelter.id)
    forms = [sal["location"] for sal in service["service_at_locations"] if sal["location_id"] == shelter_id]
    forms += [loc for loc in organization["locations"] if loc["id"] == shelter_id]
    forms += [loc for loc in service["organization"]["locations"] if loc["id"] == shelter_id]
    forms.append(at_shelter["location"])
    assert len(forms) == 4
    for form in forms:
        assert set(form) == {"id", "location_type", "organization_id", "name", "phones", "contacts"}
        assert form["name"] == "Bucharest"
        assert [phone["number"] for phone in form["phones"]] == [FRONT_DOOR_PHONE]
        assert [contact["email"] for contact in form["contacts"]] == [FRONT_DOOR_EMAIL]
        assert form == forms[0]  # the same everywhere, front-door ids included
    # The service at the shelter says nothing of its own (description, phones, schedules).
    assert set(at_shelter) == {"id", "service_id", "location_id", "location", "service"}
    summary = client.get(f"{API}/service_at_locations").json()["contents"]
    public = {"id": shelter_id, "location_type": "physical", "name": "Bucharest"}
    public["organization_id"] = str(directory.organization.id)
    assert [s["location"] for s in summary if s["id"] == str(directory.at_shelter.id)] == [public]


def test_a_confidential_location_without_a_public_area_has_a_neutral_name(client, directory):
    d.Location.objects.filter(id=directory.shelter.id).update(front_door_area="")
    page = client.get(f"{API}/service_at_locations").json()
    names = [s["location"]["name"] for s in page["contents"] if s["location_id"] == str(directory.shelter.id)]
    assert names == ["Confidential location"]


def test_full_forms_hold_everything_and_give_extras_back_as_received(client, directory):
    service = client.get(f"{API}/services/{directory.service.id}").json()
    assert service["cost_options"] == directory.service.hsds_extra["cost_options"]
    assert service["required_documents"] == directory.service.hsds_extra["required_documents"]
    assert service["program"] == directory.service.hsds_extra["program"]
    assert service["funding"] == directory.service.hsds_extra["funding"]
    assert {p["number"] for p in service["phones"]} == {"+40 21 000 0003"}
    assert len(service["schedules"]) == len(service["service_areas"]) == len(service["languages"]) == 1
    assert len(service["contacts"]) == 1
    assert [a["taxonomy_term"]["code"] for a in service["attributes"]] == ["shelter"]
    assert service["attributes"][0]["taxonomy_term"]["taxonomy_detail"]["name"] == "Service type"
    assert service["assured_date"] == "2024-03-01"
    assert service["minimum_age"] == 18
    at_office = next(s for s in service["service_at_locations"] if s["id"] == str(directory.at_office.id))
    assert at_office["description"] == "Intake interviews"
    assert [p["number"] for p in at_office["phones"]] == ["+40 21 000 0004"]
    office = at_office["location"]
    assert office["latitude"] == 44.4268 and office["longitude"] == 26.1025  # numbers, not strings
    assert [a["address_1"] for a in office["addresses"]] == ["Bulevardul Public 1"]
    assert [p["languages"][0]["code"] for p in office["phones"]] == ["ro"]
    assert office["schedules"][0]["opens_at"] == "09:00:00"
    assert service["organization"]["id"] == str(directory.organization.id)
    assert "services" not in service["organization"]
    assert service["last_modified"].endswith("Z")

    organization = client.get(f"{API}/organizations/{directory.organization.id}").json()
    for key in ("funding", "programs", "organization_identifiers", "metadata"):
        assert organization[key] == directory.organization.hsds_extra[key]
    assert organization["parent_organization_id"] == str(directory.organization.parent_organization_id)
    assert organization["translations"]["en"]["name"] == "Support Association"
    assert [s["id"] for s in organization["services"]] == [str(directory.service.id)]  # published only
    assert {p["number"] for p in organization["phones"]} == {"+40 21 000 0000", "+40 21 000 0001"}
    assert [p["number"] for c in organization["contacts"] for p in c["phones"]] == ["+40 21 000 0001"]
    assert [a["taxonomy_term"]["code"] for a in organization["attributes"]] == ["ngo"]


def test_links_to_unpublished_records_are_left_out(client, directory):
    d.Organization.objects.filter(id=directory.organization.parent_organization_id).update(is_published=False)
    foreign = LocationFactory(organization=directory.hidden_organization, name="Borrowed hall")
    ServiceAtLocationFactory(service=directory.service, location=foreign)
    organization = client.get(f"{API}/organizations/{directory.organization.id}").json()
    assert "parent_organization_id" not in organization
    service = client.get(f"{API}/services/{directory.service.id}").json()
    hall = next(s["location"] for s in service["service_at_locations"] if s["location_id"] == str(foreign.id))
    assert "organization_id" not in hall
    assert str(directory.hidden_organization.id) not in body(client.get(f"{API}/service_at_locations"))


def test_the_root_describes_the_api(client):
    response = client.get(f"{API}/")
    assert response.status_code == 200
    root = response.json()
    assert root["version"] == "3.0"
    assert root["profile"].startswith("https://")
    assert root["openapi_url"] == "http://testserver/api/openapi.json"
    document = client.get("/api/openapi.json")
    assert document.status_code == 200
    paths = document.json()["paths"]
    for path in (
        "/", "/services", "/services/{id}", "/organizations", "/organizations/{id}", "/service_at_locations",
        "/service_at_locations/{id}", "/taxonomies", "/taxonomies/{id}", "/taxonomy_terms",
        "/taxonomy_terms/{id}",
    ):  # fmt: skip
        assert f"/api/hsds{path}" in paths
    parameters = {p["name"] for p in paths["/api/hsds/services"]["get"]["parameters"]}
    assert parameters >= {
        "search", "page", "per_page", "format", "taxonomy_term_id", "taxonomy_id", "organization_id",
        "modified_after",
    }  # fmt: skip
    assert all(not p["required"] for p in paths["/api/hsds/services"]["get"]["parameters"])
    assert client.get("/api/docs").status_code == 404  # the docs page would load scripts from a CDN


def test_any_site_may_read_the_open_api_but_not_the_cases_api(client, directory):
    """Cross-origin reads of the open data, never with credentials (the wildcard forbids them)."""
    for path in (
        f"{API}/",
        f"{API}/services?search=sprijin",
        f"{API}/organizations/{directory.organization.id}",
    ):
        assert (
            client.get(path, HTTP_ORIGIN="https://other.example").headers["Access-Control-Allow-Origin"]
            == "*"
        )
    assert "Access-Control-Allow-Credentials" not in client.get(f"{API}/").headers
    for path in ("/api/cases/cases", "/api/openapi.json", "/"):
        assert (
            "Access-Control-Allow-Origin" not in client.get(path, HTTP_ORIGIN="https://other.example").headers
        )


# --- what is public -------------------------------------------------------------------------------------


def test_only_published_records_are_listed(client, directory):
    everything = "".join(
        body(client.get(f"{API}{path}"))
        for path in (
            "/services?per_page=100",
            "/services?format=ndjson",
            "/organizations?format=ndjson&full=true",
            "/service_at_locations?format=ndjson&full=true",
            "/services?search=service&format=ndjson",
        )
    )
    assert "Draft service" not in everything
    assert "Draft organisation" not in everything
    assert "Service of a draft organisation" not in everything
    assert str(directory.service.id) in everything


def test_unknown_unpublished_and_malformed_ids_answer_404(client, directory):
    draft_sal = ServiceAtLocationFactory(service=directory.hidden_service, location=directory.office)
    for url in (
        f"{API}/services/{uuid.uuid4()}",
        f"{API}/services/not-an-id",
        f"{API}/services/{directory.hidden_service.id}",
        f"{API}/services/{directory.hidden_organization.services.get().id}",
        f"{API}/organizations/{directory.hidden_organization.id}",
        f"{API}/organizations/{uuid.uuid4()}",
        f"{API}/service_at_locations/{draft_sal.id}",
        f"{API}/taxonomies/{uuid.uuid4()}",
        f"{API}/taxonomy_terms/{uuid.uuid4()}",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json() == {"detail": "Not found", "code": "not_found"}


# --- parameters -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("page=0", "page"), ("page=-1", "page"), ("page=abc", "page"),
        ("page=1000000000000000000000000000000", "page"), ("per_page=0", "per_page"),
        ("per_page=abc", "per_page"), ("per_page=2.5", "per_page"),
        ("organization_id=not-a-uuid", "organization_id"), ("taxonomy_term_id=123", "taxonomy_term_id"),
        ("taxonomy_id=zz", "taxonomy_id"), ("modified_after=yesterday", "modified_after"),
        ("modified_after=2024-13-45", "modified_after"), ("format=xml", "format"), ("full=maybe", "full"),
    ],
)  # fmt: skip
@pytest.mark.parametrize("endpoint", ["/services", "/organizations", "/service_at_locations"])
def test_bad_parameters_answer_400_naming_them(client, endpoint, query, parameter):
    if parameter == "organization_id" and endpoint == "/organizations":
        return  # not a parameter of organizations: ignored, as unknown parameters are
    response = client.get(f"{API}{endpoint}?{query}")
    assert response.status_code == 400
    error = response.json()
    assert [e["parameter"] for e in error["errors"]] == [parameter]
    assert parameter in error["detail"]


def test_bad_parameters_of_the_vocabularies_answer_400(client):
    assert client.get(f"{API}/taxonomies?page=0").status_code == 400
    assert client.get(f"{API}/taxonomy_terms?taxonomy_id=x").status_code == 400
    assert client.get(f"{API}/taxonomy_terms?parent_id=x").status_code == 400


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("/services?taxonomy_term_id=", "taxonomy_term_id"),
        ("/services?taxonomy_id=", "taxonomy_id"),
        ("/services?organization_id=", "organization_id"),
        ("/services?modified_after=", "modified_after"),
        ("/organizations?taxonomy_term_id=", "taxonomy_term_id"),
        ("/service_at_locations?taxonomy_term_id=", "taxonomy_term_id"),
        ("/service_at_locations?postcode=", "postcode"),
        ("/service_at_locations?postcode=010011&proximity=", "proximity"),
        ("/taxonomy_terms?taxonomy_id=", "taxonomy_id"),
        ("/taxonomy_terms?parent_id=%20", "parent_id"),
        ("/services?full=yes", "full"),
        ("/services?full=1", "full"),
        ("/services?open_now=0", "open_now"),
        ("/taxonomy_terms?top_only=on", "top_only"),
        ("/services?lang=UK", "lang"),
        ("/services?lang=zz", "lang"),
    ],
)
def test_an_empty_or_malformed_filter_answers_400_not_every_record(client, directory, path, parameter):
    """A client that meant a filter and sent it empty would otherwise get every record as if it matched
    (issue 18); a boolean is `true` or `false`, as the document says, not anything pydantic would read."""
    response = client.get(API + path)
    assert response.status_code == 400
    error = response.json()
    assert [e["parameter"] for e in error["errors"]] == [parameter]
    assert parameter in error["detail"]


def test_an_empty_search_or_language_asks_for_none(client, directory):
    """`search=` and `lang=` are no search and no language (the document's pattern allows them empty)."""
    response = client.get(f"{API}/services?search=&lang=")
    assert response.status_code == 200
    assert response.json()["total_items"] == 1
    assert client.get(f"{API}/services?full=false&open_now=false").json()["total_items"] == 1


def test_a_nul_in_any_parameter_answers_422_not_an_error(client, directory):
    """A NUL cannot reach PostgreSQL: refused for every parameter alike, as in the cases API (it used to be
    dropped from the search text alone)."""
    for path, parameter in (
        ("/services?search=adapost%00", "search"),
        ("/organizations?search=%00", "search"),
        ("/taxonomy_terms?search=%00a", "search"),
        ("/services?format=json%00", "format"),
        ("/services?organization_id=%00", "organization_id"),
    ):
        response = client.get(f"{API}{path}")
        assert response.status_code == 422, path
        assert [e["parameter"] for e in response.json()["errors"]] == [parameter], path
    # A query string cannot carry a lone surrogate: Django reads undecodable bytes as U+FFFD, a character.
    assert client.get(f"{API}/services?search=%ED%A0%80").status_code == 200


def test_pages_and_the_per_page_cap(client):
    organization = OrganizationFactory()
    d.Service.objects.bulk_create(
        d.Service(organization=organization, name=f"Service {n:03}", description="") for n in range(105)
    )
    first = client.get(f"{API}/services?per_page=2").json()
    assert (first["total_items"], first["total_pages"], first["page_number"], first["size"]) == (
        105,
        53,
        1,
        2,
    )
    assert first["first_page"] and not first["last_page"] and not first["empty"]
    assert [s["name"] for s in first["contents"]] == ["Service 000", "Service 001"]
    last = client.get(f"{API}/services?per_page=2&page=53").json()
    assert (last["size"], last["first_page"], last["last_page"]) == (1, False, True)
    assert [s["name"] for s in last["contents"]] == ["Service 104"]
    beyond = client.get(f"{API}/services?per_page=2&page=54").json()
    assert beyond["empty"] and beyond["contents"] == [] and beyond["last_page"]
    capped = client.get(f"{API}/services?per_page=1000").json()
    assert (capped["size"], capped["total_pages"]) == (100, 2)
    default = client.get(f"{API}/services").json()
    assert default["size"] == 50
    streamed = records(client.get(f"{API}/services?format=ndjson&per_page=2"))
    assert len(streamed) == 105  # NDJSON streams everything, without pages
    nothing = client.get(f"{API}/organizations?search=nothingmatchesthis").json()
    assert (nothing["total_items"], nothing["total_pages"], nothing["empty"]) == (0, 0, True)


def test_without_search_records_are_ordered_by_name_then_id(client):
    organization = OrganizationFactory(name="Beta")
    OrganizationFactory(name="Alpha")
    twins = sorted(str(ServiceFactory(organization=organization, name="Same").id) for _ in range(3))
    ServiceFactory(organization=organization, name="Another")
    names = [o["name"] for o in client.get(f"{API}/organizations").json()["contents"]]
    assert names == ["Alpha", "Beta"]
    services = client.get(f"{API}/services").json()["contents"]
    assert [s["name"] for s in services] == ["Another", "Same", "Same", "Same"]
    assert [s["id"] for s in services[1:]] == twins


# --- search and filters ---------------------------------------------------------------------------------


@pytest.fixture
def searchable():
    """Services and organisations where "shelter" is in some names and only in other descriptions."""
    first = OrganizationFactory(name="Zeta Shelter Network", description="")
    second = OrganizationFactory(name="Alpha Aid", description="We run a shelter")
    services = [
        ServiceFactory(organization=first, name="Night Shelter", description=""),
        ServiceFactory(organization=first, name="Counselling", description="Next to the shelter"),
        ServiceFactory(organization=second, name="Emergency Shelter", description=""),
        ServiceFactory(organization=second, name="Legal aid", description="Also for shelter residents"),
        ServiceFactory(organization=second, name="Food bank", description="Groceries"),
    ]
    search_reindex_organizations()
    return first, second, services


def test_search_ranks_as_the_web_search(client, searchable):
    first, second, _ = searchable
    expected = [i for _, i in directory_search(kind="service", query="shelter", limit=100).hits]
    page = client.get(f"{API}/services?search=shelter").json()
    assert [s["id"] for s in page["contents"]] == expected
    assert page["total_items"] == 4
    names = [s["name"] for s in page["contents"]]
    assert names[:2] == ["Emergency Shelter", "Night Shelter"]  # the name matches first
    one = client.get(f"{API}/services?search=shelter&per_page=1&page=2").json()
    assert [s["id"] for s in one["contents"]] == expected[1:2]
    assert (one["total_items"], one["total_pages"]) == (4, 4)
    organizations = client.get(f"{API}/organizations?search=shelter").json()["contents"]
    assert [o["id"] for o in organizations] == [
        i for _, i in directory_search(kind="organization", query="shelter", limit=100).hits
    ]
    assert [o["name"] for o in organizations] == ["Zeta Shelter Network", "Alpha Aid"]
    only_second = client.get(f"{API}/services?search=shelter&organization_id={second.id}").json()["contents"]
    assert [s["name"] for s in only_second] == ["Emergency Shelter", "Legal aid"]
    sals = client.get(f"{API}/service_at_locations?search=shelter").json()
    assert sals["total_items"] == 0  # none of them is given anywhere yet


def test_a_search_page_past_the_end_still_counts_the_matches(client, searchable):
    beyond = client.get(f"{API}/services?search=shelter&per_page=2&page=3").json()
    assert (beyond["total_items"], beyond["total_pages"], beyond["contents"]) == (4, 2, [])
    assert beyond["empty"] and beyond["last_page"] and not beyond["first_page"]


def test_search_narrowed_by_a_filter_keeps_the_ranking(client, searchable):
    _, _, services = searchable
    for service in services[1:4]:
        attach_term(service, "service_type", "shelter")
    expected = [
        i
        for _, i in directory_search(kind="service", query="shelter", limit=100).hits
        if i in {str(s.id) for s in services[1:4]}
    ]
    term = d.TaxonomyTerm.objects.get(taxonomy_ref__slug="service_type", code="shelter")
    page = client.get(f"{API}/services?search=shelter&taxonomy_term_id={term.id}&per_page=2").json()
    assert page["total_items"] == 3
    assert [s["id"] for s in page["contents"]] == expected[:2]
    second = client.get(f"{API}/services?search=shelter&taxonomy_term_id={term.id}&per_page=2&page=2").json()
    assert [s["id"] for s in second["contents"]] == expected[2:]
    streamed = records(client.get(f"{API}/services?search=shelter&taxonomy_term_id={term.id}&format=ndjson"))
    assert [s["id"] for s in streamed] == expected


def test_service_at_locations_are_searched_and_ranked_by_their_service(client, searchable):
    _, _, services = searchable
    sals = {service.id: ServiceAtLocationFactory(service=service) for service in services}
    ranked_services = [i for _, i in directory_search(kind="service", query="shelter", limit=100).hits]
    page = client.get(f"{API}/service_at_locations?search=shelter").json()
    assert [s["service_id"] for s in page["contents"]] == ranked_services
    assert page["total_items"] == 4
    assert str(sals[services[4].id].id) not in body(client.get(f"{API}/service_at_locations?search=shelter"))


def test_taxonomy_filters_match_the_records_own_attributes(client):
    tagged_org = OrganizationFactory(name="Tagged organisation")
    attach_term(tagged_org, "service_type", "shelter")
    untagged_service = ServiceFactory(organization=tagged_org, name="Not tagged itself")
    tagged_service = ServiceFactory(name="Tagged service")
    attach_term(tagged_service, "service_type", "shelter")
    other_service = ServiceFactory(name="Other taxonomy")
    attach_term(other_service, "crime_type", "trafficking")
    term = d.TaxonomyTerm.objects.get(taxonomy_ref__slug="service_type", code="shelter")
    names = [s["name"] for s in client.get(f"{API}/services?taxonomy_term_id={term.id}").json()["contents"]]
    assert names == ["Tagged service"]
    assert untagged_service.name not in names
    orgs = client.get(f"{API}/organizations?taxonomy_term_id={term.id}").json()["contents"]
    assert [o["name"] for o in orgs] == ["Tagged organisation"]
    crime = d.Taxonomy.objects.get(slug="crime_type")
    by_taxonomy = client.get(f"{API}/services?taxonomy_id={crime.id}").json()["contents"]
    assert [s["name"] for s in by_taxonomy] == ["Other taxonomy"]
    ServiceAtLocationFactory(service=tagged_service)
    ServiceAtLocationFactory(service=untagged_service)
    sals = client.get(f"{API}/service_at_locations?taxonomy_term_id={term.id}").json()["contents"]
    assert [s["service_id"] for s in sals] == [str(tagged_service.id)]
    unknown = client.get(f"{API}/services?taxonomy_term_id={uuid.uuid4()}").json()
    assert unknown["total_items"] == 0


def test_organization_and_modified_after_filters(client):
    now = timezone.now()
    old = ServiceFactory(name="Old", last_modified=now - dt.timedelta(days=30))
    new = ServiceFactory(name="New", organization=old.organization, last_modified=now)
    other = ServiceFactory(name="Elsewhere", last_modified=now)
    ServiceAtLocationFactory(service=old)
    ServiceAtLocationFactory(service=other)
    day = (now - dt.timedelta(days=1)).date().isoformat()
    names = [s["name"] for s in client.get(f"{API}/services?modified_after={day}").json()["contents"]]
    assert names == ["Elsewhere", "New"]
    mine = client.get(f"{API}/services?organization_id={old.organization_id}&modified_after={day}").json()
    assert [s["id"] for s in mine["contents"]] == [str(new.id)]
    moment = (now - dt.timedelta(hours=1)).astimezone(dt.timezone(dt.timedelta(hours=2)))
    # An unencoded "+02:00" arrives as " 02:00": still understood.
    raw = moment.replace(tzinfo=None).isoformat() + "+02:00"
    names = [s["name"] for s in client.get(f"{API}/services?modified_after={raw}").json()["contents"]]
    assert names == ["Elsewhere", "New"]
    sals = client.get(f"{API}/service_at_locations?organization_id={old.organization_id}").json()["contents"]
    assert [s["service_id"] for s in sals] == [str(old.id)]
    d.ServiceAtLocation.objects.update(last_modified=now - dt.timedelta(days=30))
    recent = client.get(f"{API}/service_at_locations?modified_after={day}").json()["contents"]
    assert [s["service_id"] for s in recent] == [str(other.id)]  # its service changed since
    organizations = client.get(f"{API}/organizations?modified_after=2999-01-01").json()
    assert organizations["total_items"] == 0


def test_taxonomy_terms_filters(client):
    crime = d.Taxonomy.objects.get(slug="crime_type")
    terms = client.get(f"{API}/taxonomy_terms?taxonomy_id={crime.id}&per_page=100").json()
    assert terms["total_items"] == crime.terms.count()
    assert {t["taxonomy_id"] for t in terms["contents"]} == {str(crime.id)}
    parent = crime.terms.order_by("name").first()
    child = d.TaxonomyTerm.objects.create(
        taxonomy_ref=crime, code="child", name="A narrower term", description="Narrower", parent=parent
    )
    children = client.get(f"{API}/taxonomy_terms?parent_id={parent.id}").json()["contents"]
    assert [t["id"] for t in children] == [str(child.id)]
    assert children[0]["parent_id"] == str(parent.id)
    top = client.get(f"{API}/taxonomy_terms?top_only=true&per_page=100").json()
    assert str(child.id) not in {t["id"] for t in top["contents"]}
    found = client.get(f"{API}/taxonomy_terms?search=NARROWER").json()["contents"]
    assert [t["id"] for t in found] == [str(child.id)]
    taxonomies = client.get(f"{API}/taxonomies?search=crime").json()["contents"]
    assert [t["id"] for t in taxonomies] == [str(crime.id)]


# --- the cost of a page ---------------------------------------------------------------------------------


def _phone_with_a_language(**links) -> d.Phone:
    phone = PhoneFactory(**links)
    LanguageFactory(phone=phone)
    return phone


def _contact_with_a_phone(**links) -> d.Contact:
    contact = ContactFactory(**links)
    _phone_with_a_language(contact=contact)
    return contact


def test_the_number_of_queries_does_not_grow_with_the_page(client, django_assert_max_num_queries):
    """Every record has every kind of sub-record, so that the smallest page already runs every query
    (a prefetch with nothing to fetch for is skipped, which would make the small page cheaper)."""
    for number in range(12):
        organization = OrganizationFactory(name=f"Organisation {number:02}")
        attach_term(organization, "institution_type", "ngo")
        _phone_with_a_language(organization=organization)
        _contact_with_a_phone(organization=organization)
        office = LocationFactory(organization=organization, name="Office")
        AddressFactory(location=office)
        ScheduleFactory(location=office)
        LanguageFactory(location=office)
        _phone_with_a_language(location=office)
        _contact_with_a_phone(location=office)
        shelter = LocationFactory(organization=organization, name="Shelter", is_confidential=True)
        AddressFactory(location=shelter, address_1=SECRET_STREET)
        PhoneFactory(location=shelter)
        for letter in "abcde":
            service = ServiceFactory(organization=organization, name=f"Service {number:02}{letter}")
            attach_term(service, "service_type", "shelter")
            _phone_with_a_language(service=service)
            _contact_with_a_phone(service=service)
            LanguageFactory(service=service)
            ScheduleFactory(service=service)
            ServiceAreaFactory(service=service)
            at_office = ServiceAtLocationFactory(service=service, location=office)
            _phone_with_a_language(service_at_location=at_office)
            _contact_with_a_phone(service_at_location=at_office)
            ScheduleFactory(service_at_location=at_office)
            ServiceAtLocationFactory(service=service, location=shelter)
    search_reindex_organizations()
    term = d.TaxonomyTerm.objects.get(taxonomy_ref__slug="service_type", code="shelter")
    for path in (
        "/services",
        "/services?full=true",
        f"/services?search=service&taxonomy_term_id={term.id}",
        "/organizations?search=organisation",
        "/organizations",
        "/organizations?full=true",
        "/service_at_locations",
        "/service_at_locations?full=true",
        "/taxonomy_terms",
    ):
        separator = "&" if "?" in path else "?"
        with CaptureQueriesContext(connection) as small:
            assert client.get(f"{API}{path}{separator}per_page=2").status_code == 200
        with django_assert_max_num_queries(len(small.captured_queries)) as large:
            page = client.get(f"{API}{path}{separator}per_page=50").json()
        assert page["size"] > 2, path
        assert len(large.captured_queries) == len(small.captured_queries), path
