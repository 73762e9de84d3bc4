"""The search with "open now" against the same search without it, at N services that all have opening
hours, on SQLite and PostgreSQL, side by side in one run.

    .venv/bin/python -m benchmarks.open_now [--services 100000] [--repeat 30] [--engines sqlite,postgresql]
                                            [--pg-url postgres://postgres@127.0.0.1:5432/refugiu_bench_open_now]

For each engine a worker process gets a synthetic directory where every service has opening hours
(`refugiu generate_directory --services N --seed 1 --scheduled 1`: office hours, lunch breaks, helplines
round the clock, night shelters, monthly clinics, some in their country's UTC offset, some closed for
Christmas). SQLite's is built once in a folder under the system's temporary folder and reused; the
PostgreSQL database named by --pg-url is created if missing, filled, vacuumed (this machine's server runs
without autovacuum), and left for the caller to drop.

"Now" is fixed (directory.schedules.now), so that runs compare: a Wednesday at 11:00 in Bucharest, when
most services are open, and a Sunday at 03:00, when only the night shelters and helplines are. For each,
and for a rare, a ~1 % and a ~10 % term and the page without a term, the worker interleaves each request
without and with the filter:
- the search page `/?q=TERM` and `/?q=TERM&open_now=on` (its results, their details and facets);
- the API `/api/hsds/services?search=TERM&per_page=50` and the same with `&open_now=true`;
- the SQL statements of that API request that read the search index, replayed on a cursor.
It prints medians and 95th percentiles in ms, and the ratio of the medians, with ÷ without, as Markdown.
"""

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import time

from benchmarks import common
from benchmarks.search_api import BENCH_DIR, percentile

PG_URL = "postgres://postgres@127.0.0.1:5432/refugiu_bench_open_now"
TERMS = ("rare", "1 %", "10 %", "no term")
MOMENTS = {"Wednesday 11:00": (2026, 3, 4, 11, 0), "Sunday 03:00": (2026, 3, 8, 3, 0)}


def _prepare(services: int):
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "refugiu.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from refugiu.core.i18n import compile_catalogues
    from refugiu.directory.models import Opening, SearchEntry, Service

    compile_catalogues()
    call_command("migrate", verbosity=0)
    if (
        Service.objects.count() != services
        or not SearchEntry.objects.exists()
        or not Opening.objects.exists()
    ):
        started = time.perf_counter()
        call_command(
            "generate_directory", services=services, seed=1, scheduled=1.0, verbosity=0, stdout=io.StringIO()
        )
        print(f"generated {services} services in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        if connection.vendor == "postgresql":
            connection.ensure_connection()
            connection.connection.autocommit = True  # VACUUM runs outside a transaction
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
    print(f"{Opening.objects.count():,} opening rows", file=sys.stderr)
    return Client(HTTP_HOST="127.0.0.1")


def _term(label: str) -> str:
    from refugiu.demo.synthetic import directory as synthetic

    return {
        "rare": synthetic.RARE,
        "1 %": synthetic.ONE_PERCENT,
        "10 %": synthetic.TEN_PERCENT,
        "no term": "",
    }[label]


def _captured(client, url: str, params: dict) -> list:
    from django.db import connection

    statements = []

    def capture(execute, sql, sql_params, many, context):
        statements.append((sql, sql_params))
        return execute(sql, sql_params, many, context)

    with connection.execute_wrapper(capture):
        response = client.get(url, params)
    assert response.status_code == 200, response.content[:500]
    return [(s, p) for s, p in statements if "searchentry" in s or "search_fts" in s]


def _replay(statements) -> float:
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        for sql, sql_params in statements:
            cursor.execute(sql, sql_params)
            cursor.fetchall()
    return (time.perf_counter() - started) * 1000


def _timed(request) -> float:
    started = time.perf_counter()
    response = request()
    assert response.status_code == 200
    return (time.perf_counter() - started) * 1000


def worker(services: int, repeat: int) -> dict:
    import datetime as dt
    from zoneinfo import ZoneInfo

    from refugiu.directory import schedules

    client = _prepare(services)
    results: dict = {}
    for moment_label, parts in MOMENTS.items():
        moment = dt.datetime(*parts, tzinfo=ZoneInfo("Europe/Bucharest"))
        schedules.now = lambda moment=moment: moment  # the moment "now" means, fixed for the run
        for label in TERMS:
            term = _term(label)
            page = {"q": term} if term else {}
            api = {"search": term, "per_page": 50} if term else {"per_page": 50}
            kinds = {
                "page": (
                    lambda page=page: client.get("/", page),
                    lambda page=page: client.get("/", {**page, "open_now": "on"}),
                ),
                "API": (
                    lambda api=api: client.get("/api/hsds/services", api),
                    lambda api=api: client.get("/api/hsds/services", {**api, "open_now": "true"}),
                ),
            }
            sql = (
                _captured(client, "/api/hsds/services", api),
                _captured(client, "/api/hsds/services", {**api, "open_now": "true"}),
            )
            matches = [
                client.get("/api/hsds/services", {**api, **extra}).json()["total_items"]
                for extra in ({}, {"open_now": "true"})
            ]
            times: dict = {kind: ([], []) for kind in [*kinds, "search SQL"]}
            for _ in range(2):  # warm caches
                for without, with_filter in kinds.values():
                    without(), with_filter()
            for _ in range(repeat):
                for kind, (without, with_filter) in kinds.items():
                    times[kind][0].append(_timed(without))
                    times[kind][1].append(_timed(with_filter))
                if term:
                    times["search SQL"][0].append(_replay(sql[0]))
                    times["search SQL"][1].append(_replay(sql[1]))
            results[f"{moment_label}|{label}"] = {
                "term": term,
                "matches": matches,
                "times": {
                    kind: [(statistics.median(v), percentile(v, 0.95)) for v in pair]
                    for kind, pair in times.items()
                    if pair[0]
                },
            }
    return results


def engine_env(engine: str, services: int, pg_url: str) -> dict:
    return common.engine_env(engine, BENCH_DIR / f"open-now-{engine}-{services}", pg_url)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--services", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--pg-url", default=PG_URL)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.services, args.repeat)))
        return
    rows = []
    for engine in args.engines.split(","):
        output = subprocess.run(
            [sys.executable, "-m", "benchmarks.open_now", "--worker", "--services", str(args.services),
             "--repeat", str(args.repeat)],
            env=engine_env(engine, args.services, args.pg_url),
            capture_output=True,
            text=True,
        )  # fmt: skip
        sys.stderr.write(output.stderr)
        output.check_returncode()
        for key, result in json.loads(output.stdout.strip().splitlines()[-1]).items():
            rows.append((engine, *key.split("|"), result))
    print(
        f'"Open now" against the same search without it, {args.services:,} synthetic services all with opening '
        f"hours, {args.repeat} runs each, times in ms (median / p95)\n"
    )
    print("| engine | now | term | matches without / with | request | without | with | with ÷ without |")
    print("|---|---|---|---|---|---|---|---|")
    for engine, moment, label, result in rows:
        term = f" `{result['term']}`" if result["term"] else ""
        for kind, ((without, without_p95), (with_filter, with_p95)) in result["times"].items():
            print(
                f"| {engine} | {moment} | {label}{term} | {result['matches'][0]:,} / {result['matches'][1]:,} "
                f"| {kind} | {without:.2f} / {without_p95:.2f} | {with_filter:.2f} / {with_p95:.2f} "
                f"| {with_filter / without:.2f} |"
            )


if __name__ == "__main__":
    main()
