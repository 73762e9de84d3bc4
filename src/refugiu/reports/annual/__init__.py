"""The annual activity report: the seed's 2019 report, made from the data for any year.

    document.py  what the report shows: plain dataclasses of text and figures (the view model)
    build.py     the builder: reads a year's data into them, in a fixed number of queries
    html.py      the HTML renderer (one template serves the browser, printing and the PDF)
    pdf.py       the PDF renderer (WeasyPrint, from that HTML)
    docx.py      the DOCX renderer (python-docx)

`KIND` puts them together for refugiu.reports.registry, where the pages, the `report` command and the
background task find them.
"""

from django.utils.translation import gettext_lazy

from refugiu.reports.annual.build import (
    annual_report,
    annual_report_default_year,
    annual_report_from_run,
    annual_report_years,
)
from refugiu.reports.annual.document import AnnualReport
from refugiu.reports.annual.docx import DOCX_TYPE, render_docx
from refugiu.reports.annual.html import render_html, render_html_file
from refugiu.reports.annual.pdf import render_pdf
from refugiu.reports.models import ReportRun
from refugiu.reports.rendering import Renderer, ReportKind

KIND: ReportKind[AnnualReport] = ReportKind(
    kind=ReportRun.Kind.ANNUAL,
    build_run=annual_report_from_run,
    renderers=(
        Renderer("html", "text/html; charset=utf-8", render_html_file),
        Renderer("pdf", "application/pdf", render_pdf),
        Renderer("docx", DOCX_TYPE, render_docx),
    ),
    done_message=gettext_lazy("Ready"),
)

__all__ = [
    "KIND",
    "AnnualReport",
    "annual_report",
    "annual_report_default_year",
    "annual_report_years",
    "render_docx",
    "render_html",
    "render_pdf",
]
