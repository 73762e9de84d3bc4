"""Every URL of grant finance, for every role and an anonymous visitor.

URLs are read from the URL configuration: a view added later without an entry in EXPECTED fails
`test_every_url_has_expectations`. Who may reach a page at all is the first question (anyone else gets 404
for every method, as if the page did not exist, and nothing changes); which grant, timesheet or document
within it is the second (`tests/finance/test_access.py`).
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from refugiu.accounts.roles import Role
from refugiu.finance.models import AuditorAccess, StatementRun, TimeEntry, TimesheetMonth
from refugiu.finance.vocabularies import SheetStatus, TimeKind
from tests.cases.factories import DepartmentFactory, caseworker, coordinator, staff
from tests.factories import UserFactory
from tests.finance.factories import document_example, employed, expense_example, grant_with_partners
from tests.url_patterns import get_to_end, named_urls, sign_in_as

pytestmark = pytest.mark.django_db

NAMESPACES = ("finance",)

FINANCE_ROLES = ("financial_manager", "project_coordinator", "timesheet_staff", "auditor")
OTHERS = (
    "caseworker",
    "coordinator",
    "programme_staff",
    "dpo",
    "administrator",
    "directory_editor",
    "researcher",
    "representative",
)

# For each URL, the finance roles that reach it (200, 302 or 405); every other role gets 404.
ANY = frozenset(FINANCE_ROLES)
READERS = frozenset({"financial_manager", "project_coordinator", "auditor"})
MANAGER = frozenset({"financial_manager"})
# Who keeps a timesheet (FINANCE_TIMESHEET); who approves (coordinators of their people, managers).
KEEPERS = frozenset({"financial_manager", "project_coordinator", "timesheet_staff"})
APPROVERS = frozenset({"financial_manager", "project_coordinator"})
EXPECTED: dict[str, frozenset[str]] = {
    "finance:index": ANY,
    "finance:grant": READERS,
    "finance:budget": READERS,
    "finance:budget_edit": MANAGER,
    "finance:rates": MANAGER,
    "finance:rates_import": MANAGER,
    "finance:expenses": READERS,
    "finance:expense_new": MANAGER,
    "finance:expenses_convert": MANAGER,
    "finance:expense": READERS,
    "finance:expense_edit": MANAGER,
    "finance:expense_decide": MANAGER,
    "finance:expense_adjust": MANAGER,
    "finance:expense_document_new": MANAGER,
    "finance:expense_document": READERS,
    "finance:statement": READERS,
    "finance:statement_download": READERS,
    "finance:statement_request": READERS,
    "finance:statement_submit": MANAGER,
    "finance:statement_run": READERS,
    "finance:statement_run_download": READERS,
    "finance:monitoring": READERS,
    "finance:ledger": frozenset({"financial_manager", "auditor"}),
    "finance:timesheet_mine": KEEPERS,
    "finance:timesheet_month": KEEPERS,
    "finance:timesheet_queue": APPROVERS,
    "finance:timesheet_overview": MANAGER,
    # The world's signed month of timesheet_staff: its owner, their supervisor and a manager open it; the
    # supervisor and a manager decide on it; its owner and a manager correct it.
    "finance:timesheet_detail": KEEPERS,
    "finance:timesheet_approve": APPROVERS,
    "finance:timesheet_return": APPROVERS,
    "finance:timesheet_correct": frozenset({"financial_manager", "timesheet_staff"}),
    "finance:auditors": MANAGER,
    "finance:auditor_withdraw": MANAGER,
}


def test_every_url_has_expectations():
    names = set(named_urls(NAMESPACES))
    assert names, "the finance module has no URLs"
    assert names - set(EXPECTED) == set(), "add these URLs to EXPECTED (and think about who may use them)"
    assert set(EXPECTED) - names == set(), "these URLs no longer exist: remove them from EXPECTED"


@pytest.fixture
def world():
    department = DepartmentFactory()
    people = {
        "financial_manager": staff(Role.FINANCIAL_MANAGER),
        "project_coordinator": staff(Role.PROJECT_COORDINATOR),
        "timesheet_staff": staff(Role.TIMESHEET_STAFF),
        "auditor": staff(Role.AUDITOR),
        "caseworker": caseworker(department),
        "coordinator": coordinator(department),
        "programme_staff": staff(Role.PROGRAMME_STAFF),
        "dpo": staff(Role.DATA_PROTECTION_OFFICER),
        "administrator": UserFactory(is_superuser=True, is_staff=True, roles=[Role.ADMINISTRATOR]),
        "directory_editor": staff(Role.DIRECTORY_EDITOR),
        "researcher": staff(Role.RESEARCHER),
        "representative": staff(Role.ORGANIZATION_REPRESENTATIVE),
    }
    grant = grant_with_partners()
    grant.coordinators.add(people["project_coordinator"])
    audit_access = AuditorAccess.objects.create(
        grant=grant,
        auditor=people["auditor"],
        until=grant.end.replace(year=2999),
        granted_by=people["financial_manager"],
    )
    employed(people["timesheet_staff"], supervisor=people["project_coordinator"])
    expense = expense_example(grant, people["financial_manager"])
    document = document_example(expense, people["financial_manager"])
    run = StatementRun.objects.create(
        grant=grant,
        period=grant.periods.get(number=1),
        format="xlsx",
        status=StatementRun.Status.DONE,
        filename="statement.xlsx",
        requested_by=people["financial_manager"],
    )
    run.file.save("statement.xlsx", ContentFile(b"PK"), save=True)
    sheet = TimesheetMonth.objects.create(
        user=people["timesheet_staff"], month=dt.date(2019, 3, 1), status=SheetStatus.SIGNED
    )
    TimeEntry.objects.create(
        sheet=sheet, date=dt.date(2019, 3, 4), kind=TimeKind.PROJECT, grant=grant, hours=Decimal("6")
    )
    kwargs = {
        "grant_id": grant.pk,
        "expense_id": expense.pk,
        "document_id": document.pk,
        "number": 1,
        "format": "xlsx",
        "run_id": run.pk,
        "sheet_id": sheet.pk,
        "year": 2019,
        "month": 3,
        "access_id": audit_access.pk,
    }
    return {"people": people, "kwargs": kwargs, "grant": grant}


def _url(name: str, world) -> str:
    needed = named_urls(NAMESPACES)[name]
    return reverse(name, kwargs={key: world["kwargs"][key] for key in needed})


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_matrix(client, world, name):
    url = _url(name, world)
    anonymous = get_to_end(client, url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"], (name, "anonymous")
    assert client.post(url, {}).status_code == 302, (name, "anonymous POST")
    for who in (*FINANCE_ROLES, *OTHERS):
        sign_in_as(client, world["people"][who])
        response = get_to_end(client, url)
        if who in EXPECTED[name]:
            assert response.status_code in (200, 302, 405), (name, who, response.status_code)
        else:
            assert response.status_code == 404, (name, who, response.status_code)
            assert client.post(url, {}).status_code == 404, (name, who, "POST")
        assert response["Cache-Control"] == "no-store", (name, who)


def test_finance_roles_reach_no_case_page(client, world):
    """Finance sees no case: the cases matrix walks its own URLs for the case roles."""
    for who in FINANCE_ROLES:
        sign_in_as(client, world["people"][who])
        for name, needed in named_urls(("cases", "documents", "dpo", "tokens")).items():
            url = reverse(name, kwargs={key: 1 for key in needed})
            assert get_to_end(client, url).status_code == 404, (name, who)
