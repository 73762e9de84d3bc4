"""Corrections proposed by the public."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from refugiu.directory.models.records import Organization


class Suggestion(models.Model):
    """A correction proposed by a member of the public; nothing changes until an editor accepts it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="suggestions")
    text = models.TextField(_("what should change"))
    contact_email = models.EmailField(_("your email (optional)"), blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("suggested correction")
        verbose_name_plural = _("suggested corrections")

    def __str__(self):
        return f"{self.organization}: {self.status}"
