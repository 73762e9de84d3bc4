"""Editing projects, funders, publications, partners, networks, campaigns and events in the Django admin,
for programme staff.

Access follows our role table (`programmes.access`: programme staff), not Django's per-model permissions.
Every save and delete, the inlines' included, goes through `programmes.services.records`, which checks
again and audits it. Participants, attendance and evaluations are not here: they are personal or anonymous
data with their own rules, handled only through the staff pages and `programmes.services`. Events are
edited on the staff pages too (capacity and the waiting list need the services); the admin shows them and
edits their descriptive fields only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from refugiu.accounts.admin_writes import ServiceWritingAdmin
from refugiu.programmes import access, services
from refugiu.programmes import models as p


class ProgrammeStaffAccess:
    formfield_overrides: Mapping[type[models.Field[Any, Any]], Mapping[str, Any]] = {
        models.URLField: {"assume_scheme": "https"}
    }

    def has_module_permission(self, request: HttpRequest) -> bool:
        return access.may_edit_programmes(request.user)

    def has_view_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return access.may_edit_programmes(request.user)

    has_add_permission = has_view_permission

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return access.may_edit_programmes(request.user)

    has_delete_permission = has_change_permission


class ProgrammeStaffAdmin(ProgrammeStaffAccess, ServiceWritingAdmin):
    """Saves and deletes through the services, which check the user again and audit each record."""

    record_save = staticmethod(services.record_save)
    record_delete = staticmethod(services.record_delete)


class StaffInline(ProgrammeStaffAccess, admin.TabularInline):
    extra = 0


class FunderProgrammeInline(StaffInline):
    model = p.FunderProgramme


@admin.register(p.Funder)
class FunderAdmin(ProgrammeStaffAdmin):
    list_display = ["name", "organization"]
    search_fields = ["name"]
    inlines = [FunderProgrammeInline]


@admin.register(p.FunderProgramme)
class FunderProgrammeAdmin(ProgrammeStaffAdmin):
    list_display = ["name", "funder"]
    list_filter = ["funder"]
    search_fields = ["name", "funder__name"]


class ProjectPartnerInline(StaffInline):
    model = p.ProjectPartner
    fields = ["organization", "country", "role", "order"]


class DeliverableInline(ProgrammeStaffAccess, admin.StackedInline):
    model = p.Deliverable
    extra = 0


@admin.register(p.Project)
class ProjectAdmin(ProgrammeStaffAdmin):
    list_display = ["title", "acronym", "funder_programme", "start", "end", "our_role", "is_published"]
    list_filter = ["is_published", "thematic_area", "our_role"]
    search_fields = ["title", "acronym", "grant_number"]
    inlines = [ProjectPartnerInline, DeliverableInline]


@admin.register(p.Publication)
class PublicationAdmin(ProgrammeStaffAdmin):
    list_display = ["title", "type", "date", "project", "is_published"]
    list_filter = ["is_published", "type"]
    search_fields = ["title"]


class NetworkMembershipInline(StaffInline):
    model = p.NetworkMembership


@admin.register(p.Network)
class NetworkAdmin(ProgrammeStaffAdmin):
    list_display = ["organization"]
    search_fields = ["organization__name"]
    inlines = [NetworkMembershipInline]


@admin.register(p.Partnership)
class PartnershipAdmin(ProgrammeStaffAdmin):
    list_display = ["organization", "scope", "order"]
    list_filter = ["scope"]
    search_fields = ["organization__name"]


# Protocols point at the partner organisation, not at the partnership, so they cannot be an inline of it:
# they have their own list.
@admin.register(p.CollaborationProtocol)
class CollaborationProtocolAdmin(ProgrammeStaffAdmin):
    list_display = ["partner", "signed_on"]
    search_fields = ["partner__name", "objectives"]


class CampaignMessageInline(ProgrammeStaffAccess, admin.StackedInline):
    model = p.CampaignMessage
    extra = 0


@admin.register(p.Campaign)
class CampaignAdmin(ProgrammeStaffAdmin):
    list_display = ["title", "project", "channel", "start", "end", "is_published"]
    list_filter = ["is_published"]
    search_fields = ["title"]
    inlines = [CampaignMessageInline]


class EventDayInline(StaffInline):
    model = p.EventDay


class EventProfessionInline(StaffInline):
    model = p.EventProfession


class EventCountryInline(StaffInline):
    model = p.EventCountry


class EventPhotoInline(ProgrammeStaffAccess, admin.StackedInline):
    model = p.EventPhoto
    extra = 0


@admin.register(p.Event)
class EventAdmin(ProgrammeStaffAdmin):
    list_display = ["__str__", "type", "project", "city", "country", "headcount", "is_published"]
    list_filter = ["type", "is_published", "our_role"]
    search_fields = ["title", "city"]
    # Registration settings change only on the staff pages, where the services keep the waiting list right.
    readonly_fields = [
        "capacity",
        "registration_open",
        "registration_closes_on",
        "waiting_list",
        "places_taken",
    ]
    filter_horizontal = ["represented_organisations"]
    inlines = [EventDayInline, EventProfessionInline, EventCountryInline, EventPhotoInline]
