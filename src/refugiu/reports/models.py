"""Reports are computed from the other modules' data; only what a person writes for them is kept here."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Foreword(models.Model):
    """The foreword of one year's annual activity report, written by the organisation."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    text = models.TextField(_("text"), help_text=_("Paragraphs are separated by an empty line."))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-year"]
        verbose_name = _("foreword")
        verbose_name_plural = _("forewords")

    def __str__(self) -> str:
        return str(self.year)


class ReportRun(models.Model):
    """One report asked for from the staff pages, produced by a background task and downloaded when ready.

    The task moves `status` and `progress` on; the file is kept in the data folder until deleted.
    """

    class Kind(models.TextChoices):
        ANNUAL = "annual", _("annual activity report")
        FUNDER = "funder", _("funder report")
        STATISTICS = "statistics", _("assistance statistics")

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting")
        RUNNING = "running", _("being made")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")

    kind = models.CharField(_("report"), max_length=20, choices=Kind.choices)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    format = models.CharField(_("format"), max_length=10)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    message = models.CharField(_("message"), max_length=300, blank=True)
    file = models.FileField(_("file"), upload_to="reports/", blank=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    task_id = models.CharField(_("task"), max_length=64, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.CASCADE, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("report run")
        verbose_name_plural = _("report runs")
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="reports_run_progress_percent")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.format})"
