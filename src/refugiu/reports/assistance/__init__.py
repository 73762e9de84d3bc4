"""Assistance statistics for a year, as published: the only figures about cases that researchers see.

    build.py  the builder: the year's tables, suppressed (refugiu.reports.suppression), in dataclasses
    csv.py    the CSV renderer
    xlsx.py   the XLSX renderer (refugiu.core.xlsx)

The staff page (refugiu.reports.views.statistics) shows the same view model. `KIND` puts builder and
renderers together for refugiu.reports.registry.
"""

from django.utils.translation import gettext_lazy

from refugiu.core.xlsx import XLSX_TYPE
from refugiu.reports.assistance.build import (
    MARK,
    AssistanceStatistics,
    StatisticsTable,
    assistance_statistics,
    assistance_statistics_from_run,
    legend,
    statistics_years,
)
from refugiu.reports.assistance.csv import render_csv
from refugiu.reports.assistance.xlsx import render_xlsx
from refugiu.reports.models import ReportRun
from refugiu.reports.rendering import Renderer, ReportKind

KIND: ReportKind[AssistanceStatistics] = ReportKind(
    kind=ReportRun.Kind.STATISTICS,
    build_run=assistance_statistics_from_run,
    renderers=(
        Renderer("csv", "text/csv; charset=utf-8", render_csv),
        Renderer("xlsx", XLSX_TYPE, render_xlsx),
    ),
    done_message=gettext_lazy("Done"),
)

__all__ = [
    "KIND",
    "MARK",
    "AssistanceStatistics",
    "StatisticsTable",
    "assistance_statistics",
    "legend",
    "render_csv",
    "render_xlsx",
    "statistics_years",
]
