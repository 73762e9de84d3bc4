"""The demo's grant finance (demo.finance): a grant for each of the seed's 2019 projects, every one marked as
example figures, a year of timesheets that an auditor would accept, expenses with example PDF documents, and
demo accounts for the four finance roles that reach what their role allows.

Loaded once for the module (in a transaction rolled back at the end), the way `refugiu demo` loads it, without
the cases (finance sees none); each test runs in a savepoint inside it.
"""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Sum
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from refugiu.accounts.models import User
from refugiu.accounts.roles import Role
from refugiu.core.crypto import decrypt_bytes
from refugiu.core.encrypted_files import encrypted_files_dir
from refugiu.demo import finance as demo_finance
from refugiu.demo.programmes import demo_programmes_data
from refugiu.finance.models import (
    AuditorAccess,
    BudgetLine,
    Employment,
    Expense,
    ExpenseDocument,
    Grant,
    TimeEntry,
    TimesheetMonth,
)
from refugiu.finance.vocabularies import ExpenseStatus, PartnerRole, SheetStatus, TimeKind
from tests.url_patterns import sign_in_as

pytestmark = pytest.mark.django_db

FUNDER_PROGRAMMES = {
    "Justice Programme",
    "Rights Equality and Citizenship Programme",
    "Internal Security Fund Police",
}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    from refugiu.demo.directory import directory_demo_load
    from refugiu.demo.management.commands.demo import demo_accounts_ensure
    from refugiu.demo.organisation import organisation_demo_load
    from refugiu.demo.programmes import programmes_demo_load

    data_dir = tmp_path_factory.mktemp("demo-finance")
    with django_db_blocker.unblock(), override_settings(DATA_DIR=data_dir), transaction.atomic():
        organisation_demo_load()
        directory_demo_load()
        programmes_demo_load()
        demo_accounts_ensure()
        assert demo_finance.finance_demo_load()
        yield {"data_dir": data_dir}
        transaction.set_rollback(True)


def user(username: str) -> User:
    return User.objects.get(username=username)


def test_a_grant_for_each_of_the_seeds_projects_all_example_figures(demo):
    projects = demo_programmes_data()["projects"]
    grants = Grant.objects.select_related("project__funder_programme", "template")
    assert grants.count() == len(projects) == 5
    for grant in grants:
        assert grant.is_example and grant.agreement_number.startswith("EXAMPLE-")
        assert grant.template.code == "eu-2014-2020-action-grant"
        assert grant.project.funder_programme.name in FUNDER_PROGRAMMES
        abbreviation = {"Justice Programme": "JUST", "Internal Security Fund Police": "ISFP"}.get(
            grant.project.funder_programme.name, "REC"
        )
        assert grant.agreement_number.startswith(f"EXAMPLE-{abbreviation}-2019-")
        # Us, then the project's partners, each in its country.
        partners = list(grant.partners.all())
        us = partners[0]
        assert us.is_us and us.country == "RO"
        ours = PartnerRole.COORDINATOR if grant.project.our_role == "coordinator" else PartnerRole.BENEFICIARY
        assert us.role == ours
        assert len(partners) == 1 + grant.project.partners.count()
        for partner in partners[1:]:
            source = partner.project_partner
            expected = source.organization.country if source.organization else source.country
            assert partner.country == expected and partner.role == PartnerRole.BENEFICIARY
        assert grant.work_packages.count() == 4 and grant.periods.count() == 2
        assert grant.coordinators.filter(username="projectlead").exists()
    assert set(BudgetLine.objects.values_list("note", flat=True)) == {"example budget"}
    assert BudgetLine.objects.aggregate(total=Sum("amount"))["total"] > 0
    # The interim period of a project that was over by 2019 had its statement submitted.
    closed = Grant.objects.get(agreement_number="EXAMPLE-JUST-2019-01").periods.get(number=1)
    assert closed.is_closed and closed.end < dt.date(2019, 1, 1)


def test_a_year_of_timesheets_an_auditor_would_accept(demo):
    employments = {e.user.username: e for e in Employment.objects.select_related("user", "supervisor")}
    assert set(employments) == {"timesheet", "timesheet2", "projectlead"}
    for username, employment in employments.items():
        sheets = TimesheetMonth.objects.filter(user=employment.user).order_by("month")
        assert [sheet.month for sheet in sheets] == [dt.date(2019, month, 1) for month in range(1, 13)]
        statuses = [sheet.status for sheet in sheets]
        assert statuses == [SheetStatus.APPROVED] * 10 + [SheetStatus.SIGNED, SheetStatus.DRAFT], username
        assert all(sheet.approved_by_id == employment.supervisor_id for sheet in sheets[:10])
        entries = TimeEntry.objects.filter(sheet__user=employment.user).select_related("grant")
        # Every working day adds up to the day of a full-time equivalent; never on a weekend.
        by_day: dict[dt.date, Decimal] = defaultdict(Decimal)
        for entry in entries:
            by_day[entry.date] += entry.hours
            assert entry.date.weekday() < 5
            if entry.kind == TimeKind.PROJECT:
                assert entry.grant.start <= entry.date <= entry.grant.end
                assert entry.work_package.grant_id == entry.grant_id
                assert entry.grant.partners.filter(is_us=True).exists()
        assert set(by_day.values()) == {8 * employment.fte}, username
        # Within the year's ceiling: 1,720 hours × the full-time equivalent.
        project = entries.filter(kind=TimeKind.PROJECT).aggregate(total=Sum("hours"))["total"]
        assert Decimal(500) * employment.fte < project <= Decimal(1720) * employment.fte, username


def test_expenses_of_2019_with_example_pdf_documents(demo):
    expenses = Expense.objects.select_related("grant", "period")
    assert expenses.count() >= 40
    for expense in expenses:
        assert dt.date(2019, 1, 1) <= expense.date <= dt.date(2019, 12, 31)
        assert expense.grant.start <= expense.date <= expense.grant.end
        assert expense.period.start <= expense.date <= expense.period.end and not expense.period.is_closed
        assert "(fictitious)" in expense.supplier and "(example)" in expense.description
        assert expense.amount_eur == expense.amount and expense.currency == "EUR"
        assert expense.documents.count() == 1
    assert expenses.filter(status=ExpenseStatus.RECORDED).count() == 2 * Grant.objects.count()
    assert expenses.filter(eligible=False).exclude(ineligible_reason="").exists()
    # Each document an encrypted PDF that says it is an example.
    with override_settings(DATA_DIR=demo["data_dir"]):
        folder = encrypted_files_dir()
        for document in ExpenseDocument.objects.all():
            stored = (folder / document.stored_name).read_bytes()
            assert not stored.startswith(b"%PDF")
            data = decrypt_bytes(stored)
            assert data.startswith(b"%PDF-") and b"(EXAMPLE)" in data and len(data) == document.size
            assert (folder / document.stored_name).stat().st_mode & 0o077 == 0


def test_finance_accounts_have_a_second_factor_where_their_role_needs_one(demo):
    from allauth.mfa.models import Authenticator

    for username in ("finance", "projectlead", "auditor@example.org"):
        assert Authenticator.objects.filter(user__username=username, type="totp").exists(), username
    for username in ("timesheet", "timesheet2"):
        assert not Authenticator.objects.filter(user__username=username).exists(), username
    assert user("auditor@example.org").roles == {Role.AUDITOR}
    assert user("auditor@example.org").email == "auditor@example.org"
    assert user("finance").is_staff and not user("finance").is_superuser


def test_demo_accounts_reach_their_pages_and_every_page_says_example_figures(demo, client):
    grants = list(Grant.objects.all())
    audited = Grant.objects.get(agreement_number=demo_finance.AUDITED_GRANT)

    sign_in_as(client, user("finance"))
    index = client.get(reverse("finance:index")).content.decode()
    assert index.count("example figures") == len(grants)
    for grant in grants:
        page = client.get(reverse("finance:grant", args=[grant.pk])).content.decode()
        assert "Example figures" in page and grant.agreement_number in page
        auditors = client.get(reverse("finance:auditors", args=[grant.pk])).content.decode()
        assert "Example figures" in auditors
    assert "Demo auditor" in client.get(reverse("finance:auditors", args=[audited.pk])).content.decode()
    assert client.get(reverse("admin:finance_grant_changelist")).status_code == 200

    coordinator = Client()
    sign_in_as(coordinator, user("projectlead"))
    for grant in grants:
        page = coordinator.get(reverse("finance:grant", args=[grant.pk])).content.decode()
        assert "Example figures" in page

    staff = Client()
    sign_in_as(staff, user("timesheet"))
    assert staff.get(reverse("finance:index")).status_code == 200
    assert staff.get(reverse("finance:grant", args=[audited.pk])).status_code == 404

    auditor = Client()
    sign_in_as(auditor, user("auditor@example.org"))
    index = auditor.get(reverse("finance:index")).content.decode()
    assert audited.agreement_number in index
    assert all(g.agreement_number not in index for g in grants if g != audited)
    assert "Example figures" in auditor.get(reverse("finance:grant", args=[audited.pk])).content.decode()
    for grant in grants:
        if grant != audited:
            assert auditor.get(reverse("finance:grant", args=[grant.pk])).status_code == 404
    assert auditor.get(reverse("finance:auditors", args=[audited.pk])).status_code == 404

    # Every page of a grant says its figures are examples, whoever reads it.
    expense = Expense.objects.filter(grant=audited).first()
    pages = [
        reverse("finance:budget", args=[audited.pk]),
        reverse("finance:expenses", args=[audited.pk]),
        reverse("finance:expense", args=[audited.pk, expense.pk]),
        reverse("finance:monitoring", args=[audited.pk]),
        reverse("finance:statement", args=[audited.pk, 1]),
    ]
    for browser in (client, auditor):
        for url in pages:
            response = browser.get(url)
            assert response.status_code == 200 and "Example figures" in response.content.decode(), url


def test_the_demo_auditors_access_is_kept_ahead(demo):
    access = AuditorAccess.objects.get(auditor__username="auditor@example.org")
    today = timezone.localdate()
    assert access.until == today + dt.timedelta(days=demo_finance.AUDIT_DAYS)
    assert not demo_finance.auditor_access_keep_ahead()  # plenty left
    AuditorAccess.objects.filter(pk=access.pk).update(until=today - dt.timedelta(days=1))  # weeks later
    assert demo_finance.auditor_access_keep_ahead()
    access.refresh_from_db()
    assert access.until == today + dt.timedelta(days=demo_finance.AUDIT_DAYS)


def test_loading_again_changes_nothing(demo):
    counts = (Grant.objects.count(), Expense.objects.count(), TimeEntry.objects.count())
    assert not demo_finance.finance_demo_load()
    assert (Grant.objects.count(), Expense.objects.count(), TimeEntry.objects.count()) == counts
