"""Session rules for staff: an idle session ends, so does one past its longest lifetime however busy, and
whoever can see case data or manage accounts uses a second factor.

Both run after allauth's AccountMiddleware (so request.user and messages exist) and before the privacy
headers, in settings.MIDDLEWARE.
"""

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from refugiu.accounts.security import (
    SIGNED_IN_AT_SESSION_KEY,
    end_this_session,
    has_second_factor,
    idle_timeout_minutes,
    record_second_factor,
    session_used_second_factor,
    user_needs_second_factor,
)
from refugiu.core.paths import PUBLIC_API_PREFIX, is_private_api

LAST_ACTIVITY_SESSION_KEY = "refugiu.last_activity"

# Pages a person without a second factor may still open: those that enrol one (and the re-entry of the
# password allauth asks for before enrolling, if the sign-in was more than a few minutes ago), sign-out,
# and the language switch. Everything else sends them to enrol.
ENROLMENT_URL_NAMES = frozenset(
    {
        "mfa_activate_totp",
        "mfa_add_webauthn",
        "mfa_index",
        "mfa_view_recovery_codes",
        "mfa_download_recovery_codes",
        "mfa_generate_recovery_codes",
        "account_reauthenticate",
        "mfa_reauthenticate",
        "account_logout",
        "set_language",
    }
)
# The views that create an authenticator after checking the person holds it; allauth replays a form sent
# after its password re-entry expired from within the re-entry page, so that page counts too.
ENROLLING_URL_NAMES = frozenset({"mfa_activate_totp", "mfa_add_webauthn", "account_reauthenticate"})


class IdleTimeoutMiddleware:
    """Ends a signed-in session after settings.REFUGIU["IDLE_TIMEOUT_MINUTES"] without a request, and
    settings.SESSION_COOKIE_AGE (12 hours) after its sign-in whatever the activity.

    The second limit is ours because Django's is not one: every save of a session moves its expiry
    SESSION_COOKIE_AGE ahead, and the activity time below saves it on every request, so a session used every
    few minutes would never end. The sign-in time is noted by accounts.models (user_logged_in)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.user.is_authenticated:
            now = time.time()
            minutes = idle_timeout_minutes()
            last = request.session.get(LAST_ACTIVITY_SESSION_KEY)
            # A session signed in before the time was noted counts from its first request since.
            signed_in_at = request.session.setdefault(SIGNED_IN_AT_SESSION_KEY, now)
            if last is not None and now - last > minutes * 60:
                message = ngettext(
                    "You were signed out after %(minutes)d minute without activity.",
                    "You were signed out after %(minutes)d minutes without activity.",
                    minutes,
                ) % {"minutes": minutes}
            elif now - signed_in_at > settings.SESSION_COOKIE_AGE:
                hours = settings.SESSION_COOKIE_AGE // 3600
                message = ngettext(
                    "You were signed out: a session lasts at most %(hours)d hour.",
                    "You were signed out: a session lasts at most %(hours)d hours.",
                    hours,
                ) % {"hours": hours}
            else:
                # Written on every request: a session write is cheap next to the cost of a timeout that is
                # off by however long a coarser update would lag.
                request.session[LAST_ACTIVITY_SESSION_KEY] = now
                return self.get_response(request)
            end_this_session(request)
            if is_private_api(request.path_info):
                return JsonResponse({"detail": message}, status=401)
            if not request.path_info.startswith(PUBLIC_API_PREFIX):
                messages.info(request, message)
                return redirect_to_login(request.get_full_path())
            # The public directory API carries on, now anonymously.
        return self.get_response(request)


class SecondFactorRequiredMiddleware:
    """Whoever can see case data or change roles, users and settings (security.user_needs_second_factor)
    works only in a session signed in with a second factor.

    Without an authenticator, the person is sent to enrol one; with one, a session that did not use it (a
    session from before enrolment, say) is ended. allauth itself asks for the code at sign-in once an
    authenticator exists; this closes the gaps around that.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        # Enrolling proves the person holds the authenticator (allauth checked a code or the key), so this
        # session counts as signed in with it, rather than being ended on the next request.
        if getattr(request, "_refugiu_enrolling", False) and request.user.is_authenticated:
            from allauth.mfa.models import Authenticator

            authenticator = (
                Authenticator.objects.filter(
                    user_id=request.user.pk, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
                )
                .order_by("-pk")
                .first()
            )
            if authenticator is not None:
                record_second_factor(request, authenticator)
        return response

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponseBase],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponseBase | None:
        user = request.user
        if (
            not user.is_authenticated  # (user_needs_second_factor says no to them too)
            or not user_needs_second_factor(user)
            or request.path_info.startswith(PUBLIC_API_PREFIX)
        ):
            return None
        if not has_second_factor(user):
            url_name = request.resolver_match.url_name if request.resolver_match else None  # set for a view
            if url_name in ENROLMENT_URL_NAMES:
                enrolling = request.method == "POST" and url_name in ENROLLING_URL_NAMES
                request._refugiu_enrolling = enrolling  # type: ignore[attr-defined]  # read by __call__
                return None
            message = _(
                "Your role gives access to case data or to staff accounts: set up two-factor "
                "authentication to continue."
            )
            if is_private_api(request.path_info):
                return JsonResponse({"detail": message}, status=403)
            messages.warning(request, message)
            return redirect("mfa_activate_totp")
        if session_used_second_factor(request):
            return None
        end_this_session(request)
        message = _("Please sign in again with your second factor.")
        if is_private_api(request.path_info):
            return JsonResponse({"detail": message}, status=403)
        messages.warning(request, message)
        return redirect_to_login(request.get_full_path())
