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

    def __str__(self):
        return str(self.year)
