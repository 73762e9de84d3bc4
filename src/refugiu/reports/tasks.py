"""Reports made in the background: a person asks for one (`request_report`), a task worker makes it
(`make_report`), the person follows its progress and downloads the file when it is ready.

The task runs through Django's task API (the django-tasks backport) on the database backend
(django-tasks-db): the queue is a table in our own database, and on PostgreSQL several workers take tasks
side by side without ever taking the same one (SELECT … FOR UPDATE SKIP LOCKED). Workers are started by
`refugiu serve` and `refugiu demo`, or on their own with `refugiu db_worker`.

The task makes each kind of report through refugiu.reports.registry (`render_run`): the kind's builder
reads the run's parameters into its view model, the renderer of the run's format writes the file, whose
name is free of personal data. A kind that is not registered fails its runs, not the worker.
"""

from __future__ import annotations

import datetime
import logging
import time
import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_tasks import task
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from refugiu.core.workers import task_holder, tasks_fail, workers_lost
from refugiu.reports import registry
from refugiu.reports.models import ReportRun

if TYPE_CHECKING:
    from refugiu.accounts.models import User

logger = logging.getLogger(__name__)

# Progress is written at most this often (seconds), so that a renderer calling progress() for each of
# thousands of events does not turn into thousands of writes; the last step before the file is always kept.
PROGRESS_INTERVAL = 1.0
PENDING = (ReportRun.Status.QUEUED, ReportRun.Status.RUNNING)


def request_report(*, user: User, kind: str, parameters: dict, format: str) -> ReportRun:
    """Record a run for `user` and queue its task once the run is committed. The caller has checked that
    the user may ask for this kind of report and that the parameters are valid."""
    language = translation.get_language()
    if language in dict(settings.LANGUAGES):
        # The worker makes the report, and writes its progress messages, in the language it was asked in.
        parameters = {**parameters, "language": language}
    run = ReportRun.objects.create(requested_by=user, kind=kind, parameters=parameters, format=format)

    def enqueue() -> None:
        result = make_report.enqueue(run.pk)
        run.task_id = str(result.id)
        ReportRun.objects.filter(pk=run.pk).update(task_id=run.task_id)

    transaction.on_commit(enqueue)
    return run


class _Progress:
    """The callback given to a renderer: writes only what changed, and not more often than
    PROGRESS_INTERVAL."""

    def __init__(self, run: ReportRun) -> None:
        self.run = run
        self.last_write = 0.0

    def __call__(self, percent: int, message: str = "") -> None:
        percent = max(0, min(100, int(percent)))
        message = str(message)[: ReportRun._meta.get_field("message").max_length]
        changed: dict[str, int | str] = {}
        if percent != self.run.progress:
            changed["progress"] = percent
        if message != self.run.message:
            changed["message"] = message
        now = time.monotonic()
        if not changed or now - self.last_write < PROGRESS_INTERVAL:
            return
        for field, value in changed.items():
            setattr(self.run, field, value)
        ReportRun.objects.filter(pk=self.run.pk).update(**changed)
        self.last_write = now


def _claim(run_id: int) -> bool:
    """Move a waiting run to "being made"; False when it is not waiting (already made, being made by
    another worker, failed, or deleted), so a task run twice makes its report once."""
    return bool(
        ReportRun.objects.filter(pk=run_id, status=ReportRun.Status.QUEUED).update(
            status=ReportRun.Status.RUNNING, progress=0, message=""
        )
    )


@task()
def make_report(run_id: int) -> None:
    """Make the report of run `run_id` and keep its file. Never raises: a failure is recorded on the run
    with a message for the person, and logged for the administrator without personal data."""
    if not _claim(run_id):
        logger.info("Report run %s is not waiting; nothing to do", run_id)
        return
    run = ReportRun.objects.filter(pk=run_id).first()
    if run is None:  # deleted since
        return
    language = run.parameters.get("language") or settings.LANGUAGE_CODE
    with translation.override(language):
        try:
            content, filename = registry.render_run(run, _Progress(run))
            run.file.save(filename, ContentFile(content), save=False)
            run.filename = filename
            run.status = ReportRun.Status.DONE
            run.progress = 100
            run.message = ""
            run.finished_at = timezone.now()
            run.save(update_fields=["file", "filename", "status", "progress", "message", "finished_at"])
        except registry.RendererUnavailable as error:
            logger.error("Report run %s (%s) cannot be made: %s", run_id, run.kind, error)
            _fail(
                run, gettext("This report cannot be made yet: the part of Refugiu that makes it is missing.")
            )
        except Exception as error:
            # Neither the exception's message nor its traceback's values: either may carry a name or a case.
            frame = error.__traceback__
            while frame and frame.tb_next:
                frame = frame.tb_next
            where = f"{frame.tb_frame.f_code.co_filename}:{frame.tb_lineno}" if frame else "?"
            logger.error("Report run %s (%s) failed: %s at %s", run_id, run.kind, type(error).__name__, where)
            _fail(
                run,
                gettext("The report could not be made. Please try again later or tell the administrator."),
            )


def runs_abandoned_fail(*, user: User | None = None) -> int:
    """Mark as failed the runs (`user`'s, or everyone's) still waiting or being made that nothing will ever
    finish, so that the person sees it and can ask again:
    - its task ended without finishing the run (the worker's writes were lost with the database, or the
      worker failed it after an outage: core.workers.tasks_lost_fail);
    - its task is still marked as running but its worker has not been seen for REFUGIU["WORKER_LOST_MINUTES"]
      (killed, its machine stopped): the task is failed in the queue too;
    - it is still being made REFUGIU["REPORT_TIMEOUT_MINUTES"] after it was asked for (a worker alive but
      stuck, or a run from before heartbeats).
    A run waiting for its turn in the queue is left to wait (readiness tells an operator when the queue is
    stuck). One query when nothing is pending, three when something is."""
    pending = ReportRun.objects.filter(status__in=PENDING)
    if user is not None:
        pending = pending.filter(requested_by=user)
    runs = list(pending.values_list("pk", "status", "task_id", "requested_at"))
    if not runs:
        return 0
    task_ids = [task_id for _pk, _status, task_id, _at in runs if _is_uuid(task_id)]
    tasks = {
        str(task_id): (status, task_holder(worker_ids))
        for task_id, status, worker_ids in DBTaskResult.objects.filter(id__in=task_ids).values_list(
            "id", "status", "worker_ids"
        )
    }
    holders = {holder for status, holder in tasks.values() if status == TaskResultStatus.RUNNING}
    # A running task that names no worker has none to finish it: lost too.
    lost = workers_lost({holder for holder in holders if holder is not None})
    cutoff = timezone.now() - datetime.timedelta(minutes=settings.REFUGIU["REPORT_TIMEOUT_MINUTES"])
    abandoned, lost_tasks = [], []
    for pk, status, task_id, requested_at in runs:
        task_status, holder = tasks.get(task_id, (None, None))
        if task_status in (TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED):
            abandoned.append(pk)
        elif task_status == TaskResultStatus.RUNNING and (holder is None or holder in lost):
            abandoned.append(pk)
            lost_tasks.append(task_id)
        elif status == ReportRun.Status.RUNNING and requested_at < cutoff:
            abandoned.append(pk)
    if not abandoned:
        return 0
    tasks_fail(lost_tasks, reason="The worker running the task stopped being seen.")
    return ReportRun.objects.filter(pk__in=abandoned, status__in=PENDING).update(
        status=ReportRun.Status.FAILED,
        message=gettext("The report was interrupted before it was ready. Please ask for it again."),
        finished_at=timezone.now(),
    )


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _fail(run: ReportRun, message: str) -> None:
    if run.file:
        run.file.delete(save=False)
    ReportRun.objects.filter(pk=run.pk).update(
        status=ReportRun.Status.FAILED, message=message, file="", finished_at=timezone.now()
    )
