"""Dates in Romanian as Romanian writes them: month and day names in lower case ("16 noiembrie 2026",
"16 nov. 2026", "luni"), where Django's own catalogue capitalises them (core.calendar_names)."""

import datetime
import re
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.formats import date_format

import refugiu

DAY = datetime.date(2026, 11, 16)  # a Monday


@pytest.mark.parametrize(
    ("format", "romanian", "english"),
    [
        ("j E Y", "16 noiembrie 2026", "16 November 2026"),
        ("j F Y", "16 noiembrie 2026", "16 November 2026"),
        ("DATE_FORMAT", "16 noiembrie 2026", "Nov. 16, 2026"),
        ("j N Y", "16 nov. 2026", "16 Nov. 2026"),
        ("l j E Y", "luni 16 noiembrie 2026", "Monday 16 November 2026"),
        ("D j", "lun. 16", "Mon 16"),
        ("YEAR_MONTH_FORMAT", "noiembrie 2026", "November 2026"),
    ],
)
def test_dates_in_romanian_are_written_in_lower_case(format, romanian, english):
    with translation.override("ro"):
        assert date_format(DAY, format) == romanian
    with translation.override("en"):
        assert date_format(DAY, format) == english


def test_every_month_in_romanian():
    months = "ianuarie februarie martie aprilie mai iunie iulie august septembrie octombrie noiembrie "
    months += "decembrie"
    short = "ian. feb. mar. apr. mai iun. iul. aug. sept. oct. nov. dec."
    with translation.override("ro"):
        assert [date_format(datetime.date(2026, m, 1), "E") for m in range(1, 13)] == months.split()
        assert [date_format(datetime.date(2026, m, 1), "N") for m in range(1, 13)] == short.split()


def test_no_template_writes_a_month_django_capitalises():
    """ "M" is Django's three-letter month, capitalised whatever the catalogue says ("Noi"): "N" instead."""
    templates = Path(refugiu.__file__).resolve().parent / "templates"
    formats = re.compile(r"""\|date:["']([^"']*)["']""")
    offenders = [
        (str(path.relative_to(templates)), format)
        for path in templates.rglob("*.html")
        for format in formats.findall(path.read_text(encoding="utf-8"))
        if not re.fullmatch(r"[A-Z_]+", format) and re.search(r"(?<!\\)M", format)  # not a setting's name
    ]
    assert offenders == []
