"""`refugiu generate_cases --cases N [--sessions-per-case M] [--seed S]`: synthetic cases for benchmarks.

Every generated person is marked "[synthetic]" and every generated account is named "synthetic-…" (and
`bench-caseworker`); see `demo.synthetic.cases` for what is made. Each run adds N cases.
"""

from django.core.management.base import CommandError

from refugiu.core.startup import StartCheckedCommand
from refugiu.demo.synthetic.cases import BENCH_CASES, CASEWORKERS, cases_generate


class Command(StartCheckedCommand):
    help = "Add N clearly labelled synthetic cases with their sessions, notes and teams (for benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, required=True, help="how many cases to add")
        parser.add_argument("--sessions-per-case", type=int, default=10, help="sessions on each case")
        parser.add_argument(
            "--long-history",
            type=int,
            default=10_000,
            help="sessions on the one long-history case of bench-caseworker",
        )
        parser.add_argument("--caseworkers", type=int, default=CASEWORKERS, help="generated caseworkers")
        parser.add_argument("--bench-cases", type=int, default=BENCH_CASES, help="cases of bench-caseworker")
        parser.add_argument("--seed", type=int, default=0, help="the same seed gives the same data")

    def handle(
        self, *args, cases, sessions_per_case, long_history, caseworkers, bench_cases, seed, **options
    ):
        if cases < 1 or sessions_per_case < 0 or long_history < 0 or caseworkers < 1 or bench_cases < 0:
            raise CommandError("--cases and --caseworkers must be at least 1, the other counts at least 0")
        summary = cases_generate(
            cases=cases,
            sessions_per_case=sessions_per_case,
            long_history=long_history,
            caseworkers=caseworkers,
            bench_cases=min(bench_cases, cases),
            seed=seed,
        )
        self.stdout.write(self.style.SUCCESS(f"Synthetic cases (seed {seed}): {summary}."))
        if summary.long_history_case_id is not None:
            self.stdout.write(f"Long-history case of bench-caseworker: id {summary.long_history_case_id}.")
