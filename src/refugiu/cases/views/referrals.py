"""Referrals: the form (with the directory search inside it), a referral's page, and its packet, printable
and as a PDF, which carries only the data fields the referral shared."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django_countries import countries

from refugiu.accounts.decorators import SignedInRequest
from refugiu.cases import access, read_audit, services
from refugiu.cases import vocabularies as v
from refugiu.cases.forms import ReferralForm, ReferralUpdateForm
from refugiu.cases.languages import language_name
from refugiu.cases.models import Case, Consent, NeedsAssessment, Referral
from refugiu.cases.services import CaseError
from refugiu.cases.views.shared import (
    case_error_show,
    case_load,
    case_render,
    cases_view,
    initial_from_post,
)
from refugiu.core.forms import form_field
from refugiu.core.pdf import html_to_pdf
from refugiu.directory.details import location_place
from refugiu.directory.models import Organization, SearchEntry, Service
from refugiu.directory.search import directory_search
from refugiu.directory.selectors import organization_public_list, service_public_list
from refugiu.organisation.models import Department

DIRECTORY_RESULTS = 20


def _uuids(values: Iterable[object]) -> list[uuid.UUID]:
    found = []
    for value in values:
        try:
            found.append(uuid.UUID(str(value)))
        except ValueError:
            continue
    return found


def _search_hits(query: str, kind: str | None = None) -> list[tuple[str, str]]:
    if not query.strip():
        return []
    return directory_search(query=query, kind=kind, limit=DIRECTORY_RESULTS, count_cap=DIRECTORY_RESULTS).hits


def directory_destinations(query: str, selected: str = "") -> list[tuple[Organization, list[Service]]]:
    """What a referral may go to among the directory's published records matching `query` (the directory's
    own search, in its order), by organisation: each organisation with the services to offer beside it.
    An organisation found by its own text comes with all its published services (an empty list for one
    with no listed service); one found through a service comes with the services found. The one already
    chosen (`selected` is "service:<id>" or "organization:<id>") stays, so a choice survives a new search."""
    hits = _search_hits(query)
    kind, _sep, pk = selected.partition(":")
    if kind in ("service", "organization"):
        hits.append((SearchEntry.Kind.SERVICE if kind == "service" else SearchEntry.Kind.ORGANIZATION, pk))
    service_ids = _uuids(i for k, i in hits if k == SearchEntry.Kind.SERVICE)
    organization_ids = _uuids(i for k, i in hits if k == SearchEntry.Kind.ORGANIZATION)
    services = {
        s.pk: s
        for s in service_public_list()
        .select_related("organization")
        .filter(Q(pk__in=service_ids) | Q(organization_id__in=organization_ids))
        .order_by("name", "pk")
    }
    organizations = {o.pk: o for o in organization_public_list().filter(pk__in=organization_ids)}
    organizations |= {s.organization_id: s.organization for s in services.values()}
    offered: dict[uuid.UUID, list[Service]] = {}
    for found in _uuids(i for _k, i in hits):  # in rank order, services found before the others
        if found in services:
            service = services.pop(found)
            offered.setdefault(service.organization_id, []).append(service)
        elif found in organizations:
            offered.setdefault(found, [])
    for service in services.values():  # the other services of the organisations found, by name
        if service.organization_id in offered:
            offered[service.organization_id].append(service)
    return [(organizations[o], found_services) for o, found_services in offered.items()]


def directory_organizations(query: str, selected: str = "") -> list[Organization]:
    """Published organisations matching `query` by their own text or one of their services', plus the one
    already chosen."""
    hits = _search_hits(query)
    by_service = dict(
        Service.objects.filter(
            pk__in=_uuids(i for kind, i in hits if kind == SearchEntry.Kind.SERVICE)
        ).values_list("pk", "organization_id")
    )
    wanted = []
    for kind, object_id in hits:
        if kind == SearchEntry.Kind.ORGANIZATION:
            wanted += _uuids([object_id])
        elif (service_id := _uuids([object_id])[0]) in by_service:
            wanted.append(by_service[service_id])
    wanted += _uuids([selected] if selected else [])
    found = {o.pk: o for o in organization_public_list().filter(pk__in=wanted)}
    return [found[i] for i in dict.fromkeys(wanted) if i in found]


@cases_view
def referral_new(request: SignedInRequest, case_id: int) -> HttpResponse:
    case = case_load(request, case_id)
    sending = request.method == "POST" and request.POST.get("action") == "send"
    query = (request.POST.get("q") if request.method == "POST" else request.GET.get("q")) or ""
    consents = list(
        Consent.objects.filter(beneficiary_id=case.beneficiary_id, withdrawn_on__isnull=True).select_related(
            "organization"
        )
    )
    options: dict[str, Any] = {
        "directory": directory_destinations(query[:200], request.POST.get("destination", "")),
        "departments": Department.objects.filter(kind=Department.Kind.ASSISTANCE).exclude(
            pk=case.department_id
        ),
        "consents": consents,
        "can_override": access.can_coordinate(request.user, case),
    }
    if sending:
        form = ReferralForm(request.POST, **options)
    elif request.method == "POST":  # a search: keep what was typed, validate nothing yet
        form = ReferralForm(
            initial=initial_from_post(request, ReferralForm, multiple=("shared_fields",)), **options
        )
    else:
        form = ReferralForm(initial={"q": query, "shared_fields": [v.SharedField.CODE]}, **options)
    if sending and form.is_valid():
        data = form.cleaned_data
        try:
            referral = services.referral_send(
                user=request.user,
                request=request,
                case=case,
                reason=data["reason"],
                shared_fields=data["shared_fields"],
                service=data["service"],
                organization=data["organization"],
                department=data["department"],
                override_reason=data.get("override_reason", ""),
            )
        except CaseError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The referral was sent."))
            return redirect("cases:referral_detail", case_id=case.pk, referral_id=referral.pk)
    return case_render(
        request, "cases/referral_new.html", case, {"form": form, "searched": bool(query.strip())}
    )


def _referral_get(request: SignedInRequest, case: Case, referral_id: int) -> Referral:
    referral: Referral = access.record_of_case(
        user=request.user,
        case=case,
        queryset=Referral.objects.select_related(
            "service__organization", "organization", "department", "consent__organization"
        ),
        record_id=referral_id,
        request=request,
    )
    referral.case = case
    return referral


@cases_view
def referral_detail(request: SignedInRequest, case_id: int, referral_id: int) -> HttpResponse:
    case = case_load(request, case_id)
    referral = _referral_get(request, case, referral_id)
    form = ReferralUpdateForm(request.POST or None, referral=referral, initial={"version": referral.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_update(
                user=request.user,
                request=request,
                referral=referral,
                expected_version=form.cleaned_data["version"],
                status=form.cleaned_data["status"],
                decline_reason=form.cleaned_data["decline_reason"],
                feedback=form.cleaned_data["feedback"],
            )
        except CaseError as error:
            case_error_show(form, error, referral)
        else:
            messages.success(request, _("The referral was updated."))
            return redirect("cases:referral_detail", case_id=case.pk, referral_id=referral.pk)
    labels = dict(v.SharedField.choices)
    return case_render(
        request,
        "cases/referral_detail.html",
        case,
        {
            "referral": referral,
            "form": form if form_field(form, "status", forms.ChoiceField).choices else None,
            "shared": [labels.get(f, f) for f in referral.shared_fields],
            "can_edit": access.can_edit(request.user, case),
            **organization_contact(referral.organization),
        },
        action="cases.referral.viewed",
        target=referral,
    )


def organization_contact(organization: Organization | None) -> dict[str, Any]:
    """What the packet and the referral's page tell of an organisation a referral goes to itself: its
    phones, contacts and places (a confidential place shows only its front door, as on the directory's
    pages), and whether it has a service listed in the directory. Read whether or not it is still
    published: the referral was sent to it."""
    if organization is None:
        return {}
    return {
        "organization_phones": list(organization.phones.all()),
        "organization_contacts": list(organization.contacts.all()),
        "organization_places": [
            location_place(location, timezone.localdate())
            for location in organization.locations.prefetch_related("addresses", "phones", "schedules")
        ],
        "organization_has_services": service_public_list().filter(organization=organization).exists(),
    }


# The packet ----------------------------------------------------------------------------------------


def packet_rows(referral: Referral, case: Case) -> list[tuple[str, str]]:
    """(label, value) for each data field the referral shared, and for nothing else. The packet template
    only prints these rows, so a field that was not shared cannot reach the page or the PDF."""
    shared = set(referral.shared_fields)
    beneficiary = case.beneficiary
    identity = getattr(beneficiary, "identity", None)
    rows: list[tuple[str, str]] = []

    def add(label: str | Promise, *values: object) -> None:
        rows.append((str(label), " · ".join(str(x) for x in values if x) or "—"))

    if v.SharedField.CODE in shared:
        add(_("Beneficiary code"), beneficiary.code)
    if v.SharedField.NAMES in shared and identity is not None:
        add(_("Given names"), identity.given_names)
        add(_("Family names"), identity.family_names)
        if identity.other_names:
            add(_("Other names and spellings"), identity.other_names)
    if v.SharedField.DATE_OF_BIRTH in shared and identity is not None:
        add(_("Date of birth"), identity.date_of_birth)
    if v.SharedField.CONTACT in shared and identity is not None:
        add(_("Phone"), identity.phone)
        add(_("Email"), identity.email)
        add(_("Address"), identity.address)
    if v.SharedField.DOCUMENTS in shared and identity is not None:
        add(_("Identity document"), identity.document_type, identity.document_number)
    if v.SharedField.GENDER_AGE in shared:
        add(_("Gender and age band"), beneficiary.get_gender_display(), beneficiary.get_age_band_display())
    if v.SharedField.NATIONALITY in shared:
        add(_("Nationality"), beneficiary.nationality.name if beneficiary.nationality else "")
        add(_("Languages"), ", ".join(language_name(code) for code in beneficiary.languages))
    if v.SharedField.MIGRATION_STATUS in shared:
        add(_("Migration or protection status"), beneficiary.get_migration_status_display())
    if v.SharedField.CATEGORY in shared:
        add(_("Case category"), case.get_category_display())
        exploitation = dict(v.ExploitationType.choices)
        add(
            _("Forms of exploitation"),
            ", ".join(str(exploitation.get(e, e)) for e in case.exploitation_types),
        )
    if v.SharedField.NEEDS in shared:
        assessment = NeedsAssessment.objects.filter(case=case).order_by("-assessed_on", "-pk").first()
        if assessment is not None:
            levels = [
                f"{label}: {getattr(assessment, f'get_{area}_display')()}"
                for area, label in v.NeedArea.choices
            ]
            add(
                _("Needs assessment of %(date)s") % {"date": assessment.assessed_on.isoformat()},
                "; ".join(levels),
            )
        else:
            add(_("Needs assessment"), "")
    if v.SharedField.RISK in shared:
        flags = dict(v.CaseFlag.choices)
        add(_("Risk level"), case.get_risk_level_display())
        add(_("Flags"), ", ".join(str(flags.get(f, f)) for f in case.flags))
    return rows


def _packet_html(
    request: SignedInRequest, case_id: int, referral_id: int, *, for_pdf: bool
) -> tuple[Referral, str]:
    case = access.case_get(
        user=request.user,
        case_id=case_id,
        queryset=Case.objects.select_related("beneficiary", "beneficiary__identity", "department__ngo"),
        request=request,
    )
    referral = _referral_get(request, case, referral_id)
    service = referral.service
    context = {
        "case": case,
        "referral": referral,
        "rows": packet_rows(referral, case),
        "service": service,
        "organization": referral.destination_organization,
        "phones": list(service.phones.all()) + list(service.organization.phones.all()) if service else [],
        "contacts": list(service.contacts.all()) + list(service.organization.contacts.all())
        if service
        else [],
        "country_name": dict(countries).get(referral.country.code, "") if referral.country else "",
        "for_pdf": for_pdf,
        **organization_contact(referral.organization),
    }
    return referral, render_to_string("cases/referral_packet.html", context, request=request)


@cases_view
def referral_packet(request: SignedInRequest, case_id: int, referral_id: int) -> HttpResponse:
    referral, html = _packet_html(request, case_id, referral_id, for_pdf=False)
    read_audit.case_read(
        user=request.user,
        request=request,
        case=referral.case,
        action="cases.referral.packet_viewed",
        record=referral,
    )
    return HttpResponse(html)


@cases_view
def referral_packet_pdf(request: SignedInRequest, case_id: int, referral_id: int) -> HttpResponse:
    referral, html = _packet_html(request, case_id, referral_id, for_pdf=True)
    pdf = html_to_pdf(html)  # fetches nothing but our own static files
    read_audit.case_read(
        user=request.user,
        request=request,
        case=referral.case,
        action="cases.referral.packet_downloaded",
        record=referral,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="referral-{referral.pk}.pdf"'
    return response
