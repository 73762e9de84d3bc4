"""Restoring a backup (`refugiu restore`) into an empty installation, on either engine.

Nothing is written before the whole archive has been read and found whole and right:
1. every member's SHA-256 and size against the manifest (a changed, missing or added member is named);
2. the keys: the installation's (or, in a sealed archive, the archive's own) must include every key the
   archive's data is encrypted with, and the manifest's HMAC must match under the one it was signed with;
3. the versions: an archive from a newer Refugiu, or naming migrations this version does not have, is
   refused; an older one is restored at its own migration state, then migrated forward;
4. the installation must be empty (no rows beyond what setting it up makes, no files), unless `force`.
Then: every table is dropped and the schema rebuilt by the migrations up to the archive's state; the rows
are loaded with their primary keys in one transaction (checksums taken again as they are read: an archive
changed since step 1 is refused and the transaction rolled back), foreign keys checked, PostgreSQL's
sequences moved past the restored ids; the files are written (0600 in 0700 folders); the key file of a
sealed archive is put in place (an existing different one is kept beside it); the database is migrated
forward (creating the content types and permissions of newer models after the restored ones, whose ids
win), the cache table is made; and the start check opens the restored data with the installation's keys.
"""

import datetime as dt
import hmac
import itertools
import json
import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import DatabaseError, connection, models, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from refugiu.core import crypto, startup
from refugiu.core.backup import BackupError, Readable, archive, files, tables
from refugiu.core.backup.make import FORMAT, FORMAT_VERSION, manifest_hmac, refugiu_version

SMALL_MEMBER = 64 * 1024 * 1024  # the manifest, its HMAC and the key file are read into memory
CHUNK = 1 << 20


@dataclass
class Verified:
    manifest: dict[str, Any]
    manifest_bytes: bytes  # as stored: what the HMAC covers
    signature: bytes
    members: dict[str, tuple[str, int]]  # every member's SHA-256 and size as read (= the manifest's)
    keys: list[bytes] | None  # the key file the archive holds (a sealed archive made with --include-keys)
    keys_to_write: list[bytes] | None = None  # set when the archive's keys are to become the key file


@dataclass
class Restored:
    manifest: dict[str, Any]
    migrated_forward: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    holdings: list[str] = field(default_factory=list)  # what the installation held (check only, or force)
    seconds: float = 0.0


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


def _drain(reader: Readable) -> None:
    while reader.read(CHUNK):
        pass


def _checked(name: str, reader: archive.HashingReader, verified: dict[str, tuple[str, int]]) -> None:
    """After reading a member to its end: its checksum and size are those verified (BackupError if not)."""
    _drain(reader)
    if verified.get(name) != (reader.sha256.hexdigest(), reader.size):
        raise BackupError(f"{name} in the archive changed after it was verified; nothing more was restored")


def archive_verify(path: Path, *, passphrase: Callable[[], str] | None) -> Verified:
    """Read the whole archive, checking every member against the manifest; BackupError naming what is
    wrong. The HMAC is checked later, with the keys (keys_choose)."""
    seen: dict[str, tuple[str, int]] = {}
    small: dict[str, bytes] = {}
    files_started = False
    try:
        for name, reader in archive.archive_members(path, passphrase=passphrase):
            if name in seen:
                raise archive.ArchiveError(f"the archive holds {name} twice")
            if name.startswith(archive.DATABASE) and files_started:
                raise archive.ArchiveError(
                    f"the archive holds {name} after its files: not in a backup's order"
                )
            files_started = files_started or not name.startswith(archive.DATABASE)
            if name in (archive.MANIFEST, archive.SIGNATURE, archive.KEYS):
                small[name] = reader.read(SMALL_MEMBER + 1)
                if len(small[name]) > SMALL_MEMBER:
                    raise archive.ArchiveError(f"{name} in the archive is far too large")
            _drain(reader)
            seen[name] = (reader.sha256.hexdigest(), reader.size)
    except archive.READ_ERRORS as problem:
        raise archive.ArchiveError(f"the archive is damaged or is not a Refugiu backup ({problem})") from None
    for name in (archive.MANIFEST, archive.SIGNATURE):
        if name not in small:
            raise BackupError(f"the archive has no {name}: it is not a whole Refugiu backup")
    try:
        manifest = json.loads(small[archive.MANIFEST])
        members = manifest["members"]
        if manifest.get("format") != FORMAT:
            raise ValueError
    except (ValueError, KeyError, TypeError):
        raise BackupError(f"{archive.MANIFEST} in the archive is not a Refugiu backup manifest") from None

    problems = []
    for name, entry in sorted(members.items()):
        if name not in seen:
            problems.append(f"{name} is missing")
        elif seen[name] != (entry.get("sha256"), entry.get("size")):
            problems.append(f"{name} differs from its checksum")
    problems += [
        f"{name} is not in the manifest"
        for name in sorted(seen)
        if name not in members and name not in (archive.MANIFEST, archive.SIGNATURE)
    ]
    listed_tables = {table["member"] for table in manifest.get("tables", [])}
    problems += [
        f"{name} is in the manifest but not in its tables"
        for name in sorted(
            name for name in members if name.startswith(archive.DATABASE) and name not in listed_tables
        )
    ]
    problems += [f"{name} is missing" for name in sorted(listed_tables - set(members))]
    if problems:
        raise BackupError(
            "the archive was changed or damaged, and was not restored: "
            + "; ".join(problems[:20])
            + (f"; and {len(problems) - 20} more" if len(problems) > 20 else "")
        )
    keys = None
    if archive.KEYS in small:
        keys = [line.strip() for line in small[archive.KEYS].splitlines() if line.strip()]
        if not keys or not all(crypto.key_is_valid(key) for key in keys):
            raise BackupError(f"{archive.KEYS} in the archive does not hold Fernet keys")
    return Verified(
        manifest=manifest,
        manifest_bytes=small[archive.MANIFEST],
        signature=small[archive.SIGNATURE],
        members=seen,
        keys=keys,
    )


def keys_choose(verified: Verified) -> None:
    """The keys the restored installation will have: the archive's own (a sealed archive, with
    REFUGIU_ENCRYPTION_KEYS unset) or the installation's. BackupError when they lack a key of the archive,
    or when the manifest's HMAC does not match under the key it was signed with."""
    wanted = verified.manifest.get("keys", {}).get("ids", [])
    from_env = bool(os.environ.get(crypto.ENV_VAR, "").strip())
    if verified.keys is not None and not from_env:
        keys, source = verified.keys, "the archive"
        verified.keys_to_write = verified.keys
    else:
        crypto.keys_reset()
        try:
            keys = crypto.keys_load()
        except crypto.KeyUnavailable as problem:
            raise BackupError(
                f"this installation has no usable encryption key ({problem}). The archive's data is "
                f"encrypted with the key of id {', '.join(wanted)}: put the key file kept apart from the "
                f"backups at {crypto.key_file()} (mode 0600), or set {crypto.ENV_VAR}, then restore again."
            ) from None
        source = crypto.keys_source()
    have = {crypto.key_id(key): key for key in keys}

    def refusal(missing: list[str]) -> BackupError:
        hint = f"; or unset {crypto.ENV_VAR} to use the key file the archive holds" if verified.keys else ""
        return BackupError(
            f"the archive's data is encrypted with the key of id {', '.join(missing)}, which the keys of "
            f"{source} (ids {', '.join(have) or 'none'}) do not include. Put the key file kept with this "
            f"backup's keys at {crypto.key_file()} (or its keys in {crypto.ENV_VAR}){hint}, then restore "
            "again."
        )

    changed = BackupError(
        f"{archive.MANIFEST} in the archive was changed after the backup was made (its HMAC does not "
        "match): the archive was not restored"
    )
    try:
        signature = json.loads(verified.signature)
        signer, stated = str(signature["key_id"]), str(signature["hmac_sha256"])
    except (ValueError, KeyError, TypeError):
        raise changed from None
    if signer not in have:
        raise refusal(sorted({signer, *wanted} - set(have)))
    if not hmac.compare_digest(manifest_hmac(verified.manifest_bytes, have[signer]), stated):
        raise changed
    # The manifest is the one the backup wrote: its key ids can be trusted.
    missing = [key_id for key_id in wanted if key_id not in have]
    if missing:
        raise refusal(missing)


def versions_check(manifest: dict[str, Any]) -> list[tuple[str, str]]:
    """The archive's migration nodes; BackupError for an archive newer than this installation."""
    ours = refugiu_version()
    if manifest.get("format_version", 0) > FORMAT_VERSION:
        raise BackupError(
            f"the archive was made by a newer Refugiu ({manifest.get('refugiu_version')}), in a format this "
            f"version ({ours}) cannot read: install that version or a newer one, then restore"
        )
    if _version(str(manifest.get("refugiu_version", ""))) > _version(ours):
        raise BackupError(
            f"the archive was made by Refugiu {manifest.get('refugiu_version')}, newer than this "
            f"installation's {ours}: install that version or a newer one, then restore"
        )
    try:
        return tables.migration_nodes(
            MigrationLoader(None, ignore_no_migrations=True), manifest.get("migrations", {})
        )
    except BackupError as problem:
        raise BackupError(
            f"the archive's database was migrated by a newer Refugiu ({problem}): install that version or a "
            "newer one, then restore"
        ) from None


def backup_restore(
    path: Path, *, passphrase: Callable[[], str] | None = None, force: bool = False, check_only: bool = False
) -> Restored:
    """Restore the archive at `path` into this installation (see the module). `check_only`: verify the
    archive, the keys and the versions, and write nothing."""
    started = time.perf_counter()
    verified = archive_verify(path, passphrase=passphrase)
    keys_choose(verified)
    nodes = versions_check(verified.manifest)
    holdings = tables.database_holdings(connection) + files.files_holdings()
    result = Restored(manifest=verified.manifest, holdings=holdings)
    if check_only:
        return result
    if holdings and not force:
        raise BackupError(
            "this installation is not empty, so nothing was restored. It holds: "
            + ", ".join(holdings[:10])
            + (f" and {len(holdings) - 10} more" if len(holdings) > 10 else "")
            + ". Restore into an empty installation, or add --force to delete all of it first."
        )
    if holdings:
        files.files_clear()
    if verified.keys_to_write is not None:
        result.notes += _key_file_write(verified.keys_to_write)
    tables.database_clear(connection)
    loader = tables.database_migrate_to(connection, nodes)
    state_models = {model._meta.label_lower: model for model in tables.state_models(loader, nodes)}
    _archive_load(path, passphrase, verified, state_models)

    ContentType.objects.clear_cache()
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    result.migrated_forward = [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]
    if plan:  # with its post-migrate signal: content types and permissions of the newer models
        call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    try:
        result.notes += startup.keys_check(make_key=False) + startup.data_folder_secure()
    except startup.StartRefused as refusal:
        raise BackupError(f"the archive was restored, but the start check refuses it: {refusal}") from None
    missing = {folder: part["missing"] for folder, part in verified.manifest.get("files", {}).items()}
    if any(missing.values()):
        result.notes.append(
            "The backup lacked files its rows name (deleted while it was being made): "
            + ", ".join(f"{count} in {folder}" for folder, count in missing.items() if count)
            + "."
        )
    result.seconds = time.perf_counter() - started
    return result


def _key_file_write(keys: list[bytes]) -> list[str]:
    notes: list[str] = []
    path = crypto.key_file()
    if path.exists():
        present = [line.strip() for line in path.read_bytes().splitlines() if line.strip()]
        if present == keys:
            return notes
        kept = path.with_name(f"{path.name}.before-restore-{dt.datetime.now():%Y%m%d-%H%M%S}")
        path.rename(kept)
        notes.append(f"The key file that was there is kept as {kept}.")
    crypto.keys_write(keys)
    notes.append(f"Restored the key file {path} from the archive: back it up apart from the data.")
    return notes


def _lines(reader: Readable) -> Iterator[bytes]:
    rest = b""
    while chunk := reader.read(CHUNK):
        *lines, rest = (rest + chunk).split(b"\n")
        yield from lines
    if rest:
        yield rest


def _refused_rows(what: str, problem: DatabaseError) -> BackupError:
    """The database's refusal, first line only: PostgreSQL's DETAIL line can quote a value (an address)."""
    first = str(problem).strip().splitlines()[0] if str(problem).strip() else type(problem).__name__
    return BackupError(f"the database refused {what} ({first}); no row of the archive was kept")


def _archive_load(
    path: Path,
    passphrase: Callable[[], str] | None,
    verified: Verified,
    state_models: dict[str, type[models.Model]],
) -> None:
    """Pass two: the rows (one transaction), then the files."""
    expected = verified.members
    by_member = {table["member"]: table for table in verified.manifest["tables"]}
    members = archive.archive_members(path, passphrase=passphrase)
    after_tables: list[tuple[str, archive.HashingReader]] = []
    try:
        with transaction.atomic():
            tables.rows_made_by_migrations_delete(
                [model._meta.db_table for model in state_models.values()], connection
            )
            loaded: list[type[models.Model]] = []
            for name, reader in members:
                if not name.startswith(archive.DATABASE):
                    after_tables.append((name, reader))
                    break
                table = by_member[name]
                model = state_models.get(table["model"])
                if model is None:
                    raise BackupError(f"the archive's table {table['table']} has no place in this version")
                try:
                    count = tables.rows_import(model, table["columns"], _lines(reader), connection)
                except DatabaseError as problem:
                    raise _refused_rows(f"its table {table['table']}", problem) from None
                _checked(name, reader, expected)
                if count != table["rows"]:
                    raise BackupError(f"{name} holds {count} rows where the manifest says {table['rows']}")
                loaded.append(model)
            try:
                connection.check_constraints()
            except DatabaseError as problem:
                raise _refused_rows("its rows together", problem) from None
            tables.sequences_reset(loaded, connection)
        for name, reader in itertools.chain(after_tables, members):
            relative = name.split("/", 2)[-1]
            if name.startswith(archive.UPLOADS):
                files.upload_write(relative, reader)
            elif name.startswith(archive.CASE_FILES):
                files.case_file_write(relative, reader)
            _checked(name, reader, expected)
    except archive.READ_ERRORS as problem:
        raise archive.ArchiveError(f"the archive could not be read to its end ({problem})") from None
