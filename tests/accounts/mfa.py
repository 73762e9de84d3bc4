"""Signing staff in with a second factor, for tests of anything behind the sign-in.

Coordinators, caseworkers and DPOs (accounts.roles.ROLES_NEEDING_SECOND_FACTOR) only get past
SecondFactorRequiredMiddleware in a session that used a second factor. In a test of a case view, use

    from tests.accounts.mfa import force_login_with_mfa
    force_login_with_mfa(client, caseworker)          # fast: no sign-in pages

or, to go through the real sign-in and code pages (slower, one sign-in per user every 30 seconds unless
you let the helper forget the used code, which it does),

    login_with_mfa(client, caseworker)

Both enrol an authenticator app for the user if they have none, and work for users who need no second
factor too (it does them no harm). `enrol_totp(user)` returns the secret; `totp_code(secret)` gives the
code an authenticator app would show now.
"""

from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse

# The password tests.factories.UserFactory gives every user.
DEFAULT_PASSWORD = "correct horse battery staple"

__all__ = [
    "DEFAULT_PASSWORD",
    "enrol_totp",
    "force_login_with_mfa",
    "login_with_mfa",
    "recovery_codes",
    "totp_code",
    "totp_secret",
]


def enrol_totp(user, *, recovery_codes: bool = True) -> str:
    """Give `user` an authenticator app (and recovery codes, as allauth does on activation); return the
    base32 secret. Uses allauth's own activation, so the stored record is what the real page creates."""
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    if recovery_codes:
        RecoveryCodes.activate(user)
    return secret


def totp_secret(user) -> str | None:
    """The secret of the user's authenticator app, or None if they have none."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import decrypt

    authenticator = Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).first()
    return decrypt(authenticator.data["secret"]) if authenticator else None


def totp_code(secret: str) -> str:
    """The code an authenticator app holding `secret` shows now."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time

    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


def recovery_codes(user) -> list[str]:
    """The user's unused recovery codes (they get some from enrol_totp)."""
    from allauth.mfa.models import Authenticator

    authenticator = Authenticator.objects.get(user_id=user.pk, type=Authenticator.Type.RECOVERY_CODES)
    return authenticator.wrap().get_unused_codes()


def _forget_used_code(user, code: str) -> None:
    # allauth refuses a TOTP code already used (replay protection), and a code lasts 30 seconds: a test
    # signing the same person in twice would otherwise fail depending on the clock.
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    authenticator = Authenticator.objects.get(user_id=user.pk, type=Authenticator.Type.TOTP)
    cache.delete(TOTP(authenticator)._get_used_cache_key(code))


def login_with_mfa(client, user, password: str = DEFAULT_PASSWORD, **extra):
    """Sign `user` in through the real pages: username and password, then the authenticator code.

    `extra` is passed to each request (REMOTE_ADDR=..., HTTP_ACCEPT_LANGUAGE=...). Returns the client.
    Fails the test with the page's content if the sign-in does not complete.
    """
    secret = totp_secret(user) or enrol_totp(user)
    response = client.post(reverse("account_login"), {"login": user.username, "password": password}, **extra)
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate"), (
        response.status_code,
        response.content.decode()[:2000],
    )
    # Two tries: a code computed just before a 30-second boundary can be stale by the time it is checked.
    for _attempt in range(2):
        code = totp_code(secret)
        _forget_used_code(user, code)
        response = client.post(reverse("mfa_authenticate"), {"code": code}, **extra)
        if response.status_code == 302:
            break
    assert response.status_code == 302, response.content.decode()[:2000]
    assert client.session.get("_auth_user_id") == str(user.pk)
    return client


def force_login_with_mfa(client, user):
    """Sign `user` in without the sign-in pages, with the session marked as allauth marks it after a
    password and an authenticator code were accepted. Enrols an authenticator app first if needed.

    Returns the client. Use this in tests of pages behind the sign-in; use login_with_mfa to test the
    sign-in itself.
    """
    from allauth.account.internal.flows.login import record_authentication
    from allauth.mfa.models import Authenticator

    if totp_secret(user) is None:
        enrol_totp(user)
    client.force_login(user)
    authenticator = Authenticator.objects.get(user_id=user.pk, type=Authenticator.Type.TOTP)
    # allauth keeps its records in the session, through a request: give it one bound to the client's session.
    request = RequestFactory().get("/")
    request.session = client.session
    request.user = user
    record_authentication(request, user, "password", username=user.username)
    record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type)
    request.session.save()
    return client
