"""`refugiu db_worker`: django-tasks-db's worker, started only once the encryption keys are checked, seen to
be alive, and surviving a database outage.

The reports it makes read case data, so a worker on a machine without the key file (or with the wrong
one) must refuse to start rather than fail report after report. It never makes a key (core.startup).
This command replaces django_tasks_db's of the same name because refugiu.core comes before django_tasks_db
in INSTALLED_APPS (Django takes a command from the first app that has it).

What ours adds to the library's worker (core.workers):
- a heartbeat, recorded every few seconds from a thread of its own, for /readyz and for telling a dead
  worker's reports from those being made;
- when the database cannot be reached (a restart, a network cut, SQLite locked past its busy timeout), the
  library's worker raised and the process ended: a 10-second outage stopped every worker for good. Ours
  says so once, waits with back-off (BACKOFF_FIRST_SECONDS, doubling up to BACKOFF_MAX_SECONDS) until the
  database answers, says so again, fails the task it had in hand (its report half made, its writes lost
  with the connection) so that the person can ask for it again, and carries on;
- at start, the tasks of workers no longer seen are failed the same way.
"""

import os
import time
from typing import Any

from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand
from django_tasks_db.management.commands.db_worker import Worker as DatabaseWorker

from refugiu.core.database import DATABASE_UNAVAILABLE, connection_close_quietly, database_error_summary
from refugiu.core.startup import StartCheckedCommand
from refugiu.core.workers import Heartbeat, logger, tasks_lost_fail

BACKOFF_FIRST_SECONDS = 1.0
BACKOFF_MAX_SECONDS = 15.0


class Worker(DatabaseWorker):
    def run(self) -> None:
        heartbeat = Heartbeat(self.worker_id)
        heartbeat.start()
        try:
            starting = True
            while True:
                try:
                    if starting:
                        tasks_lost_fail()
                        starting = False
                    return super().run()
                except DATABASE_UNAVAILABLE as error:
                    self.database_wait(error)
        finally:
            heartbeat.stop()

    def database_wait(self, error: BaseException) -> None:
        """Wait, trying again less and less often, until the database answers, then fail the task this
        worker had in hand (tasks_lost_fail: it holds none now). Logged once when the database goes and once
        when it is back (the class and first line of the error: no query, no values). The first thing
        tried is a write where there is something to fail, so that SQLite locked by another writer is not
        taken for back. A stop signal meanwhile ends the worker as it would when idle."""
        logger.warning(
            "Task worker %s lost the database (%s): trying again at growing intervals, at most %d s apart, "
            "until it answers.",
            self.worker_id,
            database_error_summary(error),
            BACKOFF_MAX_SECONDS,
        )
        started = time.monotonic()
        delay = BACKOFF_FIRST_SECONDS
        while True:
            connection_close_quietly()
            time.sleep(delay)
            try:
                tasks_lost_fail(worker_id=self.worker_id)
            except DATABASE_UNAVAILABLE:
                delay = min(delay * 2, BACKOFF_MAX_SECONDS)
                continue
            logger.warning(
                "Task worker %s: the database answers again after %.0f s; carrying on.",
                self.worker_id,
                time.monotonic() - started,
            )
            return


class Command(StartCheckedCommand, DatabaseWorkerCommand):
    def handle(
        self,
        *,
        verbosity: int,
        queue_name: str,
        interval: float,
        batch: bool,
        backend_name: str,
        startup_delay: bool,
        reload: bool,
        max_tasks: int | None,
        worker_id: str,
        exclude_queues: str,
        **options: Any,
    ) -> None:
        """The library's handle (django-tasks-db 0.13), with our Worker in place of its own."""
        self.configure_logging(verbosity)
        if reload and batch:
            logger.warning("--reload and --batch cannot be specified together: not reloading.")
            reload = False
        queue_names = queue_name.split(",")
        excluded_queue_names = exclude_queues.split(",") if exclude_queues else []
        if excluded_queue_names and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = Worker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded_queue_names,
        )
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()  # in the reloaded child only, as the library does
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
