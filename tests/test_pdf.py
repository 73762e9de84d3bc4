"""Rendering a PDF fetches nothing but our own static files (refugiu.core.pdf): no other host, no file of
the server, whatever the HTML names (ASVS 1.3.6 SSRF, 13.2.4 and 13.2.5 the outbound allowlist).

No network is needed to prove it: every address lookup and connection is refused and recorded, every URL
WeasyPrint asks our fetcher for is recorded with its answer, and the library's own fetcher (which would
open any URL) is watched: only data: URLs, which hold their content, may reach it."""

import base64
import builtins
import socket

import pytest
from django.test import Client
from django.urls import reverse
from weasyprint.urls import URLFetcher

from refugiu.cases import services
from refugiu.cases import vocabularies as v
from refugiu.core import pdf
from tests.accounts.mfa import force_login_with_mfa
from tests.cases.factories import DepartmentFactory, case_new, caseworker, coordinator
from tests.factories import ServiceFactory

OUR_CSS = "https://refugiu.invalid/static/refugiu/report.css"
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC"
# An image whose own content names another host: WeasyPrint asks the fetcher for it too.
SVG = base64.b64encode(
    b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" '
    b'height="10"><image width="10" height="10" xlink:href="http://evil.example/from-svg.png"/></svg>'
).decode()

HOSTILE_HTML = f"""<!DOCTYPE html><html><head>
<link rel="stylesheet" href="http://192.0.2.10/evil.css">
<link rel="stylesheet" href="//evil.example/protocol-relative.css">
<link rel="stylesheet" href="/static/refugiu/report.css">
<style>
@import url("https://evil.example/imported.css");
@font-face {{ font-family: Evil; src: url("ftp://evil.example/font.ttf"); }}
body {{ background: url("file:///etc/passwd"); font-family: Evil; }}
</style>
</head><body>
<p>A note a caseworker typed.</p>
<img src="http://169.254.169.254/latest/meta-data/">
<img src="file:///etc/passwd">
<img src="/static/../../../../etc/passwd">
<img src="/static/%2e%2e/%2e%2e/settings.py">
<img src="https://refugiu.invalid.evil.example/static/refugiu/favicon.svg">
<img src="data:image/png;base64,{PNG}">
<img src="data:image/svg+xml;base64,{SVG}">
<object data="http://evil.example/object.pdf"></object>
<embed src="http://evil.example/embed.svg">
<iframe src="http://evil.example/frame.html"></iframe>
<a href="http://evil.example/a-link">a link is written into the PDF, never fetched</a>
</body></html>"""


class NetworkUsed(AssertionError):
    pass


@pytest.fixture
def watched(monkeypatch) -> dict[str, list]:
    """What rendering asks for: our fetcher's questions and answers, the library's fetcher, name lookups,
    connections, and files opened whose name says passwd."""
    seen = {"served": [], "refused": [], "library": [], "network": [], "opened": []}
    our_lookup = pdf.static_resource

    def static_resource(url):
        try:
            found = our_lookup(url)
        except pdf.ResourceRefused:
            seen["refused"].append(url)
            raise
        seen["served"].append(url)
        return found

    library_fetch = URLFetcher.fetch

    def fetch(self, url, headers=None):
        seen["library"].append(url)
        return library_fetch(self, url, headers)

    def no_network(*args, **kwargs):
        seen["network"].append(args[:2])
        raise NetworkUsed(f"the network was used: {args[:2]}")

    real_open = builtins.open

    def watched_open(file, *args, **kwargs):
        if "passwd" in str(file):
            seen["opened"].append(str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(pdf, "static_resource", static_resource)
    monkeypatch.setattr(URLFetcher, "fetch", fetch)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(builtins, "open", watched_open)
    return seen


def test_a_pdf_fetches_our_static_files_and_nothing_else(watched):
    document = pdf.html_to_pdf(HOSTILE_HTML)
    assert document.startswith(b"%PDF")  # refused resources are left out; the PDF is still made

    assert watched["network"] == [] and watched["opened"] == []
    # Our stylesheet, and the fonts it names (static files too).
    assert OUR_CSS in watched["served"]
    assert all(url.startswith("https://refugiu.invalid/static/") for url in watched["served"])
    # Every URL of another host, scheme or place was asked for, and refused.
    refused = set(watched["refused"])
    for url in (
        "http://192.0.2.10/evil.css",
        "https://evil.example/protocol-relative.css",
        "https://evil.example/imported.css",
        "ftp://evil.example/font.ttf",
        "file:///etc/passwd",
        "http://169.254.169.254/latest/meta-data/",
        "https://refugiu.invalid.evil.example/static/refugiu/favicon.svg",
        "http://evil.example/from-svg.png",
    ):
        assert url in refused, url
    assert any(url.endswith("/etc/passwd") and "refugiu.invalid" in url for url in refused)
    assert not any("a-link" in url for url in watched["refused"] + watched["served"])
    # The library's own fetcher, which would open anything, was only given the data: URLs.
    assert watched["library"] and all(url.startswith("data:") for url in watched["library"])


@pytest.mark.parametrize(
    "url",
    [
        "http://refugiu.invalid/static/refugiu/site.css",  # another scheme
        "https://refugiu.invalid:8443/static/refugiu/site.css",  # another port
        "https://user@refugiu.invalid/static/refugiu/site.css",
        "https://evil.example/static/refugiu/site.css",
        "https://refugiu.invalid/media/anything",  # ours, but not a static file
        "https://refugiu.invalid/static/",
        "https://refugiu.invalid/static/refugiu/../../settings.py",
        "https://refugiu.invalid/static/%2e%2e/refugiu/settings.py",
        "https://refugiu.invalid/static//etc/passwd",
        "https://refugiu.invalid/static/refugiu/no-such-file.css",
        "file:///etc/passwd",
        "data:text/plain,not-here",  # data: URLs are the fetcher's to read, never a file lookup
    ],
)
def test_the_lookup_refuses_every_url_but_a_static_file(url):
    with pytest.raises(pdf.ResourceRefused):
        pdf.static_resource(url)


def test_the_lookup_serves_a_static_file():
    content, headers = pdf.static_resource(OUR_CSS)
    assert headers == {"Content-Type": "text/css"} and content


@pytest.mark.django_db
def test_a_referral_packet_with_a_hostile_reason_fetches_only_our_stylesheet(watched):
    """Through the page: text a caseworker typed is escaped before WeasyPrint sees it, so an address in it
    is never even asked for."""
    department = DepartmentFactory()
    boss, social = coordinator(department), caseworker(department)
    case = case_new(department=department, by=boss, team=[(social, v.TeamFunction.SOCIAL_WORKER)])
    referral = services.referral_send(
        user=boss,
        case=case,
        service=ServiceFactory(),
        reason='Shelter <img src="http://evil.example/reason.png"><link rel=stylesheet href="file:///etc/passwd">',
        shared_fields=["code"],
        override_reason="Immediate danger, consent to follow",
    )
    client = force_login_with_mfa(Client(), social)
    response = client.get(reverse("cases:referral_packet_pdf", args=[case.pk, referral.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert watched["served"] == ["https://refugiu.invalid/static/refugiu/site.css"]
    assert watched["refused"] == [] and watched["network"] == [] and watched["opened"] == []
