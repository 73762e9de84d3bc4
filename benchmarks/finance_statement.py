"""The financial statement as XLSX and the budget-vs-actual page of a large grant, on SQLite and
PostgreSQL, in one run.

    .venv/bin/python -m benchmarks.finance_statement [--partners 6] [--years 3] [--expenses 20000]
        [--staff 60] [--repeat 10] [--engines sqlite,postgresql]

For each engine, in a fresh database (an SQLite file in a temporary folder; the PostgreSQL database
refugiu_bench_finance, created and dropped here), a worker migrates and builds two synthetic grants with
`refugiu generate_finance` (seed 0, clearly labelled example figures): a small one (2 beneficiaries, 1
year, a hundredth of the expenses, 2 staff) and the large one (by default 6 beneficiaries, 3 years, 20,000
expenses and 60 staff's daily timesheets: about 94,000 time entries). Then, in one fresh process per
engine, for each grant, after one warm-up of each:
- the consolidated statement of the last reporting period as XLSX, `render_xlsx(statement_build(...))`
  (what the command, the page's download and the background task do), `repeat` times, counting its SQL
  queries with CaptureQueriesContext;
- the budget-vs-actual page, /staff/finance/grants/<id>/monitoring/, through Django's test client signed
  in as a financial manager with a second factor, `repeat` times.
It prints, as Markdown for BENCHMARKS.md, the medians (and the slowest run) in milliseconds, the median
CPU time of this process (which on SQLite includes the database's work, on PostgreSQL not the server's; on a
shared machine it moves less than the wall-clock time), the query counts (which must be the same for both
grants), and the ratios of the large grant's times to the small's.
Targets (issue 16): the XLSX statement under 5 s with a constant number of queries; the page under 200 ms.
"""

import argparse
import base64
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

PG_DATABASE = "refugiu_bench_finance"
PG_URL = f"postgres://postgres@127.0.0.1:5432/{PG_DATABASE}"


def _setup():
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "refugiu.settings")
    django.setup()


def build(partners: int, years: int, expenses: int, staff: int) -> dict:
    _setup()
    from django.core.management import call_command

    from refugiu.demo.synthetic.finance import finance_generate

    call_command("migrate", verbosity=0)
    built = {}
    for size, (p, y, e, s) in (
        ("small", (2, 1, max(1, expenses // 100), 2)),
        ("large", (partners, years, expenses, staff)),
    ):
        summary = finance_generate(partners=p, years=y, expenses=e, staff=s, seed=0)
        print(str(summary), file=sys.stderr)
        built[size] = {
            "grant": summary.grant_id,
            "partners": p,
            "years": y,
            "expenses": summary.expenses,
            "staff": s,
            "time_entries": summary.time_entries,
            "seconds": summary.seconds,
        }
    return built


def measure(grants: dict, repeat: int) -> dict:
    _setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from benchmarks.case_pages import sign_in
    from refugiu.accounts.models import RoleAssignment, User
    from refugiu.accounts.roles import Role
    from refugiu.finance.models import Grant
    from refugiu.finance.statements import statement_build
    from refugiu.finance.statements.xlsx import render_xlsx

    manager, _created = User.objects.get_or_create(username="bench-financial-manager")
    RoleAssignment.objects.get_or_create(user=manager, role=Role.FINANCIAL_MANAGER)
    client = sign_in(Client(HTTP_HOST="127.0.0.1"), manager)
    results = {}
    for size, built in grants.items():
        grant = Grant.objects.select_related("template", "project").get(pk=built["grant"])
        period = grant.periods.order_by("-number").first()

        def xlsx(grant=grant, period=period):
            return render_xlsx(statement_build(grant, period))

        url = reverse("finance:monitoring", args=[grant.pk])
        xlsx()  # warm up: imports, openpyxl
        assert client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as queries:
            content = xlsx()
        xlsx_queries = len(queries)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        page_queries = len(queries)
        xlsx_ms, page_ms, xlsx_cpu, page_cpu = [], [], [], []
        for _ in range(repeat):
            started, cpu = time.perf_counter(), time.process_time()
            xlsx()
            xlsx_ms.append((time.perf_counter() - started) * 1000)
            xlsx_cpu.append((time.process_time() - cpu) * 1000)
            started, cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            page_ms.append((time.perf_counter() - started) * 1000)
            page_cpu.append((time.process_time() - cpu) * 1000)
            assert response.status_code == 200
        results[size] = {
            "xlsx_ms": xlsx_ms,
            "xlsx_cpu": xlsx_cpu,
            "page_cpu": page_cpu,
            "xlsx_queries": xlsx_queries,
            "xlsx_bytes": len(content),
            "page_ms": page_ms,
            "page_queries": page_queries,
        }
    return results


def _run(env: dict, *args: str) -> dict:
    output = subprocess.run(
        [sys.executable, "-m", "benchmarks.finance_statement", *args], env=env, capture_output=True, text=True
    )
    sys.stderr.write(output.stderr)
    output.check_returncode()
    return json.loads(output.stdout.strip().splitlines()[-1])


def engine_run(engine: str, args) -> dict:
    folder = tempfile.mkdtemp(prefix=f"refugiu-bench-finance-{engine}-")
    env = {**os.environ, "REFUGIU_DATA_DIR": folder, "SECRET_KEY": "benchmark-only"}
    env["REFUGIU_MANIFEST_STATIC"] = "0"
    # A second factor's secret is kept encrypted: a key of this run's own, as docs/deploy.md shares one.
    env["REFUGIU_ENCRYPTION_KEYS"] = base64.urlsafe_b64encode(os.urandom(32)).decode()
    env.pop("DATABASE_URL", None)
    if engine == "postgresql":
        subprocess.run(
            ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", PG_DATABASE], check=True
        )
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", PG_DATABASE], check=True)
        env["DATABASE_URL"] = PG_URL
    sizes = ["--partners", str(args.partners), "--years", str(args.years)]
    sizes += ["--expenses", str(args.expenses), "--staff", str(args.staff)]
    try:
        built = _run(env, "--build", *sizes)
        measured = _run(env, "--measure", json.dumps(built), "--repeat", str(args.repeat))
    finally:
        if engine == "postgresql":
            subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", PG_DATABASE], check=False)
        shutil.rmtree(folder, ignore_errors=True)
    return {"built": built, "measured": measured}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--partners", type=int, default=6)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--expenses", type=int, default=20_000)
    parser.add_argument("--staff", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--build", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        print(json.dumps(build(args.partners, args.years, args.expenses, args.staff)))
        return
    if args.measure:
        print(json.dumps(measure(json.loads(args.measure), args.repeat)))
        return
    results = {engine: engine_run(engine, args) for engine in args.engines.split(",")}
    print(
        f"Financial statement (XLSX, consolidated, last period) and budget-vs-actual page, synthetic grants "
        f"(seed 0), {args.repeat} runs each after a warm-up; times in ms, median / slowest\n"
    )
    print(
        "| engine | grant | beneficiaries | years | expenses | staff | time entries | XLSX statement | its CPU "
        "| its SQL queries | budget-vs-actual page | its CPU | its SQL queries |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    notes = []
    for engine, result in results.items():
        for size in ("small", "large"):
            built, m = result["built"][size], result["measured"][size]
            print(
                f"| {engine} | {size} | {built['partners']} | {built['years']} | {built['expenses']:,} "
                f"| {built['staff']} | {built['time_entries']:,} "
                f"| {statistics.median(m['xlsx_ms']):.0f} / {max(m['xlsx_ms']):.0f} "
                f"| {statistics.median(m['xlsx_cpu']):.0f} | {m['xlsx_queries']} "
                f"| {statistics.median(m['page_ms']):.0f} / {max(m['page_ms']):.0f} "
                f"| {statistics.median(m['page_cpu']):.0f} | {m['page_queries']} |"
            )
        small, large = result["measured"]["small"], result["measured"]["large"]
        ratio_xlsx = statistics.median(large["xlsx_ms"]) / statistics.median(small["xlsx_ms"])
        ratio_page = statistics.median(large["page_ms"]) / statistics.median(small["page_ms"])
        constant = (small["xlsx_queries"], small["page_queries"]) == (
            large["xlsx_queries"],
            large["page_queries"],
        )
        notes.append(
            f"{engine}: large ÷ small {ratio_xlsx:.1f}× (XLSX) and {ratio_page:.1f}× (page); SQL queries "
            f"{'the same for both grants' if constant else 'NOT constant'}; the large grant generated in "
            f"{result['built']['large']['seconds']:.0f} s"
        )
    print()
    for note in notes:
        print(f"- {note}")


if __name__ == "__main__":
    main()
