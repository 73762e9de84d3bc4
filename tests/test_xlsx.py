"""The one XLSX helper every export writes with (refugiu.core.xlsx), read back with openpyxl."""

import io

from openpyxl import load_workbook

from refugiu.core import xlsx


def test_sheets_rows_bold_and_text_that_stays_text():
    book = xlsx.Workbook()
    sheet = book.sheet("Events: 2019/2020 [draft] and a name longer than a sheet's")
    sheet.heading("Events")
    sheet.row(["=HYPERLINK(1)", "+1", "-1", "@SUM(A1)", 12, None], bold=False)
    sheet.row()
    sheet.row(["Type", "Events"], bold=True)
    book.sheet("Events")
    book.sheet("Events")

    workbook = load_workbook(io.BytesIO(book.content()))

    assert workbook.sheetnames == ["Events 20192020 draft and a nam", "Events", "Events1"]
    rows = list(workbook.worksheets[0].iter_rows())
    assert [cell.value for cell in rows[1]] == ["=HYPERLINK(1)", "+1", "-1", "@SUM(A1)", 12, None]
    assert [cell.data_type for cell in rows[1][:4]] == ["s"] * 4
    assert rows[0][0].font.b  # rows are read back as wide as the widest
    assert not any(cell.font.b for cell in rows[1])
    assert all(cell.value is None for cell in rows[2])
    assert [cell.font.b for cell in rows[3][:2]] == [True, True]


def test_sheet_title():
    assert xlsx.sheet_title("a[b]c:d*e?f/g\\h") == "abcdefgh"
    assert len(xlsx.sheet_title("x" * 40)) == 31
