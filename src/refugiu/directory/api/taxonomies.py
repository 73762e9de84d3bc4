"""/api/hsds/taxonomies and /api/hsds/taxonomy_terms: the vocabularies records are tagged with."""

from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse

from refugiu.directory.api.common import DEFAULT_PER_PAGE, operation_id, router
from refugiu.directory.api.languages import Localised
from refugiu.directory.api.parameters import (
    Format,
    Lang,
    Page,
    ParentTermId,
    PerPage,
    RecordId,
    Search,
    TermsTaxonomyId,
    TopOnly,
)
from refugiu.directory.api.responses import documented, listing, loader, one, record_or_404
from refugiu.directory.api.selections import Ordered
from refugiu.directory.hsds.serialise.attributes import AttributeSlots
from refugiu.directory.hsds.serialise.fields import HsdsRecord
from refugiu.directory.hsds.serialise.querysets import taxonomy_term_list
from refugiu.directory.hsds.serialise.vocabularies import taxonomy_serialise, taxonomy_term_serialise
from refugiu.directory.models import Taxonomy


def _taxonomy_item(taxonomy: Taxonomy, attributes: AttributeSlots) -> HsdsRecord:
    return taxonomy_serialise(taxonomy=taxonomy)


def _text_search(queryset: QuerySet, search: str | None, fields: tuple[str, ...]) -> QuerySet:
    """Vocabularies are short: a plain case-insensitive match on their names is enough."""
    if not search or not search.strip():
        return queryset
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}__icontains": search.strip()})
    return queryset.filter(condition)


@router.get(
    "/taxonomies",
    summary="Taxonomies (taxonomy.json)",
    openapi_extra=documented("taxonomy", page=True),
    operation_id=operation_id("taxonomies_list"),
)
def taxonomies_list(
    request: HttpRequest,
    search: Search = None,
    page: Page = 1,
    per_page: PerPage = DEFAULT_PER_PAGE,
    format: Format = "json",
):
    queryset = _text_search(Taxonomy.objects.all(), search, ("name", "description")).order_by("name", "id")
    records = loader(Taxonomy.objects.all(), _taxonomy_item)
    return listing(Ordered(queryset), page=page, per_page=per_page, format=format, records=records)


@router.get(
    "/taxonomies/{id}",
    summary="A taxonomy (taxonomy.json)",
    openapi_extra=documented("taxonomy", page=False),
    operation_id=operation_id("taxonomy_detail"),
)
def taxonomy_detail(request: HttpRequest, id: RecordId):
    return one(record_or_404(Taxonomy.objects.all(), id), _taxonomy_item)


def _taxonomy_term_item(term, attributes: AttributeSlots) -> HsdsRecord:
    return taxonomy_term_serialise(term=term)


@router.get(
    "/taxonomy_terms",
    summary="Taxonomy terms (taxonomy_term.json)",
    openapi_extra=documented("taxonomy_term", page=True, languages=True),
    operation_id=operation_id("taxonomy_terms_list"),
)
def taxonomy_terms_list(
    request: HttpRequest,
    response: HttpResponse,
    search: Search = None,
    page: Page = 1,
    per_page: PerPage = DEFAULT_PER_PAGE,
    format: Format = "json",
    taxonomy_id: TermsTaxonomyId = None,
    parent_id: ParentTermId = None,
    top_only: TopOnly = False,
    lang: Lang = None,
):
    localised = Localised.of(request, lang, response)
    queryset = _text_search(taxonomy_term_list(), search, ("name", "code", "description"))
    if taxonomy_id:
        queryset = queryset.filter(taxonomy_ref_id=taxonomy_id)
    if parent_id:
        queryset = queryset.filter(parent_id=parent_id)
    if top_only:
        queryset = queryset.filter(parent__isnull=True)
    selected = Ordered(queryset.order_by("taxonomy_ref__name", "name", "id"))
    records = loader(taxonomy_term_list(), _taxonomy_term_item)
    return localised.answer(
        listing(selected, page=page, per_page=per_page, format=format, records=localised.records(records))
    )


@router.get(
    "/taxonomy_terms/{id}",
    summary="A taxonomy term (taxonomy_term.json)",
    openapi_extra=documented("taxonomy_term", page=False, languages=True),
    operation_id=operation_id("taxonomy_term_detail"),
)
def taxonomy_term_detail(request: HttpRequest, response: HttpResponse, id: RecordId, lang: Lang = None):
    localised = Localised.of(request, lang, response)
    return localised.answer(
        localised.record(one(record_or_404(taxonomy_term_list(), id), _taxonomy_term_item))
    )
