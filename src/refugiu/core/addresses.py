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


def request_address(request) -> str:
    """The client's IP address as text, or "" when it is unknown (a Unix socket, a test without one)."""
    remote = request.META.get("REMOTE_ADDR") or ""
    proxies = settings.REFUGIU.get("TRUSTED_PROXIES", 0)
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
