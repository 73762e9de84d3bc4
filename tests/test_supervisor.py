"""`refugiu serve` keeps its task workers running (core.supervisor): a worker that dies is started again
after a back-off, and the log says how it ended; stopping the server stops every worker and starts none.

Real processes throughout: stand-in commands for the supervisor itself (quick), then `refugiu serve` on a
real installation whose task worker is killed with SIGKILL.
"""

import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest

from refugiu.core import supervisor
from refugiu.core.supervisor import TaskWorkers, ending_describe, restart_delay
from tests.installation import BIN, installation
from tests.outage import Process, free_port, get, wait_until

SLEEPER = [sys.executable, "-c", "import time; time.sleep(120)"]
# Stays up after SIGTERM, as a worker finishing a long report would; makes the file READY once it does.
STUBBORN = "import pathlib, signal, sys, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
STUBBORN += "pathlib.Path(sys.argv[1]).touch(); time.sleep(120)"
STARTED = re.compile(r"Started task worker (\d+) \(pid (\d+)\)\.")


def running(pid: int) -> bool:
    """Whether process `pid` exists and is not a zombie (ended, its status not yet collected)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def started(text: str) -> list[tuple[int, int]]:
    """(worker number, pid) of every "Started task worker" line, in order."""
    return [(int(number), int(pid)) for number, pid in STARTED.findall(text)]


class Lines(logging.Handler):
    """The messages of the server's log ("refugiu.serve"), as lines of text."""

    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(f"{record.levelname} {record.getMessage()}")

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@pytest.fixture
def server_log():
    lines = Lines()
    logger = logging.getLogger("refugiu.serve")
    level = logger.level
    logger.addHandler(lines)
    logger.setLevel(logging.INFO)
    try:
        yield lines
    finally:
        logger.removeHandler(lines)
        logger.setLevel(level)


@pytest.fixture
def task_workers():
    """TaskWorkers made by a test, stopped after it even when it fails."""
    made = []

    def make(command, **options) -> TaskWorkers:
        made.append(TaskWorkers(command, **options))
        return made[-1]

    yield make
    for workers in made:
        workers.stop()


# --- pure parts ---------------------------------------------------------------------------------------------


def test_restart_delay_doubles_with_each_quick_death_up_to_a_minute_and_starts_over_after_a_long_life():
    delays, delay = [], None
    for _death in range(9):
        delay = restart_delay(delay, lived=0.5)
        delays.append(delay)
    assert delays == [1, 2, 4, 8, 16, 32, 60, 60, 60]
    assert restart_delay(None, lived=3600) == 1  # the first death waits 1 s, however long the worker ran
    assert restart_delay(60, lived=supervisor.LIVED_LONG_SECONDS - 1) == 60
    assert restart_delay(60, lived=supervisor.LIVED_LONG_SECONDS) == 1


def test_how_a_process_ended_is_described_from_its_real_wait_status():
    exits = subprocess.Popen([sys.executable, "-c", "import os; os._exit(3)"])  # noqa: S603
    killed = subprocess.Popen(SLEEPER)  # noqa: S603
    killed.kill()
    descriptions = []
    for process in (exits, killed):
        _pid, status = os.waitpid(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        descriptions.append(ending_describe(status))
    assert descriptions == ["exited with status 3", "was killed by SIGKILL"]
    assert ending_describe(0) == "exited with status 0"
    assert ending_describe(None) == "ended (status not known)"  # reaped by someone else first


# --- the supervisor, with stand-in workers ------------------------------------------------------------------


def test_a_worker_killed_is_started_again_and_stop_ends_every_worker(server_log, task_workers):
    workers = task_workers(SLEEPER)
    workers.start(2)
    first = wait_until(lambda: len(started(server_log.text)) == 2 and started(server_log.text), timeout=10)
    assert sorted(number for number, _pid in first) == [1, 2]
    pids = dict(first)
    os.kill(pids[1], signal.SIGKILL)

    again = wait_until(lambda: started(server_log.text)[2:], timeout=10, what="started again")
    assert again[0][0] == 1 and again[0][1] != pids[1] and running(again[0][1])
    died = rf"Task worker 1 \(pid {pids[1]}\) was killed by SIGKILL after \d+ s; starting another in 1 s\."
    assert re.search(f"^WARNING {died}$", server_log.text, re.M)
    assert running(pids[2])  # the other one is left alone

    began = time.monotonic()
    workers.stop()
    assert time.monotonic() - began < 5  # each stopped at SIGTERM: nothing waited for the time limit
    assert not running(again[0][1]) and not running(pids[2])
    assert len(started(server_log.text)) == 3  # none started during or after stop()
    assert "did not stop" not in server_log.text


def test_a_worker_that_dies_at_once_is_started_again_less_and_less_often_and_stop_cuts_the_wait(
    server_log, task_workers
):
    workers = task_workers([sys.executable, "-c", "raise SystemExit(3)"])
    workers.start(1)
    wait_until(lambda: "starting another in 2 s." in server_log.text, timeout=15, what="a second death")
    began = time.monotonic()
    workers.stop()
    assert time.monotonic() - began < 1  # the 2 s wait was cut short
    deaths = [line for line in server_log.lines if line.startswith("WARNING")]
    death = r"WARNING Task worker 1 \(pid \d+\) exited with status 3 after \d s; starting another in {} s\."
    assert re.fullmatch(death.format(1), deaths[0]) and re.fullmatch(death.format(2), deaths[1])
    assert len(deaths) == 2 and len(started(server_log.text)) == 2


def test_a_worker_that_does_not_stop_in_time_is_killed_and_stop_says_so(server_log, task_workers, tmp_path):
    ready = tmp_path / "ignoring SIGTERM"
    workers = task_workers([sys.executable, "-c", STUBBORN, str(ready)], stop_seconds=1)
    workers.start(1)
    ((_number, pid),) = wait_until(lambda: started(server_log.text), timeout=10)
    wait_until(ready.exists, timeout=10, what="ignoring SIGTERM")
    workers.stop()
    assert not running(pid)
    assert f"WARNING Task worker 1 (pid {pid}) did not stop within 1 s: killed." in server_log.lines
    assert "starting another" not in server_log.text


def test_stop_in_a_process_that_did_not_start_the_workers_leaves_them_alone(task_workers, server_log):
    """gunicorn's web workers are forks of the server and leave through the same code."""
    workers = task_workers(SLEEPER)
    workers.start(1)
    ((_number, pid),) = wait_until(lambda: started(server_log.text), timeout=10)
    with warnings.catch_warnings():  # Python 3.12+ warns of forking a process with threads, as gunicorn does
        warnings.simplefilter("ignore", DeprecationWarning)
        child = os.fork()
    if child == 0:  # pragma: no cover - the fork; its result is its exit status
        workers.stop()
        os._exit(0 if running(pid) else 1)
    _pid, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert running(pid)


# --- `refugiu serve` ----------------------------------------------------------------------------------------


def test_serve_starts_a_task_worker_killed_with_sigkill_again_and_stops_every_worker(tmp_path):
    with installation(tmp_path / "var", suffix="supervise") as site:
        migrated = site.run("migrate", "-v0", timeout=300)
        assert migrated.returncode == 0, migrated.stderr
        port = free_port()
        argv = [shutil.which("refugiu", path=str(BIN)), "serve", "--bind", f"127.0.0.1:{port}"]
        argv += ["--workers", "1", "--task-workers", "2"]
        server = Process(site, argv, tmp_path / "serve.log", LOG_LEVEL=None)
        seen: set[int] = set()
        try:
            first = wait_until(
                lambda: len(started(server.text())) == 2 and started(server.text()), timeout=120
            )
            pids = dict(first)
            seen |= set(pids.values())
            heartbeats = lambda: {pid for (pid,) in site.sql("SELECT pid FROM core_workerheartbeat")}  # noqa: E731
            wait_until(
                lambda: heartbeats() == set(pids.values()), timeout=60, what="both workers' heartbeats"
            )
            assert get(f"http://127.0.0.1:{port}/healthz")[0] == 200

            os.kill(pids[1], signal.SIGKILL)
            killed_at = time.monotonic()
            ((number, new_pid),) = wait_until(
                lambda: started(server.text())[2:], timeout=30, what="restarted"
            )
            restarted = time.monotonic() - killed_at
            seen.add(new_pid)
            wait_until(lambda: new_pid in heartbeats(), timeout=60, what="the new worker's heartbeat")
            beating = time.monotonic() - killed_at
            print(f"killed -> new worker started {restarted:.2f} s, its heartbeat recorded {beating:.2f} s")
            assert number == 1 and new_pid != pids[1] and running(new_pid) and running(pids[2])

            log = server.text()
            date = r"\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4}\]"
            pid = server.popen.pid
            assert re.search(
                rf"^{date} \[{pid}\] \[INFO\] Started task worker 2 \(pid {pids[2]}\)\.$", log, re.M
            )
            died = rf"Task worker 1 \(pid {pids[1]}\) was killed by SIGKILL after \d+ s; "
            died += r"starting another in 1 s\."
            assert re.search(rf"^{date} \[{pid}\] \[WARNING\] {died}$", log, re.M), log
        finally:
            server.stop()
            for pid in seen:  # a failed test leaves nothing running
                if running(pid):
                    os.kill(pid, signal.SIGKILL)
        assert server.popen.returncode == 0, server.text()
        assert not running(new_pid) and not running(pids[2])
        assert heartbeats() == {
            pids[1]
        }  # workers stopped on purpose removed their rows; the killed one could not
    log = server.text()
    assert len(started(log)) == 3 and log.count("starting another") == 1 and "did not stop" not in log
    assert "Traceback" not in log
