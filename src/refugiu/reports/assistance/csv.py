"""The assistance statistics as CSV: every table one after another, under its title, hidden counts marked."""

import csv
import io

from refugiu.reports.assistance.build import AssistanceStatistics, legend


def render_csv(stats: AssistanceStatistics) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([stats.title])
    writer.writerow([legend(stats.threshold)])
    for table in stats.tables:
        writer.writerow([])
        writer.writerow([f"{table.title} ({table.unit})"])
        writer.writerows(table.sheet_rows())
    return out.getvalue().encode("utf-8-sig")
