"""Loads our vocabularies (institution type, service type, target group, crime type) as HSDS taxonomies.

The data lives in directory/data/taxonomies.json with fixed ids, so every installation shares them and
re-running updates names without duplicating anything.
"""

import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "taxonomies.json"


def load(apps, schema_editor):
    Taxonomy = apps.get_model("directory", "Taxonomy")
    TaxonomyTerm = apps.get_model("directory", "TaxonomyTerm")
    for item in json.loads(DATA.read_text(encoding="utf-8")):
        taxonomy, _ = Taxonomy.objects.update_or_create(
            id=item["id"],
            defaults={
                "slug": item["slug"],
                "name": item["name"],
                "description": item["description"],
                "version": item["version"],
            },
        )
        for term in item["terms"]:
            TaxonomyTerm.objects.update_or_create(
                id=term["id"],
                defaults={
                    "taxonomy_ref": taxonomy,
                    "taxonomy": item["name"],
                    "code": term["code"],
                    "name": term["name"],
                    "description": term["name"],
                    "language": "en",
                    "translations": {"ro": {"name": term["name_ro"], "description": term["name_ro"]}},
                },
            )


class Migration(migrations.Migration):
    dependencies = [("directory", "0002_search_index")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
