"""`refugiu generate_finance --partners P --years Y --expenses E --staff S [--seed N] [--start-year Y]
[--template CODE]`: a synthetic grant, flagged as example figures.

Every name is labelled "Synthetic …" and the grant is `is_example`; see `demo.synthetic.finance` for what is
made.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from refugiu.demo.synthetic.finance import DEFAULT_TEMPLATE, FinanceExists, finance_generate


class Command(BaseCommand):
    help = (
        "Create a clearly labelled synthetic grant (example figures) with beneficiaries, budget, "
        "staff's daily timesheets and expenses (for benchmarks; deterministic for a given seed)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--partners", type=int, default=6, help="beneficiaries, us (the coordinator) included"
        )
        parser.add_argument(
            "--years", type=int, default=3, help="the grant's length, a reporting period a year"
        )
        parser.add_argument("--expenses", type=int, default=20_000)
        parser.add_argument("--staff", type=int, default=60, help="our staff keeping daily timesheets")
        parser.add_argument("--seed", type=int, default=0, help="the same seed gives the same data")
        parser.add_argument("--start-year", type=int, default=2030)
        parser.add_argument("--template", default=DEFAULT_TEMPLATE, help="the cost template's code")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["partners"] < 1 or options["years"] < 1 or options["expenses"] < 0 or options["staff"] < 0:
            raise CommandError("--partners and --years must be at least 1, --expenses and --staff at least 0")
        if not 1900 <= options["start_year"] <= 9000:
            raise CommandError("--start-year must be between 1900 and 9000")
        try:
            summary = finance_generate(
                partners=options["partners"],
                years=options["years"],
                expenses=options["expenses"],
                staff=options["staff"],
                seed=options["seed"],
                start_year=options["start_year"],
                template_code=options["template"],
            )
        except FinanceExists as exc:
            raise CommandError(f"nothing created: {exc}") from exc
        self.stdout.write(
            self.style.SUCCESS(f"Synthetic finance (seed {options['seed']}, example figures) {summary}.")
        )
