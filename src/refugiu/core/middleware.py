"""Response headers that keep sensitive pages out of caches and other hosts out of our pages."""

from django.conf import settings

# Everything is served from our own host: no CDN, font service or analytics may be loaded.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)

PUBLIC_PREFIXES = ("/static/",)


class PrivacyHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        if request.user.is_authenticated and not request.path.startswith(PUBLIC_PREFIXES):
            # A signed-in person's pages are never stored by a browser or a proxy.
            response["Cache-Control"] = "no-store"
        elif not settings.DEBUG and request.path.startswith("/staff/"):
            response["Cache-Control"] = "no-store"
        return response
