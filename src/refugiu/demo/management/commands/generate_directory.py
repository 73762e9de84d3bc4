"""`refugiu generate_directory --services N [--seed S] [--scheduled SHARE] [--output FILE]`: a synthetic
directory for benchmarks.

Every record is labelled "[synthetic]"; see `demo.synthetic.directory` for what is made and which search
terms have which frequency. With --output the organisations are written as NDJSON (for
`refugiu hsds_import`) and the database is not touched.
"""

import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from refugiu.demo.synthetic.directory import SCHEDULED, directory_generate, synthetic_organizations
from refugiu.directory.hsds.problems import HsdsImportError


class Command(BaseCommand):
    help = "Create a clearly labelled synthetic directory of N services (deterministic for a given seed)."

    def add_arguments(self, parser):
        parser.add_argument("--services", type=int, required=True, help="how many services to create")
        parser.add_argument("--seed", type=int, default=0, help="the same seed gives the same directory")
        parser.add_argument(
            "--output", type=Path, help="write HSDS NDJSON to this file instead of the database"
        )
        parser.add_argument(
            "--scheduled",
            type=float,
            default=SCHEDULED,
            help=f"the share of services with opening hours (default {SCHEDULED}; 1 for all)",
        )

    def handle(
        self, *args, services: int, seed: int, output: Path | None, scheduled: float = SCHEDULED, **options
    ):
        if services < 1:
            raise CommandError("--services must be at least 1")
        started = time.perf_counter()
        if output is not None:
            output = Path(output)  # call_command passes keyword options unparsed
            with output.open("w", encoding="utf-8") as stream:
                for organization in synthetic_organizations(
                    services=services, seed=seed, scheduled=scheduled
                ):
                    stream.write(json.dumps(organization, ensure_ascii=False) + "\n")
            self.stdout.write(self.style.SUCCESS(f"Wrote {services:,} synthetic services to {output}."))
            return
        try:
            summary = directory_generate(services=services, seed=seed, scheduled=scheduled)
        except HsdsImportError as exc:  # would be a bug in the generator
            raise CommandError(f"nothing created: {exc}") from exc
        self.stdout.write(str(summary))
        seconds = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Synthetic directory: {services:,} services (seed {seed}) in {seconds:.1f} s."
            )
        )
