"""Intake: search before registering, register, open a case; and a coordinator's merge of duplicates.

Searches carry names and document numbers, so they are posted, never put in a URL, and never kept: the
session only remembers *that* a search was done (registering needs one). What was searched fills in the
registration form, which comes back in the answer to that same post. Who may open a case for whom,
and who may merge which records, is `access`'s to say (`beneficiary_for_new_case`, `can_merge`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from refugiu.accounts.decorators import SignedInRequest
from refugiu.accounts.models import User
from refugiu.cases import access, read_audit, selectors, services
from refugiu.cases.forms import (
    BeneficiaryMergeForm,
    BeneficiaryRegisterForm,
    BeneficiarySearchForm,
    CaseOpenForm,
)
from refugiu.cases.models import Beneficiary, Case
from refugiu.cases.services import CaseError
from refugiu.cases.views.shared import case_url, cases_view, coordinators_only

SEARCHED_SESSION_KEY = "cases.intake_searched"

MATCHED_ON = {
    "name": gettext_lazy("names"),
    "phone": gettext_lazy("phone"),
    "document": gettext_lazy("document number"),
    "code": gettext_lazy("code"),
    "date_of_birth": gettext_lazy("date of birth"),
}


@cases_view
def beneficiary_intake(request: SignedInRequest) -> HttpResponse:
    step = request.POST.get("step") if request.method == "POST" else None
    search_form = BeneficiarySearchForm(request.POST if step == "search" else None, prefix="search")
    register_form, matches = None, None
    if step == "search" and search_form.is_valid():
        found = selectors.beneficiary_search(user=request.user, **search_form.search())
        read_audit.beneficiaries_searched(user=request.user, request=request, matches=found)
        matches = [{"match": m, "matched_on": [MATCHED_ON.get(k, k) for k in m.matched_on]} for m in found]
        request.session[SEARCHED_SESSION_KEY] = True
        register_form = BeneficiaryRegisterForm(prefix="new", initial=search_form.carried())
    elif step == "register":
        if not request.session.get(SEARCHED_SESSION_KEY):
            messages.error(request, _("Search for the person first, so that nobody is registered twice."))
            return redirect("cases:beneficiary_intake")
        register_form = BeneficiaryRegisterForm(request.POST, prefix="new")
        if register_form.is_valid():
            try:
                beneficiary = services.beneficiary_register(
                    user=request.user,
                    request=request,
                    identity=register_form.identity(),
                    **register_form.attributes(),
                )
            except CaseError as error:
                register_form.add_error(None, error.message)
            else:
                request.session.pop(SEARCHED_SESSION_KEY, None)
                messages.success(
                    request,
                    _("%(code)s is registered. Now open a case for them.") % {"code": beneficiary.code},
                )
                return redirect("cases:case_open", beneficiary_id=beneficiary.pk)
    return render(
        request,
        "cases/beneficiary_intake.html",
        {"search_form": search_form, "register_form": register_form, "matches": matches},
    )


@cases_view
def case_open(request: SignedInRequest, beneficiary_id: int) -> HttpResponse:
    beneficiary = access.beneficiary_for_new_case(
        user=request.user, beneficiary_id=beneficiary_id, request=request
    )
    form = CaseOpenForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        fields = form.case_fields()
        category = fields.pop("category")
        try:
            case = services.case_open(
                user=request.user,
                request=request,
                beneficiary=beneficiary,
                department=form.cleaned_data["department"],
                category=category,
                team=form.cleaned_data["team"],
                **fields,
            )
        except CaseError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Case %(reference)s is open.") % {"reference": case.reference})
            return redirect(case_url(case))
    read_audit.beneficiary_read(user=request.user, request=request, beneficiary=beneficiary)
    return render(request, "cases/case_open.html", {"form": form, "beneficiary": beneficiary})


@dataclass(frozen=True)
class MergeCandidate:
    """A record the merge page may show, with its cases."""

    beneficiary: Beneficiary
    cases: list[Case]


def _merge_candidate(user: User, code: str) -> MergeCandidate | None:
    """The record with this code if every case of it is in a department `user` coordinates."""
    beneficiary = Beneficiary.objects.filter(code=code, merged_into__isnull=True).first()
    if beneficiary is None or not access.can_merge(user, beneficiary):
        return None
    cases = list(beneficiary.cases.select_related("department").order_by("opened_on", "pk"))
    return MergeCandidate(beneficiary, cases)


@cases_view
def beneficiary_merge(request: SignedInRequest) -> HttpResponse:
    """Two codes → both records with their cases → confirm. A code that does not exist and one outside the
    coordinator's departments get the same answer."""
    coordinators_only(request)
    form = BeneficiaryMergeForm(request.POST or None)
    pair = None
    if request.method == "POST" and form.is_valid():
        kept = _merge_candidate(request.user, form.cleaned_data["keep"])
        merged = _merge_candidate(request.user, form.cleaned_data["merge"])
        if kept is None or merged is None:
            form.add_error(None, _("These codes do not both name records in your departments' cases."))
        elif kept.beneficiary.pk == merged.beneficiary.pk:
            form.add_error(None, _("Choose two different records to merge."))
        elif request.POST.get("confirm") == "yes":
            keep, merge = kept.beneficiary, merged.beneficiary
            try:
                services.beneficiary_merge(user=request.user, request=request, keep=keep, merge=merge)
            except CaseError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("%(merge)s was merged into %(keep)s.") % {"merge": merge.code, "keep": keep.code},
                )
                return redirect("cases:beneficiary_merge")
        else:
            pair = (kept, merged)
            for beneficiary in (kept.beneficiary, merged.beneficiary):
                read_audit.beneficiary_read(user=request.user, request=request, beneficiary=beneficiary)
    return render(request, "cases/beneficiary_merge.html", {"form": form, "pair": pair})
