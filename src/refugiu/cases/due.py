"""What "overdue" means, written once: every page, list and answer of the API asks here.

A task is overdue when it is not done and its due day is before today: a task due today is due, not
overdue. A proceeding's deadline is overdue when its day is before today: the deadline is met by moving it
to the next one (or clearing it) when it has passed. Nothing on a closed case is overdue: the work has
ended. "Today" is the site's local day (`timezone.localdate`), so a task due yesterday turns overdue at
local midnight whatever the server's clock zone.

Each rule comes twice, as a test of one record (for a page that has it in hand) and as a database filter
(for a list that must not load every record); tests/cases/test_due.py holds them to the same answers.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from refugiu.cases import vocabularies as v
from refugiu.cases.models import Case, Proceeding, Task


def today() -> dt.date:
    return timezone.localdate()


def task_is_overdue(task: Task, on: dt.date | None = None) -> bool:
    """Whether `task` is overdue on the day `on` (today by default)."""
    return task.done_at is None and task.due_on < (on or today())


def deadline_is_overdue(proceeding: Proceeding, on: dt.date | None = None) -> bool:
    """Whether the deadline of `proceeding` is overdue on the day `on` (today by default)."""
    return proceeding.deadline is not None and proceeding.deadline < (on or today())


def overdue_tasks(on: dt.date | None = None) -> Q:
    """A filter on Task: the tasks overdue on `on` (their case's status aside: see `case_is_overdue`)."""
    return Q(done_at__isnull=True, due_on__lt=on or today())


def overdue_deadlines(on: dt.date | None = None) -> Q:
    """A filter on Proceeding: the deadlines overdue on `on`."""
    return Q(deadline__lt=on or today())


def case_is_overdue(on: dt.date | None = None) -> Q:
    """A filter (or an annotation) on Case: open cases with an overdue task or deadline."""
    return ~Q(status=v.CaseStatus.CLOSED) & (
        Q(Exists(Task.objects.filter(overdue_tasks(on), case=OuterRef("pk"))))
        | Q(Exists(Proceeding.objects.filter(overdue_deadlines(on), case=OuterRef("pk"))))
    )


def record_is_overdue(case: Case, record: Task | Proceeding, on: dt.date | None = None) -> bool:
    """Whether a task or a proceeding's deadline of `case` is overdue: never on a closed case."""
    if case.is_closed:
        return False
    if isinstance(record, Task):
        return task_is_overdue(record, on)
    return deadline_is_overdue(record, on)
