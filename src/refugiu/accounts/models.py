from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from refugiu.accounts.roles import Role, permissions_of


class User(AbstractUser):
    """A member of staff or a collaborator. The public never has an account."""

    display_name = models.CharField(_("display name"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.display_name or self.username

    @property
    def roles(self) -> frozenset[str]:
        if not hasattr(self, "_role_cache"):
            self._role_cache = frozenset(self.role_assignments.values_list("role", flat=True))
        return self._role_cache

    def has_role_permission(self, permission: str) -> bool:
        if not self.is_active:
            return False
        return permission in permissions_of(self.roles)


class RoleAssignment(models.Model):
    """A role held by a user; coordinators' and caseworkers' roles are tied to a department."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    department = models.ForeignKey(
        "organisation.Department", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "department"], name="unique_role_per_department")
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()}"


def user_has_permission(user, permission: str) -> bool:
    """True only for an active, signed-in user holding a role that grants `permission`."""
    return bool(user and user.is_authenticated and user.has_role_permission(permission))
