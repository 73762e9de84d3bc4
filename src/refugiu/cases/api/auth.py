"""Who is calling the cases API: a personal API token (`cases.tokens`), or a browser session with its CSRF
token. Either way, only a person with a case role ("cases.access") gets past."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.security.base import AuthBase
from ninja.utils import check_csrf

from refugiu.cases import access
from refugiu.cases.api.problems import Refusal
from refugiu.cases.tokens import api_token_user

if TYPE_CHECKING:
    from refugiu.accounts.models import User


def _refuse_without_case_role(user: User) -> User:
    if not access.works_on_cases(user):
        raise Refusal(403, "no_case_role", _("Your role gives no access to case files."))
    return user


class PersonalApiToken(HttpBearer):
    openapi_description = (
        "A personal API token, created (and shown once) at /staff/api-tokens/, sent as "
        "`Authorization: Bearer <token>`. It expires; a revoked or expired token, or one whose holder was "
        "deactivated, answers 401."
    )

    def __call__(self, request: HttpRequest) -> User | None:
        # Read here rather than by HttpBearer, which logs a header with another scheme in DEBUG: that
        # header may well be a token sent the wrong way, and credentials stay out of logs.
        scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer":
            return None
        return self.authenticate(request, token)

    def authenticate(self, request: HttpRequest, token: str) -> User:
        user: User | None = api_token_user(raw=token.strip())
        if user is None:
            # A token that was presented and is wrong is an answer in itself: never fall back to a session.
            raise AuthenticationError
        # The rest of the stack (no-store headers, logging) then sees who is calling, as for a session.
        request.user = user
        return user


class BrowserSession(APIKeyCookie):
    """Django's session, for the staff pages' own use of the API. Unlike ninja's SessionAuth, the CSRF
    check comes after the session is known to be signed in, so an anonymous write answers 401, not 403."""

    param_name = settings.SESSION_COOKIE_NAME
    openapi_description = (
        "The staff session cookie, for use from the browser. Writes need the CSRF token in the "
        "`X-CSRFToken` header. Staff with case roles must have signed in with their second factor."
    )

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        if not request.user.is_authenticated:
            return None
        if self.csrf and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise Refusal(403, "csrf_failed", _("The CSRF check failed: send the X-CSRFToken header."))
        return _refuse_without_case_role(request.user)


def api_authentication() -> list[AuthBase]:
    """The token first: a request carrying one is judged by it alone."""
    return [PersonalApiToken(), BrowserSession()]
