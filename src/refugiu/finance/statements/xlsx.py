"""A statement as a workbook: the statement's sheet in the template's layout (codes and names as the template
has them), for a consolidated statement a sheet per beneficiary after it, and the problems found."""

from __future__ import annotations

from django.utils.translation import gettext as _

from refugiu.core.xlsx import Sheet, Workbook
from refugiu.finance.statements import Line, Statement


def _facts(sheet: Sheet, statement: Statement, beneficiary: str) -> None:
    grant, period = statement.grant, statement.period
    sheet.heading(
        statement.title
        if beneficiary == ""
        else _("Financial statement of %(partner)s") % {"partner": beneficiary}
    )
    if statement.is_example:
        notice = _(
            "illustrative amounts made up for the demonstration, not the organisation's real finances."
        )
        sheet.row([f"{_('Example figures')} — {notice}"], bold=True)
    for label, value in (
        (_("Grant agreement"), grant.agreement_number),
        (_("Project"), str(grant.project)),
        (_("Cost template"), grant.template.name),
        (_("Beneficiary"), beneficiary or _("all beneficiaries (consolidated)")),
        (_("Reporting period"), f"{period.number} ({period.start.isoformat()} – {period.end.isoformat()})"),
        (_("Currency"), grant.currency),
        (_("Indirect cost rate"), f"{statement.indirect_rate * 100:.2f} %"),
    ):
        sheet.row([label, value])
    sheet.row()


def _table(sheet: Sheet, lines: list[Line], direct: Line, total: Line) -> None:
    sheet.row(
        [
            _("Code"),
            _("Category"),
            _("Budget"),
            _("Costs of this period"),
            _("Costs to date"),
            _("Remaining"),
        ],
        bold=True,
    )
    for line in lines:
        sheet.row(
            [
                line.code,
                "  " * line.depth + line.name,
                line.budget,
                line.period,
                line.to_date,
                line.remaining,
            ],
            bold=not line.is_leaf,
        )
    for line in (direct, total):
        sheet.row(["", line.name, line.budget, line.period, line.to_date, line.remaining], bold=True)


def render_xlsx(statement: Statement) -> bytes:
    book = Workbook()
    sheet = book.sheet(_("Statement"))
    _facts(sheet, statement, "" if statement.partner is None else statement.partner.name)
    _table(sheet, statement.lines, statement.direct, statement.total)
    if statement.is_consolidated:
        for part in statement.by_partner:
            each = book.sheet(part.partner.short_name or part.partner.name)
            _facts(each, statement, part.partner.name)
            _table(each, part.lines, part.direct, part.total)
    problems = book.sheet(_("Problems"))
    problems.heading(_("Left out of the statement until resolved"))
    for problem in statement.problems:
        problems.row([problem])
    if not statement.problems:
        problems.row([_("None.")])
    return book.content()
