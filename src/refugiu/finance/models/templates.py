"""Cost templates: a funder's cost categories and rules, as data (loaded from `finance/cost_templates/*.json`
by a data migration and by `refugiu finance_template_load`)."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from refugiu.finance.vocabularies import CategoryKind, ConversionRule, TimeBasis


class CostTemplate(models.Model):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(
        _("rules written from"), max_length=300, blank=True, help_text=_("The funder's published rules.")
    )
    time_basis = models.CharField(_("staff time counted in"), max_length=4, choices=TimeBasis.choices)
    productive_time = models.DecimalField(
        _("productive time of a full-time year"),
        max_digits=6,
        decimal_places=1,
        help_text=_(
            "1,720 hours, or 215 days: the divisor of the annual personnel costs, and the year's ceiling."
        ),
        validators=[MinValueValidator(Decimal("1"))],
    )
    hours_per_day = models.DecimalField(
        _("hours in a day-equivalent"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("8"),
        help_text=_("Timesheets record hours; a template counting days divides them by this."),
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("24"))],
    )
    indirect_rate = models.DecimalField(
        _("indirect cost rate"),
        max_digits=5,
        decimal_places=4,
        help_text=_("A flat rate of the base, e.g. 0.0700 for 7 %."),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    transfer_threshold = models.DecimalField(
        _("transfer allowed without amendment"),
        max_digits=5,
        decimal_places=4,
        help_text=_(
            "The share of a category's budget that may move to others without an amendment, e.g. 0.2000."
        ),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    conversion_rule = models.CharField(_("conversion to euro"), max_length=20, choices=ConversionRule.choices)

    class Meta:
        ordering = ["name"]
        verbose_name = _("cost template")
        verbose_name_plural = _("cost templates")

    def __str__(self) -> str:
        return self.name


class CostCategory(models.Model):
    """A category of the template's tree ("A Personnel" > "A.1 Employees"). Costs and budget lines are booked
    on leaves; a parent is the sum of its children. `in_indirect_base` says whether the category's costs
    count in the base the indirect rate applies to (the 2021–2027 model excludes subcontracting and financial
    support to third parties); the indirect category itself is computed, never booked."""

    template = models.ForeignKey(
        CostTemplate, verbose_name=_("template"), on_delete=models.CASCADE, related_name="categories"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
    )
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=CategoryKind.choices)
    in_indirect_base = models.BooleanField(_("counts in the base of the indirect costs"), default=True)
    from_timesheets = models.BooleanField(
        _("approved time × rate lands here"),
        default=False,
        help_text=_("The category the personnel costs of timesheets are booked on (one per template)."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["template", "order", "code"]
        verbose_name = _("cost category")
        verbose_name_plural = _("cost categories")
        constraints = [
            models.UniqueConstraint(fields=["template", "code"], name="finance_costcategory_unique_code"),
            models.UniqueConstraint(
                fields=["template"],
                condition=Q(from_timesheets=True),
                name="finance_costcategory_one_timesheet_category",
            ),
            models.CheckConstraint(
                condition=~Q(kind=CategoryKind.INDIRECT) | Q(in_indirect_base=False),
                name="finance_costcategory_indirect_not_in_its_base",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_indirect(self) -> bool:
        return self.kind == CategoryKind.INDIRECT
