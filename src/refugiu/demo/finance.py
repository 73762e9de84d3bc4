"""The demo's grant finance: a grant for each of the seed's 2019 projects, with EXAMPLE figures.

The seed report names each project's funder programme (the EU's Justice Programme, Rights, Equality and
Citizenship Programme, Internal Security Fund – Police), its partners and their countries, its dates and its
events, but no amount. So every grant here is marked `is_example` (its pages and statements say "Example
figures"), its agreement number is plainly not a real one ("EXAMPLE-JUST-2019-01"), and every amount, rate,
salary, hour and document is made up, reproducibly (a seeded random generator), never presented as the
organisation's real finances. Suppliers are invented and say so ("(fictitious)").

What is loaded, with the EU 2014–2020 action-grant template: the beneficiaries (us and the project's
partners, or, where the report names only a partner's country, "a partner in Bulgaria"), four work packages,
two reporting periods (an interim one whose statement was submitted when it ended before 2019), an example
budget per beneficiary, category and work package, the employments and a year of timesheets (2019) of the
demo's finance staff, approved up to October, November signed and waiting for approval, December a draft,
and the costs of 2019 (the venues and travels of the project's events of the report, supplies, printing),
each with an example PDF invoice made at load time, stored encrypted like every supporting document.

The budget, the expenses (their approval and eligibility) and their documents are written through
finance's services, by the demo's financial manager, as a person would (audited, checked, converted to
euro); the grants' structure, employments and timesheets are written directly (a demo's setting up, like
the admin's; no timesheet service yet).
"""

from __future__ import annotations

import calendar
import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django_countries import countries

from refugiu.accounts.models import User
from refugiu.demo.example_pdf import example_pdf
from refugiu.demo.finance_time import MANAGER, PROJECT_COORDINATOR, STAFF, timesheets_load
from refugiu.demo.programmes import demo_programmes_data
from refugiu.finance.models import (
    AuditorAccess,
    BudgetLine,
    CostCategory,
    CostTemplate,
    Expense,
    Grant,
    GrantPartner,
    ReportingPeriod,
    WorkPackage,
)
from refugiu.finance.money import cents
from refugiu.finance.services.documents import expense_document_add
from refugiu.finance.services.expenses import (
    ExpenseFields,
    expense_approve,
    expense_eligibility_set,
    expense_record,
)
from refugiu.finance.services.grants import budget_lines_set
from refugiu.finance.vocabularies import (
    CategoryKind,
    DocumentKind,
    PartnerRole,
    PeriodKind,
)
from refugiu.programmes.models import Event, Project

TEMPLATE = "eu-2014-2020-action-grant"
SEED = 2019
YEAR = 2019
EXAMPLE_NOTE = "example budget"
# The seed's projects, by their key in demo_programmes.json, and an agreement number nobody could take for
# a real one (the programme's abbreviation, the report's year, a counter).
GRANTS = {
    "pro-victims-justice": "EXAMPLE-JUST-2019-01",
    "raccombat": "EXAMPLE-REC-2019-01",
    "justice-for-women": "EXAMPLE-JUST-2019-02",
    "net-combat-thb-chain": "EXAMPLE-ISFP-2019-01",
    "train-pro-rights": "EXAMPLE-JUST-2019-03",
}
WORK_PACKAGES = [
    "Management and coordination",
    "Research and analysis",
    "Training, meetings and events",
    "Dissemination and awareness",
]
# The demo accounts of grant finance (demo.management.commands.demo.DEMO_ACCOUNTS), by what they do here.
AUDITOR = "auditor@example.org"
AUDITED_GRANT = "EXAMPLE-JUST-2019-02"
AUDIT_DAYS = 90  # the demo auditor's access runs this long from the day the demo starts


# Invented suppliers, one per kind of cost.
SUPPLIERS = {
    "venue": "Example Conference Centre SRL (fictitious)",
    "travel": "Example Travel Agency (fictitious)",
    "supplies": "Example Office Supplies SRL (fictitious)",
    "printing": "Example Print House SRL (fictitious)",
    "equipment": "Example Electronics SRL (fictitious)",
    "interpreting": "Example Interpreters (fictitious)",
}
VAT_RATE = Decimal("0.19")  # Romania's standard rate in 2019


def _month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    return day.replace(year=day.year + month // 12, month=month % 12 + 1, day=1)


def _project_span(project: Project) -> tuple[datetime.date, datetime.date]:
    """The project's dates as the report gives them, to the day: "2018" starts on 1 January, "2020-04"
    ends on 30 April."""
    assert project.start is not None and project.end is not None
    end = project.end.replace(month=12) if project.end_precision == "year" else project.end
    return project.start, _month_end(end)


def _users() -> dict[str, User]:
    names = [MANAGER, PROJECT_COORDINATOR, AUDITOR, *(staff.username for staff in STAFF)]
    return {user.username: user for user in User.objects.filter(username__in=names)}


def finance_demo_load() -> bool:
    """Load the example grants into a database that has no grant, once the seed's projects and the demo
    accounts are there; True when loaded."""
    if Grant.objects.exists():
        return False
    users = _users()
    template = CostTemplate.objects.filter(code=TEMPLATE).first()
    keys = {item["key"]: item["title"] for item in demo_programmes_data()["projects"]}
    projects = {key: Project.objects.filter(title=keys[key]).first() for key in GRANTS if key in keys}
    if template is None or MANAGER not in users or not any(projects.values()):
        return False
    rng = random.Random(SEED)  # noqa: S311 - reproducible example figures, not security
    leaves = list(template.categories.filter(children__isnull=True).exclude(kind=CategoryKind.INDIRECT))
    with transaction.atomic():
        grants = [
            _grant_load(project, GRANTS[key], template, leaves, users, rng)
            for key, project in projects.items()
            if project is not None
        ]
        timesheets_load(grants, users, rng)
        for grant in grants:
            _expenses_load(grant, leaves, users[MANAGER], rng)
        auditor_access_keep_ahead()
    return True


def _grant_load(
    project: Project,
    number: str,
    template: CostTemplate,
    leaves: list[CostCategory],
    users: dict[str, User],
    rng: random.Random,
) -> Grant:
    from refugiu.organisation.models import NGO

    start, end = _project_span(project)
    grant = Grant.objects.create(
        project=project, template=template, agreement_number=number, start=start, end=end, is_example=True
    )
    if PROJECT_COORDINATOR in users:
        grant.coordinators.add(users[PROJECT_COORDINATOR])
    us = NGO.objects.order_by("pk").first()
    partners = [
        GrantPartner(
            grant=grant,
            name=us.name if us else "Pro Refugiu Association",
            short_name=us.short_name if us else "",
            country="RO",
            role=PartnerRole.COORDINATOR if project.our_role == "coordinator" else PartnerRole.BENEFICIARY,
            is_us=True,
            order=0,
        )
    ]
    for order, partner in enumerate(project.partners.select_related("organization"), start=1):
        organisation = partner.organization
        if organisation is not None:
            name, country = organisation.name, organisation.country or ""
            short = organisation.alternate_name if len(organisation.alternate_name or "") <= 12 else ""
        else:
            country, short = str(partner.country), ""
            name = f"A partner in {countries.name(country)} (not named in the report)"
        partners.append(
            GrantPartner(
                grant=grant,
                name=name,
                short_name=short or "",
                country=country or "RO",
                role=PartnerRole.BENEFICIARY,
                project_partner=partner,
                order=order,
            )
        )
    partners = GrantPartner.objects.bulk_create(partners)
    packages = WorkPackage.objects.bulk_create(
        WorkPackage(grant=grant, number=number, title=title)
        for number, title in enumerate(WORK_PACKAGES, start=1)
    )
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    middle = _add_months(start, (months + 1) // 2) - datetime.timedelta(days=1)
    first = ReportingPeriod(grant=grant, number=1, kind=PeriodKind.INTERIM, start=start, end=middle)
    if middle < datetime.date(YEAR, 1, 1):
        # Its statement went in two months after it ended: the period is closed.
        first.submitted_at = timezone.make_aware(
            datetime.datetime.combine(middle + datetime.timedelta(days=60), datetime.time(11))
        )
        first.submitted_by = users[MANAGER]
    ReportingPeriod.objects.bulk_create(
        [
            first,
            ReportingPeriod(
                grant=grant,
                number=2,
                kind=PeriodKind.FINAL,
                start=middle + datetime.timedelta(days=1),
                end=end,
            ),
        ]
    )
    budget_lines_set(
        actor=users[MANAGER], grant=grant, amounts=_budget(partners, packages, leaves, months, rng)
    )
    # Each line says what it is, beside the grant's "Example figures".
    BudgetLine.objects.filter(grant=grant).update(note=EXAMPLE_NOTE)
    return grant


# Where each heading of the 2014–2020 template is planned: staff in every work package, the rest where
# such costs fall.
BUDGET_PLAN = {
    "A": (1, 2, 3, 4),
    "B": (3,),
    "C": (1,),
    "D": (1,),
    "E": (4,),
    "F": (3, 4),
}
# Example monthly amounts (EUR) of each heading for us; partners plan about half.
MONTHLY = {"A": 2600, "B": 450, "C": 40, "D": 60, "E": 300, "F": 420}


def _budget(
    partners: list[GrantPartner],
    packages: list[WorkPackage],
    leaves: list[CostCategory],
    months: int,
    rng: random.Random,
) -> dict[tuple[int, int, int | None], Decimal]:
    """The example budget: (beneficiary, category, work package) → amount, in whole hundreds of euro."""
    by_number = {package.number: package for package in packages}
    lines: dict[tuple[int, int, int | None], Decimal] = {}
    for partner in partners:
        share = 1.0 if partner.is_us else rng.uniform(0.35, 0.6)
        for category in leaves:
            plan = BUDGET_PLAN.get(category.code)
            if plan is None:
                continue
            total = MONTHLY[category.code] * months * share * rng.uniform(0.85, 1.15)
            for number in plan:
                amount = Decimal(round(total / len(plan) / 100) * 100)
                lines[(partner.pk, category.pk, by_number[number].pk)] = amount
    return lines


# --- Costs --------------------------------------------------------------------------------------------------


def _expenses_load(grant: Grant, leaves: list[CostCategory], manager: User, rng: random.Random) -> None:
    """The example costs of 2019 of the grant: ours (the events of the report, supplies, equipment,
    printing), and each partner's travel to the transnational meetings; each with its example invoice."""
    categories = {category.code: category for category in leaves}
    packages = {package.number: package for package in grant.work_packages.all()}
    partners = list(grant.partners.all())
    us = next(partner for partner in partners if partner.is_us)
    first = max(grant.start, datetime.date(YEAR, 1, 1))
    last = min(grant.end, datetime.date(YEAR, 12, 31))
    if first > last:
        return
    planned: list[tuple[GrantPartner, str, int, str, str, datetime.date, int, str]] = []
    events = Event.objects.filter(project=grant.project).prefetch_related("days")
    for event in events:
        days = sorted(day.date for day in event.days.all())
        if not days or not first <= days[0] <= last:
            continue
        title = event.title or f"event of {days[0]:%d %B %Y}"
        if event.country == "RO":
            planned.append(
                (us, "F", 3, "venue", f"Venue and catering: {title}", days[0], rng.randint(18, 45) * 100, "")
            )
            planned.append(
                (us, "F", 3, "interpreting", f"Interpreting: {title}", days[0], rng.randint(6, 14) * 100, "")
            )
            for partner in partners[1:3]:
                planned.append(
                    (partner, "B", 3, "travel", f"Travel to {title}", days[0], rng.randint(4, 9) * 100, "")
                )
        else:
            planned.append(
                (
                    us,
                    "B",
                    3,
                    "travel",
                    f"Flights and accommodation: {title}",
                    days[0],
                    rng.randint(6, 14) * 100,
                    "",
                )
            )
    for month in range(first.month, last.month + 1, 3):
        day = datetime.date(YEAR, month, 10)
        if first <= day <= last:
            planned.append((us, "D", 1, "supplies", "Office supplies", day, rng.randint(8, 30) * 10, ""))
    if first <= datetime.date(YEAR, 3, 4) <= last:
        planned.append(
            (
                us,
                "C",
                1,
                "equipment",
                "Laptop, the grant's share of its depreciation",
                datetime.date(YEAR, 3, 4),
                rng.randint(25, 45) * 10,
                "",
            )
        )
    printing_day = min(last, max(first, datetime.date(YEAR, 9, 2)))
    planned.append(
        (
            us,
            "E",
            4,
            "printing",
            "Printing of the project's guide",
            printing_day,
            rng.randint(12, 30) * 100,
            "",
        )
    )
    planned.append(
        (
            us,
            "F",
            3,
            "venue",
            "Drinks at the partners' dinner",
            printing_day,
            rng.randint(8, 20) * 10,
            "Example of an ineligible cost: alcoholic drinks are not eligible.",
        )
    )
    planned.sort(key=lambda item: item[5])
    for index, (partner, code, package, supplier, description, day, whole, ineligible) in enumerate(planned):
        amount = Decimal(whole) + Decimal(rng.randint(0, 99)) / 100
        vat = cents(amount * VAT_RATE / (1 + VAT_RATE)) if supplier != "travel" else Decimal("0.00")
        expense = expense_record(
            actor=manager,
            grant=grant,
            data=ExpenseFields(
                date=day,
                partner=partner,
                category=categories[code],
                work_package=packages[package],
                supplier=SUPPLIERS[supplier],
                description=f"{description} (example)",
                reference=f"EX-{grant.pk}-{index + 1:03d}",
                currency="EUR",
                amount=amount,
                vat_amount=vat,
                vat_eligible=True,  # an association that cannot recover VAT (an example)
            ),
        )
        kind = DocumentKind.BOARDING_PASS if supplier == "travel" else DocumentKind.INVOICE
        expense_document_add(
            actor=manager,
            expense=expense,
            kind=kind,
            title=f"{DocumentKind(kind).label} {expense.reference} (example)",
            data=_document(expense, kind),
        )
        if ineligible:
            expense_eligibility_set(actor=manager, expense=expense, eligible=False, reason=ineligible)
        # The last two wait for the financial manager's approval.
        if index < len(planned) - 2:
            expense_approve(actor=manager, expense=expense)


def _document(expense: Expense, kind: str) -> bytes:
    """An example PDF of the expense: an invoice or a boarding pass that says it is made up."""
    label = DocumentKind(kind).label
    return example_pdf(
        f"{str(label).capitalize()} {expense.reference}",
        [
            f"Supplier: {expense.supplier}",
            f"Date: {expense.date.isoformat()}",
            f"For: {expense.description}",
            f"Amount: {expense.amount} {expense.currency} (of which VAT {expense.vat_amount})",
            f"Grant: {expense.grant.agreement_number} (example figures)",
        ],
    )


# --- The demo auditor ---------------------------------------------------------------------------------------


def auditor_access_keep_ahead() -> bool:
    """Give the demo auditor access to one example grant, running AUDIT_DAYS from today, or move its date
    ahead when fewer than half of them are left (so a demo started again weeks later still has it to
    try); True when given or moved."""
    users = _users()
    auditor, manager = users.get(AUDITOR), users.get(MANAGER)
    grant = Grant.objects.filter(agreement_number=AUDITED_GRANT, is_example=True).first()
    if auditor is None or manager is None or grant is None:
        return False
    until = timezone.localdate() + datetime.timedelta(days=AUDIT_DAYS)
    access = AuditorAccess.objects.filter(grant=grant, auditor=auditor).first()
    if access is None:
        AuditorAccess.objects.create(grant=grant, auditor=auditor, until=until, granted_by=manager)
        return True
    if access.until < timezone.localdate() + datetime.timedelta(days=AUDIT_DAYS // 2):
        access.until = until
        access.save(update_fields=["until"])
        return True
    return False
