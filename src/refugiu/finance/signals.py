"""Keeping the personnel costs of approved months (`models.PersonnelCost`) priced as `finance.timesheets`
prices them when what prices them changes, whichever path changes it (the admin, a service, a command):

- an employment saved or deleted: its staff member's approved months (and the former staff member's, if
  the employment changed hands) are repriced;
- a grant's template changed: the grant's approved time is repriced;
- a template saved (its productive time, unit or hours a day): every grant of it is repriced.

Approval writes a month's costs and a correction removes them in `services.timesheets`; the beneficiary
and category the costs are booked on are read when they are reported, not stored. A bulk `update()` of
these models sends no signal: call `timesheets.personnel_costs_refresh` after one.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from refugiu.finance.models import CostTemplate, Employment, Grant
from refugiu.finance.timesheets import personnel_costs_refresh


@receiver(pre_save, sender=Employment, dispatch_uid="refugiu.finance.employment_before")
def _employment_before(sender: Any, instance: Employment, **kwargs: Any) -> None:
    instance._former_user_id = (  # type: ignore[attr-defined]
        Employment.objects.filter(pk=instance.pk).values_list("user_id", flat=True).first()
        if instance.pk
        else None
    )


@receiver(post_save, sender=Employment, dispatch_uid="refugiu.finance.employment_saved")
@receiver(post_delete, sender=Employment, dispatch_uid="refugiu.finance.employment_deleted")
def _employment_changed(sender: Any, instance: Employment, **kwargs: Any) -> None:
    users = {instance.user_id, getattr(instance, "_former_user_id", None)} - {None}
    personnel_costs_refresh(user_ids=users)  # type: ignore[arg-type]


@receiver(pre_save, sender=Grant, dispatch_uid="refugiu.finance.grant_before")
def _grant_before(sender: Any, instance: Grant, **kwargs: Any) -> None:
    former = (
        Grant.objects.filter(pk=instance.pk).values_list("template_id", flat=True).first()
        if instance.pk
        else None
    )
    instance._template_changed = former is not None and former != instance.template_id  # type: ignore[attr-defined]


@receiver(post_save, sender=Grant, dispatch_uid="refugiu.finance.grant_saved")
def _grant_saved(sender: Any, instance: Grant, **kwargs: Any) -> None:
    if getattr(instance, "_template_changed", False):
        personnel_costs_refresh(grant_ids=[instance.pk])


@receiver(post_save, sender=CostTemplate, dispatch_uid="refugiu.finance.template_saved")
def _template_saved(sender: Any, instance: CostTemplate, **kwargs: Any) -> None:
    if not kwargs.get("created"):
        personnel_costs_refresh(
            grant_ids=Grant.objects.filter(template=instance).values_list("pk", flat=True)
        )
