"""The coordinators' dashboard: this year's figures against last year's, counts only, for the departments
the person coordinates (refugiu.reports.dashboard)."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from refugiu.accounts.decorators import SignedInRequest
from refugiu.reports.access import dashboard_required
from refugiu.reports.dashboard import dashboard_compute


@dashboard_required
@require_GET
def dashboard(request: SignedInRequest) -> HttpResponse:
    """This year's figures against last year's, for the coordinator's own departments."""
    return render(request, "reports/dashboard.html", {"dashboard": dashboard_compute(request.user)})
