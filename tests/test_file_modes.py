"""The data folder is readable by the account that runs Refugiu only: mode 0700, and everything a real
run creates in it 0600 (database, keys, demo passwords, uploads, mail, reports, case files); a start
tightens what is looser and refuses when it cannot (core.startup.data_folder_secure)."""

import os
import stat
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection

from refugiu.core.startup import StartRefused, data_folder_secure

# Run in `refugiu shell` on the demo's data: a mail (the file backend writes into DATA_DIR/mail), an upload,
# a generated report's file, a case document; and, on SQLite, the modes of the database's -wal and -shm
# files while the database is open.
SHELL = """
import os
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import send_mail
from django.db import connection
from refugiu.accounts.models import User
from refugiu.cases import access
from refugiu.cases.documents import document_store
from refugiu.cases.models import Case

send_mail("Reset your password", "a reset link", "refugiu@localhost", ["someone@example.org"])
default_storage.save("events/photo.txt", ContentFile(b"a photograph"))
default_storage.save("reports/annual-report-2019.pdf", ContentFile(b"%PDF-1.4 a report"))
lawyer = User.objects.get(username="lawyer")
case = next(c for c in Case.objects.filter(team__user=lawyer) if access.can_edit(lawyer, c))
document_store(user=lawyer, case=case, title="Statement", data=b"A written statement.\\n")
if connection.vendor == "sqlite":
    name = str(connection.settings_dict["NAME"])
    for suffix in ("-wal", "-shm"):
        print(f"database{suffix}", oct(os.stat(name + suffix).st_mode & 0o777))
"""
# The WSGI application, as gunicorn imports it, sending a mail.
WSGI = """
import refugiu.wsgi
from django.core.mail import send_mail
send_mail("Reset your password", "a reset link", "refugiu@localhost", ["someone@example.org"])
"""


def modes(folder: Path) -> dict[str, int]:
    found = {".": stat.S_IMODE(folder.stat().st_mode)}
    for path in folder.rglob("*"):
        found[str(path.relative_to(folder))] = stat.S_IMODE(path.lstat().st_mode)
    return found


def test_what_a_real_run_creates_is_readable_by_its_account_only(real_installation):
    site = real_installation["site"]
    for command in (("demo", "--no-serve"), ("shell", "-c", SHELL), ("python", "-c", WSGI)):
        result = site.run(*command, timeout=300)
        assert result.returncode == 0, (command, result.stderr)
        if command[0] == "shell":
            shell = result.stdout
        if command[0] == "demo":  # the example training's registrations were confirmed by mail
            demo_mails = len(list((site.data_dir / "mail").iterdir()))

    found = modes(site.data_dir)
    folders = {name for name in found if (site.data_dir / name).is_dir()}
    assert {name: oct(mode) for name, mode in found.items() if name in folders and mode != 0o700} == {}
    assert {name: oct(mode) for name, mode in found.items() if name not in folders and mode != 0o600} == {}

    names = set(found)
    assert {"secret_key", "encryption.keys", "demo-accounts.txt", "mail", "uploads", "case-files"} <= names
    assert {"uploads/events/photo.txt", "uploads/reports/annual-report-2019.pdf"} <= names
    # The demo's, then the shell's and the WSGI's.
    assert len([name for name in names if name.startswith("mail/")]) == demo_mails + 2
    assert [name for name in names if name.startswith("case-files/")]
    if site.database_url is None:
        assert "refugiu.sqlite3" in names
        assert "database-wal 0o600" in shell and "database-shm 0o600" in shell


def test_a_start_tightens_what_is_looser_and_says_so(real_installation):
    site = real_installation["site"]
    loose = site.data_dir / "copied-by-hand"
    loose.mkdir(mode=0o755, exist_ok=True)
    (loose / "notes.txt").write_text("left here")
    (loose / "notes.txt").chmod(0o644)
    (site.data_dir / "encryption.keys").chmod(0o640)
    site.data_dir.chmod(0o755)

    result = site.run("check_keys")

    assert result.returncode == 0, result.stderr
    assert "Made 4 files and folders readable by this account only (other accounts could read them)" in (
        result.stderr
    )
    assert str(loose / "notes.txt") in result.stderr
    found = modes(site.data_dir)
    assert (found["."], found["copied-by-hand"], found["copied-by-hand/notes.txt"]) == (0o700, 0o700, 0o600)
    assert found["encryption.keys"] == 0o600
    assert site.run("check_keys").stderr == ""  # nothing left to say


def test_uploads_are_private_whatever_the_umask(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    name = default_storage.save("publications/leaflet.pdf", ContentFile(b"%PDF-1.4 a leaflet"))
    path = Path(settings.MEDIA_ROOT) / name
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


@pytest.mark.django_db
def test_a_start_refuses_what_it_cannot_tighten(settings, tmp_path, monkeypatch):
    settings.DATA_DIR = tmp_path
    theirs = tmp_path / "mail"
    theirs.mkdir(mode=0o755)
    theirs.chmod(0o755)

    def not_ours(path, mode):
        raise PermissionError(1, "Operation not permitted", str(path))

    monkeypatch.setattr("refugiu.core.startup.os.chmod", not_ours)
    with pytest.raises(StartRefused) as refused:
        data_folder_secure()
    message = str(refused.value)
    assert "can be read by other accounts, and this account cannot change that" in message
    assert str(theirs) in message and f"chmod -R go-rwx {tmp_path}" in message


@pytest.mark.django_db
def test_a_sqlite_database_outside_the_data_folder_is_tightened_too(settings, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("a SQLite database file is checked on SQLite only; PostgreSQL keeps its own files")
    settings.DATA_DIR = tmp_path  # the test database is in another folder
    database = Path(connection.settings_dict["NAME"])
    database.chmod(0o644)
    folder_mode = stat.S_IMODE(database.parent.stat().st_mode)
    notes = data_folder_secure()
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    assert str(database) in notes[0]
    assert stat.S_IMODE(database.parent.stat().st_mode) == folder_mode  # not ours to change


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["directory.json", "directory.zip", "directory"])
def test_a_public_export_stays_readable_under_the_commands_umask(tmp_path, name):
    """The `refugiu` command runs with umask 077; what it exports for publishing is still for everyone."""
    import zipfile

    from refugiu.directory.hsds.export import hsds_export_path

    previous = os.umask(0o077)
    try:
        hsds_export_path(path=tmp_path / name)
    finally:
        os.umask(previous)
    exported = tmp_path / name
    assert stat.S_IMODE(exported.stat().st_mode) == (0o755 if exported.is_dir() else 0o644)
    if exported.is_dir():
        assert {stat.S_IMODE(p.stat().st_mode) for p in exported.iterdir()} == {0o644}
    if exported.suffix == ".zip":
        with zipfile.ZipFile(exported) as archive:
            assert {(member.external_attr >> 16) & 0o777 for member in archive.infolist()} == {0o644}
