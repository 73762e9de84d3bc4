"""`refugiu restore FILE [--force] [--check]`: see refugiu.core.backup.restore."""

from functools import cache
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from refugiu.core.backup import BackupError
from refugiu.core.backup.archive import archive_is_sealed
from refugiu.core.backup.restore import backup_restore
from refugiu.core.backup.sealed import passphrase_ask


class Command(BaseCommand):
    help = (
        "Restore a backup made by `refugiu backup` into this installation, which must be empty (or --force). "
        "Every checksum, the keys and the versions are checked before anything is written; an archive from "
        "an older Refugiu is migrated forward. Stop the application first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the archive")
        parser.add_argument(
            "--force",
            action="store_true",
            help="restore into an installation that holds data: all its tables and files are deleted first",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="only check the archive (checksums, keys, versions) with this installation; write nothing",
        )

    def handle(self, *args: Any, file: str, force: bool, check: bool, **options: Any) -> None:
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{path} is not a file")
        passphrase = cache(lambda: passphrase_ask(confirm=False)) if archive_is_sealed(path) else None
        try:
            result = backup_restore(path.resolve(), passphrase=passphrase, force=force, check_only=check)
        except BackupError as problem:
            raise CommandError(f"{'Checked' if check else 'Not restored'}: {problem}") from None
        manifest = result.manifest
        rows = sum(table["rows"] for table in manifest["tables"])
        counted = sum(part["count"] for part in manifest["files"].values())
        made = (
            f"made {manifest['created_at']} by Refugiu {manifest['refugiu_version']} on "
            f"{manifest['database']['engine']}: {len(manifest['tables'])} tables ({rows:,} rows), "
            f"{counted:,} files"
        )
        if check:
            self.stdout.write(
                self.style.SUCCESS(f"The archive is whole, and signed with a key at hand: {made}.")
            )
            if result.holdings:
                self.stdout.write(
                    f"This installation is not empty (it holds {', '.join(result.holdings[:10])}): restoring "
                    "into it would need --force, which deletes all of it first."
                )
            return
        for note in result.notes:
            self.stderr.write(note)
        self.stdout.write(self.style.SUCCESS(f"Restored the backup {made}, in {result.seconds:.1f} s."))
        if result.migrated_forward:
            self.stdout.write(f"Migrated forward to this version: {', '.join(result.migrated_forward)}.")
        self.stdout.write("Sessions are not in backups: everyone signs in again.")
