"""Views of the project as a whole: the staff landing page links into every domain, so it lives above them."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from refugiu.accounts.models import user_has_permission
from refugiu.accounts.roles import Permission
from refugiu.cases import access as cases_access
from refugiu.cases import desk, read_audit
from refugiu.finance import access as finance_access


@login_required
def staff_home(request: HttpRequest) -> HttpResponse:
    """The staff landing page. For a caseworker or a coordinator, their working day first (`cases.desk`:
    what is due, referrals waiting, quiet and new cases; closures and break-glass accesses for a
    coordinator), the cases it names audited in one record like a list's; then links to what the
    signed-in person's roles allow."""
    user = request.user
    work = None
    if cases_access.works_on_cases(user):
        work = desk.desk(user=user)
        read_audit.cases_listed(user=user, request=request, case_ids=work.case_ids(), view="home")
    return render(
        request,
        "staff/home.html",
        {
            "desk": work,
            "quiet_days": desk.quiet_case_days(),
            "upcoming_days": desk.UPCOMING_DAYS,
            "can_edit_directory": user_has_permission(user, Permission.DIRECTORY_EDIT),
            "can_review_directory_changes": user_has_permission(user, Permission.DIRECTORY_REVIEW_CHANGES),
            "can_manage_representatives": user_has_permission(
                user, Permission.DIRECTORY_REPRESENTATIVES_MANAGE
            ),
            "keeps_organizations": user_has_permission(user, Permission.DIRECTORY_PROPOSE_CHANGES),
            "can_use_cases": work is not None,
            "can_read_audit": user_has_permission(user, Permission.AUDIT_VIEW),
            "can_edit_programmes": user_has_permission(user, Permission.PROGRAMMES_EDIT),
            "uses_finance": any(user_has_permission(user, p) for p in finance_access.ANY_FINANCE),
            "reports": {
                name: user_has_permission(user, permission)
                for name, permission in (
                    ("annual", Permission.REPORTS_ANNUAL),
                    ("funder", Permission.REPORTS_FUNDER),
                    ("statistics", Permission.REPORTS_STATISTICS),
                    ("dashboard", Permission.REPORTS_DASHBOARD),
                )
            },
        },
    )
