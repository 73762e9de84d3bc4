"""A grant, its beneficiaries (coordinator and partners), work packages, reporting periods and budget."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import Country, CountryField

from refugiu.finance.models.templates import CostCategory, CostTemplate
from refugiu.finance.money import DECIMAL_PLACES, MAX_DIGITS
from refugiu.finance.vocabularies import PartnerRole, PeriodKind


class Grant(models.Model):
    """The money of one project: a grant agreement with a funder. `is_example` marks the demo's grants, whose
    figures are illustrative (the seed report gives no amounts): every page and statement of such a grant
    says so."""

    project = models.ForeignKey(
        "programmes.Project", verbose_name=_("project"), on_delete=models.PROTECT, related_name="grants"
    )
    template = models.ForeignKey(
        CostTemplate, verbose_name=_("cost template"), on_delete=models.PROTECT, related_name="grants"
    )
    agreement_number = models.CharField(_("grant agreement number"), max_length=100, unique=True)
    currency = models.CharField(_("currency"), max_length=3, default="EUR", editable=False)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("project coordinators"),
        blank=True,
        related_name="coordinated_grants",
        help_text=_("They read this grant's finances and approve their team's timesheets."),
    )
    is_example = models.BooleanField(
        _("example figures"),
        default=False,
        help_text=_("Illustrative figures, not the organisation's real finances (the demo's grants)."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start", "agreement_number"]
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="finance_grant_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.agreement_number} ({self.project})"


class GrantPartner(models.Model):
    """A beneficiary of the grant with its own budget: the coordinator or a partner. `is_us` marks the
    organisation running this installation, whose staff keep their timesheets here."""

    grant = models.ForeignKey(
        Grant, verbose_name=_("grant"), on_delete=models.CASCADE, related_name="partners"
    )
    name = models.CharField(_("name"), max_length=300)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    country = CountryField[str | Country, Country](_("country"))
    role = models.CharField(_("role"), max_length=20, choices=PartnerRole.choices)
    is_us = models.BooleanField(_("our organisation"), default=False)
    project_partner = models.ForeignKey(
        "programmes.ProjectPartner",
        verbose_name=_("project partner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["grant", "order", "pk"]
        verbose_name = _("beneficiary")
        verbose_name_plural = _("beneficiaries")
        constraints = [
            models.UniqueConstraint(
                fields=["grant"],
                condition=Q(role=PartnerRole.COORDINATOR),
                name="finance_grantpartner_one_coordinator",
            ),
            models.UniqueConstraint(
                fields=["grant"], condition=Q(is_us=True), name="finance_grantpartner_us_once"
            ),
            models.UniqueConstraint(fields=["grant", "name"], name="finance_grantpartner_unique_name"),
        ]

    def __str__(self) -> str:
        return self.short_name or self.name


class WorkPackage(models.Model):
    grant = models.ForeignKey(
        Grant, verbose_name=_("grant"), on_delete=models.CASCADE, related_name="work_packages"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)

    class Meta:
        ordering = ["grant", "number"]
        verbose_name = _("work package")
        verbose_name_plural = _("work packages")
        constraints = [
            models.UniqueConstraint(fields=["grant", "number"], name="finance_workpackage_unique_number"),
        ]

    def __str__(self) -> str:
        return f"WP{self.number} {self.title}"


class ReportingPeriod(models.Model):
    """A period the funder wants a statement for. Once its statement is submitted (`submitted_at`), the
    period is closed: its expenses and the timesheets of its months no longer change, and a correction is an
    adjustment booked in a later period."""

    grant = models.ForeignKey(
        Grant, verbose_name=_("grant"), on_delete=models.CASCADE, related_name="periods"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=10, choices=PeriodKind.choices)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    submitted_at = models.DateTimeField(_("statement submitted"), null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        ordering = ["grant", "number"]
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        constraints = [
            models.UniqueConstraint(fields=["grant", "number"], name="finance_reportingperiod_unique_number"),
            models.CheckConstraint(
                condition=Q(end__gte=F("start")), name="finance_reportingperiod_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grant.agreement_number} P{self.number}"

    @property
    def is_closed(self) -> bool:
        return self.submitted_at is not None


class BudgetLine(models.Model):
    """What a beneficiary plans to spend on one (leaf) category, per work package when the grant has them."""

    grant = models.ForeignKey(Grant, verbose_name=_("grant"), on_delete=models.CASCADE, related_name="budget")
    partner = models.ForeignKey(
        GrantPartner, verbose_name=_("beneficiary"), on_delete=models.CASCADE, related_name="budget"
    )
    category = models.ForeignKey(
        CostCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="+"
    )
    work_package = models.ForeignKey(
        WorkPackage,
        verbose_name=_("work package"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="budget",
    )
    amount = models.DecimalField(_("amount (EUR)"), max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["grant", "partner", "category__order", "work_package__number"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "category", "work_package"],
                name="finance_budgetline_unique",
                nulls_distinct=False,
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="finance_budgetline_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.partner} {self.category.code}: {self.amount}"


class AuditorAccess(models.Model):
    """An auditor's read-only access to one grant, every document included, until a date."""

    grant = models.ForeignKey(
        Grant, verbose_name=_("grant"), on_delete=models.CASCADE, related_name="auditor_accesses"
    )
    auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auditor"),
        on_delete=models.CASCADE,
        related_name="audit_accesses",
    )
    until = models.DateField(_("until"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("granted by"), on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        ordering = ["grant", "-until"]
        verbose_name = _("auditor's access")
        verbose_name_plural = _("auditors' access")
        constraints = [
            models.UniqueConstraint(fields=["grant", "auditor"], name="finance_auditoraccess_once"),
        ]

    def __str__(self) -> str:
        return f"{self.auditor} → {self.grant} ({self.until})"
