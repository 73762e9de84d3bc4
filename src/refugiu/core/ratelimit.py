"""Abuse limits on what anyone may send without signing in: how many event registrations, correction
suggestions, answers through an e-mail's link and unknown certificate codes one address (and, where an
e-mail address is typed, that e-mail address) may send in an hour or a day. Each limit is a setting
(settings.REFUGIU, from the environment); 0 turns it off.

Counted by django-allauth's rate limiter, which already counts sign-ins here. It keeps, per key, the
times of the recent hits in Django's cache, which is a table of our own database (DatabaseCache), so every
application server sharing the database counts against the same limits. Each count is read and written
under a lock taken with cache.add (an INSERT on the cache's unique key), so simultaneous requests on
several servers do not lose counts, and the window slides (no burst of twice the limit at its edge).
(django-ratelimit needs an atomic increment and refuses DatabaseCache for lacking one: system check
django_ratelimit.E003.)

Keys are keyed hashes (accounts.security): no address and no e-mail address is ever a cache key.
"""

from collections.abc import Iterator
from typing import Any, Literal

from allauth.core.internal import ratelimit as allauth_ratelimit
from django.conf import settings
from django.http import HttpRequest

from refugiu.core.addresses import client_address, client_address_hash, email_address_hash

ADDRESS = "address"
EMAIL = "email"

# The REFUGIU settings that are such limits.
RateSetting = Literal[
    "REGISTRATIONS_PER_ADDRESS_PER_HOUR",
    "REGISTRATIONS_PER_EMAIL_PER_DAY",
    "SUGGESTIONS_PER_HOUR",
    "SUGGESTIONS_PER_EMAIL_PER_DAY",
    "LINK_FORMS_PER_HOUR",
    "CERTIFICATE_MISSES_PER_HOUR",
]

# For each public action, its limits: what is counted by, the REFUGIU setting saying how many, per what
# period ("h" hour, "d" day).
LIMITS: dict[str, tuple[tuple[str, RateSetting, str], ...]] = {
    "event_registration": (
        (ADDRESS, "REGISTRATIONS_PER_ADDRESS_PER_HOUR", "h"),
        (EMAIL, "REGISTRATIONS_PER_EMAIL_PER_DAY", "d"),
    ),
    "suggestion": (
        (ADDRESS, "SUGGESTIONS_PER_HOUR", "h"),
        (EMAIL, "SUGGESTIONS_PER_EMAIL_PER_DAY", "d"),
    ),
    # Cancellations and evaluations sent through the signed links of our e-mails.
    "signed_link_form": ((ADDRESS, "LINK_FORMS_PER_HOUR", "h"),),
    # Certificate codes that match no certificate: someone guessing codes.
    "certificate_miss": ((ADDRESS, "CERTIFICATE_MISSES_PER_HOUR", "h"),),
}


def _rates(request: HttpRequest, action: str, email: str) -> Iterator[tuple[str, str, str]]:
    """(name, allauth rate, key) for each of `action`'s limits that applies to this request."""
    for counted_by, setting, period in LIMITS[action]:
        amount = settings.REFUGIU[setting]
        if amount <= 0:
            continue
        if counted_by == ADDRESS:
            key = client_address_hash(client_address(request))
        elif email.strip():
            key = email_address_hash(email)
        else:
            continue  # no e-mail address typed (it is optional on the suggestion form)
        yield f"{action}:{counted_by}", f"{amount}/{period}/key", key


def _consume(request: HttpRequest, action: str, email: str, dry_run: bool) -> bool:
    usages: list[Any] = []  # allauth's usages
    for name, rate, key in _rates(request, action, email):
        usage = allauth_ratelimit.consume(
            request,
            app="refugiu",
            action=name,
            config={name: rate},
            key=key,
            dry_run=dry_run,
            limit_get=True,
        )
        if usage is None:
            if not dry_run:
                for counted in usages:
                    counted.rollback()  # a refused request counts against none of its limits
            return False
        usages.append(usage)
    return True


def within_limits(request: HttpRequest, action: str, *, email: str = "") -> bool:
    """Count one `action` for this request's address and for `email` when one was typed. False, and
    nothing counted, when any of the action's limits is already reached: the caller then saves and sends
    nothing and answers 429."""
    return _consume(request, action, email, dry_run=False)


def limit_reached(request: HttpRequest, action: str, *, email: str = "") -> bool:
    """True when the next `action` from this address (or for `email`) would be refused. Counts nothing:
    for limits on failures, which are counted only once they happen."""
    return not _consume(request, action, email, dry_run=True)
