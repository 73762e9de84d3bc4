"""Editing the organisation's description, departments and staff through the Django admin.

Access follows our role table ("organisation.edit", held by administrators), not Django's per-model
permissions, like the directory's admin.
"""

from django.contrib import admin

from refugiu.accounts.models import user_has_permission
from refugiu.accounts.roles import Permission
from refugiu.organisation import models


class OrganisationEditorAccess:
    def has_module_permission(self, request):
        return user_has_permission(request.user, Permission.ORGANISATION_EDIT)

    def has_view_permission(self, request, obj=None):
        return user_has_permission(request.user, Permission.ORGANISATION_EDIT)

    has_add_permission = has_view_permission

    def has_change_permission(self, request, obj=None):
        return user_has_permission(request.user, Permission.ORGANISATION_EDIT)

    has_delete_permission = has_change_permission


class ValueInline(OrganisationEditorAccess, admin.TabularInline):
    model = models.FundamentalValue
    extra = 0


class ObjectiveInline(OrganisationEditorAccess, admin.TabularInline):
    model = models.Objective
    extra = 0


class CommitteeInline(OrganisationEditorAccess, admin.TabularInline):
    model = models.CommitteePosition
    extra = 0


@admin.register(models.NGO)
class NGOAdmin(OrganisationEditorAccess, admin.ModelAdmin):
    inlines = [ValueInline, ObjectiveInline, CommitteeInline]
    # The images are uploaded on their own page (organisation.views.images_edit), which accepts only PNG and
    # JPEG judged from their content.
    exclude = ["logo", "cover_photo", "cover_photo_text"]


class StaffingInline(OrganisationEditorAccess, admin.TabularInline):
    model = models.DepartmentStaffing
    extra = 0


class MemberInline(OrganisationEditorAccess, admin.TabularInline):
    model = models.StaffMember
    extra = 0
    fields = ["name", "role", "kind", "position", "is_public", "order"]


@admin.register(models.Department)
class DepartmentAdmin(OrganisationEditorAccess, admin.ModelAdmin):
    list_display = ["name", "kind", "ngo"]
    inlines = [StaffingInline, MemberInline]


@admin.register(models.StaffMember)
class StaffMemberAdmin(OrganisationEditorAccess, admin.ModelAdmin):
    """Named people for the organisational chart. Only those marked public appear on the about page."""

    list_display = ["name", "department", "role", "kind", "position", "is_public"]
    list_filter = ["department", "role", "kind", "is_public"]
    search_fields = ["name", "position"]
    list_select_related = ["department"]
    fields = ["name", "department", "role", "kind", "position", "user", "is_public", "order"]
    raw_id_fields = ["user"]
