"""Search API latency against raw SQL, on SQLite and PostgreSQL, measured side by side in one run.

    .venv/bin/python -m benchmarks.search_api [--services 100000] [--repeat 30]

For each engine a worker process builds (once, then reuses) a synthetic directory of N services with
`refugiu generate_directory`, then for a rare term, a ~1 % term and a ~10 % term, interleaves:
- end to end: GET /api/hsds/services?search=TERM through Django's full request handling and the HSDS
  serialiser (a page of 50);
- raw SQL: the very statements that request sent to the database (captured once), run again directly
  on a cursor, fetching every row; "search SQL" is the subset that reads the search index.
It prints medians and 95th percentiles in milliseconds and the ratios, as Markdown for BENCHMARKS.md.
"""

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(tempfile.gettempdir()) / "refugiu-bench"
PG_URL = "postgres://postgres@127.0.0.1:5432/refugiu_bench_{n}"


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def worker(services: int, repeat: int) -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "refugiu.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from refugiu.directory import synthetic
    from refugiu.directory.models import SearchEntry, Service

    call_command("migrate", verbosity=0)
    if Service.objects.count() != services or not SearchEntry.objects.exists():
        started = time.perf_counter()
        call_command("generate_directory", services=services, seed=1, verbosity=0, stdout=io.StringIO())
        print(f"generated {services} services in {time.perf_counter() - started:.0f} s", file=sys.stderr)

    client = Client(HTTP_HOST="127.0.0.1")
    terms = {"rare": synthetic.RARE, "1 %": synthetic.ONE_PERCENT, "10 %": synthetic.TEN_PERCENT}
    results = {}
    for label, term in terms.items():
        url = "/api/hsds/services"
        params = {"search": term, "per_page": 50}
        captured = []

        def capture(execute, sql, sql_params, many, context, captured=captured):
            captured.append((sql, sql_params))
            return execute(sql, sql_params, many, context)

        with connection.execute_wrapper(capture):
            response = client.get(url, params)
        assert response.status_code == 200, response.content[:500]
        total = response.json()["total_items"]
        search_sql = [(s, p) for s, p in captured if "searchentry" in s or "search_fts" in s]

        def run_raw(statements):
            started = time.perf_counter()
            with connection.cursor() as cursor:
                for sql, sql_params in statements:
                    cursor.execute(sql, sql_params)
                    cursor.fetchall()
            return (time.perf_counter() - started) * 1000

        end_to_end, raw_all, raw_search = [], [], []
        for _ in range(3):  # warm caches
            client.get(url, params)
            run_raw(captured)
        for _ in range(repeat):
            started = time.perf_counter()
            client.get(url, params)
            end_to_end.append((time.perf_counter() - started) * 1000)
            raw_all.append(run_raw(captured))
            raw_search.append(run_raw(search_sql))
        results[label] = {
            "term": term,
            "matches": total,
            "queries": len(captured),
            "e2e": (statistics.median(end_to_end), percentile(end_to_end, 0.95)),
            "raw_all": (statistics.median(raw_all), percentile(raw_all, 0.95)),
            "raw_search": (statistics.median(raw_search), percentile(raw_search, 0.95)),
        }
    return results


def engine_env(engine: str, services: int) -> dict:
    env = dict(os.environ)
    data_dir = BENCH_DIR / f"{engine}-{services}"
    data_dir.mkdir(parents=True, exist_ok=True)
    env["REFUGIU_DATA_DIR"] = str(data_dir)
    env["SECRET_KEY"] = "benchmark-only"
    env.pop("DATABASE_URL", None)
    if engine == "postgresql":
        url = PG_URL.format(n=services)
        subprocess.run(
            ["createdb", "-h", "127.0.0.1", "-U", "postgres", url.rsplit("/", 1)[1]], capture_output=True
        )
        env["DATABASE_URL"] = url
    return env


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--services", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.services, args.repeat)))
        return
    rows = []
    for engine in args.engines.split(","):
        output = subprocess.run(
            [
                sys.executable,
                "-m",
                "benchmarks.search_api",
                "--worker",
                "--services",
                str(args.services),
                "--repeat",
                str(args.repeat),
            ],
            env=engine_env(engine, args.services),
            capture_output=True,
            text=True,
        )
        sys.stderr.write(output.stderr)
        output.check_returncode()
        for label, r in json.loads(output.stdout.strip().splitlines()[-1]).items():
            rows.append((engine, label, r))
    print(
        f"Search API, {args.services:,} synthetic services, {args.repeat} runs each, times in ms (median / p95)\n"
    )
    print(
        "| engine | term | matches | SQL statements | end to end | raw SQL, all statements | raw SQL, search only |"
        " e2e − raw all (median) | e2e ÷ raw all | e2e ÷ raw search |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for engine, label, r in rows:
        e2e, raw_all, raw_search = r["e2e"], r["raw_all"], r["raw_search"]
        print(
            f"| {engine} | {label} `{r['term']}` | {r['matches']:,} | {r['queries']} "
            f"| {e2e[0]:.2f} / {e2e[1]:.2f} | {raw_all[0]:.2f} / {raw_all[1]:.2f} | {raw_search[0]:.2f} / {raw_search[1]:.2f} "
            f"| {e2e[0] - raw_all[0]:+.2f} | {e2e[0] / raw_all[0]:.2f} | {e2e[0] / raw_search[0]:.2f} |"
        )


if __name__ == "__main__":
    main()
