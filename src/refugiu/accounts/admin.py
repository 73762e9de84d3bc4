"""Staff accounts in the Django admin: who may work, with which roles.

Open to administrators only (the "accounts.manage" permission of our role table, like the organisation's
admin follows "organisation.edit"), who sign in with a second factor. Every change goes through
accounts.services, which refuses what nobody may do for themselves (a case role, superuser status, a
reset of their own second factor) and writes the security trail the DPO reads.

Permissions come from the role table alone: Django's groups and per-user permissions are not offered,
and neither are allauth's raw authenticator records (an authenticator holds a secret; the one thing an
administrator does with someone's second factor is reset it, an action here).
"""

from allauth.account.admin import EmailAddressAdmin as AllauthEmailAddressAdmin
from allauth.account.decorators import secure_admin_login
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm as BaseUserChangeForm
from django.contrib.auth.models import Group
from django.forms.models import BaseInlineFormSet
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
admin.site.login = secure_admin_login(admin.site.login)


class AccountManagerAccess:
    def has_module_permission(self, request):
        return user_has_permission(request.user, Permission.ACCOUNTS_MANAGE)

    def has_view_permission(self, request, obj=None):
        return user_has_permission(request.user, Permission.ACCOUNTS_MANAGE)

    has_add_permission = has_view_permission
    has_change_permission = has_view_permission
    has_delete_permission = has_view_permission


class UserChangeForm(BaseUserChangeForm):
    """Django's form, with the security flags checked by the service before anything is saved."""

    acting_request = None  # set by UserAdmin.get_form

    def clean(self):
        cleaned = super().clean()
        changes = {
            name: cleaned[name] for name in SECURITY_FLAGS if name in self.changed_data and name in cleaned
        }
        if changes:
            request = self.acting_request
            try:
                services.user_change_check(
                    actor=request.user, request=request, user=self.instance, changes=changes
                )
            except AccountError as error:
                self.add_error("is_superuser" if error.code == "self_superuser" else None, error.message)
        return cleaned


class RoleAssignmentFormSet(BaseInlineFormSet):
    """Each role added or changed is checked by the service before anything is saved, so a refusal shows
    next to the role, and is audited."""

    request = None  # set by RoleAssignmentInline.get_formset

    def clean(self):
        super().clean()
        for form in self.forms:
            if not form.has_changed() or self._should_delete_form(form) or "role" not in form.cleaned_data:
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


class RoleAssignmentInline(AccountManagerAccess, admin.TabularInline):
    model = RoleAssignment
    formset = RoleAssignmentFormSet
    fields = ("role", "department", "granted_at")
    readonly_fields = ("granted_at",)
    extra = 0

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.request = request
        return formset


@admin.register(User)
class UserAdmin(AccountManagerAccess, BaseUserAdmin):
    form = UserChangeForm
    inlines = [RoleAssignmentInline]
    # Django's sections (and their translations), without groups and per-user permissions; the dates are
    # shown, not edited.
    fieldsets = (
        BaseUserAdmin.fieldsets[0],
        (BaseUserAdmin.fieldsets[1][0], {"fields": ("display_name", "first_name", "last_name", "email")}),
        (BaseUserAdmin.fieldsets[2][0], {"fields": SECURITY_FLAGS}),
        BaseUserAdmin.fieldsets[3],
    )
    readonly_fields = ("last_login", "date_joined")
    list_filter = SECURITY_FLAGS
    filter_horizontal = ()
    actions = ["second_factor_reset"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.acting_request = request
        return form

    def save_model(self, request, obj, form, change):
        services.user_save(
            actor=request.user, request=request, user=obj, changed_fields=form.changed_data, adding=not change
        )

    def save_formset(self, request, form, formset, change):
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

    def delete_model(self, request, obj):
        services.user_delete(actor=request.user, request=request, user=obj)

    def delete_queryset(self, request, queryset):
        for user in queryset:
            services.user_delete(actor=request.user, request=request, user=user)

    def user_change_password(self, request, id, form_url=""):
        user = self.get_object(request, unquote(id))
        before = user.password if user is not None else None
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and user is not None:
            user.refresh_from_db(fields=["password"])
            if user.password != before:
                services.password_set_by_administrator(actor=request.user, request=request, user=user)
        return response

    @admin.action(description=_("Reset the second factor (lost phone or security key)"))
    def second_factor_reset(self, request, queryset):
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
class EmailAddressAdmin(AccountManagerAccess, AllauthEmailAddressAdmin):
    """Where password-reset e-mails go: for administrators only, like the accounts themselves."""
