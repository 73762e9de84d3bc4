"""The people who keep a listed organisation's entry: a directory editor invites them and takes them off.

Inviting makes the person's account if they have none (accounts.services.representative_account_ensure:
sign-in with their e-mail address, the representative's role only, no password yet), links it to the
organisation, and e-mails them, after the commit, a link to choose their password: allauth's own password
reset page, so the link lasts PASSWORD_RESET_TIMEOUT and "Forgot your password?" gives a new one. Inviting
someone again sends the e-mail again. Audited "directory.representative.added" and ".removed", naming
records, never the address.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse

from refugiu.accounts.services import representative_account_check, representative_account_ensure
from refugiu.core.audit import audit_record
from refugiu.directory.access import require_representatives_manager
from refugiu.directory.models import Organization, OrganizationRepresentative

if TYPE_CHECKING:
    from refugiu.accounts.models import User


def representative_invite(
    *, actor: User, request: HttpRequest, organization: Organization, email: str, display_name: str = ""
) -> tuple[OrganizationRepresentative, bool]:
    """Make `email` a representative of `organization` and e-mail them the invitation; returns the link
    and whether it is new. Raises accounts.services.AccountError for an address of another kind of
    account (a member of staff's, say): those are an administrator's."""
    require_representatives_manager(actor)
    # A refusal is audited: checked before the transaction, so that its audit record is not rolled back.
    representative_account_check(actor=actor, request=request, email=email)
    with transaction.atomic():
        user, account_made = representative_account_ensure(
            actor=actor, request=request, email=email, display_name=display_name
        )
        link, added = OrganizationRepresentative.objects.get_or_create(
            organization=organization, user=user, defaults={"added_by": actor}
        )
        if added:
            audit_record(
                actor=actor,
                action="directory.representative.added",
                target=link,
                request=request,
                detail={"organization": str(organization.pk), "user": user.pk, "account_made": account_made},
            )
        message = invitation_message(request=request, user=user, organization=organization)
        transaction.on_commit(lambda: send_mail(message[0], message[1], None, [user.email]))
    return link, added


def representative_remove(
    *, actor: User, request: HttpRequest | None = None, link: OrganizationRepresentative
) -> None:
    """Take a person off an organisation: they no longer reach its pages. Their account stays (an
    administrator deactivates it), and so do the changes they proposed."""
    require_representatives_manager(actor)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="directory.representative.removed",
            target=link,
            request=request,
            detail={"organization": str(link.organization_id), "user": link.user_id},
        )
        link.delete()


def invitation_message(*, request: HttpRequest, user: User, organization: Organization) -> tuple[str, str]:
    """The invitation's subject and text: where to sign in and, while the person has no password yet, the
    link of allauth's password reset to choose one."""
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str

    password_url = ""
    if not user.has_usable_password():
        path = reverse(
            "account_reset_password_from_key",
            kwargs={"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)},
        )
        password_url = request.build_absolute_uri(path)
    context = {
        "organization": organization.name,
        "email": user.email,
        "password_url": password_url,
        "days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
        "sign_in_url": request.build_absolute_uri(reverse("account_login")),
        "reset_url": request.build_absolute_uri(reverse("account_reset_password")),
    }
    subject = render_to_string("directory/email/invitation_subject.txt", context).strip()
    return " ".join(subject.split()), render_to_string("directory/email/invitation_message.txt", context)
