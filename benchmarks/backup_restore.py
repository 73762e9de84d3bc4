"""Backup and restore: time, archive size and peak memory, on SQLite and PostgreSQL, in one run.

    .venv/bin/python -m benchmarks.backup_restore [--cases 10000] [--documents 200] [--engines sqlite,postgresql]

For each engine it builds (once, then reuses) two installations in BENCH_DIR:
- "demo": `refugiu demo --no-serve` (the seed organisation, its directory, programme and demo cases);
- "demo + N cases": the same, then `refugiu generate_cases --cases N` (seed 0: N cases with 10 sessions
  each, notes, teams, encrypted identities, and one case of 10,000 sessions), and D documents of 1 MiB
  each on D of the cases (stored encrypted in DATA_DIR/case-files, as uploads are).
Then, each as a process of its own, timed from start to end (Django's start included) with its peak
resident memory (ru_maxrss, from wait4): `refugiu backup FILE`; `refugiu restore --check FILE` (reads and
verifies the whole archive, writes nothing); `refugiu restore FILE` into a new empty installation of the
same engine, and the SQLite archives into PostgreSQL. `refugiu migrate` of an empty installation is timed
too: a restore runs the migrations first, so that part of its time does not grow with the data. Prints
Markdown for BENCHMARKS.md.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(tempfile.gettempdir()) / "refugiu-bench"
REFUGIU = str(Path(sys.executable).with_name("refugiu"))
PG = "postgres://postgres@127.0.0.1:5432/{name}"
DOCUMENTS = """
from refugiu.accounts.models import User
from refugiu.cases.documents import document_store
from refugiu.cases.models import Case
boss = User.objects.get(username="synthetic-coordinator-1")
page = ("[synthetic] A page of a scanned statement, made for the backup benchmark. " * 15000).encode()
for case in Case.objects.visible_to(boss).exclude(status="closed").order_by("pk")[:{count}]:
    document_store(user=boss, case=case, title="[synthetic] statement", data=page[: 1 << 20])
"""


def run(env: dict, *args: str) -> tuple[float, float, str]:
    """Run `refugiu ARGS`; (seconds, peak resident MB, standard output). Fails loudly on an error."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen([REFUGIU, *args], env=env, stdout=out, stderr=err)
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if process.returncode:
            raise SystemExit(f"refugiu {' '.join(args)} failed:\n{err.read()}")
        return seconds, usage.ru_maxrss / 1024, out.read()


def installation_env(engine: str, name: str, *, fresh: bool) -> dict:
    """The environment of an installation called `name` (its data folder, and its own PostgreSQL database);
    `fresh`: emptied first."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REFUGIU_", "DATABASE_URL"))}
    data_dir = BENCH_DIR / f"backup-{name}"
    if fresh and data_dir.exists():
        shutil.rmtree(data_dir)
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    env.update(REFUGIU_DATA_DIR=str(data_dir), SECRET_KEY="benchmark-only", REFUGIU_MANIFEST_STATIC="0")  # noqa: S106
    if engine == "postgresql":
        database = f"refugiu_bench_backup_{name.replace('-', '_')}"
        if fresh:
            subprocess.run(
                ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", database], check=True
            )
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", database], capture_output=True)
        env["DATABASE_URL"] = PG.format(name=database)
    return env


def source(engine: str, load: str, cases: int, documents: int) -> dict:
    """The installation to back up, built once."""
    env = installation_env(engine, f"{engine}-{load}", fresh=False)
    ready = Path(env["REFUGIU_DATA_DIR"]) / "bench-ready"
    if not ready.exists():
        env = installation_env(engine, f"{engine}-{load}", fresh=True)
        seconds, _rss, _out = run(env, "demo", "--no-serve")
        print(f"{engine} {load}: demo in {seconds:.0f} s", file=sys.stderr)
        if cases:
            seconds, _rss, _out = run(env, "generate_cases", "--cases", str(cases))
            print(f"{engine} {load}: generate_cases in {seconds:.0f} s", file=sys.stderr)
            run(env, "shell", "--no-imports", "-c", DOCUMENTS.replace("{count}", str(documents)))
        ready.touch()
    return env


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--documents", type=int, default=200)
    parser.add_argument("--engines", default="sqlite,postgresql")
    args = parser.parse_args()
    engines = args.engines.split(",")
    loads = {"demo": 0, f"demo + {args.cases:,} cases, {args.documents} documents": args.cases}
    rows, migrate_times, archives = [], {}, {}
    for engine in engines:
        env = installation_env(engine, f"{engine}-migrate", fresh=True)
        migrate_times[engine] = run(env, "migrate", "-v0")[0]
        for load, cases in loads.items():
            slug = "demo" if not cases else f"cases-{cases}-documents-{args.documents}"
            env = source(engine, slug, cases, args.documents)
            archive = BENCH_DIR / f"backup-{engine}-{slug}.tar.gz"
            archive.unlink(missing_ok=True)
            backup = run(env, "backup", str(archive))
            check = run(env, "restore", "--check", str(archive))
            archives[(engine, load)] = (archive, env)
            counted = backup[2].split("(")[1].split(" rows")[0]
            files = backup[2].split("rows), ")[1].split(" to ")[0]
            rows.append(
                [engine, load, f"{counted} rows, {files}", archive.stat().st_size / 1e6, backup, check]
            )
    for row in rows:
        engine, load = row[0], row[1]
        archive, source_env = archives[(engine, load)]
        targets = [engine] + (["postgresql"] if engine == "sqlite" and "postgresql" in engines else [])
        row.append({})
        for target in targets:
            env = installation_env(target, f"{target}-restored", fresh=True)
            shutil.copyfile(
                Path(source_env["REFUGIU_DATA_DIR"]) / "encryption.keys",
                Path(env["REFUGIU_DATA_DIR"]) / "encryption.keys",
            )
            row[-1][target] = run(env, "restore", str(archive))

    print("Backup and restore, each a process of its own; seconds, and peak resident memory in MB\n")
    print(
        "| engine | installation | holding | archive MB | backup s | backup MB | restore --check s | restore s (into) | restore MB |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for engine, load, count, size, backup, check, restores in rows:
        restored = "; ".join(
            f"{seconds:.1f} ({target})" for target, (seconds, _rss, _out) in restores.items()
        )
        memory = "; ".join(f"{rss:.0f}" for _seconds, rss, _out in restores.values())
        print(
            f"| {engine} | {load} | {count} | {size:.1f} | {backup[0]:.1f} | {backup[1]:.0f} | {check[0]:.1f} "
            f"| {restored} | {memory} |"
        )
    print(
        "\n`refugiu migrate` of an empty installation (part of every restore): "
        + ", ".join(f"{seconds:.1f} s on {engine}" for engine, seconds in migrate_times.items())
    )


if __name__ == "__main__":
    main()
