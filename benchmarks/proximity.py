"""Searching near a place at 100,000 services spread over Europe, against the raw SQL of the same request,
side by side in one run, on SQLite and PostgreSQL.

    .venv/bin/python -m benchmarks.proximity [--services 100000] [--repeat 30] [--engines sqlite,postgresql]

PostgreSQL is the database DATABASE_URL names (default postgres://postgres@127.0.0.1:5432/refugiu_bench_near,
created if missing); SQLite a file in /tmp/refugiu-bench-near. Each is filled once, then reused, with
`refugiu generate_directory --services N --seed 1` (its locations lie within about 17 km of their city's
centre, with postcodes of their city), and on PostgreSQL vacuumed, as autovacuum would after an import.

For each request a worker interleaves, `repeat` times: the request end to end through Django's test
client; the very SQL statements it sent (captured once), replayed on a cursor fetching every row ("raw
SQL, all"); and only the statements that read the places' index ("raw SQL, near only"):
- API: GET /api/hsds/service_at_locations?postcode=P&proximity=20000 (a page of 50 summaries), P a
  postcode of Iași's addresses;
- page: the search page /?near=Iași (25 km, every entry, facets counted) and /?q=counselling&near=Iași;
- search: the near search as the page runs it, without the page: the place resolved from its name,
  `directory_search(near=…, with_facets=True)` and its hits' distances;
- controls, near nothing: the API's /api/hsds/services?search=braille (50 a page) and the search page
  /?q=braille, the rare term of the search benchmarks: what the API and the page cost over their SQL
  in the same run.
It prints medians and 95th percentiles (ms) as Markdown for BENCHMARKS.md, with the median CPU time of the
worker process for each (what the machine's other work does not stretch; on SQLite it includes the
database's work, on PostgreSQL not the server's), and each engine's plan of the statement that reads the
index, to show the box is read through the index on latitude and longitude.
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
from benchmarks.search_api import percentile

BENCH_DIR = Path(tempfile.gettempdir()) / "refugiu-bench-near"
PG_URL = "postgres://postgres@127.0.0.1:5432/refugiu_bench_near"
TOWN = "Iași"
PROXIMITY_M = 20_000


def _prepare(services: int):
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "refugiu.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from refugiu.core.i18n import compile_catalogues
    from refugiu.directory.models import SearchPlace, Service

    compile_catalogues()
    call_command("migrate", verbosity=0)
    if Service.objects.count() != services or not SearchPlace.objects.exclude(postcode="").exists():
        started = time.perf_counter()
        call_command("generate_directory", services=services, seed=1, verbosity=0, stdout=io.StringIO())
        print(f"generated {services} services in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        if connection.vendor == "postgresql":
            connection.ensure_connection()
            connection.connection.autocommit = True  # VACUUM runs outside a transaction
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
    return Client(HTTP_HOST="127.0.0.1")


def _postcode() -> str:
    from refugiu.directory.models import SearchPlace
    from refugiu.directory.places.gazetteer import place_key

    return (
        SearchPlace.objects.filter(town_key=place_key(TOWN), approximate=False)
        .exclude(postcode="")
        .order_by("postcode")
        .values_list("postcode", flat=True)
        .first()
    )


def _captured(call):
    from django.db import connection

    statements = []

    def capture(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        outcome = call()
    return outcome, statements


def _replay(statements) -> tuple[float, float]:
    """Wall and CPU time (ms) of running these statements again."""
    from django.db import connection

    started, cpu = time.perf_counter(), time.process_time()
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
            cursor.fetchall()
    return (time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000


def _near_search():
    """The near search as the page runs it, without the page."""
    from django.conf import settings

    from refugiu.directory.places.near import Near, place_named
    from refugiu.directory.search import directory_search

    place = place_named(TOWN, home_country=settings.REFUGIU["HOME_COUNTRY"])
    near = Near(place.point, 25_000, county=place.county.code if place.county else "")
    return directory_search(near=near, limit=20, with_facets=True)


def _page_count(response) -> str:
    """The page's count of results, as it says it ("More than 1000 results", "18 results")."""
    found = re.search(r'class="result-count">([^<]+)<', response.content.decode())
    return found.group(1).strip() if found else "?"


def _requests(client) -> dict:
    postcode = _postcode()
    api = ("/api/hsds/service_at_locations", {"postcode": postcode, "proximity": PROXIMITY_M})
    page = ("/", {"near": TOWN})
    page_q = ("/", {"q": "counselling", "near": TOWN})

    def get(url, params, key):
        def call():
            response = client.get(url, params)
            assert response.status_code == 200, response.content[:300]
            return key(response)

        return call

    return {
        f"API postcode={postcode}&proximity={PROXIMITY_M}": get(*api, lambda r: r.json()["total_items"]),
        f"page near={TOWN}": get(*page, _page_count),
        f"page q=counselling&near={TOWN}": get(*page_q, _page_count),
        f"search near={TOWN} (no page)": lambda: _near_search().total,
        # Controls, not near anything: the API's search and the search page for the rare term, as in the
        # search benchmarks, for what the API and the page cost over their SQL on this run's machine.
        "control: API services?search=braille": get(
            "/api/hsds/services", {"search": "braille", "per_page": 50}, lambda r: r.json()["total_items"]
        ),
        "control: page q=braille": get("/", {"q": "braille"}, _page_count),
    }


def _plan(statements) -> str:
    from django.db import connection

    near = [(sql, params) for sql, params in statements if "searchplace" in sql]
    if not near:
        return ""
    sql, params = near[0]
    explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        cursor.execute(explain + sql, params)
        return "\n".join(" ".join(str(part) for part in row) for row in cursor.fetchall())


def worker(services: int, repeat: int) -> dict:
    client = _prepare(services)
    results = {}
    for label, call in _requests(client).items():
        matches, statements = _captured(call)
        near_only = [(s, p) for s, p in statements if "searchplace" in s]
        end_to_end, raw_all, raw_near, cpu_e2e, cpu_raw = [], [], [], [], []
        for _ in range(3):  # warm caches (and the gazetteer)
            call()
            _replay(statements)
        for _ in range(repeat):
            started, cpu = time.perf_counter(), time.process_time()
            call()
            end_to_end.append((time.perf_counter() - started) * 1000)
            cpu_e2e.append((time.process_time() - cpu) * 1000)
            wall, cpu_used = _replay(statements)
            raw_all.append(wall)
            cpu_raw.append(cpu_used)
            raw_near.append(_replay(near_only)[0])
        results[label] = {
            "matches": matches,
            "queries": len(statements),
            "e2e": (statistics.median(end_to_end), percentile(end_to_end, 0.95)),
            "raw_all": (statistics.median(raw_all), percentile(raw_all, 0.95)),
            "raw_near": (statistics.median(raw_near), percentile(raw_near, 0.95)),
            "cpu": (statistics.median(cpu_e2e), statistics.median(cpu_raw)),
            "plan": _plan(statements) if label.startswith("API") or label.startswith("search") else "",
        }
    return results


def engine_env(engine: str) -> dict:
    return common.engine_env(engine, BENCH_DIR / engine, os.environ.get("DATABASE_URL", PG_URL))


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
    rows, plans = [], []
    for engine in args.engines.split(","):
        output = subprocess.run(
            [sys.executable, "-m", "benchmarks.proximity", "--worker", "--services", str(args.services),
             "--repeat", str(args.repeat)],
            env=engine_env(engine), capture_output=True, text=True,
        )  # fmt: skip
        sys.stderr.write(output.stderr)
        output.check_returncode()
        for label, r in json.loads(output.stdout.strip().splitlines()[-1]).items():
            rows.append((engine, label, r))
            if r["plan"]:
                plans.append((engine, label, r["plan"]))
    print(
        f"Near a place, {args.services:,} synthetic services, {args.repeat} runs each, times in ms (median / p95)\n"
    )
    print(
        "| engine | request | matches | SQL statements | end to end | raw SQL, all | raw SQL, near only "
        "| e2e − raw all (median) | e2e ÷ raw all | CPU e2e / raw all | CPU e2e − raw all |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for engine, label, r in rows:
        e2e, raw_all, raw_near = r["e2e"], r["raw_all"], r["raw_near"]
        print(
            f"| {engine} | {label} | {r['matches']} | {r['queries']} | {e2e[0]:.2f} / {e2e[1]:.2f} "
            f"| {raw_all[0]:.2f} / {raw_all[1]:.2f} | {raw_near[0]:.2f} / {raw_near[1]:.2f} "
            f"| {e2e[0] - raw_all[0]:+.2f} | {e2e[0] / raw_all[0]:.2f} "
            f"| {r['cpu'][0]:.2f} / {r['cpu'][1]:.2f} | {r['cpu'][0] - r['cpu'][1]:+.2f} |"
        )
    for engine, label, plan in plans:
        print(f"\n{engine}, {label}, the statement reading the places:\n```\n{plan}\n```")


if __name__ == "__main__":
    main()
