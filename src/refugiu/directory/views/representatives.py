"""The pages of an organisation's representative: the organisations they keep, each one's live entry with
the changes waiting for review and those decided, and the forms proposing changes to the entry and its
services. What they send waits for a directory editor (directory.services.changes); another
organisation's pages answer 404 (directory.access)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from refugiu.accounts.decorators import SignedInRequest, permission_required_404
from refugiu.accounts.roles import Permission
from refugiu.directory.access import (
    represented_change_get,
    represented_organization_get,
    represented_organizations,
    represented_service_get,
)
from refugiu.directory.change_forms import (
    HoursForm,
    LanguagePickForm,
    OrganizationChangeForm,
    PhoneFormSet,
    PlaceAddressForm,
    ServiceChangeForm,
    TranslationForm,
    hours_initial,
    phone_initial,
    phones_of,
)
from refugiu.directory.changes import (
    ADDRESS_FIELDS,
    ADDRESS_PREFIX,
    HOURS,
    ORGANIZATION_TRANSLATED,
    PHONES,
    SERVICE_TRANSLATED,
    change_diff,
    display_value,
    field_label,
    hours_editable,
    organization_values,
    place_key,
    place_label,
    place_labels,
    public_locations,
    service_values,
)
from refugiu.directory.models import Organization, ProposedChange, Service
from refugiu.directory.services.changes import (
    ChangeError,
    change_withdraw,
    organization_change_propose,
    service_change_propose,
    service_new_propose,
)
from refugiu.directory.translations import site_languages

PROPOSE = Permission.DIRECTORY_PROPOSE_CHANGES
DECIDED_SHOWN = 20


def _home(organization: Organization) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("directory:own_organization", args=[organization.pk]))


def _sent(request: HttpRequest, change: ProposedChange | None) -> None:
    if change is None:
        messages.info(request, _("Nothing was changed, so nothing was sent."))
    else:
        messages.success(
            request, _("Your change was sent. A directory editor reviews it before it is published.")
        )


@permission_required_404(PROPOSE)
def own_list(request: SignedInRequest) -> HttpResponse:
    organizations = represented_organizations(request.user).order_by("name")
    return render(request, "directory/own/list.html", {"organizations": organizations})


@permission_required_404(PROPOSE)
def own_organization(request: SignedInRequest, organization_id: uuid.UUID) -> HttpResponse:
    organization = represented_organization_get(request=request, organization_id=organization_id)
    values = organization_values(organization)
    changes = organization.proposed_changes.select_related("service")
    pending = [
        (change, change_diff(change)) for change in changes.filter(status=ProposedChange.Status.PENDING)
    ]
    decided = [
        (change, change_diff(change))
        for change in changes.exclude(status=ProposedChange.Status.PENDING).order_by("-reviewed_at", "-pk")[
            :DECIDED_SHOWN
        ]
    ]
    kind = ProposedChange.Kind.ORGANIZATION
    places = place_labels(values)
    shown = [
        (field_label(kind, name, places), display_value(value))
        for name, value in values.items()
        if name != PHONES
    ]
    return render(
        request,
        "directory/own/organization.html",
        {
            "organization": organization,
            "values": shown,
            "phones": values[PHONES],
            "address_editable": all(
                len(place.addresses.all()) <= 1 for place in public_locations(organization)
            ),
            "services": organization.services.order_by("name"),
            "pending": pending,
            "decided": decided,
        },
    )


@dataclass
class _Place:
    """One of an organisation's several public places on its form: its address (when it has at most one)
    and its hours (when the simple form can say them), each form prefixed by the place's id."""

    location_id: uuid.UUID
    label: str
    address: PlaceAddressForm | None
    hours: HoursForm | None
    live_hours: list

    def is_valid(self) -> bool:
        """Both forms checked, so that every mistake is shown at once."""
        valid = [form.is_valid() for form in (self.address, self.hours) if form is not None]
        return all(valid)

    def wanted(self) -> dict[str, Any]:
        wanted: dict[str, Any] = {}
        if self.address is not None:
            for name, value in self.address.values().items():
                wanted[place_key(self.location_id, name)] = value
        if self.hours is not None:
            wanted[place_key(self.location_id, HOURS)] = self.hours.value(self.live_hours)
        return wanted


def _places(organization: Organization, values: dict[str, Any], data: Any) -> list[_Place]:
    """The forms of the organisation's several public places (none when it has one at most: its address
    and hours are then the organisation's own), bound to `data` when it is a POST's."""
    if HOURS in values:
        return []
    places = []
    for location in public_locations(organization):
        prefix = f"place-{location.pk}"
        hours_key = place_key(location.pk, HOURS)
        address = None
        if place_key(location.pk, ADDRESS_PREFIX + "city") in values:
            initial = {
                ADDRESS_PREFIX + name: values[place_key(location.pk, ADDRESS_PREFIX + name)]
                for name in ADDRESS_FIELDS
            }
            address = (
                PlaceAddressForm(data, prefix=prefix)
                if data is not None
                else PlaceAddressForm(initial=initial, prefix=prefix)
            )
        hours = None
        if hours_editable(values, key=hours_key):
            hours_prefix = f"{prefix}-hours"
            hours = (
                HoursForm(data, prefix=hours_prefix)
                if data is not None
                else HoursForm(initial=hours_initial(values[hours_key]), prefix=hours_prefix)
            )
        places.append(_Place(location.pk, place_label(location), address, hours, values[hours_key]))
    return places


@permission_required_404(PROPOSE)
def own_organization_edit(request: SignedInRequest, organization_id: uuid.UUID) -> HttpResponse:
    organization = represented_organization_get(request=request, organization_id=organization_id)
    values = organization_values(organization)
    with_address = any(name.startswith(ADDRESS_PREFIX) for name in values)
    initial_hours = hours_initial(values[HOURS]) if hours_editable(values) else None
    places = _places(organization, values, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        form = OrganizationChangeForm(request.POST, with_address=with_address)
        phones = PhoneFormSet(request.POST, prefix="phones")
        hours = HoursForm(request.POST, prefix="hours") if initial_hours is not None else None
        valid = [form.is_valid(), phones.is_valid(), hours is None or hours.is_valid()]
        if all([*valid, *(place.is_valid() for place in places)]):
            wanted = {**form.values(), PHONES: phones_of(phones)}
            if hours is not None:
                wanted[HOURS] = hours.value(values[HOURS])
            for place in places:
                wanted.update(place.wanted())
            change = organization_change_propose(
                actor=request.user, request=request, organization=organization, values=wanted
            )
            _sent(request, change)
            return _home(organization)
    else:
        form = OrganizationChangeForm(initial=values, with_address=with_address)
        phones = PhoneFormSet(initial=phone_initial(values), prefix="phones")
        hours = HoursForm(initial=initial_hours, prefix="hours") if initial_hours is not None else None
    return render(
        request,
        "directory/own/organization_form.html",
        {"organization": organization, "form": form, "phones": phones, "hours": hours, "places": places},
    )


def _service_form_page(
    request: SignedInRequest, organization: Organization, service: Service | None
) -> HttpResponse:
    """A service's fields, its own phones and, when a simple form can say them, its own opening hours:
    changed (`service`) or new (None)."""
    live = service_values(service)
    initial_hours = hours_initial(live[HOURS]) if hours_editable(live, service) else None
    with_hours = initial_hours is not None
    if request.method == "POST":
        form = ServiceChangeForm(request.POST)
        phones = PhoneFormSet(request.POST, prefix="phones")
        hours = HoursForm(request.POST, prefix="hours") if with_hours else None
        if form.is_valid() and phones.is_valid() and (hours is None or hours.is_valid()):
            wanted = {**form.values(), PHONES: phones_of(phones)}
            if hours is not None:
                wanted[HOURS] = hours.value(live[HOURS])
            change: ProposedChange | None
            try:
                if service is None:
                    change = service_new_propose(
                        actor=request.user, request=request, organization=organization, values=wanted
                    )
                else:
                    change = service_change_propose(
                        actor=request.user, request=request, service=service, values=wanted
                    )
            except ChangeError as error:
                form.add_error(None, error.message)
            else:
                _sent(request, change)
                return _home(organization)
    else:
        form = ServiceChangeForm(initial=live if service is not None else None)
        phones = PhoneFormSet(initial=phone_initial(live), prefix="phones")
        hours = HoursForm(initial=initial_hours, prefix="hours") if with_hours else None
    return render(
        request,
        "directory/own/service_form.html",
        {"organization": organization, "service": service, "form": form, "phones": phones, "hours": hours},
    )


@permission_required_404(PROPOSE)
def own_service_edit(
    request: SignedInRequest, organization_id: uuid.UUID, service_id: uuid.UUID
) -> HttpResponse:
    organization = represented_organization_get(request=request, organization_id=organization_id)
    service = represented_service_get(organization=organization, service_id=service_id)
    return _service_form_page(request, organization, service)


@permission_required_404(PROPOSE)
def own_service_new(request: SignedInRequest, organization_id: uuid.UUID) -> HttpResponse:
    organization = represented_organization_get(request=request, organization_id=organization_id)
    return _service_form_page(request, organization, None)


def _translation_page(
    request: SignedInRequest, organization: Organization, service: Service | None
) -> HttpResponse:
    """The record's text in one other language (chosen with ?language=, by a plain GET form), proposed as
    "translation.<language>.<field>" values."""
    record: Organization | Service = service if service is not None else organization
    fields = SERVICE_TRANSLATED if service is not None else ORGANIZATION_TRANSLATED
    model = Service if service is not None else Organization
    own = record.language

    def translation_form(*args: Any, **kwargs: Any) -> TranslationForm:
        return TranslationForm(*args, model=model, fields=fields, own_language=own, **kwargs)

    if request.method == "POST":
        form = translation_form(request.POST)
        if form.is_valid():
            values = form.values()
            if service is None:
                change = organization_change_propose(
                    actor=request.user, request=request, organization=organization, values=values
                )
            else:
                change = service_change_propose(
                    actor=request.user, request=request, service=service, values=values
                )
            _sent(request, change)
            return _home(organization)
        language = form.data.get("language", "")
    else:
        pick = LanguagePickForm(request.GET or None, own_language=own)
        default = next((code for code in site_languages() if code != own), "en")
        language = pick.cleaned_data["language"] if pick.is_valid() else default
        texts = (record.translations or {}).get(language) or {}
        form = translation_form(
            initial={"language": language, **{name: texts.get(name, "") for name in fields}}
        )
    pick = LanguagePickForm(initial={"language": language}, own_language=own)
    live = service_values(service) if service is not None else organization_values(organization)
    originals = [(form[name], live.get(name, "")) for name in fields]
    return render(
        request,
        "directory/own/translation_form.html",
        {
            "organization": organization,
            "service": service,
            "form": form,
            "pick": pick,
            "originals": originals,
            "own_language": own,
        },
    )


@permission_required_404(PROPOSE)
def own_organization_translate(request: SignedInRequest, organization_id: uuid.UUID) -> HttpResponse:
    organization = represented_organization_get(request=request, organization_id=organization_id)
    return _translation_page(request, organization, None)


@permission_required_404(PROPOSE)
def own_service_translate(
    request: SignedInRequest, organization_id: uuid.UUID, service_id: uuid.UUID
) -> HttpResponse:
    organization = represented_organization_get(request=request, organization_id=organization_id)
    service = represented_service_get(organization=organization, service_id=service_id)
    return _translation_page(request, organization, service)


@permission_required_404(PROPOSE)
@require_POST
def own_change_withdraw(request: SignedInRequest, organization_id: uuid.UUID, change_id: int) -> HttpResponse:
    organization = represented_organization_get(request=request, organization_id=organization_id)
    change = represented_change_get(organization=organization, change_id=change_id)
    try:
        change_withdraw(actor=request.user, request=request, change=change)
    except ChangeError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your change was withdrawn."))
    return _home(organization)
