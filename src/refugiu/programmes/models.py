"""Programmes: projects and their funders, partners and deliverables; events and their days; publications;
partnerships, networks and collaboration protocols; awareness campaigns.

Partners, organisers and networks are directory organisations (`directory.Organization`), never copies.

Dates that the sources give only in part ("2017", "June 2019") are stored as the first day of the period
with a precision (day, month, year) beside them, so that they are shown exactly as known and still sort.
Headcounts are null when unknown, never 0.

Individual participants register for an event (`Participant`), are checked in per `EventDay`
(`Attendance`), receive a certificate code when they attended, and may answer an anonymous `Evaluation`.
`Event.places_taken` counts confirmed participants; it only changes through `programmes.services`, by
conditional UPDATEs that keep it at or under `capacity` however many people register at once.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField

from refugiu.core.uploads import LimitedFileField, LimitedImageField
from refugiu.programmes.vocabularies import (
    DatePrecision,
    DeliverableKind,
    EvaluationScore,
    EventRole,
    EventType,
    ParticipantGender,
    ParticipantSource,
    ParticipantStatus,
    PartnerRole,
    PartnerScope,
    Profession,
    ProjectRole,
    PublicationType,
    ThematicArea,
)


def partial_date_display(value: datetime.date | None, precision: str) -> str:
    """A date as precisely as it is known: "5 April 2019", "June 2019", "2017" (localised)."""
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        return str(value.year)
    if precision == DatePrecision.MONTH:
        return formats.date_format(value, "YEAR_MONTH_FORMAT")
    return formats.date_format(value, "DATE_FORMAT")


def partial_date_constraints(field: str) -> list[models.BaseConstraint]:
    """A partial date has a precision exactly when it has a date, and is the first day of its period."""
    precision = f"{field}_precision"
    return [
        models.CheckConstraint(
            condition=Q(**{f"{field}__isnull": True, precision: ""})
            | (Q(**{f"{field}__isnull": False}) & ~Q(**{precision: ""})),
            name=f"%(app_label)s_%(class)s_{field}_precision_iff_date",
        ),
        models.CheckConstraint(
            condition=~Q(**{precision: DatePrecision.MONTH}) | Q(**{f"{field}__day": 1}),
            name=f"%(app_label)s_%(class)s_{field}_month_starts_on_1st",
        ),
        models.CheckConstraint(
            condition=~Q(**{precision: DatePrecision.YEAR}) | Q(**{f"{field}__day": 1, f"{field}__month": 1}),
            name=f"%(app_label)s_%(class)s_{field}_year_starts_on_1_january",
        ),
    ]


def precision_field(verbose_name) -> models.CharField:
    return models.CharField(verbose_name, max_length=5, choices=DatePrecision.choices, blank=True)


class Funder(models.Model):
    """Who pays, e.g. the European Union."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    organization = models.ForeignKey(
        "directory.Organization",
        verbose_name=_("directory organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("funder")
        verbose_name_plural = _("funders")

    def __str__(self):
        return self.name


class FunderProgramme(models.Model):
    """A funding programme of a funder, e.g. the Justice Programme of the European Union."""

    funder = models.ForeignKey(
        Funder, verbose_name=_("funder"), on_delete=models.PROTECT, related_name="programmes"
    )
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["funder__name", "name"]
        verbose_name = _("funding programme")
        verbose_name_plural = _("funding programmes")
        constraints = [
            models.UniqueConstraint(fields=["funder", "name"], name="programmes_funderprogramme_unique_name")
        ]

    def __str__(self):
        return f"{self.name} ({self.funder})"


class Project(models.Model):
    title = models.CharField(_("title"), max_length=300, unique=True)
    acronym = models.CharField(_("acronym"), max_length=50, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    objectives = models.JSONField(_("objectives"), default=list, blank=True)
    thematic_area = models.CharField(
        _("thematic area"), max_length=30, choices=ThematicArea.choices, blank=True
    )
    funder_programme = models.ForeignKey(
        FunderProgramme,
        verbose_name=_("funding programme"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
    )
    grant_number = models.CharField(_("grant number"), max_length=100, blank=True)
    budget = models.DecimalField(_("budget"), max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True, help_text=_("ISO 4217, e.g. EUR"))
    start = models.DateField(_("start"), null=True, blank=True)
    start_precision = precision_field(_("start precision"))
    end = models.DateField(_("end"), null=True, blank=True)
    end_precision = precision_field(_("end precision"))
    our_role = models.CharField(_("our role"), max_length=20, choices=ProjectRole.choices, blank=True)
    website = models.URLField(_("website"), blank=True)
    is_published = models.BooleanField(_("published"), default=True)

    class Meta:
        ordering = ["start", "title"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        constraints = [
            *partial_date_constraints("start"),
            *partial_date_constraints("end"),
            models.CheckConstraint(
                condition=Q(start__isnull=True) | Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="programmes_project_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gte=0),
                name="programmes_project_budget_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | ~Q(currency=""),
                name="programmes_project_budget_has_currency",
            ),
        ]

    def __str__(self):
        return self.acronym or self.title

    @property
    def funder(self) -> Funder | None:
        return self.funder_programme.funder if self.funder_programme else None

    @property
    def start_display(self) -> str:
        return partial_date_display(self.start, self.start_precision)

    @property
    def end_display(self) -> str:
        return partial_date_display(self.end, self.end_precision)

    @property
    def period_display(self) -> str:
        """ "September 2017 – August 2019", "2017 – June 2019"."""
        return " – ".join(part for part in (self.start_display, self.end_display) if part)


class ProjectPartner(models.Model):
    """Another organisation in one of our projects. The seed report sometimes names only a partner's
    country ("organisations from Bulgaria, Belgium…"): then `organization` is empty and `country` says
    where the unnamed partner is; otherwise the country is the organisation's own."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="partners"
    )
    organization = models.ForeignKey(
        "directory.Organization",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="project_partnerships",
    )
    country = CountryField(
        _("country of an unnamed partner"),
        blank=True,
        help_text=_("Only when the organisation is not known; otherwise its own country is used."),
    )
    role = models.CharField(_("role"), max_length=20, choices=PartnerRole.choices, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["project", "order", "pk"]
        verbose_name = _("project partner")
        verbose_name_plural = _("project partners")
        constraints = [
            models.CheckConstraint(
                condition=(Q(organization__isnull=False) & Q(country=""))
                | (Q(organization__isnull=True) & ~Q(country="")),
                name="programmes_projectpartner_organisation_or_country",
            ),
            models.UniqueConstraint(
                fields=["project", "organization"],
                condition=Q(organization__isnull=False),
                name="programmes_projectpartner_once_per_project",
            ),
            models.UniqueConstraint(
                fields=["project"],
                condition=Q(role=PartnerRole.COORDINATOR),
                name="programmes_projectpartner_one_coordinator",
            ),
        ]

    def __str__(self):
        return str(self.organization) if self.organization_id else str(self.country.name)

    @property
    def partner_country(self) -> str:
        """ISO 3166-1 alpha-2 code of where the partner is based ("" when unknown)."""
        return self.organization.country if self.organization_id else str(self.country)


class Deliverable(models.Model):
    """Something a project produced. Publications are recorded as `Publication`; a deliverable the
    report describes without naming it keeps an empty title and the report's description."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="deliverables"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DeliverableKind.choices)
    title = models.CharField(_("title"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    link = models.URLField(_("link"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["project", "order", "pk"]
        verbose_name = _("deliverable")
        verbose_name_plural = _("deliverables")

    def __str__(self):
        return self.title or str(self.get_kind_display())


class Network(models.Model):
    """A network or platform, itself a directory organisation."""

    organization = models.OneToOneField(
        "directory.Organization",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="network",
    )

    class Meta:
        ordering = ["organization__name"]
        verbose_name = _("network")
        verbose_name_plural = _("networks")

    def __str__(self):
        return str(self.organization)


class NetworkMembership(models.Model):
    network = models.ForeignKey(
        Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="memberships"
    )
    member = models.ForeignKey(
        "directory.Organization",
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="network_memberships",
    )
    since = models.DateField(_("member since"), null=True, blank=True)
    since_precision = precision_field(_("precision of member since"))
    until = models.DateField(_("member until"), null=True, blank=True)
    until_precision = precision_field(_("precision of member until"))

    class Meta:
        ordering = ["network", "member"]
        verbose_name = _("network membership")
        verbose_name_plural = _("network memberships")
        constraints = [
            *partial_date_constraints("since"),
            *partial_date_constraints("until"),
            models.UniqueConstraint(fields=["network", "member"], name="programmes_networkmembership_once"),
        ]

    def __str__(self):
        return f"{self.member} — {self.network}"


class Partnership(models.Model):
    """An organisation we work with, international or national; it may also be a project partner."""

    organization = models.OneToOneField(
        "directory.Organization",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="partnership",
    )
    scope = models.CharField(_("scope"), max_length=20, choices=PartnerScope.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["scope", "order", "pk"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")

    def __str__(self):
        return str(self.organization)


class CollaborationProtocol(models.Model):
    partner = models.ForeignKey(
        "directory.Organization",
        verbose_name=_("partner organisation"),
        on_delete=models.PROTECT,
        related_name="collaboration_protocols",
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    signed_on_precision = precision_field(_("precision of signed on"))
    objectives = models.TextField(_("objectives"), blank=True)

    class Meta:
        ordering = ["signed_on", "pk"]
        verbose_name = _("collaboration protocol")
        verbose_name_plural = _("collaboration protocols")
        constraints = [*partial_date_constraints("signed_on")]

    def __str__(self):
        return f"{self.partner} {partial_date_display(self.signed_on, self.signed_on_precision)}".strip()


class Event(models.Model):
    """A seminar, conference, meeting or training, ours or one our staff went to.

    `headcount` is the number of participants when that is all that is known (null when not even that);
    individual participants, registration (against `capacity`) and attendance per `EventDay` come later
    and feed the same statistics.
    """

    type = models.CharField(_("type"), max_length=40, choices=EventType.choices)
    title = models.CharField(_("title"), max_length=300, blank=True)
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )
    external_project = models.CharField(
        _("project of another organisation"),
        max_length=300,
        blank=True,
        help_text=_("For events held within someone else's project."),
    )
    network = models.ForeignKey(
        Network,
        verbose_name=_("network"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        help_text=_("For a meeting of a network."),
    )
    organiser = models.ForeignKey(
        "directory.Organization",
        verbose_name=_("organiser"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organised_events",
    )
    organiser_name = models.CharField(_("organiser (not in the directory)"), max_length=300, blank=True)
    our_role = models.CharField(_("our role"), max_length=20, choices=EventRole.choices, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = CountryField(_("country"), blank=True)
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    topics = models.JSONField(_("topics"), default=list, blank=True)
    description = models.TextField(_("description"), blank=True)
    audience = models.TextField(
        _("who took part"),
        blank=True,
        help_text=_("As the source describes them, e.g. the bodies represented."),
    )
    headcount = models.PositiveIntegerField(
        _("number of participants"), null=True, blank=True, help_text=_("Leave empty when not known.")
    )
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    registration_open = models.BooleanField(
        _("registration open"),
        default=False,
        help_text=_("Whether the public registration form accepts people."),
    )
    registration_closes_on = models.DateField(
        _("registration closes on"), null=True, blank=True, help_text=_("The last day to register.")
    )
    waiting_list = models.BooleanField(
        _("waiting list"), default=True, help_text=_("When full, put further people on a waiting list.")
    )
    places_taken = models.PositiveIntegerField(_("places taken"), default=0, editable=False)
    represented_organisations = models.ManyToManyField(
        "directory.Organization",
        verbose_name=_("organisations represented"),
        blank=True,
        related_name="events_attended",
    )
    is_published = models.BooleanField(_("published"), default=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=Q(headcount__isnull=True) | Q(headcount__gte=1),
                name="programmes_event_headcount_unknown_is_null",
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1),
                name="programmes_event_capacity_positive",
            ),
            models.CheckConstraint(
                condition=Q(organiser__isnull=True) | Q(organiser_name=""),
                name="programmes_event_one_organiser",
            ),
            # The database's own guarantee, behind the services' conditional UPDATEs.
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(places_taken__lte=F("capacity")),
                name="programmes_event_never_overbooked",
            ),
        ]

    def __str__(self):
        return self.title or str(self.get_type_display())

    @property
    def organiser_display(self) -> str:
        return str(self.organiser) if self.organiser_id else self.organiser_name

    @property
    def first_day(self) -> datetime.date | None:
        return min((day.date for day in self.days.all()), default=None)

    @property
    def last_day(self) -> datetime.date | None:
        return max((day.date for day in self.days.all()), default=None)

    @property
    def is_upcoming(self) -> bool:
        """Its last day is today or later: nobody can say yet how many took part."""
        last = self.last_day
        return last is not None and last >= timezone.localdate()


class EventDay(models.Model):
    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="days")
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("starts at"), null=True, blank=True)
    ends_at = models.TimeField(_("ends at"), null=True, blank=True)

    class Meta:
        ordering = ["event", "date"]
        verbose_name = _("event day")
        verbose_name_plural = _("event days")
        constraints = [
            models.UniqueConstraint(fields=["event", "date"], name="programmes_eventday_once_per_date"),
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True)
                | Q(ends_at__isnull=True)
                | Q(ends_at__gt=models.F("starts_at")),
                name="programmes_eventday_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.event} — {formats.date_format(self.date, 'DATE_FORMAT')}"


class EventPhoto(models.Model):
    """A photograph of an event, shown on its public page and in the annual report when published.

    Only photographs the organisation may publish belong here: no participant may be recognisable without
    their agreement, and never a beneficiary.
    """

    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="photos")
    image = LimitedImageField(_("image"), upload_to="events/")
    caption = models.CharField(
        _("caption"),
        max_length=300,
        blank=True,
        help_text=_("What the photograph shows, for those who cannot see it."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_published = models.BooleanField(_("published"), default=True)

    class Meta:
        ordering = ["event", "order", "pk"]
        verbose_name = _("event photograph")
        verbose_name_plural = _("event photographs")

    def __str__(self):
        return self.caption or self.image.name


class EventProfession(models.Model):
    """A profession the event was for or that took part, as the source names it."""

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="professions"
    )
    profession = models.CharField(_("profession"), max_length=30, choices=Profession.choices)

    class Meta:
        ordering = ["event", "pk"]
        verbose_name = _("event profession")
        verbose_name_plural = _("event professions")
        constraints = [
            models.UniqueConstraint(fields=["event", "profession"], name="programmes_eventprofession_once")
        ]

    def __str__(self):
        return str(self.get_profession_display())


class EventCountry(models.Model):
    """A country participants came from, as the source names it."""

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="countries"
    )
    country = CountryField(_("country"))

    class Meta:
        ordering = ["event", "pk"]
        verbose_name = _("participants' country")
        verbose_name_plural = _("participants' countries")
        constraints = [
            models.UniqueConstraint(fields=["event", "country"], name="programmes_eventcountry_once")
        ]

    def __str__(self):
        return str(self.country.name)


class Publication(models.Model):
    title = models.CharField(_("title"), max_length=400)
    type = models.CharField(_("type"), max_length=20, choices=PublicationType.choices, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    date_precision = precision_field(_("date precision"))
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="publications",
    )
    languages = models.JSONField(_("languages"), default=list, blank=True, help_text=_("Language codes"))
    summary = models.TextField(_("summary"), blank=True)
    link = models.URLField(_("link"), blank=True)
    file = LimitedFileField(_("file"), upload_to="publications/", blank=True)
    is_published = models.BooleanField(_("published"), default=True)

    class Meta:
        ordering = ["date", "title"]
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        constraints = [*partial_date_constraints("date")]

    def __str__(self):
        return self.title

    @property
    def date_display(self) -> str:
        return partial_date_display(self.date, self.date_precision)


class Campaign(models.Model):
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="campaigns",
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    channel = models.CharField(_("channel"), max_length=100, blank=True, help_text=_("e.g. Facebook"))
    target_countries = CountryField(_("target countries"), multiple=True, blank=True)
    start = models.DateField(_("start"), null=True, blank=True)
    start_precision = precision_field(_("start precision"))
    end = models.DateField(_("end"), null=True, blank=True)
    end_precision = precision_field(_("end precision"))
    is_published = models.BooleanField(_("published"), default=True)

    class Meta:
        ordering = ["start", "title"]
        verbose_name = _("awareness campaign")
        verbose_name_plural = _("awareness campaigns")
        constraints = [
            *partial_date_constraints("start"),
            *partial_date_constraints("end"),
            models.CheckConstraint(
                condition=Q(start__isnull=True) | Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="programmes_campaign_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.title


class CampaignMessage(models.Model):
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="messages"
    )
    text = models.TextField(_("text"))
    link = models.URLField(_("link"), blank=True)
    image = LimitedImageField(_("image"), upload_to="campaigns/", blank=True)
    image_description = models.CharField(
        _("image description"),
        max_length=300,
        blank=True,
        help_text=_("What the image shows, for those who cannot see it."),
    )
    channel = models.CharField(
        _("channel"), max_length=100, blank=True, help_text=_("Empty when it is the campaign's.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["campaign", "order", "pk"]
        verbose_name = _("campaign message")
        verbose_name_plural = _("campaign messages")

    def __str__(self):
        return self.text.splitlines()[0] if self.text else ""

    @property
    def effective_channel(self) -> str:
        return self.channel or self.campaign.channel


class Participant(models.Model):
    """A person registered for an event, by the public form or by staff.

    Personal data (name, e-mail, institution) is blanked when the retention period ends
    (`anonymised_at`); profession, country, gender and attendance stay for the statistics.
    """

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.PROTECT, related_name="participants"
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    profession = models.CharField(_("profession"), max_length=30, choices=Profession.choices)
    institution = models.CharField(_("institution"), max_length=300, blank=True)
    country = CountryField(_("country"), blank=True)
    gender = models.CharField(
        _("gender"), max_length=20, choices=ParticipantGender.choices, blank=True, help_text=_("Optional.")
    )
    status = models.CharField(_("status"), max_length=20, choices=ParticipantStatus.choices)
    source = models.CharField(
        _("registered through"),
        max_length=20,
        choices=ParticipantSource.choices,
        default=ParticipantSource.FORM,
    )
    language = models.CharField(_("language"), max_length=10, blank=True)
    consent_text = models.TextField(
        _("consent text"), blank=True, help_text=_("The text the person agreed to.")
    )
    consented_at = models.DateTimeField(_("consented at"), null=True, blank=True)
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    certificate_code = models.CharField(
        _("certificate code"), max_length=20, null=True, blank=True, unique=True
    )
    certificate_issued_at = models.DateTimeField(_("certificate issued at"), null=True, blank=True)
    evaluation_invited_at = models.DateTimeField(_("evaluation invitation sent at"), null=True, blank=True)
    # Only whether the person has answered, never which answer is theirs.
    evaluation_answered = models.BooleanField(_("evaluation answered"), default=False)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    class Meta:
        ordering = ["event", "registered_at", "pk"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "event",
                condition=~Q(status=ParticipantStatus.CANCELLED) & ~Q(email=""),
                name="programmes_participant_once_per_event",
            ),
            models.CheckConstraint(
                condition=Q(anonymised_at__isnull=True) | (Q(name="") & Q(email="") & Q(institution="")),
                name="programmes_participant_anonymised_is_blank",
            ),
        ]
        indexes = [models.Index(fields=["event", "status", "registered_at"], name="programmes_part_queue")]

    def __str__(self):
        return self.name or str(_("anonymised participant"))


class Attendance(models.Model):
    """A participant was there on one day of the event."""

    participant = models.ForeignKey(
        Participant, verbose_name=_("participant"), on_delete=models.CASCADE, related_name="attendances"
    )
    day = models.ForeignKey(
        EventDay, verbose_name=_("day"), on_delete=models.PROTECT, related_name="attendances"
    )
    checked_in_at = models.DateTimeField(_("checked in at"), auto_now_add=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked in by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["day", "participant"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [
            models.UniqueConstraint(fields=["participant", "day"], name="programmes_attendance_once_per_day")
        ]

    def __str__(self):
        return f"{self.participant} — {self.day}"


class Evaluation(models.Model):
    """One anonymous answer to an event's questionnaire. It holds no link to the person who gave it,
    and only the day it was given (a time could be matched with the server's logs)."""

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="evaluations"
    )
    submitted_on = models.DateField(_("submitted on"))
    overall = models.PositiveSmallIntegerField(_("overall"), choices=EvaluationScore.choices)
    content = models.PositiveSmallIntegerField(_("relevance of the content"), choices=EvaluationScore.choices)
    usefulness = models.PositiveSmallIntegerField(
        _("usefulness for my work"), choices=EvaluationScore.choices
    )
    organisation = models.PositiveSmallIntegerField(
        pgettext_lazy("how the event was organised", "organisation"), choices=EvaluationScore.choices
    )
    liked = models.TextField(_("what worked well"), blank=True)
    improve = models.TextField(_("what could be better"), blank=True)

    SCORE_FIELDS = ("overall", "content", "usefulness", "organisation")

    class Meta:
        ordering = ["event", "pk"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            models.CheckConstraint(
                condition=Q(overall__gte=1, overall__lte=5)
                & Q(content__gte=1, content__lte=5)
                & Q(usefulness__gte=1, usefulness__lte=5)
                & Q(organisation__gte=1, organisation__lte=5),
                name="programmes_evaluation_scores_1_to_5",
            )
        ]

    def __str__(self):
        return f"{self.event} — {self.pk}"
