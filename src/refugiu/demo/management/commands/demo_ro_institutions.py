"""`refugiu demo_ro_institutions SOURCE.json OUTPUT.json [--report REPORT.txt]`: the real Romanian
institutions of the demo directory, made from Code for Romania's list (`demo.ro_institutions`).

Writes the HSDS organisations to OUTPUT.json and prints what looks wrong in the source (with --report,
writes it to that file too). Nothing is refused for a bad row: each is reported and kept as the source has
it, or, when it cannot be kept (a row without a name), skipped and reported. The database is not touched:
`refugiu demo` loads the file the demo keeps (demo/data/ro_institutions.json).
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from refugiu.demo.ro_institutions import ro_institutions_convert_file, ro_institutions_json


class Command(BaseCommand):
    help = (
        "Convert code4romania/adapt-just-api's institutions.json (MPL-2.0) into HSDS organisations for the "
        "demo directory, and report the rows that look wrong."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", type=Path, help="institutions.json, as published")
        parser.add_argument("output", type=Path, help="the HSDS JSON file to write")
        parser.add_argument("--report", type=Path, help="also write the report to this file")

    def handle(self, *args: Any, source: Path, output: Path, report: Path | None, **options: Any) -> None:
        source, output = Path(source), Path(output)  # call_command passes keyword options unparsed
        try:
            conversion = ro_institutions_convert_file(source)
        except (OSError, ValueError) as exc:  # ValueError: not JSON, or not shaped as the source is
            raise CommandError(f"{source}: {exc}") from exc
        text = conversion.report()
        try:
            output.write_text(ro_institutions_json(conversion), encoding="utf-8")
            if report is not None:
                Path(report).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(text)
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {len(conversion.organizations)} organisations to {output}; "
                f"{len(conversion.problems)} problems reported."
            )
        )
