"""Budget against actual, transfers beyond the threshold flagged, the cost ledger, and their pages."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from refugiu.finance.models import AuditorAccess, BudgetLine
from refugiu.finance.monitoring import LEDGER_COLUMNS, budget_actual, elapsed_share, ledger_csv
from refugiu.finance.statements import statement_build
from refugiu.finance.vocabularies import ExpenseStatus
from tests.cases.factories import DepartmentFactory, caseworker, staff
from tests.factories import UserFactory
from tests.finance.costs import approved_time, category, expense
from tests.finance.factories import EU_2021, Role, employed, grant_with_partners
from tests.url_patterns import sign_in_as

pytestmark = pytest.mark.django_db


def _budget(grant, partner, code, amount):
    BudgetLine.objects.create(
        grant=grant, partner=partner, category=category(grant, code), amount=Decimal(amount)
    )


@pytest.fixture
def grant():
    grant = grant_with_partners(partners=1, is_example=True)
    us, partner = grant.partners.order_by("order", "pk")
    _budget(grant, us, "B", "1000.00")
    _budget(grant, us, "C", "1000.00")
    _budget(grant, partner, "B", "500.00")
    expense(grant, us, "B", "1200.00")  # 20 % over: allowed
    expense(grant, us, "C", "1200.01", supplier="=cmd|' /C calc'!A0")  # just over 20 %: flagged
    expense(
        grant, partner, "B", "100.00", currency="BGN", amount="195.58", vat_amount="32.60", reference="F-7"
    )
    expense(grant, partner, "F", "9.00", status=ExpenseStatus.RECORDED)
    return grant


def test_burn_rate_pace_and_flags(grant):
    report = budget_actual(grant, today=dt.date(2019, 12, 31))
    assert report.elapsed == Decimal(365) / Decimal(731)
    us = report.partners[0]
    by_code = {line.code: line for line in us.lines}
    assert by_code["B"].burn == Decimal("1.2")
    assert report.pace(by_code["B"]) == Decimal("1.2") / report.elapsed
    assert us.flagged == {"C"}
    assert [(flag.code, flag.actual, flag.over) for flag in report.flags] == [
        ("C", Decimal("1200.01"), Decimal("200.01"))
    ]
    assert report.partners[1].flagged == set()
    consolidated = {line.code: line for line in report.consolidated.lines}
    assert consolidated["B"].budget == Decimal("1500.00") and consolidated["B"].to_date == Decimal("1300.00")


def test_elapsed_share_is_clipped():
    grant = grant_with_partners(partners=0)
    assert elapsed_share(grant, dt.date(2010, 1, 1)) == 0
    assert elapsed_share(grant, dt.date(2030, 1, 1)) == 1


def test_queries_do_not_grow_with_the_grant():
    def queries(grant):
        with CaptureQueriesContext(connection) as captured:
            budget_actual(grant)
            statement_build(grant, grant.periods.get(number=1))
        return len(captured)

    small = grant_with_partners(partners=1)
    large = grant_with_partners(partners=4)
    boss = UserFactory()
    for index, partner in enumerate(large.partners.all()):
        for day in range(1, 20):
            expense(large, partner, "BCDEF"[day % 5], f"{day}.{index}1", day=dt.date(2019, 3, day), by=boss)
    for _ in range(3):
        person = UserFactory()
        employed(person, supervisor=boss)
        for day in (4, 5, 6):
            approved_time(
                person, large, dt.date(2019, 2, day), "7.5", work_package=large.work_packages.first()
            )
    for partner in small.partners.all():
        expense(small, partner, "B", "1.00", by=boss)
    approved_time(person, small, dt.date(2019, 2, 4), "1")
    assert queries(small) == queries(large) <= 20


def test_ledger_csv(grant):
    person, boss = UserFactory(display_name="Example Staffer"), UserFactory()
    employed(person, supervisor=boss)
    approved_time(
        person, grant, dt.date(2019, 4, 2), "6", work_package=grant.work_packages.get(number=2), approver=boss
    )
    text = ledger_csv(grant).decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == "Example figures"
    rows = list(csv.DictReader(io.StringIO("\n".join(lines[1:]))))
    assert tuple(rows[0]) == LEDGER_COLUMNS
    assert len(rows) == 4  # 3 approved expenses (the recorded one is not) and one personnel line
    bgn = next(row for row in rows if row["currency"] == "BGN")
    assert (bgn["amount"], bgn["vat"], bgn["amount_eur"], bgn["reference"], bgn["period"]) == (
        "195.58",
        "32.60",
        "100.00",
        "F-7",
        "1",
    )
    injected = next(row for row in rows if row["category"] == "C")
    assert injected["supplier"].startswith("'=")
    staff_line = rows[-1]
    assert staff_line["supplier"] == "Example Staffer" and staff_line["work_package"] == "2"
    assert staff_line["amount_eur"] == "84.00"  # 6 h × 24,080 ÷ 1,720
    assert staff_line["category"] == "A" and staff_line["approved_by"] == boss.username


def test_pages_by_role(client, grant):
    coordinator = staff(Role.PROJECT_COORDINATOR)
    grant.coordinators.add(coordinator)
    auditor = staff(Role.AUDITOR)
    manager = staff(Role.FINANCIAL_MANAGER)
    AuditorAccess.objects.create(grant=grant, auditor=auditor, until=dt.date(2999, 1, 1), granted_by=manager)
    monitoring = reverse("finance:monitoring", args=[grant.pk])
    ledger = reverse("finance:ledger", args=[grant.pk])
    for who, sees_ledger in ((manager, True), (auditor, True), (coordinator, False)):
        sign_in_as(client, who)
        page = client.get(monitoring)
        assert page.status_code == 200
        content = page.content.decode()
        assert "Example figures" in content and "over the transfer threshold" in content
        assert (ledger in content) == sees_ledger
        assert client.get(ledger).status_code == (200 if sees_ledger else 404)
    other_coordinator = staff(Role.PROJECT_COORDINATOR)
    sign_in_as(client, other_coordinator)
    assert client.get(monitoring).status_code == 404
    sign_in_as(client, caseworker(DepartmentFactory()))
    assert client.get(monitoring).status_code == 404
    assert client.get(ledger).status_code == 404


def test_2021_template_monitoring_subtotals():
    grant = grant_with_partners(template_code=EU_2021, partners=0)
    us = grant.partners.get()
    _budget(grant, us, "C.1", "100.00")
    _budget(grant, us, "C.2", "100.00")
    expense(grant, us, "C.1", "150.00")
    report = budget_actual(grant, today=dt.date(2019, 6, 1))
    by_code = {line.code: line for line in report.partners[0].lines}
    assert by_code["C"].budget == Decimal("200.00") and by_code["C"].to_date == Decimal("150.00")
    assert report.flags == []  # the category C, not its leaf, is what the threshold is about
