"""`hsds_import --check` against the import itself, on the same file, side by side in one run (issue 15).

    .venv/bin/python -m benchmarks.import_check [--services 20000] [--rounds 5] [--engines sqlite,postgresql]

The file is the import benchmark's (`benchmarks.import_rate`): `refugiu generate_directory --services N
--seed 7 --output`, NDJSON, made once and kept in the system's temporary folder. For each engine, a fresh
database (an SQLite file, or a scratch PostgreSQL database on 127.0.0.1, dropped afterwards) and a worker
process that runs `refugiu hsds_import PATH --check` and `refugiu hsds_import PATH` through call_command,
the command the operator types, in two situations:
- "empty": the directory holds none of the file's records (the first import); after each import its
  tables are emptied, outside the timing;
- "holding it": the directory already holds them (each import updates every record).
Each round times both, in turns (check first in odd rounds, the import first in even ones); the table gives
the medians and their ratio, of the wall time and of the CPU time of the worker process (which includes
SQLite's work but not PostgreSQL's server; the shared machine's load stretches the first, not the second). --check must be at most as slow as the import: it does everything the import
does up to the writing (reads and checks every record, resolves every reference against the database) and
writes nothing.
"""

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.import_rate import WORK

# Emptied between rounds in this order (what refers to a table is emptied before it); SQL, outside the
# timing: deleting through the ORM would collect 300,000 objects.
DIRECTORY_TABLES = (
    "directory_searchfacet", "directory_searchentry", "directory_attribute", "directory_language",
    "directory_phone", "directory_contact", "directory_schedule", "directory_servicearea",
    "directory_address", "directory_serviceatlocation", "directory_service", "directory_location",
    "directory_organization",
)  # fmt: skip


def worker(path: Path, rounds: int) -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "refugiu.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)

    def timed(*options: str) -> tuple[float, float]:
        out = io.StringIO()
        started, cpu = time.perf_counter(), time.process_time()
        call_command("hsds_import", str(path), *options, stdout=out, stderr=out)
        return time.perf_counter() - started, time.process_time() - cpu

    def empty_directory() -> None:
        with connection.cursor() as cursor:
            for table in DIRECTORY_TABLES:
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - our own table names

    results: dict[str, dict[str, list[tuple[float, float]]]] = {}
    for situation in ("empty", "holding it"):
        times: dict[str, list[tuple[float, float]]] = {"check": [], "import": []}
        if situation == "holding it":
            timed()  # the directory now holds the file's records
        for round_ in range(rounds):
            order = ("check", "import") if round_ % 2 == 0 else ("import", "check")
            for what in order:
                times[what].append(timed("--check") if what == "check" else timed())
                if what == "import" and situation == "empty":
                    empty_directory()
        results[situation] = times
    return {"results": results, "vendor": connection.vendor}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--services", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.rounds)))
        return
    WORK.mkdir(parents=True, exist_ok=True)
    data = WORK / f"directory-{args.services}.ndjson"
    base_env = {**os.environ, "SECRET_KEY": "benchmark-only", "REFUGIU_DATA_DIR": str(WORK / "generate")}
    base_env.pop("DATABASE_URL", None)
    if not data.exists():
        subprocess.run([sys.executable, "-m", "refugiu.cli", "migrate", "-v0"], env=base_env, check=True)
        subprocess.run(
            [sys.executable, "-m", "refugiu.cli", "generate_directory", "--services", str(args.services),
             "--seed", "7", "--output", str(data)],
            env=base_env, check=True, capture_output=True,
        )  # fmt: skip
    print(
        f"`hsds_import --check` and `hsds_import` of {args.services:,} synthetic services from NDJSON "
        f"({data.stat().st_size / 1e6:.0f} MB), {args.rounds} rounds each, medians in s\n"
    )
    print(
        "| engine | directory | --check | import | --check ÷ import | CPU --check | CPU import | CPU ÷ "
        "| --check, each round | import, each round |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for engine in args.engines.split(","):
        env = {**base_env, "REFUGIU_DATA_DIR": str(WORK / f"check-{engine}-{time.time_ns()}")}
        database = f"refugiu_bench_check_{os.getpid()}"
        if engine == "postgresql":
            subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", database], check=True)
            env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{database}"
        try:
            output = subprocess.run(
                [sys.executable, "-m", "benchmarks.import_check", "--worker", str(data), "--rounds",
                 str(args.rounds)],
                env=env, capture_output=True, text=True,
            )  # fmt: skip
            sys.stderr.write(output.stderr)
            output.check_returncode()
        finally:
            if engine == "postgresql":
                subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", database], check=False)
        measured = json.loads(output.stdout.strip().splitlines()[-1])
        for situation, times in measured["results"].items():
            wall = {what: statistics.median(t[0] for t in rounds) for what, rounds in times.items()}
            cpu = {what: statistics.median(t[1] for t in rounds) for what, rounds in times.items()}
            print(
                f"| {measured['vendor']} | {situation} | {wall['check']:.2f} | {wall['import']:.2f} "
                f"| {wall['check'] / wall['import']:.2f} | {cpu['check']:.2f} | {cpu['import']:.2f} "
                f"| {cpu['check'] / cpu['import']:.2f} "
                f"| {' '.join(f'{t[0]:.2f}' for t in times['check'])} "
                f"| {' '.join(f'{t[0]:.2f}' for t in times['import'])} |"
            )


if __name__ == "__main__":
    main()
