"""Public pages about whom we work with and what we tell the public: partners, networks and collaboration
protocols; awareness campaigns.

Partners and networks are directory organisations: every partnership is public (they are organisations,
not people), but a link to an organisation's directory page is only given when that page is published.
Campaigns are shown only while they are published (`access`); their files are served by `views.files`.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django_stubs_ext import StrPromise

from refugiu.programmes import access, selectors
from refugiu.programmes.models import NetworkMembership
from refugiu.programmes.views.shown import (
    CampaignShown,
    MembershipShown,
    NetworkShown,
    PartnershipShown,
    ProtocolShown,
)
from refugiu.programmes.vocabularies import PartnerScope

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
    heading: str | StrPromise
    partners: list[PartnershipShown] = field(default_factory=list)


def _scope_headings() -> dict[str, str]:
    return {
        PartnerScope.INTERNATIONAL: _("International partners"),
        PartnerScope.NATIONAL: _("National partners"),
    }


def partner_list(request: HttpRequest) -> HttpResponse:
    protocols_by_partner: dict[uuid.UUID, list[ProtocolShown]] = {}
    for protocol in selectors.protocols_public():
        signed = _partial(protocol.signed_on, protocol.signed_on_precision)
        protocols_by_partner.setdefault(protocol.partner_id, []).append(ProtocolShown(protocol, signed))

    headings = _scope_headings()
    groups = {
        scope.value: ScopeGroup(scope.value, headings.get(scope, scope.label)) for scope in PartnerScope
    }
    for partnership in selectors.partnerships_public():
        organization = partnership.organization
        groups[partnership.scope].partners.append(
            PartnershipShown(
                partnership,
                selectors.country_name(organization.country),
                protocols_by_partner.pop(organization.pk, []),
            )
        )

    # Protocols with an organisation that is not (or no longer) listed as a partner are shown apart,
    # rather than hidden.
    other_protocols = [protocol for protocols in protocols_by_partner.values() for protocol in protocols]
    other_protocols.sort(
        key=lambda shown: (
            shown.protocol.signed_on is None,
            shown.protocol.signed_on or datetime.date.min,
            shown.protocol.pk,
        )
    )

    networks = [
        NetworkShown(
            network,
            selectors.country_name(network.organization.country),
            [
                MembershipShown(membership, membership_period(membership))
                for membership in network.memberships.all()
            ],
        )
        for network in selectors.networks_public()
    ]

    context = {
        "groups": [group for group in groups.values() if group.partners],
        "networks": networks,
        "other_protocols": other_protocols,
    }
    return render(request, "programmes/partner_list.html", context)


# --- Campaigns ---------------------------------------------------------------------------------------------


def campaign_list(request: HttpRequest) -> HttpResponse:
    campaigns = [
        CampaignShown(
            campaign,
            period=selectors.date_range_display(
                campaign.start, campaign.end, campaign.start_precision, campaign.end_precision
            ),
            country_names=[str(country.name) for country in campaign.target_countries],
            project_public=bool(campaign.project_id and access.is_public(campaign.project)),
            messages=list(campaign.messages.all()),
        )
        for campaign in selectors.campaigns_published()
    ]
    return render(request, "programmes/campaign_list.html", {"campaigns": campaigns})
