"""Import → export → import → export gives the same export: nothing HSDS can carry is lost on the way.

Each official example is imported, exported (JSON and tabular), imported into a clean directory and
exported again; the two exports must be equal, file for file.
"""

import json
from pathlib import Path

import pytest

from refugiu.directory import models as d
from refugiu.directory.hsds.export import hsds_export_path
from refugiu.directory.hsds.importer import hsds_import_path
from tests.conftest import HSDS_DIR, needs_shared_hsds

pytestmark = [pytest.mark.django_db, needs_shared_hsds]

EXAMPLES = ("organization_full.json", "service_full.json", "csv")


def directory_clear() -> None:
    """Everything but our own vocabularies, which every installation has from its migrations."""
    d.Attribute.objects.all().delete()
    for model in (d.Organization, d.Location, d.Contact, d.Phone, d.Schedule, d.Language, d.ServiceArea):
        model.objects.all().delete()
    d.TaxonomyTerm.objects.filter(taxonomy_ref__slug__isnull=True).delete()
    d.Taxonomy.objects.filter(slug__isnull=True).delete()
    d.SearchEntry.objects.all().delete()
    assert not d.Service.objects.exists() and not d.Address.objects.exists()


def package_files(folder: Path) -> dict[str, str]:
    """The package's files by name; datapackage.json without its time of creation."""
    files = {path.name: path.read_text(encoding="utf-8") for path in sorted(folder.iterdir())}
    descriptor = json.loads(files.pop("datapackage.json"))
    descriptor.pop("created", None)
    files["datapackage.json"] = json.dumps(descriptor, sort_keys=True)
    return files


@pytest.mark.parametrize("example", EXAMPLES)
def test_json_export_survives_a_round_trip(tmp_path, example):
    hsds_import_path(HSDS_DIR / "examples" / example)
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    hsds_export_path(path=first)
    directory_clear()
    hsds_import_path(first)
    hsds_export_path(path=second)
    exported = json.loads(first.read_text(encoding="utf-8"))
    assert exported and exported[0]["services"]
    assert json.loads(second.read_text(encoding="utf-8")) == exported


@pytest.mark.parametrize("example", EXAMPLES)
def test_tabular_export_survives_a_round_trip(tmp_path, example):
    hsds_import_path(HSDS_DIR / "examples" / example)
    first, second = tmp_path / "first", tmp_path / "second"
    hsds_export_path(path=first)
    directory_clear()
    hsds_import_path(first)
    hsds_export_path(path=second)
    files = package_files(first)
    assert "Community Counselling" in files["services.csv"]
    assert package_files(second) == files


def test_zip_export_imports_back(tmp_path):
    hsds_import_path(HSDS_DIR / "examples" / "organization_full.json")
    archive = tmp_path / "directory.zip"
    hsds_export_path(path=archive)
    directory_clear()
    summary = hsds_import_path(archive)
    assert summary.services.created == 1 and summary.phones.created == 1 and summary.attributes.created == 1
