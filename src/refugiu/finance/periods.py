"""Which reporting period a date of a grant falls in, and whether it is closed: the one answer to "may this
cost or this time still change?", for expenses, timesheets and statements alike."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from refugiu.finance.models import Grant, ReportingPeriod
from refugiu.finance.services.errors import FinanceError, PeriodClosed


def period_of(grant: Grant, day: datetime.date) -> ReportingPeriod | None:
    """The reporting period of `grant` that holds `day`, or None (before, after or between periods)."""
    return grant.periods.filter(start__lte=day, end__gte=day).first()


def is_closed(grant: Grant, day: datetime.date) -> bool:
    period = period_of(grant, day)
    return period is not None and period.is_closed


def require_within_grant(grant: Grant, day: datetime.date) -> None:
    if not grant.start <= day <= grant.end:
        raise FinanceError(
            _("%(date)s is outside the grant's period (%(start)s – %(end)s).")
            % {"date": day.isoformat(), "start": grant.start.isoformat(), "end": grant.end.isoformat()},
            code="outside_grant",
        )


def require_open(grant: Grant, day: datetime.date) -> ReportingPeriod:
    """The open reporting period holding `day`; FinanceError when there is none, PeriodClosed when its
    statement was submitted (a correction then goes into a later, open period as an adjustment)."""
    require_within_grant(grant, day)
    period = period_of(grant, day)
    if period is None:
        raise FinanceError(
            _("%(date)s falls in no reporting period of this grant.") % {"date": day.isoformat()},
            code="no_period",
        )
    if period.is_closed:
        raise PeriodClosed(
            _(
                "Reporting period %(number)s is closed: its statement was submitted. Record a correction "
                "as an adjustment in an open period."
            )
            % {"number": period.number}
        )
    return period


def first_open_period(grant: Grant) -> ReportingPeriod | None:
    return grant.periods.filter(submitted_at__isnull=True).order_by("number").first()
