"""Sign-in protections shared by the middleware, the account adapter and the tests.

Built on django-allauth's own records: allauth keeps, in the session, a list of the ways the person proved
who they are during this session (password, then "mfa" once a TOTP code, recovery code or security key was
accepted). We read that list rather than keep a second one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from refugiu.accounts.roles import ROLES_NEEDING_SECOND_FACTOR

if TYPE_CHECKING:  # accounts.models imports this module
    from refugiu.accounts.models import User

# Paths under /api/ answer in JSON; the HSDS directory API is public and never needs a signed-in person.
# When the session was signed in (time.time()): a session ends settings.SESSION_COOKIE_AGE after it.
SIGNED_IN_AT_SESSION_KEY = "refugiu.signed_in_at"


def user_needs_second_factor(user: User | AnonymousUser | None) -> bool:
    """True for a signed-in person holding a role that can see case data or change roles, users and
    settings, and for any superuser whatever their roles (Django's admin lets a superuser do anything a
    model permission guards)."""
    if not (user and user.is_authenticated):
        return False
    return user.is_superuser or not user.roles.isdisjoint(ROLES_NEEDING_SECOND_FACTOR)


def has_second_factor(user: User) -> bool:
    """True if the person enrolled an authenticator app or a security key (recovery codes alone don't count:
    allauth only asks for a second factor at sign-in when one of these two exists)."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import is_mfa_enabled

    enabled: bool = is_mfa_enabled(user, [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN])
    return enabled


def session_used_second_factor(request: HttpRequest) -> bool:
    """True if this session's sign-in (or enrolment) included a second factor, by allauth's records."""
    from allauth.account.authentication import get_authentication_records

    return any(record.get("method") == "mfa" for record in get_authentication_records(request, request.user))


def record_second_factor(request: HttpRequest, authenticator: Any) -> None:
    """Note in the session, as allauth does after a code is accepted, that a second factor was proven."""
    from allauth.account.internal.flows.login import record_authentication

    record_authentication(request, request.user, "mfa", id=authenticator.pk, type=authenticator.type)


def end_this_session(request: HttpRequest) -> None:
    """Sign out this browser only. Unlike logout(), other devices keep their sessions: used when a session
    ends for its own reasons (idle, no second factor), not because the person chose to sign out."""
    request.session.flush()
    request.user = AnonymousUser()


def idle_timeout_minutes() -> int:
    return int(settings.REFUGIU["IDLE_TIMEOUT_MINUTES"])
