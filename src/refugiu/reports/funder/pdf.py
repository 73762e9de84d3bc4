"""The funder report as PDF: an HTML page of its own (reports/funder/report_pdf.html) laid out on A4 by
WeasyPrint."""

from django.template.loader import render_to_string

from refugiu.core.pdf import html_to_pdf
from refugiu.reports.funder.build import FunderReport


def render_html(report: FunderReport, *, for_pdf: bool = True) -> str:
    return render_to_string("reports/funder/report_pdf.html", {"report": report, "for_pdf": for_pdf})


def render_pdf(report: FunderReport) -> bytes:
    """The report on A4 in Roboto (WeasyPrint); counts of people suppressed as in the XLSX."""
    return html_to_pdf(render_html(report))
