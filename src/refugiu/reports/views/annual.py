"""Staff pages of the annual activity report: choose a year, write its foreword (through
refugiu.reports.services, which audits it), read the report in the browser or download it as PDF or DOCX
(made at once, while the person waits)."""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from refugiu.reports import annual, registry
from refugiu.reports.access import annual_report_required
from refugiu.reports.models import Foreword, ReportRun
from refugiu.reports.services import ReportsError, foreword_update
from refugiu.reports.views.runs import background_offer

# Years the pages accept: wide enough for any real report, narrow enough to refuse nonsense.
FIRST_YEAR, LAST_YEAR = 1990, 2100


class ForewordForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Foreword"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14, "cols": 80}),
        help_text=gettext_lazy(
            "Paragraphs are separated by an empty line. Leave empty to publish the report without a foreword."
        ),
    )


def _year(value: str | int | None) -> int:
    if value is None:
        raise Http404
    try:
        year = int(value)
    except (TypeError, ValueError):
        raise Http404 from None
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404
    return year


def _page_url(year: int) -> str:
    return f"{reverse('reports:annual')}?{urlencode({'year': year})}"


@annual_report_required
@require_GET
def annual_index(request: HttpRequest) -> HttpResponse:
    years = annual.annual_report_years()
    # Without a year asked for, the latest year with data: the current one often has none yet.
    year = _year(request.GET["year"]) if request.GET.get("year") else annual.annual_report_default_year()
    if year not in years:
        years = sorted({*years, year}, reverse=True)
    foreword = Foreword.objects.filter(year=year).select_related("updated_by").first()
    form = ForewordForm(initial={"text": foreword.text if foreword else ""})
    downloads = [
        (
            reverse("reports:annual_download", args=[year, format]),
            label,
        )
        for format, label in (
            ("html", _("Read in the browser (HTML)")),
            ("pdf", _("Download as PDF")),
            ("docx", _("Download as Word document (DOCX)")),
        )
    ]
    return render(
        request,
        "reports/annual/index.html",
        {
            "year": year,
            "years": years,
            "form": form,
            "foreword": foreword,
            "downloads": downloads,
            "background": background_offer(ReportRun.Kind.ANNUAL, {"year": year}),
        },
    )


@annual_report_required
@require_POST
def annual_foreword(request: HttpRequest, year: int) -> HttpResponse:
    year = _year(year)
    form = ForewordForm(request.POST)
    if not form.is_valid():  # pragma: no cover - a single optional text field
        raise Http404
    try:
        foreword = foreword_update(
            actor=request.user, year=year, text=form.cleaned_data["text"], request=request
        )
    except ReportsError:
        raise Http404 from None
    if foreword is not None:
        messages.success(request, _("The foreword for %(year)s is saved.") % {"year": year})
    else:
        messages.success(request, _("The report for %(year)s has no foreword now.") % {"year": year})
    return HttpResponseRedirect(_page_url(year))


@annual_report_required
@require_GET
def annual_download(request: HttpRequest, year: int, format: str) -> HttpResponse:
    year = _year(year)
    try:
        renderer = registry.renderer(ReportRun.Kind.ANNUAL, format)
    except ValueError:
        raise Http404 from None
    report = annual.annual_report(year)
    response = HttpResponse(renderer.render(report), content_type=renderer.content_type)
    filename = report.filename(format)
    disposition = "inline" if format == "html" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    if format == "html":
        # The report is a page of its own: no script, no frame, nothing from elsewhere but our fonts.
        response["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'unsafe-inline'; font-src 'self'; img-src 'self' data:; "
            "frame-ancestors 'none'; form-action 'none'; base-uri 'none'"
        )
    response["Cache-Control"] = "private, no-store"
    return response
