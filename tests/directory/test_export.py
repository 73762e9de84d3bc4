"""`refugiu hsds_export`: JSON, NDJSON and the tabular package, valid HSDS, confidential addresses left
out, the same records as the API, and read back by the importer."""

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from refugiu.directory import models as d
from refugiu.directory.hsds import export
from refugiu.directory.hsds.importer import hsds_import_path
from tests.conftest import HSDS_DIR, needs_shared_hsds
from tests.directory.test_api import (
    API,
    FRONT_DOOR_EMAIL,
    FRONT_DOOR_PHONE,
    assert_no_secret,
    assert_valid,
    directory_build,
)
from tests.factories import OrganizationFactory, ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory():
    return directory_build()


def run_export(path: Path) -> str:
    out = io.StringIO()
    call_command("hsds_export", str(path), stdout=out)
    return out.getvalue()


def read_tables(folder: Path) -> dict[str, list[dict[str, str]]]:
    """Every CSV of a package, by HSDS table, as rows of cells by column."""
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    tables = {}
    for resource in descriptor["resources"]:
        with (folder / resource["path"]).open(encoding="utf-8", newline="") as handle:
            tables[resource["name"]] = list(csv.DictReader(handle))
    return tables


# --- JSON and NDJSON ------------------------------------------------------------------------------------


@needs_shared_hsds
def test_json_export_is_the_apis_organizations_in_full(client, directory, tmp_path):
    OrganizationFactory(name="Another organisation")
    path = tmp_path / "directory.json"
    summary = run_export(path)
    assert "Exported 3 organizations, 1 services" in summary
    text = path.read_text(encoding="utf-8")
    assert_no_secret(text.replace("\n", ""))
    organizations = json.loads(text)
    assert [o["name"] for o in organizations] == [
        "Another organisation",
        "Asociația Sprijin",
        "Federația Refugiu",
    ]
    for organization in organizations:
        assert_valid("compiled/organization.json", organization)
        assert organization == client.get(f"{API}/organizations/{organization['id']}").json()
    assert "Draft" not in text
    assert [p.name for p in tmp_path.iterdir()] == ["directory.json"]  # nothing left beside it


@needs_shared_hsds
def test_ndjson_export_is_one_organization_per_line(directory, tmp_path):
    path = tmp_path / "directory.ndjson"
    run_export(path)
    text = path.read_text(encoding="utf-8")
    assert_no_secret(text)
    lines = text.splitlines()
    assert len(lines) == 2
    for line in lines:
        assert_valid("compiled/organization.json", json.loads(line))


def test_an_empty_directory_exports_an_empty_list(tmp_path):
    d.Organization.objects.all().delete()
    run_export(tmp_path / "empty.json")
    assert json.loads((tmp_path / "empty.json").read_text()) == []


def test_organizations_are_read_a_batch_at_a_time(tmp_path, monkeypatch):
    monkeypatch.setattr(export, "BATCH", 2)
    for number in range(5):
        ServiceFactory(organization=OrganizationFactory(name=f"Organisation {number}"))
    run_export(tmp_path / "all.ndjson")
    lines = [json.loads(line) for line in (tmp_path / "all.ndjson").read_text().splitlines()]
    assert [o["name"] for o in lines] == [f"Organisation {n}" for n in range(5)]
    assert all(len(o["services"]) == 1 for o in lines)


def test_json_export_reads_back_into_the_same_directory(directory, tmp_path):
    """Import after export loses nothing but what the export leaves out on purpose (the shelter)."""
    d.Location.objects.filter(id=directory.shelter.id).delete()
    first = tmp_path / "first.json"
    run_export(first)
    d.Organization.objects.all().delete()
    hsds_import_path(first)
    second = tmp_path / "second.json"
    run_export(second)
    assert json.loads(second.read_text()) == json.loads(first.read_text())


# --- the tabular package --------------------------------------------------------------------------------


@needs_shared_hsds
def test_tabular_package_has_the_hsds_tables_and_columns(directory, tmp_path):
    folder = tmp_path / "package"
    summary = run_export(folder)
    assert "services.csv" in summary
    official = json.loads((HSDS_DIR / "datapackage.json").read_text(encoding="utf-8"))
    ours = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert [(r["name"], r["path"]) for r in ours["resources"]] == [
        (r["name"], r["path"]) for r in official["resources"]
    ]
    for mine, theirs in zip(ours["resources"], official["resources"], strict=True):
        assert [(f["name"], f["type"], f.get("format")) for f in mine["schema"]["fields"]] == [
            (f["name"], f["type"], f.get("format")) for f in theirs["schema"]["fields"]
        ]
        with (folder / mine["path"]).open(encoding="utf-8", newline="") as handle:
            assert next(csv.reader(handle)) == [f["name"] for f in theirs["schema"]["fields"]]
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["datapackage.json", *(r["path"] for r in official["resources"])]
    )


def _typed(table: str, row: dict[str, str]) -> dict:
    """A CSV row as the JSON form of the tabular schema has it: numbers as numbers, and an empty cell
    absent where it cannot be an empty string (a number, id, date, email or URI)."""
    kinds = {c.split(":")[0]: c.partition(":")[2] for c in export.TABLES[table][1].split()}
    return {k: float(v) if kinds[k] == "number" else v for k, v in row.items() if v != "" or kinds[k] == ""}


@needs_shared_hsds
def test_tabular_package_is_valid_complete_and_confidential(directory, tmp_path):
    folder = tmp_path / "package"
    run_export(folder)
    for file in folder.iterdir():
        assert_no_secret(file.read_text(encoding="utf-8"), is_json=False)
    tables = read_tables(folder)
    assert_valid(
        "compiled/tabular.json", {name: [_typed(name, r) for r in rows] for name, rows in tables.items()}
    )
    for name, rows in tables.items():
        ids = [row["id"] for row in rows]
        assert len(ids) == len(set(ids)), name
    by_id = {name: {row["id"]: row for row in rows} for name, rows in tables.items()}
    # Every link resolves inside the package, as its foreign keys say.
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        for key in resource["schema"].get("foreignKeys", []):
            target = by_id[key["reference"]["resource"]]
            for row in tables[resource["name"]]:
                assert row[key["fields"]] in ("", *target), (resource["name"], key["fields"])
    assert set(by_id["service"]) == {str(directory.service.id)}
    assert str(directory.organization.id) in by_id["organization"]
    shelter = by_id["location"][str(directory.shelter.id)]
    assert (shelter["name"], shelter["latitude"], shelter["description"]) == ("Bucharest", "", "")
    assert [p["number"] for p in tables["phone"] if p["location_id"] == str(directory.shelter.id)] == [
        FRONT_DOOR_PHONE
    ]
    assert [c["email"] for c in tables["contact"] if c["location_id"] == str(directory.shelter.id)] == [
        FRONT_DOOR_EMAIL
    ]
    assert not [a for a in tables["address"] if a["location_id"] == str(directory.shelter.id)]
    # A phone of a contact and of its organisation: one row with both links.
    shared = next(p for p in tables["phone"] if p["number"] == "+40 21 000 0001")
    assert shared["contact_id"] and shared["organization_id"] == str(directory.organization.id)
    # What we do not model comes back in its own table, linked to its record.
    assert [f["source"] for f in tables["funding"] if f["service_id"]] == ["A fake ministry"]
    assert [f["source"] for f in tables["funding"] if f["organization_id"]] == ["A fake foundation"]
    assert tables["cost_option"][0]["service_id"] == str(directory.service.id)
    assert tables["metadata"][0]["resource_id"] == str(directory.organization.id)
    assert by_id["service"][str(directory.service.id)]["program_id"] in by_id["program"]
    assert len(tables["taxonomy"]) == d.Taxonomy.objects.count()
    assert len(tables["taxonomy_term"]) == d.TaxonomyTerm.objects.count()
    assert {a["link_id"] for a in tables["attribute"]} == {
        str(directory.organization.id),
        str(directory.service.id),
    }


@needs_shared_hsds
def test_tabular_zip_holds_the_same_package(directory, tmp_path):
    run_export(tmp_path / "folder")
    run_export(tmp_path / "package.zip")
    with zipfile.ZipFile(tmp_path / "package.zip") as archive:
        names = sorted(archive.namelist())
        assert names == sorted(p.name for p in (tmp_path / "folder").iterdir())
        for name in names:
            text = archive.read(name).decode("utf-8")
            assert_no_secret(text, is_json=False)
            if name != "datapackage.json":
                assert archive.read(name) == (tmp_path / "folder" / name).read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder", "package.zip"]


def test_tabular_package_reads_back(directory, tmp_path):
    d.Location.objects.filter(id=directory.shelter.id).delete()
    before = tmp_path / "before.json"
    run_export(before)
    run_export(tmp_path / "package.zip")
    d.Organization.objects.all().delete()
    hsds_import_path(tmp_path / "package.zip")
    after = tmp_path / "after.json"
    run_export(after)

    def comparable(value):
        """The JSON form less what the tabular form has no column for (our extension fields) and the
        service's program, which a table links by id only (program_id)."""
        if isinstance(value, list):
            return [comparable(item) for item in value]
        if not isinstance(value, dict):
            return value
        dropped = {"translations", "country", "program", "program_id"}
        if "location_type" in value or "status" in value or "website" in value or "tax_id" in value:
            dropped.add("language")  # ours on organisations, services, locations; HSDS's on terms
        return {k: comparable(v) for k, v in value.items() if k not in dropped}

    assert comparable(json.loads(after.read_text())) == comparable(json.loads(before.read_text()))


# --- failures -------------------------------------------------------------------------------------------


def test_an_unknown_form_or_place_is_refused_and_leaves_nothing(tmp_path):
    with pytest.raises(CommandError, match=r"\.json, \.ndjson, \.zip"):
        call_command("hsds_export", str(tmp_path / "directory.csv"), stdout=io.StringIO())
    with pytest.raises(CommandError, match="nothing exported"):
        call_command("hsds_export", str(tmp_path / "missing" / "directory.json"), stdout=io.StringIO())
    (tmp_path / "a-file").write_text("")
    with pytest.raises(CommandError, match="not a folder"):
        call_command("hsds_export", str(tmp_path / "a-file"), stdout=io.StringIO())
    assert [p.name for p in tmp_path.iterdir()] == ["a-file"]
