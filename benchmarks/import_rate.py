"""HSDS import rate, on SQLite and PostgreSQL, in one run.

    .venv/bin/python -m benchmarks.import_rate [--services 20000]

Writes a synthetic directory of N services as NDJSON once (`refugiu generate_directory --output`), then
in a fresh database per engine imports it with `refugiu hsds_import`, timing the import itself and the
search index rebuild that follows it, and imports it a second time (every record an update).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORK = Path(tempfile.gettempdir()) / "refugiu-bench-import"


def worker(path: Path) -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "refugiu.settings")
    django.setup()
    from django.core.management import call_command

    from refugiu.directory.hsds.importer import hsds_import_path

    call_command("migrate", verbosity=0)
    results = {}
    for label in ("first import", "second import"):
        started = time.perf_counter()
        summary = hsds_import_path(path)
        total = time.perf_counter() - started
        results[label] = {
            "services": summary.services.created + summary.services.updated,
            "total": total,
            "index": summary.reindex_seconds,
        }
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--services", type=int, default=20_000)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker)))
        return
    WORK.mkdir(parents=True, exist_ok=True)
    data = WORK / f"directory-{args.services}.ndjson"
    base_env = {**os.environ, "SECRET_KEY": "benchmark-only", "REFUGIU_DATA_DIR": str(WORK / "generate")}
    base_env.pop("DATABASE_URL", None)
    if not data.exists():
        subprocess.run([sys.executable, "-m", "refugiu.cli", "migrate", "-v0"], env=base_env, check=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "refugiu.cli",
                "generate_directory",
                "--services",
                str(args.services),
                "--seed",
                "7",
                "--output",
                str(data),
            ],
            env=base_env,
            check=True,
            capture_output=True,
        )
    print(
        f"HSDS import of {args.services:,} synthetic services from NDJSON ({data.stat().st_size / 1e6:.0f} MB)\n"
    )
    print(
        "| engine | run | services | total s | of which search index s | services/s overall | services/s before index |"
    )
    print("|---|---|---|---|---|---|---|")
    for engine in args.engines.split(","):
        env = {**base_env, "REFUGIU_DATA_DIR": str(WORK / f"{engine}-{time.time_ns()}")}
        database = f"refugiu_bench_import_{os.getpid()}"
        if engine == "postgresql":
            subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", database], check=True)
            env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{database}"
        try:
            output = subprocess.run(
                [sys.executable, "-m", "benchmarks.import_rate", "--worker", str(data)],
                env=env,
                capture_output=True,
                text=True,
            )
            sys.stderr.write(output.stderr)
            output.check_returncode()
        finally:
            if engine == "postgresql":
                subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", database], check=False)
        for label, r in json.loads(output.stdout.strip().splitlines()[-1]).items():
            before_index = r["total"] - r["index"]
            print(
                f"| {engine} | {label} | {r['services']:,} | {r['total']:.1f} | {r['index']:.1f} "
                f"| {r['services'] / r['total']:,.0f} | {r['services'] / before_index:,.0f} |"
            )


if __name__ == "__main__":
    main()
