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


@pytest.fixture(scope="session")
def real_installation(tmp_path_factory):
    """A real installation (tests/installation.py), set up as an operator would: `refugiu migrate`, then
    the WSGI application started by gunicorn while there was no key yet (it must refuse, and make none),
    then `refugiu check_keys`. The secret key is the one made in the data folder. Shared by the tests of
    the keys and of the file modes: setting it up takes 10-20 s."""
    from tests.installation import installation

    data_dir = tmp_path_factory.mktemp("installation") / "var"
    with installation(data_dir, suffix="site") as site:
        site.env["SECRET_KEY"] = None
        migrated = site.run("migrate", "-v0", timeout=300)
        assert migrated.returncode == 0, migrated.stderr
        wsgi_before_any_key = site.run("gunicorn", "--bind", "127.0.0.1:0", "refugiu.wsgi:application")
        keys_after_wsgi = sorted(path.name for path in data_dir.iterdir() if "key" in path.name)
        checked = site.run("check_keys")
        yield {
            "site": site,
            "wsgi_before_any_key": wsgi_before_any_key,
            "keys_after_wsgi": keys_after_wsgi,
            "checked": checked,
        }


def pytest_configure(config):
    from refugiu.core.i18n import compile_catalogues

    compile_catalogues()


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
