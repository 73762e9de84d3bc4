"""The financial statement: its lines add up, indirect costs are the rate × the right base, the consolidated
statement is the sum of the beneficiaries', submission closes the period, the files read back, the command
and the pages."""

import datetime as dt
import io
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from refugiu.core.models import AuditEntry
from refugiu.finance.models import BudgetLine, StatementRun
from refugiu.finance.money import cents
from refugiu.finance.periods import require_open
from refugiu.finance.services.errors import FinanceError, PeriodClosed
from refugiu.finance.services.statements import statement_submit
from refugiu.finance.statements import statement_build
from refugiu.finance.statements.pdf import render_pdf
from refugiu.finance.statements.xlsx import render_xlsx
from refugiu.finance.timesheets import personnel_cost_lines
from refugiu.finance.vocabularies import ExpenseStatus, SheetStatus
from tests.cases.factories import DepartmentFactory, caseworker, staff
from tests.factories import UserFactory
from tests.finance.costs import approved_time, category, expense
from tests.finance.factories import EU_2014, EU_2021, Role, employed, grant_with_partners
from tests.url_patterns import sign_in_as

pytestmark = pytest.mark.django_db

LEAVES = {
    EU_2014: ["A", "B", "C", "D", "E", "F"],
    EU_2021: ["A.1", "A.2", "A.3", "A.4", "A.5", "B", "C.1", "C.2", "C.3", "D.1", "D.2"],
}
NOT_IN_BASE = {EU_2014: set(), EU_2021: {"B", "D.1"}}
INDIRECT = {EU_2014: "G", EU_2021: "E"}

amounts = st.decimals(min_value=Decimal("-500"), max_value=Decimal("99999.99"), places=2)
budgets = st.decimals(min_value=Decimal("0"), max_value=Decimal("999999.99"), places=2)


def costs_strategy(code):
    return st.lists(
        st.tuples(st.integers(0, 2), st.sampled_from(LEAVES[code]), amounts, st.sampled_from([1, 2])),
        max_size=25,
    )


def _check_adds_up(statement):
    by_code = {line.code: line for line in statement.lines}
    for line in statement.lines:
        if line.children:
            for column in ("budget", "period", "to_date"):
                assert getattr(line, column) == sum(getattr(child, column) for child in line.children)
    top = [line for line in statement.lines if line.depth == 0]
    for column in ("budget", "period", "to_date"):
        assert getattr(statement.total, column) == sum(getattr(line, column) for line in top)
        for line in statement.lines:
            assert getattr(line, column) == cents(getattr(line, column))
    return by_code


@pytest.mark.parametrize("code", [EU_2014, EU_2021])
def test_property_lines_add_up_and_indirect_is_rate_times_base(code):
    grant = grant_with_partners(template_code=code, partners=2)
    partners = list(grant.partners.order_by("order", "pk"))
    periods = {p.number: p for p in grant.periods.all()}
    rate = grant.template.indirect_rate
    by = UserFactory()

    @hypothesis_settings(
        deadline=None, max_examples=20, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(
        costs=costs_strategy(code),
        budget=st.dictionaries(
            st.tuples(st.integers(0, 2), st.sampled_from(LEAVES[code])), budgets, max_size=8
        ),
    )
    def check(costs, budget):
        with transaction.atomic():
            examine(costs, budget)
            transaction.set_rollback(True)

    def examine(costs, budget):
        for who, leaf, amount, number in costs:
            expense(
                grant, partners[who], leaf, amount, day=periods[number].start + dt.timedelta(days=3), by=by
            )
        for (who, leaf), amount in budget.items():  # one line per beneficiary and category
            BudgetLine.objects.create(
                grant=grant, partner=partners[who], category=category(grant, leaf), amount=amount
            )
        consolidated = statement_build(grant, periods[2])
        _check_adds_up(consolidated)
        singles = [statement_build(grant, periods[2], partner) for partner in partners]
        for index, single in enumerate(singles):
            by_code = _check_adds_up(single)
            base_period = sum(
                (a for w, leaf, a, n in costs if w == index and n == 2 and leaf not in NOT_IN_BASE[code]),
                Decimal("0"),
            )
            base_to_date = sum(
                (a for w, leaf, a, n in costs if w == index and leaf not in NOT_IN_BASE[code]), Decimal("0")
            )
            assert by_code[INDIRECT[code]].period == cents(rate * base_period)
            assert by_code[INDIRECT[code]].to_date == cents(rate * base_to_date)
            assert by_code[INDIRECT[code]].is_indirect
        for index, line in enumerate(consolidated.lines):
            for column in ("budget", "period", "to_date"):
                assert getattr(line, column) == sum(getattr(s.lines[index], column) for s in singles)
        assert consolidated.total.to_date == sum(s.total.to_date for s in singles)

    check()


def test_2021_base_leaves_out_subcontracting_and_financial_support():
    grant = grant_with_partners(template_code=EU_2021, partners=0)
    us = grant.partners.get()
    for code, amount in (
        ("A.2", "1000.00"),
        ("B", "5000.00"),
        ("C.1", "333.33"),
        ("D.1", "7000.00"),
        ("D.2", "10.00"),
    ):
        expense(grant, us, code, amount)
    built = statement_build(grant, grant.periods.get(number=1))
    by_code = {line.code: line for line in built.lines}
    assert by_code["E"].period == cents(Decimal("0.07") * Decimal("1343.33")) == Decimal("94.03")
    assert by_code["A"].period == Decimal("1000.00")
    assert by_code["D"].period == Decimal("7010.00")
    assert built.direct.period == Decimal("13343.33")
    assert built.total.period == Decimal("13437.36")


def test_only_approved_eligible_converted_costs_count_and_unconverted_are_listed():
    grant = grant_with_partners(partners=0)
    us = grant.partners.get()
    expense(grant, us, "B", "100.00")
    expense(grant, us, "B", "200.00", status=ExpenseStatus.RECORDED)
    expense(grant, us, "B", "400.00", eligible=False)
    expense(grant, us, "B", None, currency="BGN", amount="500.00", supplier="Hotel Example")
    built = statement_build(grant, grant.periods.get(number=1))
    assert {line.code: line.period for line in built.lines}["B"] == Decimal("100.00")
    assert len(built.problems) == 1 and "Hotel Example" in built.problems[0] and "BGN" in built.problems[0]


def test_personnel_costs_by_hour_and_by_day():
    grant14 = grant_with_partners(partners=0)
    grant21 = grant_with_partners(template_code=EU_2021, partners=0)
    person, boss = UserFactory(), UserFactory()
    employed(person, supervisor=boss, annual_cost="24080.00", fte="0.5")
    day = dt.date(2019, 3, 4)
    approved_time(person, grant14, day, "10")
    approved_time(person, grant21, day + dt.timedelta(days=1), "12")
    # signed, not approved: not counted
    other = UserFactory()
    employed(other, supervisor=boss)
    approved_time(other, grant14, day, "8", status=SheetStatus.SIGNED)
    (line14,) = personnel_cost_lines(grant14, grant14.periods.get(number=1))
    assert (
        line14.amount
        == cents(Decimal("10") * Decimal("24080") / (Decimal("1720") * Decimal("0.5")))
        == Decimal("280.00")
    )
    (line21,) = personnel_cost_lines(grant21, grant21.periods.get(number=1))
    expected = cents(Decimal("12") / Decimal("8") * Decimal("24080") / (Decimal("215") * Decimal("0.5")))
    assert line21.amount == expected == Decimal("336.00")
    built = statement_build(grant21, grant21.periods.get(number=1))
    by_code = {line.code: line for line in built.lines}
    assert by_code["A.1"].period == expected
    assert by_code["E"].period == cents(Decimal("0.07") * expected)


def test_periods_and_to_date():
    grant = grant_with_partners(partners=0)
    us = grant.partners.get()
    p1, p2 = grant.periods.order_by("number")
    expense(grant, us, "C", "100.00", day=p1.start)
    expense(grant, us, "C", "50.00", day=p2.start)
    first = statement_build(grant, p1)
    second = statement_build(grant, p2)
    c1 = {line.code: line for line in first.lines}["C"]
    c2 = {line.code: line for line in second.lines}["C"]
    assert (c1.period, c1.to_date) == (Decimal("100.00"), Decimal("100.00"))
    assert (c2.period, c2.to_date) == (Decimal("50.00"), Decimal("150.00"))


# --- submission -------------------------------------------------------------------------------------


def test_submit_closes_the_period_and_is_audited():
    grant = grant_with_partners(partners=0)
    manager = staff(Role.FINANCIAL_MANAGER)
    period = grant.periods.get(number=1)
    statement_submit(actor=manager, period=period)
    period.refresh_from_db()
    assert period.is_closed and period.submitted_by == manager
    assert AuditEntry.objects.filter(action="finance.statement.submit", object_id=str(period.pk)).exists()
    with pytest.raises(PeriodClosed):
        require_open(grant, period.start)
    with pytest.raises(PeriodClosed):
        statement_submit(actor=manager, period=period)


def test_submit_refused_listing_every_problem():
    grant = grant_with_partners(partners=0)
    us = grant.partners.get()
    manager = staff(Role.FINANCIAL_MANAGER)
    expense(grant, us, "B", "10.00", status=ExpenseStatus.RECORDED, supplier="Waiting supplier")
    expense(grant, us, "B", None, currency="MDL", amount="90.00", supplier="Unconverted supplier")
    person = UserFactory(display_name="Example Person")
    employed(person, supervisor=manager)
    approved_time(person, grant, dt.date(2019, 2, 5), "4", status=SheetStatus.SIGNED)
    period = grant.periods.get(number=1)
    with pytest.raises(FinanceError) as refused:
        statement_submit(actor=manager, period=period)
    text = " ".join(refused.value.messages)
    assert len(refused.value.messages) == 3
    assert "Waiting supplier" in text and "Unconverted supplier" in text and "Example Person" in text
    period.refresh_from_db()
    assert not period.is_closed


def test_submit_only_by_a_financial_manager():
    from refugiu.finance.access import FinanceAccessDenied

    grant = grant_with_partners(partners=0)
    with pytest.raises(FinanceAccessDenied):
        statement_submit(actor=staff(Role.PROJECT_COORDINATOR), period=grant.periods.get(number=1))


# --- files -----------------------------------------------------------------------------------------


@pytest.fixture
def example_grant():
    grant = grant_with_partners(template_code=EU_2021, partners=1, is_example=True)
    us, partner = grant.partners.order_by("order", "pk")
    BudgetLine.objects.create(
        grant=grant, partner=us, category=category(grant, "C.1"), amount=Decimal("1000.00")
    )
    expense(grant, us, "C.1", "250.50")
    expense(grant, partner, "B", "300.00")
    return grant


def test_xlsx_reads_back(example_grant):
    from openpyxl import load_workbook

    built = statement_build(example_grant, example_grant.periods.get(number=1))
    book = load_workbook(io.BytesIO(render_xlsx(built)))
    assert (
        book.sheetnames[0] == "Statement" and len(book.sheetnames) == 4
    )  # consolidated, 2 partners, problems
    rows = [row for row in book["Statement"].iter_rows(values_only=True)]
    text = " ".join(str(cell) for row in rows for cell in row if cell is not None)
    assert "Example figures" in text and example_grant.agreement_number in text
    by_code = {row[0]: row for row in rows if row and row[0]}
    assert by_code["C.1"][1].strip() == "Travel and subsistence"
    assert Decimal(str(by_code["C.1"][2])) == Decimal("1000.00")
    assert Decimal(str(by_code["C.1"][3])) == Decimal("250.50")
    assert Decimal(str(by_code["C.1"][5])) == Decimal("749.50")
    assert Decimal(str(by_code["E"][3])) == cents(Decimal("0.07") * Decimal("250.50"))
    total = [row for row in rows if row and row[1] == "Total eligible costs"][0]
    assert Decimal(str(total[3])) == Decimal("550.50") + cents(Decimal("0.07") * Decimal("250.50"))


def test_pdf_reads_back(example_grant):
    built = statement_build(example_grant, example_grant.periods.get(number=1))
    pdf = render_pdf(built)
    assert pdf.startswith(b"%PDF")
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "poppler-utils is installed here"
    text = subprocess.run(  # noqa: S603 - a fixed local tool, our own PDF as input
        [pdftotext, "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert "Consolidated financial statement" in text
    assert "Example figures" in text
    assert "Travel and subsistence" in text and "250.50" in text and "Subcontracting costs" in text


@pytest.mark.parametrize("format_", ["xlsx", "pdf"])
def test_command(example_grant, tmp_path, format_):
    out = tmp_path / f"s.{format_}"
    stdout = io.StringIO()
    partner = example_grant.partners.order_by("order", "pk")[1]
    call_command(
        "finance_statement",
        "--grant",
        str(example_grant.pk),
        "--period",
        "1",
        "--partner",
        str(partner.pk),
        "--format",
        format_,
        "-o",
        str(out),
        stdout=stdout,
    )
    assert out.read_bytes()[:4] in (b"PK\x03\x04", b"%PDF")
    assert "300.00" in stdout.getvalue()


def test_command_refuses_unknown_period(example_grant, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command(
            "finance_statement", "--grant", str(example_grant.pk), "--period", "9", "-o", str(tmp_path / "x")
        )


# --- pages -----------------------------------------------------------------------------------------


def test_pages_as_financial_manager(client, example_grant):
    manager = staff(Role.FINANCIAL_MANAGER)
    sign_in_as(client, manager)
    url = reverse("finance:statement", args=[example_grant.pk, 1])
    page = client.get(url)
    assert page.status_code == 200
    assert (
        b"Example figures" in page.content
        and b"250.50" in page.content
        and b"Submit the statement" in page.content
    )
    download = client.get(reverse("finance:statement_download", args=[example_grant.pk, 1, "xlsx"]))
    assert download.status_code == 200 and download.content[:2] == b"PK"
    assert (
        client.get(reverse("finance:statement_download", args=[example_grant.pk, 1, "doc"])).status_code
        == 404
    )
    submitted = client.post(reverse("finance:statement_submit", args=[example_grant.pk, 1]), follow=True)
    assert submitted.status_code == 200 and b"the period is closed" in submitted.content
    assert example_grant.periods.get(number=1).is_closed


def test_submit_page_lists_problems(client, example_grant):
    us = example_grant.partners.order_by("order", "pk")[0]
    expense(example_grant, us, "C.2", "5.00", status=ExpenseStatus.RECORDED, supplier="Pending Supplier")
    sign_in_as(client, staff(Role.FINANCIAL_MANAGER))
    response = client.post(reverse("finance:statement_submit", args=[example_grant.pk, 1]), follow=True)
    assert b"Pending Supplier" in response.content
    assert not example_grant.periods.get(number=1).is_closed


def test_coordinator_and_auditor_read_but_do_not_submit(client, example_grant):
    from refugiu.finance.models import AuditorAccess

    coordinator = staff(Role.PROJECT_COORDINATOR)
    example_grant.coordinators.add(coordinator)
    auditor = staff(Role.AUDITOR)
    AuditorAccess.objects.create(
        grant=example_grant,
        auditor=auditor,
        until=dt.date(2999, 1, 1),
        granted_by=staff(Role.FINANCIAL_MANAGER),
    )
    for who in (coordinator, auditor):
        sign_in_as(client, who)
        page = client.get(reverse("finance:statement", args=[example_grant.pk, 1]))
        assert page.status_code == 200 and b"Submit the statement" not in page.content
        assert client.post(reverse("finance:statement_submit", args=[example_grant.pk, 1])).status_code == 404
    assert not example_grant.periods.get(number=1).is_closed


def test_refused_roles_and_other_grants(client, example_grant):
    coordinator = staff(Role.PROJECT_COORDINATOR)  # not this grant's
    sign_in_as(client, coordinator)
    assert client.get(reverse("finance:statement", args=[example_grant.pk, 1])).status_code == 404
    sign_in_as(client, caseworker(DepartmentFactory()))
    assert client.get(reverse("finance:statement", args=[example_grant.pk, 1])).status_code == 404


def test_background_statement(client, example_grant, monkeypatch, django_capture_on_commit_callbacks):
    from refugiu.finance import tasks

    monkeypatch.setattr(tasks, "BACKGROUND_EXPENSES", 1)
    sign_in_as(client, staff(Role.FINANCIAL_MANAGER))
    page = client.get(reverse("finance:statement", args=[example_grant.pk, 1]))
    assert b"Make the XLSX file" in page.content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("finance:statement_request", args=[example_grant.pk, 1]), {"format": "xlsx"}
        )
    run = StatementRun.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/statement-files/{run.pk}/")
    assert run.task_id and client.get(response["Location"]).status_code == 200
    tasks.statement_make.call(run.pk)  # what the worker does with the queued task
    run.refresh_from_db()
    assert run.status == StatementRun.Status.DONE, run.message
    download = client.get(reverse("finance:statement_run_download", args=[example_grant.pk, run.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content)[:2] == b"PK"


def test_costs_on_a_parent_category_are_listed_not_lost():
    grant = grant_with_partners(template_code=EU_2021, partners=0)
    us = grant.partners.get()
    expense(grant, us, "C", "12.00")  # a parent: F1's services book on leaves only
    built = statement_build(grant, grant.periods.get(number=1))
    assert built.total.period == 0
    assert built.problems == [
        "12.00 booked on C Purchase costs cannot be placed in the statement: book it on a subcategory."
    ]
