"""Public pages about whom we work with and what we tell the public: partners, networks and collaboration
protocols; awareness campaigns.

Partners and networks are directory organisations: every partnership is public (they are organisations,
not people), but a link to an organisation's directory page is only given when that page is published.
Campaigns are shown only while they are published (`access`); their files are served by `views.files`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from refugiu.programmes import access, selectors
from refugiu.programmes.models import NetworkMembership
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
    heading: str
    partners: list[Any] = field(default_factory=list)


def _scope_headings() -> dict[str, str]:
    return {
        PartnerScope.INTERNATIONAL: _("International partners"),
        PartnerScope.NATIONAL: _("National partners"),
    }


def partner_list(request: HttpRequest) -> HttpResponse:
    protocols_by_partner: dict[int, list[Any]] = {}
    for protocol in selectors.protocols_public():
        protocol.signed_display = _partial(protocol.signed_on, protocol.signed_on_precision)
        protocols_by_partner.setdefault(protocol.partner_id, []).append(protocol)

    headings = _scope_headings()
    groups = {
        scope.value: ScopeGroup(scope.value, headings.get(scope, scope.label)) for scope in PartnerScope
    }
    for partnership in selectors.partnerships_public():
        organization = partnership.organization
        partnership.country_name = selectors.country_name(organization.country)
        partnership.protocols = protocols_by_partner.pop(organization.pk, [])
        groups[partnership.scope].partners.append(partnership)

    # Protocols with an organisation that is not (or no longer) listed as a partner are shown apart,
    # rather than hidden.
    other_protocols = [protocol for protocols in protocols_by_partner.values() for protocol in protocols]
    other_protocols.sort(key=lambda p: (p.signed_on is None, p.signed_on or datetime.date.min, p.pk))

    networks = list(selectors.networks_public())
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


def campaign_list(request: HttpRequest) -> HttpResponse:
    campaigns = list(selectors.campaigns_published())
    for campaign in campaigns:
        campaign.period = selectors.date_range_display(
            campaign.start, campaign.end, campaign.start_precision, campaign.end_precision
        )
        campaign.country_names = [str(country.name) for country in campaign.target_countries]
        campaign.project_public = bool(campaign.project_id and access.is_public(campaign.project))
        campaign.message_list = list(campaign.messages.all())
    return render(request, "programmes/campaign_list.html", {"campaigns": campaigns})
