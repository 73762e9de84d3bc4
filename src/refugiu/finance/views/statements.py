"""A reporting period's statement: see it per beneficiary or consolidated, download it as XLSX or PDF (made
in the background for a large grant), and submit it, which closes the period (financial managers)."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from refugiu.accounts.decorators import SignedInRequest, permission_required_404
from refugiu.accounts.roles import Permission
from refugiu.core.xlsx import XLSX_TYPE
from refugiu.finance import access, tasks
from refugiu.finance.models import Grant, GrantPartner, ReportingPeriod, StatementRun
from refugiu.finance.services.errors import FinanceError
from refugiu.finance.services.statements import statement_submit, submission_problems
from refugiu.finance.statements import statement_build

FORMATS = {"xlsx": XLSX_TYPE, "pdf": "application/pdf"}


def _period_and_partner(
    request: SignedInRequest, grant_id: int, number: int
) -> tuple[Grant, ReportingPeriod, GrantPartner | None]:
    grant = access.grant_get(request.user, grant_id, request=request)
    period = get_object_or_404(ReportingPeriod, grant=grant, number=number)
    partner = None
    wanted = request.GET.get("partner") or request.POST.get("partner")
    if wanted:
        try:
            partner = grant.partners.get(pk=int(wanted))
        except (ValueError, GrantPartner.DoesNotExist):
            raise Http404 from None
    return grant, period, partner


@permission_required_404(access.GRANT_READERS)
@require_GET
def statement(request: SignedInRequest, grant_id: int, number: int) -> HttpResponse:
    grant, period, partner = _period_and_partner(request, grant_id, number)
    built = statement_build(grant, period, partner)
    tasks.runs_abandoned_fail(grant)
    runs = list(StatementRun.objects.filter(grant=grant, period=period).select_related("partner")[:20])
    manages = access.may_manage(request.user)
    return render(
        request,
        "finance/statement.html",
        {
            "grant": grant,
            "period": period,
            "partner": partner,
            "partners": grant.partners.all(),
            "statement": built,
            "background": tasks.in_background(grant),
            "runs": runs,
            "pending_any": any(run.status in tasks.PENDING for run in runs),
            "may_submit": manages and not period.is_closed,
            "blocking": submission_problems(period) if manages and not period.is_closed else [],
        },
    )


@permission_required_404(access.GRANT_READERS)
@require_GET
def statement_download(request: SignedInRequest, grant_id: int, number: int, format: str) -> HttpResponseBase:
    grant, period, partner = _period_and_partner(request, grant_id, number)
    if format not in FORMATS:
        raise Http404
    content, filename = tasks.statement_file(grant, period, partner, format)
    response = HttpResponse(content, content_type=FORMATS[format])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@permission_required_404(access.GRANT_READERS)
@require_POST
def statement_request(request: SignedInRequest, grant_id: int, number: int) -> HttpResponse:
    grant, period, partner = _period_and_partner(request, grant_id, number)
    format_ = request.POST.get("format", "")
    if format_ not in FORMATS:
        messages.error(request, _("Choose XLSX or PDF."))
        return redirect("finance:statement", grant.pk, period.number)
    run = tasks.statement_request(user=request.user, period=period, partner=partner, format_=format_)
    return redirect("finance:statement_run", grant.pk, run.pk)


@permission_required_404(access.GRANT_READERS)
@require_GET
def statement_run(request: SignedInRequest, grant_id: int, run_id: int) -> HttpResponse:
    grant = access.grant_get(request.user, grant_id, request=request)
    tasks.runs_abandoned_fail(grant)
    run = get_object_or_404(StatementRun.objects.select_related("period", "partner"), grant=grant, pk=run_id)
    return render(
        request,
        "finance/statement_run.html",
        {"grant": grant, "run": run, "pending": run.status in tasks.PENDING},
    )


@permission_required_404(access.GRANT_READERS)
@require_GET
def statement_run_download(request: SignedInRequest, grant_id: int, run_id: int) -> HttpResponseBase:
    grant = access.grant_get(request.user, grant_id, request=request)
    run = get_object_or_404(StatementRun, grant=grant, pk=run_id, status=StatementRun.Status.DONE)
    if not run.file.name:
        raise Http404
    try:
        handle = run.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return FileResponse(handle, as_attachment=True, filename=run.filename)


@permission_required_404(Permission.FINANCE_MANAGE)
@require_POST
def statement_submit_view(request: SignedInRequest, grant_id: int, number: int) -> HttpResponse:
    grant, period, _partner = _period_and_partner(request, grant_id, number)
    try:
        statement_submit(actor=request.user, period=period, request=request)
    except FinanceError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The statement of period %(number)s is submitted; the period is closed.")
            % {"number": period.number},
        )
    return redirect("finance:statement", grant.pk, period.number)
