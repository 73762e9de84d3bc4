"""Faults of a real installation, run as an operator runs it (gunicorn, `refugiu db_worker`, the start
commands) in subprocesses, while its database goes away and comes back (tests/outage.py: a TCP forwarder
cut on PostgreSQL, the database's folder taken away on SQLite):

- every page answers a styled 503 in the visitor's language, the APIs a 503 in JSON, /healthz still 200 and
  /readyz 503 naming the database; all recover by themselves when the database is back;
- a task worker survives the outage, says so once, and carries on; a report it had in hand is failed so it
  can be asked for again; a worker killed outright has its report failed once it is not seen any more;
- a start waits for the database, for a bounded time, with a message and no traceback; gunicorn keeps
  trying instead of stopping.
"""

import json
import sqlite3
import sys
import threading
import time
import urllib.error
from pathlib import Path

import pytest
from django.db import connection

from tests.installation import Installation, installation
from tests.outage import Outage, Process, free_port, get, gunicorn, wait_until

REPO = Path(__file__).resolve().parents[1]
POSTGRESQL = connection.vendor == "postgresql"


@pytest.fixture(scope="module")
def faults(tmp_path_factory):
    """An installation (migrated, keys made) whose database can be cut, and its web server (gunicorn on
    the WSGI application, one worker); task workers are started by the tests that need them."""
    folder = tmp_path_factory.mktemp("faults")
    with installation(folder / "var", suffix="faults") as base:
        outage = Outage(database_url=base.database_url, folder=folder)
        site = Installation(data_dir=base.data_dir, database_url=outage.database_url)
        migrated = site.run("migrate", "-v0", timeout=300)
        assert migrated.returncode == 0, migrated.stderr
        assert site.run("check_keys").returncode == 0
        port = free_port()
        server = gunicorn(site, folder / "gunicorn.log", port=port)
        try:
            base_url = f"http://127.0.0.1:{port}"
            wait_until(lambda: _answers(f"{base_url}/healthz"), timeout=60, what="serving")
            yield {
                "site": site,
                "outage": outage,
                "direct_url": base.database_url,
                "url": base_url,
                "server": server,
                "folder": folder,
            }
        finally:
            server.stop()


def _answers(url: str) -> bool:
    try:
        return get(url)[0] == 200
    except urllib.error.URLError:
        return False


def query(faults, statement: str) -> list[tuple]:
    """Rows read from the installation's database directly, not through the forwarder."""
    if faults["direct_url"] is None:
        with sqlite3.connect(faults["outage"].folder / "refugiu.sqlite3") as database:
            return database.execute(statement).fetchall()
    import psycopg

    with psycopg.connect(faults["direct_url"]) as database:
        return database.execute(statement).fetchall()


def worker(faults, name: str, *, render_seconds: float = 0, **extra) -> Process:
    """`refugiu db_worker --worker-id NAME` with the quick stand-in report modules
    (tests/reports/renderers_fake.py)."""
    site = faults["site"]
    key = (site.data_dir / "encryption.keys").read_text().strip()
    argv = [sys.executable, "-m", "refugiu.cli", "db_worker", "--no-reload", "--interval", "0.2"]
    process = Process(
        site,
        [*argv, "--worker-id", name],
        faults["folder"] / f"{name}.log",
        DJANGO_SETTINGS_MODULE="tests.reports.settings_fake_renderers",
        PYTHONPATH=str(REPO),
        REFUGIU_ENCRYPTION_KEYS=key,
        REFUGIU_FAKE_RENDER_SECONDS=str(render_seconds),
        **extra,
    )
    process.wait_for("Starting worker")
    return process


def report_ask(faults, year: int = 2019) -> int:
    """Ask for a report as the pages do (reports.tasks.request_report); returns the run's id."""
    code = (
        "from refugiu.accounts.models import User; from refugiu.reports.tasks import request_report; "
        "user, _ = User.objects.get_or_create(username='faults-staff'); "
        f"print(request_report(user=user, kind='annual', parameters={{'year': {year}}}, format='pdf').pk)"
    )
    asked = faults["site"].run("shell", "--no-imports", "-c", code)
    assert asked.returncode == 0, asked.stderr
    return int(asked.stdout.strip().splitlines()[-1])


def run_state(faults, run_id: int) -> tuple[str, str]:
    ((status, message),) = query(faults, f"SELECT status, message FROM reports_reportrun WHERE id = {run_id}")  # noqa: S608
    return status, message


def task_state(faults, run_id: int) -> tuple[str, str]:
    """The status of a run's task in the queue table, and the exception class it failed with."""
    ((task_id,),) = query(faults, f"SELECT task_id FROM reports_reportrun WHERE id = {run_id}")  # noqa: S608
    stored_id = task_id if POSTGRESQL else task_id.replace("-", "")  # SQLite keeps a UUID as 32 hex digits
    table = "django_tasks_database_dbtaskresult"
    statement = f"SELECT status, exception_class_path FROM {table} WHERE id = '{stored_id}'"  # noqa: S608
    ((status, exception),) = query(faults, statement)
    return status, exception


def heartbeats(faults) -> list[str]:
    return sorted(worker_id for (worker_id,) in query(faults, "SELECT worker_id FROM core_workerheartbeat"))


def abandoned_fail(faults, **extra) -> int:
    """What the report pages do before showing a person's runs, for everyone's runs."""
    code = "from refugiu.reports.tasks import runs_abandoned_fail; print(runs_abandoned_fail())"
    done = faults["site"].run("shell", "--no-imports", "-c", code, **extra)
    assert done.returncode == 0, done.stderr
    return int(done.stdout.strip().splitlines()[-1])


# --- pages --------------------------------------------------------------------------------------------------


def test_without_the_database_pages_answer_503_and_recover_by_themselves(faults):
    url, outage = faults["url"], faults["outage"]
    task_worker = worker(faults, "worker-pages")
    try:
        wait_until(lambda: get(f"{url}/readyz")[0] == 200, timeout=30, what="ready")
        assert get(f"{url}/")[0] == 200

        with outage.cut_for():
            status, headers, body = get(f"{url}/", **{"Accept-Language": "ro"})
            page = body.decode()
            assert status == 503 and headers["retry-after"] == "30" and headers["cache-control"] == "no-store"
            assert '<html lang="ro">' in page and "Ieșire rapidă" in page and 'class="quick-exit"' in page
            assert 'name="viewport"' in page and 'action="/i18n/setlang/"' in page
            assert "Traceback" not in page and "OperationalError" not in page and "sqlite" not in page.lower()
            english = get(f"{url}/events/", **{"Accept-Language": "en"})
            assert english[0] == 503 and "Unavailable for a moment" in english[2].decode()

            status, headers, body = get(f"{url}/api/hsds/services")
            assert status == 503 and headers["content-type"] == "application/json"
            assert json.loads(body)["code"] == "unavailable" and headers["retry-after"] == "30"

            assert get(f"{url}/healthz")[0] == 200
            status, _headers, body = get(f"{url}/readyz")
            checks = json.loads(body)["checks"]
            assert status == 503 and checks["database"] == {"status": "failing"}
            assert {check["status"] for name, check in checks.items() if name != "database"} == {"unknown"}
            time.sleep(2)

        assert get(f"{url}/")[0] == 200  # the next request opens a new connection
        assert get(f"{url}/api/hsds/services")[0] == 200
        wait_until(lambda: get(f"{url}/readyz")[0] == 200, timeout=40, what="ready again")
    finally:
        task_worker.stop()
    log = faults["server"].text()
    assert '"GET /" 503' in log and '"GET /" 200' in log  # the access log
    assert '"GET /readyz"' not in log and '"GET /healthz"' not in log and "Unavailable: /readyz" not in log
    not_ready = "Not ready (/readyz answers 503): database failing; migrations, keys, workers, queue unknown."
    assert log.count(not_ready) == 1 and log.count("Ready again (/readyz answers 200).") == 1
    # One line for each page answered 503 for want of the database, not a traceback.
    assert "Service Unavailable: / (the database is unavailable: OperationalError: " in log
    assert "Traceback" not in log


@pytest.mark.skipif(
    not POSTGRESQL,
    reason="a SQLite connection keeps its file open: taking the database's folder away breaks no connection "
    "already made",
)
def test_with_persistent_connections_a_database_restart_fails_no_request(faults):
    """DATABASE_CONN_MAX_AGE keeps each connection for the next requests; one broken by a restart of the
    database is found by its check (CONN_HEALTH_CHECKS) before a request uses it, and replaced."""
    port = free_port()
    server = gunicorn(
        faults["site"], faults["folder"] / "gunicorn-persistent.log", port=port, DATABASE_CONN_MAX_AGE="600"
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: _answers(f"{url}/healthz"), timeout=60, what="serving")
        for _request in range(3):
            assert get(f"{url}/events/")[0] == 200
        with faults["outage"].cut_for():
            pass  # every connection through the forwarder is closed, as by a restart
        for _request in range(3):
            assert get(f"{url}/events/")[0] == 200
    finally:
        server.stop()
    assert "Service Unavailable" not in server.text()


# --- task workers -------------------------------------------------------------------------------------------


def test_a_worker_survives_a_database_outage_and_carries_on(faults):
    task_worker = worker(faults, "worker-outage")
    try:
        with faults["outage"].cut_for():
            time.sleep(8)
            assert task_worker.alive()
        made = report_ask(faults)
        wait_until(lambda: run_state(faults, made)[0] == "done", timeout=60, what="made after the outage")
        assert task_worker.alive()
        assert "worker-outage" in heartbeats(faults)
    finally:
        task_worker.stop()
    log = task_worker.text()
    assert log.count("lost the database (") == 1, log
    assert log.count("the database answers again after") == 1, log
    assert "Traceback" not in log
    assert "worker-outage" not in heartbeats(faults)  # removed when it stopped


@pytest.mark.skipif(
    not POSTGRESQL,
    reason="on SQLite a connection already open keeps its file: taking the database's folder away does not "
    "interrupt a report in hand (the worker loses the database between tasks, tested above)",
)
def test_a_report_interrupted_by_an_outage_is_failed_and_can_be_asked_for_again(faults):
    task_worker = worker(faults, "worker-interrupted", render_seconds=3)
    try:
        interrupted = report_ask(faults)
        wait_until(lambda: run_state(faults, interrupted)[0] == "running", what="being made")
        with faults["outage"].cut_for():
            time.sleep(6)
        task_worker.wait_for("the database answers again after")
        assert task_worker.alive()
        assert task_state(faults, interrupted) == ("FAILED", "refugiu.core.workers.WorkerLost")
        assert abandoned_fail(faults) == 1
        assert run_state(faults, interrupted) == (
            "failed",
            "The report was interrupted before it was ready. Please ask for it again.",
        )
        again = report_ask(faults)
        wait_until(lambda: run_state(faults, again)[0] == "done", timeout=60, what="made again")
    finally:
        task_worker.stop()
    assert task_worker.text().count("lost the database (") == 1


def test_a_report_whose_worker_was_killed_is_failed_once_the_worker_is_not_seen(faults):
    task_worker = worker(faults, "worker-killed", render_seconds=60)
    try:
        orphan = report_ask(faults)
        wait_until(lambda: run_state(faults, orphan)[0] == "running", what="being made")
        task_worker.popen.kill()  # kill -9: no chance to say anything
        task_worker.popen.wait()
        assert abandoned_fail(faults) == 0  # seen seconds ago: maybe only busy
        time.sleep(2)
        assert abandoned_fail(faults, REFUGIU_WORKER_LOST_MINUTES="0.02") == 1  # not seen for 1.2 s
        assert run_state(faults, orphan)[0] == "failed"
        assert task_state(faults, orphan) == ("FAILED", "refugiu.core.workers.WorkerLost")
    finally:
        task_worker.stop()


# --- starts -------------------------------------------------------------------------------------------------


def test_a_start_waits_for_the_database_and_then_says_why_it_cannot(faults):
    site, outage = faults["site"], faults["outage"]
    outage.cut()
    try:
        refused = site.run("check_keys", REFUGIU_START_WAIT_SECONDS="1")
        restore_soon = threading.Timer(3, outage.restore)
        restore_soon.start()
        waited = site.run("check_keys", REFUGIU_START_WAIT_SECONDS="60")
        restore_soon.join()
    finally:
        if outage.is_cut:
            outage.restore()
    assert refused.returncode == 1
    assert "Refugiu is waiting for the database (OperationalError: " in refused.stderr
    assert "Refugiu cannot start: the database did not answer for 1 s (OperationalError: " in refused.stderr
    assert "Traceback" not in refused.stderr
    assert waited.returncode == 0, waited.stderr
    assert "Refugiu is waiting for the database" in waited.stderr
    assert "The database answers after" in waited.stderr
    assert "Encryption keys are right" in waited.stdout


def test_gunicorn_started_without_the_database_keeps_trying_and_serves_when_it_is_back(faults):
    site, outage = faults["site"], faults["outage"]
    port = free_port()
    outage.cut()
    server = None
    try:
        log = faults["folder"] / "gunicorn-late.log"
        server = gunicorn(site, log, port=port, REFUGIU_START_WAIT_SECONDS="1")
        server.wait_for("the database did not answer for 1 s", timeout=60)
        time.sleep(2)
        assert server.alive(), server.text()
        assert "Worker failed to boot" not in server.text() and "Traceback" not in server.text()
        outage.restore()
        wait_until(lambda: _answers(f"http://127.0.0.1:{port}/healthz"), timeout=60, what="serving")
        assert get(f"http://127.0.0.1:{port}/")[0] == 200
    finally:
        if server is not None:
            server.stop()
        if outage.is_cut:
            outage.restore()
