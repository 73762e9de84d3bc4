"""Search API latency against raw SQL, on SQLite and PostgreSQL, measured side by side in one run.

    .venv/bin/python -m benchmarks.search_api [--services 100000] [--repeat 30]

For each engine a worker process builds (once, then reuses) a synthetic directory of N services with
`refugiu generate_directory`, then for a rare term, a ~1 % term and a ~10 % term, interleaves:
- end to end: GET /api/hsds/services?search=TERM through Django's full request handling and the HSDS
  serialiser (a page of 50);
- raw SQL: the very statements that request sent to the database (captured once), run again directly
  on a cursor, fetching every row; "search SQL" is the subset that reads the search index.
It prints medians and 95th percentiles in milliseconds and the ratios, as Markdown for BENCHMARKS.md.

With --instructions it also counts, under valgrind's callgrind, the CPU instructions of this process per
request end to end and per replay of its SQL, for each engine and term: their difference is the cost of
everything but the database (Django, the API, serialising), in a unit the shared machine's noise does not
move (the database server's own work is in another process and not counted). Needs valgrind.
"""

import argparse
import io
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import common

BENCH_DIR = Path(tempfile.gettempdir()) / "refugiu-bench"
PG_URL = "postgres://postgres@127.0.0.1:5432/refugiu_bench_{n}"


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


TERMS = ("rare", "1 %", "10 %")
COUNTED_RUNS = 20  # requests (or replays) counted under callgrind


def _prepare(services: int):
    """A Django set up on the engine's database, holding the synthetic directory; a test client."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "refugiu.settings")
    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from refugiu.directory.models import SearchEntry, Service

    call_command("migrate", verbosity=0)
    if Service.objects.count() != services or not SearchEntry.objects.exists():
        started = time.perf_counter()
        call_command("generate_directory", services=services, seed=1, verbosity=0, stdout=io.StringIO())
        print(f"generated {services} services in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return Client(HTTP_HOST="127.0.0.1")


def _term(label: str) -> str:
    from refugiu.demo.synthetic import directory as synthetic

    return {"rare": synthetic.RARE, "1 %": synthetic.ONE_PERCENT, "10 %": synthetic.TEN_PERCENT}[label]


def _request(client, term: str):
    """The request of one term, and the SQL statements it sent, to replay (`_replay`)."""
    from django.db import connection

    url, params = "/api/hsds/services", {"search": term, "per_page": 50}
    captured = []

    def capture(execute, sql, sql_params, many, context):
        captured.append((sql, sql_params))
        return execute(sql, sql_params, many, context)

    with connection.execute_wrapper(capture):
        response = client.get(url, params)
    assert response.status_code == 200, response.content[:500]
    return (lambda: client.get(url, params)), captured, response.json()["total_items"]


def _replay(statements) -> float:
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        for sql, sql_params in statements:
            cursor.execute(sql, sql_params)
            cursor.fetchall()
    return (time.perf_counter() - started) * 1000


def worker(services: int, repeat: int) -> dict:
    client = _prepare(services)
    results = {}
    for label in TERMS:
        term = _term(label)
        request, captured, total = _request(client, term)
        search_sql = [(s, p) for s, p in captured if "searchentry" in s or "search_fts" in s]
        end_to_end, raw_all, raw_search = [], [], []
        for _ in range(3):  # warm caches
            request()
            _replay(captured)
        for _ in range(repeat):
            started = time.perf_counter()
            request()
            end_to_end.append((time.perf_counter() - started) * 1000)
            raw_all.append(_replay(captured))
            raw_search.append(_replay(search_sql))
        results[label] = {
            "term": term,
            "matches": total,
            "queries": len(captured),
            "e2e": (statistics.median(end_to_end), percentile(end_to_end, 0.95)),
            "raw_all": (statistics.median(raw_all), percentile(raw_all, 0.95)),
            "raw_search": (statistics.median(raw_search), percentile(raw_search, 0.95)),
        }
    return results


def counted_worker(services: int, label: str, mode: str, runs: int) -> None:
    """What callgrind counts: the same set-up either way, then `runs` requests or replays of their SQL."""
    client = _prepare(services)
    request, captured, _ = _request(client, _term(label))
    for _ in range(3):
        request()
        _replay(captured)
    for _ in range(runs):
        request() if mode == "e2e" else _replay(captured)


def instructions(engine: str, services: int, label: str, mode: str, runs: int) -> int:
    command = [
        "valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
        sys.executable, "-m", "benchmarks.search_api", "--services", str(services),
        "--count", label, mode, str(runs),
    ]  # fmt: skip
    output = subprocess.run(command, env=engine_env(engine, services), capture_output=True, text=True)
    found = re.search(r"Collected : (\d+)", output.stderr)
    if output.returncode or not found:
        raise RuntimeError(output.stderr[-2000:])
    return int(found.group(1))


def engine_env(engine: str, services: int) -> dict:
    return common.engine_env(engine, BENCH_DIR / f"{engine}-{services}", PG_URL.format(n=services))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--services", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--instructions", action="store_true", help="also count instructions (valgrind)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--count", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.services, args.repeat)))
        return
    if args.count:
        counted_worker(args.services, args.count[0], args.count[1], int(args.count[2]))
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
    if not args.instructions:
        return
    print(f"\nInstructions of the application's process (callgrind), per request, {COUNTED_RUNS} counted\n")
    print("| engine | term | end to end | replay of its SQL | everything but the database |")
    print("|---|---|---|---|---|")
    for engine in args.engines.split(","):
        for label in TERMS:
            counts = {
                mode: instructions(engine, args.services, label, mode, COUNTED_RUNS)
                for mode in ("e2e", "raw")
            }
            # Both runs do the same set-up; what differs is the counted runs.
            nothing = instructions(engine, args.services, label, "raw", 0)
            e2e, raw = ((counts[mode] - nothing) / COUNTED_RUNS for mode in ("e2e", "raw"))
            print(
                f"| {engine} | {label} | {e2e / 1e6:.2f} M | {raw / 1e6:.2f} M | {(e2e - raw) / 1e6:.2f} M |"
            )


if __name__ == "__main__":
    main()
