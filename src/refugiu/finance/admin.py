"""Grant finance in the Django admin, for financial managers: grants with their beneficiaries, work packages
and reporting periods, employments, and the cost templates to read.

Access follows our role table (`finance.access.may_manage`: financial managers, whose role needs a second
factor, so the admin opens to them only in a session signed in with one), not Django's per-model permissions
nor the superuser flag. Every save and delete, the inlines' included, goes through
`finance.services.records`, which checks again and audits it. Cost templates are read here and change only
by `refugiu finance_template_load` (the rules are data in a file); budgets, expenses, rates, timesheets and
auditors' access have rules of their own and are written only on the staff pages, through their services.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from refugiu.accounts.admin_writes import ServiceWritingAdmin
from refugiu.accounts.models import User
from refugiu.accounts.roles import Role
from refugiu.finance import access
from refugiu.finance import models as f
from refugiu.finance.services import records

# Who may be named where: coordinators of a grant hold that role; staff and supervisors of an employment
# keep or approve timesheets.
COORDINATOR_ROLES = (Role.PROJECT_COORDINATOR, Role.FINANCIAL_MANAGER)
TIMESHEET_ROLES = (Role.TIMESHEET_STAFF, Role.PROJECT_COORDINATOR, Role.FINANCIAL_MANAGER)


def _holding(roles: tuple[str, ...]) -> QuerySet[User]:
    return User.objects.filter(role_assignments__role__in=roles, is_active=True).distinct()


class FinanceManagerAccess:
    def has_module_permission(self, request: HttpRequest) -> bool:
        return access.may_manage(request.user)

    def has_view_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return access.may_manage(request.user)

    has_add_permission = has_view_permission

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return access.may_manage(request.user)

    has_delete_permission = has_change_permission


class ReadOnlyAccess(FinanceManagerAccess):
    def has_add_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    has_delete_permission = has_change_permission


class FinanceAdmin(FinanceManagerAccess, ServiceWritingAdmin):
    """Saves and deletes through the services, which check the user again and audit each record."""

    record_save = staticmethod(records.record_save)
    record_delete = staticmethod(records.record_delete)


# Cost templates: read only -------------------------------------------------------------------------------


class CostCategoryInline(ReadOnlyAccess, admin.TabularInline[f.CostCategory, f.CostTemplate]):
    model = f.CostCategory
    fields = ["code", "name", "kind", "parent", "in_indirect_base", "from_timesheets", "order"]
    readonly_fields = ["code", "name", "kind", "parent", "in_indirect_base", "from_timesheets", "order"]
    extra = 0
    can_delete = False


@admin.register(f.CostTemplate)
class CostTemplateAdmin(ReadOnlyAccess, admin.ModelAdmin[f.CostTemplate]):
    """Read only: a template's rules are data, loaded from its file by `refugiu finance_template_load`."""

    list_display = ["name", "code", "time_basis", "productive_time", "indirect_rate", "transfer_threshold"]
    readonly_fields = [
        "code",
        "name",
        "description",
        "source",
        "time_basis",
        "productive_time",
        "hours_per_day",
        "indirect_rate",
        "transfer_threshold",
        "conversion_rule",
    ]
    inlines = [CostCategoryInline]


# Grants ---------------------------------------------------------------------------------------------------


class FinanceInline(FinanceManagerAccess, admin.TabularInline[Any, f.Grant]):
    extra = 0


class GrantPartnerInline(FinanceInline):
    model = f.GrantPartner
    fields = ["order", "name", "short_name", "country", "role", "is_us", "project_partner"]
    raw_id_fields = ["project_partner"]


class WorkPackageInline(FinanceInline):
    model = f.WorkPackage
    fields = ["number", "title"]


CLOSED = _("This period is closed: its statement was submitted. It can no longer change.")


class ReportingPeriodForm(forms.ModelForm[f.ReportingPeriod]):
    """A closed period (its statement submitted) neither changes nor goes: a correction is an adjustment
    booked in a later period."""

    class Meta:
        model = f.ReportingPeriod
        fields = ["number", "kind", "start", "end"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.instance.pk and self.instance.is_closed and self.has_changed():
            raise ValidationError(CLOSED)
        return cleaned


class ReportingPeriodFormSet(BaseInlineFormSet[Any, f.Grant, forms.ModelForm[Any]]):
    def clean(self) -> None:
        # A form ticked for deletion is not validated: its period is checked here.
        super().clean()
        if any(form.instance.pk and form.instance.is_closed for form in self.deleted_forms):
            raise ValidationError(CLOSED)


class ReportingPeriodInline(FinanceInline):
    model = f.ReportingPeriod
    form = ReportingPeriodForm
    formset = ReportingPeriodFormSet
    fields = ["number", "kind", "start", "end", "submitted_at", "submitted_by"]
    readonly_fields = ["submitted_at", "submitted_by"]


@admin.register(f.Grant)
class GrantAdmin(FinanceAdmin):
    list_display = ["agreement_number", "project", "template", "start", "end", "is_example"]
    list_filter = ["is_example", "template"]
    search_fields = ["agreement_number", "project__title", "project__acronym"]
    filter_horizontal = ["coordinators"]
    inlines = [GrantPartnerInline, WorkPackageInline, ReportingPeriodInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # The categories of its budget and costs are the template's: it is chosen once.
        return ["template", "currency"] if obj is not None else ["currency"]

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "coordinators":
            kwargs["queryset"] = _holding(COORDINATOR_ROLES)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


# Employments ----------------------------------------------------------------------------------------------


@admin.register(f.Employment)
class EmploymentAdmin(FinanceAdmin):
    list_display = ["user", "start", "end", "fte", "supervisor"]
    list_filter = ["end"]
    search_fields = ["user__username", "user__display_name"]
    fields = ["user", "start", "end", "fte", "annual_cost", "supervisor"]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name in ("user", "supervisor"):
            kwargs["queryset"] = _holding(TIMESHEET_ROLES)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
