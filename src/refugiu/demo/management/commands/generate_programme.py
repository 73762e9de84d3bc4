"""`refugiu generate_programme --year Y --events E --participants P [--seed S]`: synthetic events.

Every title is labelled "Synthetic …" and every participant is "Synthetic participant N" at
example.invalid; see `demo.synthetic.programmes` for what is made. A year can be generated once.
"""

from django.core.management.base import BaseCommand, CommandError

from refugiu.demo.synthetic.programmes import ProgrammeExists, programme_generate


class Command(BaseCommand):
    help = (
        "Create a clearly labelled synthetic year of projects, events and participants "
        "(for benchmarks; deterministic for a given seed)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="the year the events take place in")
        parser.add_argument("--events", type=int, required=True, help="how many events to create")
        parser.add_argument(
            "--participants",
            type=int,
            required=True,
            help="individual participants in all (about half the events have them, the rest a headcount)",
        )
        parser.add_argument("--seed", type=int, default=0, help="the same seed gives the same data")

    def handle(self, *args, year: int, events: int, participants: int, seed: int, **options):
        if events < 1 or participants < 0:
            raise CommandError("--events must be at least 1 and --participants at least 0")
        if not 1900 <= year <= 9998:
            raise CommandError("--year must be between 1900 and 9998")
        try:
            summary = programme_generate(year=year, events=events, participants=participants, seed=seed)
        except ProgrammeExists as exc:
            raise CommandError(f"nothing created: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"Synthetic programme (seed {seed}) {summary}."))
