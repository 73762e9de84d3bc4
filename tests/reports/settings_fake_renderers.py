"""Settings for a task worker started by a test in its own process: the test settings, with every kind of
report made by the quick stand-in (tests/reports/renderers_fake.py)."""

from tests.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "tests.reports.renderers_fake.FakeRenderersConfig"]  # noqa: F405
