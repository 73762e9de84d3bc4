"""The case page and what changes the case itself: its fields, status, beneficiary, team, closure,
reopening and break-glass access."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from refugiu.accounts.decorators import SignedInRequest
from refugiu.cases import access, read_audit, selectors, services
from refugiu.cases import vocabularies as v
from refugiu.cases.forms import (
    BeneficiaryEditForm,
    BreakGlassByReferenceForm,
    BreakGlassForm,
    CaseCloseDecideForm,
    CaseCloseForm,
    CaseEditForm,
    CaseReopenForm,
    CaseStatusForm,
    ServiceEntryForm,
    TeamAddForm,
)
from refugiu.cases.models import BeneficiaryIdentity, BreakGlass, TeamMember
from refugiu.cases.services import CaseError
from refugiu.cases.views.shared import (
    case_error_show,
    case_load,
    case_render,
    case_url,
    cases_view,
    coordinators_only,
    form_page,
    int_or_404,
    not_posted,
    record_form,
)


def labels(choices: Iterable[tuple[str, Any]], values: Iterable[str]) -> list[Any]:
    names = dict(choices)
    return [names.get(value, value) for value in values]


@cases_view
def case_detail(request: SignedInRequest, case_id: int) -> HttpResponse:
    """Header, timeline and sidebar in a fixed number of queries, whatever the length of the history.
    Identity is not on this page: it takes a deliberate, audited step (`beneficiary_identity`)."""
    user = request.user
    case = access.case_get(
        user=user, case_id=case_id, queryset=selectors.cases_for_reading(), request=request
    )
    read_audit.case_read(user=user, request=request, case=case)
    timeline = selectors.case_timeline(user=user, case=case)
    can_edit = access.can_edit(user, case)
    can_coordinate = access.can_coordinate(user, case)
    session_form = status_form = None
    if can_edit:
        # Two forms on one page: their own id prefixes keep the labels' `for` unique.
        session_form = ServiceEntryForm(initial={"delivered_on": timezone.localdate()}, auto_id="session_%s")
        status_form = CaseStatusForm(case=case, initial={"version": case.version}, auto_id="status_%s")
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "flags": labels(v.CaseFlag.choices, case.flags),
            "exploitation_types": labels(v.ExploitationType.choices, case.exploitation_types),
            "timeline": timeline,
            **selectors.case_sidebar(case=case),
            "can_edit": can_edit,
            "can_coordinate": can_coordinate,
            "sealed_notes_hidden": any(item.kind == "sealed_note" for item in timeline),
            "session_form": session_form,
            "status_form": status_form,
        },
    )


@cases_view
def beneficiary_identity(request: SignedInRequest, case_id: int) -> HttpResponse:
    """Names, date of birth, contact and documents, on a page of their own, after a deliberate click
    (a POST, so that no link, prefetch or browser history opens it by accident)."""
    case = case_load(request, case_id)
    if refused := not_posted(request):
        return refused
    identity = BeneficiaryIdentity.objects.filter(beneficiary_id=case.beneficiary_id).first()
    return case_render(
        request,
        "cases/beneficiary_identity.html",
        case,
        {"identity": identity, "can_edit": access.can_edit(request.user, case)},
        action="cases.beneficiary.identity_viewed",
        target=case.beneficiary,
    )


@cases_view
def case_edit(request: SignedInRequest, case_id: int) -> HttpResponse:
    case = case_load(request, case_id)
    form = CaseEditForm(request.POST or None, initial=CaseEditForm.initial_for(case))
    return record_form(
        request,
        case,
        form,
        write=lambda data: services.case_update(
            user=request.user,
            request=request,
            case=case,
            expected_version=data["version"],
            **form.case_fields(),
        ),
        success=_("The case was saved."),
        title=_("Edit the case"),
        submit=_("Save"),
        record=case,
    )


@cases_view
def case_status(request: SignedInRequest, case_id: int) -> HttpResponse:
    case = case_load(request, case_id)
    form = CaseStatusForm(request.POST or None, case=case, initial={"version": case.version})
    return record_form(
        request,
        case,
        form,
        write=lambda data: services.case_status_change(
            user=request.user,
            request=request,
            case=case,
            expected_version=data["version"],
            to_status=data["to_status"],
            note=data["note"],
        ),
        success=_("The status was changed."),
        title=_("Change the status"),
        submit=_("Change the status"),
        record=case,
    )


@cases_view
def beneficiary_edit(request: SignedInRequest, case_id: int) -> HttpResponse:
    """The beneficiary's attributes and identity (so this page is audited as an identity read)."""
    case = case_load(request, case_id)
    beneficiary = case.beneficiary
    form = BeneficiaryEditForm(request.POST or None, initial=BeneficiaryEditForm.initial_for(beneficiary))
    if request.method == "POST" and form.is_valid():
        try:
            services.beneficiary_update(
                user=request.user,
                request=request,
                case=case,
                expected_version=form.cleaned_data["version"],
                identity=form.identity(),
                **form.attributes(),
            )
        except CaseError as error:
            case_error_show(form, error, beneficiary)
        else:
            messages.success(request, _("The beneficiary's record was saved."))
            return redirect(case_url(case))
    return form_page(
        request,
        case,
        form,
        title=_("Edit the beneficiary"),
        submit=_("Save"),
        record=beneficiary,
        action="cases.beneficiary.identity_viewed",
    )


@cases_view
def team(request: SignedInRequest, case_id: int) -> HttpResponse:
    case = case_load(request, case_id)
    form = TeamAddForm(request.POST if request.POST.get("action") == "add" else None)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "remove":
                membership = access.record_of_case(
                    user=request.user,
                    case=case,
                    queryset=TeamMember.objects.select_related("user"),
                    record_id=int_or_404(request.POST.get("member")),
                    request=request,
                )
                services.team_member_remove(
                    user=request.user, request=request, case=case, member=membership.user
                )
                messages.success(request, _("%(name)s left the team.") % {"name": membership.user})
                return redirect("cases:team", case_id=case.pk)
            if form.is_valid():
                services.team_member_add(
                    user=request.user,
                    request=request,
                    case=case,
                    member=form.cleaned_data["member"],
                    function=form.cleaned_data["function"],
                    is_lead=form.cleaned_data["is_lead"],
                )
                messages.success(
                    request, _("%(name)s is on the team.") % {"name": form.cleaned_data["member"]}
                )
                return redirect("cases:team", case_id=case.pk)
        except CaseError as error:
            form.add_error(None, error.message)
    members = TeamMember.objects.filter(case=case).select_related("user").order_by("-is_lead", "pk")
    return case_render(
        request,
        "cases/team.html",
        case,
        {"members": members, "form": form, "can_coordinate": access.can_coordinate(request.user, case)},
    )


@cases_view
def case_close(request: SignedInRequest, case_id: int) -> HttpResponse:
    case = case_load(request, case_id)
    form = CaseCloseForm(request.POST or None, initial={"version": case.version})
    return record_form(
        request,
        case,
        form,
        write=lambda data: services.case_close_request(
            user=request.user,
            request=request,
            case=case,
            expected_version=data["version"],
            reason=data["reason"],
            outcome=data["outcome"],
        ),
        success=_("Closure requested. The department's coordinator will decide."),
        title=_("Ask to close the case"),
        submit=_("Ask to close"),
        record=case,
        intro=_("The department's coordinator approves the closure or sends it back."),
    )


@cases_view
def case_close_decide(request: SignedInRequest, case_id: int) -> HttpResponse:
    case = case_load(request, case_id)
    form = CaseCloseDecideForm(request.POST or None, initial={"version": case.version})
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            services.case_close_decide(
                user=request.user,
                request=request,
                case=case,
                expected_version=form.cleaned_data["version"],
                approve=approve,
                note=form.cleaned_data["note"],
            )
        except CaseError as error:
            case_error_show(form, error, case)
        else:
            messages.success(
                request, _("The case is closed.") if approve else _("The closure was sent back.")
            )
            return redirect(case_url(case))
    return case_render(
        request,
        "cases/close_decide.html",
        case,
        {"form": form, "requested_by": case.closure_requested_by if case.closure_requested_by_id else None},
    )


@cases_view
def case_reopen(request: SignedInRequest, case_id: int) -> HttpResponse:
    case = case_load(request, case_id)
    form = CaseReopenForm(request.POST or None, initial={"version": case.version})
    return record_form(
        request,
        case,
        form,
        write=lambda data: services.case_reopen(
            user=request.user,
            request=request,
            case=case,
            expected_version=data["version"],
            reason=data["reason"],
        ),
        success=_("The case is open again."),
        title=_("Reopen the case"),
        submit=_("Reopen"),
        record=case,
    )


def _break_glass_message(grant: BreakGlass) -> str:
    until = formats.time_format(timezone.localtime(grant.expires_at), "TIME_FORMAT")
    return _("Break-glass access is open until %(time)s. The data protection officer is informed.") % {
        "time": until
    }


@cases_view
def break_glass(request: SignedInRequest, case_id: int) -> HttpResponse:
    """The department's coordinator reads the sealed notes of a case, for a limited time, with a reason."""
    case = case_load(request, case_id)
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            grant = services.break_glass_open_sealed(
                user=request.user, request=request, case=case, reason=form.cleaned_data["reason"]
            )
        except CaseError as error:
            form.add_error(None, error.message)
        else:
            messages.warning(request, _break_glass_message(grant))
            return redirect(case_url(case))
    return form_page(
        request,
        case,
        form,
        title=_("Break the glass"),
        submit=_("Open access"),
        intro=_(
            "Sealed notes are for the team's psychologists or lawyers. Open them only when you must, for "
            "example when someone is in danger. The access is time-limited and recorded."
        ),
    )


@cases_view
def break_glass_by_reference(request: SignedInRequest) -> HttpResponse:
    """A coordinator reaches a case by its reference (by default one of their own departments: see
    `services.break_glass_open_by_reference`, which also makes a reference that does not exist and a
    refusal answer alike, so the page cannot be used to find out which references exist)."""
    coordinators_only(request)
    form = BreakGlassByReferenceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            grant = services.break_glass_open_by_reference(
                user=request.user,
                request=request,
                reference=form.cleaned_data["reference"],
                reason=form.cleaned_data["reason"],
            )
        except CaseError as error:
            form.add_error(None, error.message)
        else:
            messages.warning(request, _break_glass_message(grant))
            return redirect(case_url(grant.case))
    return render(
        request,
        "cases/break_glass_reference.html",
        {"form": form, "across_departments": access.break_glass_across_departments()},
    )
