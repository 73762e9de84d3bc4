"""The web search page against the API's search for the same terms, for two versions of the code side by
side in one run (on SQLite and PostgreSQL).

    .venv/bin/python -m benchmarks.search_page [--services 20000] [--rounds 10] [--repeat 5] [--baseline REV]

For each engine a fresh database (an SQLite file in a temporary folder; the PostgreSQL database
refugiu_bench_page, created and dropped here) gets a synthetic directory of N services
(`refugiu generate_directory --seed 1`); on PostgreSQL it is then vacuumed, as autovacuum would after an
import (this machine's server runs with autovacuum off; an unvacuumed GIN index keeps new entries in a
pending list that every search reads through).

Two worker processes then answer requests through Django's test client: one runs the code of this
worktree, the other the code of git revision REV (default HEAD, extracted with `git archive` into a
temporary folder and put first on PYTHONPATH). Both read the same database, so REV must have the same
models. In each round each worker in turn times `repeat` requests of every kind:
- the search page `/?q=TERM` for a rare, a ~1 % and a ~10 % term, and the page without a query (every
  entry, facets counted over the whole index);
- the API's search `/api/hsds/services?search=TERM` for the same terms (per_page 20, the page's size).
It prints, as Markdown for BENCHMARKS.md, medians and 95th percentiles in ms over all rounds, the median CPU
time of the worker process per request (time.process_time: what the machine's other work does not stretch;
on SQLite it includes the database's work, on PostgreSQL not the server's), and the SQL statements of one
request of each kind.
"""

import argparse
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from benchmarks.search_api import percentile

PG_DATABASE = "refugiu_bench_page"
PG_URL = f"postgres://postgres@127.0.0.1:5432/{PG_DATABASE}"
KINDS = ("page rare", "page 1 %", "page 10 %", "page, no query", "API rare", "API 1 %", "API 10 %")


def _setup():
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "refugiu.settings")
    django.setup()
    from refugiu.core.i18n import compile_catalogues

    compile_catalogues()


def build(services: int) -> None:
    _setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("generate_directory", services=services, seed=1, verbosity=0, stdout=io.StringIO())
    print(f"generated {services} services in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        connection.connection.autocommit = True  # VACUUM runs outside a transaction
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def requests() -> dict:
    try:
        from refugiu.demo.synthetic import directory as synthetic
    except ImportError:  # a baseline from before the demo package, where the generator was in the directory
        from refugiu.directory import synthetic

    terms = {"rare": synthetic.RARE, "1 %": synthetic.ONE_PERCENT, "10 %": synthetic.TEN_PERCENT}
    kinds = {f"page {label}": ("/", {"q": term}) for label, term in terms.items()}
    kinds["page, no query"] = ("/", {})
    kinds |= {
        f"API {label}": ("/api/hsds/services", {"search": term, "per_page": 20})
        for label, term in terms.items()
    }
    return kinds


def serve() -> None:
    """A worker: reads a number of requests per line on standard input, answers their times as JSON."""
    _setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    kinds = requests()
    statements = {}
    for kind, (url, params) in kinds.items():
        for _ in range(3):  # warm caches
            assert client.get(url, params).status_code == 200
        with CaptureQueriesContext(connection) as queries:
            client.get(url, params)
        statements[kind] = len(queries)
    print(json.dumps({"statements": statements}), flush=True)
    for line in sys.stdin:
        times = {}
        for kind, (url, params) in kinds.items():
            times[kind] = []
            for _ in range(int(line)):
                started, cpu_started = time.perf_counter(), time.process_time()
                response = client.get(url, params)
                cpu = time.process_time() - cpu_started
                times[kind].append(((time.perf_counter() - started) * 1000, cpu * 1000))
                assert response.status_code == 200
        print(json.dumps(times), flush=True)


def baseline_tree(revision: str, folder: Path) -> Path:
    """The source of `revision`, extracted (not checked out: no worktree is touched)."""
    archive = subprocess.run(["git", "archive", revision, "src"], capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder / "src"


def engine_run(engine: str, services: int, rounds: int, repeat: int, baseline: str) -> dict:
    folder = Path(tempfile.mkdtemp(prefix=f"refugiu-bench-page-{engine}-"))
    env = {**os.environ, "REFUGIU_DATA_DIR": str(folder / "data"), "SECRET_KEY": "benchmark-only"}
    env["REFUGIU_MANIFEST_STATIC"] = "0"  # pages rendered without collectstatic
    env.pop("DATABASE_URL", None)
    if engine == "postgresql":
        subprocess.run(
            ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", PG_DATABASE], check=True
        )
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", PG_DATABASE], check=True)
        env["DATABASE_URL"] = PG_URL
    workers = {}
    try:
        subprocess.run(
            [sys.executable, "-m", "benchmarks.search_page", "--build", "--services", str(services)],
            env=env,
            check=True,
        )
        old_src = baseline_tree(baseline, folder / "baseline")
        for version, extra in ((baseline, {"PYTHONPATH": str(old_src)}), ("this worktree", {})):
            workers[version] = subprocess.Popen(
                [sys.executable, "-m", "benchmarks.search_page", "--serve"],
                env={**env, **extra},
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
        statements = {
            version: json.loads(w.stdout.readline())["statements"] for version, w in workers.items()
        }
        times = {version: {kind: [] for kind in KINDS} for version in workers}
        for _ in range(rounds):
            for version, worker in workers.items():  # one after the other: never both at once
                worker.stdin.write(f"{repeat}\n")
                worker.stdin.flush()
                for kind, values in json.loads(worker.stdout.readline()).items():
                    times[version][kind] += values
    finally:
        for worker in workers.values():
            worker.kill()
            worker.wait()
        if engine == "postgresql":
            subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", PG_DATABASE], check=False)
        shutil.rmtree(folder, ignore_errors=True)
    return {"statements": statements, "times": times}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--services", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--baseline", default="HEAD", help="git revision to compare with (default HEAD)")
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--build", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        build(args.services)
        return
    if args.serve:
        serve()
        return
    revision = subprocess.run(
        ["git", "rev-parse", "--short", args.baseline], capture_output=True, text=True, check=True
    ).stdout.strip()
    results = {
        engine: engine_run(engine, args.services, args.rounds, args.repeat, revision)
        for engine in args.engines.split(",")
    }
    print(
        f"Search page and API search, {args.services:,} synthetic services, {args.rounds} rounds of "
        f"{args.repeat} requests of each kind per version, times in ms (median / p95)\n"
    )
    print(
        f"| engine | request | SQL statements {revision} / now | {revision} | now | now ÷ {revision} (median) "
        f"| CPU of the process, {revision} | CPU, now | CPU, now ÷ {revision} |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for engine, result in results.items():
        before, after = (result["times"][version] for version in (revision, "this worktree"))
        counts = result["statements"]
        for kind in KINDS:
            b, a = ([wall for wall, _cpu in v[kind]] for v in (before, after))
            b_cpu, a_cpu = (statistics.median(cpu for _wall, cpu in v[kind]) for v in (before, after))
            print(
                f"| {engine} | {kind} | {counts[revision][kind]} / {counts['this worktree'][kind]} "
                f"| {statistics.median(b):.2f} / {percentile(b, 0.95):.2f} "
                f"| {statistics.median(a):.2f} / {percentile(a, 0.95):.2f} "
                f"| {statistics.median(a) / statistics.median(b):.2f} "
                f"| {b_cpu:.2f} | {a_cpu:.2f} | {a_cpu / b_cpu:.2f} |"
            )


if __name__ == "__main__":
    main()
