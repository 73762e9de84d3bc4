"""Changes an organisation's representative proposes to its entry and services, and the editors' decision.

A proposal records the new values of the fields that change and their values at that moment
(`ProposedChange.proposed` and `.base`); the live entry does not change. An editor approves it, which
applies the values in one transaction, moves the entry's "last verified" to today and by them, and refreshes
the search index; or rejects it with a reason the representative reads; the representative may withdraw it
while it waits. A field someone else changed since the proposal (directory.changes.stale_fields) is not
overwritten unless the editor says so. Every write checks its caller (directory.access) and is audited
("directory.change.proposed", ".approved", ".rejected", ".withdrawn") naming fields, never values.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from refugiu.core.audit import audit_record
from refugiu.directory.access import require_change_reviewer, require_representative
from refugiu.directory.changes import (
    ADDRESS_FIELDS,
    ADDRESS_PREFIX,
    HOURS,
    ORGANIZATION_FIELDS,
    PHONES,
    SERVICE_FIELDS,
    changed_values,
    editable_address,
    languages_of,
    live_values,
    location_schedules,
    organization_values,
    own_phones,
    place_parts,
    public_locations,
    schedule_value,
    service_phones,
    service_schedules,
    service_values,
    stale_fields,
    translation_parts,
)
from refugiu.directory.models import (
    Address,
    Location,
    Organization,
    Phone,
    ProposedChange,
    Schedule,
    Service,
)
from refugiu.directory.services import organization_saved

if TYPE_CHECKING:
    import datetime

    from refugiu.accounts.models import User


class ChangeError(Exception):
    """A proposal or a decision that cannot be made, with a stable `code` and a message for the screen."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _detail(change: ProposedChange, **more: Any) -> dict[str, Any]:
    return {
        "organization": str(change.organization_id),
        "kind": change.kind,
        "fields": sorted(change.proposed),
        **more,
    }


# Proposing --------------------------------------------------------------------------------------------


def _propose(
    *,
    actor: User,
    request: HttpRequest | None,
    organization: Organization,
    kind: str,
    live: dict[str, Any],
    values: dict[str, Any],
    service: Service | None = None,
) -> ProposedChange | None:
    require_representative(actor, organization)
    proposed, base = changed_values(live, values)
    if not proposed:
        return None
    with transaction.atomic():
        change = ProposedChange.objects.create(
            organization=organization,
            service=service,
            kind=kind,
            proposed=proposed,
            base=base,
            proposed_by=actor,
        )
        audit_record(
            actor=actor,
            action="directory.change.proposed",
            target=change,
            request=request,
            detail=_detail(change),
        )
    return change


def organization_change_propose(
    *, actor: User, request: HttpRequest | None = None, organization: Organization, values: dict[str, Any]
) -> ProposedChange | None:
    """Propose new values for the organisation's own fields, phones, address and text in other languages
    (directory.changes); None when they are the live ones already."""
    return _propose(
        actor=actor,
        request=request,
        organization=organization,
        kind=ProposedChange.Kind.ORGANIZATION,
        live=organization_values(organization, languages_of(values)),
        values=values,
    )


def service_change_propose(
    *, actor: User, request: HttpRequest | None = None, service: Service, values: dict[str, Any]
) -> ProposedChange | None:
    """Propose new values for one of the organisation's services (its fields, phones, own opening hours
    and text in other languages); None when nothing would change."""
    return _propose(
        actor=actor,
        request=request,
        organization=service.organization,
        kind=ProposedChange.Kind.SERVICE,
        live=service_values(service, languages_of(values)),
        values=values,
        service=service,
    )


def service_new_propose(
    *, actor: User, request: HttpRequest | None = None, organization: Organization, values: dict[str, Any]
) -> ProposedChange:
    """Propose a new service of the organisation (it needs a name), with its phones and hours if given."""
    wanted = (*SERVICE_FIELDS, PHONES, HOURS)
    values = {name: value for name, value in values.items() if name in wanted and value}
    if not values.get("name"):
        require_representative(actor, organization)
        raise ChangeError("no_name", _("A new service needs a name."))
    change = _propose(
        actor=actor,
        request=request,
        organization=organization,
        kind=ProposedChange.Kind.NEW_SERVICE,
        live=service_values(None),
        values=values,
    )
    assert change is not None  # a name differs from the empty one
    return change


def change_withdraw(
    *, actor: User, request: HttpRequest | None = None, change: ProposedChange
) -> ProposedChange:
    """The representative takes back a change still waiting for review."""
    require_representative(actor, change.organization)
    with transaction.atomic():
        change = ProposedChange.objects.select_for_update().get(pk=change.pk)
        if change.status != ProposedChange.Status.PENDING:
            raise ChangeError("decided", _("This change was already reviewed."))
        change.status = ProposedChange.Status.WITHDRAWN
        change.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="directory.change.withdrawn",
            target=change,
            request=request,
            detail=_detail(change),
        )
    return change


# Deciding ---------------------------------------------------------------------------------------------


def _pending(change: ProposedChange) -> ProposedChange:
    """The change again, locked with its organisation and service until the transaction ends (each row
    locked by its own query: PostgreSQL locks no row on the nullable side of a join), if still pending."""
    locked = ProposedChange.objects.select_for_update().get(pk=change.pk)
    if locked.status != ProposedChange.Status.PENDING:
        raise ChangeError("decided", _("This change was already reviewed or withdrawn."))
    locked.organization = Organization.objects.select_for_update().get(pk=locked.organization_id)
    if locked.service_id is not None:
        locked.service = Service.objects.select_for_update().filter(pk=locked.service_id).first()
    return locked


def change_approve(
    *,
    actor: User,
    request: HttpRequest | None = None,
    change: ProposedChange,
    overwrite_stale: bool = False,
) -> ProposedChange:
    """Apply a pending change to the live entry, in one transaction: the values, then "last verified" of
    the organisation (and of the service changed) today by `actor`, the search index after the commit.

    Refused ("stale") when a field it changes was changed by someone else since it was proposed, unless
    `overwrite_stale`: the editor then chose the proposed values over the newer ones, and the audit record
    names those fields."""
    require_change_reviewer(actor)
    with transaction.atomic():
        change = _pending(change)
        live = live_values(change)
        if live is None:
            raise ChangeError("gone", _("The service this change is for was removed: reject the change."))
        stale = stale_fields(change, live)
        if stale and not overwrite_stale:
            raise ChangeError(
                "stale",
                _(
                    "Someone changed this entry since the proposal: the fields marked as changed since would "
                    "lose their newer values. Approve it again saying so, or reject it."
                ),
            )
        today = timezone.localdate()
        organization = change.organization
        if change.kind == ProposedChange.Kind.ORGANIZATION:
            _apply_organization(organization, change.proposed)
        else:
            service = change.service if change.kind == ProposedChange.Kind.SERVICE else None
            change.service = _apply_service(organization, service, change.proposed, actor=actor, today=today)
        organization.last_verified_on = today
        organization.last_verified_by = actor
        organization.save(
            update_fields=[*ORGANIZATION_FIELDS, "translations", "last_verified_on", "last_verified_by"]
        )
        change.status = ProposedChange.Status.APPROVED
        change.reviewed_by = actor
        change.reviewed_at = timezone.now()
        change.save(update_fields=["status", "reviewed_by", "reviewed_at", "service"])
        organization_saved(organization_ids=[organization.pk])
        audit_record(
            actor=actor,
            action="directory.change.approved",
            target=change,
            request=request,
            detail=_detail(change, stale_overwritten=sorted(stale)),
        )
    return change


def change_reject(
    *, actor: User, request: HttpRequest | None = None, change: ProposedChange, reason: str
) -> ProposedChange:
    """Turn a pending change down, saying why (the representative reads the reason; the audit record does
    not hold it)."""
    require_change_reviewer(actor)
    reason = reason.strip()
    if not reason:
        raise ChangeError("no_reason", _("Say why, for the organisation's representative."))
    with transaction.atomic():
        change = _pending(change)
        change.status = ProposedChange.Status.REJECTED
        change.reviewed_by = actor
        change.reviewed_at = timezone.now()
        change.reason = reason
        change.save(update_fields=["status", "reviewed_by", "reviewed_at", "reason"])
        audit_record(
            actor=actor,
            action="directory.change.rejected",
            target=change,
            request=request,
            detail=_detail(change),
        )
    return change


# Applying ---------------------------------------------------------------------------------------------


def _apply_organization(organization: Organization, values: dict[str, Any]) -> None:
    for name in ORGANIZATION_FIELDS:
        if name in values:
            setattr(organization, name, values[name])
    _apply_translations(organization, values)
    if PHONES in values:
        _apply_phones(own_phones(organization), values[PHONES], organization=organization)
    address = {
        name.removeprefix(ADDRESS_PREFIX): value
        for name, value in values.items()
        if name.startswith(ADDRESS_PREFIX)
    }
    if address:
        _apply_address(organization, address)
    if HOURS in values:
        _apply_location_hours(organization, values[HOURS])
    places: dict[str, dict[str, Any]] = {}
    for key, value in values.items():
        if place := place_parts(key):
            places.setdefault(place[0], {})[place[1]] = value
    for location_id, wanted in places.items():
        _apply_place(organization, location_id, wanted)


def _apply_translations(record: Organization | Service, values: dict[str, Any]) -> None:
    """The record's text in other languages takes the values of "translation.<language>.<field>"; an empty
    one removes that field's translation (and a language left with none goes). The caller saves."""
    translations = dict(record.translations) if isinstance(record.translations, dict) else {}
    for key, value in values.items():
        parts = translation_parts(key)
        if parts is None:
            continue
        language, name = parts
        texts = dict(translations.get(language) or {})
        if value:
            texts[name] = value
        else:
            texts.pop(name, None)
        if texts:
            translations[language] = texts
        else:
            translations.pop(language, None)
    record.translations = translations


def _apply_phones(existing: list[Phone], wanted: list[dict[str, Any]], **owner: Any) -> None:
    """The record's own phones (`existing`) become `wanted`; a phone kept keeps its type, description and
    languages; a new one hangs from `owner` (organization=… or service=…)."""
    remaining = [(phone["number"], phone.get("extension")) for phone in wanted]
    for phone in existing:
        key = (phone.number, phone.extension)
        if key in remaining:
            remaining.remove(key)
        else:
            phone.delete()
    for number, extension in remaining:
        Phone.objects.create(number=number, extension=extension, **owner)


def _apply_hours(existing: list[Schedule], wanted: list[dict[str, Any]], **owner: Any) -> None:
    """A record's own schedules (`existing`) become `wanted` (HSDS schedule fields, as directory.changes
    keeps them); a schedule kept as it is keeps its id, link and attending type; a new one hangs from
    `owner` (service=… or location=…). The search index's opening rows follow with the reindex after the
    commit (directory.services.organization_saved)."""
    remaining = list(wanted)
    for schedule in existing:
        value = schedule_value(schedule)
        if value in remaining:
            remaining.remove(value)
        else:
            schedule.delete()
    for value in remaining:
        schedule = Schedule(**owner)
        for name, text in value.items():
            field = Schedule._meta.get_field(name)
            assert isinstance(field, models.Field)
            setattr(schedule, name, field.to_python(text))
        schedule.save()


def _several_addresses() -> ChangeError:
    return ChangeError(
        "address",
        _("The organisation has several addresses now: change them in the admin, and reject this change."),
    )


def _apply_address(organization: Organization, values: dict[str, str]) -> None:
    editable, location, address = editable_address(organization)
    if not editable:
        raise _several_addresses()
    _address_applied(organization, location, address, values)


def _address_applied(
    organization: Organization, location: Location | None, address: Address | None, values: dict[str, str]
) -> None:
    """The address (of `location`, made if None) takes `values`; emptied, it goes."""
    merged = {name: (getattr(address, name) or "") if address is not None else "" for name in ADDRESS_FIELDS}
    merged.update(values)
    if not any(merged.values()):
        if address is not None:
            address.delete()
        return
    if not merged["country"]:
        merged["country"] = organization.country
    if location is None:
        location = Location.objects.create(
            organization=organization, location_type=Location.Type.PHYSICAL, language=organization.language
        )
    if address is None:
        Address.objects.create(location=location, **merged)
        return
    for name, value in merged.items():
        setattr(address, name, value)
    address.save()


def _apply_place(organization: Organization, location_id: str, values: dict[str, Any]) -> None:
    """One of the organisation's several public places takes its address and hours from `values`."""
    location = next((place for place in public_locations(organization) if str(place.pk) == location_id), None)
    if location is None:
        raise ChangeError(
            "address",
            _(
                "A place this change is about is no longer one of the organisation's public places: reject "
                "the change."
            ),
        )
    address = {
        name.removeprefix(ADDRESS_PREFIX): value
        for name, value in values.items()
        if name.startswith(ADDRESS_PREFIX)
    }
    if address:
        addresses = list(location.addresses.all())
        if len(addresses) > 1:
            raise _several_addresses()
        _address_applied(organization, location, addresses[0] if addresses else None, address)
    if HOURS in values:
        _apply_hours(location_schedules(location), values[HOURS], location=location)


def _apply_location_hours(organization: Organization, wanted: list[dict[str, Any]]) -> None:
    """The organisation's hours: those of its one public location (made for them if it has none)."""
    editable, location, _address = editable_address(organization)
    if not editable:
        raise _several_addresses()
    if location is None:
        if not wanted:
            return
        location = Location.objects.create(
            organization=organization, location_type=Location.Type.PHYSICAL, language=organization.language
        )
    _apply_hours(location_schedules(location), wanted, location=location)


def _apply_service(
    organization: Organization,
    service: Service | None,
    values: dict[str, Any],
    *,
    actor: User,
    today: datetime.date,
) -> Service:
    if service is None:
        service = Service(organization=organization, language=organization.language)
    for name in SERVICE_FIELDS:
        if name in values:
            setattr(service, name, values[name])
    _apply_translations(service, values)
    service.last_verified_on = today
    service.last_verified_by = actor
    service.last_modified = timezone.now()
    service.save()
    if PHONES in values:
        _apply_phones(service_phones(service), values[PHONES], service=service)
    if HOURS in values:
        _apply_hours(service_schedules(service), values[HOURS], service=service)
    return service
