"""A grant's budget: the table by beneficiary and category (coordinators and auditors of the grant read it)
and its edit form, a plain HTML form of one field per beneficiary × leaf category (× work package) for the
financial manager."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from refugiu.accounts.decorators import SignedInRequest, permission_required_404
from refugiu.accounts.roles import Permission
from refugiu.finance import access
from refugiu.finance.budget import budget_table, leaf_categories
from refugiu.finance.models import Grant
from refugiu.finance.services.errors import FinanceError
from refugiu.finance.services.grants import Cell, budget_lines_set

CELL = re.compile(r"^cell-(\d+)-(\d+)-(\d+)$")


def cell_name(partner_id: int, category_id: int, wp_id: int | None) -> str:
    return f"cell-{partner_id}-{category_id}-{wp_id or 0}"


@permission_required_404(access.GRANT_READERS)
@require_safe
def budget(request: SignedInRequest, grant_id: int) -> HttpResponse:
    grant = access.grant_get(request.user, grant_id, request=request)
    return render(
        request,
        "finance/budget.html",
        {
            "grant": grant,
            "table": budget_table(grant),
            "may_edit": access.may_edit_grant(request.user, grant),
        },
    )


def _sections(grant: Grant, typed: dict[str, str] | None) -> list[dict[str, Any]]:
    """The edit form's fields, by beneficiary: a row per leaf category, a field per work package (or one)."""
    table = budget_table(grant)
    work_packages: list[Any] = list(table.work_packages) or [None]
    sections = []
    for partner in table.partners:
        rows = []
        for category in leaf_categories(grant):
            cells = []
            for wp in work_packages:
                wp_id = wp.pk if wp is not None else None
                name = cell_name(partner.pk, category.pk, wp_id)
                if typed is not None:
                    value = typed.get(name, "")
                else:
                    amount = table.cells.get((partner.pk, category.pk, wp_id))
                    value = "" if amount is None else str(amount)
                cells.append({"name": name, "value": value, "wp": wp})
            rows.append({"category": category, "cells": cells})
        sections.append({"partner": partner, "rows": rows})
    return sections


@permission_required_404(Permission.FINANCE_MANAGE)
@require_http_methods(["GET", "POST"])
def budget_edit(request: SignedInRequest, grant_id: int) -> HttpResponse:
    grant = access.grant_get(request.user, grant_id, request=request)
    problems: list[str] = []
    typed: dict[str, str] | None = None
    if request.method == "POST":
        typed = {key: request.POST.get(key, "") for key in request.POST if key.startswith("cell-")}
        amounts: dict[Cell, str] = {}
        for key, value in typed.items():
            match = CELL.match(key)
            if match is None:
                continue
            partner_id, category_id, wp_id = (int(part) for part in match.groups())
            amounts[(partner_id, category_id, wp_id or None)] = value
        try:
            result = budget_lines_set(actor=request.user, grant=grant, amounts=amounts, request=request)
        except FinanceError as error:
            problems = error.messages
        else:
            messages.success(
                request,
                _("Budget saved: %(created)s lines added, %(changed)s changed, %(removed)s removed.")
                % result,
            )
            return redirect("finance:budget", grant_id=grant.pk)
    return render(
        request,
        "finance/budget_edit.html",
        {
            "grant": grant,
            "sections": _sections(grant, typed),
            "work_packages": list(grant.work_packages.all()),
            "problems": problems,
        },
        status=400 if problems else 200,
    )
