"""Dates the sources give only in part ("2017", "June 2019"): stored as the first day of the period with a
precision (day, month, year) beside them, so that they are shown exactly as known and still sort."""

import datetime

from django.db import models
from django.db.models import Q
from django.utils import formats
from django_stubs_ext import StrPromise

from refugiu.programmes.vocabularies import DatePrecision


def partial_date_display(value: datetime.date | None, precision: str) -> str:
    """A date as precisely as it is known: "5 April 2019", "June 2019", "2017" (localised)."""
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        return str(value.year)
    if precision == DatePrecision.MONTH:
        return formats.date_format(value, "YEAR_MONTH_FORMAT")
    return formats.date_format(value, "DATE_FORMAT")


def partial_date_constraints(field: str) -> list[models.BaseConstraint]:
    """A partial date has a precision exactly when it has a date, and is the first day of its period."""
    precision = f"{field}_precision"
    return [
        models.CheckConstraint(
            condition=Q(**{f"{field}__isnull": True, precision: ""})
            | (Q(**{f"{field}__isnull": False}) & ~Q(**{precision: ""})),
            name=f"%(app_label)s_%(class)s_{field}_precision_iff_date",
        ),
        models.CheckConstraint(
            condition=~Q(**{precision: DatePrecision.MONTH}) | Q(**{f"{field}__day": 1}),
            name=f"%(app_label)s_%(class)s_{field}_month_starts_on_1st",
        ),
        models.CheckConstraint(
            condition=~Q(**{precision: DatePrecision.YEAR}) | Q(**{f"{field}__day": 1, f"{field}__month": 1}),
            name=f"%(app_label)s_%(class)s_{field}_year_starts_on_1_january",
        ),
    ]


def precision_field(verbose_name: str | StrPromise) -> models.CharField:
    return models.CharField(verbose_name, max_length=5, choices=DatePrecision.choices, blank=True)
