"""The error pages (urls.handler400, 403, 404, 500, settings.CSRF_FAILURE_VIEW): in the site's frame (quick
exit, language switch, phone width), in the visitor's language, telling nothing of the request, and
rendered without the database.

Without the database because a 500 may be caused by the database, and because a database that cannot be
reached (a restart, a network cut, SQLite locked past its busy timeout: an OperationalError or an
InterfaceError, however deep in the request it was raised) answers every page with a 503 and Retry-After
instead, until it is back; Django opens a new connection for each request (CONN_MAX_AGE 0, or
CONN_HEALTH_CHECKS when connections persist), so the site recovers by itself. So the pages are rendered
from a context given here, never through the context processors: no session is read, no user loaded (the
navigation shows the signed-in person's links only if the request had already loaded them), no messages.
The language comes from the visitor's language cookie or Accept-Language, as LocaleMiddleware decides.

Nothing of the request is shown: not the path (the page of a case that exists and is refused must be byte
for byte the page of one that does not), not the query string, not the reason of a CSRF failure (it can
quote the Origin header). The language form has no `next` field for that reason: Django's set_language
sends the visitor back to the page they were on by its Referer.

The form's CSRF token is the visitor's CSRF secret itself, which Django accepts as a form token, rather than
a freshly masked copy: a masked token differs at every rendering, and two 404 pages must not. Masking
protects a page that reflects what an attacker chose (BREACH); these pages reflect nothing.

Under /api/ the same answers are JSON: {"detail": …, "code": …}.
"""

import sys
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.functional import empty
from django.utils.translation import gettext as _

from refugiu.core.database import DATABASE_UNAVAILABLE
from refugiu.core.middleware import CONTENT_SECURITY_POLICY, PERMISSIONS_POLICY
from refugiu.core.paths import API_PREFIX

# How long a client is asked to wait before trying again after a 503.
RETRY_AFTER_SECONDS = 30


def _user_already_loaded(request: HttpRequest) -> AbstractBaseUser | AnonymousUser:
    """The signed-in person if this request has already loaded them, else an anonymous visitor: loading
    them now would read the session from the database."""
    user: AbstractBaseUser | AnonymousUser | None = getattr(request, "user", None)
    if user is None or getattr(user, "_wrapped", None) is empty:
        return AnonymousUser()
    return user


def _api_message(status: int) -> tuple[str, str]:
    return {
        400: (_("The request could not be read."), "bad_request"),
        403: (_("You may not do this."), "forbidden"),
        404: (_("Not Found"), "not_found"),
        500: (_("The server could not answer this request. Please try again later."), "server_error"),
        503: (_("The service is unavailable for a moment. Please try again later."), "unavailable"),
    }[status]


def error_page(
    request: HttpRequest, *, status: int, template: str, context: dict[str, Any] | None = None
) -> HttpResponse:
    """The page (or, under /api/, the JSON) for an error `status`, in the visitor's language, without the
    database; never stored by a browser or proxy. A 503 says when to try again."""
    with translation.override(translation.get_language_from_request(request)):
        response: HttpResponse
        if request.path_info.startswith(API_PREFIX):
            detail, code = _api_message(status)
            response = JsonResponse({"detail": detail, "code": code}, status=status)
        else:
            get_token(request)  # sets the CSRF cookie if the visitor has none, for the language form
            body = render_to_string(
                template,
                {
                    **(context or {}),
                    "quick_exit_url": settings.REFUGIU["QUICK_EXIT_URL"],
                    "site_languages": settings.LANGUAGES,
                    "user": _user_already_loaded(request),
                    "csrf_token": request.META["CSRF_COOKIE"],
                },
            )
            response = HttpResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response["Permissions-Policy"] = PERMISSIONS_POLICY
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def database_unavailable(error: BaseException | None) -> bool:
    """True when `error`, or an error it was raised from or while handling, means the database cannot be
    reached (core.workers.DATABASE_UNAVAILABLE)."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, DATABASE_UNAVAILABLE):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """400: most often a form that sent more than the request limits in settings
    (DATA_UPLOAD_MAX_NUMBER_FILES and the others) allow, or a host name not in ALLOWED_HOSTS."""
    return error_page(request, status=400, template="400.html")


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return error_page(request, status=403, template="403.html")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """settings.CSRF_FAILURE_VIEW: a form sent without its token (open too long, cookies refused). The
    reason is not shown: it may quote the request's headers."""
    return error_page(request, status=403, template="403.html", context={"csrf": True})


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return error_page(request, status=404, template="404.html")


def server_error(request: HttpRequest) -> HttpResponse:
    """500, or 503 when the error is the database being unreachable. Django calls this while handling the
    exception, so it is the one being handled."""
    if database_unavailable(sys.exception()):
        return error_page(request, status=503, template="503.html")
    return error_page(request, status=500, template="500.html")
