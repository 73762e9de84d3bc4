"""Public pages of the referral directory: search, an organisation's page, its referral sheet and the
correction form. Confidential addresses are kept out by the templates' single `location_public` include
and by the search index, which never holds them."""

import math
from http import HTTPStatus
from urllib.parse import quote

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
from refugiu.directory.models import Organization, SearchEntry, Service, display_language, translated_text
from refugiu.directory.selectors import facet_labels, organization_public_get, terms_for
from refugiu.directory.services import suggestion_create

PAGE_SIZE = 20


def search_page(request):
    """The search page. It is the directory's busiest page, so the view hands the template plain strings
    and tuples: per hit its link, name, description and term names; per facet value its label, count and
    link. Django's template engine spent most of the page's time resolving `hit.record.display_name`
    and the like, 20 hits and up to 175 facet values a page (BENCHMARKS.md, "The search page against
    the API's search")."""
    form = SearchForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    page = data.get("page") or 1
    filters: dict[str, str] = {name: data[name] for name in search.FACETS if data.get(name)}
    result = search.directory_search(
        query=data.get("q") or "",
        filters=filters,
        offset=(page - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
        with_facets=True,
    )
    pages = max(1, math.ceil(result.total / PAGE_SIZE))
    params = request.GET.copy()
    params.pop("page", None)
    base_query = params.urlencode()
    return render(
        request,
        "directory/search.html",
        {
            "form": form,
            "query": data.get("q") or "",
            "result": result,
            "hits": _hits(result.hits),
            "facets": _facets(result.facet_counts, filters, base_query),
            "filters": filters,
            "page": page,
            "pages": pages,
            "base_query": base_query,
        },
    )


def _hits(ranked: list[tuple[str, str]]) -> list[dict]:
    """The page's hits in rank order, each a dict of what the template shows: link, name, description,
    term names, and for a service its organisation's name, in the visitor's language. Read as plain
    rows; records gone since the search are left out."""
    language = display_language()
    organization, service = SearchEntry.Kind.ORGANIZATION, SearchEntry.Kind.SERVICE
    records = {}
    ids = [i for kind, i in ranked if kind == organization]
    rows = Organization.objects.filter(id__in=ids).values_list(
        "id", "name", "description", "language", "translations"
    )
    for record_id, name, description, record_language, translations in rows:
        records[organization, str(record_id)] = {
            "kind": organization,
            "id": record_id,
            "url": reverse("directory:organization", args=[record_id]),
            "name": translated_text(name, record_language, translations, "name", language),
            "description": translated_text(
                description, record_language, translations, "description", language
            ),
        }
    ids = [i for kind, i in ranked if kind == service]
    service_rows = Service.objects.filter(id__in=ids).values_list(
        "id", "name", "description", "language", "translations",
        "organization_id", "organization__name", "organization__language", "organization__translations",
    )  # fmt: skip
    for record_id, name, description, record_language, translations, *of_organization in service_rows:
        organization_id, organization_name, organization_language, organization_translations = of_organization
        records[service, str(record_id)] = {
            "kind": service,
            "id": record_id,
            "url": f"{reverse('directory:organization', args=[organization_id])}#service-{record_id}",
            "name": translated_text(name, record_language, translations, "name", language),
            "description": translated_text(
                description, record_language, translations, "description", language
            ),
            "organization_name": translated_text(
                organization_name, organization_language, organization_translations, "name", language
            ),
        }
    hits = [records[hit] for hit in ranked if hit in records]
    terms = terms_for([hit["id"] for hit in hits])
    for hit in hits:
        hit["terms"] = terms.get(hit["id"], [])
    return hits


FACET_VALUES_SHOWN = 25


def _facets(facet_counts: dict, filters: dict, base_query: str) -> list[dict]:
    """Each facet with values: its name, title, and up to FACET_VALUES_SHOWN values as (label, count,
    link, selected), most frequent first."""
    labels = facet_labels()
    facets = []
    for name in search.FACETS:
        values = facet_counts.get(name, [])[:FACET_VALUES_SHOWN]
        if not values:
            continue
        names = labels.get(name, {})
        selected = filters.get(name, "")
        facets.append(
            {
                "name": name,
                "label": FACET_TITLES[name],
                "values": [
                    (
                        names[value] if value in names else _value_label(name, value),
                        count,
                        f"?{base_query}&{name}={quote(value)}",
                        value == selected,
                    )
                    for value, count in values
                ],
            }
        )
    return facets


FACET_TITLES = {
    "country": gettext_lazy("Country"),
    "city": gettext_lazy("City or region"),
    "institution_type": gettext_lazy("Institution type"),
    "service_type": gettext_lazy("Service type"),
    "target_group": gettext_lazy("Who it helps"),
    "crime_type": gettext_lazy("Crime type"),
    "language": gettext_lazy("Language"),
}


def _value_label(facet: str, value: str) -> str:
    """The label of a facet value that is no taxonomy term: a country's name, else the value itself."""
    return _country_name(value) if facet == "country" else value


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
