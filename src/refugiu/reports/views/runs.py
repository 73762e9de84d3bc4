"""Pages for reports made in the background: ask for one, follow its progress, download it when ready.

Other report pages post their form to `run_request`; it can also be used on its own. A person sees only
their own runs, and only of the kinds their role still lets them ask for; anything else answers 404, the
same as a run that does not exist.
"""

from typing import Any

from django import forms
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods
from django_stubs_ext import StrPromise

from refugiu.accounts.decorators import SignedInRequest
from refugiu.core.forms import form_field
from refugiu.programmes.models import Project
from refugiu.reports import registry
from refugiu.reports.access import KIND_PERMISSIONS, kinds_for, report_runs_required, run_for_user
from refugiu.reports.models import ReportRun
from refugiu.reports.tasks import PENDING, request_report, runs_abandoned_fail

Kind = ReportRun.Kind

FORMATS = {kind: registry.formats(kind) for kind in KIND_PERMISSIONS}
FORMAT_LABELS = {
    "html": _("web page (HTML)"),
    "pdf": _("PDF"),
    "docx": _("Word document (DOCX)"),
    "xlsx": _("spreadsheet (XLSX)"),
    "csv": _("table (CSV)"),
}


def background_offer(kind: str, parameters: dict[str, Any]) -> dict[str, Any]:
    """What a report page needs to offer "make it in the background" (reports/runs/_offer.html): a POST to
    run_request with the report's parameters and a choice of format."""
    return {
        "kind": kind,
        "parameters": {key: "" if value is None else value for key, value in parameters.items()},
        "formats": [(format_, FORMAT_LABELS[format_]) for format_ in FORMATS[kind]],
    }


def _kind_choices(kinds: list[str]) -> list[tuple[str, StrPromise]]:
    """The kinds of report among `kinds`, with their names, in the order of ReportRun.Kind."""
    return [(kind, label) for kind, label in Kind.choices if kind in kinds]


class RunRequestForm(forms.Form):
    """What a run needs, for any kind; `clean` keeps only the parameters of the chosen kind."""

    kind = forms.ChoiceField(label=_("Report"), choices=Kind.choices)
    format = forms.ChoiceField(label=_("Format"), choices=list(FORMAT_LABELS.items()))
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1990, max_value=2100)
    project = forms.ModelChoiceField(label=_("Project"), queryset=Project.objects.all(), required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, kinds: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "kind", forms.ChoiceField).choices = _kind_choices(kinds)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        kind = data.get("kind")
        if not kind:
            return data
        if data.get("format") and data["format"] not in FORMATS[kind]:
            self.add_error("format", _("This report is not made in this format."))
        if kind in (Kind.ANNUAL, Kind.STATISTICS):
            if data.get("year") is None and "year" not in self.errors:
                self.add_error("year", _("Choose a year."))
            data["parameters"] = {"year": data.get("year")}
        else:
            if data.get("project") is None and "project" not in self.errors:
                self.add_error("project", _("Choose a project."))
            date_from, date_to = data.get("date_from"), data.get("date_to")
            if date_from and date_to and date_from > date_to:
                self.add_error("date_to", _("The end of the period comes before its start."))
            data["parameters"] = {
                "project": data["project"].pk if data.get("project") else None,
                "date_from": date_from.isoformat() if date_from else None,
                "date_to": date_to.isoformat() if date_to else None,
            }
        return data


@report_runs_required
@require_http_methods(["GET", "POST"])
def run_request(request: SignedInRequest) -> HttpResponse:
    kinds = kinds_for(request.user)
    if request.method == "POST":
        # A kind the person may not ask for is answered as if the page did not exist.
        if request.POST.get("kind") not in kinds:
            raise Http404
        form = RunRequestForm(request.POST, kinds=kinds)
        if form.is_valid():
            run = request_report(
                user=request.user,
                kind=form.cleaned_data["kind"],
                parameters=form.cleaned_data["parameters"],
                format=form.cleaned_data["format"],
            )
            return redirect("reports:run_detail", run.pk)
        status = 400
    else:
        initial = {"kind": request.GET.get("kind")} if request.GET.get("kind") in kinds else {}
        form = RunRequestForm(kinds=kinds, initial=initial)
        status = 200
    formats = [(kind, [FORMAT_LABELS[f] for f in FORMATS[kind]]) for kind, _label in _kind_choices(kinds)]
    return render(
        request,
        "reports/runs/request.html",
        {"form": form, "formats": formats, "kinds": kinds},
        status=status,
    )


@report_runs_required
@require_GET
def run_list(request: SignedInRequest) -> HttpResponse:
    runs_abandoned_fail(user=request.user)
    runs = list(ReportRun.objects.filter(requested_by=request.user, kind__in=kinds_for(request.user))[:100])
    pending_any = any(run.status in PENDING for run in runs)
    return render(
        request, "reports/runs/list.html", {"runs": runs, "pending": PENDING, "pending_any": pending_any}
    )


def _get_only(request: HttpRequest) -> HttpResponseNotAllowed | None:
    # After the ownership check: someone else's run answers 404 whatever the method.
    return None if request.method in ("GET", "HEAD") else HttpResponseNotAllowed(["GET", "HEAD"])


@report_runs_required
def run_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    runs_abandoned_fail(user=request.user)
    run = run_for_user(user=request.user, pk=pk)
    if refused := _get_only(request):
        return refused
    return render(
        request,
        "reports/runs/detail.html",
        {
            "run": run,
            "pending": run.status in PENDING,
            "format_label": FORMAT_LABELS.get(run.format, run.format),
        },
    )


@report_runs_required
def run_download(request: SignedInRequest, pk: int) -> HttpResponseBase:
    run = run_for_user(user=request.user, pk=pk)
    if refused := _get_only(request):
        return refused
    stored = run.file.name  # a file field is false exactly when it names no file
    if run.status != ReportRun.Status.DONE or not stored:
        raise Http404
    try:
        handle = run.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(handle, as_attachment=True, filename=run.filename or stored.rsplit("/", 1)[-1])
    response["Cache-Control"] = "private, no-store"
    return response
