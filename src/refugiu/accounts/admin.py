from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from refugiu.accounts.models import RoleAssignment, User


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [RoleAssignmentInline]
    fieldsets = (*BaseUserAdmin.fieldsets, (None, {"fields": ("display_name",)}))
