"""How long `refugiu serve` and `refugiu demo` take from being started to answering, for a first (cold)
and a second (warm) start, for two versions of the code side by side in one run (SQLite).

    .venv/bin/python -m benchmarks.start_time [--rounds 3] [--baseline REV]

Each round, for each version in turn (REV's code extracted with `git archive` and put first on PYTHONPATH,
as benchmarks/search_page.py does, then this worktree's):
- serve, cold: a data folder just migrated (`refugiu migrate`, not timed), then `refugiu serve`;
- serve, warm: `refugiu serve` again on that data folder;
- demo, cold: `refugiu demo` on an empty data folder (it migrates, loads the seed organisation's data and
  makes the demo accounts, then serves);
- demo, warm: `refugiu demo` again on that data folder.
A start is timed from the moment the process is started to the first 200 answer of /healthz (polled every
50 ms), then the server is stopped (SIGTERM, waited for). Wall-clock times swing with whatever else the
machine is doing, so each start's CPU time is measured too: the user and system time of the process and
everything it started (web and task workers), from its start to its stop, read with getrusage once it has
been waited for. For `demo` it also notes when "Serving on" was printed, against that first answer:
negative means it was printed before anything answered.

It prints medians over the rounds as Markdown for BENCHMARKS.md.
"""

import argparse
import os
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from benchmarks.search_page import baseline_tree

KINDS = ("serve, cold", "serve, warm", "demo, cold", "demo, warm")
THIS = "this worktree"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:  # noqa: S310
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_start(
    command: list[str], env: dict, cwd: Path, timeout: float = 600
) -> tuple[float, float | None, float]:
    """Seconds from start to the first answer, from start to "Serving on" in its output (None if never
    printed), and CPU seconds of the whole run; the server is stopped after."""
    port = free_port()
    cpu_before = _children_cpu()
    started = time.monotonic()
    process = subprocess.Popen(  # noqa: S603 - our own command
        [sys.executable, "-m", "refugiu.cli", *command, "--bind", f"127.0.0.1:{port}"],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    said = []
    output = []

    def read():
        for line in process.stdout:
            output.append(line)
            if "Serving on" in line and not said:
                said.append(time.monotonic() - started)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        while not answers(port):
            if process.poll() is not None or time.monotonic() - started > timeout:
                raise RuntimeError(f"{' '.join(command)} did not answer:\n{''.join(output)}")
            time.sleep(0.05)
        answered = time.monotonic() - started
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        reader.join(timeout=5)
    return answered, (said[0] if said else None), _children_cpu() - cpu_before


def version_round(version: str, env: dict, folder: Path) -> dict:
    results = {}
    for name, kinds in (("serve", ("serve, cold", "serve, warm")), ("demo", ("demo, cold", "demo, warm"))):
        data = folder / f"{name}-data"
        shutil.rmtree(data, ignore_errors=True)
        run_env = {**env, "REFUGIU_DATA_DIR": str(data)}
        if name == "serve":
            subprocess.run(  # noqa: S603 - our own command
                [sys.executable, "-m", "refugiu.cli", "migrate", "-v0"], env=run_env, cwd=folder, check=True
            )
        for kind in kinds:
            results[kind] = timed_start([name], run_env, folder)
        shutil.rmtree(data, ignore_errors=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--baseline", default="HEAD", help="git revision to compare with (default HEAD)")
    args = parser.parse_args()
    revision = subprocess.run(
        ["git", "rev-parse", "--short", args.baseline], capture_output=True, text=True, check=True
    ).stdout.strip()
    folder = Path(tempfile.mkdtemp(prefix="refugiu-bench-start-"))
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("REFUGIU_", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"))
    }
    env["SECRET_KEY"] = "benchmark-only"
    try:
        versions = {revision: {**env, "PYTHONPATH": str(baseline_tree(args.baseline, folder / "baseline"))}}
        versions[THIS] = env
        times = {version: {kind: [] for kind in KINDS} for version in versions}
        cpu = {version: {kind: [] for kind in KINDS} for version in versions}
        said = {version: [] for version in versions}
        for number in range(args.rounds):
            for version, version_env in versions.items():
                for kind, (answered, serving, used) in version_round(version, version_env, folder).items():
                    times[version][kind].append(answered)
                    cpu[version][kind].append(used)
                    if kind.startswith("demo") and serving is not None:
                        said[version].append(serving - answered)
                print(f"round {number + 1}, {version}: {times[version]}", file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    print(
        f"Medians of {args.rounds} rounds ({revision} → {THIS}): seconds from start to the first answer, and"
    )
    print("CPU seconds of the whole run (the process and all it started, until stopped):\n")
    print(f"| start | {revision} | {THIS} | ratio | CPU {revision} | CPU {THIS} | ratio |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for kind in KINDS:
        before, after = (statistics.median(times[version][kind]) for version in (revision, THIS))
        cpu_before, cpu_after = (statistics.median(cpu[version][kind]) for version in (revision, THIS))
        print(
            f"| {kind} | {before:.1f} s | {after:.1f} s | {before / after:.1f}× "
            f"| {cpu_before:.1f} s | {cpu_after:.1f} s | {cpu_before / cpu_after:.1f}× |"
        )
    print()
    for version in versions:
        if said[version]:
            gap = statistics.median(said[version])
            when = "before" if gap < 0 else "after"
            print(
                f'- {version}: `demo` printed "Serving on" {abs(gap):.1f} s {when} the first answer (median).'
            )


if __name__ == "__main__":
    main()
