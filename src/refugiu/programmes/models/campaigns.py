"""Awareness campaigns and their messages."""

from collections.abc import Iterable

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import Country, CountryField

from refugiu.core.uploads import LimitedImageField
from refugiu.programmes.models.partial_dates import partial_date_constraints, precision_field
from refugiu.programmes.models.projects import Project


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
    # A list of codes when set, a list of Country when read (`multiple=True`).
    target_countries = CountryField[str | Iterable[str | Country], list[Country]](
        _("target countries"), multiple=True, blank=True
    )
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

    def __str__(self) -> str:
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

    def __str__(self) -> str:
        return self.text.splitlines()[0] if self.text else ""

    @property
    def effective_channel(self) -> str:
        return self.channel or self.campaign.channel
