"""Budget against actual costs, and the cost ledger for the accountant.

`budget_actual(grant)` gives every beneficiary's lines and the consolidated ones (from the same figures as a
statement: `statements.statement_build` over every cost to date), each with its burn rate (costs ÷ budget)
and that rate against the share of the grant's time already elapsed. A top-level category whose costs exceed
its budget by more than the template's `transfer_threshold` share is flagged: a transfer between categories
beyond what the grant agreement allows without an amendment.

`ledger_rows(grant)` is every approved expense and every personnel cost line (a staff member's approved time
on a work package in a month × rate) with what the accountant books it by; `ledger_csv` writes them.
Both read in a constant number of queries (sums and joins in the database, never a query per row).
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _

from refugiu.finance.models import CostCategory, Expense, Grant, GrantPartner, ReportingPeriod, WorkPackage
from refugiu.finance.statements import Line, statement_build
from refugiu.finance.timesheets import personnel_cost_lines
from refugiu.finance.vocabularies import ExpenseStatus


@dataclass
class Flag:
    partner: str
    code: str
    name: str
    budget: Decimal
    actual: Decimal
    allowed: Decimal

    @property
    def over(self) -> Decimal:
        return self.actual - self.budget


@dataclass
class Block:
    """One beneficiary's (or the consolidated) lines to date."""

    title: str
    lines: list[Line]
    total: Line
    flagged: set[str]


@dataclass
class BudgetActual:
    grant: Grant
    today: datetime.date
    elapsed: Decimal  # the share of the grant's time elapsed, 0 to 1
    consolidated: Block
    partners: list[Block]
    flags: list[Flag]

    def pace(self, line: Line) -> Decimal | None:
        """The burn rate against the elapsed share of time: above 1, spending runs ahead of time."""
        burn = line.burn
        if burn is None or not self.elapsed:
            return None
        return burn / self.elapsed


def elapsed_share(grant: Grant, today: datetime.date) -> Decimal:
    days = (grant.end - grant.start).days + 1
    done = (min(max(today, grant.start - datetime.timedelta(days=1)), grant.end) - grant.start).days + 1
    return Decimal(max(done, 0)) / Decimal(days)


def _flags(title: str, lines: list[Line], threshold: Decimal) -> tuple[set[str], list[Flag]]:
    flagged, flags = set(), []
    for line in lines:
        if line.depth != 0 or line.is_indirect:
            continue
        allowed = line.budget * (1 + threshold)
        if line.to_date > allowed:
            flagged.add(line.code)
            flags.append(Flag(title, line.code, line.name, line.budget, line.to_date, allowed))
    return flagged, flags


def budget_actual(grant: Grant, *, today: datetime.date | None = None) -> BudgetActual:
    today = today or timezone.localdate()
    statement = statement_build(grant, None)
    threshold = grant.template.transfer_threshold
    flags: list[Flag] = []
    partners = []
    for part in statement.by_partner:
        flagged, found = _flags(part.partner.name, part.lines, threshold)
        flags.extend(found)
        partners.append(Block(part.partner.name, part.lines, part.total, flagged))
    flagged, _found = _flags(_("all beneficiaries"), statement.lines, threshold)
    consolidated = Block(_("All beneficiaries"), statement.lines, statement.total, flagged)
    return BudgetActual(grant, today, elapsed_share(grant, today), consolidated, partners, flags)


LEDGER_COLUMNS = (
    "date",
    "beneficiary",
    "category",
    "work_package",
    "supplier",
    "reference",
    "description",
    "currency",
    "amount",
    "vat",
    "eligible",
    "amount_eur",
    "period",
    "approved_at",
    "approved_by",
)


def ledger_rows(grant: Grant) -> Iterator[dict[str, object]]:
    """Every approved expense (eligible or not), then every personnel cost line, in date order each."""
    for row in (
        Expense.objects.filter(grant=grant, status=ExpenseStatus.APPROVED)
        .order_by("date", "pk")
        .values(
            "date",
            "partner__name",
            "category__code",
            "work_package__number",
            "supplier",
            "reference",
            "description",
            "currency",
            "amount",
            "vat_amount",
            "eligible",
            "amount_eur",
            "period__number",
            "approved_at",
            "approved_by__username",
        )
    ):
        yield {
            "date": row["date"],
            "beneficiary": row["partner__name"],
            "category": row["category__code"],
            "work_package": row["work_package__number"],
            "supplier": row["supplier"],
            "reference": row["reference"],
            "description": row["description"],
            "currency": row["currency"],
            "amount": row["amount"],
            "vat": row["vat_amount"],
            "eligible": row["eligible"],
            "amount_eur": row["amount_eur"],
            "period": row["period__number"],
            "approved_at": row["approved_at"],
            "approved_by": row["approved_by__username"],
        }
    lines = personnel_cost_lines(grant, None)
    if not lines:
        return
    partners = dict(GrantPartner.objects.filter(grant=grant).values_list("pk", "name"))
    categories = dict(CostCategory.objects.filter(template_id=grant.template_id).values_list("pk", "code"))
    packages = dict(WorkPackage.objects.filter(grant=grant).values_list("pk", "number"))
    periods = list(ReportingPeriod.objects.filter(grant=grant).values_list("number", "start", "end"))
    user_ids = {line.user_id for line in lines} | {
        line.approved_by_id for line in lines if line.approved_by_id
    }
    users = {
        pk: (display or username, username)
        for pk, display, username in get_user_model()
        .objects.filter(pk__in=user_ids)
        .values_list("pk", "display_name", "username")
    }
    for line in lines:
        period = next((number for number, start, end in periods if start <= line.last_day <= end), None)
        yield {
            "date": line.last_day,
            "beneficiary": partners.get(line.partner_id, ""),
            "category": categories.get(line.category_id, ""),
            "work_package": packages.get(line.work_package_id) if line.work_package_id else None,
            "supplier": users.get(line.user_id, ("", ""))[0],
            "reference": _("timesheet %(month)s, %(hours)s h")
            % {"month": line.month.strftime("%Y-%m"), "hours": line.hours},
            "description": _("personnel costs: approved time × rate"),
            "currency": grant.currency,
            "amount": line.amount,
            "vat": Decimal("0.00"),
            "eligible": line.has_rate,
            "amount_eur": line.amount,
            "period": period,
            "approved_at": line.approved_at,
            "approved_by": users.get(line.approved_by_id or 0, ("", ""))[1],
        }


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value)
    # A spreadsheet would run a cell starting with one of these as a formula (CSV injection); numbers
    # (a negative amount) are left as they are.
    if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not isinstance(value, (Decimal, int)):
        return "'" + text
    return text


def ledger_csv(grant: Grant) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    if grant.is_example:
        writer.writerow([_("Example figures")])
    writer.writerow(LEDGER_COLUMNS)
    for row in ledger_rows(grant):
        writer.writerow([_cell(row[column]) for column in LEDGER_COLUMNS])
    return out.getvalue().encode("utf-8-sig")
