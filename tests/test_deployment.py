"""Deployment security settings, as an installation gets them from its environment: the "behind HTTPS"
switch (secure cookies with the __Host- prefix, HSTS, the redirect to HTTPS and the proxy's header),
CSRF_TRUSTED_ORIGINS, what each cookie carries, the Permissions-Policy header on every page, and
/.well-known/security.txt.

The settings are read in a fresh `refugiu` process, with only the variables a test names (settings are
computed once, at start): that is also where `refugiu check --deploy` runs. What browsers receive is then
tried through the test client with those same values."""

import datetime as dt
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from refugiu.accounts.roles import Role
from refugiu.cases import vocabularies as v
from refugiu.cases.models import Note
from refugiu.organisation.models import NGO
from tests.accounts.mfa import DEFAULT_PASSWORD, force_login_with_mfa
from tests.cases.factories import DepartmentFactory, case_new, caseworker
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION = {"SECRET_KEY": secrets.token_urlsafe(64), "ALLOWED_HOSTS": "refugiu.example.org"}
HTTPS_SETTINGS = (
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "LANGUAGE_COOKIE_SECURE",
    "SESSION_COOKIE_NAME",
    "CSRF_COOKIE_NAME",
    "LANGUAGE_COOKIE_NAME",
    "MESSAGE_COOKIE_NAME",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "CSRF_TRUSTED_ORIGINS",
    "SECRET_KEY_FALLBACKS",
)


def refugiu(tmp_path: Path, *args: str, **variables: str) -> subprocess.CompletedProcess:
    """`refugiu *args` in a new process whose environment holds nothing of ours but `variables` (and a
    fresh data folder)."""
    command = shutil.which("refugiu", path=str(Path(sys.executable).parent))
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "LANG": "C.UTF-8",
        "REFUGIU_DATA_DIR": str(tmp_path),
        **variables,
    }
    return subprocess.run(  # noqa: S603 - our own command, fixed arguments
        [command, *args], capture_output=True, text=True, timeout=120, cwd=ROOT, env=environment
    )


def settings_in(tmp_path: Path, **variables: str) -> dict:
    """The deployment settings a process started with `variables` has."""
    names = json.dumps(HTTPS_SETTINGS)
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name, None) for name in {names}}}))"
    )
    result = refugiu(tmp_path, "shell", "--no-imports", "-c", code, **variables)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_check_deploy_passes_behind_https_and_warns_without(tmp_path):
    behind = refugiu(
        tmp_path, "check", "--deploy", "--fail-level", "WARNING", REFUGIU_BEHIND_HTTPS="1", **PRODUCTION
    )
    assert behind.returncode == 0, behind.stderr
    assert "no issues" in behind.stdout
    # The default is for the demo on http://127.0.0.1:8000: fine there, and `check --deploy` says why not
    # in production.
    plain = refugiu(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert plain.returncode == 1
    assert "security.W004" in plain.stderr and "security.W008" in plain.stderr


def test_what_the_https_switch_turns_on(tmp_path):
    assert settings_in(tmp_path) == {
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
        "LANGUAGE_COOKIE_SECURE": False,
        # Over plain HTTP a browser drops any cookie named __Host-…: the plain names stay.
        "SESSION_COOKIE_NAME": "sessionid",
        "CSRF_COOKIE_NAME": "csrftoken",
        "LANGUAGE_COOKIE_NAME": "django_language",
        "MESSAGE_COOKIE_NAME": "messages",
        "SECURE_SSL_REDIRECT": False,
        "SECURE_PROXY_SSL_HEADER": None,
        "SECURE_HSTS_SECONDS": 0,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
        "SECURE_HSTS_PRELOAD": False,
        "CSRF_TRUSTED_ORIGINS": [],
        "SECRET_KEY_FALLBACKS": [],
    }
    assert settings_in(tmp_path, REFUGIU_BEHIND_HTTPS="1") == {
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "LANGUAGE_COOKIE_SECURE": True,
        "SESSION_COOKIE_NAME": "__Host-sessionid",
        "CSRF_COOKIE_NAME": "__Host-csrftoken",
        "LANGUAGE_COOKIE_NAME": "__Host-django_language",
        "MESSAGE_COOKIE_NAME": "__Host-messages",
        "SECURE_SSL_REDIRECT": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "SECURE_HSTS_SECONDS": 31_536_000,  # a year
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
        "SECURE_HSTS_PRELOAD": False,
        "CSRF_TRUSTED_ORIGINS": [],
        "SECRET_KEY_FALLBACKS": [],
    }
    tuned = settings_in(
        tmp_path,
        REFUGIU_BEHIND_HTTPS="yes",
        REFUGIU_HSTS_SECONDS="600",
        REFUGIU_HSTS_INCLUDE_SUBDOMAINS="1",
        REFUGIU_HSTS_PRELOAD="1",
        CSRF_TRUSTED_ORIGINS="https://refugiu.example.org, https://cases.example.org",
        SECRET_KEY_FALLBACKS="an-old-secret-key, an-older-one",
    )
    assert (
        tuned["SECURE_HSTS_SECONDS"],
        tuned["SECURE_HSTS_INCLUDE_SUBDOMAINS"],
        tuned["SECURE_HSTS_PRELOAD"],
    ) == (
        600,
        True,
        True,
    )
    assert tuned["CSRF_TRUSTED_ORIGINS"] == ["https://refugiu.example.org", "https://cases.example.org"]
    assert tuned["SECRET_KEY_FALLBACKS"] == ["an-old-secret-key", "an-older-one"]
    # The older switch keeps its meaning: secure cookies, nothing else.
    cookies_only = settings_in(tmp_path, SECURE_COOKIES="1")
    assert cookies_only["SESSION_COOKIE_SECURE"] and cookies_only["CSRF_COOKIE_SECURE"]
    assert cookies_only["SESSION_COOKIE_NAME"] == "__Host-sessionid"  # Secure, so the prefix holds
    assert not cookies_only["SECURE_SSL_REDIRECT"] and not cookies_only["SECURE_HSTS_SECONDS"]


@pytest.fixture(scope="module")
def https_settings(tmp_path_factory) -> dict:
    values = settings_in(tmp_path_factory.mktemp("https"), REFUGIU_BEHIND_HTTPS="1")
    values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return values


@pytest.fixture
def behind_https(settings, https_settings):
    for name, value in https_settings.items():
        setattr(settings, name, value)


def sign_in(client, **extra):
    user = UserFactory()
    response = client.post(
        reverse("account_login"), {"login": user.username, "password": DEFAULT_PASSWORD}, **extra
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


@pytest.mark.usefixtures("behind_https")
def test_behind_https_plain_http_is_redirected_and_https_is_pinned(client):
    response = client.get("/about/")
    assert response.status_code == 301 and response["Location"] == "https://testserver/about/"
    for secure in ({"secure": True}, {"HTTP_X_FORWARDED_PROTO": "https"}):  # TLS here, or ended by the proxy
        response = client.get("/about/", **secure)
        assert response.status_code == 200, secure
        assert response["Strict-Transport-Security"] == "max-age=31536000", secure
    signed_in = sign_in(client, secure=True)
    assert signed_in.cookies["__Host-sessionid"]["secure"] and signed_in.cookies["__Host-csrftoken"]["secure"]


def test_without_the_switch_the_site_works_on_plain_http(client):
    """The default is the demo's: http://127.0.0.1:8000, no redirect, no HSTS, and a client's own
    X-Forwarded-Proto means nothing."""
    for extra in ({}, {"HTTP_X_FORWARDED_PROTO": "https"}):
        response = client.get("/about/", **extra)
        assert response.status_code == 200 and "Strict-Transport-Security" not in response
    signed_in = sign_in(client)
    assert not signed_in.cookies["sessionid"]["secure"]


# --- what each cookie carries ------------------------------------------------------------------------------

CSRF_SECRET = re.compile(r"[A-Za-z0-9]{32}")  # Django's unmasked secret: random, about nobody


def assert_host_only(cookie) -> None:
    """What a __Host- name needs, and what every cookie of ours has anyway: the whole site, this host only."""
    assert cookie["path"] == "/" and not cookie["domain"], cookie.output()


def test_what_each_cookie_carries_over_plain_http(client):
    """The session cookie is HttpOnly and Lax and ends with the browser; the CSRF cookie is Lax, holds a
    random secret (readable by our own scripts, for X-CSRFToken) and is replaced at sign-in; the language
    cookie holds the language (ASVS 3.3.2, 3.3.4)."""
    before = client.get(reverse("account_login")).cookies["csrftoken"]
    editor = UserFactory(roles=[Role.DIRECTORY_EDITOR])
    signed_in = client.post(
        reverse("account_login"), {"login": editor.username, "password": DEFAULT_PASSWORD}
    )
    assert signed_in.status_code == 302

    session = signed_in.cookies["sessionid"]
    assert session["httponly"] is True and session["samesite"] == "Lax" and not session["secure"]
    assert not session["max-age"] and not session["expires"]  # a session cookie: gone with the browser
    assert_host_only(session)

    csrf = signed_in.cookies["csrftoken"]
    assert csrf["samesite"] == "Lax" and not csrf["httponly"] and not csrf["secure"]
    assert CSRF_SECRET.fullmatch(csrf.value) and CSRF_SECRET.fullmatch(before.value)
    assert csrf.value != before.value  # a token seen before the sign-in is worth nothing after it
    assert editor.username not in csrf.value
    assert_host_only(csrf)

    language = client.post(reverse("set_language"), {"language": "ro", "next": "/"}).cookies[
        "django_language"
    ]
    assert language.value == "ro" and language["httponly"] is True and language["samesite"] == "Lax"
    assert_host_only(language)


@pytest.mark.usefixtures("behind_https")
def test_behind_https_every_cookie_is_host_prefixed_and_still_works(client):
    """__Host-: Secure, Path=/, no Domain, so no other host of the domain and no plain-HTTP page can plant
    or overwrite a session or a CSRF token (ASVS 3.3.1, 3.3.3)."""
    csrf = client.get(reverse("account_login"), secure=True).cookies["__Host-csrftoken"]
    editor = UserFactory(roles=[Role.DIRECTORY_EDITOR])
    signed_in = client.post(
        reverse("account_login"), {"login": editor.username, "password": DEFAULT_PASSWORD}, secure=True
    )
    assert signed_in.status_code == 302
    # The sign-in's "Successfully signed in" waits in the messages cookie: prefixed like the others.
    assert set(signed_in.cookies) == {"__Host-sessionid", "__Host-csrftoken", "__Host-messages"}
    session = signed_in.cookies["__Host-sessionid"]
    assert session["secure"] and session["httponly"] is True and session["samesite"] == "Lax"
    for cookie in (csrf, *signed_in.cookies.values()):
        assert cookie["secure"] is True
        assert_host_only(cookie)
    assert "Successfully signed in" in client.get(reverse("staff:home"), secure=True).content.decode()
    assert client.get(reverse("staff:home"), secure=True).status_code == 200

    chosen = client.post(reverse("set_language"), {"language": "ro", "next": "/"}, secure=True)
    language = chosen.cookies["__Host-django_language"]
    assert language["secure"] is True and language["httponly"] is True
    assert_host_only(language)
    assert client.get("/about/", secure=True)["Content-Language"] == "ro"
    assert not [name for name in client.cookies if not name.startswith("__Host-")]

    client.post(reverse("account_logout"), secure=True)
    assert client.get(reverse("staff:home"), secure=True).status_code == 302


@pytest.mark.usefixtures("behind_https")
def test_behind_https_the_cases_api_reads_the_prefixed_session_and_csrf_cookies():
    """The API's browser session (cases.api.auth.BrowserSession) and its CSRF check under the new names."""
    department = DepartmentFactory()
    person = caseworker(department)
    case = case_new(department=department, team=[(person, v.TeamFunction.SOCIAL_WORKER)])
    browser = Client(enforce_csrf_checks=True)
    force_login_with_mfa(browser, person)
    assert "__Host-sessionid" in browser.cookies
    assert browser.get("/api/cases/cases", secure=True).status_code == 200
    browser.get(reverse("tokens:list"), secure=True)  # a page with a form sets the CSRF cookie
    note = json.dumps({"text": "Called back about the hearing."})
    headers = {"X-CSRFToken": browser.cookies["__Host-csrftoken"].value, "Origin": "https://testserver"}
    path = f"/api/cases/cases/{case.pk}/notes"
    assert browser.post(path, note, content_type="application/json", secure=True).status_code == 403
    response = browser.post(path, note, content_type="application/json", secure=True, headers=headers)
    assert response.status_code == 201, response.content
    assert Note.objects.get().author == person


def test_behind_https_the_openapi_document_names_the_prefixed_session_cookie(tmp_path):
    code = (
        "import json; from refugiu.api import api; "
        "print(json.dumps(api.get_openapi_schema()['components']['securitySchemes']['BrowserSession']))"
    )
    behind = refugiu(tmp_path, "shell", "--no-imports", "-c", code, REFUGIU_BEHIND_HTTPS="1")
    assert behind.returncode == 0, behind.stderr
    assert json.loads(behind.stdout.strip().splitlines()[-1])["name"] == "__Host-sessionid"


def test_every_response_carries_the_permissions_policy(client):
    responses = [
        client.get(reverse("directory:search")),
        client.get(reverse("account_login")),
        client.get("/api/hsds/services"),
        client.get("/api/cases/cases"),  # 401
        client.get("/no-such-page/"),  # 404
    ]
    for response in responses:
        features = dict(part.split("=", 1) for part in response["Permissions-Policy"].split(", "))
        for denied in ("camera", "microphone", "payment", "usb", "display-capture", "serial"):
            assert features[denied] == "()", (response.request["PATH_INFO"], denied)
        # The directory's search asks for the visitor's position when they press its button, from our own
        # origin only; every other page is refused it.
        search = response.request["PATH_INFO"] == reverse("directory:search")
        assert features["geolocation"] == ("(self)" if search else "()"), response.request["PATH_INFO"]
        # Security keys sign in and enrol on our own pages.
        assert features["publickey-credentials-get"] == features["publickey-credentials-create"] == "(self)"


# --- /.well-known/security.txt ---------------------------------------------------------------------------

SECURITY_TXT = "/.well-known/security.txt"


def test_security_txt_gives_the_organisations_contact(client, settings):
    settings.REFUGIU = {**settings.REFUGIU, "SITE_URL": "https://refugiu.example.org/"}
    NGO.objects.create(name="Fictional Shelter", email="office@example.org", website="https://example.org/")
    response = client.get(SECURITY_TXT)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    fields = [line.split(": ", 1) for line in response.content.decode().splitlines()]
    assert [name for name, _value in fields] == [
        "Contact",
        "Contact",
        "Expires",
        "Preferred-Languages",
        "Canonical",
    ]
    values = dict(reversed(fields))  # the first Contact wins
    assert values["Contact"] == "mailto:office@example.org" and fields[1][1] == "https://example.org/"
    expires = dt.datetime.fromisoformat(values["Expires"])
    assert timezone.now() + dt.timedelta(days=30) < expires < timezone.now() + dt.timedelta(days=365)
    assert values["Expires"].endswith("Z")
    assert values["Preferred-Languages"] == "en, ro"
    assert values["Canonical"] == "https://refugiu.example.org/.well-known/security.txt"
    assert client.post(SECURITY_TXT).status_code == 405


def test_security_txt_is_missing_rather_than_empty_without_a_contact(client, settings):
    assert client.get(SECURITY_TXT).status_code == 404  # no organisation recorded
    organisation = NGO.objects.create(name="Fictional Shelter", website="http://example.org/")
    assert client.get(SECURITY_TXT).status_code == 404  # a web contact must be https
    organisation.email = "office@example.org"
    organisation.save()
    body = client.get(SECURITY_TXT).content.decode()
    assert body.startswith("Contact: mailto:office@example.org\n")
    assert "http://example.org/" not in body
    assert "Canonical" not in body  # the site itself is not on https (the demo's address)


def test_tls_options_of_the_database_url_reach_the_connection(tmp_path):
    """?sslmode=… in DATABASE_URL is kept (the settings add their own PostgreSQL options beside it)."""
    code = (
        "import json; from django.conf import settings; "
        "print(json.dumps(settings.DATABASES['default']['OPTIONS']))"
    )
    result = refugiu(
        tmp_path,
        "shell",
        "--no-imports",
        "-c",
        code,
        DATABASE_URL="postgres://refugiu@db.example.org:5432/refugiu?sslmode=verify-full&sslrootcert=/etc/ca.pem",
    )
    assert result.returncode == 0, result.stderr
    options = json.loads(result.stdout.strip().splitlines()[-1])
    assert options["sslmode"] == "verify-full" and options["sslrootcert"] == "/etc/ca.pem"
    assert "-c jit=off" in options["options"]
