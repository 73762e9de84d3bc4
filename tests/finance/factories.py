"""Fake grants, beneficiaries, periods and staff for the finance tests. Never real data."""

import datetime as dt
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from refugiu.accounts.roles import Role
from refugiu.finance.cost_templates import bundled_template_files, template_load, template_read
from refugiu.finance.models import (
    CostTemplate,
    Employment,
    Grant,
    GrantPartner,
    ReportingPeriod,
    WorkPackage,
)
from refugiu.finance.vocabularies import PartnerRole, PeriodKind
from refugiu.programmes.models import Project
from tests.factories import UserFactory

EU_2014 = "eu-2014-2020-action-grant"
EU_2021 = "eu-2021-2027-cmga-actual-costs"


def template(code: str = EU_2014) -> CostTemplate:
    """One of the two templates the migrations load, loaded again when a transactional test (a browser's)
    emptied the database before."""
    found = CostTemplate.objects.filter(code=code).first()
    if found is None:
        for path in bundled_template_files():
            template_load(template_read(path))
        found = CostTemplate.objects.get(code=code)
    return found


class ProjectFactory(DjangoModelFactory):
    class Meta:
        model = Project

    title = factory.Sequence(lambda n: f"Example project {n}")
    acronym = factory.Sequence(lambda n: f"EXP{n}")


class GrantFactory(DjangoModelFactory):
    class Meta:
        model = Grant
        skip_postgeneration_save = True

    project = factory.SubFactory(ProjectFactory)
    template = factory.LazyFunction(template)
    agreement_number = factory.Sequence(lambda n: f"TEST-{n:06d}")
    start = dt.date(2019, 1, 1)
    end = dt.date(2020, 12, 31)


class PartnerFactory(DjangoModelFactory):
    class Meta:
        model = GrantPartner

    grant = factory.SubFactory(GrantFactory)
    name = factory.Sequence(lambda n: f"Partner organisation {n}")
    country = "BG"
    role = PartnerRole.BENEFICIARY


def grant_with_partners(*, template_code: str = EU_2014, partners: int = 1, **fields) -> Grant:
    """A grant, us as its coordinator, `partners` more beneficiaries, two work packages and two reporting
    periods (interim for the first year, final for the second)."""
    grant = GrantFactory(template=template(template_code), **fields)
    PartnerFactory(grant=grant, name="Us (test)", country="RO", role=PartnerRole.COORDINATOR, is_us=True)
    for _ in range(partners):
        PartnerFactory(grant=grant)
    WorkPackage.objects.create(grant=grant, number=1, title="Management")
    WorkPackage.objects.create(grant=grant, number=2, title="Training")
    middle = grant.start.replace(year=grant.start.year + 1) - dt.timedelta(days=1)
    ReportingPeriod.objects.create(
        grant=grant, number=1, kind=PeriodKind.INTERIM, start=grant.start, end=middle
    )
    ReportingPeriod.objects.create(
        grant=grant, number=2, kind=PeriodKind.FINAL, start=middle + dt.timedelta(days=1), end=grant.end
    )
    return grant


def finance_person(role: str, **kwargs):
    return UserFactory(roles=[role], **kwargs)


def employed(user, *, supervisor, annual_cost: str = "24080.00", fte: str = "1", start=dt.date(2018, 1, 1)):
    """An employment of `user` (24,080 a year: 14.00 an hour at 1,720 hours)."""
    return Employment.objects.create(
        user=user, supervisor=supervisor, annual_cost=Decimal(annual_cost), fte=Decimal(fte), start=start
    )


def expense_example(grant: Grant, manager, **fields):
    """An expense of 120.00 EUR (20.00 of it VAT, not eligible) paid on 15 March of the grant's first year
    by its first beneficiary, recorded through the service."""
    from refugiu.finance.budget import leaf_categories
    from refugiu.finance.services.expenses import ExpenseFields, expense_record

    values = {
        "date": grant.start.replace(month=3, day=15),
        "partner": grant.partners.first(),
        "category": [c for c in leaf_categories(grant) if c.code in ("B", "C.1")][0],
        "work_package": grant.work_packages.first(),
        "supplier": "Example Travel Ltd",
        "description": "Train tickets to the kick-off meeting",
        "reference": "INV-001",
        "currency": "EUR",
        "amount": Decimal("120.00"),
        "vat_amount": Decimal("20.00"),
        "vat_eligible": False,
    } | fields
    return expense_record(actor=manager, grant=grant, data=ExpenseFields(**values))


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def document_example(expense, manager, *, data: bytes = PDF, kind: str = "invoice"):
    from refugiu.finance.services.documents import expense_document_add

    return expense_document_add(actor=manager, expense=expense, kind=kind, title="Invoice INV-001", data=data)


__all__ = ["Role"]


def finance_world(*, template_code: str = EU_2021, partners: int = 1, **fields) -> dict:
    """A grant with its people: a financial manager, a coordinator of the grant, another coordinator, an
    auditor of the grant, one whose access ran out, someone keeping a timesheet and a caseworker."""
    from refugiu.finance.models import AuditorAccess
    from tests.cases.factories import staff

    grant = grant_with_partners(template_code=template_code, partners=partners, **fields)
    people = {
        "manager": staff(Role.FINANCIAL_MANAGER),
        "coordinator": staff(Role.PROJECT_COORDINATOR),
        "other_coordinator": staff(Role.PROJECT_COORDINATOR),
        "auditor": staff(Role.AUDITOR),
        "expired_auditor": staff(Role.AUDITOR),
        "timesheet": staff(Role.TIMESHEET_STAFF),
        "caseworker": staff(Role.CASEWORKER),
    }
    grant.coordinators.add(people["coordinator"])
    AuditorAccess.objects.create(
        grant=grant, auditor=people["auditor"], until=dt.date(2999, 1, 1), granted_by=people["manager"]
    )
    AuditorAccess.objects.create(
        grant=grant,
        auditor=people["expired_auditor"],
        until=dt.date(2020, 1, 1),
        granted_by=people["manager"],
    )
    return {"grant": grant, "people": people, **people}


def sign_in(client, user) -> None:
    """Sign `user` in afresh; reloaded first, since signing someone out bumps a counter on their row that a
    stale instance would still hold (accounts.models)."""
    from tests.url_patterns import sign_in_as

    user.refresh_from_db()
    sign_in_as(client, user)
