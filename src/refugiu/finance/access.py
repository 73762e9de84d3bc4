"""Who may see and do what in grant finance: the one home of these rules, for pages, commands and services.

- Financial managers (`Permission.FINANCE_MANAGE`) see and do everything: grants, budgets, expenses and
  their documents, rates, statements, every timesheet; they close periods and give auditors access.
- Project coordinators (`FINANCE_COORDINATE`) read the grants they coordinate (`Grant.coordinators`) and
  approve the timesheets of the people they supervise (`Employment.supervisor`).
- Anyone keeping a timesheet (`FINANCE_TIMESHEET`) fills and signs their own months; nothing else.
- An auditor (`FINANCE_AUDIT`) reads one grant, every document included, while an `AuditorAccess` for it
  runs (until its date, inclusive); never writes.
- Nobody else sees anything of finance: the pages answer 404, as if they did not exist, and a grant,
  expense or timesheet outside someone's scope is 404 too, the refusal audited. Finance sees no case.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone

from refugiu.accounts.models import user_has_permission
from refugiu.accounts.roles import Permission
from refugiu.core.audit import refused_access_record
from refugiu.finance.models import Employment, Grant, TimesheetMonth

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from refugiu.accounts.models import User

    Actor = User | AnonymousUser | None

# Any of these lets someone reach the finance pages at all; each page narrows further.
ANY_FINANCE = (
    Permission.FINANCE_MANAGE,
    Permission.FINANCE_COORDINATE,
    Permission.FINANCE_TIMESHEET,
    Permission.FINANCE_AUDIT,
)
# Who may open a grant's pages (read): all but those who only keep a timesheet.
GRANT_READERS = (Permission.FINANCE_MANAGE, Permission.FINANCE_COORDINATE, Permission.FINANCE_AUDIT)
# Timesheets: who keeps one (their own months); who approves (a queue of their people's signed months);
# who may open a month at all (each month narrowed further by `timesheet_get`).
TIMESHEET_KEEPERS = (Permission.FINANCE_TIMESHEET,)
TIMESHEET_APPROVERS = (Permission.FINANCE_MANAGE, Permission.FINANCE_COORDINATE)
TIMESHEET_READERS = (Permission.FINANCE_MANAGE, Permission.FINANCE_COORDINATE, Permission.FINANCE_TIMESHEET)


class FinanceAccessDenied(PermissionDenied):
    """A service was asked for something its caller may not do. Pages answer 404 before it comes to that."""


def may_manage(user: Actor) -> bool:
    return user_has_permission(user, Permission.FINANCE_MANAGE)


def require_manager(actor: Actor) -> None:
    if not may_manage(actor):
        raise FinanceAccessDenied


def manager_required(actor: Actor) -> User:
    """The financial manager `actor` is, for a service that records who acted; FinanceAccessDenied
    otherwise."""
    if actor is None or not actor.is_authenticated or not may_manage(actor):
        raise FinanceAccessDenied
    return actor


def grants_visible(user: Actor, *, today: datetime.date | None = None) -> QuerySet[Grant]:
    """The grants `user` may read."""
    if user is None or not user.is_authenticated:
        return Grant.objects.none()
    if may_manage(user):
        return Grant.objects.all()
    scope = Q(pk__in=[])
    if user_has_permission(user, Permission.FINANCE_COORDINATE):
        scope |= Q(coordinators=user)
    if user_has_permission(user, Permission.FINANCE_AUDIT):
        today = today or timezone.localdate()
        scope |= Q(auditor_accesses__auditor=user, auditor_accesses__until__gte=today)
    return Grant.objects.filter(scope).distinct()


def grant_get(user: Actor, pk: int | str, *, request: HttpRequest | None = None) -> Grant:
    """The grant `pk` if `user` may read it; otherwise Http404, the refusal of an existing grant audited."""
    try:
        return grants_visible(user).get(pk=pk)
    except (Grant.DoesNotExist, ValueError, TypeError):
        refused_access_record(actor=user, request=request, queryset=Grant.objects.all(), pk=pk)
        raise Http404 from None


def may_edit_grant(user: Actor, grant: Grant) -> bool:
    """Budgets, expenses, documents, periods: financial managers only (auditors and coordinators read)."""
    return may_manage(user)


def is_auditor_of(user: Actor, grant: Grant) -> bool:
    return (
        user is not None
        and user.is_authenticated
        and not may_manage(user)
        and grant.auditor_accesses.filter(auditor=user, until__gte=timezone.localdate()).exists()
    )


def may_keep_timesheet(user: Actor) -> bool:
    return user_has_permission(user, Permission.FINANCE_TIMESHEET)


def may_approve_timesheet(user: Actor, sheet: TimesheetMonth) -> bool:
    """A financial manager, or a coordinator who supervises the sheet's owner; never one's own."""
    return bool(timesheets_approvable_by(user, [sheet]))


def timesheets_approvable_by(user: Actor, sheets: list[TimesheetMonth]) -> list[TimesheetMonth]:
    """Those of `sheets` `user` may approve (`may_approve_timesheet`), with one query for all of them: the
    employments `user` supervises among the sheets' owners."""
    if user is None or not user.is_authenticated:
        return []
    others = [sheet for sheet in sheets if sheet.user_id != user.pk]
    if may_manage(user):
        return others
    if not others or not user_has_permission(user, Permission.FINANCE_COORDINATE):
        return []
    supervised = list(
        Employment.objects.filter(supervisor=user, user_id__in={sheet.user_id for sheet in others}).only(
            "user_id", "start", "end"
        )
    )

    def covers(employment: Employment, sheet: TimesheetMonth) -> bool:
        month_end = (sheet.month.replace(day=28) + datetime.timedelta(days=4)).replace(
            day=1
        ) - datetime.timedelta(days=1)
        return (
            employment.user_id == sheet.user_id
            and employment.start <= month_end
            and (employment.end is None or employment.end >= sheet.month)
        )

    return [sheet for sheet in others if any(covers(employment, sheet) for employment in supervised)]


def timesheets_visible(user: Actor) -> QuerySet[TimesheetMonth]:
    """One's own months; those of the people one supervises (coordinators); everyone's (managers)."""
    if user is None or not user.is_authenticated:
        return TimesheetMonth.objects.none()
    if may_manage(user):
        return TimesheetMonth.objects.all()
    scope = Q(user=user) if may_keep_timesheet(user) else Q(pk__in=[])
    if user_has_permission(user, Permission.FINANCE_COORDINATE):
        supervised = Employment.objects.filter(supervisor=user).values("user_id")
        scope |= Q(user__in=supervised)
    return TimesheetMonth.objects.filter(scope)


def timesheet_get(user: Actor, pk: int | str, *, request: HttpRequest | None = None) -> TimesheetMonth:
    try:
        return timesheets_visible(user).get(pk=pk)
    except (TimesheetMonth.DoesNotExist, ValueError, TypeError):
        refused_access_record(actor=user, request=request, queryset=TimesheetMonth.objects.all(), pk=pk)
        raise Http404 from None
