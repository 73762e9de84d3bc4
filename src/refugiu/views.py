"""Views of the project as a whole: the staff landing page links into every domain, so it lives above them."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from refugiu.accounts.models import user_has_permission
from refugiu.accounts.roles import Permission
from refugiu.finance import access as finance_access


@login_required
def staff_home(request):
    """The staff landing page: links to what the signed-in person's roles allow."""
    return render(
        request,
        "staff/home.html",
        {
            "can_edit_directory": user_has_permission(request.user, Permission.DIRECTORY_EDIT),
            "can_review_directory_changes": user_has_permission(
                request.user, Permission.DIRECTORY_REVIEW_CHANGES
            ),
            "can_manage_representatives": user_has_permission(
                request.user, Permission.DIRECTORY_REPRESENTATIVES_MANAGE
            ),
            "keeps_organizations": user_has_permission(request.user, Permission.DIRECTORY_PROPOSE_CHANGES),
            "can_use_cases": user_has_permission(request.user, Permission.CASES_ACCESS),
            "can_read_audit": user_has_permission(request.user, Permission.AUDIT_VIEW),
            "can_edit_programmes": user_has_permission(request.user, Permission.PROGRAMMES_EDIT),
            "uses_finance": any(user_has_permission(request.user, p) for p in finance_access.ANY_FINANCE),
            "reports": {
                name: user_has_permission(request.user, permission)
                for name, permission in (
                    ("annual", Permission.REPORTS_ANNUAL),
                    ("funder", Permission.REPORTS_FUNDER),
                    ("statistics", Permission.REPORTS_STATISTICS),
                    ("dashboard", Permission.REPORTS_DASHBOARD),
                )
            },
        },
    )
