"""Reads of the public directory. Everything public goes through these, so nothing unpublished or
confidential can be reached by a public page, the API or an export by accident."""

from typing import Any, NamedTuple

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from refugiu.directory.models import (
    Address,
    Attribute,
    Location,
    Organization,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
    display_language,
    translated_text,
)


def organization_public_list() -> QuerySet[Organization]:
    return Organization.objects.filter(is_published=True)


def service_public_list() -> QuerySet[Service]:
    return Service.objects.filter(is_published=True, organization__is_published=True)


# The same two rules as SQL conditions on the aliases of the tables, for the API's summary pages, which
# read plain rows (hsds.serialise.summaries.service_summaries); a test holds both forms to the same
# records.
def organization_public_sql(organization: str) -> str:
    return f"{organization}.is_published"


def service_public_sql(service: str, organization: str) -> str:
    return f"{service}.is_published AND {organization_public_sql(organization)}"


def public_schedules() -> QuerySet[Schedule]:
    """Schedules that may be shown: none tied to a confidential location, directly or through a service
    at it (as the API's forms leave them out)."""
    return Schedule.objects.exclude(location__is_confidential=True).exclude(
        service_at_location__location__is_confidential=True
    )


def service_at_location_public_list() -> QuerySet[ServiceAtLocation]:
    return ServiceAtLocation.objects.filter(
        service__is_published=True, service__organization__is_published=True
    )


def organization_public_get(*, organization_id) -> Organization:
    """A published organisation with everything its public page shows; 404 when missing or unpublished."""
    schedules = Prefetch("schedules", queryset=public_schedules())
    try:
        return (
            organization_public_list()
            .prefetch_related(
                "phones",
                "contacts",
                Prefetch(
                    "locations",
                    queryset=Location.objects.prefetch_related("addresses", "phones", schedules, "languages"),
                ),
                Prefetch(
                    "services",
                    queryset=service_public_list().prefetch_related(
                        "phones",
                        schedules,
                        "languages",
                        "contacts",
                        "service_areas",
                        Prefetch(
                            "service_at_locations",
                            queryset=ServiceAtLocation.objects.select_related("location").prefetch_related(
                                Prefetch("location__addresses", queryset=Address.objects.all()),
                                "location__phones",
                                schedules,
                                Prefetch("location__schedules", queryset=public_schedules()),
                            ),
                        ),
                    ),
                ),
            )
            .get(id=organization_id)
        )
    except (Organization.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


class TermName(NamedTuple):
    taxonomy: str | None  # our vocabulary's slug; None for an imported taxonomy
    code: str
    name: str  # in the visitor's language


def terms_for(link_ids) -> dict[Any, list[TermName]]:
    """The taxonomy terms attached to each of these records, by record id, named in the visitor's language.

    Plain rows, no model instances: the search page asks this for 20 records at each request."""
    language = display_language()
    by_link: dict[Any, list[TermName]] = {}
    rows = Attribute.objects.filter(link_id__in=list(link_ids)).values_list(
        "link_id",
        "taxonomy_term__taxonomy_ref__slug",
        "taxonomy_term__code",
        "taxonomy_term__name",
        "taxonomy_term__language",
        "taxonomy_term__translations",
    )
    for link_id, slug, code, name, record_language, translations in rows:
        by_link.setdefault(link_id, []).append(
            TermName(slug, code, translated_text(name, record_language, translations, "name", language))
        )
    return by_link


def facet_labels() -> dict[str, dict[str, str]]:
    """Display names for facet values: taxonomy slug → term code → translated term name."""
    language = display_language()
    labels: dict[str, dict[str, str]] = {}
    rows = TaxonomyTerm.objects.filter(taxonomy_ref__slug__isnull=False).values_list(
        "taxonomy_ref__slug", "code", "id", "name", "language", "translations"
    )
    for slug, code, term_id, name, record_language, translations in rows:
        if slug is None:  # never: filtered out above
            continue
        labels.setdefault(slug, {})[code or str(term_id)] = translated_text(
            name, record_language, translations, "name", language
        )
    return labels
