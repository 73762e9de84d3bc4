"""The annual activity report as one HTML document: the page read in the browser and printed, and the
source of the PDF (refugiu.reports.annual.pdf). Its style is inline, so the file stands on its own."""

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from refugiu.reports.annual.document import AnnualReport


def report_css() -> str:
    found = finders.find("refugiu/report.css")
    if not found:
        return ""
    with open(found, encoding="utf-8") as handle:
        return handle.read()


def render_html(report: AnnualReport, *, for_pdf: bool = False) -> str:
    """The whole report as one HTML document, its style inline (the file stands on its own)."""
    return render_to_string(
        "reports/annual/report.html",
        {
            "report": report,
            "for_pdf": for_pdf,
            "projects_intro": report.projects_intro,
            "css": mark_safe(report_css()),  # noqa: S308 - our own file
        },
    )


def render_html_file(report: AnnualReport) -> bytes:
    """The HTML renderer: the document as a UTF-8 file."""
    return render_html(report).encode("utf-8")
