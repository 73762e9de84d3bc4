"""Staff accounts in the Django admin: who may work, with which roles.

Open to administrators only (the "accounts.manage" permission of our role table, like the organisation's
admin follows "organisation.edit"), who sign in with a second factor. Every change goes through
accounts.services, which refuses what nobody may do for themselves (a case role, superuser status, a
reset of their own second factor) and writes the security trail the DPO reads.

Permissions come from the role table alone: Django's groups and per-user permissions are not offered,
and neither are allauth's raw authenticator records (an authenticator holds a secret; the one thing an
administrator does with someone's second factor is reset it, an action here).
"""

from typing import Any

from allauth.account.admin import EmailAddressAdmin as AllauthEmailAddressAdmin
from allauth.account.decorators import secure_admin_login
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm as BaseUserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import QuerySet
from django.forms import ModelForm
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from refugiu.accounts import services
from refugiu.accounts.models import RoleAssignment, User, user_has_permission
from refugiu.accounts.roles import Permission
from refugiu.accounts.services import SECURITY_FLAGS, AccountError

for model in (Group, Authenticator):
    if admin.site.is_registered(model):
        admin.site.unregister(model)

# Signing in to the admin goes through our sign-in pages (rate limit, second factor, security trail), never
# through Django's own admin form, which has none of them.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]  # wrapped, as above


class AccountManagerAccess:
    def has_module_permission(self, request: HttpRequest) -> bool:
        return user_has_permission(request.user, Permission.ACCOUNTS_MANAGE)

    def has_view_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return user_has_permission(request.user, Permission.ACCOUNTS_MANAGE)

    has_add_permission = has_view_permission
    has_change_permission = has_view_permission
    has_delete_permission = has_view_permission


class UserChangeForm(BaseUserChangeForm[User]):
    """Django's form, with the security flags checked by the service before anything is saved."""

    acting_request: HttpRequest | None = None  # set by UserAdmin.get_form

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()  # self.cleaned_data
        changes = {
            name: self.cleaned_data[name]
            for name in SECURITY_FLAGS
            if name in self.changed_data and name in self.cleaned_data
        }
        if changes:
            request = self.acting_request
            if request is None:
                raise ImproperlyConfigured(
                    "UserChangeForm is made by UserAdmin.get_form, which sets its request"
                )
            try:
                services.user_change_check(
                    actor=request.user, request=request, user=self.instance, changes=changes
                )
            except AccountError as error:
                self.add_error("is_superuser" if error.code == "self_superuser" else None, error.message)
        return cleaned


class RoleAssignmentFormSet(BaseInlineFormSet[RoleAssignment, User, ModelForm[RoleAssignment]]):
    """Each role added or changed is checked by the service before anything is saved, so a refusal shows
    next to the role, and is audited."""

    request: HttpRequest | None = None  # set by RoleAssignmentInline.get_formset

    def clean(self) -> None:
        super().clean()
        if self.request is None:
            raise ImproperlyConfigured("the formset is made by RoleAssignmentInline.get_formset")
        for form in self.forms:
            deleted = self._should_delete_form(form)  # type: ignore[attr-defined]  # Django's, not in the stubs
            if not form.has_changed() or deleted or "role" not in form.cleaned_data:
                continue
            try:
                services.role_grant_check(
                    actor=self.request.user,
                    request=self.request,
                    user=self.instance,
                    role=form.cleaned_data["role"],
                )
            except AccountError as error:
                form.add_error("role", error.message)


class RoleAssignmentInline(AccountManagerAccess, admin.TabularInline[RoleAssignment, User]):
    model = RoleAssignment
    formset = RoleAssignmentFormSet
    fields = ("role", "department", "granted_at")
    readonly_fields = ("granted_at",)
    extra = 0

    def get_formset(
        self, request: HttpRequest, obj: User | None = None, **kwargs: Any
    ) -> type[BaseInlineFormSet[RoleAssignment, User, Any]]:
        formset = super().get_formset(request, obj, **kwargs)
        if issubclass(formset, RoleAssignmentFormSet):  # the formset above
            formset.request = request
        return formset


# Django's sections of its user admin (django-stubs allows None, which Django never leaves there).
DJANGO_FIELDSETS = BaseUserAdmin.fieldsets or ()


@admin.register(User)
class UserAdmin(AccountManagerAccess, BaseUserAdmin[User]):
    form = UserChangeForm
    inlines = [RoleAssignmentInline]
    # Django's sections (and their translations), without groups and per-user permissions; the dates are
    # shown, not edited.
    fieldsets = (
        DJANGO_FIELDSETS[0],
        (DJANGO_FIELDSETS[1][0], {"fields": ("display_name", "first_name", "last_name", "email")}),
        (DJANGO_FIELDSETS[2][0], {"fields": SECURITY_FLAGS}),
        DJANGO_FIELDSETS[3],
    )
    readonly_fields = ("last_login", "date_joined")
    list_filter = SECURITY_FLAGS
    filter_horizontal = ()
    actions = ["second_factor_reset"]

    def get_form(
        self, request: HttpRequest, obj: User | None = None, change: bool = False, **kwargs: Any
    ) -> type[ModelForm[User]]:
        form = super().get_form(request, obj, change=change, **kwargs)
        if issubclass(form, UserChangeForm):  # not the form that adds an account, which needs no request
            form.acting_request = request
        return form

    def save_model(self, request: HttpRequest, obj: User, form: ModelForm[User], change: bool) -> None:
        services.user_save(
            actor=request.user, request=request, user=obj, changed_fields=form.changed_data, adding=not change
        )

    def save_formset(
        self,
        request: HttpRequest,
        form: ModelForm[User],
        formset: BaseInlineFormSet[Any, User, Any],
        change: bool,
    ) -> None:
        if formset.model is not RoleAssignment:
            return super().save_formset(request, form, formset, change)
        user = form.instance
        formset.save(commit=False)
        # A changed row is a role taken away and another given: both in the log, and the new one checked.
        changed = [assignment for assignment, _fields in formset.changed_objects]
        taken = formset.deleted_objects + list(RoleAssignment.objects.filter(pk__in=[a.pk for a in changed]))
        for assignment in taken:
            services.role_revoke(actor=request.user, request=request, assignment=assignment)
        for assignment in changed + formset.new_objects:
            services.role_grant(
                actor=request.user,
                request=request,
                user=user,
                role=assignment.role,
                department=assignment.department,
            )
        return None

    def delete_model(self, request: HttpRequest, obj: User) -> None:
        services.user_delete(actor=request.user, request=request, user=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            services.user_delete(actor=request.user, request=request, user=user)

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        user = self.get_object(request, unquote(id))
        before = user.password if user is not None else None
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and user is not None:
            user.refresh_from_db(fields=["password"])
            if user.password != before:
                services.password_set_by_administrator(actor=request.user, request=request, user=user)
        return response

    @admin.action(description=_("Reset the second factor (lost phone or security key)"))
    def second_factor_reset(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        done = 0
        for user in queryset:
            try:
                services.second_factor_reset(actor=request.user, request=request, user=user)
            except AccountError as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext(
                    "The second factor of %(count)d account was removed and its sessions ended: the person "
                    "sets up a new one at their next sign-in.",
                    "The second factors of %(count)d accounts were removed and their sessions ended: each "
                    "person sets up a new one at their next sign-in.",
                    done,
                )
                % {"count": done},
                messages.SUCCESS,
            )


if admin.site.is_registered(EmailAddress):
    admin.site.unregister(EmailAddress)


@admin.register(EmailAddress)
class EmailAddressAdmin(AccountManagerAccess, AllauthEmailAddressAdmin):  # type: ignore[misc]  # allauth: no types
    """Where password-reset e-mails go: for administrators only, like the accounts themselves."""
