"""Budget against actual costs per category and beneficiary, and the cost ledger as CSV."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from refugiu.accounts.decorators import SignedInRequest, permission_required_404
from refugiu.accounts.roles import Permission
from refugiu.finance import access
from refugiu.finance.monitoring import budget_actual, ledger_csv

# The ledger names each staff member's monthly personnel costs: financial managers and auditors only.
LEDGER_READERS = (Permission.FINANCE_MANAGE, Permission.FINANCE_AUDIT)


@permission_required_404(access.GRANT_READERS)
@require_GET
def monitoring(request: SignedInRequest, grant_id: int) -> HttpResponse:
    grant = access.grant_get(request.user, grant_id, request=request)
    report = budget_actual(grant)
    blocks = [report.consolidated, *report.partners]
    return render(
        request,
        "finance/monitoring.html",
        {
            "grant": grant,
            "report": report,
            "blocks": [
                (block, [(line, report.pace(line)) for line in block.lines], report.pace(block.total))
                for block in blocks
            ],
            "may_ledger": access.may_manage(request.user) or access.is_auditor_of(request.user, grant),
        },
    )


@permission_required_404(LEDGER_READERS)
@require_GET
def ledger(request: SignedInRequest, grant_id: int) -> HttpResponse:
    grant = access.grant_get(request.user, grant_id, request=request)
    response = HttpResponse(ledger_csv(grant), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ledger-{grant.pk}.csv"'
    return response
