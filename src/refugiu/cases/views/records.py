"""What happens in a case: sessions, notes, consents, needs assessments, tasks and legal proceedings.

Sub-records are always fetched through their case (`access.record_of_case(case=case, …)` after
`case_load`), so another case's record answers 404 exactly like a missing one (and is audited as refused)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from refugiu.accounts.decorators import SignedInRequest
from refugiu.cases import access, services
from refugiu.cases.forms import (
    AssessmentForm,
    ConsentForm,
    NoteForm,
    ProceedingEditForm,
    ProceedingNewForm,
    ServiceEntryForm,
    TaskForm,
)
from refugiu.cases.models import Consent, Proceeding, Task
from refugiu.cases.services import CaseError
from refugiu.cases.views.referrals import directory_organizations
from refugiu.cases.views.shared import (
    case_load,
    case_url,
    cases_view,
    initial_from_post,
    not_posted,
    record_form,
)


@cases_view
def service_new(request: SignedInRequest, case_id: int) -> HttpResponse:
    """The session form; the case page posts its quick-entry form here too (errors show on this page)."""
    case = case_load(request, case_id)
    form = ServiceEntryForm(request.POST or None, initial={"delivered_on": timezone.localdate()})
    return record_form(
        request,
        case,
        form,
        write=lambda data: services.service_record(user=request.user, request=request, case=case, **data),
        success=_("The session was recorded."),
        title=_("Record a session"),
        submit=_("Save the session"),
    )


@cases_view
def note_new(request: SignedInRequest, case_id: int) -> HttpResponse:
    case = case_load(request, case_id)
    form = NoteForm(request.POST or None, seals=access.readable_seals(request.user, case))
    return record_form(
        request,
        case,
        form,
        write=lambda data: services.note_write(
            user=request.user, request=request, case=case, text=data["text"], seal=data["seal"]
        ),
        success=_("The note was saved."),
        title=_("Write a note"),
        submit=_("Save the note"),
        intro=_(
            "A sealed note can be read only by the team's members of that profession (a coordinator can "
            "open it only by breaking the glass)."
        ),
    )


@cases_view
def consent_new(request: SignedInRequest, case_id: int) -> HttpResponse:
    """`q` searches the directory for the organisation (posted back, no JavaScript needed);
    `?organization=<id>` preselects one, as the referral form links here."""
    case = case_load(request, case_id)
    searching = request.method == "POST" and request.POST.get("action") == "search"
    query = request.POST.get("q", "") if request.method == "POST" else ""
    selected = (
        request.POST.get("organization", "")
        if request.method == "POST"
        else request.GET.get("organization", "")
    )
    organizations = directory_organizations(query, selected)
    if searching:
        form = ConsentForm(
            initial={
                "given_on": timezone.localdate(),
                **initial_from_post(request, ConsentForm, multiple=("shared_fields",)),
            },
            organizations=organizations,
        )
    elif request.method == "POST":
        form = ConsentForm(request.POST, organizations=organizations)
    else:
        form = ConsentForm(
            initial={"given_on": timezone.localdate(), "organization": selected}, organizations=organizations
        )
    return record_form(
        request,
        case,
        form,
        write=lambda data: services.consent_record(
            user=request.user,
            request=request,
            case=case,
            purpose=data["purpose"],
            organization=data["organization"],
            recipient_name=data["recipient_name"],
            shared_fields=data["shared_fields"],
            given_on=data["given_on"],
            form=data["consent_form"],
        ),
        success=_("The consent was recorded."),
        title=_("Record a consent"),
        submit=_("Save the consent"),
        intro=_(
            "For sharing with an organisation, search the directory, choose it, and tick what may be shared."
        ),
    )


@cases_view
def consent_withdraw(request: SignedInRequest, case_id: int, consent_id: int) -> HttpResponse:
    case = case_load(request, case_id)
    consent = access.record_of_case(
        user=request.user, case=case, queryset=Consent.objects.all(), record_id=consent_id, request=request
    )
    if refused := not_posted(request):
        return refused
    consent.case = case
    try:
        services.consent_withdraw(user=request.user, request=request, consent=consent)
    except CaseError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The consent is withdrawn from today."))
    return redirect(case_url(case))


@cases_view
def assessment_new(request: SignedInRequest, case_id: int) -> HttpResponse:
    case = case_load(request, case_id)
    form = AssessmentForm(request.POST or None, initial={"assessed_on": timezone.localdate()})
    return record_form(
        request,
        case,
        form,
        write=lambda data: services.assessment_record(user=request.user, request=request, case=case, **data),
        success=_("The needs assessment was recorded."),
        title=_("Assess the needs"),
        submit=_("Save the assessment"),
        intro=_(
            "Individual assessment of protection and support needs (Victims' Rights Directive, art. 22)."
        ),
    )


@cases_view
def task_new(request: SignedInRequest, case_id: int) -> HttpResponse:
    case = case_load(request, case_id)
    form = TaskForm(request.POST or None, case=case, user=request.user)
    return record_form(
        request,
        case,
        form,
        write=lambda data: services.task_create(user=request.user, request=request, case=case, **data),
        success=_("The task was added."),
        title=_("Add a task"),
        submit=_("Add the task"),
    )


@cases_view
def task_done(request: SignedInRequest, case_id: int, task_id: int) -> HttpResponse:
    case = case_load(request, case_id)
    task = access.record_of_case(
        user=request.user, case=case, queryset=Task.objects.all(), record_id=task_id, request=request
    )
    if refused := not_posted(request):
        return refused
    task.case = case
    try:
        services.task_complete(user=request.user, request=request, task=task)
    except CaseError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The task is done."))
    # Only a fixed place to go back to: a free "next" URL could send the person anywhere.
    return redirect(reverse("cases:my_work") if request.POST.get("back") == "work" else case_url(case))


@cases_view
def proceeding_new(request: SignedInRequest, case_id: int) -> HttpResponse:
    case = case_load(request, case_id)
    form = ProceedingNewForm(request.POST or None)

    def write(data: dict[str, Any]) -> None:
        fields = form.proceeding_fields()
        stage = fields.pop("stage")
        services.proceeding_record(
            user=request.user, request=request, case=case, kind=data["kind"], stage=stage, **fields
        )

    return record_form(
        request,
        case,
        form,
        write=write,
        success=_("The proceeding was recorded."),
        title=_("Record a legal proceeding"),
        submit=_("Save the proceeding"),
        intro=_("Its next deadline appears in the task list of everyone on the team."),
    )


@cases_view
def proceeding_edit(request: SignedInRequest, case_id: int, proceeding_id: int) -> HttpResponse:
    case = case_load(request, case_id)
    proceeding = access.record_of_case(
        user=request.user,
        case=case,
        queryset=Proceeding.objects.all(),
        record_id=proceeding_id,
        request=request,
    )
    proceeding.case = case
    form = ProceedingEditForm(request.POST or None, initial=ProceedingEditForm.initial_for(proceeding))
    return record_form(
        request,
        case,
        form,
        write=lambda data: services.proceeding_update(
            user=request.user,
            request=request,
            proceeding=proceeding,
            expected_version=data["version"],
            **form.proceeding_fields(),
        ),
        success=_("The proceeding was saved."),
        title=_("%(kind)s: edit") % {"kind": proceeding.get_kind_display()},
        submit=_("Save"),
        record=proceeding,
    )
