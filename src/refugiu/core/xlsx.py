"""Spreadsheets (XLSX) for every export: one way to name sheets, write rows, set headings in bold and keep
text as text.

Text is always written as text: an event's title or a department's name starting with =, +, - or @ is
never taken for a formula by a spreadsheet program (formula injection), whatever it starts with. Workbooks
are written row by row (openpyxl's write-only mode), so memory stays flat however long a sheet is.

    book = Workbook()
    sheet = book.sheet(_("Events"))
    sheet.heading(_("Events by type"))
    sheet.row([_("Type"), _("Events")], bold=True)
    sheet.row(["seminar", 3])
    sheet.row()  # an empty line
    content = book.content()

openpyxl is imported when a workbook is made, not with this module: it costs about 0.3 s, which a process
pays only once it writes a spreadsheet.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# What a cell may hold. None is written as an empty cell; a Decimal (money) is written as a number.
Value = str | int | float | Decimal | None

# Sheet names are at most 31 characters and may not hold any of these.
SHEET_TITLE_FORBIDDEN = frozenset("[]:*?/\\")
SHEET_TITLE_LENGTH = 31


def sheet_title(name: str) -> str:
    """`name` as a sheet may be named: the characters a sheet name may not hold left out, cut to 31."""
    return "".join(char for char in name if char not in SHEET_TITLE_FORBIDDEN)[:SHEET_TITLE_LENGTH]


class Sheet:
    """One sheet of a workbook, written a row at a time, top to bottom."""

    def __init__(self, worksheet: WriteOnlyWorksheet, bold: Any) -> None:
        self._worksheet = worksheet
        self._bold = bold

    def row(self, values: Iterable[Value] = (), *, bold: bool = False) -> None:
        """Append a row (no values: an empty row); `bold` sets every cell of it in bold."""
        from openpyxl.cell import WriteOnlyCell

        cells = []
        for value in values:
            written: Any = "" if value is None else value  # openpyxl writes a Decimal as a number
            cell = WriteOnlyCell(self._worksheet, value=written)
            if isinstance(value, str):
                cell.data_type = "s"  # text stays text, whatever it starts with (never a formula)
            if bold:
                cell.font = self._bold
            cells.append(cell)
        self._worksheet.append(cells)

    def heading(self, text: str) -> None:
        """A row of one cell in bold: a sheet's or a table's title."""
        self.row([text], bold=True)


class Workbook:
    """A workbook of sheets in the order they are added; `content()` gives the file."""

    def __init__(self) -> None:
        from openpyxl import Workbook as OpenpyxlWorkbook
        from openpyxl.styles import Font

        self._workbook = OpenpyxlWorkbook(write_only=True)
        self._bold = Font(bold=True)

    def sheet(self, name: str) -> Sheet:
        """A new sheet after the others, named `name` as far as sheet names allow (a name already taken gets
        a number after it)."""
        return Sheet(self._workbook.create_sheet(title=sheet_title(name)), self._bold)

    def content(self) -> bytes:
        buffer = io.BytesIO()
        self._workbook.save(buffer)
        return buffer.getvalue()
