"""Settings for a task worker started by a test in its own process: the test settings, with the report
modules replaced by the quick stand-in (tests/reports/renderers_fake.py)."""

from tests.settings import *  # noqa: F403

REFUGIU_REPORT_RENDERERS = {
    "annual": "tests.reports.renderers_fake",
    "funder": "tests.reports.renderers_fake",
    "statistics": "tests.reports.renderers_fake",
}
