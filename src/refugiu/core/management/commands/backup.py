"""`refugiu backup FILE [--include-keys]` (or `refugiu backup FOLDER --keep N`): see refugiu.core.backup."""

import datetime as dt
import re
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from refugiu.core.backup import BackupError
from refugiu.core.backup.make import backup_make
from refugiu.core.backup.sealed import passphrase_ask
from refugiu.core.startup import StartCheckedCommand

# The names `refugiu backup FOLDER` gives, which --keep counts (and nothing else in the folder).
DATED = re.compile(r"refugiu-\d{8}-\d{6}\.(tar\.gz|sealed)")


def dated_name(*, sealed: bool) -> str:
    return f"refugiu-{dt.datetime.now():%Y%m%d-%H%M%S}{'.sealed' if sealed else '.tar.gz'}"


class Command(StartCheckedCommand):
    help = (
        "Write a backup of this installation to FILE: every table's rows from one consistent snapshot (the "
        "application may go on running), the uploaded and case files, and a manifest. The encryption keys "
        "are not in it unless --include-keys, which seals the whole archive with a passphrase."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file", help="the archive to write (it must not exist); a folder: a dated archive in it"
        )
        parser.add_argument(
            "--include-keys",
            action="store_true",
            help="put the encryption key file in the archive, and seal the archive with a passphrase (from "
            "REFUGIU_BACKUP_PASSPHRASE, or typed twice)",
        )
        parser.add_argument(
            "--keep",
            type=int,
            default=None,
            help="with a folder: then delete its oldest dated archives, keeping this many",
        )

    def handle(self, *args: Any, file: str, include_keys: bool, keep: int | None, **options: Any) -> None:
        target = Path(file)
        if target.is_dir():
            path = target / dated_name(sealed=include_keys)
        elif keep is not None:
            raise CommandError("--keep works with a folder, where the archives are given dated names")
        else:
            path = target
        if keep is not None and keep < 1:
            raise CommandError("--keep must be at least 1")
        if path.exists():
            raise CommandError(f"{path} exists; a backup never writes over a file")
        if not path.parent.is_dir():
            raise CommandError(f"{path.parent} is not a folder")
        try:
            passphrase = passphrase_ask(confirm=True) if include_keys else None
            made = backup_make(path.resolve(), passphrase=passphrase)
        except BackupError as problem:
            raise CommandError(f"No backup was made: {problem}") from None
        manifest = made.manifest
        counted = {folder: part["count"] for folder, part in manifest["files"].items()}
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {len(manifest['tables'])} tables ({made.rows:,} rows), {counted['uploads']:,} "
                f"uploaded files and {counted['case-files']:,} case documents to {path} "
                f"({path.stat().st_size / 1e6:,.1f} MB, {made.seconds:.1f} s)."
            )
        )
        ids = ", ".join(manifest["keys"]["ids"])
        if include_keys:
            self.stdout.write(
                f"It holds the key file (key id {ids}) and is sealed with the passphrase: keep the "
                "passphrase apart from it."
            )
        else:
            self.stdout.write(
                f"It holds no key. Its data opens with the key of id {ids}: keep that key file apart from "
                "the backups, and keep it as long as the backups that need it."
            )
        missing = sum(part["missing"] for part in manifest["files"].values())
        if missing:
            self.stderr.write(
                f"{missing} files named by the database were deleted while the backup was being made; their "
                "rows are in it without them."
            )
        if keep is not None:
            dated = sorted(
                entry for entry in target.iterdir() if DATED.fullmatch(entry.name) and entry.is_file()
            )
            for old in dated[:-keep]:
                old.unlink()
                self.stdout.write(f"Deleted the older backup {old}.")
