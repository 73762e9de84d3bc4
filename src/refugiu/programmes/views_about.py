"""Public pages about whom we work with and what we tell the public: partners, networks and collaboration
protocols; awareness campaigns; and the files behind publications and campaign messages.

Partners and networks are directory organisations: every partnership is public (they are organisations,
not people), but a link to an organisation's directory page is only given when that page is published.
Campaigns and publications are shown, and their files served, only while they are published.
"""

import datetime
import mimetypes
import os
from dataclasses import dataclass, field

from django.db.models import F, Prefetch, QuerySet
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from refugiu.programmes import selectors
from refugiu.programmes.models import (
    Campaign,
    CampaignMessage,
    CollaborationProtocol,
    EventPhoto,
    Network,
    NetworkMembership,
    Partnership,
    Publication,
)
from refugiu.programmes.vocabularies import PartnerScope

# Images a browser may show inline. Anything else uploaded as an "image" (an SVG can carry scripts) is
# only ever offered as a download.
INLINE_IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
# Our files are never pages: should a browser still try to render one, nothing in it may run or load.
FILE_CSP = "default-src 'none'; sandbox"


# --- Reads ------------------------------------------------------------------------------------------------


def partnerships_public() -> QuerySet[Partnership]:
    return Partnership.objects.select_related("organization").order_by("scope", "order", "pk")


def protocols_public() -> QuerySet[CollaborationProtocol]:
    return CollaborationProtocol.objects.select_related("partner").order_by("signed_on", "pk")


def networks_public() -> QuerySet[Network]:
    memberships = NetworkMembership.objects.select_related("member").order_by("member__name", "pk")
    return Network.objects.select_related("organization").prefetch_related(
        Prefetch("memberships", queryset=memberships)
    )


def campaigns_published() -> QuerySet[Campaign]:
    # The reverse prefetch also fills each message's `campaign`, so `effective_channel` costs no query.
    messages = CampaignMessage.objects.order_by("order", "pk")
    return (
        Campaign.objects.filter(is_published=True)
        .select_related("project")
        .prefetch_related(Prefetch("messages", queryset=messages))
        .order_by(F("start").desc(nulls_last=True), "title")
    )


# --- Partners and networks ---------------------------------------------------------------------------------


def _partial(value: datetime.date | None, precision: str) -> str:
    """A date as precisely as it is known, written like the other programme pages ("5 April 2019")."""
    return selectors.date_range_display(value, None, precision) if value else ""


def membership_period(membership: NetworkMembership) -> str:
    """ "member since 2017", "member until June 2019", "2017 – June 2019", or "" when not known."""
    since = _partial(membership.since, membership.since_precision)
    until = _partial(membership.until, membership.until_precision)
    if since and until:
        return selectors.date_range_display(
            membership.since, membership.until, membership.since_precision, membership.until_precision
        )
    if since:
        return _("member since %(date)s") % {"date": since}
    if until:
        return _("member until %(date)s") % {"date": until}
    return ""


@dataclass
class ScopeGroup:
    scope: str
    heading: str
    partners: list = field(default_factory=list)


def _scope_headings() -> dict[str, str]:
    return {
        PartnerScope.INTERNATIONAL: _("International partners"),
        PartnerScope.NATIONAL: _("National partners"),
    }


def partner_list(request):
    protocols_by_partner: dict = {}
    for protocol in protocols_public():
        protocol.signed_display = _partial(protocol.signed_on, protocol.signed_on_precision)
        protocols_by_partner.setdefault(protocol.partner_id, []).append(protocol)

    headings = _scope_headings()
    groups = {
        scope.value: ScopeGroup(scope.value, headings.get(scope, scope.label)) for scope in PartnerScope
    }
    for partnership in partnerships_public():
        organization = partnership.organization
        partnership.country_name = selectors.country_name(organization.country)
        partnership.protocols = protocols_by_partner.pop(organization.pk, [])
        groups[partnership.scope].partners.append(partnership)

    # Protocols with an organisation that is not (or no longer) listed as a partner are shown apart,
    # rather than hidden.
    other_protocols = [protocol for protocols in protocols_by_partner.values() for protocol in protocols]
    other_protocols.sort(key=lambda p: (p.signed_on is None, p.signed_on or datetime.date.min, p.pk))

    networks = list(networks_public())
    for network in networks:
        network.country_name = selectors.country_name(network.organization.country)
        network.members = list(network.memberships.all())
        for membership in network.members:
            membership.period = membership_period(membership)

    context = {
        "groups": [group for group in groups.values() if group.partners],
        "networks": networks,
        "other_protocols": other_protocols,
    }
    return render(request, "programmes/partner_list.html", context)


# --- Campaigns ---------------------------------------------------------------------------------------------


def campaign_list(request):
    campaigns = list(campaigns_published())
    for campaign in campaigns:
        campaign.period = selectors.date_range_display(
            campaign.start, campaign.end, campaign.start_precision, campaign.end_precision
        )
        campaign.country_names = [str(country.name) for country in campaign.target_countries]
        campaign.project_public = bool(campaign.project_id and campaign.project.is_published)
        campaign.message_list = list(campaign.messages.all())
    return render(request, "programmes/campaign_list.html", {"campaigns": campaigns})


# --- Files -------------------------------------------------------------------------------------------------


def _file_response(file_field, *, inline: bool) -> FileResponse:
    """The stored file, with a type guessed from its name; 404 when it is missing from the disk."""
    name = os.path.basename(file_field.name)
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if inline and content_type not in INLINE_IMAGE_TYPES:
        inline = False
    try:
        handle = file_field.storage.open(file_field.name, "rb")
    except (FileNotFoundError, IsADirectoryError, PermissionError):
        raise Http404 from None
    response = FileResponse(handle, as_attachment=not inline, filename=name, content_type=content_type)
    response["Content-Security-Policy"] = FILE_CSP
    return response


def publication_file(request, publication_id: int):
    publication = (
        Publication.objects.filter(pk=publication_id, is_published=True).exclude(file="").only("file").first()
    )
    if publication is None:
        raise Http404
    return _file_response(publication.file, inline=False)


def event_photo(request, photo_id: int):
    photo = (
        EventPhoto.objects.filter(pk=photo_id, is_published=True, event__is_published=True)
        .only("image")
        .first()
    )
    if photo is None:
        raise Http404
    return _file_response(photo.image, inline=True)


def campaign_image(request, message_id: int):
    message = (
        CampaignMessage.objects.filter(pk=message_id, campaign__is_published=True)
        .exclude(image="")
        .only("image")
        .first()
    )
    if message is None:
        raise Http404
    return _file_response(message.image, inline=True)
