"""Publications: guides, reports and the like, with their file when we have it."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from refugiu.core.uploads import LimitedFileField
from refugiu.programmes.models.partial_dates import (
    partial_date_constraints,
    partial_date_display,
    precision_field,
)
from refugiu.programmes.models.projects import Project
from refugiu.programmes.vocabularies import PublicationType


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

    def __str__(self) -> str:
        return self.title

    @property
    def date_display(self) -> str:
        return partial_date_display(self.date, self.date_precision)
