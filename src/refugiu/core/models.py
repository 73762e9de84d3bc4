from typing import Any, NoReturn

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _

from refugiu.core.fields import EncryptedTextField


class AppendOnlyQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise PermissionDenied("audit records cannot be changed")

    def delete(self) -> NoReturn:
        raise PermissionDenied("audit records cannot be deleted")


class AuditEntry(models.Model):
    """One access to or change of protected data: who, when, what, from where; never the content.

    Append-only: the model and its queryset refuse updates and deletes, and database triggers refuse
    UPDATE and DELETE from any other code path too, on both engines (migrations 0002 and 0004).
    """

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(_("who"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    object_type = models.CharField(_("record type"), max_length=60, blank=True)
    object_id = models.CharField(_("record"), max_length=64, blank=True)
    case_id = models.BigIntegerField(_("case"), null=True, blank=True, db_index=True)
    beneficiary_id = models.BigIntegerField(_("beneficiary"), null=True, blank=True, db_index=True)
    address = models.GenericIPAddressField(_("from address"), null=True, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit record")
        verbose_name_plural = _("audit records")
        indexes = [models.Index(fields=["actor", "at"], name="audit_actor_at")]
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionDenied("audit records cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise PermissionDenied("audit records cannot be deleted")


class EncryptionCheck(models.Model):
    """A known value encrypted with the primary key, so that a start can tell the right keys from wrong
    ones before anyone meets the difference (core.startup.keys_check). One row, id 1; rotate_keys
    re-encrypts it with everything else (it is an EncryptedTextField)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    value = EncryptedTextField()
    written_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="encryption_check_single_row")]

    def __str__(self) -> str:
        return f"encryption check of {self.written_at:%Y-%m-%d %H:%M}"


class WorkerHeartbeat(models.Model):
    """A running task worker (`refugiu db_worker`), seen every few seconds (core.workers): readiness
    (/readyz) counts the workers seen recently, and a report whose worker has not been seen for
    REFUGIU["WORKER_LOST_MINUTES"] is marked as failed. Which machine and process, never anything about
    the reports it makes. A worker that stops removes its row; rows of workers gone for a day are pruned."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    last_seen = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"task worker {self.worker_id} (process {self.pid} on {self.host})"
