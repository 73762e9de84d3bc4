"""An organisation's referral sheet: its page on one printed sheet, with a QR code of the page."""

import segno
from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from refugiu.directory.selectors import organization_public_get
from refugiu.directory.views.organization import organization_context


def referral_sheet(request, organization_id):
    """A one-page printable summary of an organisation's public contact data, to hand to a person: its
    phones and hours, and a QR code of its page, drawn here (no request leaves for another site)."""
    organization = organization_public_get(organization_id=organization_id)
    context = organization_context(organization)
    url = public_url(reverse("directory:organization", args=[organization.id]))
    context |= {
        "public_url": url,
        "qr_code": qr_svg(url, title=_("QR code of this entry's page: %s") % url),
        "printed": True,  # read later: its hours, not whether open at the moment it was printed
    }
    return render(request, "directory/referral_sheet.html", context)


def public_url(path: str) -> str:
    """The address of a page as people reach it from outside (settings.REFUGIU["SITE_URL"])."""
    return settings.REFUGIU["SITE_URL"].rstrip("/") + path


def qr_svg(text: str, *, title: str) -> SafeString:
    """A QR code of `text` as inline SVG (segno), with its title for screen readers."""
    code = segno.make(text, error="m")
    svg = code.svg_inline(scale=3, border=2, title=title, svgclass="qr-code", lineclass=None, omitsize=True)
    return mark_safe(svg)  # noqa: S308 - segno's SVG; the title is escaped by segno
