"""HTML to PDF, with nothing fetched from outside our own static files.

A PDF of a case (a data-subject export, a referral packet) is rendered from a template that may name a
stylesheet or an image with `{% static %}`. WeasyPrint would follow any URL in that HTML, including one a
caseworker typed into a note; our fetcher serves only files the staticfiles finders know and refuses
everything else (the resource is then left out and the PDF is still produced), so rendering a PDF never
touches the network or the rest of the disk.
"""

import mimetypes
import warnings
from functools import cache
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders

# Relative and root-relative URLs in the HTML resolve against this origin, which exists nowhere: the
# fetcher recognises it and answers from the staticfiles finders.
BASE_URL = "https://refugiu.invalid/"


class ResourceRefused(ValueError):
    pass


@cache
def _weasyprint() -> tuple[Any, Any]:
    """The weasyprint module and our URL fetcher class (weasyprint ships no types)."""
    # WeasyPrint warns at import when the system lacks libharfbuzz-subset (it still works without it);
    # that is a packaging note for the installation, not a fault of ours, and tests turn warnings into errors.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="HarfBuzz-Subset", category=DeprecationWarning)
        import weasyprint
        from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):  # type: ignore[misc]  # URLFetcher is untyped (Any)
        """Serves /static/… from the staticfiles finders and data: URLs; refuses every other URL."""

        def fetch(self, url: str, headers: dict[str, str] | None = None) -> Any:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            return URLFetcherResponse(url, *static_resource(url))

    return weasyprint, StaticOnlyFetcher


def static_resource(url: str) -> tuple[bytes, dict[str, str]]:
    """The bytes and headers of one of our static files named by `url`; ResourceRefused otherwise."""
    parts = urlsplit(url)
    static_prefix = "/" + settings.STATIC_URL.strip("/") + "/"
    if f"{parts.scheme}://{parts.netloc}/" != BASE_URL or not parts.path.startswith(static_prefix):
        raise ResourceRefused("only our own static files may be used in a PDF")
    relative = unquote(parts.path[len(static_prefix) :])
    if not relative or ".." in PurePosixPath(relative).parts or relative.startswith("/"):
        raise ResourceRefused("not a static file")
    found = finders.find(relative)
    if not found:
        raise ResourceRefused("no such static file")
    content_type = mimetypes.guess_type(relative)[0] or "application/octet-stream"
    with open(found, "rb") as handle:
        return handle.read(), {"Content-Type": content_type}


def html_to_pdf(html: str, *, variant: str | None = None) -> bytes:
    """Render `html` (a whole document) as PDF bytes; `variant` is one of WeasyPrint's PDF variants, e.g.
    "pdf/ua-1": PDF/UA, tagged (headings, lists, tables, figures with their alternative text) so that a
    screen reader can find its way through the document."""
    weasyprint, fetcher = _weasyprint()
    document = weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher())
    pdf: bytes = document.write_pdf(pdf_variant=variant) if variant else document.write_pdf()
    return pdf
