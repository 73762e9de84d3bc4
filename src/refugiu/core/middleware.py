"""Response headers that keep sensitive pages out of caches and other hosts out of our pages, and let
other sites' scripts read the open directory API."""

from django.conf import settings

from refugiu.accounts.security import PUBLIC_API_PREFIX

# Everything is served from our own host: no CDN, font service or analytics may be loaded.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
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
        if request.user.is_authenticated and not request.path.startswith(PUBLIC_PREFIXES):
            # A signed-in person's pages are never stored by a browser or a proxy.
            response["Cache-Control"] = "no-store"
        elif not settings.DEBUG and request.path.startswith(PERSONAL_PREFIXES):
            response["Cache-Control"] = "no-store"
        if request.path.startswith(PUBLIC_API_PREFIX):
            # Open data: any site may read it from a browser. The wildcard makes browsers send no cookie
            # and read no answer to a request that carried one, so no session is ever involved.
            response["Access-Control-Allow-Origin"] = "*"
        return response
