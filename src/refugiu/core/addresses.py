"""Which address a request came from: the one answer every rate limit and the audit log use.

Without a reverse proxy (the default) it is REMOTE_ADDR: X-Forwarded-For and the like are written by the
client, who could then pick a new address for every try. Behind proxies that REFUGIU_TRUSTED_PROXIES
counts (nginx, a load balancer), REMOTE_ADDR is the nearest proxy's, the same for everyone, so every
visitor would share one count and one visitor could lock out all the others: each trusted proxy appends
the address it was reached from to X-Forwarded-For, so the client is the entry that many places from the
right. Entries further left were written by the client and are never read.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest
from django.utils.crypto import salted_hmac


def request_address(request: HttpRequest) -> str:
    """The client's IP address as text, or "" when it is unknown (a Unix socket, a test without one)."""
    remote = request.META.get("REMOTE_ADDR") or ""
    proxies = settings.REFUGIU["TRUSTED_PROXIES"]
    if proxies <= 0:
        return remote
    chain = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(chain) < proxies:
        return remote  # a request that did not pass through all our proxies (a health check from inside)
    candidate = chain[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def client_address(request: HttpRequest) -> str:
    """The address a request came from, as every limit counts it (allauth's sign-in limits too, through
    the account adapter's get_client_ip). This is the one place that decides it.

    The address is request_address's (REMOTE_ADDR, or behind trusted proxies the address
    they saw). An IPv6 address is cut to its network (ALLAUTH_RATE_LIMIT_IPV6_PREFIX, /64), since one
    connection is given a whole network to pick from. Empty when the server does not know (a Unix
    socket): all such requests then share one count.
    """
    from allauth.core.internal.ratelimit import truncate_ip

    address: str = truncate_ip(request_address(request))
    return address


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
