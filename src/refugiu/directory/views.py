"""Public pages of the referral directory: search, an organisation's page, its referral sheet and the
correction form. Confidential addresses are kept out by the templates' single `location_public` include
and by the search index, which never holds them."""

import math
from http import HTTPStatus

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries.fields import Country

from refugiu.core import ratelimit
from refugiu.directory import search
from refugiu.directory.forms import SearchForm, SuggestionForm
from refugiu.directory.models import Organization, SearchEntry, Service
from refugiu.directory.selectors import facet_labels, organization_public_get, terms_for
from refugiu.directory.services import suggestion_create

PAGE_SIZE = 20


def search_page(request):
    form = SearchForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    page = data.get("page") or 1
    filters = {name: data.get(name) for name in search.FACETS if data.get(name)}
    result = search.directory_search(
        query=data.get("q") or "",
        filters=filters,
        offset=(page - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
        with_facets=True,
    )
    organizations = {
        str(o.id): o
        for o in Organization.objects.filter(id__in=[i for k, i in result.hits if k == "organization"])
    }
    services = {
        str(s.id): s
        for s in Service.objects.select_related("organization").filter(
            id__in=[i for k, i in result.hits if k == "service"]
        )
    }
    hits = []
    for kind, object_id in result.hits:
        record = (
            organizations.get(object_id) if kind == SearchEntry.Kind.ORGANIZATION else services.get(object_id)
        )
        if record is not None:
            hits.append({"kind": kind, "record": record})
    terms = terms_for([h["record"].id for h in hits])
    for hit in hits:
        hit["terms"] = terms.get(hit["record"].id, [])
    labels = facet_labels()
    facets = []
    for name in search.FACETS:
        values = result.facet_counts.get(name, [])
        if values:
            facets.append(
                {
                    "name": name,
                    "label": FACET_TITLES[name],
                    "selected": filters.get(name, ""),
                    "values": [
                        (v, labels.get(name, {}).get(v, _country_name(v) if name == "country" else v), c)
                        for v, c in values
                    ],
                }
            )
    pages = max(1, math.ceil(result.total / PAGE_SIZE))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "directory/search.html",
        {
            "form": form,
            "query": data.get("q") or "",
            "result": result,
            "hits": hits,
            "facets": facets,
            "filters": filters,
            "page": page,
            "pages": pages,
            "base_query": params.urlencode(),
        },
    )


FACET_TITLES = {
    "country": gettext_lazy("Country"),
    "city": gettext_lazy("City or region"),
    "institution_type": gettext_lazy("Institution type"),
    "service_type": gettext_lazy("Service type"),
    "target_group": gettext_lazy("Who it helps"),
    "crime_type": gettext_lazy("Crime type"),
    "language": gettext_lazy("Language"),
}


def _country_name(code: str) -> str:
    return str(Country(code=code).name) or code


def organization_detail(request, organization_id):
    organization = organization_public_get(organization_id=organization_id)
    return render(request, "directory/organization.html", _organization_context(organization))


def referral_sheet(request, organization_id):
    """A one-page printable summary of an organisation's public contact data, to hand to a person."""
    organization = organization_public_get(organization_id=organization_id)
    return render(request, "directory/referral_sheet.html", _organization_context(organization))


def _organization_context(organization):
    services = list(organization.services.all())
    terms = terms_for([organization.id, *[s.id for s in services]])
    return {
        "organization": organization,
        "organization_terms": terms.get(organization.id, []),
        "services": [{"service": s, "terms": terms.get(s.id, [])} for s in services],
        "locations": list(organization.locations.all()),
        "stale_after_days": settings.REFUGIU["STALE_AFTER_DAYS"],
    }


def suggest_correction(request, organization_id):
    organization = organization_public_get(organization_id=organization_id)
    form = SuggestionForm(request.POST or None)
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        # Limited per address and per contact e-mail typed (core.ratelimit); what was typed stays.
        if not ratelimit.within_limits(request, "suggestion", email=form.cleaned_data["contact_email"]):
            form.add_error(
                None,
                _(
                    "Too many suggestions have been sent from your connection or with this e-mail address. "
                    "Nothing was saved. Please try again later."
                ),
            )
            status = HTTPStatus.TOO_MANY_REQUESTS
        else:
            suggestion_create(
                organization=organization,
                text=form.cleaned_data["text"],
                contact_email=form.cleaned_data["contact_email"],
            )
            messages.success(request, _("Thank you. An editor will review your suggestion."))
            return HttpResponseRedirect(reverse("directory:organization", args=[organization.id]))
    return render(
        request, "directory/suggest.html", {"organization": organization, "form": form}, status=status
    )
