"""The data protection officer's pages: a person's file (metadata), export, erasure, retention, audit log.

Every page answers 404 to anyone without "audit.view" (and the CSV export to anyone without
"audit.export"), whatever the method, as if it did not exist. Searches that carry a beneficiary code or
a username are POSTed and turned into ids before they reach a URL.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from refugiu.accounts.decorators import SignedInRequest, permission_required_404
from refugiu.accounts.models import user_has_permission
from refugiu.accounts.roles import Permission
from refugiu.cases import gdpr, read_audit
from refugiu.cases.forms.common import ISODateField
from refugiu.cases.models import Beneficiary, Case
from refugiu.cases.services import CaseError
from refugiu.cases.views.shared import named_records_refused
from refugiu.core.forms import form_field
from refugiu.core.pdf import html_to_pdf

PAGE_SIZE = 50
RETENTION_PAGE = 200


_Response = TypeVar("_Response", bound=HttpResponseBase)


def dpo_only(
    permission: Permission = Permission.AUDIT_VIEW,
) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    return permission_required_404(permission, on_refused=named_records_refused)


def _attachment(response: _Response, filename: str) -> _Response:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


@dpo_only()
@require_GET
def index(request: SignedInRequest) -> HttpResponse:
    return render(
        request,
        "cases/dpo/index.html",
        {"can_export": user_has_permission(request.user, Permission.AUDIT_EXPORT)},
    )


# A person's file ------------------------------------------------------------------------------------


class SubjectLookupForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Beneficiary code"), max_length=16)


@dpo_only()
def subject(request: SignedInRequest) -> HttpResponse:
    form = SubjectLookupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        found = gdpr.subject_find(user=request.user, code=form.cleaned_data["code"])
        if found is not None:
            return redirect("dpo:subject_detail", beneficiary_id=found.pk)
        form.add_error("code", _("No beneficiary has this code."))
    return render(request, "cases/dpo/subject_find.html", {"form": form})


def _subject_read(request: SignedInRequest, overview: gdpr.Subject) -> None:
    """The person's file names their cases: its read is audited with them."""
    read_audit.beneficiary_read(
        user=request.user,
        request=request,
        beneficiary=overview.beneficiary,
        case_ids=[case.pk for case in overview.cases],
    )


def _beneficiary(beneficiary_id: int) -> Beneficiary:
    return get_object_or_404(Beneficiary, pk=beneficiary_id)


@dpo_only()
@require_GET
def subject_detail(request: SignedInRequest, beneficiary_id: int) -> HttpResponse:
    overview = gdpr.subject_overview(user=request.user, beneficiary=_beneficiary(beneficiary_id))
    _subject_read(request, overview)
    if overview.beneficiary.pk != int(beneficiary_id):
        messages.info(request, _("That record was merged into this one; this is the person's file."))
        return redirect("dpo:subject_detail", beneficiary_id=overview.beneficiary.pk)
    return render(request, "cases/dpo/subject.html", {"subject": overview})


@dpo_only()
@require_POST
def subject_export_json(request: SignedInRequest, beneficiary_id: int) -> HttpResponse:
    file = gdpr.subject_file(
        user=request.user, request=request, beneficiary=_beneficiary(beneficiary_id), export_format="json"
    )
    body = json.dumps(file.data, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    return _attachment(response, f"subject-{file.code}.json")


@dpo_only()
@require_POST
def subject_export_pdf(request: SignedInRequest, beneficiary_id: int) -> HttpResponse:
    file = gdpr.subject_file(
        user=request.user, request=request, beneficiary=_beneficiary(beneficiary_id), export_format="pdf"
    )
    html = render_to_string(
        "cases/dpo/export_pdf.html", {"file": file, "exported_at": timezone.localtime()}, request=request
    )
    return _attachment(
        HttpResponse(html_to_pdf(html), content_type="application/pdf"), f"subject-{file.code}.pdf"
    )


class ErasureForm(forms.Form):
    ground = forms.ChoiceField(
        label=gettext_lazy("Ground for erasure"),
        choices=[(value, label) for value, label in gdpr.ErasureGround.choices if value != "retention"],
        widget=forms.RadioSelect,
    )
    confirm_code = forms.CharField(
        label=gettext_lazy("Type the beneficiary's code to confirm"), max_length=16
    )


@dpo_only()
def subject_erase(request: SignedInRequest, beneficiary_id: int) -> HttpResponse:
    beneficiary = _beneficiary(beneficiary_id)
    form = ErasureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            counts = gdpr.subject_erase(
                user=request.user,
                request=request,
                beneficiary=beneficiary,
                ground=form.cleaned_data["ground"],
                confirm_code=form.cleaned_data["confirm_code"],
            )
        except CaseError as error:
            form.add_error("confirm_code" if error.code == "confirm" else None, error.message)
        else:
            messages.success(
                request,
                _(
                    "The person's data was erased: identity removed, free text blanked in %(cases)d "
                    "case(s), %(documents)d document(s) deleted."
                )
                % {"cases": counts.cases, "documents": counts.documents},
            )
            return redirect("dpo:subject_detail", beneficiary_id=gdpr.person_root(beneficiary).pk)
    overview = gdpr.subject_overview(user=request.user, beneficiary=beneficiary)
    _subject_read(request, overview)
    open_cases = [c for c in overview.cases if not c.is_closed]
    return render(
        request, "cases/dpo/erase.html", {"subject": overview, "form": form, "open_cases": open_cases}
    )


# Retention --------------------------------------------------------------------------------------------


@dpo_only()
def retention(request: SignedInRequest) -> HttpResponse:
    if request.method == "POST":
        case_ids = [int(x) for x in request.POST.getlist("case") if x.isdigit()]
        try:
            counts = gdpr.retention_anonymise(user=request.user, request=request, case_ids=case_ids)
        except CaseError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _(
                    "%(cases)d case(s) anonymised; %(identities)d person(s) had no other case and were "
                    "anonymised."
                )
                % {"cases": counts.cases, "identities": counts.identities},
            )
        return redirect("dpo:retention")
    shown, total = gdpr.retention_review(user=request.user, limit=RETENTION_PAGE)
    read_audit.cases_listed(
        user=request.user, request=request, case_ids=[c.pk for c in shown], view="retention"
    )
    return render(
        request,
        "cases/dpo/retention.html",
        {"cases": shown, "total": total, "cutoff": gdpr.retention_cutoff()},
    )


# The audit log ----------------------------------------------------------------------------------------


AUDIT_KINDS = [
    ("", gettext_lazy("Every record")),
    (gdpr.AUDIT_KIND_SECURITY, gettext_lazy("Security events (sign-ins, accounts, roles, refused access)")),
]


class AuditSearchForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Show"), choices=AUDIT_KINDS, required=False)
    actor = forms.CharField(label=gettext_lazy("Who (username)"), max_length=150, required=False)
    action = forms.ChoiceField(label=gettext_lazy("What was done"), required=False, choices=())
    case = forms.CharField(label=gettext_lazy("Case (reference or number)"), max_length=20, required=False)
    beneficiary = forms.CharField(label=gettext_lazy("Beneficiary code"), max_length=16, required=False)
    since = ISODateField(label=gettext_lazy("From"), required=False)
    until = ISODateField(label=gettext_lazy("Until"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[Any] = [("", _("Anything")), *gdpr.action_choices()]
        chosen = str(self.initial.get("action") or "")
        offered = {code for _group, codes in choices[1:] for code, _label in codes}
        if chosen and chosen not in offered:  # a prefix from an older link: kept, by its code
            choices.append((chosen, gdpr.action_label(chosen)))
        form_field(self, "action", forms.ChoiceField).choices = choices

    def clean_actor(self) -> int | None:
        username = self.cleaned_data["actor"].strip()
        if not username:
            return None
        user = gdpr.user_by_username(username)
        if user is None:
            raise forms.ValidationError(_("No user has this username."))
        return user.pk

    def clean_case(self) -> int | None:
        value = self.cleaned_data["case"].strip().upper()
        if not value:
            return None
        if value.isdigit():
            return int(value)
        case_id = Case.objects.filter(reference=value).values_list("pk", flat=True).first()
        if case_id is None:
            raise forms.ValidationError(_("No case has this reference."))
        return case_id

    def clean_beneficiary(self) -> int | None:
        code = self.cleaned_data["beneficiary"].strip().upper()
        if not code:
            return None
        beneficiary_id = Beneficiary.objects.filter(code=code).values_list("pk", flat=True).first()
        if beneficiary_id is None:
            raise forms.ValidationError(_("No beneficiary has this code."))
        return beneficiary_id

    def filters(self) -> gdpr.AuditFilters:
        data = self.cleaned_data
        return gdpr.AuditFilters(
            actor=data["actor"],
            action=data["action"].strip(),
            kind=data["kind"],
            case=data["case"],
            beneficiary=data["beneficiary"],
            since=data["since"],
            until=data["until"],
        )


class AuditQuery(forms.Form):
    """The filters as they travel in the URL: ids, an action prefix, dates. Bad values are ignored."""

    actor = forms.IntegerField(required=False, min_value=1)
    action = forms.CharField(required=False, max_length=80)
    kind = forms.ChoiceField(required=False, choices=AUDIT_KINDS)
    case = forms.IntegerField(required=False, min_value=1)
    beneficiary = forms.IntegerField(required=False, min_value=1)
    since = forms.DateField(required=False)
    until = forms.DateField(required=False)

    def filters(self) -> gdpr.AuditFilters:
        self.is_valid()
        data = {key: self.cleaned_data.get(key) for key in self.fields if key not in self.errors}
        return gdpr.AuditFilters(
            actor=data.get("actor"),
            action=(data.get("action") or "").strip(),
            kind=data.get("kind") or "",
            case=data.get("case"),
            beneficiary=data.get("beneficiary"),
            since=data.get("since"),
            until=data.get("until"),
        )


def _search_form_initial(filters: gdpr.AuditFilters) -> dict[str, Any]:
    initial = {"kind": filters.kind, "action": filters.action, "since": filters.since, "until": filters.until}
    if filters.actor:
        initial["actor"] = (
            get_user_model().objects.filter(pk=filters.actor).values_list("username", flat=True).first()
        )
    if filters.case:
        initial["case"] = Case.objects.filter(pk=filters.case).values_list("reference", flat=True).first()
    if filters.beneficiary:
        initial["beneficiary"] = (
            Beneficiary.objects.filter(pk=filters.beneficiary).values_list("code", flat=True).first()
        )
    return initial


@dpo_only()
def audit(request: SignedInRequest) -> HttpResponse:
    if request.method == "POST":
        form = AuditSearchForm(request.POST)
        if form.is_valid():
            query = urlencode(form.filters().as_query())
            return redirect(reverse("dpo:audit") + (f"?{query}" if query else ""))
        filters = gdpr.AuditFilters()
    else:
        filters = AuditQuery(request.GET).filters()
        form = AuditSearchForm(initial=_search_form_initial(filters))
    page = Paginator(gdpr.audit_search(user=request.user, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    read_audit.audit_log_read(
        user=request.user, request=request, view="audit", filters=filters.as_query(), page=page.number
    )
    entries = gdpr.audit_shown(page.object_list)
    return render(
        request,
        "cases/dpo/audit.html",
        {
            "form": form,
            "page": page,
            "entries": entries,
            "query": urlencode(filters.as_query()),
            "can_export": user_has_permission(request.user, Permission.AUDIT_EXPORT),
        },
    )


@dpo_only(Permission.AUDIT_EXPORT)
@require_GET
def audit_export(request: SignedInRequest) -> HttpResponseBase:
    filters = AuditQuery(request.GET).filters()
    lines = gdpr.audit_csv(user=request.user, request=request, filters=filters)
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    return _attachment(response, f"audit-log-{timezone.localdate():%Y-%m-%d}.csv")


@dpo_only()
@require_GET
def break_glass(request: SignedInRequest) -> HttpResponse:
    page = Paginator(gdpr.break_glass_list(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    read_audit.audit_log_read(
        user=request.user, request=request, view="break_glass", filters={}, page=page.number
    )
    return render(request, "cases/dpo/break_glass.html", {"page": page, "now": timezone.now()})
