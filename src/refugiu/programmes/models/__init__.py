"""Programmes: projects and their funders, partners and deliverables; events and their days; publications;
partnerships, networks and collaboration protocols; awareness campaigns; participants, their attendance and
anonymous evaluations.

Partners, organisers and networks are directory organisations (`directory.Organization`), never copies.

Dates that the sources give only in part ("2017", "June 2019") are stored as the first day of the period
with a precision (day, month, year) beside them, so that they are shown exactly as known and still sort
(`partial_dates`). Headcounts are null when unknown, never 0.

Individual participants register for an event (`Participant`), are checked in per `EventDay`
(`Attendance`), receive a certificate code when they attended, and may answer an anonymous `Evaluation`.
`Event.places_taken` counts confirmed participants; it only changes through `programmes.services`, by
conditional UPDATEs that keep it at or under `capacity` however many people register at once.

One module per topic; every model is imported here, in the order they were first defined, so that
`refugiu.programmes.models.Event` and the app registry see them as before.
"""

# ruff: noqa: I001 - imported in the order the models were first defined, not the alphabet
from refugiu.programmes.models.partial_dates import (
    partial_date_constraints,
    partial_date_display,
    precision_field,
)
from refugiu.programmes.models.projects import Deliverable, Funder, FunderProgramme, Project, ProjectPartner
from refugiu.programmes.models.partners import (
    CollaborationProtocol,
    Network,
    NetworkMembership,
    Partnership,
)
from refugiu.programmes.models.events import Event, EventCountry, EventDay, EventPhoto, EventProfession
from refugiu.programmes.models.publications import Publication
from refugiu.programmes.models.campaigns import Campaign, CampaignMessage
from refugiu.programmes.models.participants import Attendance, Evaluation, Participant

__all__ = [
    "Attendance",
    "Campaign",
    "CampaignMessage",
    "CollaborationProtocol",
    "Deliverable",
    "Evaluation",
    "Event",
    "EventCountry",
    "EventDay",
    "EventPhoto",
    "EventProfession",
    "Funder",
    "FunderProgramme",
    "Network",
    "NetworkMembership",
    "Participant",
    "Partnership",
    "Project",
    "ProjectPartner",
    "Publication",
    "partial_date_constraints",
    "partial_date_display",
    "precision_field",
]
