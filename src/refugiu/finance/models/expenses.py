"""Exchange rates, expenses (the real costs) and their supporting documents."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from refugiu.finance.models.grants import Grant, GrantPartner, ReportingPeriod, WorkPackage
from refugiu.finance.models.templates import CostCategory
from refugiu.finance.money import DECIMAL_PLACES, MAX_DIGITS
from refugiu.finance.vocabularies import DocumentKind, ExpenseStatus, RateSource


class ExchangeRate(models.Model):
    """Units of `currency` for one euro on `date`, as the European Central Bank publishes them (its CSV
    download, imported without a network call) or as the finance team enters them."""

    currency = models.CharField(_("currency"), max_length=3)
    date = models.DateField(_("date"))
    rate = models.DecimalField(_("units for one euro"), max_digits=18, decimal_places=6)
    source = models.CharField(_("source"), max_length=10, choices=RateSource.choices)

    class Meta:
        ordering = ["currency", "date"]
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        constraints = [
            models.UniqueConstraint(fields=["currency", "date"], name="finance_exchangerate_once_a_day"),
            models.CheckConstraint(condition=Q(rate__gt=0), name="finance_exchangerate_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.date} 1 EUR = {self.rate} {self.currency}"


class Expense(models.Model):
    """A real cost of a beneficiary. `amount` is what was paid, VAT included, in `currency`; the eligible
    amount leaves out VAT the beneficiary can recover (`vat_eligible` false). `amount_eur` is the eligible
    amount in euro by the template's conversion rule, filled by the services once the rates are known.
    An expense belongs to the reporting period it is reported in: its own date's, or, for an adjustment of
    a closed period (`adjusts`), a later one."""

    grant = models.ForeignKey(
        Grant, verbose_name=_("grant"), on_delete=models.PROTECT, related_name="expenses"
    )
    partner = models.ForeignKey(
        GrantPartner, verbose_name=_("beneficiary"), on_delete=models.PROTECT, related_name="expenses"
    )
    period = models.ForeignKey(
        ReportingPeriod, verbose_name=_("reporting period"), on_delete=models.PROTECT, related_name="expenses"
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
        related_name="expenses",
    )
    date = models.DateField(_("date"))
    supplier = models.CharField(_("supplier"), max_length=300)
    description = models.CharField(_("description"), max_length=500)
    reference = models.CharField(_("invoice or document number"), max_length=100, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    amount = models.DecimalField(
        _("amount paid, VAT included"), max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES
    )
    vat_amount = models.DecimalField(
        _("of which VAT"), max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, default=0
    )
    vat_eligible = models.BooleanField(
        _("VAT is eligible"), default=False, help_text=_("Only when the beneficiary cannot recover it.")
    )
    rate = models.DecimalField(
        _("exchange rate used"), max_digits=18, decimal_places=6, null=True, blank=True, editable=False
    )
    amount_eur = models.DecimalField(
        _("eligible amount (EUR)"),
        max_digits=MAX_DIGITS,
        decimal_places=DECIMAL_PLACES,
        null=True,
        blank=True,
        editable=False,
    )
    eligible = models.BooleanField(_("eligible"), default=True)
    ineligible_reason = models.CharField(_("why it is not eligible"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ExpenseStatus.choices, default=ExpenseStatus.RECORDED
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    adjusts = models.ForeignKey(
        "self",
        verbose_name=_("adjusts"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="adjustments",
        help_text=_("An expense of a closed period that this one corrects."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["grant", "date", "pk"]
        verbose_name = _("expense")
        verbose_name_plural = _("expenses")
        indexes = [
            models.Index(fields=["grant", "period", "partner"], name="finance_expense_statement"),
            # Covers the sums of a statement and of budget vs actual (approved, eligible, by beneficiary and
            # category): SQLite reads the index alone instead of every expense's row.
            models.Index(
                fields=["grant", "status", "eligible", "partner", "category", "amount_eur"],
                name="finance_expense_sums",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(vat_amount__gte=0), name="finance_expense_vat_not_negative"),
            models.CheckConstraint(
                condition=Q(amount__lt=0, vat_amount__lte=-models.F("amount"))
                | Q(amount__gte=0, vat_amount__lte=models.F("amount")),
                name="finance_expense_vat_within_amount",
            ),
            models.CheckConstraint(
                condition=Q(eligible=True) | ~Q(ineligible_reason=""),
                name="finance_expense_ineligible_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.supplier} {self.amount} {self.currency}"


class ExpenseDocument(models.Model):
    """Evidence of an expense, encrypted on disk under a generated name outside the web root, never public:
    read back only through finance's access rules (an auditor of the grant included)."""

    expense = models.ForeignKey(
        Expense, verbose_name=_("expense"), on_delete=models.PROTECT, related_name="documents"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=200)
    content_type = models.CharField(max_length=100)
    extension = models.CharField(max_length=10)
    size = models.PositiveIntegerField()
    stored_name = models.CharField(max_length=64, unique=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["expense", "uploaded_at"]
        verbose_name = _("supporting document")
        verbose_name_plural = _("supporting documents")

    def __str__(self) -> str:
        return self.title
