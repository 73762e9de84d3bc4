"""A synthetic grant for the finance benchmarks: plainly fake, deterministic, large.

Nothing here may pass for real, and the grant is flagged `is_example` so that every page and statement of
it says "Example figures". Its project is "Synthetic finance project N", its agreement number
"SYNTHETIC-FIN-N", its beneficiaries "Synthetic beneficiary N" (the first, the coordinator, is us), its staff
"synthetic-finance-staff-NNNN" with the display name "Synthetic staff NNNN" and no password, its suppliers
"Synthetic supplier N".

What `finance_generate(partners=P, years=Y, expenses=E, staff=S)` makes:
- a grant of Y years from 1 January of `start_year` under the chosen template, P beneficiaries, 5 work
  packages, a reporting period per year (the last one final), a budget line per beneficiary and direct leaf
  category;
- S staff of ours, each employed for the whole grant (full or part time, 30,000 to 60,000 a year) under one
  synthetic supervisor, with an approved timesheet for every month: every weekday 2 to 7.5 hours on one of
  the grant's work packages and the rest of an 8-hour day on other work (so S × about 260 × Y × 2 entries);
- E expenses spread over the grant's days, beneficiaries and leaf categories (ours not on the timesheet
  category): about 92 % approved,
  5 % waiting for approval, 3 % rejected; 1 in 10 in another currency with its euro amount, of which a few
  (1 in 200 of all) approved without one (the statement lists them as "no exchange rate"); 1 in 50 ineligible.

Speed: bulk_create in batches, no per-row services; the planner's statistics are refreshed at the end. The
same seed and sizes give the same data (ids aside).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from refugiu.accounts.models import RoleAssignment, User
from refugiu.accounts.roles import Role
from refugiu.finance.models import (
    BudgetLine,
    CostCategory,
    CostTemplate,
    Employment,
    Expense,
    Grant,
    GrantPartner,
    ReportingPeriod,
    TimeEntry,
    TimesheetMonth,
    WorkPackage,
)
from refugiu.finance.money import cents
from refugiu.finance.timesheets import personnel_costs_write
from refugiu.finance.vocabularies import (
    CategoryKind,
    ExpenseStatus,
    PartnerRole,
    PeriodKind,
    SheetStatus,
    TimeKind,
)
from refugiu.programmes.models import Project

LABEL = "Synthetic"
BATCH_SIZE = 5000
COUNTRIES = ["RO", "BG", "GR", "MD", "HU", "PL", "AT", "DE", "FR", "IT"]
CURRENCIES = {"BGN": Decimal("1.955830"), "RON": Decimal("4.745000"), "MDL": Decimal("19.800000")}
DEFAULT_TEMPLATE = "eu-2014-2020-action-grant"


class FinanceExists(ValueError):
    pass


@dataclass
class FinanceSummary:
    grant_id: int
    partners: int
    periods: int
    staff: int
    sheets: int
    time_entries: int
    expenses: int
    seconds: float

    def __str__(self) -> str:
        return (
            f"grant {self.grant_id}: {self.partners} beneficiaries, {self.periods} reporting periods, "
            f"{self.staff} staff, {self.sheets:,} approved timesheets, {self.time_entries:,} time entries, "
            f"{self.expenses:,} expenses in {self.seconds:.1f} s"
        )


def _months(start: dt.date, end: dt.date) -> list[dt.date]:
    months, day = [], start.replace(day=1)
    while day <= end:
        months.append(day)
        day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return months


def finance_generate(
    *,
    partners: int,
    years: int,
    expenses: int,
    staff: int,
    seed: int = 0,
    start_year: int = 2030,
    template_code: str = DEFAULT_TEMPLATE,
) -> FinanceSummary:
    started = time.perf_counter()
    rng = random.Random(f"refugiu-finance-{seed}")  # noqa: S311 - reproducible fake data
    number = Grant.objects.filter(agreement_number__startswith="SYNTHETIC-FIN-").count() + 1
    agreement = f"SYNTHETIC-FIN-{number}"
    if Project.objects.filter(title=f"{LABEL} finance project {number}").exists():
        raise FinanceExists(f"{LABEL} finance project {number} exists")
    template = CostTemplate.objects.get(code=template_code)
    start, end = dt.date(start_year, 1, 1), dt.date(start_year + years - 1, 12, 31)
    with transaction.atomic():
        project = Project.objects.create(title=f"{LABEL} finance project {number}", acronym=f"SYNFIN{number}")
        grant = Grant.objects.create(
            project=project,
            template=template,
            agreement_number=agreement,
            start=start,
            end=end,
            is_example=True,
        )
        beneficiaries = GrantPartner.objects.bulk_create(
            GrantPartner(
                grant=grant,
                name=f"{LABEL} beneficiary {n}",
                short_name=f"SB{n}",
                country=COUNTRIES[(n - 1) % len(COUNTRIES)],
                role=PartnerRole.COORDINATOR if n == 1 else PartnerRole.BENEFICIARY,
                is_us=n == 1,
                order=n,
            )
            for n in range(1, partners + 1)
        )
        packages = WorkPackage.objects.bulk_create(
            WorkPackage(grant=grant, number=n, title=f"{LABEL} work package {n}") for n in range(1, 6)
        )
        periods = ReportingPeriod.objects.bulk_create(
            ReportingPeriod(
                grant=grant,
                number=n + 1,
                kind=PeriodKind.FINAL if n == years - 1 else PeriodKind.INTERIM,
                start=dt.date(start_year + n, 1, 1),
                end=dt.date(start_year + n, 12, 31),
            )
            for n in range(years)
        )
        period_of_year = {period.start.year: period for period in periods}
        leaves = [
            category
            for category in CostCategory.objects.filter(template=template, children__isnull=True)
            if category.kind != CategoryKind.INDIRECT
        ]
        direct = [category for category in leaves if not category.from_timesheets]
        people = _staff(grant, staff, number)
        # About what will be spent: the expenses' mean (2,500) spread evenly, the staff's time (three fifths
        # of 45,000 a year each) on our timesheet category; each line 80 % to 130 % of that.
        per_line = Decimal(expenses * 2500) / max(1, partners * len(direct))
        personnel = Decimal(staff * 27_000 * years)
        BudgetLine.objects.bulk_create(
            BudgetLine(
                grant=grant,
                partner=partner,
                category=category,
                amount=cents(
                    (personnel if category.from_timesheets and partner.is_us else per_line)
                    * Decimal(rng.randrange(80, 131))
                    / 100
                ),
            )
            for partner in beneficiaries
            for category in leaves
        )
        sheets, entries = _timesheets(rng, grant, people, packages, start, end)
        count = _expenses(
            rng,
            grant,
            beneficiaries,
            (leaves, direct),
            packages,
            period_of_year,
            people[0][1] if people else _bench_user(number),
            expenses,
        )
    _analyse()
    return FinanceSummary(
        grant.pk, partners, years, staff, sheets, entries, count, time.perf_counter() - started
    )


def _staff(grant: Grant, count: int, number: int) -> list[tuple[User, User, Decimal]]:
    """(staff member, supervisor, full-time equivalent), every one employed for the whole grant; one in
    four half time."""
    prefix = f"synthetic-finance-{number}"
    supervisor = User.objects.create(
        username=f"{prefix}-supervisor",
        display_name=f"{LABEL} supervisor {number}",
        password=make_password(None),
    )
    RoleAssignment.objects.create(user=supervisor, role=Role.PROJECT_COORDINATOR)
    grant.coordinators.add(supervisor)
    users = User.objects.bulk_create(
        User(
            username=f"{prefix}-staff-{n:04d}",
            display_name=f"{LABEL} staff {n:04d}",
            password=make_password(None),
        )
        for n in range(1, count + 1)
    )
    RoleAssignment.objects.bulk_create(RoleAssignment(user=user, role=Role.TIMESHEET_STAFF) for user in users)
    Employment.objects.bulk_create(
        Employment(
            user=user,
            supervisor=supervisor,
            start=grant.start,
            end=grant.end,
            fte=_fte(n),
            annual_cost=Decimal(30_000 + (n * 7919) % 30_000),
        )
        for n, user in enumerate(users)
    )
    return [(user, supervisor, _fte(n)) for n, user in enumerate(users)]


def _fte(n: int) -> Decimal:
    return Decimal("1") if n % 4 else Decimal("0.5")


def _bench_user(number: int) -> User:
    user, _created = User.objects.get_or_create(
        username=f"synthetic-finance-{number}-recorder",
        defaults={"display_name": f"{LABEL} recorder {number}", "password": make_password(None)},
    )
    return user


def _timesheets(rng, grant, people, packages, start, end) -> tuple[int, int]:
    approved_at = timezone.now()
    months = _months(start, end)
    sheets = TimesheetMonth.objects.bulk_create(
        (
            TimesheetMonth(
                user=user,
                month=month,
                status=SheetStatus.APPROVED,
                signed_at=approved_at,
                approved_by=supervisor,
                approved_at=approved_at,
            )
            for user, supervisor, _fte_ in people
            for month in months
        ),
        batch_size=BATCH_SIZE,
    )
    entries: list[TimeEntry] = []
    count = 0
    day_of = {user.pk: 8 * fte for user, _supervisor, fte in people}  # a working day's hours
    for sheet in sheets:
        day_hours = day_of[sheet.user_id]
        day = sheet.month
        while day.month == sheet.month.month:
            if day.weekday() < 5:
                # a quarter to 15/16 of the day on the grant (2 to 7.5 h of a full-time 8-hour day)
                hours = day_hours * rng.randrange(4, 16) / 16
                entries.append(
                    TimeEntry(
                        sheet=sheet,
                        date=day,
                        kind=TimeKind.PROJECT,
                        grant=grant,
                        work_package=rng.choice(packages),
                        hours=hours,
                    )
                )
                entries.append(
                    TimeEntry(sheet=sheet, date=day, kind=TimeKind.OTHER_WORK, hours=day_hours - hours)
                )
            day += dt.timedelta(days=1)
        if len(entries) >= BATCH_SIZE:
            TimeEntry.objects.bulk_create(entries, batch_size=BATCH_SIZE)
            count += len(entries)
            entries = []
    TimeEntry.objects.bulk_create(entries, batch_size=BATCH_SIZE)
    personnel_costs_write(sheet.pk for sheet in sheets)  # as approval does
    return len(sheets), count + len(entries)


def _expenses(rng, grant, beneficiaries, categories, packages, period_of_year, by, count) -> int:
    days = (grant.end - grant.start).days + 1
    approved_at = timezone.now()
    batch: list[Expense] = []
    for n in range(count):
        day = grant.start + dt.timedelta(days=rng.randrange(days))
        partner = rng.choice(beneficiaries)
        # Our personnel costs come from timesheets; the partners' are expenses like any other.
        category = rng.choice(categories[1] if partner.is_us else categories[0])
        roll = rng.random()
        status = (
            ExpenseStatus.APPROVED
            if roll < 0.92
            else ExpenseStatus.RECORDED
            if roll < 0.97
            else ExpenseStatus.REJECTED
        )
        eur = cents(Decimal(rng.randrange(500, 500_000)) / 100)
        currency, amount = "EUR", eur
        rate: Decimal | None = None
        amount_eur: Decimal | None = eur
        if n % 10 == 3:
            currency = rng.choice(sorted(CURRENCIES))
            rate = CURRENCIES[currency]
            amount = cents(eur * rate)
            if n % 200 == 3:
                rate, amount_eur = None, None  # no rate known yet
        eligible = n % 50 != 7
        batch.append(
            Expense(
                grant=grant,
                partner=partner,
                period=period_of_year[day.year],
                category=category,
                work_package=rng.choice(packages),
                date=day,
                supplier=f"{LABEL} supplier {rng.randrange(1, 400)}",
                description=f"{LABEL} cost {n + 1}",
                reference=f"SYN-{n + 1:06d}",
                currency=currency,
                amount=amount,
                vat_amount=Decimal("0.00"),
                rate=rate,
                amount_eur=amount_eur,
                eligible=eligible,
                ineligible_reason="" if eligible else f"{LABEL}: outside the budget",
                status=status,
                approved_by=by if status == ExpenseStatus.APPROVED else None,
                approved_at=approved_at if status == ExpenseStatus.APPROVED else None,
                created_by=by,
            )
        )
        if len(batch) >= BATCH_SIZE:
            Expense.objects.bulk_create(batch)
            batch = []
    Expense.objects.bulk_create(batch)
    return count


def _analyse() -> None:
    with connection.cursor() as cursor:
        for model in (Expense, TimeEntry, TimesheetMonth, BudgetLine):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
