"""Personal API tokens: created, revoked, and matched to the person who presents one (the API's
authentication, `cases.api.auth`, asks `api_token_user`).

A token is shown once, when it is created, and only its SHA-256 digest is kept: a copy of the database
gives nobody a way in. It expires (after settings.REFUGIU["API_TOKEN_DAYS"], 30 days unless configured,
or sooner if chosen shorter), and is refused (401) once revoked, expired, or when its holder is
deactivated or no longer holds a role with "cases.access". Tokens are created only from a session signed
in with a second factor (the token pages sit behind the second-factor middleware, and `views.tokens`
checks it again), so a token stands in for that second factor on API calls, which carry no session.
When the holder's password or second factor changes, or the account is deactivated or loses its case
role, every token of theirs is revoked (`token_revocation`); signing out does not revoke them.

Creating and revoking a token is audited ("accounts.api_token.created" / ".revoked", the latter with the
reason in its detail).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from refugiu.cases import access
from refugiu.cases.errors import CaseError
from refugiu.cases.models import ApiToken
from refugiu.core.audit import audit_record

if TYPE_CHECKING:
    from django.http import HttpRequest

    from refugiu.accounts.models import User

TOKEN_PREFIX = "rfg_"  # noqa: S105 - not a secret: makes a leaked token recognisable to secret scanners
USUAL_TOKEN_DAYS = (7, 30, 90)  # offered when shorter than the configured longest lifetime
MAX_TOKEN_LENGTH = 200  # anything longer is not one of ours: refuse it before hashing
LAST_USED_PRECISION = dt.timedelta(minutes=1)  # "last used" to the minute: not one write per request


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def longest_token_days() -> int:
    """The longest lifetime a token may have, which is also the one offered first."""
    return settings.REFUGIU["API_TOKEN_DAYS"]


def token_lifetimes() -> list[int]:
    """The lifetimes, in days, a person may choose from: never longer than the configured longest."""
    longest = longest_token_days()
    return sorted({days for days in USUAL_TOKEN_DAYS if days < longest} | {longest})


def api_token_create(
    *, user: User, request: HttpRequest | None = None, name: str, days: int | None = None
) -> tuple[ApiToken, str]:
    """A new token for `user`, lasting `days` (the longest allowed if not given); returns the record and
    the token itself, which is never stored."""
    if not access.works_on_cases(user):
        raise CaseError("forbidden", _("Only staff who work on cases may have API tokens."))
    days = longest_token_days() if days is None else days
    if days not in token_lifetimes():
        raise CaseError("bad_lifetime", _("Choose how long the token lasts."))
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name.strip(),
            digest=token_digest(raw),
            expires_at=timezone.now() + dt.timedelta(days=days),
        )
        audit_record(
            actor=user,
            action="accounts.api_token.created",
            target=token,
            request=request,
            detail={"days": days},
        )
    return token, raw


def api_token_revoke(*, user: User, request: HttpRequest | None = None, token: ApiToken) -> None:
    """Revoking deletes the digest, so the token can never match again; the audit record stays."""
    if token.user_id != user.pk:
        raise CaseError("forbidden", _("This is not your token."))
    with transaction.atomic():
        audit_record(
            actor=user,
            action="accounts.api_token.revoked",
            target=token,
            request=request,
            detail={"reason": "revoked_by_holder"},
        )
        token.delete()


def api_token_revoke_all(*, user_id: int, reason: str, detail: dict[str, Any] | None = None) -> int:
    """Revoke every token of one person, because something about their account changed (`reason`, a code
    such as "password_changed"; `detail` adds to it). Returns how many there were.

    Called from the receivers in `token_revocation`, which know what changed but not who changed it: the
    audit records name no actor, and name the holder in their detail."""
    with transaction.atomic():
        tokens = list(ApiToken.objects.filter(user_id=user_id).select_related("user").order_by("pk"))
        for token in tokens:
            audit_record(
                actor=None,
                action="accounts.api_token.revoked",
                target=token,
                detail={
                    "reason": reason,
                    **(detail or {}),
                    "holder_id": token.user_id,
                    "holder": token.user.get_username(),
                },
            )
        ApiToken.objects.filter(pk__in=[token.pk for token in tokens]).delete()
    return len(tokens)


def api_token_user(*, raw: str) -> User | None:
    """The user a presented token belongs to, if it is valid now; None otherwise."""
    if not raw or len(raw) > MAX_TOKEN_LENGTH:
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user").filter(digest=token_digest(raw), expires_at__gt=now).first()
    )
    # works_on_cases is False for a deactivated user, and for one whose case role was taken away.
    if token is None or not access.works_on_cases(token.user):
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
