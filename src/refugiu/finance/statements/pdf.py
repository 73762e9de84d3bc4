"""A statement as PDF: an HTML page of its own (finance/statement_pdf.html) laid out on A4 by WeasyPrint."""

from __future__ import annotations

from django.template.loader import render_to_string

from refugiu.core.pdf import html_to_pdf
from refugiu.finance.statements import Statement


def render_html(statement: Statement) -> str:
    return render_to_string("finance/statement_pdf.html", {"statement": statement})


def render_pdf(statement: Statement) -> bytes:
    return html_to_pdf(render_html(statement))
