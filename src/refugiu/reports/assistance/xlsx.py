"""The assistance statistics as a workbook: a sheet about them (title, legend), then a sheet per table."""

from django.utils.translation import gettext as _

from refugiu.core.xlsx import Workbook
from refugiu.reports.assistance.build import AssistanceStatistics, legend


def render_xlsx(stats: AssistanceStatistics) -> bytes:
    book = Workbook()
    about = book.sheet(_("About"))
    about.heading(stats.title)
    about.row([legend(stats.threshold)])
    for table in stats.tables:
        sheet = book.sheet(table.title)
        sheet.heading(f"{table.title} ({table.unit})")
        for index, row in enumerate(table.sheet_rows()):
            sheet.row(row, bold=index == 0)
    return book.content()
