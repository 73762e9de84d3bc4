"""`refugiu hsds_export PATH`: write the public directory in HSDS 3.0 form.

The form follows the name: PATH.json, PATH.ndjson, PATH.zip or a folder (see
`directory.hsds.export`). Only published records, and confidential locations by their front door only.
On failure the reason goes to stderr, the exit code is 1 and no partial file is left.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from refugiu.directory.hsds.export import HsdsExportError, hsds_export_path


class Command(BaseCommand):
    help = (
        "Export the public directory in HSDS 3.0 form: PATH.json (a JSON array of organizations in full "
        "form), PATH.ndjson (one organization per line), or a folder or PATH.zip (a tabular data package: "
        "datapackage.json and one CSV file per HSDS table). Confidential addresses are never exported."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path", type=Path, help="the .json, .ndjson or .zip file, or the folder, to write"
        )

    def handle(self, *args: Any, path: Path, **options: Any) -> None:
        path = Path(path)  # call_command passes keyword options unparsed
        try:
            summary = hsds_export_path(path=path)
        except HsdsExportError as exc:
            raise CommandError(f"nothing exported: {exc}") from exc
        except OSError as exc:
            raise CommandError(f"nothing exported: cannot write {path}: {exc.strerror or exc}") from exc
        self.stdout.write(self.style.SUCCESS(str(summary)))
