"""A grant's expenses: the list (filters, pages), an expense's page with its supporting documents, and the
financial manager's forms (record, edit, approve or reject, eligibility, adjust a closed period's expense,
upload a document). Coordinators and auditors of the grant read; nobody else sees anything (404)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from refugiu.accounts.decorators import SignedInRequest, permission_required_404
from refugiu.accounts.roles import Permission
from refugiu.core.audit import refused_access_record
from refugiu.core.private_files import BoundedUploadHandler, too_big_message, upload_limit
from refugiu.finance import access
from refugiu.finance.budget import leaf_categories
from refugiu.finance.models import CostCategory, Expense, ExpenseDocument, Grant, GrantPartner, WorkPackage
from refugiu.finance.services import documents as document_services
from refugiu.finance.services import expenses as services
from refugiu.finance.services.errors import FinanceError
from refugiu.finance.services.rates import expenses_convert, missing_rates
from refugiu.finance.vocabularies import DocumentKind, ExpenseStatus

PAGE_SIZE = 50


class ExpenseForm(forms.Form):
    date = forms.DateField(label=gettext_lazy("Date paid"), widget=forms.DateInput(attrs={"type": "date"}))
    partner = forms.ModelChoiceField(label=gettext_lazy("Beneficiary"), queryset=GrantPartner.objects.none())
    category = forms.ModelChoiceField(label=gettext_lazy("Category"), queryset=CostCategory.objects.none())
    work_package = forms.ModelChoiceField(
        label=gettext_lazy("Work package"), queryset=WorkPackage.objects.none(), required=False
    )
    supplier = forms.CharField(label=gettext_lazy("Supplier"), max_length=300)
    description = forms.CharField(label=gettext_lazy("Description"), max_length=500)
    reference = forms.CharField(
        label=gettext_lazy("Invoice or document number"), max_length=100, required=False
    )
    currency = forms.CharField(
        label=gettext_lazy("Currency"), max_length=3, min_length=3, initial="EUR", help_text="EUR, USD, …"
    )
    amount = forms.DecimalField(
        label=gettext_lazy("Amount paid, VAT included"), max_digits=14, decimal_places=2
    )
    vat_amount = forms.DecimalField(
        label=gettext_lazy("Of which VAT"),
        max_digits=14,
        decimal_places=2,
        required=False,
        initial=Decimal(0),
    )
    vat_eligible = forms.BooleanField(
        label=gettext_lazy("The VAT is eligible (the beneficiary cannot recover it)"), required=False
    )

    def __init__(self, *args: Any, grant: Grant, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields = cast(dict[str, Any], self.fields)
        fields["partner"].queryset = grant.partners.all()
        leaves = [category.pk for category in leaf_categories(grant)]
        fields["category"].queryset = grant.template.categories.filter(pk__in=leaves)
        fields["work_package"].queryset = grant.work_packages.all()
        fields["work_package"].required = grant.work_packages.exists()

    def clean_currency(self) -> str:
        return str(self.cleaned_data["currency"]).strip().upper()

    def expense_fields(self) -> services.ExpenseFields:
        data = dict(self.cleaned_data)
        data["vat_amount"] = data.get("vat_amount") or Decimal(0)
        return services.ExpenseFields(**{name: data[name] for name in services.FIELD_NAMES})


def initial_of(expense: Expense) -> dict[str, Any]:
    return {name: getattr(expense, name) for name in services.FIELD_NAMES}


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("What it is"), choices=DocumentKind.choices)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    file = forms.FileField(label=gettext_lazy("File"))


def expense_get(request: HttpRequest, grant: Grant, expense_id: int) -> Expense:
    try:
        return Expense.objects.select_related(
            "grant__template", "partner", "category", "work_package", "period", "adjusts", "approved_by"
        ).get(grant=grant, pk=expense_id)
    except Expense.DoesNotExist:
        refused_access_record(
            actor=request.user, request=request, queryset=Expense.objects.all(), pk=expense_id
        )
        raise Http404 from None


# --- reading -------------------------------------------------------------------------------------------


@permission_required_404(access.GRANT_READERS)
@require_safe
def expense_list(request: SignedInRequest, grant_id: int) -> HttpResponse:
    grant = access.grant_get(request.user, grant_id, request=request)
    expenses = Expense.objects.filter(grant=grant).select_related(
        "partner", "category", "work_package", "period"
    )
    filters: dict[str, str] = {}
    for key, lookup in (("partner", "partner_id"), ("category", "category_id"), ("period", "period__number")):
        value = request.GET.get(key, "")
        if value.isdigit():
            expenses = expenses.filter(**{lookup: int(value)})
            filters[key] = value
    status = request.GET.get("status", "")
    if status in ExpenseStatus.values:
        expenses = expenses.filter(status=status)
        filters["status"] = status
    elif status == "ineligible":
        expenses = expenses.filter(eligible=False)
        filters["status"] = status
    page = Paginator(expenses.order_by("-date", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "finance/expense_list.html",
        {
            "grant": grant,
            "page": page,
            "filters": filters,
            "query": urlencode(filters),
            "partners": grant.partners.all(),
            "categories": leaf_categories(grant),
            "periods": grant.periods.all(),
            "statuses": ExpenseStatus.choices,
            "missing": missing_rates(grant),
            "may_edit": access.may_edit_grant(request.user, grant),
        },
    )


def _detail(
    request: SignedInRequest,
    grant: Grant,
    expense: Expense,
    *,
    document_form: DocumentForm | None = None,
    problems: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    may_edit = access.may_edit_grant(request.user, grant)
    is_open = not expense.period.is_closed
    return render(
        request,
        "finance/expense_detail.html",
        {
            "grant": grant,
            "expense": expense,
            "documents": expense.documents.select_related("uploaded_by"),
            "adjustments": expense.adjustments.select_related("period"),
            "may_edit": may_edit,
            "is_open": is_open,
            "may_change": may_edit and is_open and expense.status == ExpenseStatus.RECORDED,
            "document_form": document_form or DocumentForm(),
            "limit": upload_limit(),
            "problems": problems or [],
            "missing": expense.amount_eur is None,
        },
        status=status,
    )


@permission_required_404(access.GRANT_READERS)
@require_safe
def expense_detail(request: SignedInRequest, grant_id: int, expense_id: int) -> HttpResponse:
    grant = access.grant_get(request.user, grant_id, request=request)
    return _detail(request, grant, expense_get(request, grant, expense_id))


@permission_required_404(access.GRANT_READERS)
def expense_document(
    request: SignedInRequest, grant_id: int, expense_id: int, document_id: int
) -> HttpResponse:
    grant = access.grant_get(request.user, grant_id, request=request)
    expense = expense_get(request, grant, expense_id)
    try:
        document = expense.documents.get(pk=document_id)
    except ExpenseDocument.DoesNotExist:
        refused_access_record(
            actor=request.user, request=request, queryset=ExpenseDocument.objects.all(), pk=document_id
        )
        raise Http404 from None
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    try:
        data = document_services.expense_document_read(actor=request.user, document=document, request=request)
    except FileNotFoundError:
        raise Http404 from None
    response = HttpResponse(data, content_type=document.content_type)
    response["Content-Disposition"] = f'attachment; filename="{document_services.download_name(document)}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- the financial manager's forms ---------------------------------------------------------------------


def _form_page(
    request: SignedInRequest,
    grant: Grant,
    form: ExpenseForm,
    *,
    title: str,
    expense: Expense | None,
    status: int,
) -> HttpResponse:
    return render(
        request,
        "finance/expense_form.html",
        {"grant": grant, "form": form, "title": title, "expense": expense},
        status=status,
    )


def _add_problems(form: forms.Form, error: FinanceError) -> None:
    for message in error.messages:
        form.add_error(None, message)


@permission_required_404(Permission.FINANCE_MANAGE)
@require_http_methods(["GET", "POST"])
def expense_new(request: SignedInRequest, grant_id: int) -> HttpResponse:
    grant = access.grant_get(request.user, grant_id, request=request)
    title = _("Record an expense")
    if request.method == "POST":
        form = ExpenseForm(request.POST, grant=grant)
        if form.is_valid():
            try:
                expense = services.expense_record(
                    actor=request.user, grant=grant, data=form.expense_fields(), request=request
                )
            except FinanceError as error:
                _add_problems(form, error)
            else:
                messages.success(request, _("The expense was recorded."))
                return redirect("finance:expense", grant_id=grant.pk, expense_id=expense.pk)
        return _form_page(request, grant, form, title=title, expense=None, status=400)
    return _form_page(request, grant, ExpenseForm(grant=grant), title=title, expense=None, status=200)


@permission_required_404(Permission.FINANCE_MANAGE)
@require_http_methods(["GET", "POST"])
def expense_edit(request: SignedInRequest, grant_id: int, expense_id: int) -> HttpResponse:
    grant = access.grant_get(request.user, grant_id, request=request)
    expense = expense_get(request, grant, expense_id)
    title = _("Change the expense")
    if request.method == "POST":
        form = ExpenseForm(request.POST, grant=grant)
        if form.is_valid():
            try:
                services.expense_update(
                    actor=request.user, expense=expense, data=form.expense_fields(), request=request
                )
            except FinanceError as error:
                _add_problems(form, error)
            else:
                messages.success(request, _("The expense was saved."))
                return redirect("finance:expense", grant_id=grant.pk, expense_id=expense.pk)
        return _form_page(request, grant, form, title=title, expense=expense, status=400)
    return _form_page(
        request,
        grant,
        ExpenseForm(initial=initial_of(expense), grant=grant),
        title=title,
        expense=expense,
        status=200,
    )


@permission_required_404(Permission.FINANCE_MANAGE)
@require_http_methods(["GET", "POST"])
def expense_adjust(request: SignedInRequest, grant_id: int, expense_id: int) -> HttpResponse:
    grant = access.grant_get(request.user, grant_id, request=request)
    original = expense_get(request, grant, expense_id)
    title = _("Adjust an expense of a closed period")
    if request.method == "POST":
        form = ExpenseForm(request.POST, grant=grant)
        if form.is_valid():
            try:
                expense = services.expense_adjust(
                    actor=request.user, original=original, data=form.expense_fields(), request=request
                )
            except FinanceError as error:
                _add_problems(form, error)
            else:
                messages.success(request, _("The adjustment was recorded."))
                return redirect("finance:expense", grant_id=grant.pk, expense_id=expense.pk)
        return _form_page(request, grant, form, title=title, expense=original, status=400)
    initial = initial_of(original) | {"amount": None, "vat_amount": Decimal(0)}
    return _form_page(
        request, grant, ExpenseForm(initial=initial, grant=grant), title=title, expense=original, status=200
    )


@permission_required_404(Permission.FINANCE_MANAGE)
@require_POST
def expense_decide(request: SignedInRequest, grant_id: int, expense_id: int) -> HttpResponse:
    """Approve, reject, mark ineligible (with a reason) or eligible again."""
    grant = access.grant_get(request.user, grant_id, request=request)
    expense = expense_get(request, grant, expense_id)
    action = request.POST.get("action", "")
    try:
        if action == "approve":
            services.expense_approve(actor=request.user, expense=expense, request=request)
            messages.success(request, _("The expense was approved."))
        elif action == "reject":
            services.expense_reject(actor=request.user, expense=expense, request=request)
            messages.success(request, _("The expense was rejected."))
        elif action in ("ineligible", "eligible"):
            services.expense_eligibility_set(
                actor=request.user,
                expense=expense,
                eligible=action == "eligible",
                reason=request.POST.get("reason", ""),
                request=request,
            )
            messages.success(request, _("The expense's eligibility was saved."))
        else:
            return _detail(request, grant, expense, problems=[_("Choose what to do.")], status=400)
    except FinanceError as error:
        return _detail(request, grant, expense, problems=error.messages, status=400)
    return redirect("finance:expense", grant_id=grant.pk, expense_id=expense.pk)


@permission_required_404(Permission.FINANCE_MANAGE)
@require_POST
def expenses_convert_view(request: SignedInRequest, grant_id: int) -> HttpResponse:
    grant = access.grant_get(request.user, grant_id, request=request)
    converted = 0
    for period in grant.periods.filter(submitted_at__isnull=True):
        converted += expenses_convert(actor=request.user, grant=grant, period=period, request=request)
    messages.success(request, _("%(count)s expenses converted again.") % {"count": converted})
    return redirect("finance:expenses", grant_id=grant.pk)


@permission_required_404(Permission.FINANCE_MANAGE)
@csrf_exempt
def expense_document_new(request: SignedInRequest, grant_id: int, expense_id: int) -> HttpResponse:
    # The upload handler must be in place before anything reads the body, and the CSRF middleware would
    # read it first: so CSRF is checked in `_document_new`, after the handler is set (as cases' uploads do).
    request.upload_handlers = [BoundedUploadHandler(request)]
    return _document_new(request, grant_id, expense_id)


@csrf_protect
@require_http_methods(["GET", "POST"])
def _document_new(request: SignedInRequest, grant_id: int, expense_id: int) -> HttpResponse:
    grant = access.grant_get(request.user, grant_id, request=request)
    expense = expense_get(request, grant, expense_id)
    if request.method != "POST":
        return redirect("finance:expense", grant_id=grant.pk, expense_id=expense.pk)
    handler = cast(BoundedUploadHandler, request.upload_handlers[0])
    form = DocumentForm(request.POST, request.FILES)
    if handler.too_big:
        form.is_valid()
        form.errors.pop("file", None)
        form.add_error("file", too_big_message())
    elif form.is_valid():
        try:
            document_services.expense_document_add(
                actor=request.user,
                expense=expense,
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                data=form.cleaned_data["file"].read(),
                request=request,
            )
        except FinanceError as error:
            for message in error.messages:
                form.add_error("file", message)
        else:
            messages.success(request, _("The document was added."))
            return redirect("finance:expense", grant_id=grant.pk, expense_id=expense.pk)
    return _detail(request, grant, expense, document_form=form, status=400)
