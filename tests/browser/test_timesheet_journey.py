"""A staff member fills and signs a month of their timesheet on a 360-pixel phone, with and without
JavaScript, finding every field by its label (its day in its name); the page never grows wider than the
phone. Everyone is a Faker invention; the grant is a test's."""

import datetime
import re

import pytest
from faker import Faker
from playwright.sync_api import expect

from refugiu.accounts.roles import Role
from refugiu.finance.models import TimesheetMonth
from refugiu.finance.vocabularies import SheetStatus
from tests.accounts.mfa import DEFAULT_PASSWORD
from tests.browser.phone import PHONE, fits
from tests.cases.factories import staff
from tests.finance.factories import employed, grant_with_partners

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_a_month_filled_and_signed_on_a_phone(live_server, browser, javascript):
    faker = Faker()
    supervisor = staff(Role.PROJECT_COORDINATOR, display_name=faker.name())
    person = staff(Role.TIMESHEET_STAFF, display_name=faker.name())
    employed(person, supervisor=supervisor)
    grant = grant_with_partners(start=datetime.date(2019, 1, 1), end=datetime.date(2020, 12, 31))
    context = browser.new_context(
        locale="en-GB", viewport=PHONE, is_mobile=True, java_script_enabled=javascript
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/accounts/login/")
        page.get_by_label("Username").fill(person.username)
        page.get_by_label("Password").fill(DEFAULT_PASSWORD)
        page.get_by_role("button", name="Sign in", exact=True).click()
        page.goto(live_server.url + "/staff/finance/timesheets/2019/3/")
        expect(page.get_by_role("heading", level=1)).to_have_text("My timesheet: March 2019")

        project = page.get_by_label("Project, Monday March 4, 2019", exact=True)
        expect(project).to_be_visible()
        project.select_option(label=f"{grant.agreement_number} · {grant.project.acronym} · WP1 Management")
        page.get_by_label("Project hours, Monday March 4, 2019", exact=True).fill("6")
        page.get_by_label("Other work hours, Monday March 4, 2019", exact=True).fill("2")
        page.get_by_label("Absence hours, Tuesday March 5, 2019", exact=True).fill("8")
        # A day too long is refused, and what was typed stays.
        page.get_by_label("Project, Wednesday March 6, 2019", exact=True).select_option(
            label=f"{grant.agreement_number} · {grant.project.acronym} · WP2 Training"
        )
        page.get_by_label("Project hours, Wednesday March 6, 2019", exact=True).fill("9")
        page.get_by_role("button", name="Save as draft").click()
        expect(page.get_by_role("alert")).to_contain_text("do not fit in the working day of 8 h")
        expect(page.get_by_label("Project hours, Wednesday March 6, 2019", exact=True)).to_have_value("9")
        expect(page.get_by_label("Other work hours, Monday March 4, 2019", exact=True)).to_have_value("2")

        page.get_by_label("Project hours, Wednesday March 6, 2019", exact=True).fill("7.5")
        page.get_by_role("button", name="Save and sign the month").click()
        expect(page.get_by_role("status")).to_contain_text("The month is signed")
        expect(page.get_by_text("signed, waiting for approval")).to_be_visible()
        sheet = TimesheetMonth.objects.get(user=person)
        assert sheet.status == SheetStatus.SIGNED and sheet.entries.count() == 4

        page.goto(live_server.url + "/staff/finance/timesheets/2019/4/")
        expect(page.get_by_label(re.compile(r"^Project hours, Monday April 1, 2019$"))).to_be_visible()
        if javascript:
            fits(page)
    finally:
        context.close()
