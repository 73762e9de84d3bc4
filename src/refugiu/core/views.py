from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from refugiu.accounts.models import user_has_permission


@login_required
def staff_home(request):
    """The staff landing page: links to what the signed-in person's roles allow."""
    return render(
        request,
        "staff/home.html",
        {
            "can_edit_directory": user_has_permission(request.user, "directory.edit"),
            "can_use_cases": user_has_permission(request.user, "cases.access"),
            "can_read_audit": user_has_permission(request.user, "audit.view"),
            "can_edit_programmes": user_has_permission(request.user, "programmes.edit"),
            "reports": {
                name: user_has_permission(request.user, f"reports.{name}")
                for name in ("annual", "funder", "statistics", "dashboard")
            },
        },
    )
