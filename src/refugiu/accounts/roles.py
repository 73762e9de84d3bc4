"""The one table that maps roles to what they allow (product brief §2). Deny by default.

A permission is a member of `Permission`; code asks `user_has_permission(user, Permission.DIRECTORY_EDIT)`.
A role not in the table, or a permission no role grants, allows nothing; a name that is not a permission is an
error (ValueError), never a silent refusal. Object scoping (which case, which department) lives in each
domain's `access` module, not here.
"""

from collections.abc import Iterable
from enum import StrEnum

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
    # Someone of an organisation listed in the directory, who keeps its entry: not our staff, sees no case
    # data. Which organisations they speak for is the directory's (OrganizationRepresentative).
    ORGANIZATION_REPRESENTATIVE = "organization_representative", _("Representative of a listed organisation")
    # Grant finance (finance.access narrows each to its scope).
    FINANCIAL_MANAGER = "financial_manager", _("Financial manager")
    PROJECT_COORDINATOR = "project_coordinator", _("Project coordinator (finance)")
    TIMESHEET_STAFF = "timesheet_staff", _("Staff keeping a timesheet")
    AUDITOR = "auditor", _("Auditor of a grant")


class Permission(StrEnum):
    """Everything a role can allow."""

    ACCOUNTS_MANAGE = "accounts.manage"
    ORGANISATION_EDIT = "organisation.edit"
    AUDIT_VIEW = "audit.view"
    AUDIT_EXPORT = "audit.export"
    CASES_ACCESS = "cases.access"
    DIRECTORY_VIEW_STAFF = "directory.view_staff"
    DIRECTORY_EDIT = "directory.edit"
    DIRECTORY_VERIFY = "directory.verify"
    DIRECTORY_REVIEW_SUGGESTIONS = "directory.review_suggestions"
    # Organisations keeping their own entry: their representatives propose changes, directory editors
    # invite the representatives and review what they propose.
    DIRECTORY_PROPOSE_CHANGES = "directory.propose_changes"
    DIRECTORY_REVIEW_CHANGES = "directory.review_changes"
    DIRECTORY_REPRESENTATIVES_MANAGE = "directory.manage_representatives"
    PROGRAMMES_EDIT = "programmes.edit"
    REPORTS_ANNUAL = "reports.annual"
    REPORTS_FUNDER = "reports.funder"
    REPORTS_STATISTICS = "reports.statistics"
    REPORTS_DASHBOARD = "reports.dashboard"
    # Grant finance: everything; the grants one coordinates (read, approve the team's timesheets); one's own
    # timesheet; one grant read-only until a date (finance.models.AuditorAccess).
    FINANCE_MANAGE = "finance.manage"
    FINANCE_COORDINATE = "finance.coordinate"
    FINANCE_TIMESHEET = "finance.timesheet"
    FINANCE_AUDIT = "finance.audit"


P = Permission
ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    Role.ADMINISTRATOR: frozenset({P.ACCOUNTS_MANAGE, P.ORGANISATION_EDIT, P.REPORTS_ANNUAL}),
    Role.DATA_PROTECTION_OFFICER: frozenset({P.AUDIT_VIEW, P.AUDIT_EXPORT}),
    Role.COORDINATOR: frozenset(
        {P.CASES_ACCESS, P.DIRECTORY_VIEW_STAFF, P.REPORTS_ANNUAL, P.REPORTS_STATISTICS, P.REPORTS_DASHBOARD}
    ),
    Role.CASEWORKER: frozenset({P.CASES_ACCESS, P.DIRECTORY_VIEW_STAFF}),
    Role.PROGRAMME_STAFF: frozenset({P.PROGRAMMES_EDIT, P.REPORTS_ANNUAL, P.REPORTS_FUNDER}),
    Role.DIRECTORY_EDITOR: frozenset(
        {
            P.DIRECTORY_VIEW_STAFF,
            P.DIRECTORY_EDIT,
            P.DIRECTORY_VERIFY,
            P.DIRECTORY_REVIEW_SUGGESTIONS,
            P.DIRECTORY_REVIEW_CHANGES,
            P.DIRECTORY_REPRESENTATIVES_MANAGE,
        }
    ),
    Role.RESEARCHER: frozenset({P.REPORTS_STATISTICS}),
    # Only this: the directory's pages of the organisations they represent (directory.access), where what
    # they change waits for an editor. No staff directory view, no case, no report: so no second factor is
    # required of them (they may enrol one).
    Role.ORGANIZATION_REPRESENTATIVE: frozenset({P.DIRECTORY_PROPOSE_CHANGES}),
    Role.FINANCIAL_MANAGER: frozenset({P.FINANCE_MANAGE, P.FINANCE_TIMESHEET}),
    Role.PROJECT_COORDINATOR: frozenset({P.FINANCE_COORDINATE, P.FINANCE_TIMESHEET}),
    Role.TIMESHEET_STAFF: frozenset({P.FINANCE_TIMESHEET}),
    Role.AUDITOR: frozenset({P.FINANCE_AUDIT}),
}
del P

# Roles whose holders see case data or the audit log. Nobody can give one of these to themselves: another
# administrator grants it (accounts.services.role_grant), so the DPO sees who opened the door for whom.
ROLES_SEEING_CASE_DATA = frozenset({Role.COORDINATOR, Role.CASEWORKER, Role.DATA_PROTECTION_OFFICER})
# Roles whose holders must sign in with a second factor: those above, and the administrator, who can
# change roles, users and settings (and so could otherwise reach case data with a password alone).
# Those who see what staff members earn (personnel costs, payslips among an expense's documents) too.
ROLES_NEEDING_SECOND_FACTOR = ROLES_SEEING_CASE_DATA | {
    Role.ADMINISTRATOR,
    Role.FINANCIAL_MANAGER,
    Role.PROJECT_COORDINATOR,
    Role.AUDITOR,
}


def permissions_of(roles: Iterable[str]) -> frozenset[Permission]:
    granted: set[Permission] = set()
    for role in roles:
        granted |= ROLE_PERMISSIONS.get(role, frozenset())
    return frozenset(granted)
