"""What the pages' lists show of a record besides its own fields: the record with the text a view worked out
for it (dates written out, a country's name, what else goes with it), for the templates to read beside the
record. The records themselves are never given attributes of their own for a page."""

from __future__ import annotations

from dataclasses import dataclass

from refugiu.programmes.models import (
    Campaign,
    CampaignMessage,
    CollaborationProtocol,
    Event,
    Network,
    NetworkMembership,
    Partnership,
    Project,
    ProjectPartner,
)


@dataclass(frozen=True)
class EventShown:
    event: Event
    dates_display: str  # selectors.event_dates_display


@dataclass(frozen=True)
class ProjectShown:
    project: Project
    period: str


@dataclass(frozen=True)
class ProjectPartnerShown:
    partner: ProjectPartner
    country_name: str


@dataclass(frozen=True)
class ProtocolShown:
    protocol: CollaborationProtocol
    signed_display: str  # "" when the date of signature is not recorded


@dataclass(frozen=True)
class PartnershipShown:
    partnership: Partnership
    country_name: str
    protocols: list[ProtocolShown]


@dataclass(frozen=True)
class MembershipShown:
    membership: NetworkMembership
    period: str


@dataclass(frozen=True)
class NetworkShown:
    network: Network
    country_name: str
    members: list[MembershipShown]


@dataclass(frozen=True)
class CampaignShown:
    campaign: Campaign
    period: str
    country_names: list[str]
    project_public: bool  # whether its project's page may be linked to
    messages: list[CampaignMessage]
