"""Which address a request came from (core.addresses), as the limits and the audit log see it, through
real requests: REMOTE_ADDR alone by default; behind REFUGIU_TRUSTED_PROXIES proxies, the address the
outermost trusted proxy saw, never what the client wrote into X-Forwarded-For itself."""

import pytest
from django.test import Client, RequestFactory

from refugiu.core.addresses import request_address
from refugiu.core.models import AuditEntry
from tests.accounts.mfa import DEFAULT_PASSWORD
from tests.factories import UserFactory
from tests.programmes.factories import EventFactory
from tests.programmes.test_registration import person, register_url

PROXY = "10.0.0.5"


@pytest.fixture
def proxies(settings):
    def trust(count: int):
        settings.REFUGIU = {**settings.REFUGIU, "TRUSTED_PROXIES": count}

    return trust


def address(**meta) -> str:
    return request_address(RequestFactory().get("/", **meta))


def test_without_proxies_the_forwarded_header_is_ignored(proxies):
    proxies(0)
    assert address(REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.1") == "203.0.113.7"


def test_behind_one_proxy_the_client_is_what_the_proxy_appended(proxies):
    proxies(1)
    # The client wrote the first entry itself; our proxy appended the second.
    forged = "198.51.100.1, 203.0.113.7"
    assert address(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forged) == "203.0.113.7"
    assert address(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="2001:db8::1") == "2001:db8::1"
    # Not through the proxy, or garbage in the proxy's place: the connection's own address.
    assert address(REMOTE_ADDR=PROXY) == PROXY
    assert address(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="not-an-address") == PROXY
    proxies(2)
    assert (
        address(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7, 10.0.0.9")
        == "203.0.113.7"
    )


@pytest.mark.django_db
def test_behind_a_proxy_visitors_are_counted_apart_and_cannot_dodge_by_forging(proxies, settings):
    proxies(1)
    settings.REFUGIU = {**settings.REFUGIU, "REGISTRATIONS_PER_ADDRESS_PER_HOUR": 2}
    event = EventFactory()
    client = Client()

    def register(forwarded):
        return client.post(register_url(event), person(), REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)

    assert register("203.0.113.7").status_code == 302
    # The same visitor writing a new address of their own in front changes nothing.
    assert register("198.51.100.99, 203.0.113.7").status_code == 302
    assert register("192.0.2.1, 203.0.113.7").status_code == 429
    # Another visitor behind the same proxy is not locked out by the first.
    assert register("203.0.113.8").status_code == 302


@pytest.mark.django_db
def test_the_audit_log_records_the_address_the_proxy_saw(proxies, client):
    proxies(1)
    user = UserFactory()
    client.post(
        "/accounts/login/",
        {"login": user.username, "password": DEFAULT_PASSWORD},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7",
    )
    entry = AuditEntry.objects.filter(actor=user).latest("pk")
    assert entry.address == "203.0.113.7"
