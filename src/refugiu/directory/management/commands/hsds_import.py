"""`refugiu hsds_import PATH`: import an HSDS 3.0 file or tabular package into the directory.

All or nothing: on any error nothing is written, the reason goes to stderr (record, field, reason, no
traceback) and the exit code is 1. What is accepted is described in `directory.hsds.importer`.
"""

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from refugiu.directory.hsds.importer import HsdsImportError, hsds_import_path


class Command(BaseCommand):
    help = (
        "Import HSDS 3.0 data: a JSON file (an organization in full form, a list of them or a page "
        '{"contents": [...]}), an NDJSON file (one organization per line), or a tabular data package '
        "(a folder or .zip with datapackage.json and its CSV files). Records are matched by id."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="the file, folder or .zip to import")

    def handle(self, *args: Any, path: Path, **options: Any) -> None:
        path = Path(path)  # call_command passes keyword options unparsed
        started = time.perf_counter()
        try:
            summary = hsds_import_path(path)
        except HsdsImportError as exc:
            raise CommandError(f"nothing imported: {exc}") from exc
        seconds = time.perf_counter() - started
        self.stdout.write(str(summary))
        services = summary.services.created + summary.services.updated
        rate = ""
        if services and seconds > summary.reindex_seconds:
            rate = (
                f", {services / (seconds - summary.reindex_seconds):,.0f} services/s before the search index"
            )
        index = f"search index {summary.reindex_seconds:.1f} s{rate}"
        self.stdout.write(self.style.SUCCESS(f"Imported {path.name} in {seconds:.1f} s ({index})."))
