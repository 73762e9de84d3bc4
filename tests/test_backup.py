"""Backups (refugiu.core.backup): `refugiu backup` and `refugiu restore` as an operator runs them.

A backup restores into an empty installation with every table's rows (ciphertext included) and every file
identical, readable with the same key file; one taken while cases are being written restores to a
consistent state; a SQLite backup restores into PostgreSQL; a changed, cut, newer or foreign archive is
refused before anything is written; an archive with the keys is sealed with a passphrase.
"""

import gzip
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import tarfile
import threading
import time
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection, connections, transaction

from refugiu.accounts.roles import Role
from refugiu.cases import services
from refugiu.cases import vocabularies as v
from refugiu.cases.documents import storage_dir
from refugiu.core import crypto
from refugiu.core.backup import archive as layout
from refugiu.core.backup.make import backup_make, manifest_hmac
from refugiu.programmes.models import Campaign, CampaignMessage, EventPhoto, Publication
from refugiu.reports.models import ReportRun
from tests.accounts.mfa import enrol_totp
from tests.cases.factories import DepartmentFactory, case_new, coordinator
from tests.cases.test_encryption import DOCUMENT, IDENTITY, NEEDLES, world_make
from tests.factories import UserFactory
from tests.installation import Installation, installation, postgres_url
from tests.programmes.factories import EventFactory
from tests.programmes.test_uploads import png

PASSPHRASE = "correct horse battery staple, for tests"
RESTORE_SECONDS = 300


# --- reading databases and archives as they are -------------------------------------------------------------


def the_test_database() -> Installation:
    """The test database, read like a scratch installation's (sqlite3 or psycopg, not Django)."""
    if connection.vendor == "postgresql":
        return Installation(data_dir=Path("."), database_url=postgres_url(connection.settings_dict["NAME"]))
    site = Installation(data_dir=Path("."), database_url=None)
    site.sql = lambda statement: _sqlite_rows(connection.settings_dict["NAME"], statement)
    return site


def _sqlite_rows(path, statement):
    with sqlite3.connect(path) as database:
        return database.execute(statement).fetchall()


def raw_rows(site: Installation, table: str) -> list[tuple]:
    """Every row of `table` as the database stores it, ciphertext included, in primary-key order."""
    return site.sql(f"SELECT * FROM {table} ORDER BY 1")  # noqa: S608 - table names from the manifest


def kept(rows: list[tuple], before: list[tuple]) -> bool:
    """Every row as it was before a migration forward: the same rows, each beginning with the values it
    had (the columns later migrations add, such as the organisation's logo and translations, come last)."""
    if len(rows) != len(before):
        return False
    return all(row[: len(old)] == old for row, old in zip(rows, before, strict=True))


def members(path: Path) -> dict[str, bytes]:
    with tarfile.open(path, "r:gz") as tar:
        return {info.name: tar.extractfile(info).read() for info in tar}


def manifest_of(path: Path) -> dict:
    return json.loads(members(path)[layout.MANIFEST])


def repack(source: Path, target: Path, *, change=None, drop=(), manifest=None, key: bytes | None = None):
    """Write `source`'s members to `target`: `change` (name → bytes) replaces members, `drop` leaves some
    out, `manifest` (a function of the manifest) edits the manifest, signed again with `key` if given
    (only the holder of the key can do that: a real archive from another version)."""
    content = members(source)
    content.update(change or {})
    for name in drop:
        del content[name]
    if manifest is not None:
        edited = manifest(json.loads(content[layout.MANIFEST]))
        content[layout.MANIFEST] = json.dumps(edited, indent=1, sort_keys=True).encode()
        if key is not None:
            signature = {
                "key_id": crypto.key_id(key),
                "hmac_sha256": manifest_hmac(content[layout.MANIFEST], key),
            }
            content[layout.SIGNATURE] = json.dumps(signature).encode()
    with gzip.open(target, "wb") as unzipped, tarfile.open(fileobj=unzipped, mode="w|") as tar:
        for name, data in content.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return target


def tree(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under `folder`: its bytes and mode."""
    return {
        path.relative_to(folder).as_posix(): (path.read_bytes(), path.stat().st_mode & 0o777)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def folder_modes(folder: Path) -> set[int]:
    return {path.stat().st_mode & 0o777 for path in [folder, *folder.rglob("*")] if path.is_dir()}


def key_file_copy(source: Path, site: Installation) -> None:
    site.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    shutil.copyfile(source, site.data_dir / "encryption.keys")
    (site.data_dir / "encryption.keys").chmod(0o600)


def restored(site: Installation, archive: Path, *extra: str, **env):
    result = site.run("restore", str(archive), *extra, timeout=RESTORE_SECONDS, **env)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "Traceback" not in result.stderr
    return result


# --- an installation with something in every kind of file and table -----------------------------------------


@pytest.fixture
def own_folder(own_keys, settings):
    """This test's own data folder and key file (conftest's own_keys), with the uploads in it."""
    settings.MEDIA_ROOT = own_keys / "uploads"
    return own_keys


def files_make() -> dict:
    """An event photograph, a publication file, a campaign image and a made report in MEDIA_ROOT."""
    event = EventFactory()
    photo = EventPhoto.objects.create(event=event, image=ContentFile(png(), name="training.png"))
    publication = Publication.objects.create(
        title="Guide for practitioners", file=ContentFile(b"%PDF-1.4 a guide\n", name="guide.pdf")
    )
    campaign = Campaign.objects.create(title="Know your rights")
    message = CampaignMessage.objects.create(
        campaign=campaign, text="Help is free", image=ContentFile(png(4, 4), name="poster.png")
    )
    report = ReportRun.objects.create(
        kind=ReportRun.Kind.ANNUAL,
        format="pdf",
        status=ReportRun.Status.DONE,
        requested_by=UserFactory(roles=[Role.PROGRAMME_STAFF]),
        file=ContentFile(b"%PDF-1.4 the annual report\n", name="annual-2025.pdf"),
    )
    return {"photo": photo, "publication": publication, "message": message, "report": report}


def readable_script(beneficiary_id: int, document_id: int) -> str:
    return (
        "from refugiu.cases.models import BeneficiaryIdentity, Document\n"
        "from refugiu.cases.documents import document_path\n"
        "from refugiu.core.crypto import decrypt_bytes\n"
        f"identity = BeneficiaryIdentity.objects.get(beneficiary_id={beneficiary_id})\n"
        "print(identity.given_names, identity.family_names, identity.document_number)\n"
        f"document = Document.objects.get(pk={document_id})\n"
        "print(decrypt_bytes(document_path(document).read_bytes()).decode(), end='')\n"
    )


def tables_compared(source: Installation, target: Installation, manifest: dict) -> int:
    """Every table of the archive holds the same rows in both databases, byte for byte; returns the rows."""
    from django.apps import apps

    expected = {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and model._meta.label_lower != "sessions.session"
    }
    assert {table["table"] for table in manifest["tables"]} == expected
    rows = 0
    for table in sorted(expected):
        before, after = raw_rows(source, table), raw_rows(target, table)
        assert before == after, table
        rows += len(before)
    return rows


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_every_row_and_file_and_reads_with_the_same_key_file(own_folder, tmp_path):
    world = world_make()
    files_make()
    enrol_totp(world["boss"])
    archive = tmp_path / "backup.tar.gz"
    out = io.StringIO()
    call_command("backup", str(archive), stdout=out)
    assert "Backed up" in out.getvalue() and "It holds no key" in out.getvalue()
    assert archive.stat().st_mode & 0o777 == 0o600

    manifest = manifest_of(archive)
    (key,) = crypto.keys_load()
    assert manifest["keys"] == {
        "ids": [crypto.key_id(key)],
        "signed_with": crypto.key_id(key),
        "included": False,
    }
    assert manifest["database"]["engine"] == connection.vendor
    assert "0004_encrypt_sensitive_values" in manifest["migrations"]["cases"]
    assert manifest["files"] == {
        "uploads": {"count": 4, "missing": 0},
        "case-files": {"count": 1, "missing": 0},
    }
    # No plaintext of anything encrypted, no key, no session: the identity is there only as ciphertext.
    content = members(archive)
    assert set(content) == {*manifest["members"], layout.MANIFEST, layout.SIGNATURE}
    everything = b"\n".join(content.values())
    identity_rows = content[table_member(archive, "cases.beneficiaryidentity")]
    assert identity_rows.count(crypto.PREFIX.encode()) >= len(IDENTITY) - 1
    for needle in (*NEEDLES, DOCUMENT.decode()):
        assert needle.lower().encode() not in everything.lower(), needle
    assert key not in everything and not any("django_session" in name for name in content)
    assert all(
        name.startswith(("database/", "files/uploads/", "files/case-files/", "manifest.")) for name in content
    )

    with installation(tmp_path / "restored" / "var", suffix="restored") as site:
        key_file_copy(own_folder / "encryption.keys", site)
        result = restored(site, archive)
        assert "Restored the backup" in result.stdout and "everyone signs in again" in result.stdout

        assert tables_compared(the_test_database(), site, manifest) == sum(
            t["rows"] for t in manifest["tables"]
        )
        assert tree(site.data_dir / "uploads") == tree(own_folder / "uploads")
        assert tree(site.data_dir / "case-files") == tree(storage_dir())
        assert {mode for _data, mode in tree(site.data_dir).values()} == {0o600}
        assert folder_modes(site.data_dir) == {0o700}

        shown = site.run(
            "shell", "--no-imports", "-c", readable_script(world["beneficiary"].pk, world["document"].pk)
        )
        assert shown.returncode == 0, shown.stderr
        assert shown.stdout == (
            f"{IDENTITY['given_names']} {IDENTITY['family_names']} {IDENTITY['document_number']}\n"
            + DOCUMENT.decode()
        )
        assert site.run("check_keys").returncode == 0

        # Restoring again into what is now a working installation takes --force, which empties it first.
        refused = site.run("restore", str(archive), timeout=RESTORE_SECONDS)
        assert refused.returncode == 1 and "this installation is not empty" in refused.stderr
        (site.data_dir / "uploads" / "events" / "left-from-before.png").write_bytes(png())
        restored(site, archive, "--force")
        assert tables_compared(the_test_database(), site, manifest)
        assert tree(site.data_dir / "uploads") == tree(own_folder / "uploads")


# --- consistency while the application writes ---------------------------------------------------------------

SESSIONS_PER_CASE = 3


def cases_write(department, boss, stop: threading.Event, written: list, failures: list) -> None:
    """What caseworkers do meanwhile: open a case (a person, their identity, the team, the audit records) and
    record its sessions, all in one transaction, again and again."""
    try:
        while not stop.is_set():
            with transaction.atomic():
                case = case_new(department=department, by=boss, summary="Opened during the backup")
                for _session in range(SESSIONS_PER_CASE):
                    services.service_record(
                        user=boss, case=case, kind=v.ServiceKind.LEGAL_COUNSELLING, duration_minutes=20
                    )
            written.append(case.pk)
    except Exception as problem:  # noqa: BLE001 - reported by the test
        failures.append(problem)
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_a_backup_taken_while_cases_are_written_restores_to_a_consistent_state(own_folder, tmp_path):
    department = DepartmentFactory()
    boss = coordinator(department)
    stop, written, failures = threading.Event(), [], []
    writer = threading.Thread(target=cases_write, args=(department, boss, stop, written, failures))
    writer.start()
    try:
        while len(written) < 3 and not failures and writer.is_alive():
            time.sleep(0.01)
        before = len(written)
        # A pause after each table: the writer commits cases between the tables the backup reads.
        made = backup_make(tmp_path / "during.tar.gz", on_table=lambda _label: time.sleep(0.03))
        during = len(written) - before
    finally:
        stop.set()
        writer.join()
    assert not failures, failures
    assert during >= 3, "no case was written while the backup ran"

    manifest = made.manifest
    rows = {table["table"]: table["rows"] for table in manifest["tables"]}
    assert before <= rows["cases_case"] < len(written)
    with installation(tmp_path / "restored" / "var", suffix="during") as site:
        key_file_copy(own_folder / "encryption.keys", site)
        restored(site, made.path)
        for table, count in rows.items():
            assert site.sql(f"SELECT count(*) FROM {table}") == [(count,)], table  # noqa: S608
        # Every case came whole: with its person, identity, team and every session, or not at all.
        cases = [pk for (pk,) in site.sql("SELECT id FROM cases_case")]
        assert set(cases) <= set(written) and set(written[:before]) <= set(cases)
        assert site.sql(
            "SELECT count(*) FROM cases_case c JOIN cases_beneficiaryidentity i"
            " ON i.beneficiary_id = c.beneficiary_id"
        ) == [(len(cases),)]
        sessions = dict(site.sql("SELECT case_id, count(*) FROM cases_serviceentry GROUP BY case_id"))
        assert sessions == dict.fromkeys(cases, SESSIONS_PER_CASE)
        opened = site.sql("SELECT count(*) FROM core_auditentry WHERE action = 'cases.case.opened'")
        assert opened == [(len(cases),)]


# --- refusals: nothing is written ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """A real installation with a few synthetic cases, and its backup (made by the command)."""
    data_dir = tmp_path_factory.mktemp("source") / "var"
    with installation(data_dir, suffix="source") as site:
        for command in (
            ("migrate", "-v0"),
            ("check_keys",),
            (
                "generate_cases",
                "--cases",
                "4",
                "--sessions-per-case",
                "2",
                "--long-history",
                "3",
                "--caseworkers",
                "2",
                "--bench-cases",
                "1",
            ),
            ("backup", str(data_dir.parent / "source.tar.gz")),
        ):
            result = site.run(*command, timeout=RESTORE_SECONDS)
            assert result.returncode == 0, result.stderr
        yield site, data_dir.parent / "source.tar.gz"


def cases_in(site: Installation) -> int:
    return site.sql("SELECT count(*) FROM cases_case")[0][0]


def refusal(site: Installation, archive: Path, *extra: str, **env) -> str:
    before = cases_in(site), sorted(p.name for p in site.data_dir.iterdir())
    result = site.run("restore", str(archive), *extra, **env)
    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stderr and "Not restored" in result.stderr
    assert (cases_in(site), sorted(p.name for p in site.data_dir.iterdir())) == before
    return result.stderr


def table_member(archive: Path, model: str) -> str:
    return next(table["member"] for table in manifest_of(archive)["tables"] if table["model"] == model)


def test_restore_refuses_an_installation_that_holds_data_without_force(source):
    site, archive = source
    message = refusal(site, archive)
    assert "this installation is not empty" in message and "cases_case" in message and "--force" in message


def test_restore_refuses_an_archive_with_a_changed_byte_naming_the_member(source, tmp_path):
    site, archive = source
    member = table_member(archive, "cases.case")
    data = bytearray(members(archive)[member])
    data[len(data) // 2] ^= 0x01
    message = refusal(site, repack(archive, tmp_path / "changed.tar.gz", change={member: bytes(data)}))
    assert f"{member} differs from its checksum" in message


def test_restore_refuses_an_archive_with_a_member_removed(source, tmp_path):
    site, archive = source
    member = table_member(archive, "cases.serviceentry")
    message = refusal(site, repack(archive, tmp_path / "cut.tar.gz", drop=[member]))
    assert f"{member} is missing" in message


def test_restore_refuses_an_archive_whose_manifest_was_edited(source, tmp_path):
    site, archive = source

    def fewer_cases(manifest):
        manifest["refugiu_version"] = "0.0.1"
        return manifest

    message = refusal(site, repack(archive, tmp_path / "edited.tar.gz", manifest=fewer_cases))
    assert "manifest.json in the archive was changed after the backup was made" in message


def test_restore_refuses_a_damaged_file(source, tmp_path):
    site, archive = source
    damaged = tmp_path / "damaged.tar.gz"
    data = bytearray(archive.read_bytes())
    data[len(data) // 3] ^= 0xFF
    damaged.write_bytes(bytes(data))
    message = refusal(site, damaged, "--force")
    assert "damaged" in message or "differs from its checksum" in message


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"refugiu_version": "99.0.0"}, "made by Refugiu 99.0.0, newer than this installation's"),
        ({"format_version": 2}, "in a format this version"),
        (
            {"migrations": {"cases": ["0001_initial", "0099_from_a_newer_version"]}},
            "migrated by a newer Refugiu (migrations this version of Refugiu does not have: "
            "cases.0099_from_a_newer_version)",
        ),
    ],
)
def test_restore_refuses_an_archive_from_a_newer_version(source, tmp_path, change, expected):
    site, archive = source
    key = (site.data_dir / "encryption.keys").read_bytes().strip()
    newer = repack(
        archive, tmp_path / "newer.tar.gz", manifest=lambda manifest: {**manifest, **change}, key=key
    )
    message = refusal(site, newer, "--force")
    assert expected in message


def test_restore_refuses_keys_that_do_not_open_the_archive(source):
    site, archive = source
    other = Fernet.generate_key()
    message = refusal(site, archive, "--force", **{crypto.ENV_VAR: other.decode()})
    key = (site.data_dir / "encryption.keys").read_bytes().strip()
    assert (
        f"encrypted with the key of id {crypto.key_id(key)}, which the keys of REFUGIU_ENCRYPTION_KEYS"
        in message
    )
    assert crypto.key_id(other) in message and other.decode() not in message and key.decode() not in message


def test_backups_into_a_folder_are_dated_and_the_oldest_deleted(source, tmp_path):
    site, _archive = source
    (tmp_path / "notes.txt").write_text("not a backup: kept")
    for _run in range(3):
        result = site.run("backup", str(tmp_path), "--keep", "2")
        assert result.returncode == 0, result.stderr
        time.sleep(1)  # names are dated to the second
    kept = sorted(path.name for path in tmp_path.iterdir())
    assert len(kept) == 3 and kept[0] == "notes.txt" and "Deleted the older backup" in result.stdout
    assert all(re.fullmatch(r"refugiu-\d{8}-\d{6}\.tar\.gz", name) for name in kept[1:])


def test_check_verifies_without_writing(source):
    site, archive = source
    result = site.run("restore", "--check", str(archive))
    assert result.returncode == 0, result.stderr
    assert "The archive is whole, and signed with a key at hand" in result.stdout
    assert "would need --force" in result.stdout


# --- an archive with the keys, from an older version --------------------------------------------------------


def test_an_older_archive_sealed_with_its_keys_restores_into_an_installation_without_keys(tmp_path):
    """Made by an installation two migrations behind (its cases made, then organisation 0002 and 0003
    unapplied: no staff members table, the NGO and its departments under their old names) with --include-keys:
    it needs the passphrase, holds no readable key without it, restores the key file, and is migrated forward
    keeping every row."""
    (tmp_path / "old").mkdir()
    with installation(tmp_path / "old" / "var", suffix="old") as old:
        for command in (
            ("migrate", "-v0"),
            ("check_keys",),
            (
                "generate_cases",
                "--cases",
                "2",
                "--sessions-per-case",
                "1",
                "--long-history",
                "1",
                "--caseworkers",
                "1",
                "--bench-cases",
                "1",
            ),
            ("migrate", "organisation", "0001", "-v0"),
        ):
            result = old.run(*command, timeout=RESTORE_SECONDS)
            assert result.returncode == 0, result.stderr
        key = (old.data_dir / "encryption.keys").read_bytes().strip()
        sealed = tmp_path / "sealed.bin"
        short = old.run("backup", "--include-keys", str(sealed), REFUGIU_BACKUP_PASSPHRASE="short")
        assert short.returncode == 1 and "too short" in short.stderr and not sealed.exists()
        made = old.run("backup", "--include-keys", str(sealed), REFUGIU_BACKUP_PASSPHRASE=PASSPHRASE)
        assert made.returncode == 0, made.stderr
        assert "It holds the key file" in made.stdout
        old_rows = {
            table: raw_rows(old, table)
            for table in ("cases_case", "cases_note", "core_auditentry", "organisation_department")
        }
        old_ngo = raw_rows(old, "organisation_organisation")

    data = sealed.read_bytes()
    assert key not in data and Fernet(key)._signing_key not in data
    with pytest.raises(tarfile.TarError), tarfile.open(sealed, "r:*"):
        pass

    with installation(tmp_path / "new" / "var", suffix="new") as new:
        new.data_dir.mkdir(mode=0o700, parents=True)
        asked = new.run("restore", str(sealed))
        assert asked.returncode == 1 and "a passphrase is needed" in asked.stderr
        wrong = new.run("restore", str(sealed), REFUGIU_BACKUP_PASSPHRASE=PASSPHRASE + "!")
        assert wrong.returncode == 1 and "wrong passphrase" in wrong.stderr
        assert not (new.data_dir / "encryption.keys").exists()

        result = restored(new, sealed, REFUGIU_BACKUP_PASSPHRASE=PASSPHRASE)
        # What depends on organisation 0003 (cases' latest, say) was unapplied with it and comes back too.
        forward = next(line for line in result.stdout.splitlines() if line.startswith("Migrated forward to"))
        assert "organisation.0002_staffmember, organisation.0003_ngo" in forward
        key_file = new.data_dir / "encryption.keys"
        assert key_file.read_bytes().strip() == key and key_file.stat().st_mode & 0o777 == 0o600
        assert "Restored the key file" in result.stderr
        for table, rows in old_rows.items():
            assert kept(raw_rows(new, table), rows), table
        assert new.sql("SELECT count(*) FROM organisation_staffmember") == [(0,)]
        assert kept(raw_rows(new, "organisation_ngo"), old_ngo) and old_ngo
        assert new.run("check_keys").returncode == 0


# --- from SQLite to PostgreSQL ------------------------------------------------------------------------------

needs_postgresql = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").split(":")[0] not in ("postgres", "postgresql", "pgsql"),
    reason="restores a SQLite backup into PostgreSQL: runs when DATABASE_URL names a PostgreSQL database",
)


def normalised(value, kind: str):
    """A stored value as the same value on either engine: SQLite keeps dates as text, booleans as 0/1,
    UUIDs as hex, JSON as text."""
    import datetime as dt
    import decimal
    import uuid

    if value is None:
        return None
    if kind == "DateTimeField":
        if isinstance(value, str):
            value = dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)
    if kind in ("DateField", "TimeField"):
        return value if isinstance(value, str) else value.isoformat()
    if kind == "BooleanField":
        return bool(value)
    if kind == "UUIDField":
        return value.hex if isinstance(value, uuid.UUID) else uuid.UUID(value).hex
    if kind == "JSONField":
        return json.loads(value) if isinstance(value, str) else value
    if kind == "DecimalField":
        return decimal.Decimal(str(value)).normalize()
    if kind == "GenericIPAddressField":
        return str(value)
    return value


def rows_normalised(site: Installation, model) -> list[tuple]:
    fields = model._meta.concrete_fields
    kinds = []
    for field in fields:
        target = field
        while target.is_relation:
            target = target.target_field
        kinds.append("JSONField" if target.get_internal_type() == "JSONField" else target.get_internal_type())
    columns = ", ".join(f'"{field.column}"' for field in fields)  # "primary" is a column's name
    rows = site.sql(f'SELECT {columns} FROM {model._meta.db_table} ORDER BY "{model._meta.pk.column}"')  # noqa: S608
    return [tuple(normalised(value, kind) for value, kind in zip(row, kinds, strict=True)) for row in rows]


@needs_postgresql
def test_a_sqlite_backup_restores_into_postgresql(tmp_path):
    from django.apps import apps

    (tmp_path / "sqlite").mkdir()
    sqlite = Installation(data_dir=tmp_path / "sqlite" / "var", database_url=None)
    for command in (
        ("demo", "--no-serve"),
        (
            "generate_cases",
            "--cases",
            "20",
            "--sessions-per-case",
            "3",
            "--long-history",
            "5",
            "--caseworkers",
            "3",
            "--bench-cases",
            "2",
        ),
        ("shell", "--no-imports", "-c", DOCUMENT_ADD),
        ("backup", str(tmp_path / "from-sqlite.tar.gz")),
    ):
        result = sqlite.run(*command, timeout=RESTORE_SECONDS)
        assert result.returncode == 0, result.stderr
    beneficiary_id, document_id = (int(n) for n in result_of(sqlite, DOCUMENT_IDS).split())
    manifest = manifest_of(tmp_path / "from-sqlite.tar.gz")
    assert manifest["database"]["engine"] == "sqlite"

    with installation(tmp_path / "postgresql" / "var", suffix="from_sqlite") as postgresql:
        key_file_copy(sqlite.data_dir / "encryption.keys", postgresql)
        restored(postgresql, tmp_path / "from-sqlite.tar.gz")
        compared = 0
        for model in apps.get_models(include_auto_created=True):
            if (
                model._meta.managed
                and not model._meta.proxy
                and model._meta.label_lower != "sessions.session"
            ):
                assert rows_normalised(sqlite, model) == rows_normalised(postgresql, model), model._meta.label
                compared += len(rows_normalised(postgresql, model))
        assert compared == sum(table["rows"] for table in manifest["tables"])
        assert tree(postgresql.data_dir / "case-files") == tree(sqlite.data_dir / "case-files")
        shown = postgresql.run("shell", "--no-imports", "-c", readable_script(beneficiary_id, document_id))
        assert shown.returncode == 0, shown.stderr
        assert shown.stdout == result_of(sqlite, readable_script(beneficiary_id, document_id))
        # New rows follow the restored ones: PostgreSQL's sequences were moved past them.
        more = postgresql.run("generate_cases", "--cases", "1", "--caseworkers", "1", "--seed", "7")
        assert more.returncode == 0, more.stderr


DOCUMENT_ADD = """
from refugiu.accounts.models import RoleAssignment
from refugiu.accounts.roles import Role
from refugiu.cases.documents import document_store
from refugiu.cases.models import Case
case = Case.objects.exclude(status="closed").order_by("pk").first()
boss = RoleAssignment.objects.filter(role=Role.COORDINATOR, department=case.department).first().user
data = b"A contract between two fictitious parties\\n"
document_store(user=boss, case=case, title="Scanned contract", data=data)
"""
DOCUMENT_IDS = """
from refugiu.cases.models import Document
document = Document.objects.get()
print(document.case.beneficiary_id, document.pk)
"""


def result_of(site: Installation, script: str) -> str:
    result = site.run("shell", "--no-imports", "-c", script)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_key_ids_reveal_nothing_and_tell_keys_apart():
    first, second = Fernet.generate_key(), Fernet.generate_key()
    assert crypto.key_id(first) == crypto.key_id(first) != crypto.key_id(second)
    assert len(crypto.key_id(first)) == 16 and crypto.key_id(first) not in first.decode()
    assert crypto.key_id(first) != hashlib.sha256(first).hexdigest()[:16]
