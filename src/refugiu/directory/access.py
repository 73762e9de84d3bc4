"""Who may do what with the directory's staff side: the one home of these rules, asked by the pages and by
the services (which check again, whoever called them).

- Directory editors (`Permission.DIRECTORY_EDIT` and the review permissions) edit every entry in the admin,
  review the public's suggestions and the changes organisations propose, and invite the people who keep an
  organisation's entry (`Permission.DIRECTORY_REPRESENTATIVES_MANAGE`).
- An organisation's representative (`Permission.DIRECTORY_PROPOSE_CHANGES`, through an
  `OrganizationRepresentative` row) sees and proposes changes to the organisations they represent, and to
  nothing else: another organisation's pages, services and changes answer 404, as if they did not exist,
  and the refusal of one that exists is audited ("directory.organization.access_refused", in the security
  trail). Nothing they propose changes the live entry until an editor approves it.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from refugiu.accounts.models import user_has_permission
from refugiu.accounts.roles import Permission
from refugiu.core.audit import REFUSED_ACCESS, audit_record
from refugiu.directory.models import Organization, ProposedChange, Service

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from refugiu.accounts.models import User


class DirectoryAccessDenied(PermissionDenied):
    """A service was asked for something its caller may not do. The pages answer 404 before getting here."""


def may_propose_changes(user: User | AnonymousUser | None) -> bool:
    return user_has_permission(user, Permission.DIRECTORY_PROPOSE_CHANGES)


def may_review_changes(user: User | AnonymousUser | None) -> bool:
    return user_has_permission(user, Permission.DIRECTORY_REVIEW_CHANGES)


def may_manage_representatives(user: User | AnonymousUser | None) -> bool:
    return user_has_permission(user, Permission.DIRECTORY_REPRESENTATIVES_MANAGE)


def represented_organizations(user: User | AnonymousUser | None) -> QuerySet[Organization]:
    """The organisations `user` keeps the entry of (none for anyone without the permission)."""
    if user is None or not may_propose_changes(user) or user.pk is None:
        return Organization.objects.none()
    return Organization.objects.filter(representatives__user_id=user.pk)


def represents(user: User | AnonymousUser | None, organization: Organization) -> bool:
    return represented_organizations(user).filter(pk=organization.pk).exists()


def _refused(request: HttpRequest, organization_id: uuid.UUID | str) -> Http404:
    """The 404 of an organisation someone may not keep; audited when the organisation exists."""
    organization = Organization.objects.filter(pk=organization_id).only("pk").first()
    if organization is not None and request.user.is_authenticated:
        audit_record(
            actor=request.user,
            action=f"directory.organization{REFUSED_ACCESS}",
            target=organization,
            request=request,
        )
    return Http404()


def represented_organization_get(*, request: HttpRequest, organization_id: uuid.UUID) -> Organization:
    """An organisation the signed-in person represents; 404 for any other (the refusal audited)."""
    organization = represented_organizations(request.user).filter(pk=organization_id).first()
    if organization is None:
        raise _refused(request, organization_id)
    return organization


def represented_service_get(*, organization: Organization, service_id: uuid.UUID) -> Service:
    """A service of an organisation already checked with represented_organization_get; 404 otherwise."""
    service = organization.services.filter(pk=service_id).first()
    if service is None:
        raise Http404
    return service


def represented_change_get(*, organization: Organization, change_id: int) -> ProposedChange:
    change = organization.proposed_changes.filter(pk=change_id).first()
    if change is None:
        raise Http404
    return change


def require_representative(actor: User | AnonymousUser | None, organization: Organization) -> None:
    if not represents(actor, organization):
        raise DirectoryAccessDenied("not a representative of this organisation")


def require_change_reviewer(actor: User | AnonymousUser | None) -> None:
    if not may_review_changes(actor):
        raise DirectoryAccessDenied("not a directory editor")


def require_representatives_manager(actor: User | AnonymousUser | None) -> None:
    if not may_manage_representatives(actor):
        raise DirectoryAccessDenied("not a directory editor")
