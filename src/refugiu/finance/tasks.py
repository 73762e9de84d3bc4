"""Statements made in the background, for grants large enough that a page should not wait for them: a
reader of the grant asks for one (`statement_request`), a task worker makes it (`statement_make`, through
Django's task API on the database backend, as `reports.tasks` makes reports), the page shows when it is ready.
"""

from __future__ import annotations

import datetime
import logging
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_tasks import task

from refugiu.finance.models import Expense, Grant, GrantPartner, ReportingPeriod, StatementRun
from refugiu.finance.statements import statement_build

if TYPE_CHECKING:
    from refugiu.accounts.models import User

logger = logging.getLogger(__name__)

# A grant with more expenses than this gets its statement files made in the background.
BACKGROUND_EXPENSES = 5000
PENDING = (StatementRun.Status.QUEUED, StatementRun.Status.RUNNING)


def in_background(grant: Grant) -> bool:
    return Expense.objects.filter(grant=grant).count() > BACKGROUND_EXPENSES


def statement_file(
    grant: Grant, period: ReportingPeriod, partner: GrantPartner | None, format_: str
) -> tuple[bytes, str]:
    """The statement's file and its name (free of personal data)."""
    statement = statement_build(grant, period, partner)
    if format_ == "pdf":
        from refugiu.finance.statements.pdf import render_pdf

        return render_pdf(statement), statement.filename("pdf")
    from refugiu.finance.statements.xlsx import render_xlsx

    return render_xlsx(statement), statement.filename("xlsx")


def statement_request(
    *, user: User, period: ReportingPeriod, partner: GrantPartner | None, format_: str
) -> StatementRun:
    """Record a run and queue its task once the run is committed; the caller checked that `user` may read
    the grant."""
    run = StatementRun.objects.create(
        grant_id=period.grant_id,
        period=period,
        partner=partner,
        format=format_,
        requested_by=user,
        language=translation.get_language() or "",
    )

    def enqueue() -> None:
        result = statement_make.enqueue(run.pk)
        StatementRun.objects.filter(pk=run.pk).update(task_id=str(result.id))

    transaction.on_commit(enqueue)
    return run


@task()
def statement_make(run_id: int) -> None:
    """Make run `run_id`'s file. Never raises: a failure is recorded on the run and logged without data."""
    claimed = StatementRun.objects.filter(pk=run_id, status=StatementRun.Status.QUEUED).update(
        status=StatementRun.Status.RUNNING
    )
    run = (
        StatementRun.objects.select_related("grant__template", "grant__project", "period", "partner")
        .filter(pk=run_id)
        .first()
    )
    if not claimed or run is None:
        return
    language = run.language if run.language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    with translation.override(language):
        try:
            content, filename = statement_file(run.grant, run.period, run.partner, run.format)
            run.file.save(filename, ContentFile(content), save=False)
            run.filename = filename
            run.status = StatementRun.Status.DONE
            run.message = ""
            run.finished_at = timezone.now()
            run.save(update_fields=["file", "filename", "status", "message", "finished_at"])
        except Exception as error:
            logger.error("Statement run %s failed: %s", run_id, type(error).__name__)
            StatementRun.objects.filter(pk=run_id).update(
                status=StatementRun.Status.FAILED,
                message=gettext(
                    "The statement could not be made. Please try again later or tell the administrator."
                ),
                finished_at=timezone.now(),
            )


def runs_abandoned_fail(grant: Grant) -> int:
    """Runs of `grant` still pending REFUGIU["REPORT_TIMEOUT_MINUTES"] after they were asked for are failed,
    so that the person sees it and asks again."""
    cutoff = timezone.now() - datetime.timedelta(minutes=settings.REFUGIU["REPORT_TIMEOUT_MINUTES"])
    return StatementRun.objects.filter(grant=grant, status__in=PENDING, requested_at__lt=cutoff).update(
        status=StatementRun.Status.FAILED,
        message=gettext("The statement was interrupted before it was ready. Please ask for it again."),
        finished_at=timezone.now(),
    )
