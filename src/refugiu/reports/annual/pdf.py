"""The annual activity report as PDF: the HTML document (refugiu.reports.annual.html) laid out for print
by WeasyPrint."""

from refugiu.core.pdf import html_to_pdf
from refugiu.reports.annual.document import AnnualReport
from refugiu.reports.annual.html import render_html


def render_pdf(report: AnnualReport) -> bytes:
    return html_to_pdf(render_html(report, for_pdf=True))
