"""Exchange rates (financial managers): the rates known, a rate entered by hand, the ECB's CSV uploaded."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from refugiu.accounts.decorators import SignedInRequest, permission_required_404
from refugiu.accounts.roles import Permission
from refugiu.finance.models import ExchangeRate
from refugiu.finance.services.errors import FinanceError
from refugiu.finance.services.rates import ImportResult, rate_set, rates_import

PAGE_SIZE = 50
# The ECB's whole history (eurofxref-hist.csv) is about 2 MB; a file far larger is no rates file.
IMPORT_MAX_BYTES = 20 * 1024 * 1024


class RateForm(forms.Form):
    currency = forms.CharField(label=gettext_lazy("Currency"), max_length=3, min_length=3)
    date = forms.DateField(label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    rate = forms.DecimalField(
        label=gettext_lazy("Units for one euro"), max_digits=18, decimal_places=6, min_value=0
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("ECB CSV file"),
        help_text=gettext_lazy(
            "eurofxref-hist.csv or eurofxref.csv, unzipped, as the ECB's site gives them."
        ),
    )


def _page(
    request: SignedInRequest, *, form: RateForm, import_form: ImportForm, status: int = 200, **extra: Any
) -> HttpResponse:
    currency = request.GET.get("currency", "").strip().upper()[:3]
    rates = ExchangeRate.objects.order_by("-date", "currency")
    if currency:
        rates = rates.filter(currency=currency)
    page = Paginator(rates, PAGE_SIZE).get_page(request.GET.get("page"))
    currencies = ExchangeRate.objects.order_by("currency").values_list("currency", flat=True).distinct()
    return render(
        request,
        "finance/rates.html",
        {
            "page": page,
            "currency": currency,
            "currencies": list(currencies),
            "query": f"currency={currency}" if currency else "",
            "form": form,
            "import_form": import_form,
            **extra,
        },
        status=status,
    )


@permission_required_404(Permission.FINANCE_MANAGE)
@require_http_methods(["GET", "POST"])
def rates(request: SignedInRequest) -> HttpResponse:
    """The rates known, newest first; POST enters one by hand."""
    if request.method == "POST":
        form = RateForm(request.POST)
        if form.is_valid():
            try:
                rate_set(actor=request.user, request=request, **form.cleaned_data)
            except FinanceError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("The rate was saved."))
                return redirect("finance:rates")
        return _page(request, form=form, import_form=ImportForm(), status=400)
    return _page(request, form=RateForm(), import_form=ImportForm())


@permission_required_404(Permission.FINANCE_MANAGE)
@require_http_methods(["GET", "POST"])
def rates_upload(request: SignedInRequest) -> HttpResponse:
    """The ECB's CSV uploaded: the good lines imported, every bad one listed."""
    if request.method != "POST":
        return redirect("finance:rates")
    import_form = ImportForm(request.POST, request.FILES)
    result: ImportResult | None = None
    if import_form.is_valid():
        upload = import_form.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            import_form.add_error("file", _("This file is too large to be the ECB's rates."))
        else:
            result = rates_import(
                actor=request.user, data=upload.read(), request=request, filename=upload.name or ""
            )
            if not result.problems:
                messages.success(request, import_summary(result))
                return redirect("finance:rates")
    return _page(
        request,
        form=RateForm(),
        import_form=import_form,
        result=result,
        summary=import_summary(result) if result else "",
        status=200 if result is not None else 400,
    )


def import_summary(result: ImportResult) -> str:
    return _(
        "%(created)s rates added, %(updated)s updated, %(unchanged)s unchanged; %(converted)s expenses "
        "converted again; %(problems)s problems."
    ) % {
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "converted": result.converted,
        "problems": len(result.problems),
    }
