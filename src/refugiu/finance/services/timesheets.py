"""Every write of a timesheet: fill a month, sign it, approve or return it, correct a locked one.

A person fills and signs their own months (`FINANCE_TIMESHEET`); the supervisor with `FINANCE_COORDINATE` or a
financial manager approves or returns a signed month, never their own (`access.may_approve_timesheet`); a
signed or approved month is locked and is changed only by a correction: a new version that supersedes it,
with the reason, refused while any of its time lies in a closed reporting period. Approving a month writes
its personnel costs (`timesheets.personnel_costs_write`) and superseding it removes them, in the same
transaction. The rules a month must
keep are `finance.timesheets`. Each write locks the person's employments first, so two months of one person
are never checked against the year's ceiling at the same time, and is audited ("finance.timesheet.<verb>",
the month, version and counts, never a rate or a salary).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from refugiu.core.audit import audit_record
from refugiu.finance import access
from refugiu.finance.models import Employment, Grant, TimeEntry, TimesheetMonth, WorkPackage
from refugiu.finance.services.errors import FinanceError, PeriodClosed
from refugiu.finance.timesheets import closed_time, month_start, personnel_costs_write, sheet_problems
from refugiu.finance.vocabularies import SheetStatus, TimeKind

if TYPE_CHECKING:
    from refugiu.finance.access import Actor

REASON_LENGTH = 300


@dataclass(frozen=True)
class EntryInput:
    """One line of a month as typed: a day's project time (with its grant and work package), other work
    or absence, in hours."""

    date: datetime.date
    kind: str
    hours: Decimal
    grant: Grant | None = None
    work_package: WorkPackage | None = None
    note: str = ""


def current_sheet(user_id: int, month: datetime.date) -> TimesheetMonth | None:
    """The person's current (not superseded) version of `month`, if they have one."""
    return (
        TimesheetMonth.objects.filter(user_id=user_id, month=month_start(month))
        .exclude(status=SheetStatus.SUPERSEDED)
        .first()
    )


def _lock_person(user_id: int) -> None:
    list(Employment.objects.select_for_update().filter(user_id=user_id).values_list("pk", flat=True))


def _locked(sheet: TimesheetMonth) -> TimesheetMonth:
    _lock_person(sheet.user_id)
    return TimesheetMonth.objects.select_for_update().get(pk=sheet.pk)


def _detail(sheet: TimesheetMonth, **more: object) -> dict[str, object]:
    return {"month": f"{sheet.month:%Y-%m}", "version": sheet.version, **more}


def _reason(reason: str, *, field: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise FinanceError(_("Say why (%(field)s).") % {"field": field}, code="reason_required")
    if len(reason) > REASON_LENGTH:
        raise FinanceError(
            _("The reason is %(length)s characters long; at most %(most)s.")
            % {"length": len(reason), "most": REASON_LENGTH},
            code="reason_too_long",
        )
    return reason


def _refuse_if_locked(sheet: TimesheetMonth) -> None:
    if sheet.is_locked:
        raise FinanceError(
            _("This month is %(status)s and locked: correct it to change it (a new version).")
            % {"status": sheet.get_status_display()},
            code="locked",
        )


def timesheet_fill(
    *,
    actor: Actor,
    month: datetime.date,
    entries: Sequence[EntryInput],
    request: HttpRequest | None = None,
) -> TimesheetMonth:
    """Replace the entries of the actor's own draft (or returned) `month` with `entries`, creating the
    month's first version if there is none. Refused, every problem listed, when the rules fail."""
    if not access.may_keep_timesheet(actor) or actor is None or not actor.is_authenticated:
        raise access.FinanceAccessDenied
    with transaction.atomic():
        _lock_person(actor.pk)
        sheet = current_sheet(actor.pk, month)
        created = sheet is None
        if sheet is None:
            sheet = TimesheetMonth.objects.create(user_id=actor.pk, month=month_start(month))
        else:
            sheet = TimesheetMonth.objects.select_for_update().get(pk=sheet.pk)
        _refuse_if_locked(sheet)
        new = [
            TimeEntry(
                sheet=sheet,
                date=entry.date,
                kind=entry.kind,
                hours=entry.hours,
                grant=entry.grant if entry.kind == TimeKind.PROJECT else None,
                work_package=entry.work_package if entry.kind == TimeKind.PROJECT else None,
                note=entry.note,
            )
            for entry in entries
        ]
        problems = sheet_problems(sheet, new)
        if problems:
            raise FinanceError(*problems, code="rules")
        removed = sheet.entries.count()
        sheet.entries.all().delete()
        TimeEntry.objects.bulk_create(new)
        audit_record(
            actor=actor,
            action="finance.timesheet.filled",
            target=sheet,
            request=request,
            detail=_detail(sheet, created=created, entries=len(new), replaced=removed),
        )
    return sheet


def timesheet_sign(
    *, actor: Actor, sheet: TimesheetMonth, request: HttpRequest | None = None
) -> TimesheetMonth:
    """The owner signs their month: it is locked and waits for approval. Refused when the rules fail."""
    if actor is None or not access.may_keep_timesheet(actor) or sheet.user_id != actor.pk:
        raise access.FinanceAccessDenied
    with transaction.atomic():
        sheet = _locked(sheet)
        if sheet.status not in (SheetStatus.DRAFT, SheetStatus.RETURNED):
            _refuse_if_locked(sheet)
        entries = list(sheet.entries.select_related("grant__template", "work_package"))
        if not entries:
            raise FinanceError(_("There is nothing to sign: this month has no time yet."), code="empty")
        problems = sheet_problems(sheet, entries)
        if problems:
            raise FinanceError(*problems, code="rules")
        sheet.status = SheetStatus.SIGNED
        sheet.signed_at = timezone.now()
        sheet.return_reason = ""
        sheet.save(update_fields=["status", "signed_at", "return_reason"])
        audit_record(
            actor=actor,
            action="finance.timesheet.signed",
            target=sheet,
            request=request,
            detail=_detail(sheet, entries=len(entries)),
        )
    return sheet


def _require_approver(actor: Actor, sheet: TimesheetMonth) -> None:
    if not access.may_approve_timesheet(actor, sheet):
        raise access.FinanceAccessDenied


def _require_signed(sheet: TimesheetMonth) -> None:
    if sheet.status != SheetStatus.SIGNED:
        raise FinanceError(
            _("Only a signed month waits for approval; this one is %(status)s.")
            % {"status": sheet.get_status_display()},
            code="not_signed",
        )


def timesheet_approve(
    *, actor: Actor, sheet: TimesheetMonth, request: HttpRequest | None = None
) -> TimesheetMonth:
    """The supervisor (or a financial manager) approves a signed month: its time becomes personnel costs.
    The rules are checked again (another month may have been signed since, or a period closed)."""
    _require_approver(actor, sheet)
    with transaction.atomic():
        sheet = _locked(sheet)
        _require_signed(sheet)
        problems = sheet_problems(
            sheet, list(sheet.entries.select_related("grant__template", "work_package"))
        )
        if problems:
            raise FinanceError(*problems, code="rules")
        sheet.status = SheetStatus.APPROVED
        sheet.approved_by = actor  # type: ignore[assignment]
        sheet.approved_at = timezone.now()
        sheet.save(update_fields=["status", "approved_by", "approved_at"])
        personnel_costs_write([sheet.pk])
        audit_record(
            actor=actor,
            action="finance.timesheet.approved",
            target=sheet,
            request=request,
            detail=_detail(sheet),
        )
    return sheet


def timesheet_return(
    *, actor: Actor, sheet: TimesheetMonth, reason: str, request: HttpRequest | None = None
) -> TimesheetMonth:
    """The supervisor (or a financial manager) returns a signed month to its owner, saying why; the owner
    can change it and sign it again."""
    _require_approver(actor, sheet)
    reason = _reason(reason, field=_("why it is returned"))
    with transaction.atomic():
        sheet = _locked(sheet)
        _require_signed(sheet)
        sheet.status = SheetStatus.RETURNED
        sheet.return_reason = reason
        sheet.signed_at = None
        sheet.save(update_fields=["status", "return_reason", "signed_at"])
        audit_record(
            actor=actor,
            action="finance.timesheet.returned",
            target=sheet,
            request=request,
            detail=_detail(sheet, reason=reason),
        )
    return sheet


def may_correct(actor: Actor, sheet: TimesheetMonth) -> bool:
    """The owner or a financial manager may correct a signed or approved month."""
    if actor is None or not actor.is_authenticated:
        return False
    owner = sheet.user_id == actor.pk and access.may_keep_timesheet(actor)
    return owner or access.may_manage(actor)


def timesheet_correct(
    *, actor: Actor, sheet: TimesheetMonth, reason: str, request: HttpRequest | None = None
) -> TimesheetMonth:
    """A new draft version of a signed or approved month, with its entries, superseding it; the old one is
    kept (status superseded) so the trail shows what was first signed. Refused while any of its project
    time lies in a closed reporting period."""
    if not may_correct(actor, sheet):
        raise access.FinanceAccessDenied
    reason = _reason(reason, field=_("why it is corrected"))
    with transaction.atomic():
        old = _locked(sheet)
        if old.status not in (SheetStatus.SIGNED, SheetStatus.APPROVED):
            raise FinanceError(
                _("Only a signed or approved month is corrected; this one is %(status)s.")
                % {"status": old.get_status_display()},
                code="not_locked",
            )
        problems = closed_time(old)
        if problems:
            raise PeriodClosed(*problems)
        was = old.status
        old.status = SheetStatus.SUPERSEDED
        old.save(update_fields=["status"])
        personnel_costs_write([old.pk])  # its personnel costs go with it
        new = TimesheetMonth.objects.create(
            user_id=old.user_id,
            month=old.month,
            version=old.version + 1,
            supersedes=old,
            correction_reason=reason,
            status=SheetStatus.DRAFT,
        )
        copies = [
            TimeEntry(
                sheet=new,
                date=entry.date,
                kind=entry.kind,
                grant_id=entry.grant_id,
                work_package_id=entry.work_package_id,
                hours=entry.hours,
                note=entry.note,
            )
            for entry in old.entries.all()
        ]
        TimeEntry.objects.bulk_create(copies)
        audit_record(
            actor=actor,
            action="finance.timesheet.corrected",
            target=new,
            request=request,
            detail=_detail(new, supersedes=old.pk, was=was, reason=reason, entries=len(copies)),
        )
    return new
