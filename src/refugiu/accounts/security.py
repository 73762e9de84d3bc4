"""Sign-in protections shared by the middleware, the account adapter and the tests.

Built on django-allauth's own records: allauth keeps, in the session, a list of the ways the person proved
who they are during this session (password, then "mfa" once a TOTP code, recovery code or security key was
accepted). We read that list rather than keep a second one.
"""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils.crypto import salted_hmac

from refugiu.accounts.roles import ROLES_NEEDING_SECOND_FACTOR
from refugiu.core.addresses import request_address

# Paths under /api/ answer in JSON; the HSDS directory API is public and never needs a signed-in person.
API_PREFIX = "/api/"
PUBLIC_API_PREFIX = "/api/hsds/"
# When the session was signed in (time.time()): a session ends settings.SESSION_COOKIE_AGE after it.
SIGNED_IN_AT_SESSION_KEY = "refugiu.signed_in_at"


def user_needs_second_factor(user) -> bool:
    """True for a signed-in person holding a role that can see case data or change roles, users and
    settings, and for any superuser whatever their roles (Django's admin lets a superuser do anything a
    model permission guards)."""
    if not (user and user.is_authenticated):
        return False
    return user.is_superuser or not user.roles.isdisjoint(ROLES_NEEDING_SECOND_FACTOR)


def has_second_factor(user) -> bool:
    """True if the person enrolled an authenticator app or a security key (recovery codes alone don't count:
    allauth only asks for a second factor at sign-in when one of these two exists)."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import is_mfa_enabled

    return is_mfa_enabled(user, [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN])


def session_used_second_factor(request) -> bool:
    """True if this session's sign-in (or enrolment) included a second factor, by allauth's records."""
    from allauth.account.authentication import get_authentication_records

    return any(record.get("method") == "mfa" for record in get_authentication_records(request, request.user))


def record_second_factor(request, authenticator) -> None:
    """Note in the session, as allauth does after a code is accepted, that a second factor was proven."""
    from allauth.account.internal.flows.login import record_authentication

    record_authentication(request, request.user, "mfa", id=authenticator.pk, type=authenticator.type)


def end_this_session(request) -> None:
    """Sign out this browser only. Unlike logout(), other devices keep their sessions: used when a session
    ends for its own reasons (idle, no second factor), not because the person chose to sign out."""
    request.session.flush()
    request.user = AnonymousUser()


def client_address(request) -> str:
    """The address a request came from, as every limit counts it (allauth's sign-in limits too, through
    the account adapter's get_client_ip). This is the one place that decides it.

    The address is core.addresses.request_address's (REMOTE_ADDR, or behind trusted proxies the address
    they saw). An IPv6 address is cut to its network (ALLAUTH_RATE_LIMIT_IPV6_PREFIX, /64), since one
    connection is given a whole network to pick from. Empty when the server does not know (a Unix
    socket): all such requests then share one count.
    """
    from allauth.core.internal.ratelimit import truncate_ip

    return truncate_ip(request_address(request))


def client_address_hash(address: str) -> str:
    """A keyed hash of an IP address: stable enough to count failures by, useless for finding the address
    (a plain hash of an IPv4 address is reversed by trying all four billion)."""
    return salted_hmac("refugiu.accounts.client_address", address, algorithm="sha256").hexdigest()[:32]


def email_address_hash(email: str) -> str:
    """A keyed hash of an e-mail address, whatever its case and surrounding spaces: what limits per
    e-mail address count by. Like IP addresses, e-mail addresses can be guessed from a list: never a plain
    hash."""
    normalised = email.strip().lower()
    return salted_hmac("refugiu.accounts.email_address", normalised, algorithm="sha256").hexdigest()[:32]


def idle_timeout_minutes() -> int:
    return int(settings.REFUGIU.get("IDLE_TIMEOUT_MINUTES", 15))


def is_private_api(path: str) -> bool:
    return path.startswith(API_PREFIX) and not path.startswith(PUBLIC_API_PREFIX)
