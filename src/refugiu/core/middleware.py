"""Response headers that keep sensitive pages out of caches and other hosts out of our pages, turn off the
browser features no page uses, and let other sites' scripts read the open directory API."""

from django.conf import settings

from refugiu.accounts.security import PUBLIC_API_PREFIX

# Everything is served from our own host: no CDN, font service or analytics may be loaded.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)

# No page uses the camera, microphone, location, payments or devices: a page made to ask for them (by
# injected markup, or a frame of another site) is refused by the browser without asking the person. Only
# security keys stay, for this site's own pages (allauth's WebAuthn sign-in and enrolment); copying
# recovery codes to the clipboard is not a policy-controlled feature and keeps working.
PERMISSIONS_POLICY = ", ".join(
    [
        *(
            f"{feature}=()"
            for feature in (
                "accelerometer",
                "autoplay",
                "bluetooth",
                "browsing-topics",
                "camera",
                "display-capture",
                "encrypted-media",
                "fullscreen",
                "gamepad",
                "geolocation",
                "gyroscope",
                "hid",
                "idle-detection",
                "local-fonts",
                "magnetometer",
                "microphone",
                "midi",
                "otp-credentials",
                "payment",
                "picture-in-picture",
                "screen-wake-lock",
                "serial",
                "usb",
                "web-share",
                "window-management",
                "xr-spatial-tracking",
            )
        ),
        "publickey-credentials-create=(self)",
        "publickey-credentials-get=(self)",
    ]
)

PUBLIC_PREFIXES = ("/static/",)
# Pages that need no account but are about one person (reached by a signed link or a certificate code):
# kept out of shared caches and browser history stores like staff pages.
PERSONAL_PREFIXES = ("/staff/", "/registration/", "/evaluation/", "/certificates/")


class PrivacyHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
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
