"""Django's admin writing through a domain's services: one mixin for every ModelAdmin whose saves and
deletes must be checked and audited like any other write (programmes, finance).

A domain names its two services, `record_save(*, actor, request, record, adding, changed)` and
`record_delete(*, actor, request, record)` (each checks the actor again and audits in its transaction: see
core.audit.audited_save), and the admin's saves, deletes, bulk deletes and inline formsets all go through
them, as the signed-in person."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.contrib import admin
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from refugiu.accounts.decorators import signed_in_user

RecordSave = Callable[..., None]
RecordDelete = Callable[..., None]


class ServiceWritingAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Saves and deletes through `record_save` and `record_delete`, which check the user again and audit
    each record. Subclasses set both (as staticmethod)."""

    record_save: RecordSave
    record_delete: RecordDelete

    def save_model(
        self, request: HttpRequest, obj: models.Model, form: forms.ModelForm[Any], change: bool
    ) -> None:
        type(self).record_save(
            actor=signed_in_user(request),
            request=request,
            record=obj,
            adding=not change,
            changed=form.changed_data,
        )

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        type(self).record_delete(actor=signed_in_user(request), request=request, record=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        actor = signed_in_user(request)
        with transaction.atomic():
            for record in queryset:
                type(self).record_delete(actor=actor, request=request, record=record)

    def save_formset(
        self, request: HttpRequest, form: forms.ModelForm[Any], formset: Any, change: bool
    ) -> None:
        actor = signed_in_user(request)
        formset.save(commit=False)
        deleted: Iterable[models.Model] = formset.deleted_objects
        for record in deleted:
            type(self).record_delete(actor=actor, request=request, record=record)
        for record, fields in formset.changed_objects:
            type(self).record_save(actor=actor, request=request, record=record, adding=False, changed=fields)
        for record in formset.new_objects:
            type(self).record_save(actor=actor, request=request, record=record, adding=True)
        formset.save_m2m()
