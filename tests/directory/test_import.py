"""HSDS 3 import: every accepted form, upsert by id, all or nothing, and errors that say what is wrong.

Records are built here with fake data; the official examples (../shared/hsds) are read only by the
tests marked `needs_shared_hsds`.
"""

import json
import os
import shutil
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from refugiu.directory import models as d
from refugiu.directory.hsds.importer import hsds_import_organizations, hsds_import_path
from refugiu.directory.hsds.problems import HsdsImportError
from refugiu.directory.search import directory_search
from tests.conftest import HSDS_DIR, needs_shared_hsds

pytestmark = pytest.mark.django_db

EXAMPLES = HSDS_DIR / "examples"


def new_id() -> str:
    return str(uuid.uuid4())


def organization(**fields) -> dict:
    return {"id": new_id(), "name": "Fake Aid Society", "description": "Invented for tests.", **fields}


def service(**fields) -> dict:
    return {"id": new_id(), "name": "Fake legal advice", "status": "active", **fields}


def write_json(tmp_path: Path, data, name: str = "data.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def refused(path_or_organizations) -> str:
    """The message of the HsdsImportError an import raises; checks nothing was written."""
    with pytest.raises(HsdsImportError) as error:
        if isinstance(path_or_organizations, Path):
            hsds_import_path(path_or_organizations)
        else:
            hsds_import_organizations(path_or_organizations)
    assert not d.Organization.objects.exists()
    assert not d.Service.objects.exists()
    return str(error.value)


# --- the official examples --------------------------------------------------------------------------------


@needs_shared_hsds
def test_organization_full_example():
    summary = hsds_import_path(EXAMPLES / "organization_full.json")
    for plural in ("organizations", "services", "locations", "service_at_locations", "addresses", "phones",
                   "contacts", "schedules", "languages", "service_areas", "taxonomies", "taxonomy_terms",
                   "attributes"):  # fmt: skip
        assert getattr(summary, plural).created == 1, plural
    organization = d.Organization.objects.get()
    assert organization.name == "Example Organization Inc." and organization.year_incorporated == 2011
    assert organization.language == "" and organization.translations == {}
    # What we have no column for is kept verbatim.
    assert set(organization.hsds_extra) >= {"funding", "programs", "organization_identifiers"}
    assert organization.hsds_extra["organization_identifiers"][0]["identifier"] == "1234567"
    service_ = d.Service.objects.get()
    assert set(service_.hsds_extra) >= {
        "funding",
        "cost_options",
        "program",
        "required_documents",
        "metadata",
    }
    assert service_.hsds_extra["cost_options"][0]["amount"] == 35
    assert d.Location.objects.get().hsds_extra["accessibility"][0]["details"].startswith("Switch hearing aid")
    # A reference to a record that is nowhere is kept as data, and reported.
    assert organization.parent_organization is None
    assert organization.hsds_extra["parent_organization_id"] == "cd09a387-91f4-4555-94ec-e799c35344cd"
    assert any("parent_organization_id" in warning for warning in summary.warnings)
    # The one phone HSDS repeats under five records is one row linked to all five.
    phone = d.Phone.objects.get()
    assert (phone.organization, phone.service, phone.contact) == (
        organization,
        service_,
        d.Contact.objects.get(),
    )
    assert phone.location_id and phone.service_at_location_id and phone.extension == 100
    attribute = d.Attribute.objects.get()
    assert (attribute.link_id, attribute.link_entity) == (service_.id, "service")
    assert attribute.taxonomy_term.taxonomy_ref.name == "name"
    schedule = d.Schedule.objects.get()
    assert str(schedule.opens_at) == "10:00:00" and schedule.timezone == 3 and schedule.freq == "WEEKLY"
    assert directory_search(query="community counselling", kind="service").total == 1


@needs_shared_hsds
def test_organization_list_page_updates_without_removing_what_it_does_not_list():
    hsds_import_path(EXAMPLES / "organization_full.json")
    summary = hsds_import_path(EXAMPLES / "organization_list.json")
    assert summary.organizations.updated == 1
    assert all(counts.removed == 0 for counts in summary.counts().values())
    assert d.Service.objects.count() == 1 and d.Location.objects.count() == 1


@needs_shared_hsds
def test_service_full_example():
    summary = hsds_import_path(EXAMPLES / "service_full.json")
    assert summary.services.created == 1 and summary.organizations.created == 1
    assert d.Service.objects.get().organization.name == "Example Organization Inc."


def _check_tabular_example(summary) -> None:
    assert summary.organizations.created == 1 and summary.services.created == 1
    assert summary.service_at_locations.created == 1 and summary.phones.created == 1
    service_ = d.Service.objects.get()
    # funding.csv names both the organisation and the service: kept with the service, the other link kept.
    funding = service_.hsds_extra["funding"]
    assert funding == [
        {"id": "1f2df32c-bf08-4b8e-bd6f-e834014b19bc", "organization_id": str(service_.organization_id),
         "source": funding[0]["source"]}
    ]  # fmt: skip
    assert service_.hsds_extra["program_id"] == "e7ec2e57-4540-43fa-b2c7-6be5a0ef7f42"
    assert service_.hsds_extra["cost_options"][0]["amount"] == 35
    assert d.Organization.objects.get().hsds_extra["programs"][0]["name"] == "Community Mental Health Support"
    assert d.Location.objects.get().hsds_extra["organization_id"] == "985e4a42-bd9f-4edc-911d-0243a4640aca"
    assert d.Phone.objects.get().number == '"+44 1234 234567"'
    # attributes.csv points at a record that is not there: skipped, and said.
    assert not d.Attribute.objects.exists()
    assert any("link_id" in warning for warning in summary.warnings)


@needs_shared_hsds
def test_tabular_example_as_folder():
    _check_tabular_example(hsds_import_path(EXAMPLES / "csv"))


@needs_shared_hsds
def test_tabular_example_as_zip_in_a_folder(tmp_path):
    archive = tmp_path / "package.zip"
    with zipfile.ZipFile(archive, "w") as package:
        package.write(HSDS_DIR / "datapackage.json", "hsds/datapackage.json")
        for csv_file in (EXAMPLES / "csv").glob("*.csv"):
            package.write(csv_file, f"hsds/{csv_file.name}")
    summary = hsds_import_path(archive)
    _check_tabular_example(summary)
    assert not any("datapackage.json" in warning for warning in summary.warnings)


@needs_shared_hsds
def test_tabular_zip_missing_a_listed_file_is_refused(tmp_path):
    archive = tmp_path / "package.zip"
    with zipfile.ZipFile(archive, "w") as package:
        package.write(HSDS_DIR / "datapackage.json", "datapackage.json")
        package.write(EXAMPLES / "csv" / "organizations.csv", "organizations.csv")
    assert "named in datapackage.json" in refused(archive)


# --- tabular packages of our own ------------------------------------------------------------------------


def write_package(folder: Path, tables: dict[str, list[dict]]) -> Path:
    folder.mkdir()
    for name, rows in tables.items():
        header = list(rows[0])
        lines = [",".join(header)] + [",".join(str(row.get(column, "")) for column in header) for row in rows]
        (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_tabular_package_without_datapackage_json_and_its_errors(tmp_path):
    org_id, service_id = new_id(), new_id()
    tables = {
        "organizations.csv": [{"id": org_id, "name": "Fake Aid Society", "description": "", "email": ""}],
        "services.csv": [
            {"id": service_id, "organization_id": org_id, "name": "Fake advice", "status": "active"}
        ],
    }
    summary = hsds_import_path(write_package(tmp_path / "good", tables))
    assert summary.services.created == 1 and d.Organization.objects.get().description == ""
    d.Organization.objects.all().delete()
    tables["services.csv"][0]["status"] = "open"
    message = refused(write_package(tmp_path / "bad", tables))
    assert message == (
        f"service {service_id} (services.csv row 2): status: must be one of active, inactive, defunct, "
        "temporarily closed"
    )


# --- upsert ----------------------------------------------------------------------------------------------


def test_importing_twice_updates_and_a_changed_name_is_updated(tmp_path):
    data = organization(services=[service(phones=[{"id": new_id(), "number": "+40 21 000 0000"}])])
    first = hsds_import_organizations([data])
    second = hsds_import_organizations([data])
    assert (first.organizations.created, first.services.created, first.phones.created) == (1, 1, 1)
    assert (second.organizations.updated, second.services.updated, second.phones.updated) == (1, 1, 1)
    assert second.organizations.created == second.services.created == 0
    data["services"][0]["name"] = "Fake legal advice, renamed"
    hsds_import_path(write_json(tmp_path, data))
    assert d.Service.objects.get().name == "Fake legal advice, renamed"
    assert d.Organization.objects.count() == d.Service.objects.count() == d.Phone.objects.count() == 1
    assert directory_search(query="renamed", kind="service").total == 1


def test_what_the_file_no_longer_has_is_removed(vocabulary_term):
    kept, dropped = service(), service(phones=[{"id": new_id(), "number": "+40 21 000 0001"}])
    dropped["attributes"] = [{"id": new_id(), "taxonomy_term_id": str(vocabulary_term.id)}]
    data = organization(services=[kept, dropped], phones=[{"id": new_id(), "number": "+40 21 000 0002"}])
    hsds_import_organizations([data])
    data["services"], data["phones"] = [kept], []
    summary = hsds_import_organizations([data])
    assert (summary.services.removed, summary.phones.removed, summary.attributes.removed) == (1, 2, 1)
    assert list(d.Service.objects.values_list("id", flat=True)) == [uuid.UUID(kept["id"])]
    assert not d.Phone.objects.exists() and not d.Attribute.objects.exists()


def test_a_sub_record_moved_to_another_parent_is_kept():
    phone = {"id": new_id(), "number": "+40 21 000 0004"}
    moving = service(phones=[phone])
    data = organization(services=[moving])
    hsds_import_organizations([data])
    data["services"], data["phones"] = [], [phone]
    summary = hsds_import_organizations([data])
    assert (summary.services.removed, summary.phones.removed, summary.phones.updated) == (1, 0, 1)
    moved = d.Phone.objects.get()
    assert moved.service_id is None and str(moved.organization_id) == data["id"]


def test_a_tabular_package_leaves_alone_the_tables_it_does_not_have(tmp_path):
    data = organization(services=[service(phones=[{"id": new_id(), "number": "+40 21 000 0005"}])])
    hsds_import_organizations([data])
    tables = {"organizations.csv": [{"id": data["id"], "name": "Renamed Aid Society", "description": ""}]}
    summary = hsds_import_path(write_package(tmp_path / "package", tables))
    assert summary.organizations.updated == 1 and summary.services.removed == summary.phones.removed == 0
    assert d.Phone.objects.exists() and d.Organization.objects.get().name == "Renamed Aid Society"


def test_our_own_columns_keep_their_value_when_the_file_says_nothing():
    address = {"id": new_id(), "address_1": "Strada Fictivă 1", "city": "Iași", "state_province": "Iași",
               "postal_code": "700000", "country": "ro", "address_type": "physical"}  # fmt: skip
    location = {"id": new_id(), "location_type": "physical", "addresses": [address],
                "is_confidential": True, "front_door_area": "Iași"}  # fmt: skip
    data = organization(country="RO", locations=[location])
    hsds_import_organizations([data])
    d.Organization.objects.update(is_published=False)
    assert d.Address.objects.get().country == "RO"
    # A public export leaves confidential locations out; importing it back must not lose them.
    hsds_import_organizations(
        [{key: value for key, value in data.items() if key != "country"} | {"locations": []}]
    )
    organization_ = d.Organization.objects.get()
    assert (organization_.country, organization_.is_published) == ("RO", False)
    assert d.Location.objects.get().is_confidential and d.Address.objects.exists()


def test_translations_and_language_are_stored_when_given():
    with_translations = organization(
        language="ro", name="Asociația Fictivă",
        translations={"en": {"name": "Fictional Association", "description": "Invented."}},
    )  # fmt: skip
    hsds_import_organizations([with_translations, organization()])
    translated = d.Organization.objects.get(id=with_translations["id"])
    assert translated.language == "ro" and translated.translated("name", "en") == "Fictional Association"
    assert d.Organization.objects.exclude(id=translated.id).get().language == ""
    assert directory_search(query="fictional").total == 1


def test_taxonomy_terms_come_with_their_attributes_and_our_vocabularies_stay_ours(vocabulary_term):
    taxonomy = {"id": new_id(), "name": "Fake taxonomy", "description": "Invented."}
    term = {"id": new_id(), "name": "Fake term", "description": "Invented.", "taxonomy_detail": taxonomy}
    other = {"id": new_id(), "name": "Other term", "description": "Invented.", "taxonomy_id": taxonomy["id"]}
    ours = {"id": str(vocabulary_term.id), "name": "Renamed by a file", "description": "No."}
    data = organization(attributes=[{"id": new_id(), "taxonomy_term": t} for t in (term, other, ours)])
    summary = hsds_import_organizations([data])
    assert (summary.taxonomies.created, summary.taxonomy_terms.created, summary.attributes.created) == (
        1,
        2,
        3,
    )
    assert d.TaxonomyTerm.objects.get(id=other["id"]).taxonomy_ref_id == uuid.UUID(taxonomy["id"])
    vocabulary_term.refresh_from_db()
    assert vocabulary_term.name != "Renamed by a file"
    assert set(d.Attribute.objects.values_list("link_entity", flat=True)) == {"organization"}


# --- all or nothing, and what is refused ------------------------------------------------------------------


def test_a_bad_third_record_writes_nothing_and_is_named(tmp_path):
    bad = organization(email="not an email")
    message = refused(write_json(tmp_path, [organization(), organization(), bad]))
    assert message == f"organization {bad['id']}: email: must be an email address"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", "data.json: is empty"),
        ("   \n", "data.json: is empty"),
        (
            "{not json",
            "data.json: is not JSON (Expecting property name enclosed in double quotes at line 1, column 2)",
        ),
        ("42", "data.json: must hold an organization (a JSON object), a list of them or a page of them"),
        ('"text"', "data.json: must hold an organization"),
        ('{"contents": {}}', "data.json: contents: must be a list, not an object"),
        ("[1]", "organization #1: must be an object, not a number"),
        ('[{"name": "x"}]', "organization #1: id: is required"),
        ('[{"id": "not-a-uuid", "name": "x", "description": ""}]', "organization #1: id: must be a UUID"),
    ],
)
def test_bad_files_are_refused_with_a_reason(tmp_path, content, expected):
    path = tmp_path / "data.json"
    path.write_text(content, encoding="utf-8")
    assert refused(path).startswith(expected)


def test_integers_beyond_64_bits_are_kept_and_nan_is_refused(tmp_path):
    """orjson reads files and writes JSON columns; what it cannot, the json module does."""
    org = organization()
    path = tmp_path / "data.json"
    path.write_text(
        json.dumps([org])[:-2] + ', "register": 123456789012345678901234567890}]', encoding="utf-8"
    )
    hsds_import_path(path)
    assert d.Organization.objects.get(id=org["id"]).hsds_extra["register"] == 123456789012345678901234567890
    d.Organization.objects.all().delete()
    path.write_text(json.dumps([organization()])[:-2] + ', "score": NaN}]', encoding="utf-8")
    assert refused(path) == "data.json: is not JSON (NaN is not a JSON value)"
    lines = tmp_path / "data.ndjson"
    lines.write_text(json.dumps(organization()) + "\n" + '{"id": "x", "n": -Infinity}\n', encoding="utf-8")
    assert refused(lines) == "data.ndjson line 2: is not JSON (-Infinity is not a JSON value)"


def test_a_bad_ndjson_line_is_named(tmp_path):
    path = tmp_path / "data.ndjson"
    path.write_text(json.dumps(organization()) + "\n" + '{"id": "x", oops}\n', encoding="utf-8")
    assert refused(path).startswith("data.ndjson line 2: is not JSON (Expecting property name")


def test_bad_records_are_refused_naming_record_field_and_reason():
    org = organization()
    del org["name"]
    assert refused([org]) == f"organization {org['id']}: name: is required"
    org = organization(name="   ")
    assert refused([org]) == f"organization {org['id']}: name: must not be empty"
    bad = service(status="open")
    assert refused([organization(services=[bad])]) == (
        f"service {bad['id']}: status: must be one of active, inactive, defunct, temporarily closed"
    )
    bad = service(minimum_age=12.5)
    assert (
        refused([organization(services=[bad])]) == f"service {bad['id']}: minimum_age: must be a whole number"
    )
    bad = service(assured_date="2024-02-30")
    assert (
        refused([organization(services=[bad])])
        == f"service {bad['id']}: assured_date: must be a date (YYYY-MM-DD)"
    )
    bad = service(url="www.example.org")
    assert "url: must be a web address" in refused([organization(services=[bad])])
    org = organization(country="Romania")  # our extension: a code, as addresses' country
    assert refused([org]) == (
        f"organization {org['id']}: country: must be a two-letter country code (ISO 3166-1 alpha-2)"
    )
    org = organization(services=[service(), {"id": "nope", "name": "x", "status": "active"}])
    assert refused([org]) == f"service #2 in services of organization {org['id']}: id: must be a UUID"
    org = organization(locations=[{"id": new_id(), "location_type": "physical", "latitude": "45.1"}])
    assert "latitude: must be a number" in refused([org])
    org = organization(services={"id": new_id()})
    assert refused([org]) == f"organization {org['id']}: services: must be a list, not an object"


def test_ids_in_any_form_a_uuid_takes_are_one_record():
    """Upper case, braces, urn:uuid: or no dashes: the same id, stored once, linked as written."""
    org_id, service_id, location_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    org = organization(
        id=str(org_id).upper(),
        locations=[{"id": f"{{{location_id}}}", "location_type": "physical", "name": "Office"}],
        services=[
            service(
                id=f"urn:uuid:{service_id}",
                service_at_locations=[
                    {"id": new_id(), "location": {"id": location_id.hex, "location_type": "physical"}}
                ],
            )
        ],
    )
    summary = hsds_import_organizations([org])
    assert summary.organization_ids == [org_id]
    assert (summary.locations.created, summary.services.created) == (1, 1)
    link = d.ServiceAtLocation.objects.get()
    assert (link.service.organization_id, link.location_id) == (org_id, location_id)
    again = hsds_import_organizations([{**org, "id": str(org_id)}])
    assert (again.organizations.updated, again.organizations.created) == (1, 0)


def test_a_record_repeated_with_different_values_is_refused():
    phone_id = new_id()
    org = organization(
        phones=[{"id": phone_id, "number": "+40 21 000 0003"}],
        services=[service(phones=[{"id": phone_id, "number": "+40 21 999 9999"}])],
    )
    assert (
        refused([org])
        == f"phone {phone_id}: number: the record appears more than once, with different values"
    )


def test_a_service_needs_its_organization(tmp_path):
    orphan = service()
    assert refused(write_json(tmp_path, [orphan])) == f"service {orphan['id']}: organization_id: is required"
    elsewhere = service(organization_id=new_id())
    assert refused(write_json(tmp_path, [elsewhere])) == (
        f"service {elsewhere['id']}: organization_id: "
        "no organization with this id in the file or the directory"
    )


# --- other forms -----------------------------------------------------------------------------------------


def test_ndjson_page_and_service_records(tmp_path):
    first, second = organization(), organization()
    path = tmp_path / "data.ndjson"
    path.write_text(f"{json.dumps(first)}\n\n{json.dumps(second)}\n", encoding="utf-8")
    assert hsds_import_path(path).organizations.created == 2
    page = {"total_items": 1, "contents": [organization()], "empty": False}
    assert hsds_import_path(write_json(tmp_path, page)).organizations.created == 1
    # A service in full form, its organisation nested: that organisation's other services stay.
    full = service(organization={**first})
    summary = hsds_import_path(write_json(tmp_path, full))
    assert summary.services.created == 1 and summary.organizations.updated == 1
    path.write_text(f"{json.dumps(organization())}\n{{oops\n", encoding="utf-8")
    with pytest.raises(HsdsImportError, match="data.ndjson line 2: is not JSON"):
        hsds_import_path(path)


def test_command_prints_a_summary_and_fails_cleanly(tmp_path, capsys):
    call_command("hsds_import", str(write_json(tmp_path, [organization(services=[service()])])))
    assert "services: 1 created" in capsys.readouterr().out
    bad = write_json(tmp_path, [organization(email="nope")], "bad.json")
    with pytest.raises(
        CommandError, match="nothing imported: organization .*: email: must be an email address"
    ):
        call_command("hsds_import", str(bad))


def test_command_exit_code_and_stderr_without_traceback(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{oops", encoding="utf-8")
    refugiu = shutil.which("refugiu", path=str(Path(sys.executable).parent))
    root = Path(__file__).resolve().parents[2]  # the test settings module lives in tests/
    result = subprocess.run(  # noqa: S603 - our own command, fixed arguments
        [refugiu, "hsds_import", str(bad)],
        capture_output=True, text=True, timeout=120, cwd=root, env={**os.environ, "PYTHONPATH": str(root)},
    )  # fmt: skip
    assert result.returncode == 1
    assert "nothing imported: bad.json: is not JSON" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.fixture
def vocabulary_term() -> d.TaxonomyTerm:
    return d.TaxonomyTerm.objects.get(taxonomy_ref__slug="service_type", code="legal_counselling")


def test_reimporting_a_public_export_leaves_confidential_locations_as_they_are(tmp_path):
    """The export shows a shelter as its front door; importing that back must not replace the real record."""
    from refugiu.directory.hsds.export import hsds_export_path
    from tests.factories import (
        AddressFactory,
        LocationFactory,
        PhoneFactory,
        ServiceAtLocationFactory,
        ServiceFactory,
    )

    service = ServiceFactory(name="Shelter")
    shelter = LocationFactory(
        organization=service.organization,
        name="Casa Ascunsă",
        is_confidential=True,
        front_door_area="Ilfov",
        front_door_phone="+40 700 000 001",
        latitude="44.5",
        longitude="26.1",
    )
    AddressFactory(location=shelter, address_1="Strada Secretă 7")
    real_phone = PhoneFactory(location=shelter, number="+40 700 999 999")
    ServiceAtLocationFactory(service=service, location=shelter)
    exported = tmp_path / "public.json"
    hsds_export_path(path=exported)
    assert "Strada Secretă" not in exported.read_text(encoding="utf-8")

    summary = hsds_import_path(exported)
    shelter.refresh_from_db()
    assert shelter.name == "Casa Ascunsă" and str(shelter.latitude) == "44.500000"
    assert shelter.addresses.get().address_1 == "Strada Secretă 7"
    assert list(shelter.phones.values_list("id", "number")) == [(real_phone.id, "+40 700 999 999")]
    assert any("confidential location" in warning for warning in summary.warnings)
