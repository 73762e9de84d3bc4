"""Issue 16's browser journey, with and without JavaScript, on a 360-pixel phone: a staff member fills and
signs a month of time on a grant's work package; their supervisor (a project coordinator, signing in with a
second factor) approves it from the queue; the financial manager (second factor too) records an expense,
uploads its invoice, approves it, opens the reporting period's statement, downloads it as XLSX and PDF (both
checked: the approved hours at the employment's rate, the expense, 7 % indirect costs on their sum) and
submits it, closing the period; the staff member's correction of that month is then refused.

One test in steps, each person in a browser of their own, finding what they use by its label or its link as
they would. Everyone is a Faker invention; the grant is a test's (tests.finance.factories)."""

import io
import re
import shutil
import subprocess
from decimal import Decimal

import pytest
from faker import Faker
from playwright.sync_api import Page, expect

from refugiu.accounts.roles import Role
from refugiu.finance.models import Expense, ExpenseDocument, TimesheetMonth
from refugiu.finance.money import cents
from refugiu.finance.vocabularies import ExpenseStatus, SheetStatus
from tests.accounts.mfa import DEFAULT_PASSWORD, _forget_used_code, enrol_totp, totp_code
from tests.browser.phone import PHONE, fits
from tests.cases.factories import staff
from tests.finance.factories import PDF, employed, grant_with_partners

pytestmark = pytest.mark.django_db(transaction=True)

# Not a round hourly rate: 31,390.00 ÷ 1,720 h = 18.25 an hour (18.2500).
ANNUAL_COST = Decimal("31390.00")
PROJECT_HOURS = {4: Decimal("6"), 6: Decimal("7.5")}  # March 2019: Monday 4th and Wednesday 6th
EXPENSE = Decimal("412.36")


@pytest.fixture(params=[True, False], ids=["javascript", "no-javascript"])
def javascript(request) -> bool:
    return request.param


@pytest.fixture
def browse(browser, live_server, javascript):
    """`browse(user, secret=None)`: a phone browser of the person's own, signed in through the sign-in page
    (and the authenticator-code page when `secret` is given); returns its page."""
    contexts = []

    def browse(user, secret: str | None = None) -> Page:
        context = browser.new_context(
            locale="en-GB", viewport=PHONE, is_mobile=True, java_script_enabled=javascript
        )
        contexts.append(context)
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.goto(live_server.url + "/accounts/login/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(DEFAULT_PASSWORD)
        page.get_by_role("button", name="Sign in", exact=True).click()
        if secret is not None:
            expect(page.get_by_role("heading", name="Two-Factor Authentication")).to_be_visible()
            # Two tries: a code computed just before a 30-second boundary can be stale when checked.
            for _attempt in range(2):
                code = totp_code(secret)
                _forget_used_code(user, code)
                page.get_by_label("Code").fill(code)
                with page.expect_navigation():
                    page.get_by_role("button", name="Sign In", exact=True).click()
                if page.url.endswith("/staff/"):
                    break
        expect(page.get_by_role("heading", level=1)).to_have_text("Staff area")
        return page

    yield browse
    for context in contexts:
        context.close()


def downloaded(page: Page, link_name: str) -> bytes:
    with page.expect_download() as download_info:
        page.get_by_role("link", name=link_name, exact=True).click()
    download = download_info.value
    path = download.path()
    assert path is not None
    with open(path, "rb") as handle:
        return handle.read()


def test_a_month_approved_an_expense_and_the_statement_submitted(live_server, browse, tmp_path):
    faker = Faker()
    supervisor = staff(Role.PROJECT_COORDINATOR, display_name=faker.name())
    person = staff(Role.TIMESHEET_STAFF, display_name=faker.name())
    manager = staff(Role.FINANCIAL_MANAGER, display_name=faker.name())
    employed(person, supervisor=supervisor, annual_cost=str(ANNUAL_COST))
    supervisor_secret, manager_secret = enrol_totp(supervisor), enrol_totp(manager)
    grant = grant_with_partners()  # EU 2014–2020 template: by the hour, 1,720 h a year, 7 % indirect
    project = f"{grant.agreement_number} · {grant.project.acronym} · WP1 Management"
    supplier = faker.company()

    # -- The staff member fills March 2019 and signs it. --
    page = browse(person)
    page.get_by_role("link", name=re.compile("Grant finance")).click()
    page.get_by_role("link", name="My timesheet").click()
    page.goto(live_server.url + "/staff/finance/timesheets/2019/3/")  # months back from today's
    expect(page.get_by_role("heading", level=1)).to_have_text("My timesheet: March 2019")
    for day, name in ((4, "Monday March 4, 2019"), (6, "Wednesday March 6, 2019")):
        page.get_by_label(f"Project, {name}", exact=True).select_option(label=project)
        page.get_by_label(f"Project hours, {name}", exact=True).fill(str(PROJECT_HOURS[day]))
    page.get_by_label("Other work hours, Monday March 4, 2019", exact=True).fill("2")
    page.get_by_label("Absence hours, Tuesday March 5, 2019", exact=True).fill("8")
    page.get_by_role("button", name="Save and sign the month").click()
    expect(page.get_by_role("status")).to_contain_text("The month is signed")
    fits(page)
    staff_page = page

    # -- The supervisor approves it from the queue. --
    page = browse(supervisor, supervisor_secret)
    page.get_by_role("link", name=re.compile("Grant finance")).click()
    page.get_by_role("link", name="Timesheets waiting for approval").click()
    fits(page)
    page.get_by_role("link", name=person.get_full_name()).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("March 2019")
    fits(page)
    page.get_by_role("button", name="Approve the month").click()
    expect(page.get_by_role("status")).to_contain_text("is approved")
    expect(page.get_by_text("No signed month waits for your approval.")).to_be_visible()
    assert TimesheetMonth.objects.get(user=person).status == SheetStatus.APPROVED

    # -- The financial manager records the expense with its invoice and approves it. --
    page = browse(manager, manager_secret)
    page.get_by_role("link", name=re.compile("Grant finance")).click()
    page.get_by_role("link", name=grant.agreement_number, exact=True).click()
    page.get_by_role("link", name="Expenses", exact=True).click()
    page.get_by_role("link", name="Record an expense").click()
    fits(page)
    page.get_by_label("Date paid").fill("2019-05-06")
    page.get_by_label("Beneficiary:", exact=True).select_option(label="Us (test)")
    page.get_by_label("Category").select_option(label="B Travel and subsistence")
    page.get_by_label("Work package").select_option(label="WP1 Management")
    page.get_by_label("Supplier").fill(supplier)
    page.get_by_label("Description").fill("Train tickets to the partners' meeting")
    page.get_by_label("Invoice or document number").fill("INV-2019-17")
    page.get_by_label("Amount paid, VAT included").fill(str(EXPENSE))
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    expense = Expense.objects.get(grant=grant)
    assert page.url.endswith(f"/expenses/{expense.pk}/")
    fits(page)
    invoice = tmp_path / "invoice.pdf"
    invoice.write_bytes(PDF)
    page.get_by_label("What it is").select_option("invoice")
    page.get_by_label("Title").fill("Train tickets invoice")
    page.get_by_label("File").set_input_files(str(invoice))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("link", name="Train tickets invoice")).to_be_visible()
    assert ExpenseDocument.objects.get().expense == expense
    with page.expect_navigation():
        page.get_by_role("button", name="Approve", exact=True).click()
    expense.refresh_from_db()
    assert expense.status == ExpenseStatus.APPROVED and expense.amount_eur == EXPENSE

    # -- ... opens the statement of period 1, downloads it, and submits it. --
    page.get_by_role("link", name=f"Expenses of {grant.agreement_number}").click()
    page.get_by_role("link", name=grant.agreement_number, exact=True).click()
    page.get_by_role("link", name="Statement").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Consolidated financial statement")
    fits(page)
    # One line: the person's month on WP1, 13.5 h × 18.25 = 246.375, rounded once.
    personnel = cents(sum(PROJECT_HOURS.values()) * ANNUAL_COST / 1720)
    assert personnel == Decimal("246.38")
    indirect = cents(Decimal("0.07") * (personnel + EXPENSE))
    total = personnel + EXPENSE + indirect
    expected = {"A": personnel, "B": EXPENSE, "G": indirect}

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(downloaded(page, "Spreadsheet (XLSX)")))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if row[:2] == ("Code", "Category"))
    period_costs = {row[0]: Decimal(str(row[3])) for row in rows[header + 1 :] if row[0]}
    assert {code: period_costs[code] for code in expected} == expected, period_costs
    totals = [Decimal(str(row[3])) for row in rows[header + 1 :] if not row[0] and row[1]]
    assert totals[-1] == total, rows
    assert [row[0] for row in book["Problems"].iter_rows(values_only=True)][1:] == ["None."]

    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "poppler-utils is installed here"
    text = subprocess.run(  # noqa: S603 - a fixed local tool, our own PDF as input
        [pdftotext, "-layout", "-", "-"],
        input=downloaded(page, "PDF"),
        capture_output=True,
        check=True,
    ).stdout.decode()
    for amount in (personnel, EXPENSE, indirect, total):
        assert f"{amount:,.2f}" in text or f"{amount:.2f}" in text, (amount, text)

    page.get_by_role("button", name="Submit the statement of period 1").click()
    expect(page.get_by_role("status")).to_contain_text("the period is closed")
    expect(page.get_by_text("statement submitted, closed")).to_be_visible()
    expect(page.get_by_role("button", name="Submit the statement of period 1")).to_have_count(0)
    fits(page)

    # -- The staff member's correction of the closed month is refused. --
    page = staff_page
    page.goto(live_server.url + "/staff/finance/timesheets/2019/3/")
    page.get_by_role("link", name="Correct this month (a new version)").click()
    page.get_by_label("Why it is corrected").fill("Wednesday's hours were on WP2, not WP1.")
    page.get_by_role("button", name="Open a new version").click()
    expect(page.get_by_role("alert")).to_contain_text(
        f"Its time on grant {grant.agreement_number} lies in reporting period 1, which is closed"
    )
    fits(page)
    sheet = TimesheetMonth.objects.get(user=person)
    assert sheet.status == SheetStatus.APPROVED and sheet.version == 1
