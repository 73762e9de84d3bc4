"""The assistance statistics page and its downloads, for researchers and coordinators ("reports.statistics").

Everything here is published data (refugiu.reports.assistance): suppressed before it reaches the view, so
the page, the CSV and the XLSX show the same figures, and no one gets exact small counts from here.
"""

from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from refugiu.core.forms import form_field
from refugiu.reports import assistance, registry
from refugiu.reports.access import statistics_required
from refugiu.reports.models import ReportRun
from refugiu.reports.views.runs import background_offer


class YearForm(forms.Form):
    year = forms.TypedChoiceField(label=gettext_lazy("Year"), coerce=int)

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "year", forms.ChoiceField).choices = [(year, str(year)) for year in years]


def _year(request: HttpRequest, years: list[int]) -> tuple[YearForm, int | None]:
    """The year asked for (the newest by default), or None if it is not one of `years`."""
    form = YearForm(request.GET or {"year": years[0]}, years=years)
    return form, (form.cleaned_data["year"] if form.is_valid() else None)


@statistics_required
@require_GET
def statistics_index(request: HttpRequest) -> HttpResponse:
    years = assistance.statistics_years()
    form, year = _year(request, years)
    context: dict[str, Any] = {"form": form, "year": year}
    if year is not None:
        stats = assistance.assistance_statistics(year)
        context |= {
            "stats": stats,
            "tables": [
                {
                    "table": table,
                    "body": table.body(),
                    "column_totals": table.footer()[0],
                    "total": table.footer()[1],
                }
                for table in stats.tables
            ],
            "legend": assistance.legend(stats.threshold),
            "mark": assistance.MARK,
            "downloads": [
                (
                    label,
                    reverse("reports:statistics_download")
                    + "?"
                    + urlencode({"year": str(year), "format": fmt}),
                )
                for fmt, label in (("csv", "CSV"), ("xlsx", "XLSX"))
            ],
            "background": background_offer(ReportRun.Kind.STATISTICS, {"year": year}),
        }
    return render(request, "reports/statistics/index.html", context)


@statistics_required
@require_GET
def statistics_download(request: HttpRequest) -> HttpResponse:
    years = assistance.statistics_years()
    form, year = _year(request, years)
    file_format = request.GET.get("format")
    if year is None or file_format not in registry.formats(ReportRun.Kind.STATISTICS):
        raise Http404
    stats = assistance.assistance_statistics(year)
    renderer = registry.renderer(ReportRun.Kind.STATISTICS, file_format)
    response = HttpResponse(renderer.render(stats), content_type=renderer.content_type)
    response["Content-Disposition"] = f'attachment; filename="{stats.filename(file_format)}"'
    return response
