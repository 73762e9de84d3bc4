"""Who is calling the cases API: a personal API token, or a browser session with its CSRF token.

A token is shown once, when it is created, and only its SHA-256 digest is kept: a copy of the database
gives nobody a way in. It expires (after settings.REFUGIU["API_TOKEN_DAYS"], 30 days unless configured,
or sooner if chosen shorter), and is refused (401) once revoked, expired, or when its holder is
deactivated or no longer holds a role with "cases.access". Tokens are created only from a session signed
in with a second factor (the token pages sit behind the second-factor middleware, and `token_views`
checks it again), so a token stands in for that second factor on API calls, which carry no session.
When the holder's password or second factor changes, or the account is deactivated or loses its case
role, every token of theirs is revoked (`token_revocation`); signing out does not revoke them.

Creating and revoking a token is audited ("accounts.api_token.created" / ".revoked", the latter with the
reason in its detail).
"""

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from refugiu.accounts.models import user_has_permission
from refugiu.accounts.roles import Permission
from refugiu.cases.models import ApiToken
from refugiu.cases.services import CaseError
from refugiu.core.audit import audit_record

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


def api_token_create(*, user, request=None, name: str, days: int | None = None) -> tuple[ApiToken, str]:
    """A new token for `user`, lasting `days` (the longest allowed if not given); returns the record and
    the token itself, which is never stored."""
    if not user_has_permission(user, Permission.CASES_ACCESS):
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


def api_token_revoke(*, user, request=None, token: ApiToken) -> None:
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


def api_token_revoke_all(*, user_id: int, reason: str, detail: dict | None = None) -> int:
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


def api_token_user(*, raw: str):
    """The user a presented token belongs to, if it is valid now; None otherwise."""
    if not raw or len(raw) > MAX_TOKEN_LENGTH:
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user").filter(digest=token_digest(raw), expires_at__gt=now).first()
    )
    # user_has_permission is False for a deactivated user, and for one whose case role was taken away.
    if token is None or not user_has_permission(token.user, Permission.CASES_ACCESS):
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def _refuse_without_case_role(user):
    if not user_has_permission(user, Permission.CASES_ACCESS):
        raise HttpError(403, _("Your role gives no access to case files."))
    return user


class PersonalApiToken(HttpBearer):
    openapi_description = (
        "A personal API token, created (and shown once) at /staff/api-tokens/, sent as "
        "`Authorization: Bearer <token>`. It expires; a revoked or expired token, or one whose holder was "
        "deactivated, answers 401."
    )

    def __call__(self, request: HttpRequest):
        # Read here rather than by HttpBearer, which logs a header with another scheme in DEBUG: that
        # header may well be a token sent the wrong way, and credentials stay out of logs.
        scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer":
            return None
        return self.authenticate(request, token)

    def authenticate(self, request: HttpRequest, token: str):
        user = api_token_user(raw=token.strip())
        if user is None:
            # A token that was presented and is wrong is an answer in itself: never fall back to a session.
            raise AuthenticationError
        # The rest of the stack (no-store headers, logging) then sees who is calling, as for a session.
        request.user = user
        return user


class BrowserSession(APIKeyCookie):
    """Django's session, for the staff pages' own use of the API. Unlike ninja's SessionAuth, the CSRF
    check comes after the session is known to be signed in, so an anonymous write answers 401, not 403."""

    param_name = settings.SESSION_COOKIE_NAME
    openapi_description = (
        "The staff session cookie, for use from the browser. Writes need the CSRF token in the "
        "`X-CSRFToken` header. Staff with case roles must have signed in with their second factor."
    )

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None):
        if not request.user.is_authenticated:
            return None
        if self.csrf and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise HttpError(403, "CSRF check failed")
        return _refuse_without_case_role(request.user)


def api_authentication() -> list:
    """The token first: a request carrying one is judged by it alone."""
    return [PersonalApiToken(), BrowserSession()]
