"""Projects, their funders and funding programmes, partners and deliverables."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import Country, CountryField

from refugiu.programmes.models.partial_dates import (
    partial_date_constraints,
    partial_date_display,
    precision_field,
)
from refugiu.programmes.vocabularies import DeliverableKind, PartnerRole, ProjectRole, ThematicArea


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

    def __str__(self) -> str:
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

    def __str__(self) -> str:
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

    def __str__(self) -> str:
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
    country = CountryField[str | Country, Country](
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

    def __str__(self) -> str:
        return str(self.organization) if self.organization_id else str(self.country.name)

    @property
    def partner_country(self) -> str:
        """ISO 3166-1 alpha-2 code of where the partner is based ("" when unknown)."""
        return self.organization.country if self.organization is not None else str(self.country)


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

    def __str__(self) -> str:
        return self.title or str(self.get_kind_display())
