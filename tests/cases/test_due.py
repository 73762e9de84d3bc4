"""The one meaning of "overdue" (cases.due) at its boundaries: due today is not overdue, due yesterday is, a
done task never is, nothing on a closed case is; the test of a record and the database filter agree."""

import datetime as dt

import pytest
from django.utils import timezone

from refugiu.cases import due, selectors, services
from refugiu.cases import vocabularies as v
from refugiu.cases.models import Case, Proceeding, Task
from tests.cases.factories import DepartmentFactory, case_new, caseworker, coordinator

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 10)


def task(due_on, done=False):
    return Task(due_on=due_on, done_at=timezone.now() if done else None)


@pytest.mark.parametrize(
    ("due_on", "done", "overdue"),
    [
        (TODAY - dt.timedelta(days=1), False, True),  # yesterday, not done
        (TODAY - dt.timedelta(days=400), False, True),
        (TODAY, False, False),  # due today: due, not yet overdue
        (TODAY + dt.timedelta(days=1), False, False),
        (TODAY - dt.timedelta(days=1), True, False),  # done: never overdue
        (TODAY, True, False),
    ],
)
def test_a_task_is_overdue_when_not_done_and_its_day_has_passed(due_on, done, overdue):
    assert due.task_is_overdue(task(due_on, done), TODAY) is overdue


@pytest.mark.parametrize(
    ("deadline", "overdue"),
    [
        (TODAY - dt.timedelta(days=1), True),
        (TODAY, False),
        (TODAY + dt.timedelta(days=7), False),
        (None, False),
    ],
)
def test_a_deadline_is_overdue_when_its_day_has_passed(deadline, overdue):
    assert due.deadline_is_overdue(Proceeding(deadline=deadline), TODAY) is overdue


@pytest.fixture
def team():
    department = DepartmentFactory()
    boss, worker = coordinator(department), caseworker(department)
    case = case_new(department=department, by=boss, team=[(worker, v.TeamFunction.SOCIAL_WORKER)])
    return boss, worker, case


def test_the_filters_agree_with_the_records_and_the_case_list_at_the_boundaries(team):
    _, worker, case = team
    today = timezone.localdate()
    for days, done in ((-1, False), (0, False), (1, False), (-1, True)):
        made = services.task_create(user=worker, case=case, title="x", due_on=today + dt.timedelta(days=days))
        if done:
            services.task_complete(user=worker, task=made)
    overdue = set(Task.objects.filter(due.overdue_tasks()).values_list("pk", flat=True))
    assert overdue == {t.pk for t in Task.objects.all() if due.task_is_overdue(t)}
    assert [Task.objects.get(pk=pk).due_on for pk in overdue] == [today - dt.timedelta(days=1)]
    assert [c.is_overdue for c in selectors.case_list(user=worker)] == [True]
    Task.objects.filter(pk__in=overdue).update(due_on=today)  # due today: the case is no longer overdue
    assert [c.is_overdue for c in selectors.case_list(user=worker)] == [False]
    services.proceeding_record(
        user=worker,
        case=case,
        kind=v.ProceedingKind.CRIMINAL_CASE,
        stage=v.ProceedingStage.INVESTIGATION,
        deadline=today - dt.timedelta(days=1),
    )
    assert [c.is_overdue for c in selectors.case_list(user=worker)] == [True]
    assert Case.objects.filter(due.case_is_overdue()).count() == 1


def test_nothing_on_a_closed_case_is_overdue(team):
    boss, worker, case = team
    late = services.task_create(
        user=worker, case=case, title="x", due_on=timezone.localdate() - dt.timedelta(days=3)
    )
    assert due.record_is_overdue(case, late)
    Case.objects.filter(pk=case.pk).update(status=v.CaseStatus.CLOSED)
    case.refresh_from_db()
    assert not due.record_is_overdue(case, late)
    assert not Case.objects.filter(due.case_is_overdue()).exists()
    assert [
        c.is_overdue for c in selectors.case_list(user=boss, filters=selectors.CaseFilters(status="closed"))
    ] == [False]


def test_the_case_page_marks_past_due_tasks_and_deadlines_only(team):
    from django.test import Client
    from django.urls import reverse

    from tests.accounts.mfa import force_login_with_mfa

    _, worker, case = team
    today = timezone.localdate()
    services.task_create(user=worker, case=case, title="Late call", due_on=today - dt.timedelta(days=1))
    services.task_create(user=worker, case=case, title="Call today", due_on=today)
    services.proceeding_record(
        user=worker,
        case=case,
        kind=v.ProceedingKind.CRIMINAL_CASE,
        stage=v.ProceedingStage.TRIAL,
        deadline=today - dt.timedelta(days=1),
    )
    page = (
        force_login_with_mfa(Client(), worker)
        .get(reverse("cases:case_detail", args=[case.pk]))
        .content.decode()
    )
    side = page[page.index('class="case-side"') :]
    assert side.count('<strong class="overdue">Overdue</strong>') == 2  # yesterday's task and deadline

    def row(title: str) -> str:
        return side[side.rindex("<li", 0, side.index(title)) : side.index(title)]

    assert "Overdue" in row("Late call") and "Overdue" not in row("Call today")
