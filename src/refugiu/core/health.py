"""Health endpoints for load balancers, supervisors and monitoring: /healthz and /readyz.

- GET /healthz: the process answers (200 {"status": "ok"}). Touches no database: a load balancer or
  supervisor restarts a process that stops answering it, and a database outage is no reason to restart.
- GET /readyz: this installation can do its work. 200 when every check passes, 503 when one fails, with
  each check named and its state ("ok", "failing", "unknown" when it could not be checked because the
  database is unreachable, "off" when this deployment chose not to check it):
    database    the database answers;
    migrations  every migration of this version is applied (read at most every MIGRATIONS_CACHE_SECONDS);
    keys        the encryption keys are loaded and open the check value (core.startup): a wrong key, or
                keys rotated by another server since this one started, fail it;
    workers     at least REFUGIU["READY_TASK_WORKERS"] task workers were seen in the last 30 s
                (core.workers); 0 turns this and the next check off, for a deployment that runs none;
    queue       no task has waited longer than REFUGIU["QUEUE_STUCK_MINUTES"] to be taken.
  No secrets, no personal data, no versions, host names or paths: states, how many workers were seen, and
  how long the oldest task has waited.

Both answer with Cache-Control: no-store. They are answered by HealthMiddleware, right after Django's
SecurityMiddleware (settings.MIDDLEWARE), rather than by a view: before sessions, sign-in, the language,
CSRF and the host check (a load balancer probes with its own address as the host, which ALLOWED_HOSTS rightly
refuses for pages), so that a probe costs a few queries and nothing else, and is never audited or rate
limited. Behind REFUGIU_BEHIND_HTTPS they are exempt from the redirect to HTTPS (SECURE_REDIRECT_EXEMPT):
load balancers probe over plain HTTP. Probes are left out of gunicorn's access log and of Django's request
log (core.logfilters); a change of readiness is logged once, as a warning.
"""

import functools
import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypedDict

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.loader import MigrationLoader
from django.db.models import Min, Q
from django.http import HttpRequest, JsonResponse
from django.http.response import HttpResponseBase
from django.utils import timezone

from refugiu.core.database import connection_close_quietly
from refugiu.core.startup import keys_open_check_value

# The logging configuration imports this module (through core.logfilters) before the apps are loaded:
# models are imported where they are used.
logger = logging.getLogger(__name__)

HEALTHZ = "/healthz"
READYZ = "/readyz"
PATHS = (HEALTHZ, READYZ)
MIGRATIONS_CACHE_SECONDS = 10

OK, FAILING, UNKNOWN, OFF = "ok", "failing", "unknown", "off"


@functools.cache
def _migrations_expected() -> dict[tuple[str, str], tuple[tuple[str, str], ...]]:
    """Every migration of the code this process runs, with the migrations each replaces (a squash), read
    from disk once: the code does not change under a running process."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {key: tuple(loader.graph.nodes[key].replaces or ()) for key in loader.graph.nodes}


class _MigrationsChecked(TypedDict):
    at: float  # time.monotonic()
    applied: bool


_migrations_checked: _MigrationsChecked = {"at": float("-inf"), "applied": False}
_migrations_lock = threading.Lock()


def migrations_applied() -> bool:
    """True when the database records every migration of this version (a squash counts as applied when
    all it replaces are). Read from the database at most every MIGRATIONS_CACHE_SECONDS per process."""
    with _migrations_lock:
        if time.monotonic() - _migrations_checked["at"] < MIGRATIONS_CACHE_SECONDS:
            return _migrations_checked["applied"]
    expected = _migrations_expected()
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations")
        recorded = set(cursor.fetchall())
    applied = all(
        key in recorded or (replaces and recorded.issuperset(replaces)) for key, replaces in expected.items()
    )
    with _migrations_lock:
        _migrations_checked["at"], _migrations_checked["applied"] = time.monotonic(), applied
    return applied


def migrations_forget() -> None:
    """Read the migrations from the database at the next check (tests, and after `migrate` in-process)."""
    with _migrations_lock:
        _migrations_checked["at"] = float("-inf")


def queue_longest_wait() -> float:
    """How long, in seconds, the task that has waited longest to be taken has waited (0 when none waits).
    A task to run later waits from the time it was to run."""
    from django_tasks_db.models import DBTaskResult, get_date_max

    now = timezone.now()
    oldest = DBTaskResult.objects.ready().aggregate(
        enqueued=Min("enqueued_at", filter=Q(run_after=get_date_max())),
        due=Min("run_after", filter=~Q(run_after=get_date_max())),
    )
    since = min((moment for moment in oldest.values() if moment is not None), default=now)
    return max(0.0, (now - since).total_seconds())


def _workers() -> dict[str, Any]:
    from refugiu.core.workers import workers_seen

    seen = workers_seen()
    return {"status": OK if seen >= settings.REFUGIU["READY_TASK_WORKERS"] else FAILING, "seen": seen}


def _queue() -> dict[str, Any]:
    waited = queue_longest_wait()
    stuck = waited > settings.REFUGIU["QUEUE_STUCK_MINUTES"] * 60
    return {"status": FAILING if stuck else OK, "longest_wait_seconds": int(waited)}


def readiness() -> tuple[bool, dict[str, dict[str, Any]]]:
    """Run the checks (see the module); returns whether all passed and each check's state. A check whose
    query fails once the database answered (a table missing before `migrate`, the database gone meanwhile)
    is "unknown"."""
    checks: dict[str, dict[str, Any]] = {
        name: {"status": UNKNOWN} for name in ("database", "migrations", "keys", "workers", "queue")
    }
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        checks["database"]["status"] = FAILING
        connection_close_quietly()
        return False, checks
    checks["database"]["status"] = OK
    run: dict[str, Callable[[], dict[str, Any]]] = {
        "migrations": lambda: {"status": OK if migrations_applied() else FAILING},
        "keys": lambda: {"status": OK if keys_open_check_value() else FAILING},
    }
    if settings.REFUGIU["READY_TASK_WORKERS"] > 0:
        run.update(workers=_workers, queue=_queue)
    else:
        checks["workers"]["status"] = checks["queue"]["status"] = OFF
    for name, check in run.items():
        try:
            checks[name] = check()
        except DatabaseError:
            connection_close_quietly()
    ready = all(check["status"] in (OK, OFF) for check in checks.values())
    return ready, checks


_last_ready: dict[str, bool | None] = {"ready": None}


def _log_change(ready: bool, checks: dict[str, dict[str, Any]]) -> None:
    """Log readiness once when it changes in this process, not at every probe."""
    if _last_ready["ready"] is ready:
        return
    was = _last_ready["ready"]
    _last_ready["ready"] = ready
    if not ready:
        states = [
            f"{', '.join(names)} {state}"
            for state in (FAILING, UNKNOWN)
            if (names := [name for name, check in checks.items() if check["status"] == state])
        ]
        logger.warning("Not ready (/readyz answers 503): %s.", "; ".join(states))
    elif was is False:
        logger.warning("Ready again (/readyz answers 200).")


def _answer(body: dict[str, Any], status: int = 200) -> JsonResponse:
    response = JsonResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    return response


class HealthMiddleware:
    """Answers /healthz and /readyz (GET or HEAD) before anything else runs (see the module)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.path_info not in PATHS:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            response = _answer({"detail": "Method not allowed"}, status=405)
            response["Allow"] = "GET, HEAD"
            return response
        if request.path_info == HEALTHZ:
            return _answer({"status": "ok"})
        ready, checks = readiness()
        _log_change(ready, checks)
        return _answer({"status": OK if ready else FAILING, "checks": checks}, status=200 if ready else 503)
