from pathlib import Path

import pytest

SHARED_DIR = Path(__file__).resolve().parents[1].parent / "shared"
HSDS_DIR = SHARED_DIR / "hsds"
SEED_REPORT = SHARED_DIR / "seed" / "annual-report-2019.txt"

needs_shared_hsds = pytest.mark.skipif(
    not HSDS_DIR.is_dir(), reason="needs ../shared/hsds (the official HSDS 3 schemas), present in CI only"
)
needs_seed_report = pytest.mark.skipif(
    not SEED_REPORT.is_file(), reason="needs ../shared/seed/annual-report-2019.txt, present in CI only"
)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, made fresh, then checked against the keys as a real first start does: that
    writes the encryption check value (core.startup)."""
    from refugiu.core.startup import start_check

    with django_db_blocker.unblock():
        start_check(make_key=True)


@pytest.fixture
def own_keys(settings, tmp_path, monkeypatch):
    """A data folder and key file of this test's own, so rotating keys touches nothing else: made, with the
    check value, by the start check of what is then an empty installation."""
    from refugiu.core import crypto
    from refugiu.core.models import EncryptionCheck
    from refugiu.core.startup import start_check

    monkeypatch.delenv(crypto.ENV_VAR, raising=False)
    settings.DATA_DIR = tmp_path
    EncryptionCheck.objects.all().delete()
    start_check(make_key=True)
    yield tmp_path
    crypto.keys_reset()


def pytest_configure(config):
    from refugiu.core.i18n import compile_catalogues

    compile_catalogues()


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
