"""Timesheet pages: one's own month (a grid of days that works without JavaScript and on a phone), a month's
page with its versions, the supervisor's queue of signed months, and the financial manager's view of a month
across people. Every write goes through `finance.services.timesheets`."""

from __future__ import annotations

import contextlib
import datetime
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from refugiu.accounts.decorators import SignedInRequest, permission_required_404
from refugiu.accounts.roles import Permission
from refugiu.finance import access
from refugiu.finance.models import Employment, Grant, TimeEntry, TimesheetMonth, WorkPackage
from refugiu.finance.services import timesheets as services
from refugiu.finance.services.errors import FinanceError
from refugiu.finance.timesheets import month_days, month_end, sheet_problems, units
from refugiu.finance.vocabularies import SheetStatus, TimeBasis, TimeKind

ZERO = Decimal("0")
MOST_PROJECT_LINES = 4


def _month(year: int, month: int) -> datetime.date:
    try:
        return datetime.date(year, month, 1)
    except ValueError:
        raise Http404 from None


def _shift(month: datetime.date, by: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + by
    return datetime.date(index // 12, index % 12 + 1, 1)


def day_name(day: datetime.date) -> str:
    """A day as the grid names it, in the user's language: "Monday March 4, 2019"."""
    return f"{date_format(day, 'l')} {date_format(day, 'DATE_FORMAT')}"


def _person(user: Any) -> str:
    return str(user.get_full_name() or user.get_username())


# --- the month grid ---


def project_choices(month: datetime.date, entries: list[TimeEntry]) -> list[tuple[str, str]]:
    """The grants our organisation is a beneficiary of that run during `month` (and any a month's entries
    already name), one choice per work package ("grant-wp"), or the grant alone when it has none."""
    grants = Grant.objects.filter(partners__is_us=True, start__lte=month_end(month), end__gte=month)
    named = {entry.grant_id for entry in entries if entry.grant_id}
    grants = (grants | Grant.objects.filter(pk__in=named)).distinct().select_related("project")
    packages: dict[int, list[WorkPackage]] = defaultdict(list)
    for package in WorkPackage.objects.filter(grant__in=grants).order_by("number"):
        packages[package.grant_id].append(package)
    choices: list[tuple[str, str]] = []
    for grant in grants.order_by("agreement_number"):
        name = f"{grant.agreement_number} · {grant.project.acronym or grant.project}"
        if packages[grant.pk]:
            choices.extend((f"{grant.pk}-{wp.pk}", f"{name} · {wp}") for wp in packages[grant.pk])
        else:
            choices.append((f"{grant.pk}-", name))
    return choices


class MonthForm(forms.Form):
    """A month of one person as a grid: for each day, `lines` project lines (a grant and work package, and
    hours), other work and absence, in hours. Every field's label names its day, so a screen reader (and a
    browser test) finds "Project hours, Monday March 4, 2019"."""

    def __init__(
        self, *args: Any, month: datetime.date, lines: int, choices: list[tuple[str, str]], **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.month = month
        self.lines = lines
        self.days = month_days(month)
        options = [("", _("— no project —")), *choices]
        self.short = [
            (_("Project"), _("Project hours"))
            if line == 0
            else (
                _("Project %(number)s") % {"number": line + 1},
                _("Project %(number)s hours") % {"number": line + 1},
            )
            for line in range(lines)
        ]
        for day in self.days:
            name = day_name(day)
            for line in range(lines):
                what, hours = self.short[line]
                self.fields[f"d{day.day}_project{line}"] = forms.ChoiceField(
                    label=_("%(what)s, %(day)s") % {"what": what, "day": name},
                    choices=options,
                    required=False,
                )
                self.fields[f"d{day.day}_hours{line}"] = self._hours(
                    _("%(what)s, %(day)s") % {"what": hours, "day": name}
                )
            self.fields[f"d{day.day}_other"] = self._hours(
                _("%(what)s, %(day)s") % {"what": _("Other work hours"), "day": name}
            )
            self.fields[f"d{day.day}_absence"] = self._hours(
                _("%(what)s, %(day)s") % {"what": _("Absence hours"), "day": name}
            )

    @staticmethod
    def _hours(label: str) -> forms.DecimalField:
        field = forms.DecimalField(
            label=label,
            required=False,
            min_value=ZERO,
            max_value=Decimal("24"),
            max_digits=4,
            decimal_places=2,
        )
        field.widget.attrs.update({"step": "0.25", "inputmode": "decimal", "class": "hours"})
        return field

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        for day in self.days:
            for line in range(self.lines):
                project, hours = f"d{day.day}_project{line}", f"d{day.day}_hours{line}"
                if hours in self.errors:
                    continue
                if data.get(hours) and not data.get(project):
                    self.add_error(project, _("Choose the grant and work package of these hours."))
                elif data.get(project) and not data.get(hours):
                    self.add_error(hours, _("Enter the hours worked on this project, or choose no project."))
            for key in (f"d{day.day}_hours{line}" for line in range(self.lines)):
                value = data.get(key)
                if value is not None and ZERO < value < Decimal("0.25"):
                    self.add_error(key, _("At least a quarter of an hour (0.25)."))
        return data

    def entries(self) -> list[services.EntryInput]:
        """What was typed, as the service takes it (call after `is_valid`)."""
        data = self.cleaned_data
        wanted = {data[f"d{day.day}_project{line}"] for day in self.days for line in range(self.lines)} - {""}
        grants = Grant.objects.select_related("template").in_bulk(
            {int(value.split("-")[0]) for value in wanted}
        )
        packages = WorkPackage.objects.in_bulk(
            {int(value.split("-")[1]) for value in wanted if value.split("-")[1]}
        )
        found = []
        for day in self.days:
            for line in range(self.lines):
                choice, hours = data[f"d{day.day}_project{line}"], data[f"d{day.day}_hours{line}"]
                if choice and hours:
                    grant_id, wp_id = choice.split("-")
                    found.append(
                        services.EntryInput(
                            date=day,
                            kind=TimeKind.PROJECT,
                            hours=hours,
                            grant=grants.get(int(grant_id)),
                            work_package=packages.get(int(wp_id)) if wp_id else None,
                        )
                    )
            for kind, key in ((TimeKind.OTHER_WORK, "other"), (TimeKind.ABSENCE, "absence")):
                hours = data[f"d{day.day}_{key}"]
                if hours:
                    found.append(services.EntryInput(date=day, kind=kind, hours=hours))
        return found

    def rows(self, totals: dict[datetime.date, Decimal]) -> list[dict[str, Any]]:
        """The grid's rows for the template: a day, its fields in order, the saved total."""
        short = self.short
        return [
            {
                "day": day,
                "name": day_name(day),
                "weekend": day.weekday() >= 5,
                "projects": [
                    (self[f"d{day.day}_project{line}"], self[f"d{day.day}_hours{line}"], *short[line])
                    for line in range(self.lines)
                ],
                "other": self[f"d{day.day}_other"],
                "absence": self[f"d{day.day}_absence"],
                "total": totals.get(day, ZERO),
            }
            for day in self.days
        ]


def initial_of(entries: list[TimeEntry]) -> tuple[dict[str, Any], int]:
    """The grid's initial values from saved entries, and the project lines a day needs to show them."""
    initial: dict[str, Any] = {}
    used: dict[int, int] = defaultdict(int)
    for entry in entries:
        day = entry.date.day
        if entry.kind == TimeKind.PROJECT:
            line = used[day]
            used[day] += 1
            initial[f"d{day}_project{line}"] = f"{entry.grant_id}-{entry.work_package_id or ''}"
            initial[f"d{day}_hours{line}"] = entry.hours
        else:
            key = f"d{day}_{'other' if entry.kind == TimeKind.OTHER_WORK else 'absence'}"
            initial[key] = initial.get(key, ZERO) + entry.hours
    # As people write them: 7.5 and 8, not 7.50 and 8.00.
    shown = {
        key: f"{value.normalize():f}" if isinstance(value, Decimal) else value
        for key, value in initial.items()
    }
    return shown, max(used.values(), default=1)


def summary(entries: list[TimeEntry]) -> dict[str, Any]:
    """A month's totals: per day (all kinds), per grant and work package (hours, and days when the grant's
    template counts days), and per kind."""
    per_day: dict[datetime.date, Decimal] = defaultdict(lambda: ZERO)
    per_kind: dict[str, Decimal] = defaultdict(lambda: ZERO)
    per_grant: dict[tuple[Grant, WorkPackage | None], Decimal] = defaultdict(lambda: ZERO)
    for entry in entries:
        per_day[entry.date] += entry.hours
        per_kind[entry.kind] += entry.hours
        if entry.kind == TimeKind.PROJECT and entry.grant is not None:
            per_grant[(entry.grant, entry.work_package)] += entry.hours
    grants = [
        {
            "grant": grant,
            "work_package": package,
            "hours": hours,
            "days": units(hours, grant.template).quantize(Decimal("0.01"))
            if grant.template.time_basis == TimeBasis.DAY
            else None,
        }
        for (grant, package), hours in sorted(
            per_grant.items(),
            key=lambda item: (item[0][0].agreement_number, item[0][1].number if item[0][1] else 0),
        )
    ]
    return {
        "per_day": dict(per_day),
        "per_grant": grants,
        "project": per_kind[TimeKind.PROJECT],
        "other": per_kind[TimeKind.OTHER_WORK],
        "absence": per_kind[TimeKind.ABSENCE],
        "total": sum(per_kind.values(), ZERO),
    }


def _entries(sheet: TimesheetMonth | None) -> list[TimeEntry]:
    if sheet is None:
        return []
    return list(sheet.entries.select_related("grant__template", "grant__project", "work_package"))


def _by_day(entries: list[TimeEntry]) -> list[tuple[datetime.date, list[TimeEntry]]]:
    days: dict[datetime.date, list[TimeEntry]] = defaultdict(list)
    for entry in entries:
        days[entry.date].append(entry)
    return sorted(days.items())


def _versions(sheet: TimesheetMonth | None) -> list[TimesheetMonth]:
    if sheet is None:
        return []
    return list(TimesheetMonth.objects.filter(user_id=sheet.user_id, month=sheet.month).order_by("-version"))


@permission_required_404(access.TIMESHEET_KEEPERS)
def timesheet_mine(request: SignedInRequest) -> HttpResponse:
    today = timezone.localdate()
    return redirect("finance:timesheet_month", year=today.year, month=today.month)


@permission_required_404(access.TIMESHEET_KEEPERS)
def timesheet_month(request: SignedInRequest, year: int, month: int) -> HttpResponse:
    """One's own month: the grid while it is a draft (or returned), read only once signed; save, sign."""
    first = _month(year, month)
    sheet = services.current_sheet(request.user.pk, first)
    entries = _entries(sheet)
    initial, needed = initial_of(entries)
    try:
        asked = int(request.GET.get("lines", "1"))
    except ValueError:
        asked = 1
    lines = min(max(needed, asked, 1), MOST_PROJECT_LINES)
    problems: list[str] = []
    editable = sheet is None or not sheet.is_locked
    form = None
    if editable:
        choices = project_choices(first, entries)
        if request.method == "POST":
            with contextlib.suppress(ValueError):
                lines = min(max(int(request.POST.get("lines", lines)), 1), MOST_PROJECT_LINES)
            form = MonthForm(request.POST, month=first, lines=lines, choices=choices)
            if form.is_valid():
                try:
                    sheet = services.timesheet_fill(
                        actor=request.user, month=first, entries=form.entries(), request=request
                    )
                    if request.POST.get("action") == "sign":
                        services.timesheet_sign(actor=request.user, sheet=sheet, request=request)
                        messages.success(
                            request, _("The month is signed and waits for your supervisor's approval.")
                        )
                    else:
                        messages.success(request, _("The month is saved as a draft."))
                    return redirect("finance:timesheet_month", year=first.year, month=first.month)
                except FinanceError as error:
                    problems = error.messages
                    sheet = services.current_sheet(request.user.pk, first)
                    entries = _entries(sheet)
        else:
            form = MonthForm(initial=initial, month=first, lines=lines, choices=choices)
    elif request.method == "POST":
        problems = [_("This month is signed and locked: correct it to change it (a new version).")]
    totals = summary(entries)
    today = timezone.localdate()
    context = {
        "month": first,
        "sheet": sheet,
        "form": form,
        "rows": form.rows(totals["per_day"]) if form else None,
        "lines": lines,
        "more_lines": lines + 1 if lines < MOST_PROJECT_LINES else None,
        "problems": problems,
        "days": _by_day(entries),
        "totals": totals,
        "versions": _versions(sheet),
        "previous": _shift(first, -1),
        "next": _shift(first, 1),
        "this_month": today.replace(day=1),
        "may_correct": sheet is not None
        and sheet.status in (SheetStatus.SIGNED, SheetStatus.APPROVED)
        and services.may_correct(request.user, sheet),
        "employed": Employment.objects.filter(user=request.user, start__lte=month_end(first))
        .exclude(end__lt=first)
        .exists(),
    }
    return render(request, "finance/timesheet_month.html", context, status=200)


# --- a month's page, approval, return, correction ---


def _detail(
    request: SignedInRequest, sheet: TimesheetMonth, *, problems: list[str] | None = None, reason: str = ""
) -> HttpResponse:
    entries = _entries(sheet)
    may_approve = sheet.status == SheetStatus.SIGNED and access.may_approve_timesheet(request.user, sheet)
    context = {
        "sheet": sheet,
        "person": _person(sheet.user),
        "days": _by_day(entries),
        "totals": summary(entries),
        "versions": _versions(sheet),
        "may_approve": may_approve,
        "may_correct": sheet.status in (SheetStatus.SIGNED, SheetStatus.APPROVED)
        and services.may_correct(request.user, sheet),
        "is_own": sheet.user_id == request.user.pk,
        "rule_problems": sheet_problems(sheet, entries) if may_approve else [],
        "problems": problems or [],
        "reason": reason,
    }
    return render(request, "finance/timesheet_detail.html", context)


@permission_required_404(access.TIMESHEET_READERS)
def timesheet_detail(request: SignedInRequest, sheet_id: int) -> HttpResponse:
    return _detail(request, access.timesheet_get(request.user, sheet_id, request=request))


def _approvable(request: SignedInRequest, sheet_id: int) -> TimesheetMonth:
    sheet = access.timesheet_get(request.user, sheet_id, request=request)
    if not access.may_approve_timesheet(request.user, sheet):
        raise Http404
    return sheet


@permission_required_404(access.TIMESHEET_APPROVERS)
@require_POST
def timesheet_approve(request: SignedInRequest, sheet_id: int) -> HttpResponse:
    sheet = _approvable(request, sheet_id)
    try:
        services.timesheet_approve(actor=request.user, sheet=sheet, request=request)
    except FinanceError as error:
        sheet.refresh_from_db()
        return _detail(request, sheet, problems=error.messages)
    messages.success(request, _("%(person)s's %(month)s is approved.") % _named(sheet))
    return redirect("finance:timesheet_queue")


@permission_required_404(access.TIMESHEET_APPROVERS)
@require_POST
def timesheet_return(request: SignedInRequest, sheet_id: int) -> HttpResponse:
    sheet = _approvable(request, sheet_id)
    reason = request.POST.get("reason", "")
    try:
        services.timesheet_return(actor=request.user, sheet=sheet, reason=reason, request=request)
    except FinanceError as error:
        sheet.refresh_from_db()
        return _detail(request, sheet, problems=error.messages, reason=reason)
    messages.success(request, _("%(person)s's %(month)s is returned with your reason.") % _named(sheet))
    return redirect("finance:timesheet_queue")


def _named(sheet: TimesheetMonth) -> dict[str, str]:
    return {"person": _person(sheet.user), "month": date_format(sheet.month, "YEAR_MONTH_FORMAT")}


class CorrectionForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why it is corrected"),
        max_length=services.REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Kept with both versions: what was wrong in the signed month."),
    )


@permission_required_404(access.TIMESHEET_READERS)
def timesheet_correct(request: SignedInRequest, sheet_id: int) -> HttpResponse:
    """A new version of a signed or approved month, the old one kept as superseded."""
    sheet = access.timesheet_get(request.user, sheet_id, request=request)
    if not services.may_correct(request.user, sheet):
        raise Http404
    if sheet.status not in (SheetStatus.SIGNED, SheetStatus.APPROVED):
        return redirect("finance:timesheet_detail", sheet_id=sheet.pk)
    problems: list[str] = []
    form = CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            new = services.timesheet_correct(
                actor=request.user, sheet=sheet, reason=form.cleaned_data["reason"], request=request
            )
        except FinanceError as error:
            problems = error.messages
        else:
            messages.success(
                request, _("A new version of the month is open for changes; sign it when it is right.")
            )
            if new.user_id == request.user.pk:
                return redirect("finance:timesheet_month", year=new.month.year, month=new.month.month)
            return redirect("finance:timesheet_detail", sheet_id=new.pk)
    return render(
        request,
        "finance/timesheet_correct.html",
        {"sheet": sheet, "person": _person(sheet.user), "form": form, "problems": problems},
    )


# --- the supervisor's queue and the financial manager's month ---


@permission_required_404(access.TIMESHEET_APPROVERS)
def timesheet_queue(request: SignedInRequest) -> HttpResponse:
    """The signed months waiting for this user's approval: of the people they supervise (a financial
    manager: everyone's), never their own."""
    signed = (
        access.timesheets_visible(request.user)
        .filter(status=SheetStatus.SIGNED)
        .exclude(user=request.user)
        .select_related("user")
        .order_by("month", "user__last_name", "user__first_name")
    )
    waiting = access.timesheets_approvable_by(request.user, list(signed))
    return render(
        request,
        "finance/timesheet_queue.html",
        {"waiting": [(sheet, _person(sheet.user)) for sheet in waiting]},
    )


@permission_required_404(Permission.FINANCE_MANAGE)
def timesheet_overview(request: SignedInRequest) -> HttpResponse:
    """A month across people, for the financial manager: everyone employed that month, their sheet's status
    and hours of project work, other work and absence."""
    try:
        first = datetime.datetime.strptime(request.GET.get("month", ""), "%Y-%m").date()
    except ValueError:
        first = timezone.localdate().replace(day=1)
    sheets = {
        sheet.user_id: sheet
        for sheet in TimesheetMonth.objects.filter(month=first)
        .exclude(status=SheetStatus.SUPERSEDED)
        .select_related("user")
    }
    hours: dict[tuple[int, str], Decimal] = defaultdict(lambda: ZERO)
    for sheet_id, kind, value in TimeEntry.objects.filter(sheet__in=sheets.values()).values_list(
        "sheet_id", "kind", "hours"
    ):
        hours[(sheet_id, kind)] += value
    employed = (
        Employment.objects.filter(start__lte=month_end(first))
        .exclude(end__lt=first)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user_id")
    )
    people: dict[int, Any] = {employment.user_id: employment.user for employment in employed}
    for sheet in sheets.values():
        people.setdefault(sheet.user_id, sheet.user)
    rows = []
    for user_id, user in people.items():
        found = sheets.get(user_id)
        rows.append(
            {
                "person": _person(user),
                "sheet": found,
                "project": hours[(found.pk, TimeKind.PROJECT)] if found else None,
                "other": hours[(found.pk, TimeKind.OTHER_WORK)] if found else None,
                "absence": hours[(found.pk, TimeKind.ABSENCE)] if found else None,
            }
        )
    return render(
        request,
        "finance/timesheet_overview.html",
        {"month": first, "rows": rows, "previous": _shift(first, -1), "next": _shift(first, 1)},
    )
