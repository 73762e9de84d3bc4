"""`refugiu report annual --year 2019 --format pdf -o report.pdf`: a report written to a file.

Each kind of report is a subcommand; the annual activity report is the first.
"""

import datetime
import sys
from pathlib import Path
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from refugiu.reports import annual, registry
from refugiu.reports.models import ReportRun


class Command(BaseCommand):
    help = _("Write a report to a file.")

    def add_arguments(self, parser: CommandParser) -> None:
        kinds = parser.add_subparsers(dest="kind", required=True, metavar="KIND", title=_("reports"))
        annual_parser = kinds.add_parser("annual", help=_("the annual activity report of a year"))
        annual_parser.add_argument(
            "--year", type=int, default=datetime.date.today().year, help=_("the year (default: this year)")
        )
        annual_parser.add_argument(
            "--format",
            choices=registry.formats(ReportRun.Kind.ANNUAL),
            default="html",
            help=_("html (default), pdf or docx"),
        )
        annual_parser.add_argument(
            "-o",
            "--output",
            help=_('the file to write (default: annual-report-YEAR.FORMAT; "-" for the standard output)'),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["kind"] == "annual":
            self.annual(options)
        else:  # pragma: no cover - argparse refuses other kinds
            raise CommandError(_("Unknown report: %(kind)s") % {"kind": options["kind"]})

    def annual(self, options: dict[str, Any]) -> None:
        year, format = options["year"], options["format"]
        report = annual.annual_report(year)
        if not report.summary.events and not report.projects:
            self.stderr.write(
                _("No project or event is recorded for %(year)s: the report shows only the organisation.")
                % {"year": year}
            )
        content = registry.renderer(ReportRun.Kind.ANNUAL, format).render(report)
        output = options["output"] or report.filename(format)
        if output == "-":
            # The command's own stream: text (the bytes go to its buffer), or binary.
            stream: IO[Any] = getattr(self.stdout, "_out", sys.stdout)
            (stream.buffer if hasattr(stream, "buffer") else stream).write(content)
            return
        try:
            Path(output).write_bytes(content)
        except OSError as error:
            raise CommandError(
                _("Cannot write %(file)s: %(error)s") % {"file": output, "error": error}
            ) from error
        self.stdout.write(_("Wrote %(file)s (%(size)d bytes).") % {"file": output, "size": len(content)})
