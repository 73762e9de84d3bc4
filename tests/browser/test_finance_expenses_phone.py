"""Grant finance's budget and expense pages on a 360 px phone without JavaScript: the financial manager
sets a budget line, records an expense in dollars (told first what is missing, without losing what was
typed), attaches its invoice, and every page fits the screen, wide tables scrolling in their own box.
Fake grant, fake people."""

import pytest
from django.test import Client

from refugiu.finance.models import BudgetLine, Expense, ExpenseDocument
from tests.accounts.mfa import force_login_with_mfa
from tests.browser.phone import PHONE, fits
from tests.finance.factories import PDF, finance_world

pytestmark = pytest.mark.django_db(transaction=True)


def test_budget_and_expense_on_a_phone(live_server, browser, tmp_path):
    world = finance_world(partners=3)
    grant = world["grant"]
    client = Client()
    force_login_with_mfa(client, world["manager"])
    context = browser.new_context(locale="en-GB", viewport=PHONE, is_mobile=True, java_script_enabled=False)
    context.set_default_timeout(10_000)
    cookie = client.cookies["sessionid"]
    context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])
    page = context.new_page()
    base = f"{live_server.url}/staff/finance/grants/{grant.pk}"

    page.goto(f"{base}/budget/edit/")
    fits(page)
    page.get_by_label("Us (test) C.1 WP1").fill("1500.00")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the budget").click()
    assert page.url.endswith("/budget/")
    assert BudgetLine.objects.get(grant=grant).amount == 1500
    assert "105.00" in page.content()  # 7 % indirect
    fits(page)

    page.goto(f"{base}/expenses/new/")
    fits(page)
    page.get_by_label("Date paid").fill("2019-05-06")
    page.get_by_label("Beneficiary:", exact=True).select_option(label="Us (test)")
    page.get_by_label("Category").select_option(label="C.1 Travel and subsistence")
    page.get_by_label("Supplier").fill("Example Airline")
    page.get_by_label("Currency").fill("USD")
    page.get_by_label("Amount paid, VAT included").fill("224.00")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    assert "This field is required" in page.content()  # the work package and the description
    assert page.get_by_label("Supplier").input_value() == "Example Airline"
    page.get_by_label("Work package").select_option(label="WP1 Management")
    page.get_by_label("Description").fill("Flight to the partners' meeting")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    expense = Expense.objects.get()
    assert page.url.endswith(f"/expenses/{expense.pk}/")
    assert "rates for USD are missing for reporting period 1" in page.content()
    fits(page)

    invoice = tmp_path / "invoice.pdf"
    invoice.write_bytes(PDF)
    page.get_by_label("What it is").select_option("invoice")
    page.get_by_label("Title").fill("Airline invoice")
    page.get_by_label("File").set_input_files(str(invoice))
    with page.expect_navigation():
        page.get_by_role("button", name="Upload").click()
    assert ExpenseDocument.objects.get().expense == expense
    assert "Airline invoice" in page.content()

    page.goto(f"{base}/expenses/")
    fits(page)
    page.screenshot(path=str(tmp_path / "expenses-360.png"), full_page=True)
    context.close()
