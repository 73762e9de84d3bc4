"""A statement file made in the background (a large grant's), kept until deleted."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from refugiu.finance.models.grants import Grant, GrantPartner, ReportingPeriod


class StatementRun(models.Model):
    """One statement file asked for from the staff pages and made by a task worker (`finance.tasks`). It is
    the grant's: whoever may read the grant sees its runs and downloads their files."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting")
        RUNNING = "running", _("being made")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")

    grant = models.ForeignKey(
        Grant, verbose_name=_("grant"), on_delete=models.CASCADE, related_name="statement_runs"
    )
    period = models.ForeignKey(
        ReportingPeriod, verbose_name=_("reporting period"), on_delete=models.CASCADE, related_name="+"
    )
    partner = models.ForeignKey(
        GrantPartner,
        verbose_name=_("beneficiary"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: the consolidated statement."),
    )
    format = models.CharField(_("format"), max_length=10)
    language = models.CharField(_("language"), max_length=10, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    message = models.CharField(_("message"), max_length=300, blank=True)
    file = models.FileField(_("file"), upload_to="finance/statements/", blank=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    task_id = models.CharField(_("task"), max_length=64, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("statement file")
        verbose_name_plural = _("statement files")

    def __str__(self) -> str:
        return f"{self.grant_id} P{self.period_id} {self.format}"
