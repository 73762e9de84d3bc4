"""A grant's budget lines: set by a financial manager, per beneficiary × leaf category (× work package when
the grant has work packages)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from refugiu.core.audit import audit_record
from refugiu.finance import access
from refugiu.finance.budget import leaf_categories
from refugiu.finance.models import BudgetLine, Grant
from refugiu.finance.money import DECIMAL_PLACES, MAX_DIGITS
from refugiu.finance.services.errors import FinanceError

if TYPE_CHECKING:
    from django.http import HttpRequest

    from refugiu.finance.access import Actor

# (beneficiary id, leaf category id, work package id or None)
Cell = tuple[int, int, int | None]


def amount_parse(text: str | Decimal | None, *, allow_negative: bool = False) -> tuple[Decimal | None, str]:
    """An amount typed by someone: (the Decimal, "") or (None, what is wrong). Blank gives (None, "").
    A comma as the decimal separator is accepted; thousands separators are not (1.234 would be ambiguous)."""
    if text is None:
        return None, ""
    if isinstance(text, Decimal):
        value = text
    else:
        cleaned = text.strip().replace(" ", "").replace("\u00a0", "")
        if not cleaned:
            return None, ""
        if cleaned.count(",") == 1 and "." not in cleaned:
            cleaned = cleaned.replace(",", ".")
        try:
            value = Decimal(cleaned)
        except InvalidOperation:
            return None, _("“%(text)s” is not an amount.") % {"text": text.strip()[:30]}
    if not value.is_finite():
        return None, _("“%(text)s” is not an amount.") % {"text": str(text)[:30]}
    if value != value.quantize(Decimal(1).scaleb(-DECIMAL_PLACES)):
        return None, _("%(value)s has more than two decimals.") % {"value": value}
    if value < 0 and not allow_negative:
        return None, _("%(value)s is negative: an amount is zero or more.") % {"value": value}
    if abs(value) >= Decimal(10) ** (MAX_DIGITS - DECIMAL_PLACES):
        return None, _("%(value)s is too large.") % {"value": value}
    return value, ""


def budget_lines_set(
    *,
    actor: Actor,
    grant: Grant,
    amounts: Mapping[Cell, str | Decimal | None],
    request: HttpRequest | None = None,
) -> dict[str, int]:
    """Set the budget cells given in `amounts`: a number (zero or more) saves the line, a blank removes it;
    cells not given are left as they are. Refused with every problem listed (FinanceError): a beneficiary of
    another grant, a category that is not a leaf of the grant's template or is the indirect one (computed,
    never budgeted), a work package missing when the grant has them or of another grant, an amount that is
    not one. Returns how many lines were created, changed and removed."""
    access.require_manager(actor)
    partners = {partner.pk: partner for partner in grant.partners.all()}
    leaves = {category.pk: category for category in leaf_categories(grant)}
    all_categories = {category.pk: category for category in grant.template.categories.all()}
    work_packages = {wp.pk: wp for wp in grant.work_packages.all()}
    problems: list[str] = []
    wanted: dict[Cell, Decimal | None] = {}
    for (partner_id, category_id, wp_id), text in amounts.items():
        partner = partners.get(partner_id)
        category = leaves.get(category_id)
        other = all_categories.get(category_id)
        wp_label = f" / WP{work_packages[wp_id].number}" if wp_id in work_packages else ""
        where = f"{partner or '?'} / {other.code if other else '?'}{wp_label}"
        ok = True
        if partner is None:
            problems.append(_("%(where)s: not a beneficiary of this grant.") % {"where": where})
            ok = False
        if category is None:
            if other is not None and other.is_indirect:
                message = _("%(where)s: indirect costs are computed (rate × base), not budgeted.")
            elif other is not None:
                message = _("%(where)s: budget the categories under this one, not the heading itself.")
            else:
                message = _("%(where)s: not a category of this grant's cost template.")
            problems.append(message % {"where": where})
            ok = False
        if work_packages and wp_id is None:
            problems.append(_("%(where)s: this grant has work packages; name one.") % {"where": where})
            ok = False
        elif wp_id is not None and wp_id not in work_packages:
            problems.append(_("%(where)s: not a work package of this grant.") % {"where": where})
            ok = False
        value, wrong = amount_parse(text)
        if wrong:
            problems.append(f"{where}: {wrong}")
            ok = False
        if ok:
            wanted[(partner_id, category_id, wp_id)] = value
    if problems:
        raise FinanceError(*problems)
    created = changed = removed = 0
    touched: list[str] = []
    with transaction.atomic():
        existing = {
            (line.partner_id, line.category_id, line.work_package_id): line
            for line in BudgetLine.objects.select_for_update(of=("self",)).filter(grant=grant).order_by("pk")
        }
        for cell, value in wanted.items():
            line = existing.get(cell)
            if value is None:
                if line is not None:
                    line.delete()
                    removed += 1
                    touched.append(_cell_name(cell))
                continue
            if line is None:
                BudgetLine.objects.create(
                    grant=grant,
                    partner_id=cell[0],
                    category_id=cell[1],
                    work_package_id=cell[2],
                    amount=value,
                )
                created += 1
                touched.append(_cell_name(cell))
            elif line.amount != value:
                line.amount = value
                line.save(update_fields=["amount"])
                changed += 1
                touched.append(_cell_name(cell))
        if touched:
            audit_record(
                actor=actor,
                action="finance.budget.changed",
                target=grant,
                request=request,
                detail={"created": created, "changed": changed, "removed": removed, "cells": touched[:200]},
            )
    return {"created": created, "changed": changed, "removed": removed}


def _cell_name(cell: Cell) -> str:
    partner_id, category_id, wp_id = cell
    return f"{partner_id}/{category_id}/{wp_id or '-'}"
