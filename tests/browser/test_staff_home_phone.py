"""A caseworker's day from a 360 px phone, with JavaScript and without: their home lists the overdue task
(marked) and the hearing of the week, a tap opens the case, whose past-due task is marked and whose common
actions come first (the rest folded under "More actions"), "Record a session" saves one, and "Refer" sends
the person to another department; no page scrolls sideways. Fake people only (Faker, through the
factories)."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from refugiu.cases import services
from refugiu.cases import vocabularies as v
from refugiu.cases.models import Referral, ServiceEntry
from tests.accounts.mfa import force_login_with_mfa
from tests.browser.phone import PHONE, fits
from tests.cases.factories import DepartmentFactory, case_new, caseworker, coordinator

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_home_case_session_on_a_phone(live_server, browser, javascript):
    department, asylum = DepartmentFactory(name="Trafficking"), DepartmentFactory(name="Asylum")
    boss, worker = coordinator(department), caseworker(department)
    case = case_new(department=department, by=boss, team=[(worker, v.TeamFunction.SOCIAL_WORKER)])
    today = timezone.localdate()
    services.task_create(
        user=worker, case=case, title="Call the shelter", due_on=today - dt.timedelta(days=2)
    )
    services.proceeding_record(
        user=worker,
        case=case,
        kind=v.ProceedingKind.CRIMINAL_CASE,
        stage=v.ProceedingStage.TRIAL,
        deadline=today + dt.timedelta(days=4),
        deadline_label="Hearing at the tribunal",
    )
    services.consent_record(
        user=worker, case=case, purpose=v.ConsentPurpose.ASSISTANCE, form=v.ConsentForm.ORAL
    )
    client = force_login_with_mfa(Client(), worker)
    context = browser.new_context(
        locale="en-GB", viewport=PHONE, is_mobile=True, java_script_enabled=javascript
    )
    context.set_default_timeout(10_000)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/staff/")
        due_now = page.get_by_role("region", name="Due today and overdue")
        expect(due_now).to_contain_text("Call the shelter")
        expect(due_now).to_contain_text("Overdue")
        expect(
            page.get_by_role("region", name="Tasks, deadlines and hearings of the next 7 days")
        ).to_contain_text("Hearing at the tribunal")
        expect(page.get_by_role("link", name="My cases")).to_be_visible()  # the links are kept, below
        fits(page)

        with page.expect_navigation():
            due_now.get_by_role("link", name=case.reference).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {case.reference}")
        expect(page.locator(".case-side .overdue-row")).to_contain_text("Call the shelter")
        actions = page.get_by_role("navigation", name="Actions on this case")
        for common in ("Record a session", "Write a note", "Add a task", "Refer"):
            expect(actions.get_by_role("link", name=common, exact=True)).to_be_visible()
        expect(actions.get_by_role("link", name="Upload a document")).to_be_hidden()  # folded under "More"
        actions.get_by_text("More actions").click()
        expect(actions.get_by_role("link", name="Upload a document")).to_be_visible()
        fits(page)

        actions.get_by_role("link", name="Record a session").click()
        quick = page.get_by_role("region", name="Record a session")
        quick.get_by_label("Service").select_option(label="Social counselling")
        quick.get_by_label("Duration (minutes)").fill("45")
        with page.expect_navigation():
            quick.get_by_role("button", name="Save the session").click()
        expect(page.get_by_role("status")).to_contain_text("The session was recorded.")
        fits(page)
        entry = ServiceEntry.objects.get(case=case)
        assert (entry.kind, entry.duration_minutes, entry.staff_id) == (
            v.ServiceKind.SOCIAL_COUNSELLING,
            45,
            worker.pk,
        )

        with page.expect_navigation():
            page.get_by_role("link", name="Refer", exact=True).click()
        fits(page)
        page.get_by_label(re.compile(r"Internal: Asylum;")).check()
        page.get_by_label("Reason for the referral").fill("Counselling on the asylum procedure.")
        with page.expect_navigation():
            page.get_by_role("button", name="Send the referral").click()
        expect(page.get_by_role("status")).to_contain_text("The referral was sent.")
        fits(page)
        referral = Referral.objects.get(case=case)
        assert (referral.department, referral.created_by) == (asylum, worker)
    finally:
        context.close()
