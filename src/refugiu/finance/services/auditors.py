"""An auditor's read-only access to one grant until a date: a financial manager gives it and withdraws it.

Giving access makes the auditor's account if there is none (accounts.services.auditor_account_ensure:
sign-in with their e-mail address, the auditor's role only, no password yet, a second factor at their
first sign-in) and e-mails them, after the commit, where to sign in and, while they have no password, the
link of allauth's password reset to choose one, as the directory's invitations of representatives do.
Giving it again moves the date. The access ends by itself after its date (inclusive): `finance.access`
reads only the grants of running accesses. Audited "finance.auditor_access.granted", ".changed" and
".withdrawn", naming records, never the address.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from refugiu.accounts.services import auditor_account_check, auditor_account_ensure
from refugiu.core.audit import audit_record
from refugiu.finance.access import require_manager
from refugiu.finance.models import AuditorAccess, Grant
from refugiu.finance.services.errors import FinanceError

if TYPE_CHECKING:
    from refugiu.accounts.models import User

# The longest an access may run: an auditor asks for a grant's books years later, but for a while.
LONGEST = datetime.timedelta(days=366 * 2)


def auditor_access_grant(
    *,
    actor: User,
    request: HttpRequest | None = None,
    grant: Grant,
    email: str,
    until: datetime.date,
    display_name: str = "",
) -> tuple[AuditorAccess, bool]:
    """Let the auditor who signs in with `email` read `grant` until `until` (inclusive); returns the access
    and whether it is new. FinanceError for a date in the past or too far ahead; accounts' AccountError for
    an address of another kind of account (a member of staff's): those are an administrator's."""
    require_manager(actor)
    today = timezone.localdate()
    problems = []
    if not email.strip():
        problems.append(_("Give the auditor's e-mail address."))
    if until < today:
        problems.append(_("The access must run until today or a later day."))
    elif until > today + LONGEST:
        problems.append(_("An access runs for two years at most: give it again when the audit needs longer."))
    if problems:
        raise FinanceError(*problems)
    # A refusal is audited: checked before the transaction, so that its audit record is not rolled back.
    auditor_account_check(actor=actor, request=request, email=email)
    with transaction.atomic():
        user, account_made = auditor_account_ensure(
            actor=actor, request=request, email=email, display_name=display_name
        )
        access = AuditorAccess.objects.filter(grant=grant, auditor=user).first()
        created = access is None
        if access is None:
            access = AuditorAccess.objects.create(grant=grant, auditor=user, until=until, granted_by=actor)
            audit_record(
                actor=actor,
                action="finance.auditor_access.granted",
                target=access,
                request=request,
                detail={"grant": grant.pk, "user": user.pk, "account_made": account_made},
            )
        elif access.until != until:
            access.until = until
            access.granted_by = actor
            access.save(update_fields=["until", "granted_by"])
            audit_record(
                actor=actor,
                action="finance.auditor_access.changed",
                target=access,
                request=request,
                detail={"grant": grant.pk, "user": user.pk, "fields": ["until"]},
            )
        if request is not None:
            subject, text = invitation_message(request=request, user=user, access=access)
            transaction.on_commit(lambda: send_mail(subject, text, None, [user.email]))
    return access, created


def auditor_access_withdraw(
    *, actor: User, request: HttpRequest | None = None, access: AuditorAccess
) -> None:
    """End an access now: the auditor no longer reaches the grant. Their account stays (an administrator
    deactivates it), and so does the audit log of what they read."""
    require_manager(actor)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="finance.auditor_access.withdrawn",
            target=access,
            request=request,
            detail={"grant": access.grant_id, "user": access.auditor_id},
        )
        access.delete()


def invitation_message(*, request: HttpRequest, user: User, access: AuditorAccess) -> tuple[str, str]:
    """The invitation's subject and text: which grant until when, where to sign in and, while the auditor
    has no password yet, the link of allauth's password reset to choose one."""
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
        "grant": access.grant.agreement_number,
        "until": access.until.isoformat(),
        "email": user.email,
        "password_url": password_url,
        "days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
        "sign_in_url": request.build_absolute_uri(reverse("account_login")),
        "reset_url": request.build_absolute_uri(reverse("account_reset_password")),
    }
    subject = render_to_string("finance/email/auditor_invitation_subject.txt", context).strip()
    text = render_to_string("finance/email/auditor_invitation_message.txt", context)
    return " ".join(subject.split()), text
