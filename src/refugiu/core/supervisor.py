"""The task workers that `refugiu serve` runs beside the web server, each started again when it dies.

A worker can die for good reasons and bad: killed by the kernel for memory (a large PDF report), by an
operator's `kill -9`, or it gave up at start because the database did not answer within
REFUGIU["START_WAIT_SECONDS"]. Before, `serve` started its workers once and never again: after such a
death, reports waited until someone restarted the whole server. Now each worker is watched by a daemon
thread of the server process that starts it, waits for it to end, says in the log how it ended (exit
status or signal, how long it ran), and starts another after a back-off (restart_delay): 1 s at first,
doubling with each worker that dies within LIVED_LONG_SECONDS of its start, at most RESTART_MAX_SECONDS
apart, and 1 s again after one that lived longer. A worker that cannot start at all is thus tried once a
minute, not hundreds of times, and the log says why each time; /readyz meanwhile counts no worker.

The worker's own heartbeat (core.workers) tells readiness and the report pages what the supervisor knows
first-hand here; the two complement each other (a worker on another machine has only its heartbeat).

Reaping: gunicorn's arbiter, in the same process, reaps every child with waitpid(-1) when it handles
SIGCHLD. The thread watching a worker is blocked in waitpid(pid) and nearly always collects the status
first (the arbiter handles the signal later, from its main loop); when the arbiter wins, the status is
lost and the log says "ended (status not known)" rather than guessing. The thread calls os.waitpid itself
for that reason: Popen.wait takes that case for an exit with status 0.

Only the process that started the workers stops them: gunicorn's web workers are forks of the server and
inherit this object (not its threads).
"""

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence

# The server's log (settings.LOGGING: stderr, with a timestamp as gunicorn's own lines). Numbers, process
# ids, signals and durations only: nothing about the reports or the people they concern.
logger = logging.getLogger("refugiu.serve")

# How long a stopping task worker may take to finish the report it is making before it is killed.
TASK_WORKER_STOP_SECONDS = 20
RESTART_FIRST_SECONDS = 1.0
RESTART_MAX_SECONDS = 60.0
# A worker that ran this long before it died was not dying at start: the next restart waits 1 s again.
LIVED_LONG_SECONDS = 60.0

TASK_WORKER_COMMAND = (sys.executable, "-m", "refugiu.cli", "db_worker", "--no-reload")


def restart_delay(previous: float | None, lived: float) -> float:
    """Seconds to wait before starting another worker in place of one that ran `lived` seconds, when the
    wait before it was `previous` (None: it was the first start)."""
    if previous is None or lived >= LIVED_LONG_SECONDS:
        return RESTART_FIRST_SECONDS
    return min(previous * 2, RESTART_MAX_SECONDS)


def ending_describe(status: int | None) -> str:
    """How a process ended, from its wait status (os.waitpid), for the log; None when it is not known."""
    if status is None:
        return "ended (status not known)"
    code = os.waitstatus_to_exitcode(status)
    if code >= 0:
        return f"exited with status {code}"
    try:
        name = signal.Signals(-code).name
    except ValueError:
        name = f"signal {-code}"
    return f"was killed by {name}"


class TaskWorker:
    """One task worker slot (number 1, 2…): its current process, and the thread that keeps one running."""

    def __init__(self, number: int, workers: "TaskWorkers") -> None:
        self.number = number
        self.workers = workers
        self.process: subprocess.Popen[bytes] | None = None  # None before the first start and once one ended
        self.thread = threading.Thread(target=self._keep_running, name=f"task worker {number}", daemon=True)

    def _keep_running(self) -> None:
        delay = None
        while True:
            started = time.monotonic()
            try:
                process = self._start()
            except OSError as error:  # no memory for a new process, the interpreter gone in an upgrade
                delay = restart_delay(delay, 0)
                logger.warning(
                    "Task worker %d could not be started (%s); trying again in %.0f s.",
                    self.number,
                    error,
                    delay,
                )
            else:
                if process is None:
                    return
                status = self._wait(process)
                if self.workers.stopping.is_set():
                    return  # stopped on purpose: stop() says what it had to do
                lived = time.monotonic() - started
                delay = restart_delay(delay, lived)
                logger.warning(
                    "Task worker %d (pid %d) %s after %.0f s; starting another in %.0f s.",
                    self.number,
                    process.pid,
                    ending_describe(status),
                    lived,
                    delay,
                )
            if self.workers.stopping.wait(delay):
                return

    def _start(self) -> subprocess.Popen[bytes] | None:
        """A new worker process, or None when stopping."""
        with self.workers.lock:  # stop() sets `stopping` under it: no worker is started after stop() began
            if self.workers.stopping.is_set():
                return None
            # In its own process group, so that Ctrl+C in the terminal reaches only the server, which then
            # asks each worker once to stop (a second signal would make a worker abandon the report in hand).
            process = self.process = subprocess.Popen(self.workers.command, process_group=0)  # noqa: S603
        logger.info("Started task worker %d (pid %d).", self.number, process.pid)
        return process

    def _wait(self, process: subprocess.Popen[bytes]) -> int | None:
        """Wait for `process` to end: its wait status, None if gunicorn's arbiter reaped it first."""
        try:
            _pid, status = os.waitpid(process.pid, 0)
        except ChildProcessError:
            status = None
        with self.workers.lock:
            # Popen's own record, so that it never waits for (nor signals) that process id again; 0 for an
            # unknown status, as Popen itself would.
            process.returncode = 0 if status is None else os.waitstatus_to_exitcode(status)
            self.process = None
        return status

    def send(self, number: int) -> int | None:
        """Send signal `number` to the running process, if one runs: its pid."""
        with self.workers.lock:
            if self.process is None:
                return None
            # The thread's waitpid may have collected the process a moment ago: its id is free until the
            # thread takes the lock; the kernel hands out ids in turn, so not to another process that soon.
            try:
                os.kill(self.process.pid, number)
            except ProcessLookupError:  # ended and reaped by gunicorn's arbiter, not yet seen by the thread
                return None
            return self.process.pid


class TaskWorkers:
    """The task workers of one server (see the module): start(count) once, stop() when the server stops."""

    def __init__(
        self, command: Sequence[str] = TASK_WORKER_COMMAND, *, stop_seconds: float = TASK_WORKER_STOP_SECONDS
    ) -> None:
        self.command = list(command)
        self.stop_seconds = stop_seconds
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.slots: list[TaskWorker] = []
        self.owner_pid = os.getpid()

    def start(self, count: int) -> None:
        """Start `count` workers, each kept running by a thread of its own."""
        self.slots = [TaskWorker(number, self) for number in range(1, count + 1)]
        for slot in self.slots:
            slot.thread.start()

    def stop(self) -> None:
        """Ask each worker to stop (it finishes the task in hand), kill those still running after
        stop_seconds, and start none again. Does nothing in a process that did not start them."""
        if os.getpid() != self.owner_pid:
            return
        with self.lock:
            self.stopping.set()
        for slot in self.slots:
            slot.send(signal.SIGTERM)
        deadline = time.monotonic() + self.stop_seconds
        for slot in self.slots:
            slot.thread.join(timeout=max(0.0, deadline - time.monotonic()))
        for slot in self.slots:
            if slot.thread.is_alive() and (pid := slot.send(signal.SIGKILL)):
                logger.warning(
                    "Task worker %d (pid %d) did not stop within %.0f s: killed.",
                    slot.number,
                    pid,
                    self.stop_seconds,
                )
            slot.thread.join(timeout=5)
