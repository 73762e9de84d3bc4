"""What the annual activity report shows: plain dataclasses of text and figures, filled by
refugiu.reports.annual.build and read by the renderers (HTML and PDF through one template, DOCX).

Their names end in Item, Part or Seat so that none can be taken for a model (organisation.Department,
programmes.ProjectPartner): these are what the report says about them, not the records.
"""

import base64
import datetime
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from refugiu.programmes.vocabularies import ProjectRole


@dataclass
class DepartmentItem:
    """A department of the organisation as the report describes it (not the organisation.Department model)."""

    name: str
    activities: list[str]
    staff: list[str]  # "12 lawyers"


@dataclass
class CommitteeSeat:
    title: str
    holder: str


@dataclass
class OrganisationPart:
    name: str
    description: str
    founded: str
    keywords: list[str]
    values: list[str]
    objectives: list[str]
    committee: list[CommitteeSeat]
    departments: list[DepartmentItem]
    address: str
    email: str
    phone: str
    website: str
    logo: "Photo | None" = None  # its caption: the alternative text ("Logo of …")
    cover_photo: "Photo | None" = None

    @property
    def website_display(self) -> str:
        return self.website.removeprefix("https://").removeprefix("http://").rstrip("/")


@dataclass
class PartnerItem:
    """A partner as the report names it (not the programmes.ProjectPartner or Partnership model)."""

    name: str
    country: str  # the country's name, "" when not known
    role: str = ""

    @property
    def display(self) -> str:
        return f"{self.name}, {self.country}" if self.country and self.name else self.name or self.country


@dataclass
class Photo:
    """An event photograph as the report embeds it."""

    data: bytes
    content_type: str
    caption: str

    @property
    def data_url(self) -> str:
        return f"data:{self.content_type};base64,{base64.b64encode(self.data).decode('ascii')}"


@dataclass
class EventItem:
    pk: int
    title: str
    type: str
    type_label: str
    dates: str
    first_date: datetime.date | None
    city: str
    country: str
    venue: str
    participants: int | None
    basis: str
    audience: str
    description: str
    topics: list[str]
    professions: list[str]
    countries: list[str]
    organiser: str
    our_role: str
    context: str  # the project, other organisation's project or network it belongs to
    represented: list[str]
    photos: list[Photo] = field(default_factory=list)

    @property
    def place(self) -> str:
        return ", ".join(part for part in (self.venue, self.city, self.country) if part)

    @property
    def participants_display(self) -> str:
        return str(self.participants) if self.participants is not None else _("not known")

    @property
    def label(self) -> str:
        """Title and dates, for lists and charts: "Seminar in Romania (5–6 April 2019)"."""
        return f"{self.title} ({self.dates})" if self.dates else self.title


@dataclass
class PublicationItem:
    title: str
    type_label: str
    date: str
    summary: str
    link: str


@dataclass
class DeliverableItem:
    kind_label: str
    title: str
    description: str
    link: str


@dataclass
class CampaignItem:
    title: str
    description: str
    channel: str
    period: str
    countries: list[str]
    messages: list[tuple[list[str], str]]  # lines of text, link


@dataclass
class ProjectItem:
    pk: int
    title: str
    acronym: str
    summary: str
    objectives: list[str]
    thematic_area: str
    funder: str
    programme: str
    grant_number: str
    budget: str
    period: str
    our_role: str
    role: str  # ProjectRole value, "" when not recorded
    partners: list[PartnerItem]
    website: str
    deliverables: list[DeliverableItem]
    events: list[EventItem]
    publications: list[PublicationItem]
    campaigns: list[CampaignItem]

    @property
    def anchor(self) -> str:
        return f"project-{self.pk}"


@dataclass
class NetworkItem:
    name: str
    members: list[str]


# A count: an exact int, or (where small counts are suppressed) int | str.
_Count = TypeVar("_Count", bound=int | str)


@dataclass
class Figure(Generic[_Count]):
    """One line of a summary table: a label and a count (an int, or a suppressed "<5")."""

    label: str
    value: _Count
    not_recorded: bool = False  # the count of those for whom the figure was not recorded


@dataclass
class Summary:
    events: int
    by_type: list[Figure[int]]
    participants: int
    events_counted: int
    unknown_events: list[EventItem]
    by_profession: list[Figure[int | str]]  # suppressed
    professions_named: list[Figure[int]]  # in how many events each profession took part
    by_month: list[Figure[int]]
    participants_per_event: list[Figure[int]]
    threshold: int


@dataclass
class Charts:
    """The summary's charts; None where a chart would say nothing (refugiu.reports.charts.says_something)."""

    participants_per_event: SafeString | None
    participants_per_profession: SafeString | None
    events_per_month: SafeString | None
    # In words what a chart left out would have shown, when that is one group ("The profession of all 283
    # participants was not recorded."); "" otherwise.
    profession_words: str = ""


@dataclass
class AnnualReport:
    year: int
    generated_on: datetime.date
    organisation: OrganisationPart | None
    foreword: list[str] | None  # paragraphs; None when no foreword was written for the year
    projects: list[ProjectItem]
    international_events: list[EventItem]
    other_publications: list[PublicationItem]
    international_partners: list[PartnerItem]
    national_partners: list[PartnerItem]
    networks: list[NetworkItem]
    summary: Summary
    charts: Charts | None = field(default=None, repr=False)

    @property
    def title(self) -> str:
        return _("Annual activity report %(year)s") % {"year": self.year}

    @property
    def projects_coordinated(self) -> int:
        return sum(1 for project in self.projects if project.role == ProjectRole.COORDINATOR)

    @property
    def projects_as_partner(self) -> int:
        return sum(1 for project in self.projects if project.role == ProjectRole.PARTNER)

    @property
    def organisation_name(self) -> str:
        return self.organisation.name if self.organisation else ""

    @property
    def filename_stem(self) -> str:
        return f"annual-report-{self.year}"

    def filename(self, format: str) -> str:
        """annual-report-<year>.<format>"""
        return f"{self.filename_stem}.{format}"

    @property
    def projects_intro(self) -> str:
        """ "In 2019 the organisation ran 5 projects: 4 as coordinator, 1 as partner." """
        text = ngettext(
            "In %(year)s the organisation ran %(count)d project",
            "In %(year)s the organisation ran %(count)d projects",
            len(self.projects),
        ) % {"year": self.year, "count": len(self.projects)}
        if self.projects_coordinated or self.projects_as_partner:
            text += ": " + _("%(coordinated)d as coordinator, %(partner)d as partner") % {
                "coordinated": self.projects_coordinated,
                "partner": self.projects_as_partner,
            }
        return text + "."
