"""The security headers every kind of response carries (a public page, a staff page, the JSON APIs, a 404, a
refusal), and what the server gives away to someone probing for files or methods it should not have:
nothing. Through the test client, as a browser or a scanner would ask."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from refugiu.cases.tokens import api_token_create
from tests.accounts.mfa import force_login_with_mfa
from tests.cases.factories import DepartmentFactory, caseworker

pytestmark = pytest.mark.django_db


def policy(response) -> dict[str, list[str]]:
    """The Content-Security-Policy header as {directive: [sources]}."""
    directives = [part.split() for part in response["Content-Security-Policy"].split(";") if part.strip()]
    return {name: sources for name, *sources in directives}


@pytest.fixture
def responses() -> dict:
    """One response of each kind, by what it is."""
    person = caseworker(DepartmentFactory())
    staff = force_login_with_mfa(Client(), person)  # enrols an authenticator, which revokes tokens: first
    token = api_token_create(user=person, name="headers")[1]
    anonymous = Client()
    return {
        "public page": anonymous.get(reverse("directory:search")),
        "sign-in page": anonymous.get(reverse("account_login")),
        "staff page": staff.get(reverse("cases:case_list")),
        "staff redirect": anonymous.get(reverse("cases:case_list")),
        "open API": anonymous.get("/api/hsds/services"),
        "cases API": anonymous.get("/api/cases/cases", headers={"Authorization": f"Bearer {token}"}),
        "cases API refusal": anonymous.get("/api/cases/cases"),
        "missing page": anonymous.get("/no-such-page/"),
        "missing page, signed in": staff.get("/staff/no-such-page/"),
        "refused method": anonymous.generic("TRACE", "/"),
    }


def test_every_response_carries_the_content_security_policy(responses):
    expected = {
        "200": ["public page", "sign-in page", "staff page", "open API", "cases API"],
        "302": ["staff redirect"],
        "401": ["cases API refusal"],
        "404": ["missing page", "missing page, signed in"],
        "405": ["refused method"],
    }
    assert {name: str(response.status_code) for name, response in responses.items()} == {
        name: status for status, names in expected.items() for name in names
    }
    for name, response in responses.items():
        directives = policy(response)
        # No plugin content, from anywhere (3.4.3); no framing by any site (3.4.6); no <base> to redirect
        # relative links; and everything else from our own host only.
        assert directives["object-src"] == ["'none'"], name
        assert directives["frame-ancestors"] == ["'none'"], name
        assert directives["base-uri"] == ["'none'"], name
        assert directives["default-src"] == ["'self'"], name
        assert directives["script-src"] == ["'self'"] and directives["form-action"] == ["'self'"], name


def test_every_response_is_nosniff_same_origin_and_unframeable(responses):
    for name, response in responses.items():
        assert response["X-Content-Type-Options"] == "nosniff", name
        assert response["Referrer-Policy"] == "same-origin", name
        assert response["X-Frame-Options"] == "DENY", name


def test_static_files_are_nosniff_and_same_origin_too(client):
    """Served by WhiteNoise before the page middleware: a stylesheet needs neither a policy nor a frame
    rule, but must not be sniffed into something else."""
    response = client.get("/static/refugiu/site.css")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/css")
    b"".join(response.streaming_content)  # read to the end, which closes the file
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


# --- what a probe finds: nothing ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/.git/config",
        "/.git/HEAD",
        "/.env",
        "/static/",
        "/static/refugiu/",
        "/static/fonts/roboto/",
        "/static/../settings.py",
        "/static/%2e%2e/refugiu/settings.py",
        "/staff/cases/.git/config",
    ],
)
def test_probed_files_and_folders_answer_a_plain_404(client, path):
    """No version-control files are served, and a static folder is no listing (13.4.1, 13.4.3): each probe
    gets the very page any unknown address gets, byte for byte, which names nothing of what is there."""
    response = client.get(path)
    assert response.status_code == 404
    body = response.content
    assert body == client.get("/no-such-page-anywhere/").content
    assert b"Page not found" in body
    for revealing in (b"Roboto", b"[core]", b"SECRET", b"Traceback", b"settings.py", b".git", b"Index of"):
        assert revealing not in body, revealing


@pytest.mark.parametrize("method", ["TRACE", "TRACK"])
@pytest.mark.parametrize(
    "path", ["/", "/about/", "/staff/", "/staff/cases/", "/accounts/login/", "/api/hsds/services", "/no/"]
)
def test_trace_is_refused_everywhere_and_echoes_nothing(client, method, path):
    """TRACE would send the request back, cookies and all (13.4.4); it answers 405 with an empty body,
    whoever asks."""
    person = caseworker(DepartmentFactory())
    force_login_with_mfa(client, person)
    session_cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    response = client.generic(method, path, HTTP_X_PROBE="probe-value-4711")
    assert response.status_code == 405, (method, path)
    assert response.content == b""
    assert "TRACE" not in response["Allow"] and "GET" in response["Allow"]
    for echoed in (session_cookie, "probe-value-4711", person.username):
        assert echoed not in str(response.headers), echoed


def test_trace_on_a_static_file_is_refused_too(client):
    response = client.generic("TRACE", "/static/refugiu/site.css")
    assert response.status_code == 405
    assert "TRACE" not in response["Allow"]
