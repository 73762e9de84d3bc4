"""Organisations keeping their own entry: their representatives, and the changes they propose."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from refugiu.directory.models.records import Organization, Service


class OrganizationRepresentative(models.Model):
    """A person who speaks for a listed organisation and keeps its entry: they propose changes to it and
    to its services (ProposedChange), which wait for a directory editor. Their account holds the role
    accounts.roles.Role.ORGANIZATION_REPRESENTATIVE; this says which organisations it is for."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="representatives", verbose_name=_("organisation")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="directory_representations",
        verbose_name=_("person"),
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("representative of an organisation")
        verbose_name_plural = _("representatives of organisations")
        ordering = ["added_at"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="one_representation_per_person")
        ]

    def __str__(self):
        return f"{self.user} — {self.organization}"


class ProposedChange(models.Model):
    """A change to an organisation's entry or to one of its services, proposed by its representative and
    applied only when a directory editor approves it (directory.services.changes).

    `proposed` holds the new values of the fields that change, `base` their values when the change was
    proposed: a field whose live value is no longer its `base` was changed since by someone else, and an
    approval does not overwrite it unless the editor says so (directory.changes.stale_fields)."""

    class Kind(models.TextChoices):
        ORGANIZATION = "organization", _("the organisation's entry")
        SERVICE = "service", _("a service")
        NEW_SERVICE = "new_service", _("a new service")

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for review")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")
        WITHDRAWN = "withdrawn", pgettext_lazy("a proposed change", "withdrawn")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="proposed_changes")
    # The service changed; for a new service, the one made when it was approved. Kept when the service is
    # removed (the change can then no longer be approved).
    service = models.ForeignKey(
        Service, on_delete=models.SET_NULL, null=True, blank=True, related_name="proposed_changes"
    )
    kind = models.CharField(_("what"), max_length=20, choices=Kind.choices)
    proposed = models.JSONField(_("proposed values"), default=dict)
    base = models.JSONField(_("values it was based on"), default=dict)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed"), auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["proposed_at", "pk"]
        verbose_name = _("proposed change")
        verbose_name_plural = _("proposed changes")
        indexes = [models.Index(fields=["status", "proposed_at"])]

    def __str__(self):
        return f"{self.organization}: {self.kind} {self.status}"
