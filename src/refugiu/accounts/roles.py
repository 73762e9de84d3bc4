"""The one table that maps roles to what they allow (product brief §2). Deny by default.

A permission is a plain string; code asks `user_has_permission(user, "directory.edit")`. A role not in the
table, or a permission no role grants, allows nothing. Object scoping (which case, which department) lives
in each module's selectors, not here.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    DATA_PROTECTION_OFFICER = "dpo", _("Data protection officer")
    COORDINATOR = "coordinator", _("Coordinator")
    CASEWORKER = "caseworker", _("Caseworker")
    PROGRAMME_STAFF = "programme_staff", _("Programme staff")
    DIRECTORY_EDITOR = "directory_editor", _("Directory editor")
    RESEARCHER = "researcher", _("Researcher")


ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.ADMINISTRATOR: frozenset({"accounts.manage", "organisation.edit", "reports.annual"}),
    Role.DATA_PROTECTION_OFFICER: frozenset({"audit.view", "audit.export"}),
    Role.COORDINATOR: frozenset(
        {"cases.access", "directory.view_staff", "reports.annual", "reports.statistics", "reports.dashboard"}
    ),
    Role.CASEWORKER: frozenset({"cases.access", "directory.view_staff"}),
    Role.PROGRAMME_STAFF: frozenset({"programmes.edit", "reports.annual", "reports.funder"}),
    Role.DIRECTORY_EDITOR: frozenset(
        {"directory.view_staff", "directory.edit", "directory.verify", "directory.review_suggestions"}
    ),
    Role.RESEARCHER: frozenset({"reports.statistics"}),
}

# Roles whose holders see case data or the audit log. Nobody can give one of these to themselves: another
# administrator grants it (accounts.services.role_grant), so the DPO sees who opened the door for whom.
ROLES_SEEING_CASE_DATA = frozenset({Role.COORDINATOR, Role.CASEWORKER, Role.DATA_PROTECTION_OFFICER})
# Roles whose holders must sign in with a second factor: those above, and the administrator, who can
# change roles, users and settings (and so could otherwise reach case data with a password alone).
ROLES_NEEDING_SECOND_FACTOR = ROLES_SEEING_CASE_DATA | {Role.ADMINISTRATOR}


def permissions_of(roles) -> frozenset[str]:
    granted: set[str] = set()
    for role in roles:
        granted |= ROLE_PERMISSIONS.get(role, frozenset())
    return frozenset(granted)
