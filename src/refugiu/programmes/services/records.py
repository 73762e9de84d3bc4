"""The admin's writes: projects, funders, publications, partners, networks, protocols, campaigns, and
events' descriptive fields with their days, professions, countries and photographs (`programmes.admin`).

Django's admin builds each record from its form and hands it here: saved or deleted after checking that the
actor is programme staff, and audited in the same transaction ("programmes.<model>.created", ".changed"
naming the fields changed, never their values, ".deleted"). Participants, attendance and evaluations have
rules of their own and are written only by the other services, never here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import models

from refugiu.core.audit import audited_delete, audited_save
from refugiu.programmes import access
from refugiu.programmes.models import Attendance, Evaluation, Event, Participant

if TYPE_CHECKING:
    from django.http import HttpRequest

    from refugiu.accounts.models import User

# Written only through their own services, with their own rules.
NOT_HERE = (Participant, Attendance, Evaluation)
# An event's count of places moves only by the conditional UPDATEs of `places`: the admin's copy of it,
# read when the page was loaded, may be behind, and is never written back.
EVENT_FIELDS_SAVED = [
    field.name
    for field in Event._meta.concrete_fields
    if not field.primary_key and field.name != "places_taken"
]


def _check(actor: User, record: models.Model) -> None:
    access.require_programme_staff(actor)
    if record._meta.app_label != "programmes" or isinstance(record, NOT_HERE):
        raise ValueError(f"{record._meta.label} is not written through programmes.services.records")


def record_save(
    *,
    actor: User,
    record: models.Model,
    adding: bool,
    changed: Iterable[str] = (),
    request: HttpRequest | None = None,
) -> None:
    """Save a record the admin's form has filled in; `changed` names the fields the form changed."""
    _check(actor, record)
    save = None
    if isinstance(record, Event) and not adding:
        event = record

        def save() -> None:
            event.save(update_fields=EVENT_FIELDS_SAVED)

    audited_save(actor=actor, record=record, adding=adding, changed=changed, request=request, save=save)


def record_delete(*, actor: User, record: models.Model, request: HttpRequest | None = None) -> None:
    """Delete a record (what it protects refuses, as the database does: ProtectedError)."""
    _check(actor, record)
    audited_delete(actor=actor, record=record, request=request)
