"""Case list and case page latency and SQL query counts, on SQLite and PostgreSQL, in one run.

    .venv/bin/python -m benchmarks.case_pages [--cases 100000] [--sessions-per-case 10] [--repeat 50]

For each engine a worker process builds (once, then reuses) a synthetic case load with
`refugiu generate_cases --cases N --sessions-per-case M` (seed 0: N cases, about N × M sessions, and
`bench-caseworker` on 50 open cases, one of which has 10,000 sessions), then requests through Django's
test client, signed in with a second factor as the staff pages require:
- /staff/cases/ as bench-caseworker (50 cases) and as a generated coordinator (half of all cases);
- /staff/cases/<id>/ as bench-caseworker, for one of their ordinary cases and for the long-history case.
Each page is requested 3 times to warm up, then `repeat` times. It prints, as Markdown for BENCHMARKS.md,
medians and 95th percentiles in milliseconds, the SQL statements one request sends (counted as the tests
count them), and the time that request's reads take when replayed on a cursor, each fetched to the end
(SQLite does much of a query's work while fetching). The statement counts must not depend on the number
of cases listed or the length of a case's history.
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

from benchmarks import common

BENCH_DIR = Path(tempfile.gettempdir()) / "refugiu-bench"
PG_URL = "postgres://postgres@127.0.0.1:5432/refugiu_bench_cases_{n}_{m}"


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def replay(connection, statements) -> float:
    """Milliseconds to run `statements` on a cursor, fetching every row."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
            cursor.fetchall()
    return (time.perf_counter() - started) * 1000


def sign_in(client, user):
    """As the staff pages require: a session that used a second factor (tests.accounts.mfa does it the
    way allauth records it)."""
    try:
        from tests.accounts.mfa import force_login_with_mfa
    except ImportError:  # before the second-factor work landed
        client.force_login(user)
        return client
    return force_login_with_mfa(client, user)


def worker(cases: int, sessions_per_case: int, repeat: int) -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "refugiu.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from refugiu.accounts.models import User
    from refugiu.cases.models import Case, ServiceEntry
    from refugiu.demo.synthetic.cases import BENCH_USERNAME

    call_command("migrate", verbosity=0)
    generated = None
    existing = Case.objects.count()
    if existing == 0:
        started = time.perf_counter()
        output = io.StringIO()
        call_command("generate_cases", cases=cases, sessions_per_case=sessions_per_case, stdout=output)
        generated = time.perf_counter() - started
        print(output.getvalue().strip(), file=sys.stderr)
    elif existing != cases:
        raise SystemExit(f"the benchmark database holds {existing} cases, not {cases}: remove it first")

    bench = User.objects.get(username=BENCH_USERNAME)
    coordinator = User.objects.get(username="synthetic-coordinator-1")
    per_case = list(
        ServiceEntry.objects.filter(case__team__user=bench)
        .values_list("case_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "case_id")
    )
    long_case, long_sessions = per_case[0]
    normal_case, normal_sessions = per_case[len(per_case) // 2]
    pages = [
        ("case list, caseworker", bench, reverse("cases:case_list"), Case.objects.visible_to(bench).count()),
        (
            "case list, coordinator",
            coordinator,
            reverse("cases:case_list"),
            Case.objects.visible_to(coordinator).count(),
        ),
        (
            "case page, ordinary case",
            bench,
            reverse("cases:case_detail", args=[normal_case]),
            normal_sessions,
        ),
        ("case page, long history", bench, reverse("cases:case_detail", args=[long_case]), long_sessions),
    ]
    results = {"generated_seconds": generated, "sessions": ServiceEntry.objects.count(), "pages": {}}
    for label, user, url, size in pages:
        client = sign_in(Client(HTTP_HOST="127.0.0.1"), user)
        for _ in range(3):  # warm caches
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code, response.content[:500])
        captured = []

        def capture(execute, sql, params, many, context, captured=captured):
            captured.append((sql, params))
            return execute(sql, params, many, context)

        with CaptureQueriesContext(connection) as queries, connection.execute_wrapper(capture):
            client.get(url)
        # Counted as the tests count them; read now, as the next request empties the connection's log.
        statements = len(queries)
        # The reads again, each fetched to the end (SQLite does much of a query's work while fetching).
        selects = [(sql, params) for sql, params in captured if sql.lstrip().upper().startswith("SELECT")]
        sql_ms = statistics.median(replay(connection, selects) for _ in range(5))
        timings = []
        for _ in range(repeat):
            started = time.perf_counter()
            client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        results["pages"][label] = {
            "url": url,
            "size": size,
            "queries": statements,
            "sql_ms": sql_ms,
            "time": (statistics.median(timings), percentile(timings, 0.95)),
        }
    return results


def engine_env(engine: str, cases: int, sessions_per_case: int) -> dict:
    data_dir = BENCH_DIR / f"cases-{engine}-{cases}-{sessions_per_case}"
    return common.engine_env(engine, data_dir, PG_URL.format(n=cases, m=sessions_per_case))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--sessions-per-case", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.cases, args.sessions_per_case, args.repeat)))
        return
    rows, notes = [], []
    for engine in args.engines.split(","):
        output = subprocess.run(
            [
                sys.executable,
                "-m",
                "benchmarks.case_pages",
                "--worker",
                "--cases",
                str(args.cases),
                "--sessions-per-case",
                str(args.sessions_per_case),
                "--repeat",
                str(args.repeat),
            ],
            env=engine_env(engine, args.cases, args.sessions_per_case),
            capture_output=True,
            text=True,
        )
        sys.stderr.write(output.stderr)
        output.check_returncode()
        result = json.loads(output.stdout.strip().splitlines()[-1])
        if result["generated_seconds"]:
            notes.append(f"{engine}: generated in {result['generated_seconds']:.0f} s")
        notes.append(f"{engine}: {result['sessions']:,} sessions in all")
        for label, r in result["pages"].items():
            rows.append((engine, label, r))
    print(
        f"Case pages, {args.cases:,} synthetic cases with {args.sessions_per_case} sessions each, "
        f"{args.repeat} requests each, times in ms (median / p95)\n"
    )
    print(
        "| engine | page | cases listed / sessions on the case | SQL statements | its reads, replayed | end to end |"
    )
    print("|---|---|---|---|---|---|")
    for engine, label, r in rows:
        median, p95 = r["time"]
        print(
            f"| {engine} | {label} | {r['size']:,} | {r['queries']} | {r['sql_ms']:.2f} | {median:.2f} / {p95:.2f} |"
        )
    print("\n" + "; ".join(notes))


if __name__ == "__main__":
    main()
