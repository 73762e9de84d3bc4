"""Making a backup (`refugiu backup`): the snapshot's tables, then the files, then the manifest.

The files are copied after the tables, once the snapshot is taken: a file uploaded meanwhile is in the
archive without a row naming it (harmless, and as the live installation has it), and a file deleted
meanwhile (a document erased) is missing although its row is there; the manifest counts those, and the
command says so. The other order would lose the newest uploads instead, which is worse.
"""

import datetime as dt
import hashlib
import hmac
import json
import os
import platform
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any, BinaryIO

import django
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection, models
from django.db.migrations.loader import MigrationLoader

from refugiu.core import crypto
from refugiu.core.backup import archive, files, tables
from refugiu.core.encrypted_files import ENCRYPTED_FILE_COLUMNS

FORMAT, FORMAT_VERSION = "refugiu-backup", 1


def refugiu_version() -> str:
    return version("refugiu")


def manifest_hmac(manifest_bytes: bytes, key: bytes) -> str:
    """The manifest's HMAC-SHA256 under a key derived from an encryption key (never the key itself)."""
    signing_key = hmac.new(key, b"refugiu backup manifest v1", hashlib.sha256).digest()
    return hmac.new(signing_key, manifest_bytes, hashlib.sha256).hexdigest()


@dataclass
class BackupMade:
    path: Path
    manifest: dict[str, Any]
    seconds: float

    @property
    def rows(self) -> int:
        return sum(table["rows"] for table in self.manifest["tables"])


def backup_make(
    path: Path, *, passphrase: str | None = None, on_table: Callable[[str], None] | None = None
) -> BackupMade:
    """Write the installation's backup to `path` (which must not exist). With `passphrase` the archive holds
    the key file and is sealed with it; without, it holds no key. `on_table(label)` is called after each
    table is read (the tests slow the backup down with it, to write while it runs)."""
    started = time.perf_counter()
    keys = crypto.keys_load()
    writer = archive.ArchiveWriter(path, passphrase=passphrase)
    try:
        with tempfile.TemporaryDirectory(dir=path.parent, prefix=".refugiu-backup-") as scratch:
            database, referenced = _tables_write(writer, Path(scratch), on_table)
        copied = {
            "uploads": _files_write(writer, archive.UPLOADS, files.upload_names(), _upload_open),
            "case-files": _files_write(
                writer, archive.CASE_FILES, files.case_file_names(), files.case_file_open
            ),
        }
        if passphrase is not None:
            writer.add_bytes(archive.KEYS, b"".join(key + b"\n" for key in keys))
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "refugiu_version": refugiu_version(),
            "django_version": django.get_version(),
            "python_version": platform.python_version(),
            **database,
            "files": {
                folder: {"count": len(names), "missing": len(referenced[folder] - names)}
                for folder, names in copied.items()
            },
            "keys": {
                "ids": [crypto.key_id(key) for key in keys],
                "signed_with": crypto.key_id(keys[0]),
                "included": passphrase is not None,
            },
            "members": dict(writer.members),
        }
        manifest_bytes = json.dumps(manifest, indent=1, sort_keys=True).encode()
        writer.add_bytes(archive.MANIFEST, manifest_bytes)
        signature = {"key_id": crypto.key_id(keys[0]), "hmac_sha256": manifest_hmac(manifest_bytes, keys[0])}
        writer.add_bytes(archive.SIGNATURE, json.dumps(signature).encode())
        writer.close()
    except BaseException:
        writer.abort()
        raise
    return BackupMade(path=path, manifest=manifest, seconds=time.perf_counter() - started)


def _tables_write(
    writer: archive.ArchiveWriter, scratch: Path, on_table: Callable[[str], None] | None
) -> tuple[dict[str, Any], dict[str, set[str]]]:
    """Every table of the snapshot into the archive; returns the manifest's database part, and the file
    names the snapshot's rows refer to (per folder), to count the files deleted before they were copied."""
    with tables.snapshot(connection):
        recorded = tables.migrations_recorded(connection)
        loader = MigrationLoader(connection, ignore_no_migrations=True)
        nodes = tables.migration_nodes(loader, recorded)
        described: list[dict[str, Any]] = []
        referenced: dict[str, set[str]] = {"uploads": set(), "case-files": set()}
        for number, model in enumerate(tables.state_models(loader, nodes), start=1):
            table = model._meta.db_table
            member = f"{archive.DATABASE}{number:03d}-{table}.jsonl"
            part = scratch / f"{number:03d}.jsonl"
            rows = 0
            with open(part, "wb") as out:
                for line in tables.rows_export(model, connection):
                    out.write(line)
                    rows += 1
            with open(part, "rb") as source:
                writer.add(member, source, part.stat().st_size)
            part.unlink()
            described.append(
                {
                    "model": model._meta.label_lower,
                    "table": table,
                    "member": member,
                    "columns": tables.table_columns(model),
                    "rows": rows,
                }
            )
            _referenced_files(model, referenced)
            if on_table is not None:
                on_table(model._meta.label_lower)
        database = {
            "database": {
                "engine": connection.vendor,
                "version": ".".join(str(part) for part in connection.get_database_version()),
            },
            "migrations": recorded,
            "tables": described,
            "left_out": sorted(tables.LEFT_OUT),
        }
    return database, referenced


def _referenced_files(model: type[models.Model], referenced: dict[str, set[str]]) -> None:
    """Add the names of the files this table's rows point to (read in the snapshot)."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = [
        ("uploads", field.column)
        for field in model._meta.concrete_fields
        if isinstance(field, models.FileField) and field.column is not None  # a concrete field has one
    ]
    if model._meta.label_lower in ENCRYPTED_FILE_COLUMNS:
        columns.append(("case-files", ENCRYPTED_FILE_COLUMNS[model._meta.label_lower]))
    with connection.cursor() as cursor:
        for folder, column in columns:
            cursor.execute(f"SELECT {quote(column)} FROM {table} WHERE {quote(column)} <> ''")  # noqa: S608
            referenced[folder].update(name for (name,) in cursor.fetchall())


def _upload_open(name: str) -> File[bytes]:
    return default_storage.open(name, "rb")


def _files_write(
    writer: archive.ArchiveWriter,
    prefix: str,
    names: Iterable[str],
    opener: Callable[[str], BinaryIO | File[bytes]],
) -> set[str]:
    """Copy the files named into the archive under `prefix`; returns their names. A file gone between
    being listed and being opened (deleted meanwhile) is skipped."""
    copied: set[str] = set()
    for name in names:
        try:
            source = opener(name)
        except FileNotFoundError:
            continue
        with source:
            size = _size(source)
            writer.add(prefix + name, source, size)
        copied.add(name)
    return copied


def _size(source: BinaryIO | File[bytes]) -> int:
    try:
        return os.fstat(source.fileno()).st_size
    except (AttributeError, OSError):  # a storage's file object without a descriptor
        if not isinstance(source, File):
            raise  # an open file has one
        return source.size
