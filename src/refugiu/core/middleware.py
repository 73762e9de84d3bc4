"""Response headers that keep sensitive pages out of caches and other hosts out of our pages, turn off the
browser features no page uses, clear what the browser kept once a session ends, and let other sites'
scripts read the open directory API; and the refusal of TRACE."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseNotAllowed
from django.http.response import HttpResponseBase

from refugiu.core.paths import PUBLIC_API_PREFIX


# Everything is served from our own host: no CDN, font service or analytics may be loaded; no page embeds a
# plugin (<object>, <embed>), so none may be embedded even from our own host.
def content_security_policy(*, images_from: tuple[str, ...] = ()) -> str:
    """The Content-Security-Policy header; `images_from`: other origins a page may show images of (the map
    tiles of a tile server the operator configured)."""
    images = " ".join(("'self'", "data:", *images_from))
    return (
        f"default-src 'self'; img-src {images}; style-src 'self'; script-src 'self'; "
        "font-src 'self'; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; form-action 'self'; "
        "base-uri 'none'"
    )


CONTENT_SECURITY_POLICY = content_security_policy()

# No page uses the microphone, payments or devices; only the directory's search asks for the visitor's
# position (when they press its button) and only programme staff's check-in screen for the camera (to scan
# participants' QR codes), each sending its own header: any other page made to ask for them (by
# injected markup, or a frame of another site) is refused by the browser without asking the person. Only
# security keys stay, for this site's own pages (allauth's WebAuthn sign-in and enrolment); copying
# recovery codes to the clipboard is not a policy-controlled feature and keeps working.
_POLICY_FEATURES = (
    "accelerometer", "autoplay", "bluetooth", "browsing-topics", "camera", "display-capture",
    "encrypted-media", "fullscreen", "gamepad", "geolocation", "gyroscope", "hid", "idle-detection",
    "local-fonts", "magnetometer", "microphone", "midi", "otp-credentials", "payment", "picture-in-picture",
    "screen-wake-lock", "serial", "usb", "web-share", "window-management", "xr-spatial-tracking",
)  # fmt: skip


def permissions_policy(*, allowed: tuple[str, ...] = ()) -> str:
    """The Permissions-Policy header: every feature refused, but `allowed` ones for this site's own page
    (a page that asks for the visitor's position when they press a button sends it with "geolocation")."""
    return ", ".join(
        [
            *(f"{feature}=(self)" if feature in allowed else f"{feature}=()" for feature in _POLICY_FEATURES),
            "publickey-credentials-create=(self)",
            "publickey-credentials-get=(self)",
        ]
    )


PERMISSIONS_POLICY = permissions_policy()

CLEAR_SITE_DATA = '"cache", "storage"'

PUBLIC_PREFIXES = ("/static/",)
# Pages that need no account but are about one person (reached by a signed link or a certificate code):
# kept out of shared caches and browser history stores like staff pages.
PERSONAL_PREFIXES = ("/staff/", "/registration/", "/evaluation/", "/certificates/")


class PrivacyHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        signed_in = request.user.is_authenticated
        response = self.get_response(request)
        if signed_in and not request.user.is_authenticated:
            # This request ended the session (signing out, here or in the admin; a session without its
            # second factor): the browser drops what it kept of the signed-in pages. Not "cookies": the CSRF
            # cookie must stay for the sign-in form the person is sent to.
            response["Clear-Site-Data"] = CLEAR_SITE_DATA
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if response.get("Cache-Control") == "no-store":
            pass  # already never stored (the error pages: core.errors), and no user to load for it
        elif request.user.is_authenticated and not request.path.startswith(PUBLIC_PREFIXES):
            # A signed-in person's pages are never stored by a browser or a proxy.
            response["Cache-Control"] = "no-store"
        elif not settings.DEBUG and request.path.startswith(PERSONAL_PREFIXES):
            response["Cache-Control"] = "no-store"
        if request.path.startswith(PUBLIC_API_PREFIX):
            # Open data: any site may read it from a browser. The wildcard makes browsers send no cookie
            # and read no answer to a request that carried one, so no session is ever involved.
            response["Access-Control-Allow-Origin"] = "*"
        return response


# TRACE echoes the request back (cookies and credentials included) where a server implements it; TRACK is
# IIS's name for it. No view of ours handles them, but a view written as "POST, else show the page" would
# answer them like a GET, and Django's CSRF check counts TRACE as safe: refused here, for every URL.
REFUSED_METHODS = frozenset({"TRACE", "TRACK"})
# What the Allow header of that refusal names: the methods some page or endpoint of the site answers.
SITE_METHODS = ("GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE")


class RefuseTraceMiddleware:
    """Answers TRACE (and TRACK) with an empty 405 before any view runs. Last in settings.MIDDLEWARE, so
    the answer still passes through the others and carries every header a page does."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.method in REFUSED_METHODS:
            return HttpResponseNotAllowed(SITE_METHODS)
        return self.get_response(request)
