"""Faults of a real installation, run as an operator runs it (`refugiu db_worker`) in subprocesses, while
its database goes away and comes back (tests/outage.py: a TCP forwarder cut on PostgreSQL, the database's
folder taken away on SQLite): a task worker survives the outage, says so once, and carries on; a report it
had in hand is failed so it can be asked for again; a worker killed outright has its report failed once it
is not seen any more.
"""

import sqlite3
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from tests.installation import Installation, installation
from tests.outage import Outage, Process, wait_until

REPO = Path(__file__).resolve().parents[1]
POSTGRESQL = connection.vendor == "postgresql"


@pytest.fixture(scope="module")
def faults(tmp_path_factory):
    """An installation (migrated, keys made) whose database can be cut; task workers are started by the
    tests that need them."""
    folder = tmp_path_factory.mktemp("faults")
    with installation(folder / "var", suffix="faults") as base:
        outage = Outage(database_url=base.database_url, folder=folder)
        site = Installation(data_dir=base.data_dir, database_url=outage.database_url)
        migrated = site.run("migrate", "-v0", timeout=300)
        assert migrated.returncode == 0, migrated.stderr
        assert site.run("check_keys").returncode == 0
        yield {"site": site, "outage": outage, "direct_url": base.database_url, "folder": folder}


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
