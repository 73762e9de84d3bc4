"""Editing the directory through the Django admin, for directory editors.

Access follows our role table, not Django's per-model permissions, and every save refreshes the
search entries of the organisations it touched."""

from collections.abc import Mapping
from typing import Any

from django.contrib import admin
from django.db import models

from refugiu.accounts.models import user_has_permission
from refugiu.accounts.roles import Permission
from refugiu.directory import models as d
from refugiu.directory.services import organization_saved


class DirectoryEditorAccess:
    formfield_overrides: Mapping[type[models.Field[Any, Any]], Mapping[str, Any]] = {
        models.URLField: {"assume_scheme": "https"}
    }

    def has_module_permission(self, request):
        return user_has_permission(request.user, Permission.DIRECTORY_EDIT)

    def has_view_permission(self, request, obj=None):
        return user_has_permission(request.user, Permission.DIRECTORY_EDIT)

    has_add_permission = has_view_permission

    def has_change_permission(self, request, obj=None):
        return user_has_permission(request.user, Permission.DIRECTORY_EDIT)

    has_delete_permission = has_change_permission


class EditorInline(DirectoryEditorAccess, admin.StackedInline):
    extra = 0
    exclude = ["hsds_extra"]


class AddressInline(EditorInline):
    model = d.Address


class PhoneInline(EditorInline):
    model = d.Phone
    fk_name = "organization"
    fields = ["number", "extension", "type", "description"]


class ContactInline(EditorInline):
    model = d.Contact
    fk_name = "organization"
    fields = ["name", "title", "department", "email"]


class ServiceAtLocationInline(EditorInline):
    model = d.ServiceAtLocation
    fields = ["location", "description"]


class ScheduleInline(EditorInline):
    model = d.Schedule
    fk_name = "service"
    fields = ["byday", "opens_at", "closes_at", "description", "valid_from", "valid_to"]


class LanguageInline(EditorInline):
    model = d.Language
    fk_name = "service"
    fields = ["name", "code", "note"]


class ReindexOnSave(DirectoryEditorAccess, admin.ModelAdmin):
    """Refreshes the search entries of the organisations a save or a deletion touched."""

    def organization_ids_of(self, obj):
        return [obj.pk]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        organization_saved(organization_ids=self.organization_ids_of(form.instance))

    def delete_model(self, request, obj):
        ids = self.organization_ids_of(obj)
        super().delete_model(request, obj)
        organization_saved(organization_ids=ids)


@admin.register(d.Organization)
class OrganizationAdmin(ReindexOnSave, admin.ModelAdmin):
    list_display = ["name", "country", "is_published", "last_verified_on"]
    list_filter = ["is_published", "country"]
    search_fields = ["name", "alternate_name"]
    exclude = ["hsds_extra", "last_verified_by", "last_modified"]
    inlines = [PhoneInline, ContactInline]


@admin.register(d.Service)
class ServiceAdmin(ReindexOnSave, admin.ModelAdmin):
    list_display = ["name", "organization", "status", "is_published"]
    list_filter = ["status", "is_published"]
    search_fields = ["name", "organization__name"]
    autocomplete_fields = ["organization"]
    exclude = ["hsds_extra", "last_verified_by", "last_modified"]
    inlines = [ServiceAtLocationInline, ScheduleInline, LanguageInline]

    def organization_ids_of(self, obj):
        return [obj.organization_id]


@admin.register(d.Location)
class LocationAdmin(ReindexOnSave, admin.ModelAdmin):
    list_display = ["__str__", "organization", "location_type", "is_confidential"]
    list_filter = ["is_confidential", "location_type"]
    search_fields = ["name", "organization__name"]
    autocomplete_fields = ["organization"]
    exclude = ["hsds_extra"]
    inlines = [AddressInline]

    def organization_ids_of(self, obj):
        return [obj.organization_id] if obj.organization_id else []


@admin.register(d.Attribute)
class AttributeAdmin(DirectoryEditorAccess, admin.ModelAdmin):
    list_display = ["link_entity", "link_id", "taxonomy_term"]
    list_filter = ["link_entity", "taxonomy_term__taxonomy_ref"]
    exclude = ["hsds_extra"]


@admin.register(d.Taxonomy)
class TaxonomyAdmin(DirectoryEditorAccess, admin.ModelAdmin):
    list_display = ["name", "slug", "version"]
    exclude = ["hsds_extra"]


@admin.register(d.TaxonomyTerm)
class TaxonomyTermAdmin(DirectoryEditorAccess, admin.ModelAdmin):
    list_display = ["name", "code", "taxonomy_ref"]
    list_filter = ["taxonomy_ref"]
    search_fields = ["name", "code"]
    exclude = ["hsds_extra"]
