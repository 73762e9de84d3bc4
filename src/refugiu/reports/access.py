"""Who may see and do what in reports. The pages (refugiu.reports.views) and the services
(refugiu.reports.services) ask here, and nowhere else.

- the annual activity report, and writing its foreword: "reports.annual" (administrators, coordinators,
  programme staff);
- the funder report: "reports.funder" (programme staff);
- the assistance statistics: "reports.statistics" (researchers, coordinators);
- the coordinators' dashboard: "reports.dashboard", its case figures limited to the departments the
  person coordinates (refugiu.reports.dashboard);
- a report made in the background: asked for by anyone who may see its kind, seen and downloaded only by
  the person who asked for it, and only while their role still lets them ask for that kind.

Anyone signed in who may not is answered 404 for any method, as if the page did not exist; an anonymous
visitor is sent to sign in (refugiu.accounts.decorators.permission_required_404).
"""

from __future__ import annotations

from functools import wraps
from typing import TYPE_CHECKING, Any, TypeGuard

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404

from refugiu.accounts.decorators import View, permission_required_404
from refugiu.accounts.models import user_has_permission
from refugiu.accounts.roles import Permission
from refugiu.reports.models import ReportRun

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from refugiu.accounts.models import User

# The permission that lets a person ask for, follow and download each kind of report.
KIND_PERMISSIONS: dict[str, Permission] = {
    ReportRun.Kind.ANNUAL: Permission.REPORTS_ANNUAL,
    ReportRun.Kind.FUNDER: Permission.REPORTS_FUNDER,
    ReportRun.Kind.STATISTICS: Permission.REPORTS_STATISTICS,
}

# Outermost decorators of the report pages.
annual_report_required = permission_required_404(Permission.REPORTS_ANNUAL)
funder_report_required = permission_required_404(Permission.REPORTS_FUNDER)
statistics_required = permission_required_404(Permission.REPORTS_STATISTICS)
dashboard_required = permission_required_404(Permission.REPORTS_DASHBOARD)


def can_edit_foreword(user: User | AnonymousUser) -> TypeGuard[User]:
    """Whoever may make the annual report may write its foreword."""
    return user_has_permission(user, Permission.REPORTS_ANNUAL)


def kinds_for(user: User | AnonymousUser) -> list[str]:
    """The kinds of report `user` may ask for, follow and download."""
    return [kind for kind, permission in KIND_PERMISSIONS.items() if user_has_permission(user, permission)]


def report_runs_required(view: View) -> View:
    """Outermost decorator of the pages of reports made in the background: an anonymous visitor is sent to
    sign in; anyone signed in who may ask for no kind of report gets 404 for any method, before a method
    check could answer 405."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not kinds_for(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return login_required(guarded)


def run_for_user(*, user: User, pk: int) -> ReportRun:
    """The user's own run of a kind they may still ask for; 404 for anyone else's, as for a missing one."""
    return get_object_or_404(ReportRun, pk=pk, requested_by=user, kind__in=kinds_for(user))
