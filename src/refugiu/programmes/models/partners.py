"""Whom we work with: networks and their members, partnerships and collaboration protocols (every one a
directory organisation, never a copy)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from refugiu.programmes.models.partial_dates import (
    partial_date_constraints,
    partial_date_display,
    precision_field,
)
from refugiu.programmes.vocabularies import PartnerScope


class Network(models.Model):
    """A network or platform, itself a directory organisation."""

    organization = models.OneToOneField(
        "directory.Organization",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="network",
    )

    class Meta:
        ordering = ["organization__name"]
        verbose_name = _("network")
        verbose_name_plural = _("networks")

    def __str__(self) -> str:
        return str(self.organization)


class NetworkMembership(models.Model):
    network = models.ForeignKey(
        Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="memberships"
    )
    member = models.ForeignKey(
        "directory.Organization",
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="network_memberships",
    )
    since = models.DateField(_("member since"), null=True, blank=True)
    since_precision = precision_field(_("precision of member since"))
    until = models.DateField(_("member until"), null=True, blank=True)
    until_precision = precision_field(_("precision of member until"))

    class Meta:
        ordering = ["network", "member"]
        verbose_name = _("network membership")
        verbose_name_plural = _("network memberships")
        constraints = [
            *partial_date_constraints("since"),
            *partial_date_constraints("until"),
            models.UniqueConstraint(fields=["network", "member"], name="programmes_networkmembership_once"),
        ]

    def __str__(self) -> str:
        return f"{self.member} — {self.network}"


class Partnership(models.Model):
    """An organisation we work with, international or national; it may also be a project partner."""

    organization = models.OneToOneField(
        "directory.Organization",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="partnership",
    )
    scope = models.CharField(_("scope"), max_length=20, choices=PartnerScope.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["scope", "order", "pk"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")

    def __str__(self) -> str:
        return str(self.organization)


class CollaborationProtocol(models.Model):
    partner = models.ForeignKey(
        "directory.Organization",
        verbose_name=_("partner organisation"),
        on_delete=models.PROTECT,
        related_name="collaboration_protocols",
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    signed_on_precision = precision_field(_("precision of signed on"))
    objectives = models.TextField(_("objectives"), blank=True)

    class Meta:
        ordering = ["signed_on", "pk"]
        verbose_name = _("collaboration protocol")
        verbose_name_plural = _("collaboration protocols")
        constraints = [*partial_date_constraints("signed_on")]

    def __str__(self) -> str:
        return f"{self.partner} {partial_date_display(self.signed_on, self.signed_on_precision)}".strip()
