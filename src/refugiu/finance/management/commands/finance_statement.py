"""refugiu finance_statement --grant ID --period N [--partner ID] --format xlsx|pdf -o FILE: the financial
statement of a grant's reporting period, of one beneficiary or (without --partner) consolidated, written to
FILE. Problems left out of the statement (expenses without an exchange rate) are listed on stderr."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from refugiu.finance.models import Grant, GrantPartner, ReportingPeriod
from refugiu.finance.statements import statement_build


class Command(BaseCommand):
    help = "Write a grant's financial statement for a reporting period as XLSX or PDF."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--grant", type=int, required=True, help="the grant's id")
        parser.add_argument("--period", type=int, required=True, help="the reporting period's number")
        parser.add_argument(
            "--partner", type=int, help="a beneficiary's id (default: the consolidated statement)"
        )
        parser.add_argument("--format", choices=("xlsx", "pdf"), default="xlsx")
        parser.add_argument("-o", "--output", type=Path, required=True, help="the file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        grant = Grant.objects.select_related("template", "project").filter(pk=options["grant"]).first()
        if grant is None:
            raise CommandError(f"no grant {options['grant']}")
        period = ReportingPeriod.objects.filter(grant=grant, number=options["period"]).first()
        if period is None:
            raise CommandError(f"grant {grant.pk} has no reporting period {options['period']}")
        partner = None
        if options["partner"] is not None:
            partner = GrantPartner.objects.filter(grant=grant, pk=options["partner"]).first()
            if partner is None:
                raise CommandError(f"grant {grant.pk} has no beneficiary {options['partner']}")
        statement = statement_build(grant, period, partner)
        if options["format"] == "pdf":
            from refugiu.finance.statements.pdf import render_pdf

            content = render_pdf(statement)
        else:
            from refugiu.finance.statements.xlsx import render_xlsx

            content = render_xlsx(statement)
        options["output"].write_bytes(content)
        for problem in statement.problems:
            self.stderr.write(f"left out: {problem}")
        self.stdout.write(
            f"{options['output']}: {statement.title}, period {period.number}, "
            f"{statement.total.period} {grant.currency} this period, {statement.total.to_date} to date "
            f"({len(content):,} bytes)"
        )
