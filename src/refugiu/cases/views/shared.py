"""What every staff case page shares: who may open one, how a case is fetched, how a page showing case data
is audited, and how a service's refusal reaches the person at the screen.

The pages themselves live beside it, by topic (see `cases.views`). Each follows one shape: fetch through
`access` (404 for missing and forbidden alike), call one service, then redirect (after a write) or render
(auditing what the page shows, through `read_audit`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import messages
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django_stubs_ext import StrOrPromise

from refugiu.accounts.decorators import SignedInRequest, permission_required_404
from refugiu.accounts.roles import Permission
from refugiu.cases import access, read_audit
from refugiu.cases.forms.common import CaseForm
from refugiu.cases.models import Beneficiary, Case
from refugiu.cases.services import CaseError
from refugiu.core.audit import refused_access_record

if TYPE_CHECKING:
    pass

View = Callable[..., HttpResponseBase]


def cases_view(view: View) -> View:
    """Signed-in people with "cases.access" only. Everyone else gets 404, as if the page did not exist:
    a 403 would confirm that there is something here to be refused (and a record the URL names is
    audited as refused to them)."""
    return permission_required_404(Permission.CASES_ACCESS, on_refused=named_records_refused)(view)


def named_records_refused(request: HttpRequest, kwargs: dict[str, Any]) -> None:
    """A page about a case or a beneficiary was refused to someone with no right to the whole module: if
    the record its URL names exists, the refusal is audited (the answer stays the 404 of a missing page)."""
    if "case_id" in kwargs:
        refused_access_record(
            actor=request.user, request=request, queryset=Case.objects.all(), pk=kwargs["case_id"]
        )
    elif "beneficiary_id" in kwargs:
        refused_access_record(
            actor=request.user,
            request=request,
            queryset=Beneficiary.objects.all(),
            pk=kwargs["beneficiary_id"],
        )


def coordinators_only(request: SignedInRequest) -> None:
    """Pages for department coordinators (closures, merging, break-glass by reference): 404 for others."""
    if not access.coordinated_department_ids(request.user):
        raise Http404


def case_load(request: SignedInRequest, case_id: int) -> Case:
    """The case with what every page header shows; 404 if it is missing or the user may not see it.

    It is not audited here: a page that shows it is, when rendered (`case_render`), and a write is, by
    its service."""
    return access.case_get(
        user=request.user,
        case_id=case_id,
        queryset=Case.objects.select_related("beneficiary", "department"),
        request=request,
    )


def not_posted(request: HttpRequest) -> HttpResponseNotAllowed | None:
    """For actions that only take a POST: called after the case (and record) were fetched, so that a GET
    of another team's case answers 404 like every other case URL, not 405."""
    return None if request.method == "POST" else HttpResponseNotAllowed(["POST"])


def int_or_404(value: str | int | None) -> int:
    if value is None:
        raise Http404
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def case_render(
    request: SignedInRequest,
    template: str,
    case: Case,
    context: dict[str, Any],
    *,
    action: str = read_audit.CASE_VIEWED,
    target: Model | None = None,
) -> HttpResponse:
    """Render a page that shows `case` (or `target`, a record of it), writing the read to the audit log."""
    read_audit.case_read(user=request.user, request=request, case=case, action=action, record=target)
    return render(request, template, {"case": case, **context})


def case_error_show(form: CaseForm, error: CaseError, record: Model | None = None) -> None:
    """Show a service's refusal on the form, which keeps everything the user typed.

    After a stale save the form carries the record's current version, so that once the person has
    checked the other change (the page links to the current version), saving again works."""
    form.add_error(None, error.message)
    if error.code == "stale" and record is not None and "version" in form.fields:
        form.stale = True  # the page then links to the saved version
        data = cast(QueryDict, form.data).copy()  # a bound page's form: request.POST
        data[form.add_prefix("version")] = str(
            type(record)._default_manager.filter(pk=record.pk).values_list("version", flat=True).get()
        )
        form.data = data


def initial_from_post(
    request: HttpRequest, form_class: type[forms.Form], *, multiple: Iterable[str] = ()
) -> dict[str, Any]:
    """What the user has typed so far, as a form's initial values: used when a form is posted back only to
    search the directory, so that nothing is lost and no "this field is required" appears yet."""
    initial: dict[str, Any] = {}
    for name in form_class.base_fields:
        if name in multiple:
            initial[name] = request.POST.getlist(name)
        elif name in request.POST:
            initial[name] = request.POST.get(name)
    return initial


def form_page(
    request: SignedInRequest,
    case: Case,
    form: CaseForm,
    *,
    title: StrOrPromise,
    submit: StrOrPromise,
    record: Model | None = None,
    intro: StrOrPromise = "",
    action: str = read_audit.CASE_VIEWED,
) -> HttpResponse:
    """The page of one form about a case (also where a form embedded in the case page shows its errors)."""
    return case_render(
        request,
        "cases/form.html",
        case,
        {"form": form, "title": title, "submit": submit, "intro": intro},
        action=action,
        target=record,
    )


def record_form(
    request: SignedInRequest,
    case: Case,
    form: CaseForm,
    *,
    write: Callable[[dict[str, Any]], object],
    success: StrOrPromise,
    title: StrOrPromise,
    submit: StrOrPromise,
    record: Model | None = None,
    intro: StrOrPromise = "",
) -> HttpResponse:
    """GET shows `form`; a valid POST makes one service call, `write(cleaned_data)`, then goes back to the
    case page (post/redirect/get). A refusal re-renders the form with the message and the user's input."""
    if request.method == "POST" and form.is_valid():
        try:
            write(form.cleaned_data)
        except CaseError as error:
            case_error_show(form, error, record)
        else:
            messages.success(request, success)
            return redirect(case_url(case))
    action = f"cases.{record._meta.model_name}.viewed" if record is not None else "cases.case.viewed"
    return form_page(
        request, case, form, title=title, submit=submit, record=record, intro=intro, action=action
    )


def case_url(case: Case) -> str:
    return reverse("cases:case_detail", kwargs={"case_id": case.pk})
