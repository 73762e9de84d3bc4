"""Lists: my cases, my work, closure requests waiting for a coordinator.

A list shows codes, references and statuses, never names; each page writes one audit record naming
the cases it showed (`read_audit.cases_listed`)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from refugiu.accounts.decorators import SignedInRequest
from refugiu.cases import desk, read_audit, selectors
from refugiu.cases.forms import CaseFilterForm
from refugiu.cases.views.shared import cases_view, coordinators_only

PAGE_SIZE = 50


@cases_view
def case_list(request: SignedInRequest) -> HttpResponse:
    form = CaseFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.CaseFilters(
        status=data.get("status") or "",
        category=data.get("category") or "",
        department=data["department"].pk if data.get("department") else None,
        overdue=bool(data.get("overdue")),
    )
    page = Paginator(selectors.case_list(user=request.user, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    read_audit.cases_listed(user=request.user, request=request, case_ids=[c.pk for c in page])
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "cases/case_list.html",
        {
            "form": form,
            "page": page,
            "base_query": params.urlencode(),
        },
    )


@cases_view
def my_work(request: SignedInRequest) -> HttpResponse:
    items = selectors.my_work(user=request.user)
    read_audit.cases_listed(
        user=request.user, request=request, case_ids=sorted({item.case.pk for item in items})
    )
    return render(request, "cases/my_work.html", {"items": items})


@cases_view
def closures(request: SignedInRequest) -> HttpResponse:
    coordinators_only(request)
    cases = list(desk.closures_waiting(user=request.user)[:200])
    read_audit.cases_listed(user=request.user, request=request, case_ids=[c.pk for c in cases])
    return render(request, "cases/closures.html", {"cases": cases})
