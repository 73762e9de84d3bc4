"""Production server: gunicorn serving the WSGI application; WhiteNoise serves the static files; task
workers (`refugiu db_worker`, each started again if it dies: core.supervisor) make the reports asked for in
the background."""

from __future__ import annotations

import multiprocessing
import os
import sys
from typing import TYPE_CHECKING, Any

from django.core.management import call_command
from django.core.management.base import CommandParser
from django.db import connection

from refugiu.core.startup import StartCheckedCommand
from refugiu.core.staticfiles import static_prepare
from refugiu.core.supervisor import TaskWorkers

if TYPE_CHECKING:  # gunicorn is imported when serving only
    from gunicorn.app.wsgiapp import WSGIApplication
    from gunicorn.workers.base import Worker


def task_workers_default() -> int:
    """One task worker on SQLite (one writer at a time anyway), two on PostgreSQL."""
    return 1 if connection.vendor == "sqlite" else 2


class Command(StartCheckedCommand):
    help = (
        "Serve Refugiu with gunicorn (production), with the task workers that make reports in the "
        "background. The encryption keys are checked against the database before anything starts (an empty "
        "installation is given its key file); the static files are prepared when this version has not "
        "prepared them yet (`refugiu upgrade` does it ahead)."
    )
    make_key = True

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("REFUGIU_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("REFUGIU_WORKERS", "2")))
        parser.add_argument(
            "--task-workers",
            type=int,
            default=int(os.environ["REFUGIU_TASK_WORKERS"])
            if os.environ.get("REFUGIU_TASK_WORKERS")
            else None,
            help="Background task workers to start alongside the web server (default: 1 on SQLite, 2 on "
            "PostgreSQL; 0 when they run elsewhere, e.g. `refugiu db_worker` on other machines).",
        )

    def handle(self, *args: Any, bind: str, workers: int, task_workers: int | None, **options: Any) -> None:
        call_command("createcachetable", verbosity=0)  # a no-op once it is there
        if static_prepare():
            self.stdout.write("Prepared the static files for this version (once).")
        argv = [
            "gunicorn",
            "--bind",
            bind,
            "--workers",
            str(workers),
            "--access-logfile",
            "-",
            # The access log carries no address and no query string: searches and visitors stay private.
            "--access-logformat",
            '"%(m)s %(U)s" %(s)s %(b)s %(L)s',
            # No control socket: it would let any process of this account resize or stop the server, and
            # two servers on one machine would share its default path (~/.gunicorn/gunicorn.ctl).
            "--no-control-socket",
            "refugiu.wsgi:application",
        ]
        supervisor = TaskWorkers()
        supervisor.start(task_workers_default() if task_workers is None else task_workers)
        connection.close()  # not inherited by gunicorn's forked workers
        server_pid = os.getpid()
        sys.argv = argv
        try:
            _server_class()("%(prog)s [OPTIONS] [APP_MODULE]").run()
        finally:
            # gunicorn's own workers are forks of this process and leave through here too: only the server
            # itself stops the task workers.
            if os.getpid() == server_pid:
                supervisor.stop()


def _server_class() -> type[WSGIApplication]:
    from gunicorn.app.wsgiapp import WSGIApplication

    class Server(WSGIApplication):
        """gunicorn, which says "Serving on" once the first web worker can answer, not before: a newcomer
        who opens the address then gets the page, not a refused connection."""

        announced = multiprocessing.Value("b", 0)  # shared with the web workers, which are forks

        def load_config(self) -> None:
            super().load_config()
            self.cfg.set("post_worker_init", self.worker_ready)

        @classmethod
        def worker_ready(cls, worker: Worker) -> None:
            with cls.announced.get_lock():
                if cls.announced.value:
                    return
                cls.announced.value = 1
            addresses = ", ".join(
                address if address.startswith(("unix:", "fd://")) else f"http://{address}/"
                for address in worker.cfg.bind
            )
            print(f"Serving on {addresses} (Ctrl+C stops it).", flush=True)

    return Server
