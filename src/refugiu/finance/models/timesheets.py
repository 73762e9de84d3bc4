"""Staff time: employments (what an hour or day of someone costs), monthly timesheets and their entries."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from refugiu.finance.models.grants import Grant, WorkPackage
from refugiu.finance.money import DECIMAL_PLACES, MAX_DIGITS
from refugiu.finance.vocabularies import SheetStatus, TimeKind


class Employment(models.Model):
    """A staff member's employment over a span of time: full-time equivalent, annual personnel costs (gross
    salary with the employer's contributions) and the supervisor who approves their timesheets. The hourly
    (or daily) rate is the annual costs ÷ (the template's productive time × `fte`); the year's ceiling of
    time charged is that productive time × `fte`, pro rata for a part of the year."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.PROTECT,
        related_name="employments",
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)
    fte = models.DecimalField(
        _("full-time equivalent"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("1"))],
    )
    annual_cost = models.DecimalField(
        _("annual personnel costs (EUR)"), max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("supervisor"),
        on_delete=models.PROTECT,
        related_name="supervised_employments",
    )
    day_hours = models.DecimalField(
        _("contracted hours a day"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_(
            "Only when the contract says so; empty: 8 hours × the full-time equivalent. A day's project and "
            "other work, with its absence, must fit in it."
        ),
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(Decimal("24"))],
    )

    class Meta:
        ordering = ["user", "start"]
        verbose_name = _("employment")
        verbose_name_plural = _("employments")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="finance_employment_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(fte__gt=0) & Q(fte__lte=1), name="finance_employment_fte_range"
            ),
            models.CheckConstraint(
                condition=Q(annual_cost__gte=0), name="finance_employment_cost_not_negative"
            ),
            models.CheckConstraint(
                condition=~Q(supervisor=F("user")), name="finance_employment_not_own_supervisor"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.start}–{self.end or ''}"


class TimesheetMonth(models.Model):
    """One person's month. They fill it (draft), sign it, their supervisor approves it (or returns it); a
    signed or approved month is locked. A correction of a locked month is a new version that supersedes it,
    kept beside it with the reason, so the trail shows what was first signed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.PROTECT,
        related_name="timesheets",
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("corrects"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
    )
    correction_reason = models.CharField(_("why it was corrected"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=SheetStatus.choices, default=SheetStatus.DRAFT
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    return_reason = models.CharField(_("why it was returned"), max_length=300, blank=True)

    class Meta:
        ordering = ["user", "month", "version"]
        verbose_name = _("timesheet")
        verbose_name_plural = _("timesheets")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "month", "version"], name="finance_timesheet_unique_version"
            ),
            models.UniqueConstraint(
                fields=["user", "month"],
                condition=~Q(status=SheetStatus.SUPERSEDED),
                name="finance_timesheet_one_current",
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="finance_timesheet_first_of_month"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.month:%Y-%m} v{self.version}"

    @property
    def is_locked(self) -> bool:
        return self.status in (SheetStatus.SIGNED, SheetStatus.APPROVED, SheetStatus.SUPERSEDED)


class TimeEntry(models.Model):
    """Time of one day, always in hours: on a grant (and its work package), on other work, or absent. A
    template that counts days turns hours into day-equivalents by its `hours_per_day`."""

    sheet = models.ForeignKey(
        TimesheetMonth, verbose_name=_("timesheet"), on_delete=models.CASCADE, related_name="entries"
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=12, choices=TimeKind.choices)
    grant = models.ForeignKey(
        Grant, verbose_name=_("grant"), on_delete=models.PROTECT, null=True, blank=True, related_name="time"
    )
    work_package = models.ForeignKey(
        WorkPackage,
        verbose_name=_("work package"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="time",
    )
    hours = models.DecimalField(
        _("hours"),
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(Decimal("24"))],
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["sheet", "date", "pk"]
        verbose_name = _("time entry")
        verbose_name_plural = _("time entries")
        indexes = [models.Index(fields=["grant", "date"], name="finance_timeentry_grant_date")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind=TimeKind.PROJECT) & Q(grant__isnull=False))
                | (~Q(kind=TimeKind.PROJECT) & Q(grant__isnull=True) & Q(work_package__isnull=True)),
                name="finance_timeentry_project_has_grant",
            ),
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=24), name="finance_timeentry_hours_in_a_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.kind} {self.hours}"


class PersonnelCost(models.Model):
    """The personnel cost of one approved month's project time on one grant and work package: its hours
    and their cost, rounded once (`money.cents`) as `finance.timesheets` prices them. Derived, never typed:
    written when the month is approved, gone when it is superseded, rewritten when what prices it changes
    (an employment, the grant's template or the template's productive time); `finance.timesheets` keeps
    it. Statements and monitoring sum these few thousand rows instead of every approved hour."""

    sheet = models.ForeignKey(
        TimesheetMonth, verbose_name=_("timesheet"), on_delete=models.CASCADE, related_name="costs"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("staff member"), on_delete=models.CASCADE, related_name="+"
    )
    month = models.DateField(_("month"))
    grant = models.ForeignKey(
        Grant, verbose_name=_("grant"), on_delete=models.CASCADE, related_name="personnel_costs"
    )
    work_package = models.ForeignKey(
        WorkPackage,
        verbose_name=_("work package"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    hours = models.DecimalField(_("hours"), max_digits=7, decimal_places=2)
    last_day = models.DateField(_("last day worked"))
    amount = models.DecimalField(_("amount"), max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES)
    has_rate = models.BooleanField(_("an employment prices it"), default=True)

    class Meta:
        ordering = ["grant", "user", "month"]
        verbose_name = _("personnel cost of a month")
        verbose_name_plural = _("personnel costs of months")
        indexes = [models.Index(fields=["grant", "month"], name="finance_personnelcost_grant")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.month:%Y-%m} {self.grant_id}"
