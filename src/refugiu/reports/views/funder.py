"""Staff pages of the funder report (programme staff): choose a project and a period, preview the report,
download it as XLSX or PDF.

The preview shows exactly what the files will carry: counts of people suppressed, since the report leaves
the organisation.
"""

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from refugiu.programmes.models import Project
from refugiu.programmes.statistics import statistics_threshold
from refugiu.reports import funder, registry
from refugiu.reports.access import funder_report_required
from refugiu.reports.models import ReportRun
from refugiu.reports.views.runs import background_offer


class ProjectChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Project) -> str:
        return f"{obj.acronym} — {obj.title}" if obj.acronym else obj.title


class FunderReportForm(forms.Form):
    project = ProjectChoiceField(
        label=gettext_lazy("Project"), queryset=Project.objects.order_by("title"), empty_label=None
    )
    date_from = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        help_text=gettext_lazy("Leave both dates empty for the project's whole life."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=gettext_lazy("Until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("This date is before the first one."))
        return cleaned

    def query(self) -> dict[str, str]:
        data = self.cleaned_data
        params = {
            "project": data["project"].pk,
            "date_from": data["date_from"].isoformat() if data.get("date_from") else None,
            "date_to": data["date_to"].isoformat() if data.get("date_to") else None,
        }
        return {key: str(value) for key, value in params.items() if value}


@funder_report_required
@require_GET
def funder_index(request: HttpRequest) -> HttpResponse:
    """Choose a project and a period; preview the report as it will be sent; download it."""
    bound = "project" in request.GET
    form = FunderReportForm(request.GET if bound else None)
    context = {"form": form, "threshold": statistics_threshold(), "has_projects": Project.objects.exists()}
    if not bound:
        return render(request, "reports/funder/index.html", context)
    if not form.is_valid():
        return render(request, "reports/funder/index.html", context, status=400)
    data = form.cleaned_data
    report = funder.funder_report(data["project"], data.get("date_from"), data.get("date_to"))
    download = reverse("reports:funder_download")
    context.update(
        report=report,
        downloads=[
            (label, f"{download}?{urlencode({**form.query(), 'format': format_})}")
            for format_, label in (("xlsx", "XLSX"), ("pdf", "PDF"))
        ],
        background=background_offer(ReportRun.Kind.FUNDER, form.query()),
    )
    return render(request, "reports/funder/index.html", context)


@funder_report_required
@require_GET
def funder_download(request: HttpRequest) -> HttpResponse:
    """The report as XLSX or PDF, counts of people suppressed."""
    form = FunderReportForm(request.GET)
    format_ = request.GET.get("format", "xlsx")
    known_format = format_ in registry.formats(ReportRun.Kind.FUNDER)
    if not known_format or not form.is_valid():
        context = {"form": form, "threshold": statistics_threshold(), "has_projects": True}
        if not known_format:
            context["format_error"] = _("Choose XLSX or PDF.")
        return render(request, "reports/funder/index.html", context, status=400)
    data = form.cleaned_data
    report = funder.funder_report(data["project"], data.get("date_from"), data.get("date_to"))
    renderer = registry.renderer(ReportRun.Kind.FUNDER, format_)
    response = HttpResponse(renderer.render(report), content_type=renderer.content_type)
    response["Content-Disposition"] = f'attachment; filename="{report.filename(format_)}"'
    return response
