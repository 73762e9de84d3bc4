"""The funder report of one project for a period: what a funder asks for, as XLSX and PDF.

    build.py  the builder: the project's indicators, suppressed, in plain dataclasses (the view model)
    xlsx.py   the XLSX renderer (refugiu.core.xlsx)
    pdf.py    the PDF renderer (an HTML page laid out by WeasyPrint)

`KIND` puts them together for refugiu.reports.registry.
"""

from django.utils.translation import gettext_lazy

from refugiu.core.xlsx import XLSX_TYPE
from refugiu.reports.funder.build import FunderReport, funder_report, funder_report_from_run
from refugiu.reports.funder.pdf import render_html, render_pdf
from refugiu.reports.funder.xlsx import render_xlsx
from refugiu.reports.models import ReportRun
from refugiu.reports.rendering import Renderer, ReportKind

KIND: ReportKind[FunderReport] = ReportKind(
    kind=ReportRun.Kind.FUNDER,
    build_run=funder_report_from_run,
    renderers=(
        Renderer("xlsx", XLSX_TYPE, render_xlsx),
        Renderer("pdf", "application/pdf", render_pdf),
    ),
    done_message=gettext_lazy("Done"),
)

__all__ = ["KIND", "FunderReport", "funder_report", "render_html", "render_pdf", "render_xlsx"]
