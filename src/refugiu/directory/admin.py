"""Editing the directory through the Django admin, for directory editors.

Access follows our role table, not Django's per-model permissions, and every save refreshes the
search entries of the organisations it touched. A record kept in several languages (organisations,
services, locations, taxonomy terms) is edited with its translations as plain fields, a group per
language (`TranslatedAdmin`, forms.TranslationsForm), never as JSON."""

from collections.abc import Mapping
from typing import Any

from django.contrib import admin
from django.db import models

from refugiu.accounts.models import user_has_permission
from refugiu.accounts.roles import Permission
from refugiu.directory import models as d
from refugiu.directory.forms import translation_fieldsets, translation_languages_of, translations_form
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


class TranslatedAdmin(admin.ModelAdmin):
    """The record's own fields, then a group of fields per language it is or may be translated into
    (the site's languages and those it has), then one to add any other language."""

    def get_exclude(self, request, obj=None):
        return [*(super().get_exclude(request, obj) or []), "translations"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = translations_form(
            kwargs.get("form", self.form), self.model, translation_languages_of(obj)
        )
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        form = self.get_form(request, obj, fields=None)
        extra = translation_fieldsets(form)
        added = {name for _title, options in extra for name in options["fields"]}
        own = [
            (title, {**options, "fields": [f for f in options["fields"] if f not in added]})
            for title, options in super().get_fieldsets(request, obj)
        ]
        return [*own, *extra]


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
class OrganizationAdmin(ReindexOnSave, TranslatedAdmin):
    list_display = ["name", "country", "is_published", "last_verified_on"]
    list_filter = ["is_published", "country"]
    search_fields = ["name", "alternate_name"]
    exclude = ["hsds_extra", "last_verified_by", "last_modified"]
    inlines = [PhoneInline, ContactInline]


@admin.register(d.Service)
class ServiceAdmin(ReindexOnSave, TranslatedAdmin):
    list_display = ["name", "organization", "status", "is_published"]
    list_filter = ["status", "is_published"]
    search_fields = ["name", "organization__name"]
    autocomplete_fields = ["organization"]
    exclude = ["hsds_extra", "last_verified_by", "last_modified"]
    inlines = [ServiceAtLocationInline, ScheduleInline, LanguageInline]

    def organization_ids_of(self, obj):
        return [obj.organization_id]


@admin.register(d.Location)
class LocationAdmin(ReindexOnSave, TranslatedAdmin):
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
class TaxonomyTermAdmin(DirectoryEditorAccess, TranslatedAdmin):
    list_display = ["name", "code", "taxonomy_ref"]
    list_filter = ["taxonomy_ref"]
    search_fields = ["name", "code"]
    exclude = ["hsds_extra"]
