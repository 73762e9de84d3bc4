"""Loads the vocabulary "How to get the service" (access_mode: in person, by phone, online, by referral
only), added to directory/data/taxonomies.json: the same load as 0003, which updates the others in place."""

import importlib

from django.db import migrations

vocabularies = importlib.import_module("refugiu.directory.migrations.0003_vocabularies")


class Migration(migrations.Migration):
    dependencies = [("directory", "0009_opening")]

    operations = [migrations.RunPython(vocabularies.load, migrations.RunPython.noop)]
