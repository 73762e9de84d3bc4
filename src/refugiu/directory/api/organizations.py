"""/api/hsds/organizations: organisations, summaries in a list (full=true: in full), each in full on its
own, with its services in full."""

from typing import Any

from django.http import HttpRequest, HttpResponse

from refugiu.directory.api.common import DEFAULT_PER_PAGE, operation_id, router
from refugiu.directory.api.languages import Localised
from refugiu.directory.api.parameters import (
    Format,
    Full,
    Lang,
    ModifiedAfter,
    Page,
    PerPage,
    RecordId,
    Search,
    TaxonomyId,
    TermId,
)
from refugiu.directory.api.responses import documented, listing, loader, one, record_or_404
from refugiu.directory.api.selections import selection
from refugiu.directory.hsds.serialise.attributes import AttributeSlots
from refugiu.directory.hsds.serialise.fields import HsdsRecord
from refugiu.directory.hsds.serialise.querysets import organization_full_list
from refugiu.directory.hsds.serialise.services import organization_serialise
from refugiu.directory.hsds.serialise.summaries import organization_summaries
from refugiu.directory.selectors import organization_public_list


def _organization_in_full(organization: Any, attributes: AttributeSlots) -> HsdsRecord:
    return organization_serialise(organization=organization, attributes=attributes)


@router.get(
    "/organizations",
    summary="Organizations (organization_list.json; full=true: organization.json)",
    openapi_extra=documented("organization_list", page=True, languages=True, full="organization"),
    operation_id=operation_id("organizations_list"),
)
def organizations_list(
    request: HttpRequest,
    response: HttpResponse,
    search: Search = None,
    page: Page = 1,
    per_page: PerPage = DEFAULT_PER_PAGE,
    format: Format = "json",
    taxonomy_term_id: TermId = None,
    taxonomy_id: TaxonomyId = None,
    modified_after: ModifiedAfter = None,
    full: Full = False,
    lang: Lang = None,
):
    localised = Localised.of(request, lang, response)
    selected = selection(
        organization_public_list,
        kind="organization",
        search=search,
        term_id=taxonomy_term_id,
        taxonomy_id=taxonomy_id,
        modified_after=modified_after,
    )
    records = loader(organization_full_list(), _organization_in_full) if full else organization_summaries
    return localised.answer(
        listing(selected, page=page, per_page=per_page, format=format, records=localised.records(records))
    )


@router.get(
    "/organizations/{id}",
    summary="An organization in full, with its services in full (organization.json)",
    openapi_extra=documented("organization", page=False, languages=True),
    operation_id=operation_id("organization_detail"),
)
def organization_detail(request: HttpRequest, response: HttpResponse, id: RecordId, lang: Lang = None):
    localised = Localised.of(request, lang, response)
    record = one(record_or_404(organization_full_list(), id), _organization_in_full)
    return localised.answer(localised.record(record))
