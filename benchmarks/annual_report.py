"""The annual activity report as PDF for a large year: time, peak memory and SQL queries, on SQLite and
PostgreSQL, in one run.

    .venv/bin/python -m benchmarks.annual_report [--events 1000] [--participants 50000] [--runs 3]

For each engine, in a fresh database (an SQLite file in a temporary folder; the PostgreSQL database
refugiu_bench_annual, created and dropped here), a worker migrates and builds two synthetic years side by
side with `refugiu generate_programme` (seed 0): a tenth of the size in 2030 (100 events and 5,000
participants by default) and the full size in 2031. Then, for each year, `runs` fresh processes each:
- render the report of an empty year once (imports, templates, fonts: a process ready to serve);
- read ru_maxrss (the process's peak resident memory so far);
- build the data (`annual_report(year)`), render the HTML (`render_html(report, for_pdf=True)`), make the
  PDF from it (`html_to_pdf`), which together are `render_pdf(annual_report(year))`, counting their SQL
  queries with CaptureQueriesContext and timing each step;
- read ru_maxrss again: the peak of making the PDF is the difference (whole process, C libraries included:
  WeasyPrint's layout is mostly Python objects, its fonts and Pango/HarfBuzz are not).
It prints, as Markdown for BENCHMARKS.md, the medians of the times, the median and largest peak, the
query counts (which must be the same at both sizes) and the PDF's pages (pdfinfo, else a count of page
objects).
"""

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

PG_DATABASE = "refugiu_bench_annual"
PG_URL = f"postgres://postgres@127.0.0.1:5432/{PG_DATABASE}"
SMALL_YEAR, LARGE_YEAR, EMPTY_YEAR = 2030, 2031, 2029


def _setup():
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "refugiu.settings")
    django.setup()


def build(events: int, participants: int) -> dict:
    """Migrate and generate both years; the generation times and the data's size."""
    _setup()
    from django.core.management import call_command

    from refugiu.demo.synthetic.programmes import programme_generate

    call_command("migrate", verbosity=0)
    results = {}
    for year, (e, p) in (
        (SMALL_YEAR, (events // 10, participants // 10)),
        (LARGE_YEAR, (events, participants)),
    ):
        summary = programme_generate(year=year, events=e, participants=p, seed=0)
        print(str(summary), file=sys.stderr)
        results[str(year)] = {
            "events": summary.events,
            "participants": summary.participants,
            "headcount_events": summary.headcount_events,
            "headcount_total": summary.headcount_total,
            "attendances": summary.attendances,
            "seconds": summary.seconds,
        }
    return results


def page_count(pdf: bytes) -> int:
    if shutil.which("pdfinfo"):
        with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
            handle.write(pdf)
            handle.flush()
            output = subprocess.run(["pdfinfo", handle.name], capture_output=True, text=True, check=True)
        return int(re.search(r"^Pages:\s+(\d+)", output.stdout, re.MULTILINE).group(1))
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def measure(year: int) -> dict:
    """One fresh process: warm up on an empty year, then time and measure one PDF of `year`."""
    _setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from refugiu.core.pdf import html_to_pdf
    from refugiu.reports.annual import annual_report, render_html, render_pdf

    render_pdf(annual_report(EMPTY_YEAR))  # imports, templates, fonts
    ready_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        report = annual_report(year)
        data_done = time.perf_counter()
        html = render_html(report, for_pdf=True)
        html_done = time.perf_counter()
        pdf = html_to_pdf(html)
        pdf_done = time.perf_counter()
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "queries": len(queries),
        "data": data_done - started,
        "html": html_done - data_done,
        "pdf": pdf_done - html_done,
        "total": pdf_done - started,
        "ready_mb": ready_kb / 1024,
        "peak_mb": peak_kb / 1024,
        "events": report.summary.events,
        "participants": report.summary.participants,
        "html_mb": len(html.encode()) / 1e6,
        "pdf_mb": len(pdf) / 1e6,
        "pages": page_count(pdf),
    }


def _run(env: dict, *args: str) -> dict:
    output = subprocess.run(
        [sys.executable, "-m", "benchmarks.annual_report", *args], env=env, capture_output=True, text=True
    )
    sys.stderr.write(output.stderr)
    output.check_returncode()
    return json.loads(output.stdout.strip().splitlines()[-1])


def engine_run(engine: str, events: int, participants: int, runs: int) -> dict:
    folder = tempfile.mkdtemp(prefix=f"refugiu-bench-annual-{engine}-")
    env = {**os.environ, "REFUGIU_DATA_DIR": folder, "SECRET_KEY": "benchmark-only"}
    env["REFUGIU_MANIFEST_STATIC"] = "0"  # rendered without collectstatic
    env.pop("DATABASE_URL", None)
    if engine == "postgresql":
        subprocess.run(
            ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", PG_DATABASE], check=True
        )
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", PG_DATABASE], check=True)
        env["DATABASE_URL"] = PG_URL
    try:
        built = _run(env, "--build", "--events", str(events), "--participants", str(participants))
        measured = {}
        for year in (SMALL_YEAR, LARGE_YEAR):
            measured[str(year)] = [_run(env, "--measure", str(year)) for _ in range(runs)]
            print(f"{engine} {year}: {measured[str(year)]}", file=sys.stderr)
    finally:
        if engine == "postgresql":
            subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", PG_DATABASE], check=False)
        shutil.rmtree(folder, ignore_errors=True)
    return {"built": built, "measured": measured}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--participants", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--build", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        print(json.dumps(build(args.events, args.participants)))
        return
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return
    results = {
        engine: engine_run(engine, args.events, args.participants, args.runs)
        for engine in args.engines.split(",")
    }
    print(
        f"Annual report as PDF, synthetic years of {args.events // 10:,} and {args.events:,} events "
        f"(seed 0), {args.runs} fresh processes each; times in s (median), memory in MB\n"
    )
    print(
        "| engine | events | individual participants | headcount-only events | SQL queries | build data | render HTML "
        "| HTML → PDF | total | pages | PDF MB | peak RSS, ready process | peak RSS after the PDF (median / max) "
        "| increase (median) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    notes = []
    for engine, result in results.items():
        counts = set()
        for year in (str(SMALL_YEAR), str(LARGE_YEAR)):
            built, runs = result["built"][year], result["measured"][year]
            counts |= {r["queries"] for r in runs}

            def median(key, runs=runs):
                return statistics.median(r[key] for r in runs)

            increases = [r["peak_mb"] - r["ready_mb"] for r in runs]
            print(
                f"| {engine} | {built['events']:,} | {built['participants']:,} | {built['headcount_events']:,} "
                f"| {'/'.join(str(r['queries']) for r in runs)} | {median('data'):.2f} | {median('html'):.2f} "
                f"| {median('pdf'):.1f} | {median('total'):.1f} | {runs[0]['pages']:,} | {runs[0]['pdf_mb']:.1f} "
                f"| {median('ready_mb'):.0f} | {median('peak_mb'):.0f} / {max(r['peak_mb'] for r in runs):.0f} "
                f"| +{statistics.median(increases):.0f} |"
            )
            notes.append(
                f"{engine} {year}: generated in {built['seconds']:.1f} s ({built['attendances']:,} check-ins, "
                f"headcounts {built['headcount_total']:,}); report total {runs[0]['participants']:,} participants, "
                f"HTML {runs[0]['html_mb']:.1f} MB"
            )
        notes.append(
            f"{engine}: SQL queries {'constant' if len(counts) == 1 else 'NOT constant'} ({sorted(counts)})"
        )
    print()
    for note in notes:
        print(f"- {note}")


if __name__ == "__main__":
    main()
