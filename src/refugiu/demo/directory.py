"""The seed organisation's referral directory: every body its 2019 report names, as HSDS data."""

import json
from pathlib import Path

from refugiu.directory.hsds.importer import hsds_import_organizations

DEMO_FILE = Path(__file__).resolve().parent / "data" / "demo_directory.json"


def directory_demo_load():
    return hsds_import_organizations(json.loads(DEMO_FILE.read_text(encoding="utf-8")))
