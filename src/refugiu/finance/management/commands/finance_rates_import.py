"""refugiu finance_rates_import FILE: import the European Central Bank's exchange rates from its CSV download
(eurofxref-hist.csv, every day, or eurofxref.csv, the latest day; unzipped). No network call. Every bad line
is listed with its number and what is wrong, the good ones are imported; importing again changes nothing.
The expenses of open reporting periods in those currencies are converted again. Exit 1 when a line was left
out, 2 when nothing could be read. `--as USERNAME` records a financial manager as the importer in the audit
log (they must be one); without it the audit log names the command line."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from refugiu.accounts.models import User
from refugiu.finance.services.rates import rates_import


class Command(BaseCommand):
    help = "Import exchange rates from the ECB's CSV file (grant finance)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--as",
            dest="username",
            help="A financial manager to record the import for in the audit log (else: the command line).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path}: cannot be read ({error.strerror})", returncode=2) from error
        actor = None
        if options["username"]:
            try:
                actor = User.objects.get(username=options["username"], is_active=True)
            except User.DoesNotExist:
                raise CommandError(f"no active user {options['username']!r}", returncode=2) from None
        result = rates_import(actor=actor, data=data, filename=path.name, command_line=actor is None)
        for problem in result.problems:
            self.stderr.write(f"{path.name}: {problem}")
        self.stdout.write(
            f"{path.name}: {result.created} rates added, {result.updated} updated, "
            f"{result.unchanged} unchanged, {result.converted} expenses converted again, "
            f"{len(result.problems)} problems"
        )
        if result.problems:
            raise CommandError(
                f"{len(result.problems)} problem(s); the other lines were imported", returncode=1
            )
