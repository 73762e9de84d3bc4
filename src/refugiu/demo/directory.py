"""The demo's referral directory as HSDS data: every body the seed organisation's 2019 report names
(demo_directory.json), and real Romanian public institutions with their e-mails (ro_institutions.json,
MPL-2.0, made by `refugiu demo_ro_institutions` from Code for Romania's list: see ro_institutions.NOTICE).

A body of the report that is also one of the real institutions is kept as each file has it, not merged:
"Bucharest Bar" (report) is "Baroul București" (real list); the report's "Romanian Police" and "General
Directorates for Social Assistance and Child Protection" are, in the real list, the General Inspectorate
of the Romanian Police and the 48 directorates one by one.
"""

import json
from pathlib import Path

from refugiu.directory.hsds.importer import hsds_import_organizations
from refugiu.directory.hsds.summary import ImportSummary

DATA = Path(__file__).resolve().parent / "data"
DEMO_FILE = DATA / "demo_directory.json"
RO_INSTITUTIONS_FILE = DATA / "ro_institutions.json"


def directory_demo_load() -> tuple[ImportSummary, ImportSummary]:
    """Import the seed's bodies, then the real Romanian institutions; the summary of each import."""
    seed = hsds_import_organizations(json.loads(DEMO_FILE.read_text(encoding="utf-8")))
    institutions = hsds_import_organizations(json.loads(RO_INSTITUTIONS_FILE.read_text(encoding="utf-8")))
    return seed, institutions
