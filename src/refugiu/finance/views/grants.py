"""The finance home and a grant's page."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from refugiu.accounts.decorators import SignedInRequest, permission_required_404
from refugiu.accounts.models import user_has_permission
from refugiu.finance import access


@permission_required_404(access.ANY_FINANCE)
@require_safe
def index(request: SignedInRequest) -> HttpResponse:
    """What someone's finance roles give them: the grants they may read, their own timesheet."""
    return render(
        request,
        "finance/index.html",
        {
            "grants": access.grants_visible(request.user).select_related("project", "template"),
            "keeps_timesheet": access.may_keep_timesheet(request.user),
            "manages": access.may_manage(request.user),
            "approves": any(user_has_permission(request.user, p) for p in access.TIMESHEET_APPROVERS),
        },
    )


@permission_required_404(access.GRANT_READERS)
@require_safe
def grant_detail(request: SignedInRequest, grant_id: int) -> HttpResponse:
    grant = access.grant_get(request.user, grant_id, request=request)
    return render(
        request,
        "finance/grant.html",
        {
            "grant": grant,
            "partners": grant.partners.all(),
            "periods": grant.periods.all(),
            "work_packages": grant.work_packages.all(),
            "may_edit": access.may_edit_grant(request.user, grant),
        },
    )
