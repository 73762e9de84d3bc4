from django.contrib import admin

from refugiu.organisation import models


class ValueInline(admin.TabularInline):
    model = models.FundamentalValue
    extra = 0


class ObjectiveInline(admin.TabularInline):
    model = models.Objective
    extra = 0


class CommitteeInline(admin.TabularInline):
    model = models.CommitteePosition
    extra = 0


@admin.register(models.Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    inlines = [ValueInline, ObjectiveInline, CommitteeInline]


class StaffingInline(admin.TabularInline):
    model = models.DepartmentStaffing
    extra = 0


@admin.register(models.Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "organisation"]
    inlines = [StaffingInline]
