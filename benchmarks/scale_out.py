"""Scale-out on PostgreSQL: two application servers and two task workers on one database, under load, with
people registering for the same event through both servers. One command:

    .venv/bin/python -m benchmarks.scale_out [--services 20000] [--seconds 60] [--clients 50]

It makes a throw-away PostgreSQL database on 127.0.0.1 (refugiu_bench_scale, dropped at the end) and starts,
on loopback only, what docs/deploy.md describes for several servers: two `refugiu serve --task-workers 0`
(gunicorn, 2 workers each) and two `refugiu db_worker`, each with its own data folder, sharing only what the
guide says to share: DATABASE_URL, SECRET_KEY and REFUGIU_ENCRYPTION_KEYS. The servers run as behind a
reverse proxy (REFUGIU_TRUSTED_PROXIES=1): each person registering comes with their own X-Forwarded-For
address, as a proxy would pass on, so the per-address limit on registrations counts each one once.

The database is prepared once: a synthetic directory (`generate_directory --services N --seed 1`), a
synthetic programme year (`generate_programme`, for event pages), and one event per phase with 25 places
and a waiting list, open for registration. Then two phases of `seconds` each, one after the other on the
same machine:
- "1 server": `clients` concurrent clients send every request to server A;
- "2 servers": the same clients alternate between A and B.
Each client loops over four kinds of request: the search page (/?q=TERM), the API's search
(/api/hsds/services?search=TERM), an organisation's page and an event's page, with TERM in turn a rare, a
~1 %, a ~10 % term and a city. Meanwhile `registrations` people register for the phase's event, in 6 bursts
of simultaneous registrations (form, then POST), alternating between the phase's servers.

It prints, as Markdown for BENCHMARKS.md, per phase and kind: requests, requests/s, p50 and p95 in ms as
the clients saw them (waiting for a free gunicorn worker included) and in the server (the worker's own
time, from gunicorn's access log), server errors (5xx, and connections refused or cut); then the ratios of
the two phases, and what the database holds for each event afterwards (confirmed, waiting, rows, distinct
addresses, places taken). Each client sends the four kinds in turn, so their counts are alike. It
exits 1 when a server answered 5xx, when the event does not hold exactly `places` confirmed and the rest
waiting, or when a registration is missing or doubled.

Everything it started (servers with their gunicorn workers, task workers) is killed at the end, on failure
too, and the whole run is bounded (`--timeout`, 20 minutes by default).
"""

import argparse
import base64
import concurrent.futures
import contextlib
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

from benchmarks.search_api import percentile

PG_DATABASE = "refugiu_bench_scale"
PG_URL = f"postgres://postgres@127.0.0.1:5432/{PG_DATABASE}"
KINDS = ("search page", "search API", "organisation page", "event page")
REGISTRATION_KINDS = ("registration form", "registration")
BURSTS = 6
ACCESS_LINE = re.compile(r'^"(?P<method>[A-Z]+) (?P<path>\S+)" \d{3} \S+ (?P<seconds>[\d.]+)$')
STARTUP_SECONDS = 300
PHASES = ("1 server", "2 servers")


# --- inside Django (subprocesses with the servers' settings) ---------------------------------------------


def _setup():
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "refugiu.settings")
    django.setup()


def prepare(services: int, places: int) -> dict:
    """Migrate, fill and vacuum the database; the ids the clients will ask for."""
    _setup()
    import datetime
    import io

    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from refugiu.demo.synthetic import directory as synthetic
    from refugiu.demo.synthetic.programmes import programme_generate
    from refugiu.directory.models import Organization
    from refugiu.programmes.models import Event, EventDay
    from refugiu.programmes.vocabularies import EventType, Profession

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("generate_directory", services=services, seed=1, verbosity=0, stdout=io.StringIO())
    year = timezone.localdate().year + 1
    programme_generate(year=year, events=50, participants=1000, seed=0)
    registration_events = []
    for phase in PHASES:
        event = Event.objects.create(
            type=EventType.TRAINING,
            title=f"[synthetic] Scale-out benchmark training ({phase})",
            description="[synthetic] For the scale-out benchmark: not a real event.",
            capacity=places,
            registration_open=True,
            waiting_list=True,
            is_published=True,
        )
        EventDay.objects.create(event=event, date=timezone.localdate() + datetime.timedelta(days=30))
        registration_events.append(event.pk)
    # This machine's PostgreSQL runs with autovacuum off; a production server vacuums a freshly filled table
    # by itself (until then every search reads the GIN index's pending list).
    connection.ensure_connection()
    connection.connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    organizations = list(Organization.objects.filter(is_published=True).values_list("id", flat=True))
    events = list(Event.objects.filter(is_published=True).values_list("id", flat=True))
    rng = random.Random(1)  # noqa: S311 - which pages to open
    return {
        "organizations": [str(i) for i in rng.sample(organizations, min(500, len(organizations)))],
        "events": events,
        "registration_events": registration_events,
        "terms": [synthetic.RARE, synthetic.ONE_PERCENT, synthetic.TEN_PERCENT, "berlin"],
        "profession": Profession.values[0],
    }


def check(event_ids: list[int]) -> dict:
    """What the database holds for each registration event."""
    _setup()
    from django.db.models import Count

    from refugiu.programmes.models import Event, Participant

    result = {}
    for event_id in event_ids:
        participants = Participant.objects.filter(event_id=event_id)
        by_status = dict(participants.values_list("status").annotate(n=Count("id")).order_by())
        result[str(event_id)] = {
            "rows": participants.count(),
            "emails": sorted(participants.values_list("email", flat=True)),
            "by_status": by_status,
            "places_taken": Event.objects.get(pk=event_id).places_taken,
        }
    return result


# --- the run ---------------------------------------------------------------------------------------------


class Processes:
    """Every process this run starts, each in its own session, so that killing one kills its children
    (gunicorn's workers) too."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.started: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, args: list[str], env: dict) -> subprocess.Popen:
        log = open(self.folder / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(
            [sys.executable, "-m", "refugiu.cli", *args],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.started.append((name, process))
        return process

    def alive(self) -> dict[str, bool]:
        return {name: process.poll() is None for name, process in self.started}

    def stop_all(self) -> None:
        for _name, process in self.started:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for _name, process in self.started:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)  # what is left of the group, gunicorn's workers too
            process.wait()

    def log_size(self, name: str) -> int:
        return (self.folder / f"{name}.log").stat().st_size

    def access_log(self, name: str, start: int) -> list[tuple[str, float]]:
        """(kind, seconds in the server) of each request the server logged past byte `start` (gunicorn's
        access log, as `refugiu serve` formats it: method, path, status, size, seconds)."""
        with open(self.folder / f"{name}.log", "rb") as log:
            log.seek(start)
            lines = log.read().decode(errors="replace").splitlines()
        served = []
        for line in lines:
            found = ACCESS_LINE.match(line)
            if found:
                served.append((request_kind(found["method"], found["path"]), float(found["seconds"])))
        return served

    def log_tail(self, name: str, lines: int = 30) -> str:
        return "\n".join((self.folder / f"{name}.log").read_text(errors="replace").splitlines()[-lines:])


def request_kind(method: str, path: str) -> str:
    if path.endswith("/register/"):
        return "registration" if method == "POST" else "registration form"
    if path.startswith("/api/hsds/services"):
        return "search API"
    if path.startswith("/organisations/"):
        return "organisation page"
    if path.startswith("/events/"):
        return "event page"
    return "search page" if path == "/" else "other"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def request(port: int, method: str, path: str, *, body: bytes = b"", headers: dict | None = None):
    """(status, headers, body); status 0 when the connection failed or was cut."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request(method, path, body=body or None, headers={"Host": "127.0.0.1", **(headers or {})})
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read()
    except OSError:
        return 0, [], b""
    finally:
        connection.close()


def wait_until_serving(port: int, processes: Processes, name: str) -> float:
    started = time.monotonic()
    while time.monotonic() - started < STARTUP_SECONDS:
        if not processes.alive()[name]:
            raise RuntimeError(f"{name} stopped while starting:\n{processes.log_tail(name)}")
        if request(port, "GET", "/")[0] == 200:
            return time.monotonic() - started
        time.sleep(0.5)
    raise RuntimeError(f"{name} did not answer within {STARTUP_SECONDS} s:\n{processes.log_tail(name)}")


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.rows: list[tuple[str, int, int, float]] = []  # kind, port, status, seconds

    def add(self, kind: str, port: int, status: int, seconds: float) -> None:
        with self.lock:
            self.rows.append((kind, port, status, seconds))


def timed(recorder: Recorder, kind: str, port: int, method: str, path: str, **options):
    started = time.perf_counter()
    status, headers, body = request(port, method, path, **options)
    recorder.add(kind, port, status, time.perf_counter() - started)
    return status, headers, body


def browse(number: int, ports: list[int], data: dict, deadline: float, recorder: Recorder) -> None:
    """One client: the four kinds of request in turn, over the phase's servers, until the deadline."""
    rng = random.Random(number)  # noqa: S311 - which pages to open
    step = number
    while time.monotonic() < deadline:
        kind = KINDS[step % len(KINDS)]
        port = ports[(step // len(KINDS) + number) % len(ports)]  # every kind to every server
        term = urllib.parse.quote(data["terms"][(step // len(KINDS)) % len(data["terms"])])
        path = {
            "search page": f"/?q={term}",
            "search API": f"/api/hsds/services?search={term}",
            "organisation page": f"/organisations/{rng.choice(data['organizations'])}/",
            "event page": f"/events/{rng.choice(data['events'])}/",
        }[kind]
        timed(recorder, kind, port, "GET", path)
        step += 1


def register(person: int, port: int, event_id: int, profession: str, recorder: Recorder) -> int:
    """One person registers through `port`, as a browser behind a proxy would: the form, then the POST."""
    forwarded = {"X-Forwarded-For": f"10.13.{person // 200}.{person % 200 + 1}"}
    path = f"/events/{event_id}/register/"
    status, headers, body = timed(recorder, "registration form", port, "GET", path, headers=forwarded)
    if status != 200:
        return status
    cookie = next(
        (v.split(";")[0] for k, v in headers if k.lower() == "set-cookie" and v.startswith("csrftoken=")), ""
    )
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    form = {
        "csrfmiddlewaretoken": token,
        "name": f"[synthetic] Participant {person}",
        "email": f"participant{person}@example.org",
        "profession": profession,
        "consent": "on",
    }
    status, _headers, _body = timed(
        recorder,
        "registration",
        port,
        "POST",
        path,
        body=urllib.parse.urlencode(form).encode(),
        headers={**forwarded, "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
    )
    return status


def phase_run(ports, data, event_id, clients, seconds, registrations, first_person) -> dict:
    recorder = Recorder()
    deadline = time.monotonic() + seconds
    outcomes = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=clients + registrations) as pool:
        browsing = [pool.submit(browse, n, ports, data, deadline, recorder) for n in range(clients)]
        per_burst = -(-registrations // BURSTS)
        for burst in range(BURSTS):
            time.sleep(seconds / (BURSTS + 1))
            people = range(
                first_person + burst * per_burst, first_person + min(registrations, (burst + 1) * per_burst)
            )
            outcomes += [
                pool.submit(register, p, ports[p % len(ports)], event_id, data["profession"], recorder)
                for p in people
            ]
        for future in browsing:
            future.result()
        statuses = [future.result() for future in outcomes]
    return {"rows": recorder.rows, "seconds": seconds, "registration_statuses": statuses}


def summary_rows(phase: str, result: dict) -> list[dict]:
    rows = []
    for kind in (*KINDS, *REGISTRATION_KINDS, "all"):
        times = [s * 1000 for k, _p, _s, s in result["rows"] if kind in (k, "all")]
        statuses = [st for k, _p, st, _s in result["rows"] if kind in (k, "all")]
        served = [s * 1000 for k, s in result["served"] if kind in (k, "all")]
        if not times:
            continue
        rows.append(
            {
                "phase": phase,
                "kind": kind,
                "requests": len(times),
                "per_second": len(times) / result["seconds"],
                "p50": statistics.median(times),
                "p95": percentile(times, 0.95),
                "served_p50": statistics.median(served) if served else float("nan"),
                "served_p95": percentile(served, 0.95) if served else float("nan"),
                "errors": sum(1 for st in statuses if st == 0 or st >= 500),
                "other": sorted({st for st in statuses if st not in (200, 302)}),
            }
        )
    return rows


def django_call(env: dict, *args: str) -> dict:
    output = subprocess.run(
        [sys.executable, "-m", "benchmarks.scale_out", *args], env=env, capture_output=True, text=True
    )
    sys.stderr.write(output.stderr[-3000:])
    output.check_returncode()
    return json.loads(output.stdout.strip().splitlines()[-1])


def run(args) -> int:
    folder = Path(tempfile.mkdtemp(prefix="refugiu-bench-scale-"))
    processes = Processes(folder)
    key = base64.urlsafe_b64encode(os.urandom(32)).decode()  # a Fernet key, shared like in docs/deploy.md
    shared = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "DATABASE_URL": PG_URL,
        "SECRET_KEY": "scale-out-benchmark-" + base64.urlsafe_b64encode(os.urandom(24)).decode(),
        "REFUGIU_ENCRYPTION_KEYS": key,
        "ALLOWED_HOSTS": "127.0.0.1",
        "REFUGIU_TRUSTED_PROXIES": "1",
        "REFUGIU_TASK_WORKERS": "0",
        "REFUGIU_WORKERS": str(args.workers),
        "DATABASE_CONN_MAX_AGE": str(args.conn_max_age),
        # Static files stay out of the measured requests; served from the package, no manifest to prepare.
        "REFUGIU_MANIFEST_STATIC": "0",
    }

    def env_for(name: str) -> dict:
        data_dir = folder / name
        data_dir.mkdir(mode=0o700)
        # gunicorn's control socket goes to $XDG_RUNTIME_DIR: one each, as systemd's RuntimeDirectory gives.
        return {**shared, "REFUGIU_DATA_DIR": str(data_dir), "XDG_RUNTIME_DIR": str(data_dir)}

    def clean_up():
        processes.stop_all()
        subprocess.run(
            ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", PG_DATABASE], check=False
        )
        shutil.rmtree(folder, ignore_errors=True)

    def expire():
        print(f"FAILED: still running after {args.timeout} s; everything stopped", file=sys.stderr)
        clean_up()
        os._exit(3)

    watchdog = threading.Timer(args.timeout, expire)
    watchdog.daemon = True
    watchdog.start()
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", PG_DATABASE], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", PG_DATABASE], check=True)
    try:
        started = time.monotonic()
        data = django_call(env_for("prepare"), "--prepare", str(args.services), str(args.places))
        print(f"prepared in {time.monotonic() - started:.0f} s", file=sys.stderr)
        ports = [free_port(), free_port()]
        for number, port in enumerate(ports):
            processes.start(
                f"server-{'AB'[number]}",
                [
                    "serve",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    str(args.workers),
                    "--task-workers",
                    "0",
                ],
                env_for(f"server-{'AB'[number]}"),
            )
        for number in (1, 2):
            processes.start(f"worker-{number}", ["db_worker", "--no-reload"], env_for(f"worker-{number}"))
        for number, port in enumerate(ports):
            seconds = wait_until_serving(port, processes, f"server-{'AB'[number]}")
            print(f"server-{'AB'[number]} answered {seconds:.0f} s after its start", file=sys.stderr)
        for port in ports:  # every gunicorn worker imports and compiles its templates once
            phase_run([port], data, None, 2 * args.workers, 5, 0, 0)
        results = {}
        for number, phase in enumerate(PHASES):
            load = os.getloadavg()[0]
            logged = {name: processes.log_size(name) for name in ("server-A", "server-B")}
            results[phase] = phase_run(
                ports[: number + 1],
                data,
                data["registration_events"][number],
                args.clients,
                args.seconds,
                args.registrations,
                number * args.registrations,
            )
            results[phase]["load_before"] = load
            results[phase]["served"] = [
                entry for name, start in logged.items() for entry in processes.access_log(name, start)
            ]
            print(f"{phase}: {len(results[phase]['rows'])} requests", file=sys.stderr)
        alive = processes.alive()
        database = django_call(
            env_for("check"), "--check", *(str(event) for event in data["registration_events"])
        )
    except Exception:
        for name, _process in processes.started:
            print(f"--- {name}:\n{processes.log_tail(name)}", file=sys.stderr)
        raise
    finally:
        watchdog.cancel()
        clean_up()
    return report(args, results, database, data, alive)


def report(args, results, database, data, alive) -> int:
    failures = []
    print(
        f"Scale-out on PostgreSQL: {args.clients} clients for {args.seconds} s per phase, {os.cpu_count()} "
        f"cores, {args.workers} gunicorn workers per server, DATABASE_CONN_MAX_AGE={args.conn_max_age}, "
        f"{args.services:,} synthetic services; times in ms\n"
    )
    print(
        "| phase | request | requests | requests/s | p50 | p95 | in the server p50 | in the server p95 "
        "| server errors |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    summaries = {phase: summary_rows(phase, result) for phase, result in results.items()}
    for phase, rows in summaries.items():
        for row in rows:
            print(
                f"| {phase} | {row['kind']} | {row['requests']:,} | {row['per_second']:.1f} | {row['p50']:.0f} "
                f"| {row['p95']:.0f} | {row['served_p50']:.0f} | {row['served_p95']:.0f} | {row['errors']} |"
            )
            if row["errors"]:
                failures.append(f"{phase}, {row['kind']}: {row['errors']} server errors")
            if row["other"] and row["kind"] != "all":
                failures.append(f"{phase}, {row['kind']}: answered {row['other']}")
    print("\n| request | requests/s, 2 servers ÷ 1 | p50, 2 servers ÷ 1 | p95, 2 servers ÷ 1 |")
    print("|---|---|---|---|")
    one, two = ({row["kind"]: row for row in summaries[phase]} for phase in PHASES)
    for kind in (*KINDS, "all"):
        print(
            f"| {kind} | {two[kind]['per_second'] / one[kind]['per_second']:.2f} "
            f"| {two[kind]['p50'] / one[kind]['p50']:.2f} | {two[kind]['p95'] / one[kind]['p95']:.2f} |"
        )
    print(
        "\n| phase | event | registrations sent | answered 302 | rows | confirmed | waiting | distinct e-mails | places taken |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for number, phase in enumerate(PHASES):
        event = str(data["registration_events"][number])
        held = database[event]
        statuses = results[phase]["registration_statuses"]
        expected = {
            f"participant{p}@example.org"
            for p in range(number * args.registrations, (number + 1) * args.registrations)
        }
        confirmed = held["by_status"].get("confirmed", 0)
        waiting = held["by_status"].get("waiting", 0)
        print(
            f"| {phase} | {event} | {len(statuses)} | {statuses.count(302)} | {held['rows']} | {confirmed} "
            f"| {waiting} | {len(set(held['emails']))} | {held['places_taken']} |"
        )
        if set(held["emails"]) != expected or held["rows"] != len(expected):
            failures.append(f"{phase}: registrations lost or doubled")
        if confirmed != args.places or waiting != args.registrations - args.places:
            failures.append(f"{phase}: {confirmed} confirmed and {waiting} waiting")
        if held["places_taken"] != args.places:
            failures.append(f"{phase}: places taken {held['places_taken']}")
    print(
        "\nLoad average (1 min) before each phase: "
        + ", ".join(f"{phase} {results[phase]['load_before']:.1f}" for phase in PHASES)
        + ". Processes alive at the end: "
        + ", ".join(f"{name} {'yes' if up else 'NO'}" for name, up in alive.items())
        + "."
    )
    failures += [f"{name} stopped during the run" for name, up in alive.items() if not up]
    for failure in failures:
        print(f"FAILED: {failure}")
    return 1 if failures else 0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--services", type=int, default=20_000)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--registrations", type=int, default=60)
    parser.add_argument("--places", type=int, default=25)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server")
    parser.add_argument(
        "--conn-max-age",
        type=int,
        default=60,
        help="DATABASE_CONN_MAX_AGE of the servers (docs/deploy.md: 60)",
    )
    parser.add_argument("--timeout", type=int, default=1200, help="seconds before everything is killed")
    parser.add_argument("--prepare", nargs=2, type=int, help=argparse.SUPPRESS)
    parser.add_argument("--check", nargs="+", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        print(json.dumps(prepare(*args.prepare)))
        return
    if args.check:
        print(json.dumps(check(args.check)))
        return
    sys.exit(run(args))


if __name__ == "__main__":
    main()
