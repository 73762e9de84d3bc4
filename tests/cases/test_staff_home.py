"""A caseworker's home (`/staff/`), through real requests: each section shows its items to the person who
works on the case and to nobody else (a caseworker of the same department not on the team, another
department's coordinator); the cases it names are audited in one record; a coordinator's home adds the
closures and break-glass accesses; names never appear; other roles keep their links and get no desk."""

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from refugiu.accounts.roles import Role
from refugiu.cases import services
from refugiu.cases import vocabularies as v
from refugiu.cases.models import Case
from refugiu.core.models import AuditEntry
from tests.accounts.mfa import force_login_with_mfa
from tests.cases.factories import (
    DepartmentFactory,
    beneficiary_new,
    case_new,
    caseworker,
    coordinator,
    fake_identity,
    staff,
)

pytestmark = pytest.mark.django_db

HOME = reverse("staff:home")


@pytest.fixture
def world():
    """In the trafficking department, a caseworker's case with something in every section of the home, a
    quiet case of theirs, a colleague of the same department on neither, and the asylum department with its
    own coordinator, to which the case is referred."""
    trafficking, asylum = DepartmentFactory(name="Trafficking"), DepartmentFactory(name="Asylum")
    boss, asylum_boss = coordinator(trafficking), coordinator(asylum)
    worker, colleague = caseworker(trafficking), caseworker(trafficking)
    identity = fake_identity()
    beneficiary = beneficiary_new(by=boss, identity=identity)
    case = case_new(
        department=trafficking,
        by=boss,
        beneficiary=beneficiary,
        team=[(worker, v.TeamFunction.SOCIAL_WORKER)],
    )
    quiet = case_new(department=trafficking, by=boss, team=[(worker, v.TeamFunction.SOCIAL_WORKER)])
    colleagues_case = case_new(
        department=trafficking, by=boss, team=[(colleague, v.TeamFunction.SOCIAL_WORKER)]
    )
    today = timezone.localdate()
    services.task_create(
        user=worker, case=case, title="Call the shelter", due_on=today - dt.timedelta(days=1)
    )
    services.task_create(user=worker, case=case, title="Book the interpreter", due_on=today)
    services.task_create(
        user=worker, case=case, title="Renew the permit", due_on=today + dt.timedelta(days=3)
    )
    services.task_create(user=worker, case=case, title="Far away task", due_on=today + dt.timedelta(days=20))
    done = services.task_create(
        user=worker, case=case, title="Finished task", due_on=today - dt.timedelta(days=2)
    )
    services.task_complete(user=worker, task=done)
    services.proceeding_record(
        user=worker,
        case=case,
        kind=v.ProceedingKind.CRIMINAL_CASE,
        stage=v.ProceedingStage.TRIAL,
        deadline=today + dt.timedelta(days=5),
        deadline_label="Hearing at the tribunal",
    )
    referral = services.referral_send(
        user=boss,
        case=case,
        department=asylum,
        reason="Asylum advice.",
        shared_fields=[v.SharedField.CODE],
        override_reason="Urgent: consent to be recorded at the next meeting.",
    )
    Case.objects.filter(pk=quiet.pk).update(updated_at=timezone.now() - dt.timedelta(days=45))
    Case.objects.filter(pk=quiet.pk).update(opened_on=today - dt.timedelta(days=60))
    services.case_close_request(
        user=worker,
        case=Case.objects.get(pk=case.pk),
        expected_version=Case.objects.get(pk=case.pk).version,
        reason="Goals met.",
        outcome=v.ClosureOutcome.GOALS_MET,
    )
    services.break_glass_open(user=boss, case=Case.objects.get(pk=case.pk), reason="Safeguarding review.")
    return SimpleNamespace(**locals())


def page_of(user) -> str:
    response = force_login_with_mfa(Client(), user).get(HOME)
    assert response.status_code == 200
    return response.content.decode()


def section(page: str, name: str) -> str:
    """The text of the home's section labelled by `desk-<name>` ("" when the page has no such section)."""
    found = re.search(rf'<section aria-labelledby="desk-{name}">(.*?)</section>', page, re.S)
    return found.group(1) if found else ""


def test_due_now_holds_overdue_and_todays_tasks_only_for_the_assignee(world):
    mine = section(page_of(world.worker), "due")
    assert "Call the shelter" in mine and "Book the interpreter" in mine and world.case.reference in mine
    assert mine.count("Overdue") == 1  # yesterday's task; today's is due, not overdue
    assert "Finished task" not in mine and "Renew the permit" not in mine
    for other in (world.colleague, world.asylum_boss, world.boss):  # the boss is not the assignee
        assert world.case.reference not in section(page_of(other), "due")


def test_the_next_seven_days_hold_tasks_and_hearings_only_for_the_team(world):
    mine = section(page_of(world.worker), "upcoming")
    assert "Renew the permit" in mine and "Hearing at the tribunal" in mine
    assert "Far away task" not in mine and "Call the shelter" not in mine
    for other in (world.colleague, world.asylum_boss):
        upcoming = section(page_of(other), "upcoming")
        assert "Hearing at the tribunal" not in upcoming and world.case.reference not in upcoming


def test_referrals_waiting_sent_for_the_team_received_for_the_receiving_coordinator(world):
    sent = section(page_of(world.worker), "referrals")
    assert world.case.reference in sent and "Asylum" in sent
    assert world.case.reference not in section(page_of(world.colleague), "referrals")
    received = section(page_of(world.asylum_boss), "referrals")
    # Received from the trafficking department; the asylum coordinator may not see the case: no reference.
    assert "from Trafficking" in received and world.case.reference not in received
    assert "Received by your departments" not in section(page_of(world.colleague), "referrals")


def test_quiet_and_recently_opened_cases_only_for_the_team(world, settings):
    settings.REFUGIU = {**settings.REFUGIU, "QUIET_CASE_DAYS": 30}
    page = page_of(world.worker)
    assert world.quiet.reference in section(page, "quiet") and world.case.reference not in section(
        page, "quiet"
    )
    assert world.case.reference in section(page, "recent")
    assert world.quiet.reference not in section(page, "recent")  # opened 60 days ago
    for other in (world.colleague, world.asylum_boss):
        other_page = page_of(other)
        assert world.quiet.reference not in section(other_page, "quiet")
        assert world.case.reference not in section(other_page, "recent")
    assert "without activity for 30 days" in page


def test_quiet_days_come_from_the_setting(world, settings):
    settings.REFUGIU = {**settings.REFUGIU, "QUIET_CASE_DAYS": 60}
    assert world.quiet.reference not in section(page_of(world.worker), "quiet")


def test_a_coordinator_sees_closures_and_break_glass_of_their_departments_only(world):
    boss = page_of(world.boss)
    assert world.case.reference in section(boss, "closures")
    assert world.case.reference in section(boss, "break-glass")
    assert world.case.reference in section(boss, "quiet") or world.quiet.reference in section(boss, "quiet")
    for other in (world.worker, world.colleague):
        page = page_of(other)
        assert section(page, "closures") == "" and section(page, "break-glass") == ""
    asylum = page_of(world.asylum_boss)
    assert world.case.reference not in section(asylum, "closures")
    assert world.case.reference not in section(asylum, "break-glass")


def test_the_home_audits_the_cases_it_names_once_and_shows_no_names(world):
    before = AuditEntry.objects.filter(action="cases.case.listed").count()
    page = page_of(world.worker)
    entries = AuditEntry.objects.filter(action="cases.case.listed").order_by("-pk")
    assert entries.count() == before + 1
    entry = entries.first()
    assert entry.actor_id == world.worker.pk and entry.detail["view"] == "home"
    assert set(entry.detail["cases"]) == {world.case.pk, world.quiet.pk}
    assert world.colleagues_case.pk not in entry.detail["cases"]
    for value in (world.identity["given_names"], world.identity["family_names"], world.identity["phone"]):
        assert value not in page
    # A colleague's home names none of the worker's cases, in the page or in its audit record.
    page_of(world.colleague)
    theirs = AuditEntry.objects.filter(action="cases.case.listed", actor_id=world.colleague.pk).get()
    assert theirs.detail["cases"] == [world.colleagues_case.pk]


def test_other_roles_keep_their_links_and_get_no_desk_nor_audit_record(world):
    trainer = staff(Role.PROGRAMME_STAFF)
    before = AuditEntry.objects.filter(action="cases.case.listed").count()
    page = page_of(trainer)
    assert 'class="desk"' not in page and "Events: registrations" in page
    assert reverse("cases:case_list") not in page
    assert AuditEntry.objects.filter(action="cases.case.listed").count() == before


def test_the_home_s_queries_do_not_grow_with_the_number_of_items(world):
    client = force_login_with_mfa(Client(), world.worker)
    client.get(HOME)
    with CaptureQueriesContext(connection) as few:
        client.get(HOME)
    today = timezone.localdate()
    for n in range(5):
        services.task_create(user=world.worker, case=world.case, title=f"more {n}", due_on=today)
        extra = case_new(
            department=world.trafficking, by=world.boss, team=[(world.worker, v.TeamFunction.LAWYER)]
        )
        services.referral_send(
            user=world.boss,
            case=extra,
            department=world.asylum,
            reason="More.",
            shared_fields=[v.SharedField.CODE],
            override_reason="Urgent.",
        )
    with CaptureQueriesContext(connection) as many:
        client.get(HOME)
    assert len(many) == len(few)
