"""The annual activity report as PDF: the HTML document (refugiu.reports.annual.html) laid out for print
by WeasyPrint, as PDF/UA-1: a tagged PDF (its structure tree gives the headings, lists, tables, and the
figures with their alternative text) that a screen reader can navigate. A published report is read by
anyone, with whatever they read with."""

from refugiu.core.pdf import html_to_pdf
from refugiu.reports.annual.document import AnnualReport
from refugiu.reports.annual.html import render_html

PDF_VARIANT = "pdf/ua-1"


def render_pdf(report: AnnualReport) -> bytes:
    return html_to_pdf(render_html(report, for_pdf=True), variant=PDF_VARIANT)
