"""Task workers (`refugiu db_worker`) that are seen to be alive, and what becomes of a task whose worker is
not.

Each worker records every HEARTBEAT_SECONDS, from a thread of its own, that it is alive (core.models.
WorkerHeartbeat: its id, machine and process, when it started, when it was last seen), so that
- /readyz (core.health) can tell how many workers were seen in the last SEEN_WITHIN_SECONDS;
- a task still marked as running whose worker has not been seen for REFUGIU["WORKER_LOST_MINUTES"] is known
  to be dead (the worker was killed, its machine stopped): `tasks_fail` ends it in the queue table, and the
  report it was making is marked as failed (reports.tasks.runs_abandoned_fail), so that the person can ask
  for it again within minutes instead of after REFUGIU["REPORT_TIMEOUT_MINUTES"].

Clocks: "last seen" is the worker's clock, compared with the reader's. Keep the servers' clocks synchronised
(NTP): a skew of seconds is harmless next to minutes.
"""

import contextlib
import datetime
import logging
import os
import socket
import threading

from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from refugiu.core.database import DATABASE_UNAVAILABLE, connection_close_quietly, database_error_summary
from refugiu.core.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 5
# Readiness counts a worker as alive if seen this recently: six heartbeats, so that one slow write (SQLite
# waiting for a lock) does not make a live worker look dead.
SEEN_WITHIN_SECONDS = 30
# Rows of workers gone this long (killed without removing their row) are removed by the next worker to start.
PRUNE_AFTER = datetime.timedelta(days=1)


class WorkerLost(Exception):
    """The worker running this task stopped being seen before it finished (recorded as the failed task's
    exception class in the queue table)."""


def heartbeat_beat(*, worker_id: str, started_at: datetime.datetime) -> None:
    """Record that `worker_id` is alive now: one UPDATE, or at a worker's first beat its row (and the removal
    of rows of workers gone for a day)."""
    now = timezone.now()
    if WorkerHeartbeat.objects.filter(pk=worker_id).update(last_seen=now):
        return
    WorkerHeartbeat.objects.filter(last_seen__lt=now - PRUNE_AFTER).delete()
    WorkerHeartbeat.objects.update_or_create(
        pk=worker_id,
        defaults={
            "host": socket.gethostname()[:255],
            "pid": os.getpid(),
            "started_at": started_at,
            "last_seen": now,
        },
    )


class Heartbeat:
    """A worker's heartbeat: a daemon thread that calls heartbeat_beat every HEARTBEAT_SECONDS, whatever the
    worker is doing (a long report included), through its own database connection. While the database is
    unavailable it says so once and keeps trying; `stop` ends it and removes the worker's row, so that a
    worker stopped on purpose is not counted any more."""

    def __init__(self, worker_id: str):
        self.worker_id = worker_id
        self.started_at = timezone.now()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"heartbeat {worker_id}", daemon=True)

    def start(self) -> None:
        """The first beat here, so that the worker counts as alive before it takes a task; then the thread."""
        self._failing = False
        self._beat_once()
        self._thread.start()

    def _beat_once(self) -> None:
        try:
            heartbeat_beat(worker_id=self.worker_id, started_at=self.started_at)
            self._failing = False
        except DatabaseError as error:  # unreachable, or a table missing while migrating
            if not self._failing:
                logger.warning(
                    "Task worker %s cannot record that it is alive (%s): trying again every %d s.",
                    self.worker_id,
                    database_error_summary(error),
                    HEARTBEAT_SECONDS,
                )
            self._failing = True
            connection_close_quietly()

    def _beat(self) -> None:
        try:
            while not self._stopping.wait(HEARTBEAT_SECONDS):
                self._beat_once()
        finally:
            connection_close_quietly()

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=2 * HEARTBEAT_SECONDS)
        # Without the database the row ages instead: readiness stops counting it after SEEN_WITHIN_SECONDS.
        with contextlib.suppress(*DATABASE_UNAVAILABLE):
            WorkerHeartbeat.objects.filter(pk=self.worker_id).delete()


def workers_seen(*, within_seconds: float = SEEN_WITHIN_SECONDS) -> int:
    """How many task workers recorded a heartbeat in the last `within_seconds`."""
    since = timezone.now() - datetime.timedelta(seconds=within_seconds)
    return WorkerHeartbeat.objects.filter(last_seen__gte=since).count()


def workers_lost(worker_ids: set[str]) -> set[str]:
    """Those of `worker_ids` not seen for REFUGIU["WORKER_LOST_MINUTES"] (a worker without a row is lost:
    it stopped, or never recorded a heartbeat)."""
    if not worker_ids:
        return set()
    since = timezone.now() - datetime.timedelta(minutes=settings.REFUGIU["WORKER_LOST_MINUTES"])
    seen = WorkerHeartbeat.objects.filter(pk__in=worker_ids, last_seen__gte=since)
    return set(worker_ids) - set(seen.values_list("pk", flat=True))


def task_holder(worker_ids: list[str]) -> str | None:
    """The worker that took a task last (django-tasks-db appends each claim's worker id)."""
    return worker_ids[-1] if worker_ids else None


def tasks_fail(task_ids: list[str], *, reason: str) -> int:
    """Mark as failed those of `task_ids` still running in the queue table, with WorkerLost and `reason`:
    their worker will never finish them."""
    if not task_ids:
        return 0
    return DBTaskResult.objects.filter(id__in=task_ids, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.FAILED,
        finished_at=timezone.now(),
        exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
        traceback=reason,
        return_value=None,
    )


def tasks_lost_fail(*, worker_id: str | None = None) -> int:
    """Fail the tasks marked as running that no worker will finish: with `worker_id`, those this worker
    had taken (called by the worker itself when the database answers again after an outage, when it holds
    no task any more); without, those of workers lost (workers_lost), as every worker does when it starts.
    Reads every running task: for starts and recoveries, not for pages."""
    holders = {
        str(task_id): task_holder(worker_ids)
        for task_id, worker_ids in DBTaskResult.objects.running().values_list("id", "worker_ids")
    }
    if worker_id is not None:
        ended = [task_id for task_id, holder in holders.items() if holder == worker_id]
        reason = "The database became unavailable while the task was running; its worker carried on after."
    else:
        lost = workers_lost({holder for holder in holders.values() if holder})
        ended = [task_id for task_id, holder in holders.items() if holder in lost]
        reason = "The worker running the task stopped being seen."
    return tasks_fail(ended, reason=reason)
