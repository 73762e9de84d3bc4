"""A grant's budget as a table: the category tree of its template down the side, its beneficiaries across,
parents the sums of their children, and the indirect costs computed, never booked.

The indirect costs of a beneficiary are `cents(rate × base)`, the base being its budget on the leaves that
count in it (`CostCategory.in_indirect_base`); that is the one rounding here, once per beneficiary, and the
grant's indirect costs are the sum of the beneficiaries' (a total is the sum of rounded lines).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from refugiu.finance.models import BudgetLine, CostCategory, Grant, GrantPartner, WorkPackage
from refugiu.finance.money import ZERO, cents, money_sum


def leaf_categories(grant: Grant) -> list[CostCategory]:
    """The categories of the grant's template that costs and budget lines are booked on: leaves, not the
    indirect one (computed)."""
    categories = list(grant.template.categories.all())
    parents = {category.parent_id for category in categories if category.parent_id is not None}
    return [c for c in categories if c.pk not in parents and not c.is_indirect]


@dataclass
class BudgetRow:
    category: CostCategory
    depth: int
    is_leaf: bool
    amounts: list[Decimal]  # one per beneficiary, in the table's order
    total: Decimal
    is_indirect: bool = False


@dataclass
class BudgetTable:
    grant: Grant
    partners: list[GrantPartner]
    rows: list[BudgetRow]
    direct: list[Decimal]
    direct_total: Decimal
    indirect_base: list[Decimal]
    indirect: list[Decimal]
    indirect_total: Decimal
    totals: list[Decimal]
    grand_total: Decimal
    work_packages: list[WorkPackage] = field(default_factory=list)
    # (partner id, category id, work package id or None) → amount, for the edit form.
    cells: dict[tuple[int, int, int | None], Decimal] = field(default_factory=dict)


def budget_table(grant: Grant) -> BudgetTable:
    partners = list(grant.partners.all())
    categories = list(grant.template.categories.all())
    work_packages = list(grant.work_packages.all())
    cells: dict[tuple[int, int, int | None], Decimal] = {}
    by_leaf: dict[tuple[int, int], list[Decimal]] = defaultdict(list)
    for line in BudgetLine.objects.filter(grant=grant):
        cells[(line.partner_id, line.category_id, line.work_package_id)] = line.amount
        by_leaf[(line.partner_id, line.category_id)].append(line.amount)

    children: dict[int | None, list[CostCategory]] = defaultdict(list)
    for category in categories:
        children[category.parent_id].append(category)

    rows: list[BudgetRow] = []

    def walk(parent_id: int | None, depth: int) -> dict[int, Decimal]:
        """Adds the rows under `parent_id`; returns their sums per beneficiary (indirect left out)."""
        sums = {partner.pk: ZERO for partner in partners}
        for category in children.get(parent_id, []):
            if category.is_indirect:
                continue
            row = BudgetRow(category, depth, category.pk not in children, [], ZERO)
            rows.append(row)
            if row.is_leaf:
                own = {p.pk: money_sum(by_leaf.get((p.pk, category.pk), [])) for p in partners}
            else:
                own = walk(category.pk, depth + 1)
            row.amounts = [own[p.pk] for p in partners]
            row.total = money_sum(row.amounts)
            for partner in partners:
                sums[partner.pk] += own[partner.pk]
        return sums

    direct_by_partner = walk(None, 0)
    in_base = {c.pk for c in categories if c.in_indirect_base and not c.is_indirect}
    rate = grant.template.indirect_rate
    indirect_base = [
        money_sum(
            [
                amount
                for (pk, cat), amounts in by_leaf.items()
                if pk == p.pk and cat in in_base
                for amount in amounts
            ]
        )
        for p in partners
    ]
    indirect = [cents(rate * base) for base in indirect_base]
    indirect_categories = [c for c in categories if c.is_indirect]
    if indirect_categories:
        rows.append(
            BudgetRow(indirect_categories[0], 0, True, indirect, money_sum(indirect), is_indirect=True)
        )
    direct = [direct_by_partner[p.pk] for p in partners]
    totals = [d + i for d, i in zip(direct, indirect, strict=True)]
    return BudgetTable(
        grant=grant,
        partners=partners,
        rows=rows,
        direct=direct,
        direct_total=money_sum(direct),
        indirect_base=indirect_base,
        indirect=indirect,
        indirect_total=money_sum(indirect),
        totals=totals,
        grand_total=money_sum(totals),
        work_packages=work_packages,
        cells=cells,
    )
