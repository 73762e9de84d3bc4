"""The financial statement of a grant for a reporting period, per beneficiary or consolidated (the
coordinator's), in the layout of the grant's cost template.

`statement_build(grant, period, partner=None)` reads everything in a constant number of queries (sums in the
database, grouped by beneficiary and category) and gives a `Statement`: a line per category of the template's
tree, in its order, with the budget, the costs of this period, the costs to date (this period and those
before it) and what remains. Leaves carry the costs; a parent is the sum of its children; the total is the sum
of the top-level lines. Every amount is already rounded (`money.cents`), so lines always add up to totals.

What counts: approved, eligible expenses by their euro amount, in the period they are reported in; approved
project time × rate (`finance.timesheets.personnel_cost_lines`, added up in the database by
`personnel_cost_sums`) on the template's timesheet category of the beneficiary that is us, by the days worked
(a month's line counts in the period of its last project day: reporting periods end at a month's end).
Indirect costs are computed per beneficiary: the template's rate × the direct costs of the categories counting
in its base, each column on its own base, rounded; the consolidated statement is the sum of the beneficiaries'
statements, line by line, indirect costs included.

An approved expense without a euro amount (no exchange rate yet) is not guessed: it is left out and listed in
`problems`, as is approved time of a month no employment covers.

The renderers are `statements.xlsx.render_xlsx` and `statements.pdf.render_pdf`.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from refugiu.finance.models import (
    BudgetLine,
    CostCategory,
    Expense,
    Grant,
    GrantPartner,
    ReportingPeriod,
)
from refugiu.finance.money import ZERO, cents, money_sum
from refugiu.finance.timesheets import personnel_cost_sums
from refugiu.finance.vocabularies import ExpenseStatus

Key = tuple[int, int]  # (beneficiary id, category id)


@dataclass
class Line:
    """One category's line: its amounts are rounded; `remaining` is the budget less the costs to date."""

    code: str
    name: str
    depth: int
    is_leaf: bool
    is_indirect: bool
    in_indirect_base: bool
    category_id: int | None
    budget: Decimal = ZERO
    period: Decimal = ZERO
    to_date: Decimal = ZERO
    children: list[Line] = field(default_factory=list, repr=False)

    @property
    def remaining(self) -> Decimal:
        return self.budget - self.to_date

    @property
    def burn(self) -> Decimal | None:
        """The costs to date as a share of the budget (None without a budget)."""
        return self.to_date / self.budget if self.budget else None


@dataclass
class PartnerStatement:
    partner: GrantPartner
    lines: list[Line]
    total: Line
    direct: Line
    base_period: Decimal
    base_to_date: Decimal

    @property
    def footer(self) -> list[Line]:
        return [self.direct, self.total]


@dataclass
class Statement:
    grant: Grant
    period: ReportingPeriod
    partner: GrantPartner | None  # None: the consolidated statement of every beneficiary
    lines: list[Line]
    total: Line
    direct: Line
    by_partner: list[PartnerStatement]
    problems: list[str] = field(default_factory=list)
    made_at: datetime.datetime | None = None

    @property
    def footer(self) -> list[Line]:
        return [self.direct, self.total]

    @property
    def is_consolidated(self) -> bool:
        return self.partner is None

    @property
    def is_example(self) -> bool:
        return self.grant.is_example

    @property
    def indirect_rate(self) -> Decimal:
        return self.grant.template.indirect_rate

    @property
    def title(self) -> str:
        if self.partner is None:
            return _("Consolidated financial statement")
        return _("Financial statement of %(partner)s") % {"partner": self.partner.name}

    def filename(self, format_: str) -> str:
        """A name free of personal data: the agreement number, the period and the beneficiary's number."""
        who = "consolidated" if self.partner is None else f"beneficiary-{self.partner.pk}"
        stem = slugify(f"statement {self.grant.agreement_number} p{self.period.number} {who}")
        return f"{stem}.{format_}"


@dataclass
class CategoryNode:
    category: CostCategory
    depth: int
    children: list[CategoryNode] = field(default_factory=list)


def category_tree(grant: Grant) -> list[CategoryNode]:
    """The template's categories as a tree, in the template's order (one query)."""
    categories = list(CostCategory.objects.filter(template_id=grant.template_id).order_by("order", "code"))
    nodes = {category.pk: CategoryNode(category, 0) for category in categories}
    roots = []
    for category in categories:
        node = nodes[category.pk]
        if category.parent_id is None or category.parent_id not in nodes:
            roots.append(node)
        else:
            nodes[category.parent_id].children.append(node)

    def set_depth(items: list[CategoryNode], depth: int) -> None:
        for item in items:
            item.depth = depth
            set_depth(item.children, depth + 1)

    set_depth(roots, 0)
    return roots


@dataclass
class Figures:
    """The sums a statement is made of, keyed by (beneficiary, category): rounded amounts."""

    budget: dict[Key, Decimal]
    period: dict[Key, Decimal]
    to_date: dict[Key, Decimal]
    problems: list[tuple[int, str]]  # (beneficiary id, what is wrong)


def counted_expenses(grant: Grant) -> Q:
    """The expenses a statement counts: approved and eligible."""
    return Q(grant=grant, status=ExpenseStatus.APPROVED, eligible=True)


def figures_gather(grant: Grant, period: ReportingPeriod | None) -> Figures:
    """Budget, the costs of `period` and the costs up to its end (every cost to date when `period` is None).
    A constant number of queries."""
    budget: dict[Key, Decimal] = defaultdict(lambda: ZERO)
    for row in (
        BudgetLine.objects.filter(grant=grant)
        .values("partner_id", "category_id")
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        budget[(row["partner_id"], row["category_id"])] += cents(row["total"] or ZERO)
    this: dict[Key, Decimal] = defaultdict(lambda: ZERO)
    to_date: dict[Key, Decimal] = defaultdict(lambda: ZERO)
    expenses = Expense.objects.filter(counted_expenses(grant))
    this_filter = None
    if period is not None:
        expenses = expenses.filter(period__number__lte=period.number)
        this_filter = Q(period_id=period.pk)
    for sums in (
        expenses.values("partner_id", "category_id")
        .annotate(this=Sum("amount_eur", filter=this_filter), upto=Sum("amount_eur"))
        .order_by()
    ):
        key = (sums["partner_id"], sums["category_id"])
        this[key] += cents(sums["this"] or ZERO)
        to_date[key] += cents(sums["upto"] or ZERO)
    problems = []
    unconverted = expenses.filter(amount_eur__isnull=True)
    if period is not None:
        unconverted = unconverted.filter(period_id=period.pk)
    for partner_id, date, supplier, reference, amount, currency in unconverted.values_list(
        "partner_id", "date", "supplier", "reference", "amount", "currency"
    ).order_by("date", "pk"):
        problems.append(
            (
                partner_id,
                _(
                    "No exchange rate: the expense of %(date)s, %(supplier)s %(reference)s, "
                    "%(amount)s %(currency)s."
                )
                % {
                    "date": date.isoformat(),
                    "supplier": supplier,
                    "reference": reference,
                    "amount": amount,
                    "currency": currency,
                },
            )
        )
    end = period.end if period is not None else None
    since = period.start if period is not None else None
    personnel = personnel_cost_sums(grant, start=grant.start, end=end, since=since)
    if personnel is not None:
        key, personnel_sums = personnel
        to_date[key] += personnel_sums.to_date
        this[key] += personnel_sums.since
        for user_id, month in personnel_sums.unpriced:
            problems.append(
                (
                    key[0],
                    _("No employment covers the approved time of %(month)s (staff member %(user)s).")
                    % {"month": month.strftime("%Y-%m"), "user": user_id},
                )
            )
    return Figures(budget=budget, period=this, to_date=to_date, problems=problems)


def partner_lines(
    grant: Grant, tree: list[CategoryNode], partner_id: int, figures: Figures
) -> PartnerStatement:
    """One beneficiary's lines: leaves from the figures, indirect costs from its own base, parents summed."""
    rate = grant.template.indirect_rate
    lines: list[Line] = []
    top: list[Line] = []
    indirect_lines: list[Line] = []

    def walk(nodes: list[CategoryNode], parent_children: list[Line]) -> None:
        for node in nodes:
            category = node.category
            line = Line(
                code=category.code,
                name=category.name,
                depth=node.depth,
                is_leaf=not node.children,
                is_indirect=category.is_indirect,
                in_indirect_base=category.in_indirect_base,
                category_id=category.pk,
            )
            lines.append(line)
            parent_children.append(line)
            if node.children:
                walk(node.children, line.children)
            elif category.is_indirect:
                indirect_lines.append(line)
            else:
                key = (partner_id, category.pk)
                line.budget = figures.budget.get(key, ZERO)
                line.period = figures.period.get(key, ZERO)
                line.to_date = figures.to_date.get(key, ZERO)

    walk(tree, top)
    leaves = [line for line in lines if line.is_leaf and not line.is_indirect]
    in_base = [line for line in leaves if line.in_indirect_base]
    base_budget = money_sum([line.budget for line in in_base])
    base_period = money_sum([line.period for line in in_base])
    base_to_date = money_sum([line.to_date for line in in_base])
    for line in indirect_lines:
        key = (partner_id, line.category_id or 0)
        line.budget = figures.budget[key] if key in figures.budget else cents(rate * base_budget)
        line.period = cents(rate * base_period)
        line.to_date = cents(rate * base_to_date)
    _resum(lines)
    direct = _sum_line(_("Total direct costs"), [line for line in top if not _has_indirect(line)])
    total = _sum_line(_("Total eligible costs"), top)
    partner = GrantPartner(pk=partner_id)
    return PartnerStatement(partner, lines, total, direct, base_period, base_to_date)


def _has_indirect(line: Line) -> bool:
    if line.is_indirect:
        return True
    return any(_has_indirect(child) for child in line.children)


def _resum(lines: list[Line]) -> None:
    """Each parent the sum of its children, deepest first."""
    for line in sorted(lines, key=lambda item: -item.depth):
        if line.children:
            line.budget = money_sum([child.budget for child in line.children])
            line.period = money_sum([child.period for child in line.children])
            line.to_date = money_sum([child.to_date for child in line.children])


def _sum_line(name: str, lines: list[Line]) -> Line:
    return Line(
        code="",
        name=name,
        depth=0,
        is_leaf=False,
        is_indirect=False,
        in_indirect_base=False,
        category_id=None,
        budget=money_sum([line.budget for line in lines]),
        period=money_sum([line.period for line in lines]),
        to_date=money_sum([line.to_date for line in lines]),
    )


def lines_add(statements: list[PartnerStatement]) -> tuple[list[Line], Line, Line]:
    """The line-by-line sum of beneficiaries' statements of one template (same categories, same order)."""
    first = statements[0]
    lines = [
        Line(
            code=line.code,
            name=line.name,
            depth=line.depth,
            is_leaf=line.is_leaf,
            is_indirect=line.is_indirect,
            in_indirect_base=line.in_indirect_base,
            category_id=line.category_id,
            budget=money_sum([s.lines[index].budget for s in statements]),
            period=money_sum([s.lines[index].period for s in statements]),
            to_date=money_sum([s.lines[index].to_date for s in statements]),
        )
        for index, line in enumerate(first.lines)
    ]

    def added(name: str, pick: str) -> Line:
        parts = [getattr(s, pick) for s in statements]
        return Line(
            code="",
            name=name,
            depth=0,
            is_leaf=False,
            is_indirect=False,
            in_indirect_base=False,
            category_id=None,
            budget=money_sum([p.budget for p in parts]),
            period=money_sum([p.period for p in parts]),
            to_date=money_sum([p.to_date for p in parts]),
        )

    return lines, added(first.total.name, "total"), added(first.direct.name, "direct")


def _misbooked(tree: list[CategoryNode], figures: Figures) -> list[tuple[int, str]]:
    """Costs booked on a category that has subcategories, or on the indirect costs (computed, never
    booked): a statement cannot place them, so it lists them rather than leave them out silently."""
    names: dict[int, str] = {}
    bookable: set[int] = set()

    def walk(nodes: list[CategoryNode]) -> None:
        for node in nodes:
            names[node.category.pk] = f"{node.category.code} {node.category.name}"
            if not node.children and not node.category.is_indirect:
                bookable.add(node.category.pk)
            walk(node.children)

    walk(tree)
    return [
        (
            partner_id,
            _(
                "%(amount)s booked on %(category)s cannot be placed in the statement: "
                "book it on a subcategory."
            )
            % {"amount": amount, "category": names.get(category_id, category_id)},
        )
        for (partner_id, category_id), amount in sorted(figures.to_date.items())
        if category_id not in bookable and amount
    ]


def statement_build(
    grant: Grant, period: ReportingPeriod | None, partner: GrantPartner | None = None
) -> Statement:
    """The statement of `grant` for `period` (None: every cost to date, as monitoring uses it), of `partner`
    or, when None, consolidated over every beneficiary. About ten queries, whatever the grant's size."""
    tree = category_tree(grant)
    partners = list(GrantPartner.objects.filter(grant=grant).order_by("order", "pk"))
    figures = figures_gather(grant, period)
    figures.problems.extend(_misbooked(tree, figures))
    by_partner = []
    for each in partners:
        built = partner_lines(grant, tree, each.pk, figures)
        built.partner = each
        by_partner.append(built)
    if partner is not None:
        chosen = [s for s in by_partner if s.partner.pk == partner.pk]
        if not chosen:
            raise ValueError("the beneficiary is not one of the grant's")
        lines, total, direct = chosen[0].lines, chosen[0].total, chosen[0].direct
        problems = [message for partner_id, message in figures.problems if partner_id == partner.pk]
    elif by_partner:
        lines, total, direct = lines_add(by_partner)
        problems = [message for _partner_id, message in figures.problems]
    else:
        lines, total, direct = (
            [],
            _sum_line(_("Total eligible costs"), []),
            _sum_line(_("Total direct costs"), []),
        )
        problems = [message for _partner_id, message in figures.problems]
    return Statement(
        grant=grant,
        period=period
        if period is not None
        else ReportingPeriod(grant=grant, number=0, start=grant.start, end=grant.end),
        partner=partner,
        lines=lines,
        total=total,
        direct=direct,
        by_partner=by_partner if partner is None else [s for s in by_partner if s.partner.pk == partner.pk],
        problems=problems,
        made_at=timezone.now(),
    )
