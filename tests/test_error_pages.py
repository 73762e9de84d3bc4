"""The error pages (core.errors): 400, 403, 404, 500 and 503 through real requests, in the site's frame (quick
exit, language switch, phone width) and the visitor's language, telling nothing of the request, rendered
without the database; the APIs answer the same in JSON.

A database that really cannot be reached is tested on a real installation in tests/test_faults.py; here a
view, or the session store, raises what Django raises then.
"""

import logging
import re

import pytest
from django.db import OperationalError
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from refugiu.accounts.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

QUICK_EXIT = {
    "en": "Quick exit",
    "ro": "Ieșire rapidă",
    "uk": "Швидкий вихід",
    "ru": "Быстрый выход",
    "ar": "خروج سريع",
}
TITLES = {
    400: "The request could not be read",
    403: "You may not open this page",
    404: "Page not found",
    500: "Something went wrong",
    503: "Unavailable for a moment",
}
SECRET = "Ilinca Fictiva"  # what a failing view was handling: never on the page


def visitor(language: str, how: str) -> Client:
    """A client whose language is `language`, told by the browser's Accept-Language or the language cookie."""
    if how == "header":
        return Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE=language)
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en" if language == "ro" else "ro")
    client.cookies["django_language"] = language
    return client


def about_fails_with(monkeypatch, error: BaseException) -> None:
    def failing():
        raise error

    monkeypatch.setattr("refugiu.organisation.views.organisation_current", failing)


def assert_error_page(response, status: int, language: str, *, title: str | None = None) -> str:
    page = response.content.decode()
    assert response.status_code == status
    english = title or TITLES[status]
    with translation.override(language):
        title = gettext(english)
    assert language == "en" or title != english, f"{english!r} is not translated into {language}"
    direction = ' dir="rtl"' if language == "ar" else ""  # Arabic is written right to left
    assert f'<html lang="{language}"{direction}>' in page
    assert f"<title>{title} · Refugiu</title>" in page and f"<h1>{title}</h1>" in page
    assert f">{QUICK_EXIT[language]}</a>" in page and 'href="https://www.wikipedia.org/"' in page
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert '<form class="language" action="/i18n/setlang/" method="post">' in page
    assert 'name="next"' not in page  # set_language goes back by the Referer: no path on the page
    assert response["Cache-Control"] == "no-store"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "Traceback" not in page and SECRET not in page and "DEBUG" not in page
    return page


@pytest.mark.parametrize("how", ["header", "cookie"])
@pytest.mark.parametrize("language", ["en", "ro", "uk", "ru", "ar"])
def test_every_error_page_is_in_the_sites_frame_and_the_visitors_language(monkeypatch, language, how):
    client = visitor(language, how)

    page = assert_error_page(client.get("/no-such-page/?name=Ilinca+Fictiva"), 404, language)
    assert "no-such-page" not in page

    assert_error_page(client.get("/", HTTP_HOST="not-allowed.example"), 400, language)

    csrf = visitor(language, how)
    csrf.handler.enforce_csrf_checks = True
    refused = csrf.post("/i18n/setlang/", {"language": "ro"})
    assert_error_page(refused, 403, language, title="The form could not be checked")

    about_fails_with(monkeypatch, RuntimeError(SECRET))
    assert_error_page(client.get("/about/"), 500, language)

    from django.core.exceptions import PermissionDenied

    about_fails_with(monkeypatch, PermissionDenied(SECRET))
    assert_error_page(client.get("/about/"), 403, language)

    about_fails_with(monkeypatch, OperationalError(f"connection refused while reading {SECRET}"))
    response = client.get("/about/")
    assert_error_page(response, 503, language)
    assert response["Retry-After"] == "30"


def test_a_server_error_page_shows_nothing_of_the_error(monkeypatch):
    about_fails_with(monkeypatch, RuntimeError(f"cannot show {SECRET}"))
    page = assert_error_page(Client(raise_request_exception=False).get("/about/"), 500, "en")
    assert "RuntimeError" not in page and "organisation_current" not in page


def test_without_the_database_a_signed_in_person_gets_the_503_page_without_their_session(monkeypatch, caplog):
    """The session cannot be read (the database is gone): the error page must not try again, or it would
    fail itself and the person would get a bare 500."""
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(roles=[Role.PROGRAMME_STAFF]))
    assert client.get("/staff/").status_code == 200

    def unreachable(self, *args, **kwargs):
        raise OperationalError("connection failed: connection refused")

    monkeypatch.setattr("refugiu.accounts.sessions.SessionStore.load", unreachable)
    caplog.set_level(logging.INFO)
    for path in ("/staff/", "/", "/events/"):
        page = assert_error_page(client.get(path), 503, "en")
        assert "Staff sign-in" in page and "Sign out" not in page  # the person could not be loaded
    # One line each in the request log, no traceback.
    logged = [record for record in caplog.records if record.name == "django.request"]
    assert [record.getMessage() for record in logged] == [
        f"Service Unavailable: {path} (the database is unavailable: OperationalError: connection failed: "
        "connection refused)"
        for path in ("/staff/", "/", "/events/")
    ]
    assert all(record.exc_info is None for record in logged)


def test_a_signed_in_person_keeps_their_links_on_a_404():
    client = Client()
    client.force_login(UserFactory(roles=[Role.PROGRAMME_STAFF]))
    page = assert_error_page(client.get("/staff/no-such-page/"), 404, "en")
    assert 'href="/staff/"' in page and "Sign out" in page


def test_the_language_switch_of_an_error_page_works():
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    page = assert_error_page(client.get("/no-such-page/"), 404, "en")
    (token,) = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    switched = client.post(
        "/i18n/setlang/",
        {"language": "ro", "csrfmiddlewaretoken": token},
        HTTP_REFERER="http://testserver/no-such-page/",
    )
    assert switched.status_code == 302 and switched["Location"] == "http://testserver/no-such-page/"
    assert_error_page(client.get("/no-such-page/"), 404, "ro")


def test_two_404_pages_of_one_visitor_are_byte_for_byte_the_same():
    client = Client()
    first, second = client.get("/no-such-page/1/"), client.get("/no-such-page/2/")
    assert first.status_code == second.status_code == 404 and first.content == second.content


@pytest.mark.parametrize("language", ["en", "ro", "uk", "ru", "ar"])
def test_the_apis_answer_errors_in_json(monkeypatch, language):
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE=language)
    missing = client.get("/api/no-such-endpoint")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"

    def unreachable(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("refugiu.directory.api.services.listing", unreachable)
    response = client.get("/api/hsds/services")
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert response["Content-Type"] == "application/json"
    with translation.override(language):
        detail = gettext("The service is unavailable for a moment. Please try again later.")
    assert response.json() == {"detail": detail, "code": "unavailable"}

    monkeypatch.setattr("refugiu.directory.api.services.listing", lambda *args, **kwargs: 1 / 0)
    broken = client.get("/api/hsds/services")
    assert broken.status_code == 500 and broken.json()["code"] == "server_error"
    assert "ZeroDivisionError" not in broken.content.decode()
