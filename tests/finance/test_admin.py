"""Grant finance in the Django admin: financial managers only (signed in with their second factor), cost
templates read only, every save and delete audited through finance.services.records, closed periods kept."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from refugiu.accounts.roles import Role
from refugiu.core.models import AuditEntry
from refugiu.finance.models import CostTemplate, Employment, Grant, ReportingPeriod
from tests.accounts.mfa import force_login_with_mfa
from tests.factories import UserFactory
from tests.finance.factories import EU_2014, ProjectFactory, employed, grant_with_partners, template

pytestmark = pytest.mark.django_db

MODELS = ["grant", "employment", "costtemplate"]


def manager():
    return UserFactory(roles=[Role.FINANCIAL_MANAGER], is_staff=True)


@pytest.fixture
def as_manager(client):
    person = manager()
    force_login_with_mfa(client, person)
    client.person = person
    return client


def test_only_financial_managers_reach_the_finance_admin(client):
    grant = grant_with_partners()
    urls = [reverse(f"admin:finance_{model}_changelist") for model in MODELS] + [
        reverse("admin:finance_grant_change", args=[grant.pk]),
        reverse("admin:finance_grant_add"),
        reverse("admin:finance_employment_add"),
    ]
    for person in (
        UserFactory(is_staff=True, is_superuser=True),
        UserFactory(is_staff=True, roles=[Role.ADMINISTRATOR]),
        UserFactory(is_staff=True, roles=[Role.PROGRAMME_STAFF]),
        UserFactory(is_staff=True, roles=[Role.PROJECT_COORDINATOR]),
        UserFactory(is_staff=True, roles=[Role.AUDITOR]),
    ):
        force_login_with_mfa(client, person)
        assert "finance" not in client.get(reverse("admin:index")).content.decode().lower(), person
        for url in urls:
            assert client.get(url).status_code == 403, (person.roles, url)
        client.logout()
    force_login_with_mfa(client, manager())
    index = client.get(reverse("admin:index")).content.decode()
    for model in MODELS:
        assert reverse(f"admin:finance_{model}_changelist") in index
    for url in urls:
        assert client.get(url).status_code == 200, url
    # Budgets, expenses, rates, timesheets and auditors' access have their own rules and pages.
    not_here = ("budgetline", "expense", "expensedocument", "exchangerate", "timesheetmonth", "auditoraccess")
    for model in not_here:
        assert f"finance/{model}/" not in index


def test_a_financial_manager_needs_a_second_factor_for_the_admin(client):
    person = manager()
    client.force_login(person)  # a password alone
    response = client.get(reverse("admin:finance_grant_changelist"))
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")


def test_cost_templates_are_read_only(as_manager):
    eu = template(EU_2014)
    url = reverse("admin:finance_costtemplate_change", args=[eu.pk])
    page = as_manager.get(url).content.decode()
    assert "Staff costs" in page and "Indirect costs" in page
    assert 'name="name"' not in page and 'name="categories-0-code"' not in page
    assert as_manager.get(reverse("admin:finance_costtemplate_add")).status_code == 403
    assert as_manager.post(url, {"name": "Changed"}).status_code == 403
    assert as_manager.post(reverse("admin:finance_costtemplate_delete", args=[eu.pk])).status_code == 403
    eu.refresh_from_db()
    assert eu.name != "Changed" and CostTemplate.objects.filter(pk=eu.pk).exists()


def _management(prefix: str, rows: list[dict], initial: int = 0) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": len(rows),
        f"{prefix}-INITIAL_FORMS": initial,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{key}": value for key, value in row.items()})
    return data


def test_a_grant_made_in_the_admin_with_its_beneficiaries_work_packages_and_periods_is_audited(as_manager):
    project = ProjectFactory()
    coordinator = UserFactory(roles=[Role.PROJECT_COORDINATOR])
    data = {
        "project": project.pk,
        "template": template(EU_2014).pk,
        "agreement_number": "EXAMPLE-ADMIN-01",
        "start": "2019-01-01",
        "end": "2020-06-30",
        "coordinators": [coordinator.pk],
        **_management(
            "partners",
            [
                {"order": 0, "name": "Us (test)", "country": "RO", "role": "coordinator", "is_us": "on"},
                {"order": 1, "name": "Partner (test)", "country": "BG", "role": "beneficiary"},
            ],
        ),
        **_management("work_packages", [{"number": 1, "title": "Management"}]),
        **_management(
            "periods",
            [
                {"number": 1, "kind": "interim", "start": "2019-01-01", "end": "2019-12-31"},
                {"number": 2, "kind": "final", "start": "2020-01-01", "end": "2020-06-30"},
            ],
        ),
    }
    response = as_manager.post(reverse("admin:finance_grant_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    grant = Grant.objects.get(agreement_number="EXAMPLE-ADMIN-01")
    assert list(grant.coordinators.all()) == [coordinator]
    assert grant.partners.count() == 2 and grant.work_packages.count() == 1 and grant.periods.count() == 2
    actions = list(AuditEntry.objects.filter(action__startswith="finance.").values_list("action", flat=True))
    assert sorted(actions) == sorted(
        [
            "finance.grant.created",
            "finance.grantpartner.created",
            "finance.grantpartner.created",
            "finance.workpackage.created",
            "finance.reportingperiod.created",
            "finance.reportingperiod.created",
        ]
    )
    assert all(entry.actor_id == as_manager.person.pk for entry in AuditEntry.objects.all())
    # The template is chosen once: the page no longer offers it.
    page = as_manager.get(reverse("admin:finance_grant_change", args=[grant.pk])).content.decode()
    assert 'name="template"' not in page


def _grant_change_data(grant: Grant, changes: dict[int, dict]) -> dict:
    periods = list(grant.periods.order_by("pk"))
    rows = []
    for period in periods:
        row = {
            "id": period.pk,
            "grant": grant.pk,
            "number": period.number,
            "kind": period.kind,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
        }
        row.update(changes.get(period.number, {}))
        rows.append(row)
    return {
        "project": grant.project_id,
        "agreement_number": grant.agreement_number,
        "start": grant.start.isoformat(),
        "end": grant.end.isoformat(),
        **_management("partners", [], 0),
        **_management("work_packages", [], 0),
        **_management("periods", rows, len(rows)),
    }


def test_a_closed_period_neither_changes_nor_goes(as_manager):
    grant = grant_with_partners()
    # The admin lists every partner and work package; leave them out of the POST by making the grant bare.
    grant.partners.all().delete()
    grant.work_packages.all().delete()
    ReportingPeriod.objects.filter(grant=grant, number=1).update(
        submitted_at=timezone.now(), submitted_by=as_manager.person
    )
    url = reverse("admin:finance_grant_change", args=[grant.pk])
    for change in ({"end": "2019-06-30"}, {"DELETE": "on"}):
        response = as_manager.post(url, _grant_change_data(grant, {1: change}))
        assert response.status_code == 200
        assert "This period is closed" in response.content.decode()
    first = grant.periods.get(number=1)
    assert first.end == dt.date(2019, 12, 31)
    # An open one changes, audited by the names of the fields changed.
    response = as_manager.post(url, _grant_change_data(grant, {2: {"end": "2020-11-30"}}))
    assert response.status_code == 302
    assert grant.periods.get(number=2).end == dt.date(2020, 11, 30)
    entry = AuditEntry.objects.get(action="finance.reportingperiod.changed")
    assert entry.detail == {"fields": ["end"]}


def test_an_employment_change_is_audited_without_the_salary(as_manager):
    supervisor = UserFactory(roles=[Role.PROJECT_COORDINATOR])
    person = UserFactory(roles=[Role.TIMESHEET_STAFF])
    employment = employed(person, supervisor=supervisor, annual_cost="24080.00")
    url = reverse("admin:finance_employment_change", args=[employment.pk])
    response = as_manager.post(
        url,
        {
            "user": person.pk,
            "start": employment.start.isoformat(),
            "end": "",
            "fte": "1",
            "annual_cost": "31234.56",
            "supervisor": supervisor.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Employment.objects.get(pk=employment.pk).annual_cost == Decimal("31234.56")
    entry = AuditEntry.objects.get(action="finance.employment.changed")
    assert entry.detail == {"fields": ["annual_cost"]}
    assert "31234" not in str(entry.detail) and "24080" not in str(entry.detail)
    # Someone holding no finance role is not offered as the staff member.
    outsider = UserFactory(roles=[Role.CASEWORKER])
    page = as_manager.get(reverse("admin:finance_employment_add")).content.decode()
    assert f'value="{outsider.pk}"' not in page and f'value="{person.pk}"' in page
