"""Schemathesis against both APIs, longer than the suite's run: operations, examples and failures per check.

    .venv/bin/python -m benchmarks.schemathesis_run [--examples 100] [--seed 18] [--engines sqlite,postgresql]

For each engine a worker process makes an empty installation (SQLite in a new temporary folder, or a new
PostgreSQL database `refugiu_bench_schemathesis`), migrates it, builds the suite's world (the directory of
tests/directory/test_api.py: public and confidential records; a department whose coordinator and one
caseworker share a case, with their API tokens), serves it over HTTP on 127.0.0.1 (Django's threaded WSGI
server, the whole stack) and runs tests/api/contract.py — the same checks and the same reviewed list
(UNDOCUMENTABLE) as tests/api/test_schemathesis.py — with `examples` positive and `examples` negative cases
per operation, as a caseworker, as a coordinator and without a token. It prints, as Markdown for
BENCHMARKS.md, per engine and caller: operations, examples sent, seconds, failures per check, and how many
answers the reviewed list let off; then the first request of each failure.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

from benchmarks import common

PG_URL = "postgres://postgres@127.0.0.1:5432/refugiu_bench_schemathesis"
CALLERS = ("caseworker", "coordinator", "anonymous")


def worker(examples: int, seed: int) -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")  # its keys, its fast password hashing
    django.setup()
    from django.core.management import call_command
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application
    from tests.api import contract
    from tests.api.test_schemathesis import world

    from refugiu.core.startup import start_check

    call_command("migrate", verbosity=0)
    start_check(make_key=True)
    headers = world()

    class Quiet(WSGIRequestHandler):
        def log_message(self, format, *args):  # noqa: A002 (the base class's name)
            pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), Quiet)
    server.set_app(get_wsgi_application())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base_url = f"http://127.0.0.1:{server.server_address[1]}"
    results = {}
    try:
        for caller in CALLERS:
            started = time.perf_counter()
            tally = contract.run(
                contract.load(base_url), headers=headers[caller], examples=examples, seed=seed
            )
            results[caller] = {
                "seconds": time.perf_counter() - started,
                "operations": len(tally.examples),
                "examples": sum(tally.examples.values()),
                "failures": _by_check(tally.failures),
                "let_off": _by_check(tally.let_off),
                "first": tally.first,
            }
    finally:
        server.shutdown()
    return results


def _by_check(counts) -> dict[str, int]:
    totals: dict[str, int] = {}
    for key, count in counts.items():
        check = key.split(" | ", 1)[0]
        totals[check] = totals.get(check, 0) + count
    return totals


def engine_env(engine: str) -> dict:
    data_dir = tempfile.mkdtemp(prefix=f"refugiu-bench-schemathesis-{engine}-")
    return common.engine_env(engine, data_dir, PG_URL, fresh=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--examples", type=int, default=100)
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.examples, args.seed)))
        return
    from tests.api.contract import CHECKS

    rows, firsts = [], {}
    for engine in args.engines.split(","):
        output = subprocess.run(
            [sys.executable, "-m", "benchmarks.schemathesis_run", "--worker"]
            + ["--examples", str(args.examples), "--seed", str(args.seed)],
            env=engine_env(engine),
            capture_output=True,
            text=True,
        )
        sys.stderr.write(output.stderr[-5000:])
        output.check_returncode()
        for caller, result in json.loads(output.stdout.strip().splitlines()[-1]).items():
            rows.append((engine, caller, result))
            for key, text in result["first"].items():
                firsts.setdefault(key, f"{engine}, {caller}: {text}")
    print(
        f"Schemathesis, {args.examples} positive and {args.examples} negative cases per operation at most, "
        f"seed {args.seed}; failures per check (let off by the reviewed list in brackets)\n"
    )
    names = list(CHECKS)
    print("| engine | caller | operations | examples | seconds | " + " | ".join(names) + " |")
    print("|---|---|---|---|---|" + "---|" * len(names))
    for engine, caller, r in rows:
        cells = [f"{r['failures'].get(name, 0)} ({r['let_off'].get(name, 0)})" for name in names]
        print(
            f"| {engine} | {caller} | {r['operations']} | {r['examples']:,} | {r['seconds']:.0f} | "
            + " | ".join(cells)
            + " |"
        )
    for key, text in sorted(firsts.items()):
        print(f"\n- {key}: {text}")


if __name__ == "__main__":
    main()
