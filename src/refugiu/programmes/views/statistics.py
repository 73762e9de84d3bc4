"""Programme staff's statistics page and the funders' export (CSV or XLSX).

The page is for use inside the organisation and shows exact figures, with a switch to preview them as they
will be published. The export goes to funders, outside the organisation: it is always suppressed.
"""

import csv
import io

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from refugiu.core import xlsx
from refugiu.core.forms import form_field
from refugiu.programmes import statistics
from refugiu.programmes.access import programme_staff_required
from refugiu.programmes.models import Event, Project
from refugiu.programmes.selectors import event_dates_display

FORMATS = ("csv", "xlsx")
XLSX_TYPE = xlsx.XLSX_TYPE


class EventChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        dates = event_dates_display(obj)
        return f"{obj} ({dates})" if dates else str(obj)


class ScopeForm(forms.Form):
    """Which events to count. Every field is optional; criteria combine; none means every event."""

    event = EventChoiceField(
        label=gettext_lazy("Event"),
        queryset=Event.objects.none(),
        required=False,
        empty_label=gettext_lazy("Any event"),
    )
    project = forms.ModelChoiceField(
        label=gettext_lazy("Project"),
        queryset=Project.objects.order_by("title"),
        required=False,
        empty_label=gettext_lazy("Any project"),
    )
    year = forms.TypedChoiceField(label=gettext_lazy("Year"), coerce=int, required=False, empty_value=None)
    date_from = forms.DateField(
        label=gettext_lazy("First day from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=gettext_lazy("First day until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    published = forms.BooleanField(
        label=gettext_lazy("Show as it will be published"),
        required=False,
        help_text=gettext_lazy("Counts below the threshold are then hidden, as in the exports."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        events = form_field(self, "event", forms.ModelChoiceField)
        events.queryset = statistics.scope_events().order_by("-first_date", "-pk")
        form_field(self, "year", forms.ChoiceField).choices = [("", _("Any year"))] + [
            (year, str(year)) for year in statistics.statistics_years()
        ]

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("This date is before the first one."))
        return cleaned

    def scope(self) -> statistics.Scope:
        data = self.cleaned_data
        return statistics.Scope(
            event=data.get("event"),
            project=data.get("project"),
            year=data.get("year"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )


def _exact(count: int) -> int:
    return count


def _page_context(stats: statistics.Statistics, show) -> dict:
    """The tables of the page, every count passed through `show` (exact, or suppressed as published)."""
    profession_gender = stats.crosstab("profession", "gender")
    crosstab_rows = [
        (
            statistics.dimension_label("profession", key),
            [show(profession_gender.cell(key, column)) for column in profession_gender.column_keys],
            show(profession_gender.row_totals[key]),
        )
        for key in profession_gender.row_keys
    ]
    events = []
    for event in stats.events:
        figure = stats.figures[event.pk]
        events.append(
            {
                "event": event,
                "dates": event_dates_display(event),
                "participants": None if figure.participants is None else show(figure.participants),
                "basis": statistics.BASIS_LABELS[figure.basis],
                "registered": show(figure.registered),
                "registered_only": figure.basis == statistics.Basis.REGISTERED,
            }
        )
    totals = stats.totals
    return {
        "crosstab_columns": [
            statistics.dimension_label("gender", key) for key in profession_gender.column_keys
        ],
        "crosstab_rows": crosstab_rows,
        "crosstab_column_totals": [
            show(profession_gender.column_totals[key]) for key in profession_gender.column_keys
        ],
        "crosstab_total": show(profession_gender.total),
        "by_country": [
            (statistics.dimension_label("country", key), show(count))
            for key, count in totals.by_country.items()
        ],
        "events": events,
        "totals": totals,
        "total": show(totals.total),
    }


@programme_staff_required
@require_GET
def index(request):
    form = ScopeForm(request.GET)
    context = {"form": form, "threshold": statistics.statistics_threshold()}
    if not form.is_valid():
        return render(request, "programmes/statistics/index.html", context, status=400)
    scope = form.scope()
    published = form.cleaned_data["published"]
    stats = statistics.statistics_compute(scope.events())
    export_url = reverse("programmes_statistics:export")
    context.update(
        _page_context(stats, statistics.suppress if published else _exact),
        scope=scope,
        scope_title=scope.title(),
        published=published,
        unknown_note=statistics.unknown_events_note(stats.totals),
        exports=[
            (label, f"{export_url}?{urlencode({**scope.query(), 'format': format_})}")
            for format_, label in (("csv", "CSV"), ("xlsx", "XLSX"))
        ],
    )
    return render(request, "programmes/statistics/index.html", context)


# --- Export -----------------------------------------------------------------------------------------------

# A spreadsheet takes a cell starting with one of these for a formula: an event title must stay text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_text(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv_bytes(sheets: list[statistics.Sheet]) -> bytes:
    """The sheets one after another, each under its name, the preamble once at the top."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for line in sheets[0].preamble:
        writer.writerow([_csv_text(line)])
    for sheet in sheets:
        writer.writerow([])
        writer.writerow([_csv_text(sheet.name)])
        writer.writerow([_csv_text(value) for value in sheet.header])
        for row in sheet.rows:
            writer.writerow([_csv_text(value) for value in row])
    # With a byte order mark, spreadsheet programs read the file as UTF-8 (country names, diacritics).
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _xlsx_bytes(sheets: list[statistics.Sheet]) -> bytes:
    book = xlsx.Workbook()
    for sheet in sheets:
        written = book.sheet(sheet.name)
        for index, line in enumerate(sheet.preamble):
            written.row([line], bold=index == 0)
        written.row()
        written.row(sheet.header, bold=True)
        for row in sheet.rows:
            written.row(row)
    return book.content()


@programme_staff_required
@require_GET
def export(request):
    """The funders' tables for a scope, always suppressed (they leave the organisation)."""
    form = ScopeForm(request.GET)
    format_ = request.GET.get("format", "csv")
    if format_ not in FORMATS or not form.is_valid():
        context = {"form": form, "threshold": statistics.statistics_threshold()}
        if format_ not in FORMATS:
            context["format_error"] = _("Choose CSV or XLSX.")
        return render(request, "programmes/statistics/index.html", context, status=400)
    scope = form.scope()
    stats = statistics.statistics_compute(scope.events())
    sheets = statistics.export_sheets(stats, scope.title(), show=statistics.suppress)
    if format_ == "xlsx":
        response = HttpResponse(_xlsx_bytes(sheets), content_type=XLSX_TYPE)
    else:
        response = HttpResponse(_csv_bytes(sheets), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{scope.filename(format_)}"'
    return response
